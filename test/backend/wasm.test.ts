import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { Generator, arenaStep, randn, referenceBackend, setBackend } from '../../src/index.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/batchnorm.js';
import { conv2d, maxPool2d } from '../../src/tensor/ops/conv.js';
import { assertClose } from '../helpers.js';

const wasm = createWasmBackend();

/** Runs fn on the WASM backend and on the reference, returning both results as flat arrays. */
function onBoth(fn: () => { toFlatArray(): number[] }): [number[], number[]] {
  const previous = setBackend(wasm);
  try {
    const fast = fn().toFlatArray();
    setBackend(referenceBackend);
    return [fast, fn().toFlatArray()];
  } finally {
    setBackend(previous);
  }
}

describe('WebAssembly SIMD backend', () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 8, 16], [13, 9, 21], [64, 65, 33], [100, 27, 200], [17, 300, 29], [6, 520, 8]];
  for (const [M, K, N] of shapes) {
    test(`matmul ${M}x${K} @ ${K}x${N} agrees with the reference in every layout`, () => {
      const g = new Generator(M * 1000 + N);
      const a = randn([M, K], { generator: g });
      const b = randn([K, N], { generator: g });
      const aT = a.T.contiguous();
      const bT = b.T.contiguous();
      // Accumulation order differs (float32 SIMD lanes vs float64), so allow K-scaled rounding error.
      const tolerance = { rtol: 1e-5, atol: 1e-6 * Math.sqrt(K) * 4 };
      for (const [label, fn] of [
        ['A @ B', () => a.matmul(b)], ['A @ (B^T)^T', () => a.matmul(bT.T)],
        ['(A^T)^T @ B', () => aT.T.matmul(b)], ['(A^T)^T @ (B^T)^T', () => aT.T.matmul(bT.T)],
      ] as const) {
        const [fast, slow] = onBoth(fn);
        assertClose(fast, slow, { ...tolerance, what: label });
      }
    });
  }

  test('batched matmul with a broadcast right operand and head slices with a leading dimension', () => {
    const g = new Generator(3);
    const x = randn([2, 5, 12], { generator: g });
    const w = randn([12, 7], { generator: g });
    const [fast, slow] = onBoth(() => x.matmul(w));
    assertClose(fast, slow, { rtol: 1e-5, atol: 1e-5 });
    const [q, k] = randn([2, 5, 24], { generator: g }).split(12, 2).map((t) => t.view(2, 5, 3, 4).transpose(1, 2));
    const [fastAtt, slowAtt] = onBoth(() => q.matmul(k.transpose(-2, -1)));
    assertClose(fastAtt, slowAtt, { rtol: 1e-5, atol: 1e-5 });
  });

  test('gradients through matmul agree with the reference', () => {
    const run = () => {
      const g = new Generator(5);
      const a = randn([6, 10], { generator: g, requiresGrad: true });
      const b = randn([10, 4], { generator: g, requiresGrad: true });
      a.matmul(b).tanh().sum().backward();
      return { toFlatArray: () => [...a.grad!.toFlatArray(), ...b.grad!.toFlatArray()] };
    };
    const [fast, slow] = onBoth(run);
    assertClose(fast, slow, { rtol: 1e-5, atol: 1e-5 });
  });

  test('batch normalisation in the arena (features last in vectors of four and not, image channels) agrees with the reference, running averages included', () => {
    for (const [label, make, shape] of [
      ['BatchNorm1d(8) on (6, 3, 8)', () => new BatchNorm1d(8), [6, 3, 8]],
      ['BatchNorm1d(5) on (7, 5)', () => new BatchNorm1d(5), [7, 5]],
      ['BatchNorm2d(3) on (2, 3, 4, 5)', () => new BatchNorm2d(3), [2, 3, 4, 5]],
    ] as [string, () => BatchNorm1d | BatchNorm2d, number[]][]) {
      const run = () => {
        const g = new Generator(11);
        const bn = make();
        bn.weight.copy_(randn([bn.numFeatures], { generator: g }));
        const x = randn(shape, { generator: g, requiresGrad: true });
        const upstream = randn(shape, { generator: g });
        const out = arenaStep(() => {
          const y = bn.forward(x.mul(2).add(1));
          y.backward(upstream);
          return y.toFlatArray();
        });
        return { toFlatArray: () => [...out, ...x.grad!.toFlatArray(), ...bn.weight.grad!.toFlatArray(), ...bn.bias.grad!.toFlatArray(),
          ...bn.running_mean.toFlatArray(), ...bn.running_var.toFlatArray()] };
      };
      const [fast, slow] = onBoth(run);
      assertClose(fast, slow, { rtol: 1e-4, atol: 1e-5, what: label });
    }
  });

  test('float64 products fall back to the reference kernel (bit-identical)', () => {
    const g = new Generator(6);
    const a = randn([5, 5], { generator: g, dtype: 'float64' });
    const [fast, slow] = onBoth(() => a.matmul(a));
    assert.deepEqual(fast, slow);
  });

  test('the backend names itself, replaces the row kernels and keeps the reference kernels it does not replace', () => {
    assert.equal(wasm.name, 'wasm-simd');
    assert.notEqual(wasm.softmax, referenceBackend.softmax);
    assert.equal(wasm.gather, referenceBackend.gather);
  });

  test('threads split large products and elementwise functions: 1, 2 and 3 threads give bit-identical results', () => {
    const g = new Generator(11);
    const a = randn([150, 96], { generator: g });
    const b = randn([96, 230], { generator: g });
    const heads = randn([2, 3, 70, 64], { generator: g });
    // Enough elements (and not a multiple of four) for GELU and its gradient to be split across threads.
    const activations = randn([70_001], { generator: g });
    const results = [1, 2, 3].map((threads) => {
      const previous = setBackend(createWasmBackend({ threads }));
      try {
        const products = [a.matmul(b), a.matmul(b.T.contiguous().T), heads.matmul(heads.transpose(-2, -1))].map((t) => t.toFlatArray());
        const gelu = arenaStep(() => {
          const x = activations.detach().requiresGrad_();
          const y = x.gelu().tanh();
          y.backward(y.detach());
          return [y.toFlatArray(), x.grad!.toFlatArray()];
        });
        return [...products, ...gelu];
      } finally {
        setBackend(previous);
      }
    });
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
  });

  test('products read in place or as dot products (a row-major B in the arena, a long-K A @ B^T) agree with the reference', () => {
    const g = new Generator(12);
    // (M, K, N): a wide in-place B; dot products with an odd row of A and a last group of fewer than four columns.
    const cases: [number, number, number][] = [[16, 150, 1256], [5, 2052, 150], [6, 4096, 25], [1, 2048, 3]];
    for (const [M, K, N] of cases) {
      const a = randn([M, K], { generator: g });
      const b = randn([K, N], { generator: g });
      const bT = b.T.contiguous();
      const tolerance = { rtol: 1e-4, atol: 1e-5 * Math.sqrt(K) * 4 };
      for (const [label, fn] of [['A @ B', () => a.add(0).matmul(b.add(0))], ['A @ (B^T)^T', () => a.add(0).matmul(bT.add(0).T)]] as const) {
        const inArena = () => arenaStep(() => fn().toFlatArray());
        const previous = setBackend(wasm);
        let fast: number[];
        try {
          fast = inArena();
        } finally {
          setBackend(previous);
        }
        assertClose(fast, fn().toFlatArray(), { ...tolerance, what: `${label} (${M}x${K} @ ${K}x${N})` });
      }
    }
  });

  test('convolution and pooling kernels in the arena agree with the reference on 1, 2 and 3 threads, pooling bit for bit', () => {
    const g = new Generator(13);
    // An odd width for the 2x2 pool's vector path and its scalar tail; padding, stride and dilation for im2col.
    const x = randn([3, 4, 11, 13], { generator: g });
    const weight = randn([5, 4, 3, 3], { generator: g });
    const run = () => arenaStep(() => {
      const input = x.detach().requiresGrad_();
      const w = weight.detach().requiresGrad_();
      const outputs = [
        maxPool2d(conv2d(input, w, null, { padding: 1 }).relu(), 2),
        conv2d(input, w, null, { stride: 2, padding: [2, 1], dilation: [1, 2] }),
        maxPool2d(input, 3, { stride: 2, padding: 1 }),
      ];
      outputs.reduce((sum, t) => sum.add(t.square().sum()), outputs[0].sum().mul(0)).backward();
      return [...outputs.map((t) => t.toFlatArray()), input.grad!.toFlatArray(), w.grad!.toFlatArray()];
    });
    const reference = (() => {
      const previous = setBackend(referenceBackend);
      try {
        return run();
      } finally {
        setBackend(previous);
      }
    })();
    for (const threads of [1, 2, 3]) {
      const previous = setBackend(createWasmBackend({ threads }));
      try {
        const fast = run();
        // Pooling and im2col copy values, so they match exactly; the products' sums round differently.
        assert.deepEqual(fast[2], reference[2], `max-pool with padding on ${threads} threads`);
        for (let i = 0; i < fast.length; i++) assertClose(fast[i], reference[i], { rtol: 1e-4, atol: 1e-4, what: `output ${i} on ${threads} threads` });
      } finally {
        setBackend(previous);
      }
    }
  });

  test('ZEROGRAD_THREADS must be a positive integer', () => {
    const saved = process.env.ZEROGRAD_THREADS;
    process.env.ZEROGRAD_THREADS = 'two';
    try {
      assert.throws(() => createWasmBackend(), /ZEROGRAD_THREADS must be a positive integer, got 'two'/);
    } finally {
      if (saved === undefined) delete process.env.ZEROGRAD_THREADS;
      else process.env.ZEROGRAD_THREADS = saved;
    }
  });
});
