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
  /** After every step, with its loss (progress bars, diagnostics, periodic checkpoints). */
  onStep?: (info: StepInfo) => void;
  /**
   * Run each step in arenaStep, so its tensors reuse the last step's memory (the default). False keeps
   * the step's tensors readable afterwards, for diagnostics that inspect activations after training.
   */
  reuseMemory?: boolean;
}

/**
 * Step number `step`: the learning rate from the schedule, forward, zero grads, backward, clip, update; returns the
 * loss, read at once (no await: on the CPU it is already there) and checked. Each recipe's driver calls it once a step.
 */
export function takeStep(training: TrainStep, step: number, reuseMemory = true): number {
  training.optimizer.lr = training.schedule(step);
  const loss = reuseMemory ? arenaStep(() => oneStep(training, step).item()) : oneStep(training, step).item();
  return checkedLoss(loss, step, training.optimizer.lr);
}

/**
 * takeStep on every backend: the loss is awaited (`itemAsync`), the one read-back of a step on a GPU, where the rest
 * of the step never leaves the device. On the CPU backends it gives takeStep's loss.
 */
export async function takeStepAsync(training: TrainStep, step: number, reuseMemory = true): Promise<number> {
  training.optimizer.lr = training.schedule(step);
  const lr = training.optimizer.lr;
  if (!reuseMemory) return checkedLoss(await oneStep(training, step).itemAsync(), step, lr);
  // The loss is kept past the step's scratch memory, then read once the device has run the step. The backend
  // is the one the step ran on, even if the caller switches backends while this awaits.
  const kernels = backend();
  const loss = arenaStep(() => ownedCopy(oneStep(training, step).detach()));
  const value = await loss.itemAsync();
  if (isDevice(loss.data)) kernels.free?.(loss.data);
  return checkedLoss(value, step, lr);
}

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
 * A plain loop of takeStep for code with no driver of its own (diagnostics, the learning-rate sweep, small tests):
 * each step, then its hook and, in a guarded run (runGuard.ts), a checkpoint when one is due or a stop was requested.
 */
export function trainLoop(options: TrainLoopOptions): number[] {
  const losses: number[] = [];
  for (let step = options.startStep ?? 0; step < options.steps; step++) {
    losses.push(afterEach(options, step, takeStep(options, step, options.reuseMemory)));
  }
  return losses;
}

/** trainLoop on every backend: the same loop with each step's loss awaited (takeStepAsync). */
export async function trainLoopAsync(options: TrainLoopOptions): Promise<number[]> {
  const losses: number[] = [];
  for (let step = options.startStep ?? 0; step < options.steps; step++) {
    losses.push(afterEach(options, step, await takeStepAsync(options, step, options.reuseMemory)));
  }
  return losses;
}

/** What either loop does once a step is taken: the caller's hook, then the run guard. */
function afterEach({ optimizer, onStep }: TrainLoopOptions, step: number, loss: number): number {
  onStep?.({ step, loss, lr: optimizer.lr });
  afterStep(step + 1);
  return loss;
}

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
