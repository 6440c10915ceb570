import { type DeviceStorage, type Storage, hostStorage } from '../core/dtype.js';
import { type MomentStorage, Optimizer, type Params, momentsFor } from './optimizer.js';

export interface AdagradOptions {
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

/** torch.optim.Adagrad: each parameter's step divided by the root of its gradients' summed squares. */
export class Adagrad extends Optimizer<AdagradOptions> {
  private readonly sum: MomentStorage[];

  constructor(params: Params<AdagradOptions>, lr = 1e-2, readonly options: AdagradOptions = {}) {
    super(params, lr);
    this.sum = this.params.map((p) => momentsFor(p).fill(options.initialAccumulatorValue ?? 0));
  }

  protected update(index: number, paramStorage: Storage, gradStorage: Storage): void {
    // A JavaScript loop over the elements: the CPU backends only.
    const [param, grad] = [hostStorage(paramStorage), hostStorage(gradStorage)];
    const { lrDecay = 0, weightDecay = 0, eps = 1e-10 } = this.optionsFor(index);
    const lr = this.lrFor(index);
    const clr = lr / (1 + (this.stepCount - 1) * lrDecay);
    const sum = this.sum[index];
    for (let i = 0; i < param.length; i++) {
      const g = grad[i] + weightDecay * param[i];
      sum[i] += g * g;
      param[i] -= (clr * g) / (Math.sqrt(sum[i]) + eps);
    }
  }

  protected stateStorage(): Map<string, MomentStorage | DeviceStorage> {
    return new Map(this.sum.map((t, i) => [`sum.${i}`, t] as const));
  }
}
