import { makeDirectory, writeFileAtomic } from '../io/atomicWrite.js';
import { join, resolve } from 'node:path';
import { CharTokenizer } from '../data/charTokenizer.js';
import { defaultNames } from '../data/defaultNames.js';
import { corpusPath } from '../data/corpora.js';
import { readLines } from '../data/lines.js';
import { type Checkpoint, loadRecipeCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { type MemoryEstimate, checkMemory } from '../models/memory.js';
import { BigramCounts } from '../models/makemore/bigramCounts.js';
import { sampleItem, splitLoss } from '../models/makemore/charModel.js';
import {
  MAKEMORE_DEFAULTS, type MakemoreModelConfig, type MakemoreTrainConfig, defaultBlockSize,
  buildMakemoreModel, makemoreCheckpoint, prepareMakemoreData, startMakemoreRun,
} from '../models/makemore/recipe.js';
import { trainMakemore } from '../models/makemore/train.js';
import { splitItems } from '../data/split.js';
import { Generator } from '../core/random.js';
import { lineChart, windowMeans } from '../viz/lineChart.js';
import { type DataFingerprint, dataChange, fingerprintData, savedFingerprint } from '../io/dataFile.js';
import { type CliIO, type ParsedOptions, UsageError, consoleIO, defineCommand, parseOptions, warnOn } from './args.js';
import { BATCH_SIZE, BLOCK_SIZE, DEVICE, LR, SEED, STEPS, STRICT, TRAIN_SEED } from './commonOptions.js';
import { settingsFrom } from './options.js';
import { ProgressBar } from './progress.js';
import { checkTextEncoding } from './textCheck.js';
import { guardedSave } from '../models/runGuard.js';
import { checkedDataFile } from './dataCheck.js';
import { checkResume, logNextSteps, memoryLimit, openRun, resumedSteps, runFolder } from './run.js';

const KINDS = ['bigram', 'bigram-nn', 'mlp', 'bnmlp', 'wavenet', 'rnn', 'gru', 'transformer'] as const;
const RUN = runFolder('makemore', { option: 'model', fallback: 'mlp' });

export const MAKEMORE_TRAIN = defineCommand({
  name: 'makemore train',
  summary: "train one of the makemore lectures' character-level name models",
  options: {
    device: DEVICE,
    model: { type: 'choice', choices: KINDS, default: 'mlp', key: 'model.kind', help: "counting bigram, neural bigram, MLP, BatchNorm MLP, WaveNet-style, or makemore.py's RNN, GRU or transformer" },
    data: { type: 'path', value: 'FILE', key: 'data', shown: "names (data/names.txt, the lectures' 32,033 names)", none: 'the embedded names', help: 'one item per line' },
    steps: { ...STEPS, default: 200_000, help: 'optimizer steps (SGD; AdamW for rnn, gru and transformer)' },
    'batch-size': { ...BATCH_SIZE, min: 0, max: 1e7, shown: "model's (32)", help: 'examples per step (0: the whole training split)' },
    lr: { ...LR, shown: "model's (0.1)", help: 'learning rate before the decay' },
    'decay-at': { type: 'int', key: 'train.decayAt', shown: 'steps/2 (WaveNet 3/4)', help: 'step at which the learning rate drops' },
    'decay-factor': { type: 'float', key: 'train.decayFactor', shown: '0.1 (1: constant rate for bigram-nn, rnn, gru, transformer)', help: 'what the learning rate is multiplied by at --decay-at' },
    'block-size': { ...BLOCK_SIZE, max: 1e5, shown: "model's (rnn, gru, transformer: the longest item + 1)" },
    'n-embd': { type: 'int', min: 1, key: 'model.nEmbd', shown: "model's", help: 'character embedding size (the transformer\'s width)' },
    'n-hidden': { type: 'int', min: 1, key: 'model.nHidden', shown: "model's", help: 'hidden layer width (the recurrent state\'s size)' },
    'init-fixes': { type: 'flag', key: 'model.initFixes', help: 'the lecture\'s initialisation fixes: small output logits, Kaiming-scaled tanh layer' },
    seed: { ...TRAIN_SEED, default: 2147483647, help: 'random seed (the lectures\')' },
    'checkpoint-every': { type: 'int', min: 1, shown: 'max(1000, steps/10)', help: 'steps between checkpoints' },
    samples: { type: 'int', max: 10_000, default: 10, help: 'names sampled after training' },
    strict: STRICT,
    ...RUN.options,
  },
});

export const MAKEMORE_SAMPLE = defineCommand({
  name: 'makemore sample',
  summary: 'sample new items (names) from a makemore checkpoint',
  options: {
    device: DEVICE,
    checkpoint: { type: 'path', value: 'PATH', help: 'run folder or step folder of a makemore checkpoint, or a .safetensors file saved by the playground (required)' },
    num: { type: 'int', min: 1, max: 100_000, default: 10, help: 'how many items' },
    prefix: { type: 'string', value: 'TEXT', default: '', shown: 'none', help: 'each item starts with this text' },
    seed: { ...SEED, default: 1 },
  },
});

export const MAKEMORE_EVAL = defineCommand({
  name: 'makemore eval',
  summary: 'train, val and test loss of a makemore checkpoint',
  options: {
    device: DEVICE,
    checkpoint: { type: 'path', value: 'PATH', help: 'run folder or step folder of a makemore checkpoint, or a .safetensors file saved by the playground (required)' },
    data: { type: 'path', value: 'FILE', shown: 'the data it was trained on', help: 'items to split 80/10/10 as in training (another file warns: its splits are not the training run\'s)' },
  },
});

/** What the lectures train on, and so what a new run reads without --data. */
export const DEFAULT_NAMES = (): string => corpusPath('names.txt');

/** The items of `file`; without one (a run an older zerograd trained on the embedded names) the embedded names. */
function loadItems(file: string | undefined, strict = false, io: CliIO = consoleIO): { items: string[]; source: string } {
  if (!file) return { items: defaultNames(), source: 'embedded names (@stdlib first names)' };
  const items = readLines(file, { minLines: 3 });
  checkTextEncoding(items.join('\n'), file, strict, io);
  return { items, source: file };
}

export function makemoreTrain(argv: string[], io: CliIO = consoleIO): { val: number; samples: string[] } {
  const o = parseOptions(MAKEMORE_TRAIN, argv);
  if (!o.resume) o.data ??= DEFAULT_NAMES();
  const kind = o.model;
  const out = o.out ?? RUN.folder(kind);
  const opened = openRun(MAKEMORE_TRAIN.name, out, o, 'makemore');
  try {
    const result = trainOrResume(o, kind, out, opened.resume, opened.keep, io);
    logNextSteps(io, out, 'makemore sample --checkpoint');
    return result;
  } finally {
    opened.release();
  }
}

/** Builds the model the flags describe (or counts the bigrams), or takes the checkpoint's settings and state on --resume, and trains it into `out`. */
function trainOrResume(o: ParsedOptions<typeof MAKEMORE_TRAIN.options>, kind: (typeof KINDS)[number], out: string,
  resume: Checkpoint | undefined, keep: number, io: CliIO): { val: number; samples: string[] } {
  const command = MAKEMORE_TRAIN.name;
  const savedData = resume ? (resume.config.data as string | null | undefined) ?? undefined : undefined;
  const fingerprint = checkedDataFile(command, out, resume ? savedData : o.data, resume, o.strict ?? false, io);
  const { items, source } = loadItems(resume ? savedData : o.data, o.strict ?? false, io);
  const numSamples = o.samples;
  io.log(`data: ${items.length} items from ${source}`);
  const dataConfig = { data: resume ? savedData ?? null : o.data ? resolve(o.data) : null, dataFile: fingerprint };
  if (kind === 'bigram') return trainBigramCounts(items, dataConfig, out, o.seed, numSamples, keep, io.log);

  const defaults = MAKEMORE_DEFAULTS[kind];
  const flags = settingsFrom(MAKEMORE_TRAIN.options, o, 'train') as Partial<MakemoreTrainConfig>;
  const shapeFlags = settingsFrom(MAKEMORE_TRAIN.options, o, 'model') as Partial<MakemoreModelConfig>;
  let train: MakemoreTrainConfig;
  let modelConfig: MakemoreModelConfig;
  if (resume) {
    const saved = resume.config.train as MakemoreTrainConfig;
    modelConfig = resume.config.model as MakemoreModelConfig;
    checkResume(MAKEMORE_TRAIN, out, o, resume.config);
    train = { ...saved, steps: resumedSteps(command, out, saved.steps, resume.trainer.step, o.extend) };
  } else {
    const steps = o.steps;
    train = {
      steps,
      batchSize: flags.batchSize ?? defaults.batchSize,
      lr: flags.lr ?? defaults.lr,
      decayAt: flags.decayAt ?? Math.round(steps * defaults.decayFraction),
      // A model that trains at a constant rate (decayFraction 1) keeps it when --extend takes it past its first run's end.
      decayFactor: flags.decayFactor ?? (defaults.decayFraction < 1 ? 0.1 : 1),
      seed: o.seed,
    };
    const longest = Math.max(...items.map((s) => s.length));
    const blockSize = shapeFlags.blockSize ?? defaultBlockSize(kind, items);
    if (blockSize > longest + 1) {
      throw new UsageError(`--block-size ${blockSize} is larger than the longest item (${longest} characters) plus its end marker; contexts would be all padding`);
    }
    modelConfig = {
      kind, vocab: [...CharTokenizer.forItems(items).itos], blockSize,
      nEmbd: shapeFlags.nEmbd ?? defaults.nEmbd, nHidden: shapeFlags.nHidden ?? defaults.nHidden, initFixes: o['init-fixes'] ?? defaults.initFixes,
    };
  }
  const limit = memoryLimit(o['max-memory']);
  checkMemory(`${command}: ${kind} n_embd ${modelConfig.nEmbd}, n_hidden ${modelConfig.nHidden}, block ${modelConfig.blockSize}`,
    makemoreTrainingMemory(modelConfig, train.batchSize || items.length * 8), limit.bytes, limit.name);
  const data = prepareMakemoreData(items, modelConfig.blockSize, 42, modelConfig.vocab);
  const run = startMakemoreRun(modelConfig, train, resume);
  io.log(`model: ${kind}, ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step} of ${train.steps}` : ''}`);
  const checkpointEvery = o['checkpoint-every'] ?? Math.max(1000, Math.ceil(train.steps / 10));
  const bar = new ProgressBar(train.steps, 'train', run.optimizer.stepCount, io.progress);
  const tokensPerStep = train.batchSize > 0 ? train.batchSize : data.train.X.shape[0];
  // Guarded: Ctrl-C or SIGTERM saves through this too (models/runGuard.ts).
  const save = guardedSave(() => {
    const dir = saveCheckpoint(out, makemoreCheckpoint(run, train, dataConfig), { keep });
    writeLossCurve(out, run.losses);
    return dir;
  });
  const { final, checkpoint, samples } = trainMakemore(run, data, train, {
    save, checkpointEvery, evaluate: true, samples: numSamples, onStep: ({ step, loss }) => bar.update(step, loss, tokensPerStep),
  });
  const losses = final!;
  io.log(`train loss ${losses.train.toFixed(4)} | val loss ${losses.val.toFixed(4)}`);
  const uniform = Math.log(modelConfig.vocab.length);
  if (losses.val > uniform) {
    io.log(`note: val loss ${losses.val.toFixed(4)} is worse than guessing uniformly (ln ${modelConfig.vocab.length} = ${uniform.toFixed(4)})`
      + `${modelConfig.initFixes ? '' : ': the initial logits are too confident, as the lecture shows; train with --init-fixes'}`);
  }
  io.log(`checkpoint: ${checkpoint} (loss curve: ${join(out, 'loss.svg')})`);
  samples.forEach((s) => io.log(s));
  return { val: losses.val, samples };
}

/**
 * Training memory of a makemore model, bounded from above: embedding, context layer, up to five hidden layers,
 * output; the recurrent models keep every step's gate activations, the transformer makemore.py's four blocks.
 */
function makemoreTrainingMemory(c: MakemoreModelConfig, batchSize: number): MemoryEstimate {
  const V = c.vocab.length;
  if (c.kind === 'rnn' || c.kind === 'gru' || c.kind === 'transformer') {
    const width = c.nEmbd + c.nHidden;
    const blocks = c.kind === 'transformer' ? 4 * 12 * c.nEmbd * c.nEmbd : 3 * width * c.nHidden;
    return {
      parameters: V * c.nEmbd + blocks + c.blockSize * c.nEmbd + (c.nHidden || c.nEmbd) * V,
      activations: batchSize * c.blockSize * (c.kind === 'transformer' ? 4 * (16 * c.nEmbd + 4 * c.blockSize) + V : 6 * width + 3 * V),
      largestWeight: Math.max(blocks / 4, V * c.nEmbd),
    };
  }
  const context = c.blockSize * c.nEmbd * c.nHidden;
  return {
    parameters: V * V + V * c.nEmbd + context + 5 * c.nHidden * c.nHidden + c.nHidden * V,
    activations: batchSize * (c.blockSize * c.nEmbd + 12 * c.nHidden + 3 * V),
    largestWeight: Math.max(context, c.nHidden * c.nHidden, V * V),
  };
}

function trainBigramCounts(items: string[], dataConfig: Record<string, unknown>, out: string, seed: number, numSamples: number, keep: number,
  log: (line: string) => void) {
  const tokenizer = CharTokenizer.forItems(items);
  const splits = splitItems(items, { seed: 42 });
  const model = BigramCounts.fromItems(tokenizer, items);
  const held = BigramCounts.fromItems(tokenizer, splits.train);
  log(`bigram counts: NLL over all items ${model.nll(items).toFixed(4)} | fitted on train: val ${held.nll(splits.val).toFixed(4)}`);
  const dir = saveCheckpoint(out, {
    config: { recipe: 'makemore', ...dataConfig, model: { kind: 'bigram', vocab: [...tokenizer.itos], smoothing: model.smoothing } },
    model: new Map([['counts', model.counts]]),
    optimizer: new Map(),
    trainer: { step: 0, rng: [], losses: [] },
  }, { keep });
  log(`checkpoint: ${dir}`);
  const generator = new Generator(seed);
  const samples = Array.from({ length: numSamples }, () => model.sample(generator));
  samples.forEach((s) => log(s));
  return { val: held.nll(splits.val), samples };
}

function writeLossCurve(out: string, losses: number[]): void {
  makeDirectory(out);
  const window = losses.length >= 10_000 ? 1000 : Math.max(1, Math.floor(losses.length / 100));
  const points = windowMeans(losses, window).map(([x, y]) => [x, Math.log10(y)] as const);
  writeFileAtomic(join(out, 'loss.svg'), lineChart([{ name: `mean of ${window}`, points }], {
    title: 'training loss', xLabel: 'step', yLabel: 'log10 loss',
  }));
}

export function makemoreSample(argv: string[], io: CliIO = consoleIO): string[] {
  const o = parseOptions(MAKEMORE_SAMPLE, argv);
  if (!o.checkpoint) throw new UsageError('makemore sample: --checkpoint DIR is required');
  const checkpoint = loadRecipeCheckpoint(o.checkpoint, 'makemore', MAKEMORE_SAMPLE.name);
  const config = checkpoint.config.model as MakemoreModelConfig | { kind: 'bigram'; vocab: string[]; smoothing: number };
  const tokenizer = new CharTokenizer(config.vocab);
  const { prefix } = o;
  const problem = tokenizer.unknownCharacter(prefix);
  if (problem) throw new UsageError(`makemore sample: --prefix: ${problem}`);
  const prefixIds = tokenizer.encode(prefix);
  const generator = new Generator(o.seed);
  const { num } = o;
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

/**
 * The val and test losses mean something only on the data the model was trained on, split as in training: other
 * data, or the same file changed since, is a warning naming it.
 */
function checkEvalData(file: string | undefined, trainedOn: string | null, saved: DataFingerprint | undefined, checkpoint: string, io: CliIO): void {
  const given = file === undefined ? null : resolve(file);
  if (given !== trainedOn) {
    warnOn(io)(`makemore eval: ${given ?? 'the embedded names'} is not the data the model in ${checkpoint} was trained on (${trainedOn ?? 'the embedded names'}); `
      + 'its train/val/test splits are not the training run\'s');
    return;
  }
  const change = saved && dataChange(saved, fingerprintData(file));
  if (change) warnOn(io)(`makemore eval: ${saved.path} changed since the model in ${checkpoint} was trained on it (${change}); its splits are not the training run's`);
}

export function makemoreEval(argv: string[], io: CliIO = consoleIO): Record<string, number> {
  const o = parseOptions(MAKEMORE_EVAL, argv);
  if (!o.checkpoint) throw new UsageError('makemore eval: --checkpoint DIR is required');
  const checkpoint = loadRecipeCheckpoint(o.checkpoint, 'makemore', MAKEMORE_EVAL.name);
  const config = checkpoint.config.model as MakemoreModelConfig;
  if ((config.kind as string) === 'bigram') throw new UsageError('makemore eval: use `makemore train --model bigram` for the counting model');
  const trainedOn = (checkpoint.config.data as string | null | undefined) ?? null;
  const file = o.data ?? trainedOn ?? undefined;
  checkEvalData(file, trainedOn, savedFingerprint(checkpoint.config), o.checkpoint, io);
  const { items } = loadItems(file);
  const data = prepareMakemoreData(items, config.blockSize, 42, config.vocab);
  const model = buildMakemoreModel(config, new Generator(0));
  model.loadStateDict(checkpoint.model);
  const result = { train: splitLoss(model, data.train), val: splitLoss(model, data.val), test: splitLoss(model, data.test) };
  io.log(`train ${result.train.toFixed(4)} | val ${result.val.toFixed(4)} | test ${result.test.toFixed(4)}`);
  return result;
}

