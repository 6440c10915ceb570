import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitItems } from '../data/split.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import type { ClassificationReport } from '../models/classify/metrics.js';
import {
  type SupervisedRun, type SupervisedTrainConfig, supervisedCheckpoint, trainSupervised,
} from '../models/classify/supervised.js';
import type { Module } from '../nn/module.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { lineChart, windowMeans } from '../viz/lineChart.js';
import { type CliIO, type OptionValues, UsageError, intOption, numberOption } from './args.js';
import { ProgressBar } from './progress.js';

/** Options shared by `classify train` and `tag train`. */
export const SUPERVISED_OPTIONS = {
  data: { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
  'max-length': { type: 'string' }, 'n-embd': { type: 'string' }, 'n-head': { type: 'string' }, 'n-layer': { type: 'string' },
  dropout: { type: 'string' }, 'min-count': { type: 'string' }, 'eval-every': { type: 'string' }, seed: { type: 'string' },
  out: { type: 'string' }, resume: { type: 'boolean' },
} as const;

export const SUPERVISED_USAGE_OPTIONS = `[--steps N] [--batch-size N] [--lr X] [--max-length N] [--n-embd N] [--n-head N]
                 [--n-layer N] [--dropout X] [--min-count N] [--eval-every N] [--seed N] [--out DIR] [--resume]`;

export interface ModelDefaults {
  steps: number;
  batchSize: number;
  lr: number;
  maxLength: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
}

type Options = OptionValues<typeof SUPERVISED_OPTIONS>;

export function trainConfigFrom(o: Options, defaults: ModelDefaults): SupervisedTrainConfig {
  const steps = intOption('steps', o.steps, defaults.steps, { min: 1 });
  return {
    steps,
    batchSize: intOption('batch-size', o['batch-size'], defaults.batchSize, { min: 1 }),
    lr: numberOption('lr', o.lr, defaults.lr),
    weightDecay: 0.01,
    evalEvery: intOption('eval-every', o['eval-every'], Math.max(1, Math.floor(steps / 10)), { min: 1 }),
    seed: intOption('seed', o.seed, 1337),
  };
}

/** The model-shape options, over `defaults`. */
export function shapeFrom(o: Options, defaults: ModelDefaults): Pick<ModelDefaults, 'maxLength' | 'nEmbd' | 'nHead' | 'nLayer' | 'dropout'> {
  return {
    maxLength: intOption('max-length', o['max-length'], defaults.maxLength, { min: 2 }),
    nEmbd: intOption('n-embd', o['n-embd'], defaults.nEmbd, { min: 1 }),
    nHead: intOption('n-head', o['n-head'], defaults.nHead, { min: 1 }),
    nLayer: intOption('n-layer', o['n-layer'], defaults.nLayer, { min: 1 }),
    dropout: numberOption('dropout', o.dropout, defaults.dropout, { positive: false }),
  };
}

/** 80/10/10 with a fixed seed (not --seed), so `eval` finds the same held-out examples `train` left out. */
export const heldOutSplits = <T>(items: readonly T[]) => splitItems(items, { seed: 42 });

/** What `eval` reads: a file named on its command line whole, else the test split of the training data. */
export function evaluationSet<T>(items: readonly T[], source: string, named: boolean, unit: string): { items: T[]; title: string } {
  const chosen = named ? [...items] : heldOutSplits(items).test;
  return { items: chosen, title: `${named ? source : `test split of ${source}`} (${chosen.length} ${unit})` };
}

/**
 * The model a `recipe` checkpoint at `path` holds, rebuilt by `build` and put in eval mode, with its
 * config and the data file it was trained on (null: the embedded default).
 */
export function loadTrainedModel<C, M extends Module>(path: string | undefined, command: string, recipe: string, what: string,
  build: (config: C, generator: Generator) => M): { model: M; config: C; data: string | null } {
  if (!path) throw new UsageError(`${command}: --checkpoint DIR is required`);
  const checkpoint = loadCheckpoint(path);
  if (checkpoint.config.recipe !== recipe) throw new UsageError(`${command}: ${path} holds a '${String(checkpoint.config.recipe)}' checkpoint, not ${what}`);
  const config = checkpoint.config.model as C;
  const model = build(config, new Generator(0));
  model.loadStateDict(checkpoint.model);
  model.eval();
  return { model, config, data: checkpoint.config.data as string | null };
}

export interface SupervisedJob<M extends Module> {
  run: SupervisedRun<M>;
  train: SupervisedTrainConfig;
  /** Saved beside the weights: what rebuilds the model, plus the data it came from. */
  config: Record<string, unknown>;
  out: string;
  trainCount: number;
  tokensPerStep: number;
  batchLoss: (indices: number[]) => Tensor;
  /** The validation score recorded at each evaluation (higher is better), and its name. */
  evaluate: () => number;
  scoreName: string;
}

/**
 * Trains with a progress bar, a checkpoint and loss curve at every evaluation, and a final checkpoint;
 * leaves the model in eval mode, ready for the test split.
 */
export function runSupervised<M extends Module>(job: SupervisedJob<M>, io: CliIO): string {
  const { run, train, out } = job;
  const bar = new ProgressBar(train.steps, 'train', run.optimizer.stepCount, io.progress);
  const save = () => {
    const dir = saveCheckpoint(out, supervisedCheckpoint(run, job.config));
    writeCurves(out, run, job.scoreName);
    return dir;
  };
  trainSupervised(run, train, job.trainCount, job.batchLoss, {
    evaluate: job.evaluate,
    onStep: ({ step, loss }) => bar.update(step, loss, job.tokensPerStep),
    onEval: (step, score) => {
      io.log(`step ${step}: train loss ${mean(run.losses.slice(-train.evalEvery)).toFixed(4)}, val ${job.scoreName} ${score.toFixed(4)}`);
      if (step < train.steps) save();
    },
  });
  const dir = save();
  io.log(`checkpoint: ${dir} (curves: ${join(out, 'loss.svg')})`);
  run.model.eval();
  return dir;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

function writeCurves<M extends Module>(out: string, run: SupervisedRun<M>, scoreName: string): void {
  mkdirSync(out, { recursive: true });
  const window = Math.max(1, Math.floor(run.losses.length / 100));
  writeFileSync(join(out, 'loss.svg'), lineChart([
    { name: `train loss (mean of ${window})`, points: windowMeans(run.losses, window) },
    { name: `val ${scoreName}`, points: run.evals.map(([s, v]) => [s, v] as const) },
  ], { title: 'training', xLabel: 'step', yLabel: 'loss (nats) / score' }));
}

/** Accuracy, macro F1, per-class precision/recall/F1 and the confusion matrix as aligned text lines. */
export function formatReport(report: ClassificationReport, title: string): string[] {
  const width = Math.max(8, ...report.labels.map((l) => l.length));
  const pad = (s: string) => s.padEnd(width);
  const num = (x: number) => x.toFixed(4).padStart(9);
  return [
    `${title}: accuracy ${report.accuracy.toFixed(4)} | macro F1 ${report.macroF1.toFixed(4)}`,
    `${pad('label')} precision    recall        F1   support`,
    ...report.perClass.map((c) => `${pad(c.label)} ${num(c.precision)} ${num(c.recall)} ${num(c.f1)} ${String(c.support).padStart(9)}`),
    'confusion (rows: true label, columns: predicted):',
    `${pad('')} ${report.labels.map((l) => l.padStart(9)).join(' ')}`,
    ...report.confusion.map((row, i) => `${pad(report.labels[i])} ${row.map((v) => String(v).padStart(9)).join(' ')}`),
  ];
}

/** Non-empty lines of standard input (what `predict` reads). */
export function readStdinLines(): string[] {
  return readFileSync(0, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
}
