import { noGrad } from '../tensor/autograd.js';
import { isDevice } from '../core/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** Something Sequential can chain: a tensor in, a tensor out. */
export interface Layer {
  forward(x: Tensor): Tensor;
}

/**
 * Base of every neural-network module. Parameters, buffers and sub-modules are found by walking the
 * module's own properties in declaration order, so their dotted names (`layers.0.weight`) are the
 * ones PyTorch would give the same structure, which is what checkpoints are keyed by.
 */
export abstract class Module {
  training = true;
  private readonly bufferNames = new Set<string>();

  /** Declares a tensor that is saved with the model but not trained (running statistics, masks). */
  protected registerBuffer(name: string, value: Tensor): Tensor {
    this.bufferNames.add(name);
    (this as unknown as Record<string, Tensor>)[name] = value;
    return value;
  }

  /** Direct sub-modules by name; an array of modules contributes `name.0`, `name.1`, ... */
  namedChildren(): [string, Module][] {
    const children: [string, Module][] = [];
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Module) children.push([name, value]);
      else if (Array.isArray(value)) value.forEach((item, i) => item instanceof Module && children.push([`${name}.${i}`, item]));
    }
    return children;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const own = Object.entries(this)
      .filter(([name, value]) => value instanceof Tensor && value.isLeaf && (value.requiresGrad || PARAMETERS.has(value)) && !this.bufferNames.has(name))
      .map(([name, value]) => [prefix + name, value as Tensor] as [string, Tensor]);
    return [...own, ...this.namedChildren().flatMap(([name, child]) => child.namedParameters(`${prefix}${name}.`))];
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const own = [...this.bufferNames].map((name) => [prefix + name, (this as unknown as Record<string, Tensor>)[name]] as [string, Tensor]);
    return [...own, ...this.namedChildren().flatMap(([name, child]) => child.namedBuffers(`${prefix}${name}.`))];
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every parameter's scalars, frozen ones included, counted once even when a tensor is shared (tied weights). */
  numParameters(): number {
    return [...new Set(this.parameters())].reduce((n, p) => n + p.size, 0);
  }

  /** The parameters that train (requiresGrad): what an optimizer should be given after freezing. */
  trainableParameters(): Tensor[] {
    return this.parameters().filter((p) => p.requiresGrad);
  }

  /** Training mode (batch statistics, dropout on) for this module and all below it. */
  train(mode = true): this {
    this.training = mode;
    for (const [, child] of this.namedChildren()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Parameters and buffers by name, the content of a checkpoint. */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * stateDict() with every tensor in host memory: a model trained on WebGPU is read back here, after the work
   * queued before the call, to be saved or copied into a CPU twin. On the CPU backends it is stateDict().
   */
  async stateDictAsync(): Promise<Map<string, Tensor>> {
    const entries = await Promise.all([...this.stateDict()].map(async ([name, t]) =>
      [name, isDevice(t.data) ? Tensor.fromStorage(await t.hostDataAsync(), t.shape) : t] as const));
    return new Map(entries);
  }

  /** Copies tensors into this module's parameters and buffers by name, checking names and shapes. */
  loadStateDict(state: ReadonlyMap<string, Tensor>, { strict = true } = {}): void {
    const own = this.stateDict();
    if (strict) {
      const missing = [...own.keys()].filter((k) => !state.has(k));
      const unexpected = [...state.keys()].filter((k) => !own.has(k));
      if (missing.length || unexpected.length) {
        throw new Error(`loadStateDict: missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`);
      }
    }
    noGrad(() => {
      for (const [name, target] of own) {
        const source = state.get(name);
        if (!source) continue;
        if (source.shape.join() !== target.shape.join()) {
          throw new Error(`loadStateDict: '${name}' has shape [${source.shape}] in the checkpoint but [${target.shape}] in the model`);
        }
        // float64 and float32 convert by value (rounding to nearest); integers and floats never mix.
        if ((source.dtype === 'int32') !== (target.dtype === 'int32')) {
          throw new Error(`loadStateDict: '${name}' is ${source.dtype} in the checkpoint but ${target.dtype} in the model; convert it explicitly (.to('${target.dtype}')) if that is meant`);
        }
        target.copy_(source);
      }
    });
  }
}

/**
 * Every tensor made a parameter. It stays one when frozen (requiresGrad_(false), as LoRA freezes a base model):
 * still in parameters() and the state dict, as PyTorch's frozen parameters are, but given no gradient.
 */
const PARAMETERS = new WeakSet<Tensor>();

/** Marks a fresh tensor as a trainable parameter of the module it is assigned to. */
export const parameter = (t: Tensor): Tensor => {
  PARAMETERS.add(t);
  return t.requiresGrad_();
};
