import { type DeviceStorage, type Storage, hostStorage } from '../core/dtype.js';
import { type MomentStorage, Optimizer, type Params, momentsFor } from './optimizer.js';

export interface AdamOptions {
  betas?: [number, number];
  eps?: number;
  /** L2 penalty added to the gradient (coupled, as torch.optim.Adam; AdamW decouples it). */
  weightDecay?: number;
}

/** torch.optim.Adam: moments of the gradient and its square, bias-corrected; weight decay added to the gradient. */
export class Adam extends Optimizer<AdamOptions> {
  private readonly m: MomentStorage[];
  private readonly v: MomentStorage[];

  constructor(params: Params<AdamOptions>, lr = 1e-3, readonly options: AdamOptions = {}) {
    super(params, lr);
    this.m = this.params.map(momentsFor);
    this.v = this.params.map(momentsFor);
  }

  protected update(index: number, paramStorage: Storage, gradStorage: Storage): void {
    // A JavaScript loop over the elements: the CPU backends only.
    const [param, grad] = [hostStorage(paramStorage), hostStorage(gradStorage)];
    const { betas: [b1, b2] = [0.9, 0.999], eps = 1e-8, weightDecay = 0 } = this.optionsFor(index);
    const lr = this.lrFor(index);
    const m = this.m[index];
    const v = this.v[index];
    const c1 = 1 - b1 ** this.stepCount;
    const c2 = Math.sqrt(1 - b2 ** this.stepCount);
    for (let i = 0; i < param.length; i++) {
      const g = grad[i] + weightDecay * param[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      param[i] -= (lr / c1) * m[i] / (Math.sqrt(v[i]) / c2 + eps);
    }
  }

  protected stateStorage(): Map<string, MomentStorage | DeviceStorage> {
    return new Map([...this.m.map((t, i) => [`exp_avg.${i}`, t] as const), ...this.v.map((t, i) => [`exp_avg_sq.${i}`, t] as const)]);
  }
}
