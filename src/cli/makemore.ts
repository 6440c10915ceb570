import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CharTokenizer } from '../data/charTokenizer.js';
import { defaultNames } from '../data/defaultNames.js';
import { readLines } from '../data/lines.js';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { BigramCounts } from '../models/makemore/bigramCounts.js';
import { sampleItem, splitLoss } from '../models/makemore/charModel.js';
import {
  MAKEMORE_DEFAULTS, type MakemoreModelConfig, type MakemoreTrainConfig,
  buildMakemoreModel, makemoreCheckpoint, prepareMakemoreData, startMakemoreRun, trainMakemore,
} from '../models/makemore/recipe.js';
import { splitItems } from '../data/split.js';
import { Generator } from '../tensor/random.js';
import { lineChart, windowMeans } from '../viz/lineChart.js';
import { type CliIO, UsageError, choiceOption, consoleIO, intOption, numberOption, parseOptions } from './args.js';
import { ProgressBar } from './progress.js';

const KINDS = ['bigram', 'bigram-nn', 'mlp', 'bnmlp', 'wavenet'] as const;

export const MAKEMORE_USAGE = `zerograd makemore train [--model ${KINDS.join('|')}] [--data FILE] [--steps N] [--batch-size N]
                       [--lr X] [--decay-at N] [--block-size N] [--n-embd N] [--n-hidden N] [--init-fixes]
                       [--seed N] [--out DIR] [--checkpoint-every N] [--resume] [--samples N]
zerograd makemore sample --checkpoint DIR [--num N] [--prefix TEXT] [--seed N]
zerograd makemore eval --checkpoint DIR [--data FILE]`;

function loadItems(file: string | undefined): { items: string[]; source: string } {
  if (!file) return { items: defaultNames(), source: 'embedded names (@stdlib first names)' };
  return { items: readLines(file, { minLines: 3 }), source: file };
}

export function makemoreTrain(argv: string[], io: CliIO = consoleIO): { val: number; samples: string[] } {
  const o = parseOptions('makemore train', argv, {
    model: { type: 'string' }, data: { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' },
    lr: { type: 'string' }, 'decay-at': { type: 'string' }, 'decay-factor': { type: 'string' }, 'block-size': { type: 'string' },
    'n-embd': { type: 'string' }, 'n-hidden': { type: 'string' }, 'init-fixes': { type: 'boolean' }, seed: { type: 'string' },
    out: { type: 'string' }, 'checkpoint-every': { type: 'string' }, resume: { type: 'boolean' }, samples: { type: 'string' },
  });
  const kind = choiceOption('model', o.model, KINDS, 'mlp');
  const { items, source } = loadItems(o.data);
  const seed = intOption('seed', o.seed, 2147483647);
  const out = o.out ?? join('runs', `makemore-${kind}`);
  const numSamples = intOption('samples', o.samples, 10);
  io.log(`data: ${items.length} items from ${source}`);
  if (kind === 'bigram') return trainBigramCounts(items, out, seed, numSamples, io.log);

  const defaults = MAKEMORE_DEFAULTS[kind];
  const steps = intOption('steps', o.steps, 200_000, { min: 1 });
  const train: MakemoreTrainConfig = {
    steps,
    batchSize: intOption('batch-size', o['batch-size'], defaults.batchSize),
    lr: numberOption('lr', o.lr, defaults.lr),
    decayAt: intOption('decay-at', o['decay-at'], Math.round(steps * defaults.decayFraction)),
    decayFactor: numberOption('decay-factor', o['decay-factor'], 0.1),
    seed,
  };
  const longest = Math.max(...items.map((s) => s.length));
  const blockSize = intOption('block-size', o['block-size'], defaults.blockSize, { min: 1 });
  if (blockSize > longest + 1) {
    throw new UsageError(`--block-size ${blockSize} is larger than the longest item (${longest} characters) plus its end marker; contexts would be all padding`);
  }
  const resume = o.resume && hasCheckpoint(out) ? loadCheckpoint(out) : undefined;
  const modelConfig: MakemoreModelConfig = resume
    ? (resume.config.model as MakemoreModelConfig)
    : {
      kind, vocab: [...CharTokenizer.forItems(items).itos], blockSize,
      nEmbd: intOption('n-embd', o['n-embd'], defaults.nEmbd, { min: 1 }),
      nHidden: intOption('n-hidden', o['n-hidden'], defaults.nHidden, { min: 1 }),
      initFixes: o['init-fixes'] ?? defaults.initFixes,
    };
  const data = prepareMakemoreData(items, modelConfig.blockSize, 42, modelConfig.vocab);
  const run = startMakemoreRun(modelConfig, train, resume);
  io.log(`model: ${kind}, ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step}` : ''}`);
  const checkpointEvery = intOption('checkpoint-every', o['checkpoint-every'], Math.max(1000, Math.ceil(steps / 10)), { min: 1 });
  const bar = new ProgressBar(steps, 'train', run.optimizer.stepCount, io.progress);
  const tokensPerStep = train.batchSize > 0 ? train.batchSize : data.train.X.shape[0];
  trainMakemore(run, data, train, ({ step, loss }) => {
    bar.update(step, loss, tokensPerStep);
    if ((step + 1) % checkpointEvery === 0 && step + 1 < steps) {
      saveCheckpoint(out, makemoreCheckpoint(run, train));
      writeLossCurve(out, run.losses);
    }
  });
  const dir = saveCheckpoint(out, makemoreCheckpoint(run, train));
  const losses = { train: splitLoss(run.model, data.train), val: splitLoss(run.model, data.val) };
  io.log(`train loss ${losses.train.toFixed(4)} | val loss ${losses.val.toFixed(4)}`);
  writeLossCurve(out, run.losses);
  io.log(`checkpoint: ${dir} (loss curve: ${join(out, 'loss.svg')})`);
  const generator = new Generator(seed + 10);
  const samples = Array.from({ length: numSamples }, () => sampleItem(run.model, data.tokenizer, modelConfig.blockSize, generator));
  samples.forEach((s) => io.log(s));
  return { val: losses.val, samples };
}

function trainBigramCounts(items: string[], out: string, seed: number, numSamples: number, log: (line: string) => void) {
  const tokenizer = CharTokenizer.forItems(items);
  const splits = splitItems(items, { seed: 42 });
  const model = BigramCounts.fromItems(tokenizer, items);
  const held = BigramCounts.fromItems(tokenizer, splits.train);
  log(`bigram counts: NLL over all items ${model.nll(items).toFixed(4)} | fitted on train: val ${held.nll(splits.val).toFixed(4)}`);
  const dir = saveCheckpoint(out, {
    config: { recipe: 'makemore', model: { kind: 'bigram', vocab: [...tokenizer.itos], smoothing: model.smoothing } },
    model: new Map([['counts', model.counts]]),
    optimizer: new Map(),
    trainer: { step: 0, rng: [], losses: [] },
  });
  log(`checkpoint: ${dir}`);
  const generator = new Generator(seed);
  const samples = Array.from({ length: numSamples }, () => model.sample(generator));
  samples.forEach((s) => log(s));
  return { val: held.nll(splits.val), samples };
}

function writeLossCurve(out: string, losses: number[]): void {
  mkdirSync(out, { recursive: true });
  const window = losses.length >= 10_000 ? 1000 : Math.max(1, Math.floor(losses.length / 100));
  const points = windowMeans(losses, window).map(([x, y]) => [x, Math.log10(y)] as const);
  writeFileSync(join(out, 'loss.svg'), lineChart([{ name: `mean of ${window}`, points }], {
    title: 'training loss', xLabel: 'step', yLabel: 'log10 loss',
  }));
}

export function makemoreSample(argv: string[], io: CliIO = consoleIO): string[] {
  const o = parseOptions('makemore sample', argv, { checkpoint: { type: 'string' }, num: { type: 'string' }, prefix: { type: 'string' }, seed: { type: 'string' } });
  if (!o.checkpoint) throw new UsageError('makemore sample: --checkpoint DIR is required');
  const checkpoint = loadCheckpoint(o.checkpoint);
  const config = checkpoint.config.model as MakemoreModelConfig | { kind: 'bigram'; vocab: string[]; smoothing: number };
  const tokenizer = new CharTokenizer(config.vocab);
  const prefix = o.prefix ?? '';
  const prefixIds = tokenizer.encode(prefix);
  const generator = new Generator(intOption('seed', o.seed, 1));
  const num = intOption('num', o.num, 10, { min: 1 });
  let samples: string[];
  if (config.kind === 'bigram') {
    if (prefix) throw new UsageError('makemore sample: --prefix is not supported for the counting bigram model');
    const model = new BigramCounts(tokenizer, checkpoint.model.get('counts')!, config.smoothing);
    samples = Array.from({ length: num }, () => model.sample(generator));
  } else {
    const model = buildMakemoreModel(config, new Generator(0));
    model.loadStateDict(checkpoint.model);
    model.eval();
    samples = Array.from({ length: num }, () => prefix + sampleItem(model, tokenizer, config.blockSize, generator, 50, prefixIds));
  }
  samples.forEach((s) => io.log(s));
  return samples;
}

export function makemoreEval(argv: string[], io: CliIO = consoleIO): Record<string, number> {
  const o = parseOptions('makemore eval', argv, { checkpoint: { type: 'string' }, data: { type: 'string' } });
  if (!o.checkpoint) throw new UsageError('makemore eval: --checkpoint DIR is required');
  const checkpoint = loadCheckpoint(o.checkpoint);
  const config = checkpoint.config.model as MakemoreModelConfig;
  if ((config.kind as string) === 'bigram') throw new UsageError('makemore eval: use `makemore train --model bigram` for the counting model');
  const { items } = loadItems(o.data);
  const data = prepareMakemoreData(items, config.blockSize, 42, config.vocab);
  const model = buildMakemoreModel(config, new Generator(0));
  model.loadStateDict(checkpoint.model);
  const result = { train: splitLoss(model, data.train), val: splitLoss(model, data.val), test: splitLoss(model, data.test) };
  io.log(`train ${result.train.toFixed(4)} | val ${result.val.toFixed(4)} | test ${result.test.toFixed(4)}`);
  return result;
}

