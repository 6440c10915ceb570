import { CharTokenizer } from '../src/data/charTokenizer.js';
import type { LabelledText } from '../src/data/labelled.js';
import { splitItems } from '../src/data/split.js';
import { splitTokens } from '../src/data/textDataset.js';
import type { Checkpoint } from '../src/io/checkpoint.js';
import type { Module } from '../src/nn/module.js';
import type { Loop } from '../src/models/driver.js';
import { type StepInfo, type TrainStep, trainingSteps } from '../src/models/trainer.js';
import { classificationReport } from '../src/models/classify/metrics.js';
import { startSupervisedRun, supervisedCheckpoint, supervisedTrainStep } from '../src/models/classify/supervised.js';
import {
  type TextClassifierConfig, buildTextClassifier, classifierLoss, encodeTexts, labelIds, newTextClassifierConfig, predictLabels,
} from '../src/models/classify/textClassifier.js';
import { sampleItem } from '../src/models/makemore/charModel.js';
import {
  MAKEMORE_DEFAULTS, type MakemoreModelConfig, type MakemoreTrainConfig, defaultBlockSize, makemoreCheckpoint, prepareMakemoreData, startMakemoreRun,
} from '../src/models/makemore/recipe.js';
import { makemoreTrainStep } from '../src/models/makemore/train.js';
import { type GPTConfig, lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { attentionWeights } from '../src/models/gpt/inspect.js';
import { GPT_PRESETS, gptCheckpoint, gptTrainConfig, startGPTRun } from '../src/models/gpt/recipe.js';
import { gptTraining, lmTrainStep, sampleLM } from '../src/models/gpt/train.js';
import { tensor } from '../src/tensor/creation.js';
import { crossEntropy } from '../src/tensor/ops/softmax.js';
import { Generator } from '../src/core/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import type { LabelledPoint } from '../src/viz/scatter.js';
import type { ImageSet } from '../src/data/digitsCsv.js';
import { constantLr } from '../src/optim/schedule.js';
import { LeNet } from '../src/models/vision/cnn.js';
import { cnnFirstLayer, clsAttention } from '../src/models/vision/inspect.js';
import { DigitClassifier } from '../src/models/vision/mlp.js';
import {
  type VisionKind, type VisionModelConfig, imageBatch, predictImages, startVisionRun, stratifiedSplit, subset, visionCheckpoint, visionModelConfig,
} from '../src/models/vision/recipe.js';
import { VisionTransformer } from '../src/models/vision/vit.js';
import type { Inspection } from './protocol.js';
import { project2d } from '../src/viz/project2d.js';

/** A model opened from a safetensors file: the config from its metadata and its weights. */
export interface SavedModel {
  config: Record<string, unknown>;
  model: Map<string, Tensor>;
}

/** One trainable model in the page: the worker drives its steps and asks it for what to show. */
export interface Session {
  description: string;
  model: Module;
  /** What one step does (the schedule, a batch's loss, the clipping, the update), and the optimizer that counts the steps. */
  training: TrainStep;
  /** The training the worker runs to the planned step count: the recipe's own driver for GPT, the plain loop for the others. */
  drive(hooks: DriveHooks): Loop<unknown>;
  samples(): { title: string; lines: string[] };
  embedding(): { title: string; points: LabelledPoint[] };
  /** Only language models over characters have attention to show. */
  attention?(prompt: string, layer: number): { tokens: string[]; weights: number[][][]; layers: number };
  /** A language model's sequences per step and their length, which the progress line shows. */
  shape?: { batch: number; block: number };
  /** A context window of the model's own held-out text: the attention panel's default prompt. */
  examplePrompt?: string;
  /** Image models: the input's height and width, and what the model makes of one image (pixels row by row). */
  input?: [number, number];
  classify?(pixels: Float32Array): { probabilities: number[]; inspection: Inspection[] };
  checkpoint(): Checkpoint;
}

/** What the worker hands a session's training: the step count to reach, progress after each step (awaited), its stop button. */
export interface DriveHooks {
  steps: number;
  onStep: (info: StepInfo) => Promise<void>;
  stop: () => boolean;
}

/** The plain loop over `training`, from the optimizer's step count. */
const plainDrive = (training: TrainStep) => ({ steps, onStep, stop }: DriveHooks) =>
  trainingSteps({ ...training, startStep: training.optimizer.stepCount, steps, onStep, stop });

/** The rows of an embedding table, projected to 2-D and labelled with their tokens. */
function embeddingPoints(table: Tensor, labels: readonly string[], limit = labels.length): LabelledPoint[] {
  const [n, d] = table.shape;
  return project2d(table.toFlatArray(), n, d).slice(0, limit).map(([x, y], i) => ({ label: labels[i], x, y }));
}

const show = (c: string) => (c === '\n' ? '⏎' : c === ' ' ? '␣' : c);

export function makemoreSession(items: readonly string[], kind: 'mlp' | 'wavenet', steps: number, saved?: SavedModel): Session {
  const defaults = MAKEMORE_DEFAULTS[kind];
  const config: MakemoreModelConfig = saved ? (saved.config.model as MakemoreModelConfig) : {
    kind, vocab: [...CharTokenizer.forItems(items).itos], blockSize: defaultBlockSize(kind, items), nEmbd: defaults.nEmbd,
    nHidden: defaults.nHidden, initFixes: true,
  };
  const train: MakemoreTrainConfig = { steps, batchSize: 32, lr: defaults.lr, decayAt: Math.round(steps * defaults.decayFraction), decayFactor: 0.1, seed: 2147483647 };
  const data = prepareMakemoreData(items, config.blockSize, 42, config.vocab);
  const run = startMakemoreRun(config, train);
  if (saved) run.model.loadStateDict(saved.model);
  const sampler = new Generator(7);
  // The command line's step (makemore train), with the gradients clipped as for every model in the page.
  const training = { ...makemoreTrainStep(run, data, train), clipNorm: 1 };
  return {
    description: `names ${kind}: ${run.model.numParameters()} parameters, ${items.length} names`,
    model: run.model,
    training,
    drive: plainDrive(training),
    samples: () => ({ title: 'sampled names', lines: Array.from({ length: 12 }, () => sampleItem(run.model, data.tokenizer, config.blockSize, sampler)) }),
    embedding: () => ({ title: 'character embedding (2 principal components)', points: embeddingPoints(run.model.parameters()[0], config.vocab.map(show)) }),
    checkpoint: () => makemoreCheckpoint(run, train),
  };
}

export function gptSession(text: string, preset: 'tiny' | 'small' | 'seed', steps: number, saved?: SavedModel): Session {
  const p = GPT_PRESETS[preset];
  // The lecture's 10.8M model trains as in the lecture (its lr, dropout 0.2) with nanoGPT's tied head, so that
  // gpt export --format nanogpt takes the saved file; the small models get a faster rate and no dropout.
  const lecture = preset === 'seed';
  const tokenizer = saved ? new CharTokenizer(saved.config.vocab as string[]) : CharTokenizer.forText(text);
  const config: GPTConfig = saved ? (saved.config.model as GPTConfig) : {
    ...lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: p.blockSize, nEmbd: p.nEmbd, nHead: p.nHead, nLayer: p.nLayer, dropout: lecture ? p.dropout : 0 }),
    tieWeights: lecture,
  };
  // No evaluations (evalIters 0): the page shows samples, and on a GPU each would cost as much as a step.
  const train = gptTrainConfig({ ...p, schedule: 'cosine' }, { steps, lr: lecture ? p.lr : 3e-3, evalEvery: steps, evalIters: 0 });
  // An opened model keeps its vocabulary; characters of the default text outside it are dropped.
  const known = new Set(tokenizer.itos);
  const splits = splitTokens(tokenizer.encode([...text].filter((c) => known.has(c)).join('') || tokenizer.itos.join('').repeat(2 * p.blockSize)));
  const run = startGPTRun(config, train);
  if (saved) run.model.loadStateDict(saved.model);
  const sampler = new Generator(3);
  return {
    shape: { batch: train.batchSize, block: config.blockSize },
    description: `GPT ${lecture ? "10.8M (the lecture's)" : preset}: n_embd ${config.nEmbd}, ${config.nHead} heads, ${config.nLayer} layers, block ${config.blockSize}, ${run.model.numParameters()} parameters`,
    model: run.model,
    // The command line's step (gpt train): its cosine schedule over `steps`, its batches, its clipping.
    training: lmTrainStep(run, splits, train),
    // gpt train's driver: its schedule, batches, clipping and the closing evaluation.
    drive: ({ onStep, stop }) => gptTraining(run, splits, train, { onStep, stop }),
    samples: () => ({ title: 'sampled text', lines: sampleLM(run.model, tokenizer, 200, sampler).split('\n') }),
    embedding: () => ({ title: 'token embedding wte (2 principal components)', points: embeddingPoints(run.model.transformer.wte.weight, tokenizer.itos.map(show)) }),
    examplePrompt: examplePrompt(tokenizer.decode(splits.val.subarray(0, 4 * config.blockSize)), config.blockSize),
    attention: (prompt, layer) => {
      const ids = tokenizer.encode([...prompt].filter((c) => tokenizer.itos.includes(c)).join('').slice(-config.blockSize) || tokenizer.itos[0]);
      return { tokens: ids.map((id) => show(tokenizer.itos[id])), weights: attentionWeights(run.model, ids, layer), layers: config.nLayer };
    },
    checkpoint: () => gptCheckpoint(run, tokenizer, train),
  };
}

/**
 * The first whole non-empty line of `text` (a name, a line of verse), cut to `size` characters: a one-line input
 * cannot hold a newline, and a line is what the model read between them.
 */
export function examplePrompt(text: string, size: number): string {
  const lines = text.split('\n');
  const line = lines.slice(1).find((l) => l.trim() !== '') ?? lines[0];
  return line.slice(0, size);
}

export function sentimentSession(rows: readonly LabelledText[], source: string, steps: number, saved?: SavedModel): Session {
  const splits = splitItems(rows, { seed: 42 });
  const config: TextClassifierConfig = saved ? (saved.config.model as TextClassifierConfig)
    : newTextClassifierConfig({ kind: 'bag', maxLength: 256, nEmbd: 16, nHead: 1, nLayer: 0, dropout: 0 }, splits.train, rows, { maxSize: 20_000 });
  const train = { steps, batchSize: 32, lr: 3e-3, weightDecay: 0.01, warmupSteps: Math.min(100, Math.floor(steps / 10)), decaySteps: steps, evalEvery: steps, seed: 1337 };
  const encoded = encodeTexts(config, splits.train.map((r) => r.text));
  const targets = labelIds(splits.train, config.labels, source);
  const run = startSupervisedRun(buildTextClassifier(config, new Generator(train.seed)), train);
  if (saved) run.model.loadStateDict(saved.model);
  const held = splits.val.slice(0, 200);
  // The command line's step (classify train): warmup and cosine over `steps`, batches drawn with replacement, clipping.
  const training = supervisedTrainStep(run, train, encoded.length, (indices) => classifierLoss(run.model, encoded, targets, indices));
  return {
    description: `bag of embeddings (n_embd ${config.nEmbd}) on ${rows.length} texts from ${source}; labels ${config.labels.join(', ')}`,
    model: run.model,
    training,
    drive: plainDrive(training),
    samples: () => {
      run.model.eval();
      const predictions = predictLabels(run.model, config, encodeTexts(config, held.map((r) => r.text)));
      run.model.train();
      const accuracy = classificationReport(held.map((r) => r.label), predictions.map((p) => p.label), config.labels).accuracy;
      return {
        title: `held-out predictions (accuracy ${(100 * accuracy).toFixed(1)}% on ${held.length})`,
        lines: held.slice(0, 10).map((r, i) => `${predictions[i].label} ${predictions[i].probability.toFixed(2)} (true ${r.label}): ${r.text.replace(/\s+/g, ' ').slice(0, 70)}`),
      };
    },
    embedding: () => ({ title: 'word embeddings of the 60 most frequent words', points: embeddingPoints(run.model.parameters()[0], config.vocab, 64).slice(4) }),
    checkpoint: () => supervisedCheckpoint(run, { recipe: 'classify', model: config, train, data: source }),
  };
}

/** An image classifier on the 8x8 digits, trained on random minibatches; drawings are classified live. */
export function visionSession(digits: ImageSet, kind: VisionKind, saved?: SavedModel): Session {
  const config: VisionModelConfig = saved ? (saved.config.model as VisionModelConfig) : visionModelConfig(kind, digits.height, digits.width);
  if (config.height !== digits.height || config.width !== digits.width) {
    throw new Error(`the playground trains and shows 8x8 digits; this model reads ${config.height}x${config.width} images`);
  }
  const [trainRows, valRows] = stratifiedSplit(digits.labels, [0.8, 0.1, 0.1]);
  const train = subset(digits, trainRows);
  const val = subset(digits, valRows);
  const settings = { epochs: 1, batchSize: 64, lr: 1e-3, seed: 1337 };
  const run = startVisionRun(config, settings);
  if (saved) run.model.loadStateDict(saved.model);
  const evaluate = () => predictImages(run.model, val);
  const training: TrainStep = {
    optimizer: run.optimizer,
    schedule: constantLr(settings.lr),
    clipNorm: 1,
    batchLoss: () => {
      const { x, y } = imageBatch(train, Array.from({ length: settings.batchSize }, () => run.generator.randint(0, train.count)));
      return crossEntropy(run.model.forward(x), y);
    },
  };
  return {
    description: `${config.kind} on ${digits.count} digits of 8x8 (split ${train.count}/${val.count}/${digits.count - train.count - val.count}), ${run.model.numParameters()} parameters`,
    model: run.model,
    training,
    drive: plainDrive(training),
    input: [config.height, config.width],
    samples: () => {
      const { classes, probabilities } = evaluate();
      const correct = classes.filter((c, i) => c === val.labels[i]).length;
      return {
        title: `validation: ${correct} of ${val.count} correct (${(100 * correct / val.count).toFixed(1)}%)`,
        lines: Array.from({ length: 12 }, (_, i) => `image ${i}: predicted ${classes[i]} (${(100 * probabilities[i][classes[i]]).toFixed(0)}%), true ${val.labels[i]}`),
      };
    },
    embedding: () => {
      const { probabilities } = evaluate();
      const n = Math.min(150, val.count);
      return { title: 'validation images by their output probabilities (2 principal components)', points: project2d(probabilities.slice(0, n).flatMap((p) => [...p]), n, 10).map(([x, y], i) => ({ label: String(val.labels[i]), x, y })) };
    },
    classify: (pixels) => {
      const image = tensor(pixels, { shape: [1, 1, config.height, config.width] });
      const set = { ...val, images: pixels, labels: new Int32Array(1), count: 1 };
      const probabilities = [...predictImages(run.model, set).probabilities[0]];
      return { probabilities, inspection: inspect(run.model, image) };
    },
    checkpoint: () => visionCheckpoint(run, config, settings, { data: null }),
  };
}

/** What each kind of image model shows: a CNN its filters and their feature maps, a ViT where its CLS token looks, an MLP its first units' weights. */
function inspect(model: Module, image: Tensor): Inspection[] {
  if (model instanceof LeNet) {
    const { filters, maps } = cnnFirstLayer(model, image);
    return [{ title: 'first-layer filters', pictures: filters }, { title: 'their feature maps of this drawing', pictures: maps }];
  }
  if (model instanceof VisionTransformer) {
    return [{ title: `attention from CLS to each patch, last block, per head`, pictures: clsAttention(model, image, model.config.nLayer - 1) }];
  }
  if (model instanceof DigitClassifier) {
    const w = model.first_linear.weight.toFlatArray();
    const side = Math.round(Math.sqrt(model.inputs));
    return [{ title: 'weights of the first 12 hidden units, as images', pictures: Array.from({ length: 12 }, (_, u) => ({ pixels: w.slice(u * model.inputs, (u + 1) * model.inputs), height: side, width: side, caption: `unit ${u}` })) }];
  }
  return [];
}
