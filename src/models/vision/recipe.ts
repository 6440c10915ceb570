import type { ImageSet } from '../../data/images.js';
import type { Checkpoint } from '../../optim/trainingState.js';
import type { Module } from '../../nn/module.js';
import { AdamW } from '../../optim/adamw.js';
import { constantLr } from '../../optim/schedule.js';
import { noGrad } from '../../tensor/autograd.js';
import { randperm, tensor } from '../../tensor/creation.js';
import { ZerogradError } from '../../core/errors.js';
import { crossEntropy } from '../../tensor/ops/softmax.js';
import { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { afterStep } from '../runGuard.js';
import { type Loop, type RunAsyncOptions, call, runAsync, runSync } from '../driver.js';
import { type StepInfo, checkpointOf, restoreRun, trainingStep } from '../trainer.js';
import { LeNet } from './cnn.js';
import { DigitClassifier } from './mlp.js';
import { VisionTransformer } from './vit.js';

export const VISION_KINDS = ['mlp', 'mlp-logits', 'cnn', 'vit'] as const;
export type VisionKind = (typeof VISION_KINDS)[number];

/** What rebuilds a vision model: saved as the checkpoint's config. */
export interface VisionModelConfig {
  kind: VisionKind;
  height: number;
  width: number;
  classes: number;
  /** mlp: hidden units (the course's 512). */
  hidden: number;
  dropout: number;
  /** vit: patch side, width, heads and blocks. */
  patch: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
}

export interface VisionTrainConfig {
  epochs: number;
  batchSize: number;
  /** Adam's learning rate, constant (the course: 1e-3). */
  lr: number;
  seed: number;
}

/** The course's and the lessons' sizes for an image of this shape. */
export function visionModelConfig(kind: VisionKind, height: number, width: number, classes = 10): VisionModelConfig {
  const patch = [7, 4, 2].find((p) => height % p === 0 && width % p === 0 && height / p >= 2) ?? 1;
  return { kind, height, width, classes, hidden: 512, dropout: kind === 'vit' ? 0 : 0.2, patch, nEmbd: 64, nHead: 4, nLayer: 4 };
}

export type VisionModel = Module & { forward(images: Tensor): Tensor };

export function buildVisionModel(c: VisionModelConfig, generator: Generator): VisionModel {
  switch (c.kind) {
    case 'mlp':
    case 'mlp-logits':
      return new DigitClassifier(c.height * c.width, { hidden: c.hidden, classes: c.classes, dropout: c.dropout, sigmoid: c.kind === 'mlp', generator });
    case 'cnn':
      return new LeNet(c.height, c.width, { classes: c.classes, generator });
    case 'vit':
      return new VisionTransformer({ height: c.height, width: c.width, patch: c.patch, nEmbd: c.nEmbd, nHead: c.nHead, nLayer: c.nLayer, dropout: c.dropout, classes: c.classes }, generator);
  }
}

/** Row indices of `set` per split, stratified: each class is shuffled (seeded) and cut at the same fractions. */
export function stratifiedSplit(labels: ArrayLike<number>, fractions: number[], seed = 42): number[][] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i]);
    if (members) members.push(i);
    else byClass.set(labels[i], [i]);
  }
  const parts = fractions.map(() => [] as number[]);
  const generator = new Generator(seed);
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label)!;
    const order = Array.from(randperm(members.length, { generator }).hostData(), (k) => members[k]);
    let start = 0;
    fractions.forEach((fraction, p) => {
      const end = p === fractions.length - 1 ? order.length : start + Math.round(fraction * order.length);
      parts[p].push(...order.slice(start, end));
      start = end;
    });
  }
  return parts.map((part) => part.sort((a, b) => a - b));
}

/** The images at `indices` as a new set. */
export function subset(set: ImageSet, indices: readonly number[]): ImageSet {
  const size = set.height * set.width;
  const images = new Float32Array(indices.length * size);
  indices.forEach((i, k) => images.set(set.images.subarray(i * size, (i + 1) * size), k * size));
  return { ...set, images, labels: Int32Array.from(indices, (i) => set.labels[i]), count: indices.length };
}

/** Images (B, 1, H, W) and labels (B,) of the rows at `indices`. */
export function imageBatch(set: ImageSet, indices: readonly number[]): { x: Tensor; y: Tensor } {
  const part = subset(set, indices);
  return { x: tensor(part.images, { shape: [indices.length, 1, set.height, set.width] }), y: tensor(part.labels, { shape: [indices.length] }) };
}

/** Each image's predicted class and the probability the model's outputs give it (softmax, as the loss reads them). */
export function predictImages(model: VisionModel, set: ImageSet, batchSize = 256): { classes: Int32Array; probabilities: Float32Array[] } {
  const classes = new Int32Array(set.count);
  const probabilities: Float32Array[] = [];
  const wasTraining = model.training;
  model.train(false);
  noGrad(() => {
    for (let start = 0; start < set.count; start += batchSize) {
      const indices = Array.from({ length: Math.min(batchSize, set.count - start) }, (_, k) => start + k);
      const probs = model.forward(imageBatch(set, indices).x).softmax(-1);
      const K = probs.shape[1];
      const data = probs.toFlatArray();
      indices.forEach((i, b) => {
        const row = Float32Array.from(data.slice(b * K, (b + 1) * K));
        probabilities.push(row);
        classes[i] = row.indexOf(Math.max(...row));
      });
    }
  });
  model.train(wasTraining);
  return { classes, probabilities };
}

export const accuracy = (predicted: ArrayLike<number>, labels: ArrayLike<number>): number => {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return labels.length ? correct / labels.length : 0;
};

export interface VisionRun {
  model: VisionModel;
  optimizer: AdamW;
  generator: Generator;
  losses: number[];
  /** (epoch, mean training loss, validation accuracy) after each epoch. */
  evals: [number, number, number][];
}

export function startVisionRun(config: VisionModelConfig, train: VisionTrainConfig, resume?: Checkpoint): VisionRun {
  const generator = new Generator(train.seed);
  const model = buildVisionModel(config, generator);
  // The course's optimizer: Adam at a constant rate (AdamW without weight decay).
  const optimizer = new AdamW(model.parameters(), train.lr, { weightDecay: 0 });
  const run: VisionRun = { model, optimizer, generator, losses: [], evals: [] };
  if (resume) {
    restoreRun(run, resume);
    run.evals = (resume.config.evals as [number, number, number][] | undefined) ?? [];
  }
  return run;
}

export const stepsPerEpoch = (count: number, batchSize: number) => Math.ceil(count / batchSize);

/**
 * Epochs of minibatches in a shuffled order, cross-entropy on the model's outputs, Adam; after each epoch, the
 * validation accuracy and, if `save` is given, a checkpoint (and one at the end if no epoch ended). Each epoch's order
 * comes from (seed, epoch) alone, so a run resumed mid-epoch draws the batches an uninterrupted one would.
 * Returns where the last checkpoint went.
 */
export function* visionTraining(run: VisionRun, data: { train: ImageSet; val: ImageSet }, train: VisionTrainConfig, hooks: VisionTrainHooks = {}): Loop<string | undefined> {
  if (data.train.count === 0) throw new ZerogradError('trainVision', 'the training set is empty');
  const perEpoch = stepsPerEpoch(data.train.count, train.batchSize);
  let order: Int32Array | null = null;
  let orderEpoch = -1;
  let checkpoint: string | undefined;
  const training = {
    optimizer: run.optimizer,
    schedule: constantLr(train.lr),
    batchLoss: (step: number) => {
      const epoch = Math.floor(step / perEpoch);
      if (epoch !== orderEpoch) {
        order = randperm(data.train.count, { generator: new Generator(train.seed * 7919 + epoch) }).denseData() as Int32Array;
        orderEpoch = epoch;
      }
      const start = (step % perEpoch) * train.batchSize;
      const { x, y } = imageBatch(data.train, Array.from(order!.subarray(start, start + train.batchSize)));
      return crossEntropy(run.model.forward(x), y);
    },
  };
  for (let step = run.optimizer.stepCount; step < train.epochs * perEpoch; step++) {
    const loss = yield* trainingStep(training, step);
    run.losses.push(loss);
    if ((step + 1) % perEpoch === 0) {
      const epoch = (step + 1) / perEpoch;
      const epochLoss = run.losses.slice(-perEpoch).reduce((s, v) => s + v, 0) / perEpoch;
      const valAccuracy = yield* call(hooks.valAccuracy ?? (() => accuracy(predictImages(run.model, data.val).classes, data.val.labels)));
      run.evals.push([epoch, epochLoss, valAccuracy]);
      hooks.onEpoch?.(epoch, epochLoss, valAccuracy);
      if (hooks.save) checkpoint = yield* call(hooks.save);
    }
    const { onStep } = hooks;
    if (onStep) yield* call(() => onStep({ step, loss, lr: run.optimizer.lr }));
    // In a guarded run (runGuard.ts): a checkpoint every few minutes, and a stop when one is asked for.
    yield* call(() => afterStep(step + 1));
  }
  return checkpoint || (hooks.save ? yield* call(hooks.save) : undefined);
}

/** visionTraining on a CPU backend, as one synchronous loop. */
export const trainVision = (run: VisionRun, data: { train: ImageSet; val: ImageSet }, train: VisionTrainConfig, hooks: VisionTrainHooks = {}): string | undefined =>
  runSync(visionTraining(run, data, train, hooks));

/** visionTraining on every backend; on a GPU give `valAccuracy`, which reads predictions back asynchronously. */
export const trainVisionAsync = (run: VisionRun, data: { train: ImageSet; val: ImageSet }, train: VisionTrainConfig, hooks: VisionTrainHooks = {},
  options?: RunAsyncOptions): Promise<string | undefined> => runAsync(visionTraining(run, data, train, hooks), options);

/** What a caller of trainVision supplies: progress, each epoch's report, checkpoints; hooks may be async under runAsync. */
export interface VisionTrainHooks {
  onStep?: (info: StepInfo) => void | Promise<void>;
  onEpoch?: (epoch: number, loss: number, valAccuracy: number) => void;
  save?: () => string | Promise<string>;
  /** The validation accuracy after each epoch (default: predictImages on data.val, read synchronously). */
  valAccuracy?: () => number | Promise<number>;
}

export function visionCheckpoint(run: VisionRun, model: VisionModelConfig, train: VisionTrainConfig, extra: Record<string, unknown> = {}): Checkpoint {
  return checkpointOf(run, { recipe: 'vision', ...extra, model, train, evals: run.evals });
}
