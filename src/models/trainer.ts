import { clipGradNorm } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Schedule } from '../optim/schedule.js';
import type { Tensor } from '../tensor/tensor.js';

export interface StepInfo {
  step: number;
  loss: number;
  lr: number;
}

export interface TrainLoopOptions {
  optimizer: Optimizer;
  schedule: Schedule;
  /** Steps already done (when resuming) and the step count to reach. */
  startStep?: number;
  steps: number;
  /** Samples a batch and returns its loss; called once per step in training mode. */
  batchLoss: (step: number) => Tensor;
  clipNorm?: number;
  /** After every step, with its loss (progress bars, diagnostics, periodic checkpoints). */
  onStep?: (info: StepInfo) => void;
}

/** The loop every recipe shares: lr from the schedule, forward, zero grads, backward, clip, update. */
export function trainLoop(options: TrainLoopOptions): number[] {
  const { optimizer, schedule, startStep = 0, steps, batchLoss, clipNorm, onStep } = options;
  const losses: number[] = [];
  for (let step = startStep; step < steps; step++) {
    optimizer.lr = schedule(step);
    const loss = batchLoss(step);
    optimizer.zeroGrad();
    loss.backward();
    if (clipNorm !== undefined) clipGradNorm(optimizer.params, clipNorm);
    optimizer.step();
    const value = loss.item();
    if (!Number.isFinite(value)) throw new Error(`training diverged: loss is ${value} at step ${step} (lr ${optimizer.lr}); lower the learning rate`);
    losses.push(value);
    onStep?.({ step, loss: value, lr: optimizer.lr });
  }
  return losses;
}
