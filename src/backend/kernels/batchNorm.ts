// Batch normalisation: each feature over the batch (and the image's positions).
import { attribute, declareBackwardKernel, declareKernel, input, optionalAttribute, optionalInput, optionalOutput, output, statistics, statisticsOut } from '../kernel.js';

/** Dense x seen as (outer, C, inner): features last is inner = 1; image channels are (N, C, H * W). */
const outer = attribute<number>();
const C = attribute<number>();
const inner = attribute<number>();

/**
 * Each feature c normalised over its outer * inner values: out = (x - mean) * rstd * weight + bias with the biased
 * variance, weight and bias optional. Writes each feature's mean and rstd = 1/sqrt(var + eps). With `runningMean` and
 * `runningVariance`, they move toward the batch's statistics in place as PyTorch's do: each becomes
 * (1 - momentum) * running + momentum * batch, with the unbiased variance.
 */
export const batchNorm = declareKernel({
  x: input, outer, C, inner, weight: optionalInput, bias: optionalInput, eps: attribute<number>(),
  out: output, mean: statisticsOut, rstd: statisticsOut,
  runningMean: optionalOutput, runningVariance: optionalOutput, momentum: optionalAttribute<number>(),
});
/** Its gradients from upstream g: dx (dense, overwritten), and dweight/dbias summed per feature into pre-zeroed arrays. */
export const batchNormBackward = declareBackwardKernel({
  x: input, g: input, outer, C, inner, weight: optionalInput, mean: statistics, rstd: statistics,
  dx: output, dweight: optionalOutput, dbias: optionalOutput,
});
