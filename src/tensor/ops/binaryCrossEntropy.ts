import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import type { Tensor } from '../tensor.js';

/**
 * Mean binary cross-entropy of probabilities p against 0/1 targets y: -(y log p + (1 - y) log(1 - p)),
 * with each log clamped at -100 as torch.nn.BCELoss does, so a confident mistake costs 100, not infinity.
 */
export const binaryCrossEntropy = defineOp('binaryCrossEntropy', true, (probs: Tensor, targets: Tensor): Tensor => {
  if (probs.shape.join() !== targets.shape.join()) {
    throw new ZerogradError('binaryCrossEntropy', `targets of shape ${fmtShape(targets.shape)} must match probabilities of shape ${fmtShape(probs.shape)}`);
  }
  const y = targets.float();
  const logP = probs.log().clamp(-100);
  const logNotP = probs.neg().add(1).log().clamp(-100);
  return y.mul(logP).add(y.neg().add(1).mul(logNotP)).mean().neg();
});
