// Learning-rate schedulers as objects, as torch.optim.lr_scheduler has them: step() once per epoch (or step),
// getLastLr() for the rate it set. Each computes the rate from the step count in closed form.
import { ZerogradError } from '../core/errors.js';
import type { Optimizer } from './optimizer.js';

export abstract class LRScheduler {
  /** The optimizer's rate when the scheduler was made. */
  readonly baseLr: number;
  /** Steps taken (PyTorch's last_epoch). */
  lastEpoch = 0;

  constructor(readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
  }

  /** The rate after `t` steps. */
  protected abstract rateAt(t: number): number;

  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.rateAt(this.lastEpoch);
  }

  getLastLr(): number[] {
    return this.optimizer.groupLrs();
  }
}

/** StepLR: multiplied by `gamma` every `stepSize` steps. */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
  }

  protected rateAt(t: number): number {
    return this.baseLr * this.gamma ** Math.floor(t / this.stepSize);
  }
}

/** CosineAnnealingLR: from the base rate down a half cosine to `etaMin` at `tMax` steps (and back up after). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
  }

  protected rateAt(t: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2;
  }
}

/** LinearLR: the base rate times a factor going linearly from `startFactor` to `endFactor` over `totalIters` steps. */
export class LinearLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly startFactor = 1 / 3, readonly endFactor = 1, readonly totalIters = 5) {
    super(optimizer);
    optimizer.lr = this.rateAt(0);
  }

  protected rateAt(t: number): number {
    return this.baseLr * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(t, this.totalIters)) / this.totalIters);
  }
}

/** LambdaLR: the base rate times `factor(t)`. */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly factor: (step: number) => number) {
    super(optimizer);
    optimizer.lr = this.rateAt(0);
  }

  protected rateAt(t: number): number {
    return this.baseLr * this.factor(t);
  }
}

export interface OneCycleOptions {
  pctStart?: number;
  divFactor?: number;
  finalDivFactor?: number;
}

/**
 * OneCycleLR (cosine annealing): from maxLr / divFactor up to maxLr over the first pctStart of `totalSteps`, then
 * down to that start divided by finalDivFactor.
 */
export class OneCycleLR extends LRScheduler {
  private readonly initial: number;
  private readonly min: number;
  private readonly peakStep: number;

  constructor(optimizer: Optimizer, readonly maxLr: number, readonly totalSteps: number, { pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 }: OneCycleOptions = {}) {
    super(optimizer);
    this.initial = maxLr / divFactor;
    this.min = this.initial / finalDivFactor;
    this.peakStep = pctStart * totalSteps - 1;
    optimizer.lr = this.rateAt(0);
  }

  protected rateAt(t: number): number {
    if (t > this.totalSteps - 1) throw new ZerogradError('OneCycleLR', `stepped ${t} times, past its ${this.totalSteps} total steps`);
    const anneal = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (1 + Math.cos(Math.PI * pct));
    if (t <= this.peakStep) return anneal(this.initial, this.maxLr, t / this.peakStep);
    return anneal(this.maxLr, this.min, (t - this.peakStep) / (this.totalSteps - 1 - this.peakStep));
  }
}

export interface PlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  cooldown?: number;
  minLr?: number;
}

/**
 * ReduceLROnPlateau: step(metric) after each evaluation; when the metric has not improved (by a relative
 * `threshold`) for more than `patience` evaluations, the rate is multiplied by `factor`.
 */
export class ReduceLROnPlateau {
  private best: number;
  private bad = 0;
  private cooling = 0;

  constructor(readonly optimizer: Optimizer, readonly options: PlateauOptions = {}) {
    this.best = options.mode === 'max' ? -Infinity : Infinity;
  }

  step(metric: number): void {
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, cooldown = 0, minLr = 0 } = this.options;
    const better = mode === 'min' ? metric < this.best * (1 - threshold) : metric > this.best * (1 + threshold);
    if (better) {
      this.best = metric;
      this.bad = 0;
    } else {
      this.bad++;
    }
    if (this.cooling > 0) {
      this.cooling--;
      this.bad = 0;
    }
    if (this.bad > patience) {
      this.optimizer.lr = Math.max(this.optimizer.lr * factor, minLr);
      this.cooling = cooldown;
      this.bad = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.groupLrs();
  }
}
