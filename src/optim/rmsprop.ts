import { type DeviceStorage, type Storage, hostStorage } from '../core/dtype.js';
import { type MomentStorage, Optimizer, type Params, momentsFor } from './optimizer.js';

export interface RMSpropOptions {
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  /** Divide by the gradient's variance (its mean subtracted) instead of its second moment. */
  centered?: boolean;
}

/** torch.optim.RMSprop: the step divided by a running root mean square of the gradient. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  private readonly squareAvg: MomentStorage[];
  private readonly gradAvg: MomentStorage[];
  private readonly buffer: MomentStorage[];

  constructor(params: Params<RMSpropOptions>, lr = 1e-2, readonly options: RMSpropOptions = {}) {
    super(params, lr);
    this.squareAvg = this.params.map(momentsFor);
    this.gradAvg = options.centered ? this.params.map(momentsFor) : [];
    this.buffer = options.momentum ? this.params.map(momentsFor) : [];
  }

  protected update(index: number, paramStorage: Storage, gradStorage: Storage): void {
    // A JavaScript loop over the elements: the CPU backends only.
    const [param, grad] = [hostStorage(paramStorage), hostStorage(gradStorage)];
    const { alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false } = this.optionsFor(index);
    const lr = this.lrFor(index);
    const sq = this.squareAvg[index];
    for (let i = 0; i < param.length; i++) {
      const g = grad[i] + weightDecay * param[i];
      sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
      let avg = sq[i];
      if (centered) {
        const ga = this.gradAvg[index];
        ga[i] = alpha * ga[i] + (1 - alpha) * g;
        avg -= ga[i] * ga[i];
      }
      const denom = Math.sqrt(avg) + eps;
      if (momentum > 0) {
        const buf = this.buffer[index];
        buf[i] = momentum * buf[i] + g / denom;
        param[i] -= lr * buf[i];
      } else {
        param[i] -= (lr * g) / denom;
      }
    }
  }

  protected stateStorage(): Map<string, MomentStorage | DeviceStorage> {
    return new Map([
      ...this.squareAvg.map((t, i) => [`square_avg.${i}`, t] as const),
      ...this.gradAvg.map((t, i) => [`grad_avg.${i}`, t] as const),
      ...this.buffer.map((t, i) => [`momentum_buffer.${i}`, t] as const),
    ]);
  }
}
