// Lesson 1: micrograd. Derivatives by hand, then by a scalar autograd engine, then a tiny MLP trained with it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toSvg } from '../src/index.js';
import { TINY_TARGETS, fitTinyMlp, tanhNeuron } from '../src/lessons/micrograd.js';
import { fast, lesson, runsDir } from './common.js';

const f = (x: number) => 3 * x ** 2 - 4 * x + 5;
const h = 1e-6;
console.log(`slope of 3x^2 - 4x + 5 at x=3 by finite difference: ${((f(3 + h) - f(3)) / h).toFixed(4)} (exact: 14)`);

// The tanh neuron from the lecture.
const { x1, x2, w1, w2, o } = tanhNeuron();
console.log(`neuron: o=${o.data.toFixed(4)} | grads x1=${x1.grad.toFixed(4)} w1=${w1.grad.toFixed(4)} x2=${x2.grad.toFixed(4)} w2=${w2.grad.toFixed(4)}`);
mkdirSync(runsDir, { recursive: true });
writeFileSync(join(runsDir, 'neuron.svg'), await toSvg(o));
console.log(`computation graph: ${join(runsDir, 'neuron.svg')}`);

// A 3-4-4-1 MLP fitting four points.
const { model, predictions } = fitTinyMlp(fast ? 20 : 100, (step, loss) => {
  if (step % 10 === 0) console.log(`step ${step}: loss ${loss.toFixed(6)}`);
});
console.log(`MLP(3, [4, 4, 1]): ${model.parameters().length} parameters`);
console.log(`predictions: ${predictions.map((p) => p.toFixed(3)).join(', ')} (targets ${TINY_TARGETS.join(', ')})`);
lesson.done();
