// LayerNorm over the last axis.
import { attribute, declareBackwardKernel, declareKernel, input, optionalInput, optionalOutput, output, statistics, statisticsOut } from '../kernel.js';

const rows = attribute<number>();
const cols = attribute<number>();

/**
 * out = (x - mean) * rstd * weight + bias over each row of dense x (rows, cols), weight and bias optional. Writes each
 * row's mean and rstd = 1/sqrt(var + eps) for the backward pass.
 */
export const layerNorm = declareKernel({
  x: input, rows, cols, weight: optionalInput, bias: optionalInput, eps: attribute<number>(),
  out: output, mean: statisticsOut, rstd: statisticsOut,
});
/**
 * Its gradients from upstream g: dx (dense, overwritten), and dweight/dbias summed over rows into arrays the caller
 * pre-zeroed (absent when the op had no weight/bias).
 */
export const layerNormBackward = declareBackwardKernel({
  x: input, g: input, rows, cols, weight: optionalInput, mean: statistics, rstd: statistics,
  dx: output, dweight: optionalOutput, dbias: optionalOutput,
});
