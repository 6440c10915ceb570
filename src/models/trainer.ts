import type { Checkpoint, TrainerState } from '../optim/trainingState.js';
import type { Module } from '../nn/module.js';
import { clipGradNorm } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Schedule } from '../optim/schedule.js';
import { backend } from '../backend/registry.js';
import { arenaStep } from '../tensor/arena.js';
import { ownedCopy } from '../tensor/autograd.js';
import { isDevice } from '../core/dtype.js';
// The loop below is a JavaScript Generator; the run's random stream is the other kind.
import type { Generator as RandomStream } from '../core/random.js';
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
 * The loop every recipe shares, written once: lr from the schedule, the step (run by whoever drives the loop, which
 * sends back its loss), then the step's hook and, in a guarded run (runGuard.ts), a checkpoint when one is due or a
 * stop was requested. trainLoop drives it synchronously, trainLoopAsync awaits each loss.
 */
function* loop(options: TrainLoopOptions): Generator<number, number[], number> {
  const { optimizer, schedule, startStep = 0, steps, onStep } = options;
  const losses: number[] = [];
  for (let step = startStep; step < steps; step++) {
    optimizer.lr = schedule(step);
    const value: number = yield step;
    losses.push(checkedLoss(value, step, optimizer.lr));
    onStep?.({ step, loss: value, lr: optimizer.lr });
    afterStep(step + 1);
  }
  return losses;
}

/** The loop on the CPU: each step's loss is read as the step ends, with no await (which would cost time and change nothing). */
export function trainLoop(options: TrainLoopOptions): number[] {
  const body = loop(options);
  let next = body.next();
  while (!next.done) next = body.next(runStep(options, next.value));
  return next.value;
}

/**
 * The loop on every backend: each step's loss is awaited (`itemAsync`), the one read-back of a step on a GPU,
 * where the rest of the step never leaves the device. On the CPU backends it gives trainLoop's losses.
 */
export async function trainLoopAsync(options: TrainLoopOptions): Promise<number[]> {
  const body = loop(options);
  let next = body.next();
  while (!next.done) next = body.next(await runStepAsync(options, next.value));
  return next.value;
}

/** One step, its loss read at once; in arenaStep unless the caller keeps the step's tensors. */
function runStep(options: TrainLoopOptions, step: number): number {
  return (options.reuseMemory ?? true) ? arenaStep(() => oneStep(options, step).item()) : oneStep(options, step).item();
}

/** One step, its loss awaited. */
async function runStepAsync(options: TrainLoopOptions, step: number): Promise<number> {
  if (!(options.reuseMemory ?? true)) return oneStep(options, step).itemAsync();
  // The loss is kept past the step's scratch memory, then read once the device has run the step. The backend
  // is the one the step ran on, even if the caller switches backends while this awaits.
  const kernels = backend();
  const loss = arenaStep(() => ownedCopy(oneStep(options, step).detach()));
  const value = await loss.itemAsync();
  if (isDevice(loss.data)) kernels.free?.(loss.data);
  return value;
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

/** What every recipe's run holds, and what its checkpoint saves and restores. */
export interface TrainingState {
  model: Module;
  optimizer: Optimizer;
  generator: RandomStream;
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
