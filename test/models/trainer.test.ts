import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import {
  AdamW, GPT, Generator, checkpointOf, checkpointOfAsync, clipGradNorm, clipGradNormTensor, getBatch, randn, referenceBackend, restoreRun,
  setBackend, tensor, trainLoop, trainLoopAsync,
} from '../../src/index.js';

const text = 'To be, or not to be, that is the question: whether tis nobler in the mind to suffer';
const chars = [...new Set(text)].sort();
const ids = Int32Array.from(text, (c) => chars.indexOf(c));

/** A tiny GPT and its batches, the same for every call. */
function run(): ReturnType<typeof parts>['options'] {
  return parts().options;
}

/** run()'s model, optimizer and batch generator as a TrainingState, and its loop options. */
function parts() {
  const model = new GPT({ vocabSize: chars.length, blockSize: 8, nEmbd: 16, nHead: 2, nLayer: 1, dropout: 0, bias: true, tieWeights: false,
    activation: 'gelu', attention: 'fused' }, new Generator(3));
  const generator = new Generator(4);
  const optimizer = new AdamW(model.parameters(), 1e-2);
  return {
    state: { model, optimizer, generator, losses: [] as number[] },
    options: {
      optimizer, schedule: () => 1e-2, steps: 6, clipNorm: 0.5,
      batchLoss: () => {
        const { x, y } = getBatch(ids, 8, 4, generator);
        return model.forward(x, y).loss!;
      },
    },
  };
}

describe('trainLoopAsync: the loop model code awaits, so it runs on every backend', () => {
  for (const [label, kernels] of [['reference', referenceBackend], ['WebAssembly', createWasmBackend({ threads: 1 })]] as const) {
    test(`gives trainLoop's losses exactly on the ${label} backend, inside and outside arenaStep`, async () => {
      const previous = setBackend(kernels);
      try {
        const expected = trainLoop(run());
        assert.deepEqual(await trainLoopAsync(run()), expected);
        assert.deepEqual(await trainLoopAsync({ ...run(), reuseMemory: false }), expected);
        assert.ok(expected[5] < expected[0]);
      } finally {
        setBackend(previous);
      }
    });
  }

  test('checkpointOfAsync reads what checkpointOf does, and a run restored from it at step 3 ends where the unbroken run ends', async () => {
    const whole = parts();
    const expected = await trainLoopAsync(whole.options);
    const first = parts();
    await trainLoopAsync({ ...first.options, steps: 3 });
    const checkpoint = await checkpointOfAsync(first.state, { recipe: 'test' });
    const sync = checkpointOf(first.state, { recipe: 'test' });
    assert.deepEqual([...checkpoint.model.keys()], [...sync.model.keys()]);
    for (const [name, t] of sync.model) assert.deepEqual(checkpoint.model.get(name)!.toFlatArray(), t.toFlatArray(), name);
    assert.deepEqual(checkpoint.optimizer, sync.optimizer);
    assert.deepEqual(checkpoint.trainer, sync.trainer);
    const resumed = parts();
    restoreRun(resumed.state, checkpoint);
    assert.deepEqual(await trainLoopAsync({ ...resumed.options, startStep: 3 }), expected.slice(3));
  });

  test('itemAsync, toArrayAsync and tolistAsync answer at once on a CPU backend, as item and tolist do', async () => {
    const t = tensor([[1.5, -2], [3, 4.25]]);
    assert.deepEqual(await t.toArrayAsync(), t.toFlatArray());
    assert.deepEqual(await t.T.tolistAsync(), t.T.tolist());
    assert.equal(await t.sum().itemAsync(), 6.75);
    await assert.rejects(t.itemAsync(), /only one-element tensors can be converted to a number, got shape \[2, 2\]/);
    assert.deepEqual(await t.half().toArrayAsync(), [1.5, -2, 3, 4.25]);
  });

  test('clipGradNormTensor scales as clipGradNorm does, with the norm as a tensor', () => {
    const make = () => {
      const params = [randn([3, 4], { generator: new Generator(5) }), randn([4], { generator: new Generator(6) })];
      params.forEach((p, i) => { p.grad = randn(p.shape, { generator: new Generator(7 + i) }).mul(3); });
      return params;
    };
    const [a, b] = [make(), make()];
    const norm = clipGradNorm(a, 1);
    const normTensor = clipGradNormTensor(b, 1);
    assert.ok(Math.abs(normTensor.item() - norm) < 1e-5 * norm);
    a.forEach((p, i) => {
      const [x, y] = [p.grad!.toFlatArray(), b[i].grad!.toFlatArray()];
      x.forEach((v, k) => assert.ok(Math.abs(v - y[k]) < 1e-6, `${v} vs ${y[k]}`));
    });
  });
});
