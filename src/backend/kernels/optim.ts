// The optimizers' updates, in place.
import { attribute, declareKernel, input, moments, optionalMoments, output } from '../kernel.js';

/** The numbers of one AdamW update (torch.optim.AdamW), bias corrections folded in by the optimizer. */
export interface AdamWStep {
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - lr * weight decay for decayed parameters, else 1. */
  decayFactor: number;
  /** lr / (1 - beta1^t). */
  stepSize: number;
  /** 1 - beta2^t. */
  correction2: number;
}

/**
 * One AdamW update in place: the moments m, v move towards the gradient and its square, then
 * param = param * decayFactor - stepSize * m / (sqrt(v / correction2) + eps). All four arrays are dense and of one length.
 */
export const adamw = declareKernel({ param: output, grad: input, m: moments, v: moments, step: attribute<AdamWStep>() });
/**
 * One SGD update in place (torch.optim.SGD): g = grad + weightDecay * param; with a velocity array,
 * velocity = momentum * velocity + g and g = velocity; then param -= lr * g.
 */
export const sgd = declareKernel({
  param: output, grad: input, velocity: optionalMoments, lr: attribute<number>(), momentum: attribute<number>(), weightDecay: attribute<number>(),
});
