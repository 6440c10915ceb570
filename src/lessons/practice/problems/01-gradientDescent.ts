import { type Problem, callText, exported } from '../problem.js';

export const problem: Problem = {
  id: 1,
  slug: 'gradient-descent',
  title: 'Gradient descent',
  statement: `Minimise f(x) = x² by gradient descent.

The derivative is f'(x) = 2x. Starting from x = init, take \`iterations\` steps of
    x ← x − learningRate · f'(x)
and return x rounded to 5 decimals (Math.round(x * 1e5) / 1e5).

Example: getMinimizer(10, 0.01, 5) gives 4.08536 (each step multiplies x by 1 − 2 · 0.01 = 0.98, and
5 · 0.98¹⁰ = 4.085364...). With 0 iterations the answer is init itself.`,
  starter: `export function getMinimizer(iterations: number, learningRate: number, init: number): number {
  throw new Error('not implemented');
}`,
  exports: ['getMinimizer'],
  trial(learner, data) {
    const [iterations, learningRate, init] = data.args as [number, number, number];
    return {
      input: callText('getMinimizer', data.args!),
      expected: data.expected,
      decimals: 5,
      answer: () => exported<(...a: number[]) => number>(learner, 'getMinimizer')(iterations, learningRate, init),
      mistakes: () => [
        { hint: "step against the gradient: x − learningRate · 2x, not x + ...", output: Math.round(init * (1 + 2 * learningRate) ** iterations * 1e5) / 1e5 },
        { hint: "the derivative of x² is 2x, not x", output: Math.round(init * (1 - learningRate) ** iterations * 1e5) / 1e5 },
      ],
    };
  },
};
