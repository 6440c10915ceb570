// Cross-entropy of logits against integer targets, fused with its log-softmax.
import { attribute, declareBackwardKernel, declareKernel, indices, input, output, statisticsOut } from '../kernel.js';

const rows = attribute<number>();
const cols = attribute<number>();
const ignoreIndex = attribute<number>();

/**
 * Cross-entropy of dense logits (rows, cols) against integer targets; rows whose target equals `ignoreIndex`
 * contribute nothing. Writes each row's log-sum-exp into `lse`, and the summed loss and the number of counted rows
 * into `totals` (two elements, so that on a device they stay there).
 */
export const crossEntropy = declareKernel({ logits: input, targets: indices, rows, cols, ignoreIndex, lse: output, totals: statisticsOut });
/** d(loss)/d(logits) = scale * (softmax - onehot) on counted rows, 0 on ignored rows. */
export const crossEntropyBackward = declareBackwardKernel(
  { logits: input, targets: indices, lse: input, rows, cols, ignoreIndex, scale: attribute<number>(), out: output });
