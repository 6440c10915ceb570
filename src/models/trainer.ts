import type { Checkpoint, TrainerState } from '../optim/trainingState.js';
import type { Module } from '../nn/module.js';
import { clipGradNorm } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Schedule } from '../optim/schedule.js';
import { backend } from '../backend/registry.js';
import { arenaStep } from '../tensor/arena.js';
import { ownedCopy } from '../tensor/autograd.js';
import { isDevice } from '../core/dtype.js';
import type { Generator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Loop, type RunAsyncOptions, call, read, runAsync, runSync } from './driver.js';
import { afterStep } from './runGuard.js';

export interface StepInfo {
  step: number;
  loss: number;
  lr: number;
}

/** What one training step does: the learning rate from the schedule, a batch's loss, its gradients clipped, the update. */
export interface TrainStep {
  optimizer: Optimizer;
  schedule: Schedule;
  /** Samples a batch and returns its loss; called once per step in training mode. */
  batchLoss: (step: number) => Tensor;
  clipNorm?: number;
}

export interface TrainLoopOptions extends TrainStep {
  /** Steps already done (when resuming) and the step count to reach. */
  startStep?: number;
  steps: number;
  /** After every step, with its loss (progress bars, diagnostics, periodic checkpoints); may be async under runAsync. */
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Asked after every step: true ends the loop there (the page's stop button). */
  stop?: () => boolean;
  /**
   * Run each step in arenaStep, so its tensors reuse the last step's memory (the default). False keeps
   * the step's tensors readable afterwards, for diagnostics that inspect activations after training.
   */
  reuseMemory?: boolean;
}

/**
 * Step number `step` as a loop part: the learning rate from the schedule, forward, zero grads, backward, clip,
 * update; returns the loss, checked. On the CPU the loss is read inside the step (it is already there); on a device it
 * is kept past the step's scratch memory and read once the device has run the step, the one read-back of a step.
 */
export function* trainingStep(training: TrainStep, step: number, reuseMemory = true): Loop<number> {
  training.optimizer.lr = training.schedule(step);
  const lr = training.optimizer.lr;
  if (!reuseMemory) return checkedLoss(yield* read(oneStep(training, step)), step, lr);
  const kernels = backend();
  const loss = arenaStep(() => {
    const value = oneStep(training, step);
    return isDevice(value.data) ? ownedCopy(value.detach()) : value.item();
  });
  if (typeof loss === 'number') return checkedLoss(loss, step, lr);
  const value = yield* read(loss);
  kernels.free?.(loss.data);
  return checkedLoss(value, step, lr);
}

/** trainingStep on a CPU backend: the step, its loss read at once. */
export const takeStep = (training: TrainStep, step: number, reuseMemory = true): number => runSync(trainingStep(training, step, reuseMemory));

/** trainingStep on every backend, the loss awaited; on the CPU backends it gives takeStep's loss. */
export const takeStepAsync = (training: TrainStep, step: number, reuseMemory = true): Promise<number> => runAsync(trainingStep(training, step, reuseMemory));

/** Forward, zero grads, backward, clip, update: returns the batch's loss. */
function oneStep({ optimizer, batchLoss, clipNorm }: TrainStep, step: number): Tensor {
  const loss = batchLoss(step);
  optimizer.zeroGrad();
  loss.backward();
  if (clipNorm !== undefined) clipGradNorm(optimizer.params, clipNorm);
  optimizer.step();
  return loss;
}

function checkedLoss(value: number, step: number, lr: number): number {
  if (!Number.isFinite(value)) throw new Error(`training diverged: loss is ${value} at step ${step} (lr ${lr}); lower the learning rate`);
  return value;
}

/**
 * The plain loop, for code with no driver of its own (diagnostics, the learning-rate sweep, the page's image and
 * text classifiers, small tests): each step, then its hook (which may be async under runAsync) and, in a guarded run
 * (runGuard.ts), a checkpoint when one is due or a stop was requested; `stop` ends it early. Returns the losses.
 */
export function* trainingSteps(options: TrainLoopOptions): Loop<number[]> {
  const { optimizer, onStep, stop } = options;
  const losses: number[] = [];
  for (let step = options.startStep ?? 0; step < options.steps; step++) {
    const loss = yield* trainingStep(options, step, options.reuseMemory);
    losses.push(loss);
    if (onStep) yield* call(() => onStep({ step, loss, lr: optimizer.lr }));
    yield* call(() => afterStep(step + 1));
    if (stop?.()) break;
  }
  return losses;
}

/** trainingSteps on a CPU backend. */
export const trainLoop = (options: TrainLoopOptions): number[] => runSync(trainingSteps(options));

/** trainingSteps on every backend, each step's loss awaited. */
export const trainLoopAsync = (options: TrainLoopOptions, run?: RunAsyncOptions): Promise<number[]> => runAsync(trainingSteps(options), run);

/** What every recipe's run holds, and what its checkpoint saves and restores. */
export interface TrainingState {
  model: Module;
  optimizer: Optimizer;
  generator: Generator;
  losses: number[];
}

/** A run's checkpoint: its weights, optimizer state, step, random stream and losses; `config` rebuilds it. */
export function checkpointOf(run: TrainingState, config: Record<string, unknown>): Checkpoint {
  return {
    config,
    model: run.model.stateDict(),
    optimizer: run.optimizer.stateTensors(),
    trainer: trainerState(run),
  };
}

/** The step, random stream and losses a checkpoint keeps of a run. */
const trainerState = (run: TrainingState): TrainerState => ({ step: run.optimizer.stepCount, rng: run.generator.getState(), losses: [...run.losses] });

/** checkpointOf on every backend: a run training on a GPU is read back, after the steps queued before the call. */
export async function checkpointOfAsync(run: TrainingState, config: Record<string, unknown>): Promise<Checkpoint> {
  const [model, optimizer] = await Promise.all([run.model.stateDictAsync(), run.optimizer.stateTensorsAsync()]);
  return { config, model, optimizer, trainer: trainerState(run) };
}

/** Puts a checkpoint's weights, optimizer state, random stream and losses back into a freshly built run. */
export function restoreRun(run: TrainingState, resume: Checkpoint): void {
  run.model.loadStateDict(resume.model);
  run.optimizer.loadStateTensors(resume.optimizer, resume.trainer.step);
  run.generator.setState(resume.trainer.rng);
  run.losses = [...resume.trainer.losses];
}
