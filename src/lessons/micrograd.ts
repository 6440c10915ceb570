/** The micrograd lecture's worked examples, shared by examples/01-micrograd.ts and the playground. */
import { MLP } from '../scalar/nn.js';
import { Value } from '../scalar/value.js';

/** The lecture's tanh neuron o = tanh(x1 w1 + x2 w2 + b) after o.backward(): every leaf holds its gradient. */
export function tanhNeuron(): { x1: Value; x2: Value; w1: Value; w2: Value; b: Value; o: Value } {
  const x1 = new Value(2, [], '', 'x1');
  const x2 = new Value(0, [], '', 'x2');
  const w1 = new Value(-3, [], '', 'w1');
  const w2 = new Value(1, [], '', 'w2');
  const b = new Value(6.8813735870195432, [], '', 'b');
  const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh().withLabel('o');
  o.backward();
  return { x1, x2, w1, w2, b, o };
}

/** The four points the lecture's MLP fits, and their targets. */
export const TINY_INPUTS = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]];
export const TINY_TARGETS = [1, -1, -1, 1];

/**
 * The lecture's MLP(3, [4, 4, 1]) fitting TINY_INPUTS by gradient descent on the squared error (lr 0.05),
 * reporting each step's loss; returns the model and its final predictions.
 */
export function fitTinyMlp(steps: number, onStep: (step: number, loss: number) => void = () => {}): { model: MLP; predictions: number[] } {
  const model = new MLP(3, [4, 4, 1], { seed: 1337 });
  for (let step = 0; step < steps; step++) {
    const loss = TINY_INPUTS.map((x) => model.call(x)[0]).reduce((sum, p, i) => sum.add(p.sub(TINY_TARGETS[i]).pow(2)), new Value(0));
    model.zeroGrad();
    loss.backward();
    for (const p of model.parameters()) p.data -= 0.05 * p.grad;
    onStep(step, loss.data);
  }
  return { model, predictions: TINY_INPUTS.map((x) => model.call(x)[0].data) };
}
