import { ones, zeros } from '../tensor/creation.js';
import { ZerogradError } from '../core/errors.js';
import { batchNorm } from '../tensor/ops/normalization.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, parameter } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
}

/**
 * What every batch normalisation shares: normalise each feature with the batch's biased variance over every
 * other dim, track running statistics (unbiased variance) for evaluation, then scale and shift per feature; in
 * training all of it is one fused op, batchNorm.
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

  /** Normalises each slice of x along `featureDim`: with the batch's statistics in training, the running ones after. */
  protected normalize(x: Tensor, featureDim: number): Tensor {
    const { eps = 1e-5, momentum = 0.1 } = this.options;
    if (this.training) {
      return batchNorm(x, featureDim, this.weight, this.bias, eps, { mean: this.running_mean, variance: this.running_var, momentum });
    }
    const featureShape = x.shape.map((size, d) => (d === featureDim ? size : 1));
    const normalized = x.sub(this.running_mean.view(...featureShape)).mul(this.running_var.view(...featureShape).add(eps).rsqrt());
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
    return this.normalize(x, x.ndim - 1);
  }
}

/** torch.nn.BatchNorm2d: per channel of (N, C, H, W), over the batch and both spatial dims. */
export class BatchNorm2d extends BatchNorm {
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      throw new ZerogradError('BatchNorm2d', `expected (N, ${this.numFeatures}, H, W) input, got shape [${x.shape.join(', ')}]`);
    }
    return this.normalize(x, 1);
  }
}
