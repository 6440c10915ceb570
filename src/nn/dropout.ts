import { rand, tensor } from '../tensor/creation.js';
import { fillBernoulli } from '../tensor/torchRandom.js';
import { type Generator, defaultGenerator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** Zeroes each element with probability p during training and rescales the rest by 1/(1-p); identity in eval. */
export class Dropout extends Module {
  constructor(readonly p: number, private readonly generator: Generator = defaultGenerator) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    if (this.generator.stream === 'torch') {
      // PyTorch's CPU dropout: a bernoulli(1 - p) mask divided by 1 - p, then one product.
      const values = new Float32Array(x.size);
      fillBernoulli(this.generator, values, 1 - this.p);
      const mask = tensor(values, { shape: x.shape, dtype: x.dtype });
      return x.mul(mask.div(1 - this.p));
    }
    const keep = rand(x.shape, { generator: this.generator, dtype: x.dtype }).ge(this.p);
    return x.mul(keep).mul(1 / (1 - this.p));
  }
}
