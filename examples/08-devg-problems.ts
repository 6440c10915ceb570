// The GPT course problem set: gradient descent, linear regression, the batch loader, attention and a talk-back GPT.
import { Generator, randn, tensor } from '../src/index.js';
import { SGD } from '../src/optim/sgd.js';
import { GPT, MultiHeadedSelfAttention, SingleHeadAttention, batchLoader, generate } from '../src/lessons/gptProblems.js';

const round5 = (v: number) => Math.round(v * 1e5) / 1e5;

// Minimise x^2 from 5 with lr 0.01 for 10 iterations.
const x = tensor([5], { dtype: 'float64', requiresGrad: true });
const opt = new SGD([x], 0.01);
for (let i = 0; i < 10; i++) {
  opt.zeroGrad();
  x.square().sum().backward();
  opt.step();
}
console.log(`gradient descent on x^2: ${round5(x.item())}`);

// Minimise x^2 + y^2 from (2, 5) with lr 0.1, rounding to 5 decimals each step, for 1000 iterations.
let [px, py] = [2, 5];
for (let i = 0; i < 1000; i++) {
  const p = tensor([px, py], { dtype: 'float64', requiresGrad: true });
  p.square().sum().backward();
  const g = p.grad!.toFlatArray();
  [px, py] = [round5(px - 0.1 * g[0]), round5(py - 0.1 * g[1])];
}
console.log(`multivariate gradient descent: ${px}, ${py}`);

// Linear regression by gradient descent on the mean squared error.
const X = tensor([[1, 2, 3], [1, 1, 1]], { dtype: 'float64' });
const Y = tensor([6, 3], { dtype: 'float64' });
const w = tensor([0.2, 0.1, 0.6], { dtype: 'float64', requiresGrad: true });
const linear = new SGD([w], 0.01);
for (let i = 0; i < 10; i++) {
  linear.zeroGrad();
  X.matmul(w).sub(Y).square().mean().backward();
  linear.step();
}
console.log(`linear regression weights: ${w.toFlatArray().map(round5).join(', ')}`);

const { X: bx, Y: by } = batchLoader('Hello darkness my old friend I have come to talk with you again', 3, 2, new Generator(0));
console.log(`batch loader: X=${JSON.stringify(bx)} Y=${JSON.stringify(by)}`);
const embedded = randn([2, 4, 8], { generator: new Generator(1) });
console.log(`single head: ${new SingleHeadAttention(8, 4, new Generator(2)).forward(embedded).shape}, multi-head: ${new MultiHeadedSelfAttention(8, 6, 3, new Generator(3)).forward(embedded).shape}`);

// Talk-back: an (untrained) GPT continues a prompt character by character.
const chars = [...new Set('hello world, how are you?')].sort();
const model = new GPT(chars.length, 8, 16, 2, 2, new Generator(4));
const prompt = 'hello';
const context = tensor(Int32Array.from([...prompt].map((c) => chars.indexOf(c))), { shape: [1, prompt.length] });
console.log(`talk-back: ${prompt}${generate(model, 20, context, 8, chars, new Generator(5))}`);
