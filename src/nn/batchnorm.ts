import { noGrad } from '../tensor/autograd.js';
import { ones, zeros } from '../tensor/creation.js';
import { ZerogradError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, parameter } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
}

/**
 * What every batch normalisation shares: normalise with the batch's biased variance over `dims`, track
 * running statistics (unbiased variance) for evaluation, then scale and shift per feature. `featureShape`
 * is where the features sit for broadcasting: [C] for channels last, [1, C, 1, 1] for images.
 */
abstract class BatchNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  declare readonly running_mean: Tensor;
  declare readonly running_var: Tensor;

  constructor(readonly numFeatures: number, readonly options: BatchNormOptions = {}) {
    super();
    this.weight = parameter(ones([numFeatures]));
    this.bias = parameter(zeros([numFeatures]));
    this.registerBuffer('running_mean', zeros([numFeatures]));
    this.registerBuffer('running_var', ones([numFeatures]));
  }

  protected normalize(x: Tensor, dims: number[], featureShape: number[]): Tensor {
    const { eps = 1e-5, momentum = 0.1 } = this.options;
    let mean = this.running_mean.view(...featureShape);
    let variance = this.running_var.view(...featureShape);
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
    return normalized.mul(this.weight.view(...featureShape)).add(this.bias.view(...featureShape));
  }
}

/**
 * Batch normalisation over the batch (and, for 3-D input, the time) dims of (B, C) or (B, T, C), features
 * last, as the makemore lecture applies it.
 */
export class BatchNorm1d extends BatchNorm {
  forward(x: Tensor): Tensor {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.numFeatures) {
      throw new ZerogradError('BatchNorm1d', `expected (B, ${this.numFeatures}) or (B, T, ${this.numFeatures}) input, got shape [${x.shape.join(', ')}]`);
    }
    return this.normalize(x, x.ndim === 2 ? [0] : [0, 1], [this.numFeatures]);
  }
}

/** torch.nn.BatchNorm2d: per channel of (N, C, H, W), over the batch and both spatial dims. */
export class BatchNorm2d extends BatchNorm {
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      throw new ZerogradError('BatchNorm2d', `expected (N, ${this.numFeatures}, H, W) input, got shape [${x.shape.join(', ')}]`);
    }
    return this.normalize(x, [0, 2, 3], [1, this.numFeatures, 1, 1]);
  }
}
