// Lesson 1: micrograd. Derivatives by hand, then by a scalar autograd engine, then a tiny MLP trained with it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScalarMLP, Value, toSvg } from '../src/index.js';
import { fast, runsDir } from './common.js';

const f = (x: number) => 3 * x ** 2 - 4 * x + 5;
const h = 1e-6;
console.log(`slope of 3x^2 - 4x + 5 at x=3 by finite difference: ${((f(3 + h) - f(3)) / h).toFixed(4)} (exact: 14)`);

// The tanh neuron from the lecture.
const x1 = new Value(2, [], '', 'x1');
const x2 = new Value(0, [], '', 'x2');
const w1 = new Value(-3, [], '', 'w1');
const w2 = new Value(1, [], '', 'w2');
const b = new Value(6.8813735870195432, [], '', 'b');
const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh().withLabel('o');
o.backward();
console.log(`neuron: o=${o.data.toFixed(4)} | grads x1=${x1.grad.toFixed(4)} w1=${w1.grad.toFixed(4)} x2=${x2.grad.toFixed(4)} w2=${w2.grad.toFixed(4)}`);
mkdirSync(runsDir, { recursive: true });
writeFileSync(join(runsDir, 'neuron.svg'), await toSvg(o));
console.log(`computation graph: ${join(runsDir, 'neuron.svg')}`);

// A 3-4-4-1 MLP fitting four points.
const model = new ScalarMLP(3, [4, 4, 1], { seed: 1337 });
const xs = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]];
const ys = [1, -1, -1, 1];
console.log(`MLP(3, [4, 4, 1]): ${model.parameters().length} parameters`);
for (let step = 0; step < (fast ? 20 : 100); step++) {
  const preds = xs.map((x) => model.call(x)[0]);
  const loss = preds.reduce((sum, p, i) => sum.add(p.sub(ys[i]).pow(2)), new Value(0));
  model.zeroGrad();
  loss.backward();
  for (const p of model.parameters()) p.data -= 0.05 * p.grad;
  if (step % 10 === 0) console.log(`step ${step}: loss ${loss.data.toFixed(6)}`);
}
console.log(`predictions: ${xs.map((x) => model.call(x)[0].data.toFixed(3)).join(', ')} (targets ${ys.join(', ')})`);
