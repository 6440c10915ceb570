import { makeDirectory, writeFileAtomic } from '../io/atomicWrite.js';
import { join, resolve } from 'node:path';
import { CharTokenizer } from '../data/charTokenizer.js';
import { defaultNames } from '../data/defaultNames.js';
import { readTextFile } from '../data/lines.js';
import { shuffled } from '../data/split.js';
import { type TokenSplits, splitTokens } from '../data/textDataset.js';
import { type Checkpoint, loadRecipeCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { generate } from '../models/gpt/generate.js';
import { GPT, type GPTConfig, gptParameterCount, gptTrainingMemory, lectureGPTConfig } from '../models/gpt/gpt.js';
import { GPT_PRESETS, type GPTTrainConfig, type LMRun, type TrainableLM, gptCheckpoint, gptCheckpointAsync, gptTrainConfig, startGPTRun } from '../models/gpt/recipe.js';
import { type LMTrainHooks, newlineId, sampleLM, trainGPT, trainGPTAsync } from '../models/gpt/train.js';
// Until the training drivers run async themselves: then this import is train.js's.
import { checkMemory } from '../models/memory.js';
import { guardedSave } from '../models/runGuard.js';
import { applyLoRA } from '../nn/lora.js';
import { tensor } from '../tensor/creation.js';
import { Generator } from '../core/random.js';
import { lineChart } from '../viz/lineChart.js';
import { type CliIO, type CommandSpec, type ParsedOptions, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';
import { BATCH_SIZE, BLOCK_SIZE, DEVICE, DROPOUT, EVAL_EVERY, LR, SEED, STEPS, STRICT, TRAIN_SEED } from './commonOptions.js';
import { settingsFrom } from './options.js';
import { checkTextEncoding } from './textCheck.js';
import { checkedDataFile } from './dataCheck.js';
import { ProgressBar } from './progress.js';
import { onCPU } from './device.js';
import { checkResume, logNextSteps, memoryLimit, resumedSteps, runFolder, withRun } from './run.js';

const PRESETS = Object.keys(GPT_PRESETS);
/** The most tokens one `gpt sample` writes: enough for any page of text, few enough to finish. */
export const MAX_NEW_TOKENS = 100_000;
const RUN = runFolder('gpt', { option: 'config', fallback: 'tiny' });

export const GPT_TRAIN = defineCommand({
  name: 'gpt train',
  summary: 'train a character-level GPT on a text file (default: the embedded names), with checkpoints and exact --resume',
  options: {
    data: { type: 'path', value: 'FILE', key: 'data', shown: 'embedded names', none: 'the embedded names', help: 'UTF-8 text to train on (last 10% held out for validation)' },
    config: { type: 'choice', choices: PRESETS, default: 'tiny', key: 'preset', help: 'model size preset (tiny: the lecture\'s n_embd 32, 4 heads, 3 blocks, block 8)' },
    steps: { ...STEPS, shown: "preset's (5000)" },
    'batch-size': { ...BATCH_SIZE, shown: "preset's", help: 'sequences per step' },
    'block-size': { ...BLOCK_SIZE, shown: "preset's" },
    lr: { ...LR, shown: "preset's", help: 'peak learning rate (AdamW)' },
    schedule: { type: 'choice', choices: ['cosine', 'constant'], default: 'cosine', key: 'train.schedule', help: 'learning-rate schedule: nanoGPT\'s warmup + cosine to lr/10, or constant' },
    dropout: { ...DROPOUT, shown: "preset's" },
    'eval-every': EVAL_EVERY,
    'eval-iters': { type: 'int', min: 1, max: 1e6, default: 50, key: 'train.evalIters', help: 'batches per loss estimate' },
    seed: TRAIN_SEED,
    'checkpoint-every': { type: 'int', min: 1, shown: 'eval-every', help: 'steps between checkpoints' },
    'sample-tokens': { type: 'int', max: MAX_NEW_TOKENS, default: 300, help: 'characters sampled after training' },
    'tie-weights': { type: 'flag', key: 'model.tieWeights', help: "share the token embedding with the output layer (GPT-2's and nanoGPT's layout; needed for gpt export)" },
    strict: STRICT,
    device: DEVICE,
    ...RUN.options,
  },
});

export const GPT_SAMPLE = defineCommand({
  name: 'gpt sample',
  summary: 'generate text from a GPT checkpoint, streaming each character as it is sampled',
  options: {
    checkpoint: { type: 'path', value: 'PATH', help: 'run folder or step folder of a GPT checkpoint, or a .safetensors file saved by the playground (required)' },
    prompt: { type: 'string', value: 'TEXT', shown: 'a newline', help: 'text to continue (its characters must be in the vocabulary)' },
    'max-new-tokens': { type: 'int', min: 1, max: MAX_NEW_TOKENS, default: 500, help: `characters to generate (at most ${MAX_NEW_TOKENS})` },
    temperature: { type: 'float', default: 1, help: 'below 1 sharpens, above 1 flattens the distribution' },
    'top-k': { type: 'int', min: 1, shown: 'all', help: 'sample among the k most likely characters only' },
    seed: { ...SEED, default: 1 },
    device: { ...DEVICE, help: 'accepted as every command takes it; sampling runs on the CPU (it reads each token back before the next, where a GPU gains nothing at these sizes)' },
  },
});

export function loadText(file: string | undefined, strict: boolean, io: CliIO): { text: string; source: string } {
  if (!file) {
    // The name lists are alphabetical; shuffled, the last 10% (validation) is not just names from S to Z.
    return { text: `${shuffled(defaultNames()).join('\n')}\n`, source: 'embedded names (@stdlib first names), shuffled, one per line' };
  }
  const text = readTextFile(file);
  if (text.length === 0) throw new Error(`${file}: the file is empty`);
  checkTextEncoding(text, file, strict, io);
  return { text, source: file };
}

export function gptTrain(argv: string[], io: CliIO = consoleIO): { val: number; sample: string } {
  const o = parseOptions(GPT_TRAIN, argv);
  const out = o.out ?? RUN.folder(o.config);
  const result = withRun(GPT_TRAIN.name, out, o, 'gpt', (resume, keep) => trainLanguageModel(prepareRun(o, out, resume, keep, io)));
  logNextSteps(io, out, 'gpt sample --checkpoint');
  return result;
}

/** gptTrain on a GPU (the backend set by --device): the same run, with each read-back awaited. */
export async function gptTrainAsync(argv: string[], io: CliIO = consoleIO): Promise<{ val: number; sample: string }> {
  const o = parseOptions(GPT_TRAIN, argv);
  const out = o.out ?? RUN.folder(o.config);
  const result = await withRun(GPT_TRAIN.name, out, o, 'gpt', (resume, keep) => trainLanguageModelAsync(prepareRun(o, out, resume, keep, io), gptFromConfig));
  logNextSteps(io, out, 'gpt sample --checkpoint');
  return result;
}

type TrainOptions = ParsedOptions<typeof GPT_TRAIN.options>;

/** Builds the run the flags describe, or takes the checkpoint's settings and state on --resume, to train into `out`. */
function prepareRun(o: TrainOptions, out: string, resume: Checkpoint | undefined, keep: number, io: CliIO): LMTrainArgs {
  const presetName = o.config;
  const command = GPT_TRAIN.name;
  const preset = GPT_PRESETS[presetName];
  const { flags, blockSize, dropout } = lmTrainFlags(GPT_TRAIN, o);

  let train: GPTTrainConfig;
  let config: GPTConfig | undefined;
  let dataFile = o.data;
  if (resume) {
    const saved = resume.config.train as GPTTrainConfig | undefined;
    if (!saved || saved.schedule === undefined) throw new UsageError(`${command}: ${out} was written by an older zerograd without its training settings; it cannot be resumed exactly`);
    config = resume.config.model as GPTConfig;
    const savedData = (resume.config.data as string | null | undefined) ?? undefined;
    checkResume(GPT_TRAIN, out, o, resume.config);
    train = { ...saved, steps: resumedSteps(command, out, saved.steps, resume.trainer.step, o.extend) };
    dataFile = savedData;
  } else {
    train = gptTrainConfig(preset, flags);
  }
  const fingerprint = checkedDataFile(command, out, dataFile, resume, o.strict ?? false, io);
  const { text, source, tokenizer, splits } = lmText(dataFile, resume, o.strict ?? false, io);
  config ??= {
    ...lectureGPTConfig({
      vocabSize: tokenizer.vocabSize, blockSize: blockSize ?? preset.blockSize,
      nEmbd: preset.nEmbd, nHead: preset.nHead, nLayer: preset.nLayer, dropout: dropout ?? preset.dropout,
    }),
    tieWeights: o['tie-weights'] ?? false,
  };
  checkValidationSplit(splits, config.blockSize, source);
  const limit = memoryLimit(o['max-memory']);
  checkMemory(`${command}: GPT n_embd ${config.nEmbd}, ${config.nLayer} layers, block ${config.blockSize}, batch ${train.batchSize}`,
    gptTrainingMemory(config, train.batchSize), limit.bytes, limit.name);
  io.log(`data: ${text.length} characters, vocabulary ${tokenizer.vocabSize}, from ${source}`);
  const run = startGPTRun(config, train, resume);
  io.log(`model: GPT ${presetName} (n_embd ${config.nEmbd}, ${config.nHead} heads, ${config.nLayer} layers, block ${config.blockSize}), ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step} of ${train.steps}` : ''}`);
  const extra = { preset: resume ? resume.config.preset : presetName, data: dataFile === undefined ? null : resolve(dataFile), dataFile: fingerprint };
  return { o, out, keep, io, run, splits, tokenizer, train, extra, recipe: 'gpt' };
}

/** A language model's text (the embedded names without a file), its character vocabulary (the checkpoint's on resume) and its 90/10 split. */
export function lmText(dataFile: string | undefined, resume: Checkpoint | undefined, strict: boolean, io: CliIO) {
  const { text, source } = loadText(dataFile, strict, io);
  const tokenizer = resume ? new CharTokenizer(resume.config.vocab as string[]) : CharTokenizer.forText(text);
  return { text, source, tokenizer, splits: splitTokens(tokenizer.encode(text)) };
}

/** The held-out tenth must hold one window and its targets, or no evaluation can be drawn from it. */
export function checkValidationSplit(splits: TokenSplits, blockSize: number, source: string): void {
  if (splits.val.length <= blockSize) {
    throw new UsageError(`${source}: the validation split (last 10%) has ${splits.val.length} tokens, fewer than block size ${blockSize} + 1; use a smaller --block-size or more text`);
  }
}

/**
 * The training settings and the model's block size and dropout that a language-model command's options give, by
 * their keys: a defaulted option's declared default where it is not given; undefined where an option without a
 * declared default is absent (then the preset's value, or on --resume the checkpoint's).
 */
export function lmTrainFlags(spec: CommandSpec, o: Record<string, unknown>) {
  const model = settingsFrom(spec.options, o, 'model') as Partial<GPTConfig>;
  return { flags: settingsFrom(spec.options, o, 'train') as Partial<GPTTrainConfig>, blockSize: model.blockSize, dropout: model.dropout };
}

/** A character language model's run, ready to train into `out`, and what its command line asked. */
export interface LMTrainArgs {
  o: { 'checkpoint-every'?: number; 'sample-tokens': number }; out: string; keep: number; io: CliIO; run: LMRun; splits: TokenSplits;
  tokenizer: CharTokenizer; train: GPTTrainConfig; extra: Record<string, unknown>; recipe: string;
}

/** The command line's side of trainGPT, which every character language-model command shares: checkpoints into `out`, progress, log lines. */
export function trainLanguageModel({ o, out, keep, io, run, splits, tokenizer, train, extra, recipe }: LMTrainArgs): { val: number; sample: string } {
  const checkpointEvery = o['checkpoint-every'] ?? train.evalEvery;
  const sampleTokens = o['sample-tokens'];
  // Guarded: Ctrl-C or SIGTERM saves through this too (models/runGuard.ts).
  const save = guardedSave(() => writeLMCheckpoint(out, gptCheckpoint(run, tokenizer, train, extra, recipe), keep));
  const { val, checkpoint, sample } = trainGPT(run, splits, train, {
    save, checkpointEvery, sample: { tokenizer, tokens: sampleTokens }, ...lmProgress(io, run, train),
  });
  io.log(`checkpoint: ${checkpoint} (loss curve: ${join(out, 'loss.svg')})`);
  io.log(sample);
  return { val, sample };
}

/**
 * trainLanguageModel on a GPU: the same driver under runAsync, each checkpoint read back before it is written, and
 * the closing sample drawn on the CPU from the last checkpoint's weights (`build` makes the model of its config
 * there), since sampling reads every token back before choosing the next.
 */
export async function trainLanguageModelAsync({ o, out, keep, io, run, splits, tokenizer, train, extra, recipe }: LMTrainArgs,
  build: (config: Record<string, unknown>) => TrainableLM): Promise<{ val: number; sample: string }> {
  let last: Checkpoint | undefined;
  // Guarded: Ctrl-C, SIGTERM and the timed saves read the run back through this too (models/runGuard.ts).
  const save = guardedSave(async () => {
    last = await gptCheckpointAsync(run, tokenizer, train, extra, recipe);
    return writeLMCheckpoint(out, last, keep);
  });
  const { val, checkpoint } = await trainGPTAsync(run, splits, train, {
    save, checkpointEvery: o['checkpoint-every'] ?? train.evalEvery, ...lmProgress(io, run, train),
  });
  const text = onCPU(() => {
    const model = build(last!.config);
    model.loadStateDict(last!.model);
    return sampleLM(model, tokenizer, o['sample-tokens'], new Generator(train.seed + 2));
  });
  io.log(`checkpoint: ${checkpoint} (loss curve: ${join(out, 'loss.svg')})`);
  io.log(text);
  return { val, sample: text };
}

/** The progress bar and the evaluation lines of a language model's run, on either device. */
function lmProgress(io: CliIO, run: LMRun, train: GPTTrainConfig): Pick<LMTrainHooks, 'onStep' | 'onEval'> {
  const bar = new ProgressBar(train.steps, 'train', run.optimizer.stepCount, io.progress);
  return {
    onStep: ({ step, loss }) => bar.update(step, loss, train.batchSize * run.model.config.blockSize),
    onEval: (step, losses) => io.log(`step ${step}: train loss ${losses.train.toFixed(4)}, val loss ${losses.val.toFixed(4)}`),
  };
}

/** Writes a language model's checkpoint into `out`, and its loss curve from the evaluations it holds. */
function writeLMCheckpoint(out: string, checkpoint: Checkpoint, keep: number): string {
  const dir = saveCheckpoint(out, checkpoint, { keep });
  writeCurves(out, checkpoint.config.evals as [number, number, number][]);
  return dir;
}

function writeCurves(out: string, evals: [number, number, number][]): void {
  makeDirectory(out);
  writeFileAtomic(join(out, 'loss.svg'), lineChart([
    { name: 'train', points: evals.map(([s, t]) => [s, t] as const) },
    { name: 'val', points: evals.map(([s, , v]) => [s, v] as const) },
  ], { title: 'GPT loss', xLabel: 'step', yLabel: 'loss (nats)' }));
}

/**
 * The ids generation starts from: the prompt's, or with no prompt one newline (what a text starts after),
 * or the vocabulary's first character when the text had no newline.
 */
export function promptIds(tokenizer: CharTokenizer, prompt: string): number[] {
  const problem = tokenizer.unknownCharacter(prompt);
  if (problem) throw new UsageError(`--prompt: ${problem}`);
  if (prompt !== '') return tokenizer.encode(prompt);
  return [newlineId(tokenizer)];
}

/** Streams the sample character by character where `io` can write (stdout), else logs it whole; returns it. */
export function gptSample(argv: string[], io: CliIO = consoleIO): string {
  return sampleCheckpoint(GPT_SAMPLE, argv, 'gpt', gptFromConfig, io);
}

/** The GPT a checkpoint's config describes, with the LoRA layers of a `gpt finetune --lora` run; its Dropout layers draw from `generator`. */
export function gptFromConfig(config: Record<string, unknown>, generator = new Generator(0)): GPT {
  const model = new GPT(config.model as GPTConfig, generator);
  const lora = config.lora as { rank: number; alpha: number; targets: string[] } | null | undefined;
  if (lora) applyLoRA(model, lora);
  return model;
}

/**
 * A checkpoint whose config.json describes a model far larger than the weights stored beside it (an edited or
 * crafted file) is refused before the model is built: a 200 KB checkpoint must not allocate gigabytes.
 */
export function checkConfigAgainstWeights(path: string, checkpoint: Checkpoint, parameters: number): void {
  let stored = 0;
  for (const tensor of checkpoint.model.values()) stored += tensor.size;
  // Generous: a tied head or a LoRA base may be stored once or twice; a mismatch that matters is orders of magnitude.
  if (!(parameters <= 2 * stored + 1_000_000)) {
    throw new Error(`${path}: config.json describes a model of ${parameters.toExponential(2)} parameters, but model.safetensors holds ${stored} values; the checkpoint is inconsistent`);
  }
}

/** The parameter count a GPT checkpoint's config implies. */
export const gptConfigParameters = (config: Record<string, unknown>) => gptParameterCount(config.model as GPTConfig);

/**
 * A trained character model from a checkpoint of `recipe`: what `build` makes of its config (whose size,
 * `parameters`, is checked against the stored weights first), with its weights and its tokenizer.
 */
export function loadCharModel<M extends TrainableLM>(path: string, recipe: string, command: string, build: (config: Record<string, unknown>) => M,
  parameters: (config: Record<string, unknown>) => number = gptConfigParameters): { model: M; tokenizer: CharTokenizer; checkpoint: Checkpoint } {
  const checkpoint = loadRecipeCheckpoint(path, recipe, command);
  checkConfigAgainstWeights(path, checkpoint, parameters(checkpoint.config));
  const model = build(checkpoint.config);
  model.loadStateDict(checkpoint.model);
  return { model, tokenizer: new CharTokenizer(checkpoint.config.vocab as string[]), checkpoint };
}

/** `gpt sample` for any recipe whose checkpoint holds a character language model that `build` makes from its config. */
export function sampleCheckpoint(command: typeof GPT_SAMPLE, argv: string[], recipe: string, build: (config: Record<string, unknown>) => TrainableLM,
  io: CliIO = consoleIO, parameters = gptConfigParameters): string {
  const o = parseOptions(command, argv);
  if (!o.checkpoint) throw new UsageError(`${command.name}: --checkpoint DIR is required`);
  const { 'max-new-tokens': maxNew, temperature, 'top-k': topK } = o;
  const { model, tokenizer } = loadCharModel(o.checkpoint, recipe, command.name, build, parameters);
  const ids = promptIds(tokenizer, o.prompt ?? '');
  const { write } = io;
  write?.(tokenizer.decode(ids));
  const out = generate(model, tensor(Int32Array.from(ids), { shape: [1, ids.length] }), maxNew, {
    temperature, topK, generator: new Generator(o.seed), onToken: write && ((id) => write(tokenizer.decode([id]))),
  });
  const text = tokenizer.decode(out.toFlatArray());
  if (write) write('\n');
  else io.log(text);
  return text;
}
