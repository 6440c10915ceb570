// The training driver of the makemore models, top to bottom: batches and the lectures' step-decay schedule, periodic
// and final checkpoints, the final train/val losses and samples. Saving and progress are handed in as callbacks.
import { stepDecay } from '../../optim/schedule.js';
import { crossEntropy } from '../../tensor/ops/softmax.js';
import { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { afterStep } from '../runGuard.js';
import { type Loop, type RunAsyncOptions, call, runAsync, runSync } from '../driver.js';
import { type StepInfo, type TrainStep, trainingStep } from '../trainer.js';
import { BigramNeural } from './bigramNeural.js';
import { type Batch, type CharModel, randomBatch, sampleItem, splitLoss } from './charModel.js';
import type { MakemoreData, MakemoreRun, MakemoreTrainConfig } from './recipe.js';

/** What a caller of trainMakemore sees and supplies; every field is optional. */
export interface MakemoreTrainHooks {
  /** After each step: a progress bar; may be async under runAsync. */
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Asked after each step: true ends the loop there (the page's stop button). */
  stop?: () => boolean;
  /** Writes a checkpoint of the run and says where: every `checkpointEvery` steps and at the end. */
  save?: () => string | Promise<string>;
  checkpointEvery?: number;
  /** Whether to measure the loss on the whole train and val splits after training (a lesson measures its own). */
  evaluate?: boolean;
  /** Names to sample from the trained model. */
  samples?: number;
}

/** This call's step losses; where asked for, the losses on the whole splits after training, the final checkpoint and the samples. */
export interface MakemoreTrainResult {
  stepLosses: number[];
  final?: { train: number; val: number };
  checkpoint?: string;
  samples: string[];
}

/**
 * Trains until `train.steps`, continuing from the run's step count. The neural bigram takes
 * full-batch steps (batchSize 0), the others random minibatches.
 */
export function* makemoreTraining(run: MakemoreRun, data: MakemoreData, train: MakemoreTrainConfig, hooks: MakemoreTrainHooks = {}): Loop<MakemoreTrainResult> {
  const { onStep, save, checkpointEvery = Infinity, evaluate = false, samples = 0 } = hooks;
  const training = makemoreTrainStep(run, data, train);
  const stepLosses: number[] = [];
  for (let step = run.optimizer.stepCount; step < train.steps; step++) {
    const loss = yield* trainingStep(training, step);
    stepLosses.push(loss);
    run.losses.push(loss);
    if (onStep) yield* call(() => onStep({ step, loss, lr: run.optimizer.lr }));
    const done = step + 1;
    // The last step's checkpoint is the final one, below.
    if (save && done % checkpointEvery === 0 && done < train.steps) yield* call(save);
    // In a guarded run (runGuard.ts): a checkpoint every few minutes, and a stop when one is asked for.
    yield* call(() => afterStep(done));
    if (hooks.stop?.()) break;
  }
  const checkpoint = save ? yield* call(save) : undefined;
  const final = evaluate ? { train: splitLoss(run.model, data.train), val: splitLoss(run.model, data.val) } : undefined;
  const generator = new Generator(train.seed + 10);
  const names = Array.from({ length: samples }, () => sampleItem(run.model, data.tokenizer, run.modelConfig.blockSize, generator));
  return { stepLosses, final, checkpoint, samples: names };
}

/** makemoreTraining on a CPU backend, as one synchronous loop. */
export const trainMakemore = (run: MakemoreRun, data: MakemoreData, train: MakemoreTrainConfig, hooks: MakemoreTrainHooks = {}): MakemoreTrainResult =>
  runSync(makemoreTraining(run, data, train, hooks));

/** makemoreTraining on every backend; the final losses and samples read values, so on a GPU leave them to a CPU copy. */
export const trainMakemoreAsync = (run: MakemoreRun, data: MakemoreData, train: MakemoreTrainConfig, hooks: MakemoreTrainHooks = {}, options?: RunAsyncOptions): Promise<MakemoreTrainResult> =>
  runAsync(makemoreTraining(run, data, train, hooks), options);

/** One makemore step: the step-decay schedule and a random minibatch (the whole training split for batchSize 0). */
export function makemoreTrainStep(run: MakemoreRun, data: MakemoreData, train: MakemoreTrainConfig): TrainStep {
  return {
    optimizer: run.optimizer,
    schedule: stepDecay(train.lr, train.decayAt, train.decayFactor),
    batchLoss: () => batchLoss(run.model, train.batchSize > 0 ? randomBatch(data.train, train.batchSize, run.generator) : data.train),
  };
}

/** Loss of one batch, with the neural bigram's L2 regularisation where it applies. */
function batchLoss(model: CharModel, batch: Batch): Tensor {
  return model instanceof BigramNeural ? model.loss(batch.X, batch.Y) : crossEntropy(model.forward(batch.X), batch.Y);
}
