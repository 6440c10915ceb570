import { noGrad } from '../tensor/autograd.js';
import { ones, zeros } from '../tensor/creation.js';
import { ZerogradError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, parameter } from './module.js';

/**
 * Batch normalisation over the batch (and, for 3-D input, the time) dims, as in PyTorch's BatchNorm1d
 * applied to (B, C) or (B, T, C): normalise with the batch's biased variance, track running statistics
 * (unbiased variance) for evaluation.
 */
export class BatchNorm1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  declare readonly running_mean: Tensor;
  declare readonly running_var: Tensor;

  constructor(readonly numFeatures: number, readonly options: { eps?: number; momentum?: number } = {}) {
    super();
    this.weight = parameter(ones([numFeatures]));
    this.bias = parameter(zeros([numFeatures]));
    this.registerBuffer('running_mean', zeros([numFeatures]));
    this.registerBuffer('running_var', ones([numFeatures]));
  }

  forward(x: Tensor): Tensor {
    const { eps = 1e-5, momentum = 0.1 } = this.options;
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.numFeatures) {
      throw new ZerogradError('BatchNorm1d', `expected (B, ${this.numFeatures}) or (B, T, ${this.numFeatures}) input, got shape [${x.shape.join(', ')}]`);
    }
    const dims = x.ndim === 2 ? [0] : [0, 1];
    let mean = this.running_mean;
    let variance = this.running_var;
    if (this.training) {
      mean = x.mean(dims, true);
      variance = x.var(dims, true, 0);
      const count = x.size / this.numFeatures;
      noGrad(() => {
        this.running_mean.copy_(this.running_mean.mul(1 - momentum).add(mean.reshape(-1).mul(momentum)));
        const unbiased = variance.reshape(-1).mul(count / Math.max(count - 1, 1));
        this.running_var.copy_(this.running_var.mul(1 - momentum).add(unbiased.mul(momentum)));
      });
    }
    const normalized = x.sub(mean).mul(variance.add(eps).rsqrt());
    return normalized.mul(this.weight).add(this.bias);
  }
}
