import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** (B, ...) -> (B, everything else): concatenates a context's embeddings into one vector. */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return x.reshape(x.shape[0], -1);
  }
}
