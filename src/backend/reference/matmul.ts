import type { MatmulSpec } from '../backend.js';
import type { Storage } from '../../tensor/dtype.js';

/**
 * C = op(A) @ op(B) for each batch. The loop order is chosen so the innermost loop walks memory
 * contiguously: i-k-j when B's rows are contiguous, a dot product of two contiguous rows otherwise.
 */
export function matmul(spec: MatmulSpec, a: Storage, b: Storage, out: Storage): void {
  const { batch, M, N, K, transA, transB } = spec;
  // Element (m, k) of A lives at aRow*m + aCol*k; likewise (k, n) of B.
  const [aRow, aCol] = transA ? [1, M] : [K, 1];
  const [bRow, bCol] = transB ? [1, K] : [N, 1];
  const acc = new Float64Array(N);
  for (let p = 0; p < batch; p++) {
    const aOff = spec.aOffsets[p];
    const bOff = spec.bOffsets[p];
    const cOff = p * M * N;
    for (let m = 0; m < M; m++) {
      if (bCol === 1) {
        acc.fill(0);
        for (let k = 0; k < K; k++) {
          const aik = a[aOff + m * aRow + k * aCol];
          if (aik === 0) continue;
          const bBase = bOff + k * bRow;
          for (let n = 0; n < N; n++) acc[n] += aik * b[bBase + n];
        }
        for (let n = 0; n < N; n++) out[cOff + m * N + n] = acc[n];
      } else {
        for (let n = 0; n < N; n++) {
          let sum = 0;
          const aBase = aOff + m * aRow;
          const bBase = bOff + n * bCol;
          for (let k = 0; k < K; k++) sum += a[aBase + k * aCol] * b[bBase + k * bRow];
          out[cOff + m * N + n] = sum;
        }
      }
    }
  }
}
