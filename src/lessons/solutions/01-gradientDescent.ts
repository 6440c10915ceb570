// Problem 1, gradient descent: minimise f(x) = x² by stepping against its derivative, f'(x) = 2x.

/** `iterations` steps of x ← x − learningRate · 2x from `init`, rounded to 5 decimals. */
export function getMinimizer(iterations: number, learningRate: number, init: number): number {
  let minimizer = init;
  for (let i = 0; i < iterations; i++) {
    const derivative = 2 * minimizer;
    minimizer = minimizer - learningRate * derivative;
  }
  return Math.round(minimizer * 1e5) / 1e5;
}
