// Problem 2, gradient descent in two variables: minimise f(x, y) = x² + y², rounding both to 5 decimals each step.
import { tensor } from '../practice/library.js';

const round5 = (v: number) => Math.round(v * 1e5) / 1e5;

/** `iterations` steps from `init`; autograd gives the gradient (2x, 2y). Returns [x, y]. */
export function getMinimizerMultivariate(iterations: number, learningRate: number, init: [number, number]): [number, number] {
  let [x, y] = init;
  for (let i = 0; i < iterations; i++) {
    const point = tensor([x, y], { dtype: 'float64', requiresGrad: true });
    point.square().sum().backward();
    const [dx, dy] = point.grad!.toFlatArray();
    [x, y] = [round5(x - learningRate * dx), round5(y - learningRate * dy)];
  }
  return [x, y];
}
