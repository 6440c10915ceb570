// Problem 3, linear regression: predictions X·w, their mean squared error, and gradient descent on w.
import type { Tensor } from '../practice/library.js';

/** X (N, K) times weights (K,): one prediction per row, rounded to 5 decimals. */
export function getModelPrediction(X: Tensor, weights: Tensor): Tensor {
  return X.matmul(weights).squeeze().round(5);
}

/** The mean of the squared differences, rounded to 5 decimals. */
export function getError(modelPrediction: Tensor, groundTruth: Tensor): number {
  return Math.round(modelPrediction.sub(groundTruth).square().mean().item() * 1e5) / 1e5;
}

/**
 * `numIterations` steps of w ← w − 0.01 · dE/dw, where dE/dw_j = −2/N · Σ_i (Y_i − prediction_i) X_ij is the
 * course's get_derivative for every weight at once. The weights rounded to 5 decimals.
 */
export function trainModel(X: Tensor, Y: Tensor, numIterations: number, initialWeights: Tensor): Tensor {
  const learningRate = 0.01;
  let weights = initialWeights;
  for (let i = 0; i < numIterations; i++) {
    const prediction = X.matmul(weights);
    const derivative = X.T.matmul(Y.sub(prediction)).mul(-2 / X.shape[0]);
    weights = weights.sub(derivative.mul(learningRate));
  }
  return weights.round(5);
}
