import { ZerogradError, fmtShape } from '../../core/errors.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import { defineOp } from '../registry.js';
import { Tensor } from '../tensor.js';
import { multinomialRows } from '../torchRandom.js';

export interface MultinomialOptions {
  replacement?: boolean;
  generator?: Generator;
}

/**
 * Draws `numSamples` category ids per row of non-negative weights (C) or (N, C), like torch.multinomial;
 * weights need not sum to 1. Returns int32 of shape (numSamples) or (N, numSamples).
 */
export const multinomial = defineOp('multinomial', false, (probs: Tensor, numSamples: number, options: MultinomialOptions = {}): Tensor => {
  const { replacement = false, generator = defaultGenerator } = options;
  if (probs.ndim !== 1 && probs.ndim !== 2) throw new ZerogradError('multinomial', `probs must be 1-D or 2-D, got shape ${fmtShape(probs.shape)}`);
  const cols = probs.shape[probs.ndim - 1];
  const rows = probs.ndim === 2 ? probs.shape[0] : 1;
  if (!replacement && numSamples > cols) {
    throw new ZerogradError('multinomial', `cannot draw ${numSamples} samples without replacement from ${cols} categories`);
  }
  const weights = probs.toFlatArray();
  for (let r = 0; r < rows; r++) {
    const row = weights.slice(r * cols, (r + 1) * cols);
    if (row.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new ZerogradError('multinomial', `row ${r} has a negative, infinite or NaN weight`);
  }
  if (generator.stream === 'torch') {
    // PyTorch's algorithms draw all samples at once, so a row runs out of positive weights up front, not midway.
    for (let r = 0; r < rows; r++) {
      const positive = weights.slice(r * cols, (r + 1) * cols).filter((w) => w > 0).length;
      if (positive === 0) throw new ZerogradError('multinomial', `row ${r} has no positive weight to sample from`);
      if (!replacement && positive < numSamples) throw new ZerogradError('multinomial', `row ${r} has ${positive} positive weights, too few for ${numSamples} samples without replacement`);
    }
    const ids = multinomialRows(generator, Float32Array.from(weights), rows, cols, numSamples, replacement);
    return Tensor.fromStorage(ids, probs.ndim === 2 ? [rows, numSamples] : [numSamples]);
  }
  const out = new Int32Array(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    const row = weights.slice(r * cols, (r + 1) * cols);
    for (let s = 0; s < numSamples; s++) {
      const total = row.reduce((a, b) => a + b, 0);
      if (total <= 0) throw new ZerogradError('multinomial', `row ${r} has no positive weight left to sample from`);
      let target = generator.random() * total;
      let pick = 0;
      while (pick < cols - 1 && (target >= row[pick] || row[pick] === 0)) {
        target -= row[pick];
        pick++;
      }
      out[r * numSamples + s] = pick;
      if (!replacement) row[pick] = 0;
    }
  }
  return Tensor.fromStorage(out, probs.ndim === 2 ? [rows, numSamples] : [numSamples]);
});
