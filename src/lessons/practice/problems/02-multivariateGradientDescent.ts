import { type Problem, callText, exported } from '../problem.js';

const round5 = (v: number) => Math.round(v * 1e5) / 1e5;

/** The descent without rounding each step: the usual mistake. */
function unrounded(iterations: number, lr: number, [x, y]: [number, number]): [number, number] {
  const factor = (1 - 2 * lr) ** iterations;
  return [round5(x * factor), round5(y * factor)];
}

export const problem: Problem = {
  id: 2,
  slug: 'multivariate-gradient-descent',
  title: 'Gradient descent in two variables',
  statement: `Minimise f(x, y) = x² + y² by gradient descent, rounding as you go.

The gradient is (∂f/∂x, ∂f/∂y) = (2x, 2y); you may compute it with zerograd's autograd:
    const p = tensor([x, y], { dtype: 'float64', requiresGrad: true });
    p.square().sum().backward();   // p.grad holds (2x, 2y)
Starting from init = [x, y], take \`iterations\` steps of
    (x, y) ← (x, y) − learningRate · gradient
and round both coordinates to 5 decimals after every step (not only at the end). Return [x, y].

Example: getMinimizerMultivariate(1000, 0.1, [2, 5]) gives [0.00002, 0.00002]: each step multiplies by 0.8,
and once 0.8 · 0.00002 = 0.000016 rounds back to 0.00002, the rounded descent stops there.`,
  starter: `import { tensor } from 'zerograd';

export function getMinimizerMultivariate(iterations: number, learningRate: number, init: [number, number]): [number, number] {
  throw new Error('not implemented');
}`,
  exports: ['getMinimizerMultivariate'],
  trial(learner, data) {
    const [iterations, learningRate, init] = data.args as [number, number, [number, number]];
    return {
      input: callText('getMinimizerMultivariate', data.args!),
      expected: data.expected,
      decimals: 5,
      answer: () => exported<(i: number, lr: number, p: [number, number]) => [number, number]>(learner, 'getMinimizerMultivariate')(iterations, learningRate, [...init]),
      mistakes: () => [{ hint: 'round both coordinates after every step, not only at the end', output: unrounded(iterations, learningRate, init) }],
    };
  },
};
