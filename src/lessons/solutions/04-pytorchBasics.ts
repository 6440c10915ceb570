// Problem 4, tensor basics: reshape, column means, concatenation and the mean squared error, rounded to 4 decimals.
import { type Tensor, cat, mseLoss } from '../practice/library.js';

/** An (M, N) tensor as (M·N/2, 2). */
export function reshape(toReshape: Tensor): Tensor {
  const [M, N] = toReshape.shape;
  return toReshape.reshape((M * N) / 2, 2).round(4);
}

/** The mean of each column: over dim 0. */
export function average(toAvg: Tensor): Tensor {
  return toAvg.mean(0).round(4);
}

/** (M, N) and (M, P) side by side: (M, N + P), along dim 1. */
export function concatenate(catOne: Tensor, catTwo: Tensor): Tensor {
  return cat([catOne, catTwo], 1).round(4);
}

/** The mean squared error between prediction and target. */
export function getLoss(prediction: Tensor, target: Tensor): Tensor {
  return mseLoss(prediction, target).round(4);
}
