import type { Tensor } from '../../../tensor/tensor.js';
import { type Problem, argValue, callText, exported } from '../problem.js';

export const problem: Problem = {
  id: 4,
  slug: 'pytorch-basics',
  title: 'Tensor basics',
  statement: `Four one-line tensor operations; round each answer to 4 decimals with .round(4).

reshape(toReshape): an (M, N) tensor as (M·N/2, 2).
average(toAvg): the mean of each column, i.e. over dim 0: (M, N) → (N,).
concatenate(catOne, catTwo): (M, N) and (M, P) side by side, along dim 1: (M, N + P).
getLoss(prediction, target): the mean squared error, (1/n) Σ (prediction − target)².

Example: average([[0.8088, 1.2614, -1.4371], [-0.0056, -0.2050, -0.7201]]) gives [0.4016, 0.5282, -1.0786].`,
  starter: `import { type Tensor, cat, mseLoss } from 'zerograd';

export function reshape(toReshape: Tensor): Tensor {
  throw new Error('not implemented');
}

export function average(toAvg: Tensor): Tensor {
  throw new Error('not implemented');
}

export function concatenate(catOne: Tensor, catTwo: Tensor): Tensor {
  throw new Error('not implemented');
}

export function getLoss(prediction: Tensor, target: Tensor): Tensor {
  throw new Error('not implemented');
}`,
  exports: ['reshape', 'average', 'concatenate', 'getLoss'],
  trial(learner, data) {
    const args = data.args!.map(argValue) as Tensor[];
    const fn = data.fn!;
    return {
      input: callText(fn, data.args!),
      expected: data.expected,
      decimals: 4,
      answer: () => exported<(...a: Tensor[]) => unknown>(learner, fn)(...args),
      mistakes: () => {
        if (fn === 'average') return [{ hint: "the columns' means are over dim 0 (the rows), not dim 1", output: args[0].mean(1) }];
        if (fn === 'getLoss') return [{ hint: 'the mean squared error averages the squares; it does not sum them', output: args[0].sub(args[1]).square().sum() }];
        return [];
      },
      errorHints: [[/^cat/, 'concatenate along dim 1: the rows stay as they are and the columns join']],
    };
  },
};
