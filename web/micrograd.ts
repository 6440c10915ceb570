import { MLP as ScalarMLP } from '../src/scalar/nn.js';
import { toSvg } from '../src/scalar/graph.js';
import { Value } from '../src/scalar/value.js';

/** The lecture's tanh neuron after backward(): every node shows its data and its gradient. */
export function neuronGraph(): Promise<string> {
  const x1 = new Value(2, [], '', 'x1');
  const x2 = new Value(0, [], '', 'x2');
  const w1 = new Value(-3, [], '', 'w1');
  const w2 = new Value(1, [], '', 'w2');
  const b = new Value(6.8813735870195432, [], '', 'b');
  const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh().withLabel('o');
  o.backward();
  return toSvg(o);
}

/** The lecture's 3-4-4-1 MLP fitting four points by gradient descent; reports each step's loss. */
export function trainTinyMlp(steps: number, onStep: (step: number, loss: number) => void): string[] {
  const model = new ScalarMLP(3, [4, 4, 1], { seed: 1337 });
  const xs = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]];
  const ys = [1, -1, -1, 1];
  for (let step = 0; step < steps; step++) {
    const loss = xs.map((x) => model.call(x)[0]).reduce((sum, p, i) => sum.add(p.sub(ys[i]).pow(2)), new Value(0));
    model.zeroGrad();
    loss.backward();
    for (const p of model.parameters()) p.data -= 0.05 * p.grad;
    onStep(step + 1, loss.data);
  }
  return xs.map((x, i) => `input [${x.join(', ')}] -> ${model.call(x)[0].data.toFixed(4)} (target ${ys[i]})`);
}
