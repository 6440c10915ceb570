import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { type Backend, Generator, arenaStep, randint, randn, referenceBackend, setBackend } from '../../src/index.js';
import { GPT, lectureGPTConfig } from '../../src/models/gpt/gpt.js';
import { AdamW } from '../../src/optim/adamw.js';
import { assertClose } from '../helpers.js';

function withBackend<T>(kernels: Backend, fn: () => T): T {
  const previous = setBackend(kernels);
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}

/** A small GPT, its optimizer and a fixed batch; `step` trains once and returns the loss. */
function gptRun(inArena: boolean) {
  const g = new Generator(7);
  const model = new GPT(lectureGPTConfig({ vocabSize: 20, blockSize: 8, nEmbd: 16, nHead: 2, nLayer: 2, dropout: 0 }), g);
  const optimizer = new AdamW(model.parameters(), 1e-2);
  const x = randint(0, 20, [4, 8], { generator: g });
  const y = randint(0, 20, [4, 8], { generator: g });
  const step = () => {
    const { loss } = model.forward(x, y);
    optimizer.zeroGrad();
    loss!.backward();
    optimizer.step();
    return loss!.item();
  };
  return { model, step: () => (inArena ? arenaStep(step) : step()) };
}

describe('arenaStep on the WebAssembly backend', () => {
  const wasm = createWasmBackend({ threads: 1 });

  test('a training step reuses the memory of the step before: the arena stops growing after the first', () => {
    withBackend(wasm, () => {
      const run = gptRun(true);
      run.step();
      const afterFirst = wasm.memoryInUse!();
      for (let i = 0; i < 5; i++) run.step();
      assert.equal(wasm.memoryInUse!(), afterFirst);
    });
  });

  test('training in the arena follows the reference backend step for step, gradients and weights included', () => {
    const fast = withBackend(wasm, () => {
      const run = gptRun(true);
      return { losses: [run.step(), run.step(), run.step()], model: run.model };
    });
    const slow = withBackend(referenceBackend, () => {
      const run = gptRun(false);
      return { losses: [run.step(), run.step(), run.step()], model: run.model };
    });
    assertClose(fast.losses, slow.losses, { rtol: 1e-5, what: 'losses' });
    const slowParams = new Map(slow.model.namedParameters());
    for (const [name, p] of fast.model.namedParameters()) {
      const q = slowParams.get(name)!;
      assertClose(p.toFlatArray(), q.toFlatArray(), { rtol: 1e-4, atol: 1e-5, what: name });
      assertClose(p.grad!.toFlatArray(), q.grad!.toFlatArray(), { rtol: 1e-3, atol: 1e-5, what: `${name}.grad` });
    }
  });

  test('backward gives consumed gradients back: a chain of 50 ops needs memory for its activations, not also 50 gradients', () => {
    const fresh = createWasmBackend({ threads: 1 });
    const input = randn([1000], { generator: new Generator(3) });
    const chain = () => {
      const x = input.detach().requiresGrad_();
      let y = x;
      for (let i = 0; i < 50; i++) y = y.tanh();
      y.sum().backward();
      return x.grad!.toFlatArray();
    };
    const baseline = fresh.memoryInUse!();
    const fast = withBackend(fresh, () => arenaStep(chain));
    const used = fresh.memoryInUse!() - baseline;
    const activations = 50 * 4000;
    assert.ok(used < 1.25 * activations, `the step used ${used} bytes for ${activations} bytes of activations`);
    assertClose(fast, withBackend(referenceBackend, chain), { rtol: 1e-5, atol: 1e-7, what: 'x.grad' });
  });

  test('a tensor made inside the step is released when it returns, and reading it names its shape', () => {
    withBackend(wasm, () => {
      const kept = arenaStep(() => randn([3, 5]).mul(2));
      assert.throws(() => kept.toFlatArray(), /tensor of shape \[3, 5\] was made inside arenaStep and released/);
    });
  });

  test('nested steps release the inner one first; the outer one\'s tensors stay readable until it returns', () => {
    withBackend(wasm, () => {
      arenaStep(() => {
        const outer = randn([4], { generator: new Generator(1) }).exp();
        const before = outer.toFlatArray();
        const inner = arenaStep(() => outer.mul(3).sum().item());
        assertClose(inner, 3 * before.reduce((s, v) => s + v, 0), { rtol: 1e-6 });
        // The inner step's blocks go back to the arena and a new allocation may take them: outer is untouched.
        randn([4]).mul(0);
        assert.deepEqual(outer.toFlatArray(), before);
      });
    });
  });

  test('on the reference backend a tensor kept past arenaStep is released too, with the same error', () => {
    withBackend(referenceBackend, () => {
      const kept = arenaStep(() => randn([2]).add(1));
      assert.equal(kept.size, 2);
      assert.throws(() => kept.toFlatArray(), /a tensor of shape \[2\] was made inside arenaStep and released when it returned/);
      const outside = arenaStep(() => randn([2]).add(1).toFlatArray());
      assert.equal(outside.length, 2, 'values returned from the step stay');
    });
  });
});
