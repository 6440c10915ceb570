import { ZerogradError } from '../tensor/errors.js';
import type { Storage } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/** An optimizer's per-parameter state: float64 for float64 parameters, float32 otherwise. */
export type MomentStorage = Float32Array | Float64Array;

/** Zeroed state for `param`, in its dtype. */
export const momentsFor = (param: Tensor): MomentStorage => (param.dtype === 'float64' ? new Float64Array(param.size) : new Float32Array(param.size));

/** Shared bookkeeping of optimizers: the parameter list, the learning rate, and gradient reset. */
export abstract class Optimizer {
  readonly params: Tensor[];
  /** Number of step() calls so far (Adam's bias correction uses it; checkpoints save it). */
  stepCount = 0;

  constructor(params: Iterable<Tensor>, public lr: number) {
    // Tied weights appear twice in a module's parameter list but must be updated once.
    this.params = [...new Set(params)];
    this.params.forEach((p, i) => {
      if (!p.isContiguous() || p.offset !== 0 || p.data.length !== p.size) {
        throw new ZerogradError('Optimizer', `parameter ${i} of shape [${p.shape.join(', ')}] is a view; optimizers update whole dense tensors`);
      }
    });
  }

  /** Drops the gradients (PyTorch's default, set_to_none=True), or with `setToNone: false` fills them with zeros. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const p of this.params) {
      if (setToNone || !p.grad) p.grad = null;
      else p.grad = p.grad.zerosLike();
    }
  }

  step(): void {
    this.stepCount++;
    this.params.forEach((p, i) => {
      if (p.grad) this.update(i, p.data, p.grad.denseData());
    });
  }

  /** Updates parameter `index`'s elements in place from its gradient. */
  protected abstract update(index: number, param: Storage, grad: Storage): void;

  /** Per-parameter state tensors by name, for checkpoints (empty for stateless optimizers). */
  abstract stateTensors(): Map<string, MomentStorage>;

  /** Restores state saved by stateTensors() (the arrays are copied into this optimizer's own). */
  loadStateTensors(state: ReadonlyMap<string, MomentStorage>, stepCount: number): void {
    for (const [name, target] of this.stateTensors()) {
      const source = state.get(name);
      if (!source || source.length !== target.length) {
        throw new Error(`optimizer state '${name}' is ${source ? `of length ${source.length}, expected ${target.length}` : 'missing'} in the checkpoint`);
      }
      target.set(source);
    }
    this.stepCount = stepCount;
  }
}
