// Lesson 6: a hierarchical (WaveNet-style) model that fuses the context two characters at a time.
import { Generator } from '../src/index.js';
import { sampleItem, splitLoss } from '../src/models/makemore/charModel.js';
import { type MakemoreTrainConfig, prepareMakemoreData, startMakemoreRun } from '../src/models/makemore/recipe.js';
import { trainMakemore } from '../src/models/makemore/train.js';
import { fast, lesson, names } from './common.js';

const data = prepareMakemoreData(names(), 8);
const train: MakemoreTrainConfig = { steps: fast ? 100 : 20_000, batchSize: 32, lr: 0.1, decayAt: fast ? 80 : 15_000, decayFactor: 0.1, seed: 42 };
const run = startMakemoreRun({ kind: 'wavenet', vocab: [...data.tokenizer.itos], blockSize: 8, nEmbd: 24, nHidden: 128, initFixes: true }, train);
for (const [name, p] of run.model.namedParameters()) console.log(`${name.padEnd(16)} [${p.shape.join(', ')}]`);
console.log(`${run.model.numParameters()} parameters`);
trainMakemore(run, data, train);
console.log(`after ${train.steps} steps: val ${splitLoss(run.model, data.val).toFixed(4)}`);
const g = new Generator(7);
console.log(`samples: ${Array.from({ length: 8 }, () => sampleItem(run.model, data.tokenizer, 8, g)).join(', ')}`);
lesson.done();
