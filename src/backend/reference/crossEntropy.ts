// The reference cross-entropy kernels.
import type { HostArgs } from '../kernels/index.js';
import { logSumExpRow } from './logSumExp.js';

export function crossEntropy({ logits, targets, rows, cols, ignoreIndex, lse, totals }: HostArgs<'crossEntropy'>): void {
  let sum = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const t = targets[r];
    if (t === ignoreIndex) continue;
    const base = r * cols;
    lse[r] = logSumExpRow(logits, base, cols);
    sum += lse[r] - logits[base + t];
    count++;
  }
  [totals[0], totals[1]] = [sum, count];
}

export function crossEntropyBackward({ logits, targets, lse, rows, cols, ignoreIndex, scale, out }: HostArgs<'crossEntropyBackward'>): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const t = targets[r];
    if (t === ignoreIndex) {
      out.fill(0, base, base + cols);
      continue;
    }
    for (let c = 0; c < cols; c++) out[base + c] = scale * Math.exp(logits[base + c] - lse[r]);
    out[base + t] -= scale;
  }
}
