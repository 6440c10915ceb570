import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/**
 * torch.nn.Flatten: dims startDim..endDim into one, by default (B, ...) -> (B, everything else), which
 * concatenates a context's embeddings or an image's feature maps into one vector.
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}
