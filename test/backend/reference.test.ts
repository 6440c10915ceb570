import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Backend, Generator, crossEntropy, randn, referenceBackend, setBackend, tensor,
} from '../../src/index.js';
import { erf, erfExact } from '../../src/backend/reference/erf.js';
import { assertClose, ints } from '../helpers.js';

describe('reference kernels', () => {
  test('erf matches tabulated values across both branches', () => {
    const table: [number, number][] = [[0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [-2, -0.9953222650189527],
      [2.9, 0.9999589021219005], [3.5, 0.9999992569016276], [-5, -0.9999999999984626]];
    for (const [x, expected] of table) assertClose(erfExact(x), expected, { rtol: 1e-13, atol: 1e-15, what: `erf(${x})` });
  });

  test('the interpolated erf stays within 1e-9 of the exact one everywhere', () => {
    let worst = 0;
    for (let z = -7; z <= 7; z += 0.0007) worst = Math.max(worst, Math.abs(erf(z) - erfExact(z)));
    assert.ok(worst < 1e-9, `max error ${worst}`);
    assert.equal(erf(0), 0);
    assert.equal(erf(-8), -1);
  });

  test('matmul agrees with a naive triple loop for every transpose combination', () => {
    const g = new Generator(4);
    const [M, N, K] = [3, 5, 4];
    const A = Float64Array.from({ length: M * K }, () => g.normal());
    const B = Float64Array.from({ length: K * N }, () => g.normal());
    const naive = new Float64Array(M * N);
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) naive[m * N + n] += A[m * K + k] * B[k * N + n];
    const transpose = (x: Float64Array, rows: number, cols: number) => Float64Array.from({ length: rows * cols }, (_, i) => x[(i % rows) * cols + Math.floor(i / rows)]);
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const out = new Float64Array(M * N);
        const spec = { batch: 1, M, N, K, aOffsets: [0], bOffsets: [0], transA, transB, lda: transA ? M : K, ldb: transB ? K : N };
        referenceBackend.matmul({ spec, a: transA ? transpose(A, M, K) : A, b: transB ? transpose(B, K, N) : B, out });
        assertClose(out, naive, { rtol: 1e-12, what: `transA=${transA} transB=${transB}` });
      }
    }
  });

  test('max reduction reports the first position on ties and propagates NaN', () => {
    const out = new Float32Array(2);
    const arg = new Int32Array(2);
    referenceBackend.reduce({ op: 'max', x: Float32Array.from([3, 1, 3, NaN, 2, 5]), outer: 2, n: 3, inner: 1, out, argOut: arg });
    assert.deepEqual([out[0], arg[0]], [3, 0]);
    assert.ok(Number.isNaN(out[1]));
  });

  test('cross-entropy kernel skips ignored rows in both sum and count', () => {
    const lse = new Float32Array(2);
    const totals = new Float64Array(2);
    referenceBackend.crossEntropy({ logits: Float32Array.from([0, 0, 5, 5]), targets: Int32Array.from([1, -100]), rows: 2, cols: 2, ignoreIndex: -100, lse, totals });
    const [sum, count] = totals;
    assertClose(sum, Math.log(2));
    assert.equal(count, 1);
  });
});

describe('backend interface', () => {
  test('a second backend receives every op without any op changing', () => {
    const calls = new Map<string, number>();
    const counting = Object.fromEntries(Object.entries(referenceBackend).map(([key, value]) => [
      key,
      typeof value === 'function'
        ? (...args: unknown[]) => {
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown)(...args);
        }
        : value,
    ])) as unknown as Backend;

    const run = () => {
      const g = new Generator(0);
      const W = randn([4, 3], { generator: g, requiresGrad: true });
      const x = randn([5, 4], { generator: g });
      const loss = crossEntropy(x.matmul(W).tanh(), ints([0, 2, 1, 1, 0]));
      loss.backward();
      return [loss.item(), ...W.grad!.toFlatArray()];
    };
    const expected = run();
    const previous = setBackend({ ...counting, name: 'counting' });
    try {
      assertClose(run(), expected, { rtol: 0, atol: 0 });
    } finally {
      setBackend(previous);
    }
    for (const kernel of ['alloc', 'matmul', 'unary', 'unaryBackward', 'crossEntropy', 'crossEntropyBackward']) {
      assert.ok((calls.get(kernel) ?? 0) > 0, `kernel ${kernel} was never called`);
    }
  });

  test('setBackend returns the previous backend', () => {
    const previous = setBackend(referenceBackend);
    assert.equal(previous.name, 'reference');
    assert.equal(tensor([1]).add(1).item(), 2);
  });
});
