import { forEachInputLine } from './inputLines.js';
import { makeDirectory, writeFileAtomic } from '../io/atomicWrite.js';
import { heatmap } from '../viz/heatmap.js';
import { join } from 'node:path';
import { type Splits, splitItems } from '../data/split.js';
import { type Checkpoint, loadRecipeCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import type { ClassificationReport } from '../models/classify/metrics.js';
import {
  type SupervisedRun, type SupervisedTrainConfig, supervisedCheckpoint, trainSupervised,
} from '../models/classify/supervised.js';
import type { Module } from '../nn/module.js';
import { Generator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { lineChart, windowMeans } from '../viz/lineChart.js';
import { type CliIO, type CommandSpec, type OptionDef, type ParsedOptions, UsageError, warnOn } from './args.js';
import { BATCH_SIZE, DROPOUT, EVAL_EVERY, LR, N_EMBD, N_LAYER, RUN_OPTIONS, STEPS, STRICT_RESUME, TRAIN_SEED } from './commonOptions.js';
import { settingsFrom } from './options.js';
import { resumedSteps } from './run.js';
import { ProgressBar } from './progress.js';
import { guardedSave } from '../models/runGuard.js';

/** Options shared by `classify train`, `tag train` and `mlm pretrain`. */
export const SUPERVISED_OPTIONS = {
  steps: { ...STEPS, shown: "model's (1500-2000)", help: 'optimizer steps (AdamW, warmup + cosine)' },
  'batch-size': { ...BATCH_SIZE, shown: '32' },
  lr: { ...LR, shown: "model's" },
  'max-length': { type: 'int', min: 2, max: 100_000, key: 'model.maxLength', shown: "model's", help: 'tokens the model reads per text' },
  'n-embd': { ...N_EMBD, shown: '64' },
  'n-head': { type: 'int', min: 1, max: 1e4, key: 'model.nHead', shown: '4', help: 'attention heads (encoder)' },
  'n-layer': { ...N_LAYER, min: 0, max: 1e4, shown: '2', help: 'encoder blocks' },
  dropout: { ...DROPOUT, shown: "model's" },
  'min-count': { type: 'int', min: 1, default: 2, help: 'words seen fewer times in training become <unk>' },
  'eval-every': { ...EVAL_EVERY, help: 'steps between validation scores' },
  seed: { ...TRAIN_SEED, help: 'random seed' },
  val: { type: 'path', value: 'FILE', shown: '10% of --data', help: 'a separate validation file (then all of --data trains, unless --test is missing)' },
  test: { type: 'path', value: 'FILE', shown: '10% of --data', help: 'a separate test file' },
  strict: STRICT_RESUME,
  ...RUN_OPTIONS,
} as const satisfies Record<string, OptionDef>;

/** The options of `classify eval` and `tag eval`, for a model of this name reading files of this kind. */
export const evalOptions = (model: string, file: string, labels: string) => ({
  checkpoint: { type: 'path', value: 'DIR', help: `run folder of ${model} (required)` },
  data: { type: 'string', value: file, shown: "training data's test split", help: 'evaluate this whole file instead' },
  'report-dir': { type: 'path', value: 'DIR', shown: '--checkpoint', help: `where a confusion matrix of more than ${PRINTED_CONFUSION_LABELS} ${labels} is written` },
} as const satisfies Record<string, OptionDef>);

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

type Options = ParsedOptions<typeof SUPERVISED_OPTIONS> & { data?: string };

type Shape = Pick<ModelDefaults, 'maxLength' | 'nEmbd' | 'nHead' | 'nLayer' | 'dropout'>;

/** The model-shape options, over `defaults`. */
export function shapeFrom(o: Options, { maxLength, nEmbd, nHead, nLayer, dropout }: Shape): Shape {
  return { maxLength, nEmbd, nHead, nLayer, dropout, ...settingsFrom(SUPERVISED_OPTIONS, o, 'model') };
}

/**
 * A fresh run's training settings from the flags over `defaults`; a resumed run's from its checkpoint (a flag that
 * contradicts it was refused by checkResume as the run was opened), where --extend N adds steps.
 */
export function trainSettings(spec: CommandSpec, out: string, o: Options, defaults: ModelDefaults, resume?: Checkpoint): SupervisedTrainConfig {
  const command = spec.name;
  const flags = settingsFrom(SUPERVISED_OPTIONS, o, 'train') as Partial<SupervisedTrainConfig>;
  if (!resume) {
    const steps = flags.steps ?? defaults.steps;
    return {
      steps, batchSize: flags.batchSize ?? defaults.batchSize, lr: flags.lr ?? defaults.lr, weightDecay: 0.01,
      warmupSteps: Math.min(100, Math.floor(steps / 10)), decaySteps: steps,
      evalEvery: flags.evalEvery ?? Math.max(1, Math.floor(steps / 10)), seed: o.seed,
    };
  }
  const saved = resume.config.train as SupervisedTrainConfig;
  if (saved.decaySteps === undefined) throw new UsageError(`${command}: ${out} was written by an older zerograd without its schedule; it cannot be resumed exactly`);
  return { ...saved, steps: resumedSteps(command, out, saved.steps, resume.trainer.step, o.extend) };
}

/**
 * The encoder sizes of a pre-training checkpoint (--init), which the flags may repeat but not change: the weights
 * only fit an encoder of those sizes and that vocabulary.
 */
export function pretrainedShape(command: string, init: string, pretrained: Checkpoint, o: Options) {
  const model = pretrained.config.model as { vocab: string[]; maxLength: number; nEmbd: number; nHead: number; nLayer: number };
  const given = shapeFrom(o, { ...(model as unknown as ModelDefaults), dropout: 0 });
  for (const [flag, key] of [['max-length', 'maxLength'], ['n-embd', 'nEmbd'], ['n-head', 'nHead'], ['n-layer', 'nLayer']] as const) {
    if (o[flag] !== undefined && given[key] !== model[key]) {
      throw new UsageError(`${command}: --${flag} ${given[key]} contradicts --init ${init}, whose encoder has ${model[key]}; leave it out`);
    }
  }
  if (o.given.has('min-count')) throw new UsageError(`${command}: --min-count does not apply with --init; the vocabulary is the pre-trained one (${model.vocab.length} words)`);
  return { vocab: model.vocab, maxLength: model.maxLength, nEmbd: model.nEmbd, nHead: model.nHead, nLayer: model.nLayer };
}

/** 80/10/10 with a fixed seed (not --seed), so `eval` finds the same held-out examples `train` left out. */
export const heldOutSplits = <T>(items: readonly T[]) => splitItems(items, { seed: 42 });

/**
 * Train, validation and test examples: with --val and --test files, all of the data trains; with one of them,
 * 10% of the data (seeded) stands in for the other; with neither, the data is cut 80/10/10.
 */
export function trainingSplits<T>(items: readonly T[], o: { val?: string; test?: string }, read: (file: string) => T[]): Splits<T> {
  if (o.val !== undefined && o.test !== undefined) return { train: [...items], val: read(o.val), test: read(o.test) };
  if (o.val === undefined && o.test === undefined) return heldOutSplits(items);
  const { train, val: held } = splitItems(items, { seed: 42, train: 0.9, val: 0.1 });
  return o.val !== undefined ? { train, val: read(o.val), test: held } : { train, val: held, test: read(o.test!) };
}

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
  const checkpoint = loadRecipeCheckpoint(path, recipe, command, what);
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
  /** Checkpoints kept in `out`. */
  keep: number;
}

/**
 * Trains with a progress bar, a checkpoint and loss curve at every evaluation, and a final checkpoint;
 * leaves the model in eval mode, ready for the test split.
 */
export function runSupervised<M extends Module>(job: SupervisedJob<M>, io: CliIO): string {
  const { run, train, out } = job;
  const bar = new ProgressBar(train.steps, 'train', run.optimizer.stepCount, io.progress);
  const save = guardedSave(() => {
    const dir = saveCheckpoint(out, supervisedCheckpoint(run, job.config), { keep: job.keep });
    writeCurves(out, run, job.scoreName);
    return dir;
  });
  const dir = trainSupervised(run, train, job.trainCount, job.batchLoss, {
    evaluate: job.evaluate, save,
    onStep: ({ step, loss }) => bar.update(step, loss, job.tokensPerStep),
    onEval: (step, score) => io.log(`step ${step}: train loss ${mean(run.losses.slice(-train.evalEvery)).toFixed(4)}, val ${job.scoreName} ${score.toFixed(4)}`),
  })!;
  io.log(`checkpoint: ${dir} (curves: ${join(out, 'loss.svg')})`);
  run.model.eval();
  return dir;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

function writeCurves<M extends Module>(out: string, run: SupervisedRun<M>, scoreName: string): void {
  makeDirectory(out);
  const window = Math.max(1, Math.floor(run.losses.length / 100));
  writeFileAtomic(join(out, 'loss.svg'), lineChart([
    { name: `train loss (mean of ${window})`, points: windowMeans(run.losses, window) },
    { name: `val ${scoreName}`, points: run.evals.map(([s, v]) => [s, v] as const) },
  ], { title: 'training', xLabel: 'step', yLabel: 'loss (nats) / score' }));
}

/** Up to this many labels the confusion matrix is printed; past it, it goes to files and the top confusions are printed. */
export const PRINTED_CONFUSION_LABELS = 12;

/**
 * Accuracy, macro F1, per-class precision/recall/F1 and the confusion matrix as aligned text lines. A matrix of
 * more than 12 labels would be thousands of columns wide: it is written to `dir`/confusion.csv and .svg (a
 * heatmap), and the ten most frequent confusions are printed instead.
 */
export function formatReport(report: ClassificationReport, title: string, dir: string): string[] {
  const width = Math.max(8, ...report.labels.map((l) => l.length));
  const pad = (s: string) => s.padEnd(width);
  const num = (x: number) => x.toFixed(4).padStart(9);
  const head = [
    `${title}: accuracy ${report.accuracy.toFixed(4)} | macro F1 ${report.macroF1.toFixed(4)}`,
    `${pad('label')} precision    recall        F1   support`,
    ...report.perClass.map((c) => `${pad(c.label)} ${num(c.precision)} ${num(c.recall)} ${num(c.f1)} ${String(c.support).padStart(9)}`),
  ];
  if (report.labels.length <= PRINTED_CONFUSION_LABELS) {
    return [...head,
      'confusion (rows: true label, columns: predicted):',
      `${pad('')} ${report.labels.map((l) => l.padStart(9)).join(' ')}`,
      ...report.confusion.map((row, i) => `${pad(report.labels[i])} ${row.map((v) => String(v).padStart(9)).join(' ')}`)];
  }
  makeDirectory(dir);
  const csv = join(dir, 'confusion.csv');
  const svg = join(dir, 'confusion.svg');
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  writeFileAtomic(csv, [['true \\ predicted', ...report.labels], ...report.confusion.map((row, i) => [report.labels[i], ...row.map(String)])]
    .map((cells) => cells.map(quote).join(',')).join('\n') + '\n');
  writeFileAtomic(svg, heatmap(report.labels, report.labels, report.confusion, {
    title: `${title}: confusion (rows: true, columns: predicted)`, cell: 12, digits: 0, margin: 8 * width,
    max: Math.max(1, ...report.confusion.flatMap((row, i) => row.filter((_, j) => j !== i))),
  }));
  const confusions = report.confusion.flatMap((row, i) => row.map((count, j) => ({ count, truth: report.labels[i], predicted: report.labels[j] })))
    .filter((c) => c.truth !== c.predicted && c.count > 0)
    .sort((a, b) => b.count - a.count)
    .slice(0, 10);
  return [...head,
    `confusion matrix of ${report.labels.length} labels: ${csv} and ${svg}; the most frequent confusions:`,
    ...confusions.map((c) => `${String(c.count).padStart(9)}  ${c.truth} -> ${c.predicted}`)];
}

/**
 * The label set a report is computed over: the model's, then labels the model never saw (each one an error,
 * since it cannot predict them), with one warning counting the examples that carry them.
 */
export function labelsWithUnseen(known: readonly string[], truth: readonly string[], source: string, unit: string, io: CliIO): string[] {
  const knownSet = new Set(known);
  const unseen = truth.filter((t) => !knownSet.has(t));
  if (unseen.length === 0) return [...known];
  const names = [...new Set(unseen)].sort();
  warnOn(io)(`${source}: ${unseen.length} of ${truth.length} ${unit} have ${names.length === 1 ? 'a label' : 'labels'} the model never saw in training `
    + `(${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}); they count as errors`);
  return [...known, ...names];
}

/** Non-empty lines of standard input (what `predict` reads). */
export function readStdinLines(): string[] {
  const lines: string[] = [];
  forEachInputLine((line) => line.trim() !== '' && lines.push(line));
  return lines;
}
