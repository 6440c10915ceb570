// Softmax over rows, and the attention form that scales and masks in the same pass.
import { attribute, declareBackwardKernel, declareKernel, input, output } from '../kernel.js';

const rows = attribute<number>();
const cols = attribute<number>();

/** Row-wise softmax (or log-softmax) of a dense (rows, cols) array. */
export const softmax = declareKernel({ x: input, rows, cols, out: output, log: attribute<boolean>() });
/** Its gradient from its output y and upstream gradient g. */
export const softmaxBackward = declareBackwardKernel({ y: input, g: input, rows, cols, out: output, log: attribute<boolean>() });

/**
 * Attention weights in one pass: softmax(scale * x) over each row of dense x (rows, cols), where, if `causal`, row r
 * is query position r % cols of a square (T, T) block and columns after it get weight 0.
 */
export const attentionSoftmax = declareKernel({ x: input, rows, cols, scale: attribute<number>(), causal: attribute<boolean>(), out: output });
/** Its gradient: scale * y * (g - sum(g * y)) per row (masked entries have y = 0, so get 0). */
export const attentionSoftmaxBackward = declareBackwardKernel({ y: input, g: input, rows, cols, scale: attribute<number>(), out: output });
