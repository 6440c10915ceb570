import type { Checkpoint } from '../../optim/trainingState.js';
import type { Module } from '../../nn/module.js';
import { AdamW } from '../../optim/adamw.js';
import { cosineWithWarmup } from '../../optim/schedule.js';
import { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { restoreStreams, streamStates } from '../streams.js';
import { afterStep } from '../runGuard.js';
import { type Loop, type RunAsyncOptions, call, runAsync, runSync } from '../driver.js';
import { type StepInfo, type TrainStep, checkpointOf, restoreRun, trainingStep } from '../trainer.js';

/** How the models that read text (classifiers, taggers) are trained: AdamW on random minibatches. */
export interface SupervisedTrainConfig {
  steps: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Linear warmup, then cosine decay to lr/10 at decaySteps (the planned step count), flat after. */
  warmupSteps: number;
  decaySteps: number;
  evalEvery: number;
  seed: number;
}

export interface SupervisedRun<M extends Module> {
  model: M;
  optimizer: AdamW;
  generator: Generator;
  losses: number[];
  /** (step, validation score) at each evaluation. */
  evals: [number, number][];
  /** The other random streams the run draws from (the model's dropout masks), saved and restored with it. */
  streams: Record<string, Generator>;
}

/**
 * A run around `model`, or the checkpoint's state put back into it. `dropout` is the generator the model was built
 * with, which its Dropout layers draw from: it is a stream of the run, saved and restored like the batches'.
 */
export function startSupervisedRun<M extends Module>(model: M, train: SupervisedTrainConfig, resume?: Checkpoint, dropout?: Generator): SupervisedRun<M> {
  const optimizer = new AdamW(model.parameters(), train.lr, { weightDecay: train.weightDecay });
  const run: SupervisedRun<M> = { model, optimizer, generator: new Generator(train.seed), losses: [], evals: [], streams: dropout ? { dropout } : {} };
  if (resume) {
    restoreRun(run, resume);
    restoreStreams(run.streams, resume);
    run.evals = (resume.config.evals as [number, number][] | undefined) ?? [];
  }
  return run;
}

/** `batchSize` example indices drawn uniformly with replacement from `count` examples. */
export function sampleIndices(count: number, batchSize: number, generator: Generator): number[] {
  return Array.from({ length: batchSize }, () => generator.randint(0, count));
}

/** What a caller of trainSupervised supplies: the score to record, and progress, evaluation and checkpoint hooks. */
export interface SupervisedTrainHooks {
  /** The model's score on held-out data, in eval mode; may be async under runAsync (a GPU's reads). */
  evaluate: () => number | Promise<number>;
  onStep?: (info: StepInfo) => void | Promise<void>;
  onEval?: (step: number, score: number) => void;
  save?: () => string | Promise<string>;
}

/**
 * Trains with a warmup + cosine schedule; `batchLoss` turns example indices into a loss. Every `evalEvery`
 * steps (and at the end) the model goes to eval mode for `evaluate`, whose score is recorded; then `save`, if given,
 * writes a checkpoint, and once more at the end. Returns where the final checkpoint went.
 */
export function* supervisedTraining<M extends Module>(run: SupervisedRun<M>, train: SupervisedTrainConfig, trainCount: number,
  batchLoss: (indices: number[]) => Tensor, hooks: SupervisedTrainHooks): Loop<string | undefined> {
  const { evaluate, onStep, onEval, save } = hooks;
  const training = supervisedTrainStep(run, train, trainCount, batchLoss);
  for (let step = run.optimizer.stepCount; step < train.steps; step++) {
    const loss = yield* trainingStep(training, step);
    run.losses.push(loss);
    const done = step + 1;
    if (done % train.evalEvery === 0 || done === train.steps) {
      run.model.eval();
      const score = yield* call(evaluate);
      run.model.train();
      run.evals.push([done, score]);
      onEval?.(done, score);
      // The last step's checkpoint is the final one, below.
      if (save && done < train.steps) yield* call(save);
    }
    if (onStep) yield* call(() => onStep({ step, loss, lr: run.optimizer.lr }));
    // In a guarded run (runGuard.ts): a checkpoint every few minutes, and a stop when one is asked for.
    yield* call(() => afterStep(done));
  }
  return save ? yield* call(save) : undefined;
}

/** supervisedTraining on a CPU backend, as one synchronous loop. */
export const trainSupervised = <M extends Module>(run: SupervisedRun<M>, train: SupervisedTrainConfig, trainCount: number,
  batchLoss: (indices: number[]) => Tensor, hooks: SupervisedTrainHooks): string | undefined => runSync(supervisedTraining(run, train, trainCount, batchLoss, hooks));

/** supervisedTraining on every backend, each read and hook awaited. */
export const trainSupervisedAsync = <M extends Module>(run: SupervisedRun<M>, train: SupervisedTrainConfig, trainCount: number,
  batchLoss: (indices: number[]) => Tensor, hooks: SupervisedTrainHooks, options?: RunAsyncOptions): Promise<string | undefined> =>
  runAsync(supervisedTraining(run, train, trainCount, batchLoss, hooks), options);

/** One supervised step: warmup and cosine decay, a batch of example indices drawn with replacement, clipping at 1. */
export function supervisedTrainStep<M extends Module>(run: SupervisedRun<M>, train: SupervisedTrainConfig, trainCount: number,
  batchLoss: (indices: number[]) => Tensor): TrainStep {
  return {
    optimizer: run.optimizer,
    schedule: cosineWithWarmup(train.lr, train.warmupSteps, train.decaySteps),
    clipNorm: 1,
    batchLoss: () => batchLoss(sampleIndices(trainCount, train.batchSize, run.generator)),
  };
}

/** The checkpoint of a supervised run: `config` rebuilds model and vocabulary; evals travel with it. */
export function supervisedCheckpoint<M extends Module>(run: SupervisedRun<M>, config: Record<string, unknown>): Checkpoint {
  const checkpoint = checkpointOf(run, { ...config, evals: run.evals });
  checkpoint.trainer.streams = { ...checkpoint.trainer.streams, ...streamStates(run.streams) };
  return checkpoint;
}
