import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/**
 * torch.nn.ModuleList: modules held by position, registered as children '0', '1', ... so their parameters are
 * named `list.0.weight` as PyTorch names them. Iterable, with length, at(i) and append.
 */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  [index: number]: M;
  private count = 0;

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  append(module: M): this {
    (this as unknown as Record<number, M>)[this.count++] = module;
    return this;
  }

  get length(): number {
    return this.count;
  }

  at(index: number): M {
    const i = index < 0 ? this.count + index : index;
    if (!(i >= 0 && i < this.count)) throw new RangeError(`ModuleList: index ${index} is out of range for ${this.count} modules`);
    return this[i];
  }

  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; i < this.count; i++) yield this[i];
  }
}

/** torch.nn.ModuleDict: modules by name, registered as children under those names. */
export class ModuleDict<M extends Module = Module> extends Module {
  private readonly names: string[] = [];

  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [name, m] of Object.entries(modules)) this.set(name, m);
  }

  set(name: string, module: M): this {
    if (name in this && !this.names.includes(name)) throw new Error(`ModuleDict: '${name}' is a property of the dict itself`);
    if (!this.names.includes(name)) this.names.push(name);
    (this as unknown as Record<string, M>)[name] = module;
    return this;
  }

  get(name: string): M | undefined {
    return this.names.includes(name) ? (this as unknown as Record<string, M>)[name] : undefined;
  }

  keys(): string[] {
    return [...this.names];
  }

  entries(): [string, M][] {
    return this.names.map((n) => [n, (this as unknown as Record<string, M>)[n]]);
  }
}

/** torch.nn.Identity: returns its input (a placeholder where a layer is optional). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
