import { backend } from '../backend/registry.js';
import type { Storage } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export interface SGDOptions {
  momentum?: number;
  /** L2 penalty added to the gradient (coupled weight decay, as torch.optim.SGD). */
  weightDecay?: number;
}

/** p -= lr * (g + wd * p), optionally with heavy-ball momentum. */
export class SGD extends Optimizer {
  private readonly velocity: Float32Array[];

  constructor(params: Iterable<Tensor>, lr: number, readonly options: SGDOptions = {}) {
    super(params, lr);
    this.velocity = options.momentum ? this.params.map((p) => new Float32Array(p.size)) : [];
  }

  protected update(index: number, param: Storage, grad: Storage): void {
    const { momentum = 0, weightDecay = 0 } = this.options;
    backend().sgd(param, grad, this.velocity[index] ?? null, this.lr, momentum, weightDecay);
  }

  stateTensors(): Map<string, Float32Array> {
    return new Map(this.velocity.map((v, i) => [`velocity.${i}`, v]));
  }
}
