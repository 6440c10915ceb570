import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** tanh as a layer, keeping its last output for the saturation diagnostics. */
export class Tanh extends Module {
  out: Tensor | null = null;

  forward(x: Tensor): Tensor {
    this.out = x.tanh();
    return this.out;
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return x.relu(); }
}

/** GELU with the exact Gaussian CDF (torch.nn.GELU()). */
export class GELU extends Module {
  forward(x: Tensor): Tensor { return x.gelu(); }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return x.sigmoid(); }
}

/** torch.nn.Softmax(dim). */
export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }

  forward(x: Tensor): Tensor { return x.softmax(this.dim); }
}

/** torch.nn.LogSoftmax(dim). */
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }

  forward(x: Tensor): Tensor { return x.logSoftmax(this.dim); }
}
