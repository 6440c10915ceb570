import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Generator, crossEntropy, oneHot, tensor } from '../../src/index.js';
import { CharTokenizer } from '../../src/data/charTokenizer.js';
import { readLines } from '../../src/data/lines.js';
import { splitItems } from '../../src/data/split.js';
import { BigramCounts, bigramTensors } from '../../src/models/makemore/bigramCounts.js';
import { BigramNeural } from '../../src/models/makemore/bigramNeural.js';
import { lrFinder, sampleItem, splitLoss } from '../../src/models/makemore/charModel.js';
import { hierarchicalModel } from '../../src/models/makemore/hierarchical.js';
import { MLP } from '../../src/models/makemore/mlp.js';
import {
  type MakemoreModelConfig, type MakemoreTrainConfig, prepareMakemoreData, startMakemoreRun,
} from '../../src/models/makemore/recipe.js';
import { RecurrentCharModel } from '../../src/models/makemore/recurrent.js';
import { AdamW } from '../../src/optim/adamw.js';
import { SGD } from '../../src/optim/sgd.js';
import { trainLoop } from '../../src/models/trainer.js';
import { trainMakemore } from '../../src/models/makemore/train.js';
import { assertClose, corpusPath, projectRoot } from '../helpers.js';
import '../cliBackend.js';

const words = readLines(corpusPath('names.txt'));
const tokenizer = CharTokenizer.forItems(words);
const vocab = [...tokenizer.itos];

/** Trains a lecture model briefly on names.txt and returns it with its losses and validation loss. */
function shortRun(kind: 'mlp' | 'wavenet', blockSize: number, nEmbd: number, nHidden: number, steps: number, decayAt: number) {
  const data = prepareMakemoreData(words, blockSize, 42, vocab);
  const modelConfig: MakemoreModelConfig = { kind, vocab, blockSize, nEmbd, nHidden, initFixes: true };
  const train: MakemoreTrainConfig = { steps, batchSize: 32, lr: 0.1, decayAt, decayFactor: 0.1, seed: 2147483647 };
  const run = startMakemoreRun(modelConfig, train);
  const losses = trainMakemore(run, data, train).stepLosses;
  return { run, losses, val: splitLoss(run.model, data.val) };
}

/** Short versions of the lecture runs: each asserts a loss the full recipe passes on its way down. */
describe('makemore recipes on names.txt (shortened)', () => {
  test('bigram counts: NLL 2.45 over all names (lecture: 2.4544)', () => {
    const model = BigramCounts.fromItems(tokenizer, words);
    assert.ok(Math.abs(model.nll(words) - 2.45) <= 0.01, `nll ${model.nll(words)}`);
    assert.equal(model.counts.sum().item(), words.reduce((n, w) => n + w.length + 1, 0));
    assert.equal(model.sample(new Generator(2147483647)).length > 0, true);
  });

  test('neural bigram: 100 full-batch steps at lr 50 reach loss < 2.50', () => {
    const { xs, ys } = bigramTensors(words, tokenizer);
    const model = new BigramNeural(27, new Generator(2147483647));
    const losses = trainLoop({ optimizer: new SGD(model.parameters(), 50), schedule: () => 50, steps: 100, batchLoss: () => model.loss(xs, ys) });
    assert.ok(losses[99] < 2.5, `loss ${losses[99]}`);
    assert.ok(losses[0] > 3.5, 'starts from random weights');
  });

  test('neural bigram: the row lookup equals onehot(x) @ W', () => {
    const model = new BigramNeural(27, new Generator(1));
    const { xs } = bigramTensors(words.slice(0, 5), tokenizer);
    assert.deepEqual(model.forward(xs).toFlatArray(), oneHot(xs, 27).matmul(model.W).toFlatArray());
  });

  test('MLP with the init fixes starts near ln 27 and reaches val < 2.40 in 3000 steps', () => {
    const { run, losses, val } = shortRun('mlp', 3, 10, 200, 3000, 2500);
    assert.equal(run.model.numParameters(), 11897);
    assert.ok(Math.abs(losses[0] - Math.log(27)) < 0.2, `initial loss ${losses[0]} should be near ln 27 = 3.30`);
    assert.ok(val < 2.4, `val ${val}`);
  });

  test('without the init fixes the first loss is far above ln 27 (confidently wrong)', () => {
    const data = prepareMakemoreData(words.slice(0, 500), 3, 42, vocab);
    const model = new MLP({ vocabSize: 27, blockSize: 3, nEmbd: 10, nHidden: 200 }, new Generator(2147483647));
    assert.ok(crossEntropy(model.forward(data.train.X), data.train.Y).item() > 10);
  });

  test('hierarchical model: ~76k parameters as in the lecture, val < 2.45 after 500 steps', () => {
    const { run, val } = shortRun('wavenet', 8, 24, 128, 500, 500);
    assert.equal(run.model.numParameters(), 76579);
    assert.ok(val < 2.45, `val ${val}`);
    assert.throws(() => hierarchicalModel({ vocabSize: 27, blockSize: 6, nEmbd: 4, nHidden: 8 }), /blockSize must be a power of two >= 2, got 6/);
  });

  test('sampling is seeded and yields lowercase names; the learning-rate finder sweeps 10^-3..10^0', () => {
    const { train } = splitItems(words.slice(0, 2000), { seed: 1 });
    const data = prepareMakemoreData(train, 3, 42, vocab);
    const model = new MLP({ vocabSize: 27, blockSize: 3, nEmbd: 10, nHidden: 50, initFixes: true }, new Generator(3));
    const curve = lrFinder(model, data.train, { steps: 200, generator: new Generator(4) });
    assert.equal(curve.length, 200);
    assert.ok(Math.abs(curve[0].lr - 1e-3) < 1e-12 && Math.abs(curve[199].lr - 1) < 1e-12);
    const a = sampleItem(model, data.tokenizer, 3, new Generator(5));
    assert.equal(sampleItem(model, data.tokenizer, 3, new Generator(5)), a);
    assert.match(a, /^[a-z]*$/);
  });
});

interface MakemoreTwin {
  nEmbd: number; nHidden: number; vocabSize: number;
  state: Record<string, { shape: number[]; values: number[] }>;
  idx: { shape: number[]; values: number[] }; targets: number[];
  logits: number[]; loss: number; grads: Record<string, number[]>;
}
const rnnFixture = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_rnn.json'), 'utf8')) as { makemore: Record<'rnn' | 'gru', MakemoreTwin> };

describe("makemore.py's RNN, GRU and transformer name models", () => {
  for (const cell of ['rnn', 'gru'] as const) {
    test(`${cell}: makemore.py's parameter names, and its logits and gradients from the same weights (PyTorch twin)`, () => {
      const c = rnnFixture.makemore[cell];
      const model = new RecurrentCharModel({ vocabSize: c.vocabSize, blockSize: c.idx.shape[1], nEmbd: c.nEmbd, nHidden: c.nHidden }, cell, new Generator(1));
      assert.deepEqual(model.namedParameters().map(([n]) => n), Object.keys(c.grads));
      model.loadStateDict(new Map(Object.entries(c.state).map(([k, v]) => [k, tensor(v.values).view(...v.shape)])));
      const logits = model.forward(tensor(Int32Array.from(c.idx.values), { shape: c.idx.shape }));
      assertClose(logits.toFlatArray(), c.logits, { rtol: 1e-5, atol: 1e-6, what: 'logits' });
      const loss = crossEntropy(logits, tensor(Int32Array.from(c.targets), { shape: [c.targets.length] }));
      assertClose(loss.item(), c.loss, { rtol: 1e-6, what: 'loss' });
      loss.backward();
      for (const [name, p] of model.namedParameters()) assertClose(p.grad!.toFlatArray(), c.grads[name], { rtol: 1e-4, atol: 1e-6, what: `d loss / d ${name}` });
    });
  }

  test('rnn, gru and transformer train with AdamW from ln 27 to below 2.75 in 150 steps', () => {
    const small = words.slice(0, 4000);
    const data = prepareMakemoreData(small, 16, 42, vocab);
    for (const kind of ['rnn', 'gru', 'transformer'] as const) {
      const modelConfig: MakemoreModelConfig = { kind, vocab, blockSize: 16, nEmbd: 16, nHidden: 16, initFixes: false };
      const train: MakemoreTrainConfig = { steps: 150, batchSize: 32, lr: 1e-2, decayAt: 150, decayFactor: 1, seed: 3 };
      const run = startMakemoreRun(modelConfig, train);
      assert.ok(run.optimizer instanceof AdamW, `${kind} trains with AdamW, as makemore.py`);
      const losses = trainMakemore(run, data, train).stepLosses;
      assert.ok(Math.abs(losses[0] - Math.log(27)) < 0.5, `${kind}: first loss ${losses[0]}`);
      const val = splitLoss(run.model, data.val);
      assert.ok(val < 2.75, `${kind}: val ${val}`);
    }
  });
});
