import { backend } from '../backend/registry.js';
import type { DeviceStorage, Storage } from '../core/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { type MomentStorage, Optimizer, type Params, kernelMomentsFor } from './optimizer.js';

export interface AdamWOptions {
  betas?: [number, number];
  eps?: number;
  /** Decoupled weight decay (Loshchilov & Hutter), applied to the parameters in `decay` only. */
  weightDecay?: number;
}

/** Adam with decoupled weight decay, as torch.optim.AdamW; parameter groups by a decay predicate. */
export class AdamW extends Optimizer<AdamWOptions> {
  /** First and second moments, in each parameter's own dtype (float64 parameters keep float64 moments). */
  private readonly m: (MomentStorage | DeviceStorage)[];
  private readonly v: (MomentStorage | DeviceStorage)[];
  private readonly decays: boolean[];

  /**
   * @param decay which parameters get weight decay; by default those with 2 or more dims (matrices, as
   *   nanoGPT), so biases and LayerNorm gains are not decayed. Pass a predicate to choose otherwise.
   */
  constructor(params: Params<AdamWOptions>, lr: number, readonly options: AdamWOptions = {},
    decay: (p: Tensor) => boolean = (p) => p.ndim >= 2) {
    super(params, lr);
    this.m = this.params.map((p) => kernelMomentsFor(p));
    this.v = this.params.map((p) => kernelMomentsFor(p));
    this.decays = this.params.map(decay);
  }

  protected update(index: number, param: Storage, grad: Storage): void {
    const { betas: [beta1, beta2] = [0.9, 0.999], eps = 1e-8, weightDecay = 0.01 } = this.optionsFor(index);
    const lr = this.lrFor(index);
    backend().adamw({ param, grad, m: this.m[index], v: this.v[index], step: {
      beta1, beta2, eps,
      // A group that sets weightDecay itself is decayed at that rate whatever the predicate says.
      decayFactor: this.decays[index] || this.groupSets(index, 'weightDecay') ? 1 - lr * weightDecay : 1,
      stepSize: lr / (1 - beta1 ** this.stepCount),
      correction2: 1 - beta2 ** this.stepCount,
    } });
  }

  protected stateStorage(): Map<string, MomentStorage | DeviceStorage> {
    return new Map([...this.m.map((t, i) => [`exp_avg.${i}`, t] as const), ...this.v.map((t, i) => [`exp_avg_sq.${i}`, t] as const)]);
  }
}
