// Lesson 5: backpropagation by hand through cross-entropy, BatchNorm, tanh, linear layers and the embedding.
import { Generator, randint, randn } from '../src/index.js';
import { type NinjaParams, forwardAtoms, manualBackward } from '../src/models/makemore/manualBackprop.js';
import { startLesson } from './lessonArgs.js';

const lesson = startLesson();

const g = new Generator(2147483647);
const init = (shape: number[], scale: number, shift = 0) => randn(shape, { generator: g }).mul(scale).add(shift).detach().requiresGrad_();
const p: NinjaParams = {
  C: init([27, 10], 1), W1: init([30, 64], 5 / 3 / Math.sqrt(30)), b1: init([64], 0.1), W2: init([64, 27], 0.1),
  b2: init([27], 0.1), bngain: init([1, 64], 0.1, 1), bnbias: init([1, 64], 0.1),
};
const Xb = randint(0, 27, [32, 3], { generator: g });
const Yb = randint(0, 27, [32], { generator: g });
const atoms = forwardAtoms(p, Xb, Yb);
atoms.loss.backward();
console.log(`loss ${atoms.loss.item().toFixed(4)}`);
const autograd: Record<string, { grad: { toFlatArray(): number[] } | null }> = { ...atoms, ...p };
for (const [name, grad] of Object.entries(manualBackward(p, Xb, Yb, atoms))) {
  const expected = autograd[name].grad!.toFlatArray();
  const maxDiff = Math.max(...grad.toFlatArray().map((v, i) => Math.abs(v - expected[i])));
  console.log(`${name.padEnd(15)} | exact: ${String(maxDiff === 0).padEnd(5)} | approximate: ${String(maxDiff < 1e-6).padEnd(5)} | maxdiff: ${maxDiff.toExponential(2)}`);
}
lesson.done();
