import { backend } from '../backend/registry.js';
import { type DeviceStorage, type Storage, hostStorage } from '../core/dtype.js';
import { type MomentStorage, Optimizer, type Params, kernelMomentsFor } from './optimizer.js';

export interface SGDOptions {
  momentum?: number;
  /** L2 penalty added to the gradient (coupled weight decay, as torch.optim.SGD). */
  weightDecay?: number;
  /** Scales the new gradient's share of the momentum buffer by (1 - dampening), after the first step. */
  dampening?: number;
  /** Step along g + momentum * buffer (Nesterov's look-ahead) instead of along the buffer. */
  nesterov?: boolean;
}

/** p -= lr * (g + wd * p), optionally with heavy-ball (or Nesterov) momentum, as torch.optim.SGD. */
export class SGD extends Optimizer<SGDOptions> {
  /** Momentum buffers, in each parameter's dtype. */
  private readonly velocity: (MomentStorage | DeviceStorage)[];

  constructor(params: Params<SGDOptions>, lr: number, readonly options: SGDOptions = {}) {
    super(params, lr);
    this.velocity = options.momentum ? this.params.map(kernelMomentsFor) : [];
  }

  protected update(index: number, param: Storage, grad: Storage): void {
    const { momentum = 0, weightDecay = 0, dampening = 0, nesterov = false } = this.optionsFor(index);
    const lr = this.lrFor(index);
    if (!nesterov && (dampening === 0 || !momentum)) {
      backend().sgd({ param, grad, velocity: this.velocity[index] ?? null, lr, momentum, weightDecay });
      return;
    }
    // PyTorch's buffer starts as the first gradient itself; dampening applies from the second step on.
    const buf = hostStorage(this.velocity[index]);
    const [values, grads] = [hostStorage(param), hostStorage(grad)];
    const first = this.stepCount === 1;
    for (let i = 0; i < values.length; i++) {
      const g = grads[i] + weightDecay * values[i];
      buf[i] = first ? g : momentum * buf[i] + (1 - dampening) * g;
      values[i] -= lr * (nesterov ? g + momentum * buf[i] : buf[i]);
    }
  }

  protected stateStorage(): Map<string, MomentStorage | DeviceStorage> {
    return new Map(this.velocity.map((v, i) => [`velocity.${i}`, v]));
  }
}
