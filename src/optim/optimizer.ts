import { ZerogradError } from '../core/errors.js';
import { type DeviceStorage, type Storage, hostStorage, isDevice } from '../core/dtype.js';
import { backend } from '../backend/registry.js';
import type { Tensor } from '../tensor/tensor.js';

/** An optimizer's per-parameter state: float64 for float64 parameters, float32 otherwise. */
export type MomentStorage = Float32Array | Float64Array;

/** Zeroed state for `param`, in its dtype. */
export const momentsFor = (param: Tensor): MomentStorage => (param.dtype === 'float64' ? new Float64Array(param.size) : new Float32Array(param.size));

/** Moments an update kernel keeps: beside the parameter, in device memory when the parameter is there. */
export const kernelMomentsFor = (param: Tensor): MomentStorage | DeviceStorage =>
  (isDevice(param.data) ? backend().alloc('float32', param.size) as DeviceStorage : momentsFor(param));

/**
 * A parameter group, as torch.optim takes them: its tensors, and settings that differ from the optimizer's
 * (`{ params: biases, weightDecay: 0 }`, `{ params: head, lr: 1e-2 }`).
 */
export type ParamGroup<O extends object = object> = { params: Iterable<Tensor>; lr?: number } & Partial<O>;

/** Tensors, or parameter groups of them. */
export type Params<O extends object = object> = Iterable<Tensor> | readonly ParamGroup<O>[];

const isGroups = <O extends object>(params: Params<O>): params is readonly ParamGroup<O>[] =>
  Array.isArray(params) && params.length > 0 && params.every((g) => g && typeof g === 'object' && 'params' in g);

/** Shared bookkeeping of optimizers: the parameter list and groups, the learning rate, and gradient reset. */
export abstract class Optimizer<O extends object = object> {
  readonly params: Tensor[];
  /** Number of step() calls so far (Adam's bias correction uses it; checkpoints save it). */
  stepCount = 0;
  /** Each parameter's group: its learning rate as a multiple of `lr`, and the settings it overrides. */
  private readonly groupOf: { lrRatio: number; overrides: Partial<O>; group: number }[];
  protected abstract readonly options: O;

  /**
   * @param lr the learning rate; a group's own `lr` keeps its ratio to this one, so a schedule that sets `lr`
   *   scales every group alike, as PyTorch's schedulers scale each group's initial rate.
   */
  constructor(params: Params<O>, public lr: number) {
    const groups: ParamGroup<O>[] = isGroups(params) ? [...params] : [{ params } as ParamGroup<O>];
    const seen = new Map<Tensor, number>();
    groups.forEach((group, g) => {
      for (const p of group.params) {
        if (!seen.has(p)) seen.set(p, g);
        // Tied weights appear twice in a module's parameter list but must be updated once.
        else if (seen.get(p) !== g) throw new ZerogradError('Optimizer', `a parameter of shape [${p.shape.join(', ')}] is in parameter groups ${seen.get(p)} and ${g}`);
      }
    });
    this.params = [...seen.keys()];
    this.groupOf = this.params.map((p) => {
      const g = seen.get(p)!;
      const { params: _, lr: groupLr, ...overrides } = groups[g];
      return { lrRatio: groupLr === undefined ? 1 : groupLr / lr, overrides: overrides as unknown as Partial<O>, group: g };
    });
    this.params.forEach((p, i) => {
      if (!p.isContiguous() || p.offset !== 0 || p.data.length !== p.size) {
        throw new ZerogradError('Optimizer', `parameter ${i} of shape [${p.shape.join(', ')}] is a view; optimizers update whole dense tensors`);
      }
    });
  }

  /** Drops the gradients (PyTorch's default, set_to_none=True), or with `setToNone: false` fills them with zeros. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const p of this.params) {
      if (p.grad && isDevice(p.grad.data)) backend().free?.(p.grad.data);
      if (setToNone || !p.grad) p.grad = null;
      else p.grad = p.grad.zerosLike();
    }
  }

  /** Parameter `index`'s learning rate: `lr`, times its group's ratio. */
  protected lrFor(index: number): number {
    return this.lr * this.groupOf[index].lrRatio;
  }

  /** Parameter `index`'s settings: the optimizer's, with its group's overrides. */
  protected optionsFor(index: number): O {
    return { ...this.options, ...this.groupOf[index].overrides };
  }

  /** Whether parameter `index`'s group sets `key` itself. */
  protected groupSets(index: number, key: keyof O): boolean {
    return key in this.groupOf[index].overrides;
  }

  /** Each group's current learning rate, in group order (PyTorch's [g['lr'] for g in param_groups]). */
  groupLrs(): number[] {
    const ratios: number[] = [];
    for (const { group, lrRatio } of this.groupOf) ratios[group] = lrRatio;
    return ratios.map((r) => this.lr * r);
  }

  step(): void {
    this.stepCount++;
    this.params.forEach((p, i) => {
      if (p.grad) this.update(i, p.data, p.grad.denseData());
    });
  }

  /** Updates parameter `index`'s elements in place from its gradient. */
  protected abstract update(index: number, param: Storage, grad: Storage): void;

  /** Per-parameter state by name (empty for stateless optimizers), where the update kernels keep it. */
  protected abstract stateStorage(): Map<string, MomentStorage | DeviceStorage>;

  /** Per-parameter state by name, for checkpoints; state in GPU memory is read with stateTensorsAsync. */
  stateTensors(): Map<string, MomentStorage> {
    return new Map([...this.stateStorage()].map(([name, s]) => [name, hostStorage(s) as MomentStorage]));
  }

  /** stateTensors() on every backend: state in GPU memory is read back after the steps queued before it. */
  async stateTensorsAsync(): Promise<Map<string, MomentStorage>> {
    const read = async (s: MomentStorage | DeviceStorage) => (isDevice(s) ? await s.read() : s) as MomentStorage;
    return new Map(await Promise.all([...this.stateStorage()].map(async ([name, s]) => [name, await read(s)] as const)));
  }

  /** Restores state saved by stateTensors() (the arrays are copied into this optimizer's own, on the device too). */
  loadStateTensors(state: ReadonlyMap<string, MomentStorage>, stepCount: number): void {
    for (const [name, target] of this.stateStorage()) {
      const source = state.get(name);
      if (!source || source.length !== target.length) {
        throw new Error(`optimizer state '${name}' is ${source ? `of length ${source.length}, expected ${target.length}` : 'missing'} in the checkpoint`);
      }
      if (isDevice(target)) backend().write!(target, source instanceof Float32Array ? source : Float32Array.from(source));
      else target.set(source);
    }
    this.stepCount = stepCount;
  }
}
