// Lesson 3: Bengio's MLP on names: embeddings, a tanh hidden layer, minibatches, a learning-rate sweep, splits.
import { Generator, type Tensor, crossEntropy, randn, tensor } from '../src/index.js';
import { SGD } from '../src/optim/sgd.js';
import { trainLoop } from '../src/models/trainer.js';
import { lrFinder } from '../src/models/makemore/charModel.js';
import { MLP } from '../src/models/makemore/mlp.js';
import { type MakemoreTrainConfig, prepareMakemoreData, startMakemoreRun } from '../src/models/makemore/recipe.js';
import { trainMakemore } from '../src/models/makemore/train.js';
import { fast, lesson, names } from './common.js';

// The lecture's first network, as it writes it: the 32 contexts of 3 characters in the first 5 names, a 2-D
// embedding C, 100 tanh units, every tensor drawn from torch.Generator().manual_seed(2147483647).
const stoi = (c: string) => (c === '.' ? 0 : c.charCodeAt(0) - 96);
const contexts: number[][] = [];
const targets: number[] = [];
for (const word of names().slice(0, 5)) {
  let context = [0, 0, 0];
  for (const ch of `${word}.`) {
    contexts.push(context);
    targets.push(stoi(ch));
    context = [...context.slice(1), stoi(ch)];
  }
}
const X = tensor(Int32Array.from(contexts.flat()), { shape: [contexts.length, 3] });
const Y = tensor(Int32Array.from(targets));
const g = new Generator(2147483647, { stream: 'torch' });
const [C, W1, b1, W2, b2] = ([[27, 2], [6, 100], [100], [100, 27], [27]] as const).map((shape) => randn([...shape], { generator: g, requiresGrad: true }));
const forward = (): Tensor => crossEntropy(C.index(X).view(-1, 6).matmul(W1).add(b1).tanh().matmul(W2).add(b2), Y);
const tiny = trainLoop({ optimizer: new SGD([C, W1, b1, W2, b2], 0.1), schedule: () => 0.1, steps: 1000, batchLoss: forward });
console.log(`the lecture's first MLP: ${X.shape[0]} contexts, ${[C, W1, b1, W2, b2].reduce((n, t) => n + t.size, 0)} parameters, loss ${tiny[0].toFixed(4)} -> ${tiny[999].toFixed(4)} after 1000 full-batch steps`);

const data = prepareMakemoreData(names(), 3);
console.log(`contexts: train ${data.train.X.shape[0]}, val ${data.val.X.shape[0]}, test ${data.test.X.shape[0]}`);
const sweep = lrFinder(new MLP({ vocabSize: 27, blockSize: 3, nEmbd: 10, nHidden: 200 }, new Generator(1)), data.train, { steps: fast ? 100 : 1000 });
const best = sweep.reduce((a, b) => (b.loss < a.loss ? b : a));
console.log(`learning-rate sweep: lowest batch loss ${best.loss.toFixed(3)} at lr ${best.lr.toFixed(3)}`);
const train: MakemoreTrainConfig = { steps: fast ? 500 : 30_000, batchSize: 32, lr: 0.1, decayAt: fast ? 400 : 20_000, decayFactor: 0.1, seed: 2147483647 };
const run = startMakemoreRun({ kind: 'mlp', vocab: [...data.tokenizer.itos], blockSize: 3, nEmbd: 10, nHidden: 200, initFixes: true }, train);
const { final, samples } = trainMakemore(run, data, train, { evaluate: true, samples: 8 });
console.log(`after ${train.steps} steps: train ${final!.train.toFixed(4)}, val ${final!.val.toFixed(4)}`);
console.log(`samples: ${samples.join(', ')}`);
lesson.done();
