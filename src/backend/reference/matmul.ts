// The reference matrix product: float64 accumulation over contiguous inner loops.
import type { HostStorage } from '../../core/dtype.js';
import type { HostArgs } from '../kernels/index.js';

/** Output rows (axpy form) or columns (dot form) computed per pass, so each loaded element is used that often. */
const BLOCK = 4;

/**
 * C = op(A) @ op(B) for each batch, with every inner loop walking memory contiguously:
 * - B stored (K, N): output rows are sums of B's rows scaled by A's entries (row "axpy" form),
 *   BLOCK rows at a time so each element of B is loaded once per BLOCK rows;
 * - B stored transposed (N, K): output elements are dot products of contiguous rows, BLOCK columns
 *   at a time so each element of A's row is loaded once per BLOCK columns.
 * A's rows are staged into a scratch buffer first (this also un-transposes A).
 * Accumulation is in float64, so float32 results are correctly rounded sums.
 */
export function matmul({ spec, a, b, out }: HostArgs<'matmul'>): void {
  const { batch, M, N, K, transA, transB, lda, ldb } = spec;
  const aRows = new Float64Array(BLOCK * K);
  const acc = new Float64Array(BLOCK * N);
  for (let p = 0; p < batch; p++) {
    const aOff = spec.aOffsets[p];
    const bOff = spec.bOffsets[p];
    const cOff = p * M * N;
    for (let m0 = 0; m0 < M; m0 += BLOCK) {
      const rows = Math.min(BLOCK, M - m0);
      aRows.fill(0);
      for (let r = 0; r < rows; r++) {
        const m = m0 + r;
        for (let k = 0; k < K; k++) aRows[r * K + k] = transA ? a[aOff + k * lda + m] : a[aOff + m * lda + k];
      }
      if (transB) {
        for (let r = 0; r < rows; r++) dotRow(aRows, r * K, b, bOff, ldb, K, N, out, cOff + (m0 + r) * N);
      } else {
        acc.fill(0);
        axpyRows(aRows, K, b, bOff, ldb, N, acc);
        for (let r = 0; r < rows; r++) {
          for (let n = 0; n < N; n++) out[cOff + (m0 + r) * N + n] = acc[r * N + n];
        }
      }
    }
  }
}

/** acc[r, :] += sum_k aRows[r, k] * B[k, :] for BLOCK (= 4) rows r at once. */
function axpyRows(aRows: Float64Array, K: number, b: HostStorage, bOff: number, ldb: number, N: number, acc: Float64Array): void {
  for (let k = 0; k < K; k++) {
    const a0 = aRows[k];
    const a1 = aRows[K + k];
    const a2 = aRows[2 * K + k];
    const a3 = aRows[3 * K + k];
    if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
    const bBase = bOff + k * ldb;
    for (let n = 0; n < N; n++) {
      const bv = b[bBase + n];
      acc[n] += a0 * bv;
      acc[N + n] += a1 * bv;
      acc[2 * N + n] += a2 * bv;
      acc[3 * N + n] += a3 * bv;
    }
  }
}

/** out[n] = dot(aRows[aAt..aAt+K], B[n, :]) for all n, four columns of B per pass. */
function dotRow(aRows: Float64Array, aAt: number, b: HostStorage, bOff: number, ldb: number, K: number, N: number, out: HostStorage, outAt: number): void {
  let n = 0;
  for (; n + 3 < N; n += 4) {
    const b0 = bOff + n * ldb;
    const b1 = b0 + ldb;
    const b2 = b1 + ldb;
    const b3 = b2 + ldb;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < K; k++) {
      const av = aRows[aAt + k];
      s0 += av * b[b0 + k];
      s1 += av * b[b1 + k];
      s2 += av * b[b2 + k];
      s3 += av * b[b3 + k];
    }
    out[outAt + n] = s0;
    out[outAt + n + 1] = s1;
    out[outAt + n + 2] = s2;
    out[outAt + n + 3] = s3;
  }
  for (; n < N; n++) {
    const bn = bOff + n * ldb;
    let s = 0;
    for (let k = 0; k < K; k++) s += aRows[aAt + k] * b[bn + k];
    out[outAt + n] = s;
  }
}
