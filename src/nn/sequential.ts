import { ZerogradError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Layer, Module } from './module.js';

/** Layers applied one after another; parameters are named `layers.<i>.<name>`. */
export class Sequential extends Module {
  readonly layers: (Module & Layer)[];

  constructor(layers: (Module & Layer)[]) {
    super();
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}

/**
 * Groups n consecutive time steps into one: (B, T, C) -> (B, T/n, C*n), dropping a time dim of 1.
 * Stacking these builds the WaveNet-style hierarchy that fuses context pairwise.
 */
export class FlattenConsecutive extends Module {
  constructor(readonly n: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape;
    if (x.ndim !== 3 || T % this.n !== 0) {
      throw new ZerogradError('FlattenConsecutive', `expected (B, T, C) with T divisible by ${this.n}, got shape [${x.shape.join(', ')}]`);
    }
    const out = x.reshape(B, T / this.n, C * this.n);
    return T / this.n === 1 ? out.squeeze(1) : out;
  }
}
