import { ones, zeros } from '../tensor/creation.js';
import { ZerogradError } from '../core/errors.js';
import { layerNorm } from '../tensor/ops/normalization.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, parameter } from './module.js';

/** Normalises each position's features to zero mean and unit variance, then scales and shifts (torch.nn.LayerNorm). */
export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  readonly eps: number;

  constructor(readonly normalizedShape: number, { bias = true, eps = 1e-5 } = {}) {
    super();
    this.eps = eps;
    this.weight = parameter(ones([normalizedShape]));
    this.bias = bias ? parameter(zeros([normalizedShape])) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.normalizedShape) {
      throw new ZerogradError('LayerNorm', `expected the last dim to be ${this.normalizedShape}, got shape [${x.shape.join(', ')}]`);
    }
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
