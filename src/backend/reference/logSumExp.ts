// The log-sum-exp of a row, which softmax and cross-entropy share.
import type { HostStorage } from '../../core/dtype.js';

/** log(sum(exp(row))) computed after subtracting the row max, so logits of +100 do not overflow. */
export function logSumExpRow(x: HostStorage, base: number, cols: number): number {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) if (x[base + c] > max) max = x[base + c];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += Math.exp(x[base + c] - max);
  return max + Math.log(sum);
}
