// Lesson 3: Bengio's MLP on names: embeddings, a tanh hidden layer, minibatches, a learning-rate sweep, splits.
import { Generator } from '../src/index.js';
import { lrFinder, sampleItem, splitLoss } from '../src/models/makemore/charModel.js';
import { MLP } from '../src/models/makemore/mlp.js';
import { type MakemoreTrainConfig, prepareMakemoreData, startMakemoreRun, trainMakemore } from '../src/models/makemore/recipe.js';
import { fast, names } from './common.js';

const data = prepareMakemoreData(names(), 3);
console.log(`contexts: train ${data.train.X.shape[0]}, val ${data.val.X.shape[0]}, test ${data.test.X.shape[0]}`);
const sweep = lrFinder(new MLP({ vocabSize: 27, blockSize: 3, nEmbd: 10, nHidden: 200 }, new Generator(1)), data.train, { steps: fast ? 100 : 1000 });
const best = sweep.reduce((a, b) => (b.loss < a.loss ? b : a));
console.log(`learning-rate sweep: lowest batch loss ${best.loss.toFixed(3)} at lr ${best.lr.toFixed(3)}`);
const train: MakemoreTrainConfig = { steps: fast ? 500 : 30_000, batchSize: 32, lr: 0.1, decayAt: fast ? 400 : 20_000, decayFactor: 0.1, seed: 2147483647 };
const run = startMakemoreRun({ kind: 'mlp', vocab: [...data.tokenizer.itos], blockSize: 3, nEmbd: 10, nHidden: 200, initFixes: true }, train);
trainMakemore(run, data, train);
console.log(`after ${train.steps} steps: train ${splitLoss(run.model, data.train).toFixed(4)}, val ${splitLoss(run.model, data.val).toFixed(4)}`);
const g = new Generator(2147483647 + 10);
console.log(`samples: ${Array.from({ length: 8 }, () => sampleItem(run.model, data.tokenizer, 3, g)).join(', ')}`);
