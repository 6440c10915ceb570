import type { Tensor } from '../../../tensor/tensor.js';
import { type Problem, argValue, callText, exported } from '../problem.js';

export const problem: Problem = {
  id: 3,
  slug: 'linear-regression',
  title: 'Linear regression',
  statement: `Fit a linear model by gradient descent. Three functions, each rounding its answer to 5 decimals:

getModelPrediction(X, weights): X is (N, K), weights (K,); the prediction for row i is Σ_j X[i][j] · w[j],
  i.e. X.matmul(weights), as an (N,) tensor.
getError(modelPrediction, groundTruth): the mean squared error, (1/N) Σ_i (prediction_i − truth_i)², as a number.
trainModel(X, Y, numIterations, initialWeights): numIterations steps of
    w_j ← w_j − 0.01 · dE/dw_j,   dE/dw_j = −2/N · Σ_i (Y_i − prediction_i) · X[i][j]
  with every prediction from the current weights (unrounded inside the loop); return the weights.

Example: X = [[1, 2, 3], [1, 1, 1]], weights [0.2, 0.1, 0.6]: the predictions are [2.2, 0.9]. Training them
for 10 steps towards Y = [6, 3] gives [0.50678, 0.59057, 1.27435].`,
  starter: `import type { Tensor } from 'zerograd';

export function getModelPrediction(X: Tensor, weights: Tensor): Tensor {
  throw new Error('not implemented');
}

export function getError(modelPrediction: Tensor, groundTruth: Tensor): number {
  throw new Error('not implemented');
}

export function trainModel(X: Tensor, Y: Tensor, numIterations: number, initialWeights: Tensor): Tensor {
  throw new Error('not implemented');
}`,
  exports: ['getModelPrediction', 'getError', 'trainModel'],
  trial(learner, data) {
    const args = data.args!.map(argValue);
    const fn = data.fn!;
    const mistakes = () => {
      if (fn === 'getError') {
        const [p, t] = args as [Tensor, Tensor];
        return [
          { hint: 'square the differences before averaging', output: p.sub(t).mean().item() },
          { hint: 'the error is the mean of the squares, not their sum', output: p.sub(t).square().sum().item() },
        ];
      }
      if (fn === 'trainModel') {
        const [, , , w] = args as [Tensor, Tensor, number, Tensor];
        return [{ hint: 'update the weights numIterations times with learning rate 0.01', output: w }];
      }
      return [];
    };
    return {
      input: callText(fn, data.args!),
      expected: data.expected,
      decimals: 5,
      answer: () => exported<(...a: unknown[]) => unknown>(learner, fn)(...args),
      mistakes,
    };
  },
};
