import type { MatmulSpec } from '../backend.js';
import type { Storage } from '../../tensor/dtype.js';

/**
 * C = op(A) @ op(B) for each batch, with every inner loop walking memory contiguously:
 * - B stored (K, N): each output row is a sum of B's rows scaled by A[m, k] (row "axpy" form);
 * - B stored transposed (N, K): each output element is a dot product of two contiguous rows.
 * A stored transposed is read one column at a time into a scratch row first.
 * Accumulation is in float64, so float32 results are correctly rounded sums.
 */
export function matmul(spec: MatmulSpec, a: Storage, b: Storage, out: Storage): void {
  const { batch, M, N, K, transA, transB } = spec;
  const acc = new Float64Array(N);
  const aRow = new Float64Array(K);
  for (let p = 0; p < batch; p++) {
    const aOff = spec.aOffsets[p];
    const bOff = spec.bOffsets[p];
    const cOff = p * M * N;
    for (let m = 0; m < M; m++) {
      if (transA) {
        for (let k = 0; k < K; k++) aRow[k] = a[aOff + k * M + m];
      } else {
        for (let k = 0; k < K; k++) aRow[k] = a[aOff + m * K + k];
      }
      if (transB) {
        for (let n = 0; n < N; n++) out[cOff + m * N + n] = dot(aRow, b, bOff + n * K, K);
      } else {
        acc.fill(0);
        for (let k = 0; k < K; k++) {
          const aik = aRow[k];
          if (aik !== 0) axpy(aik, b, bOff + k * N, acc, N);
        }
        for (let n = 0; n < N; n++) out[cOff + m * N + n] = acc[n];
      }
    }
  }
}

function dot(x: Float64Array, y: Storage, yOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  // Four independent partial sums let the CPU overlap the multiply-adds.
  for (; k + 3 < n; k += 4) {
    s0 += x[k] * y[yOff + k];
    s1 += x[k + 1] * y[yOff + k + 1];
    s2 += x[k + 2] * y[yOff + k + 2];
    s3 += x[k + 3] * y[yOff + k + 3];
  }
  for (; k < n; k++) s0 += x[k] * y[yOff + k];
  return s0 + s1 + s2 + s3;
}

function axpy(alpha: number, x: Storage, xOff: number, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[xOff + i];
}
