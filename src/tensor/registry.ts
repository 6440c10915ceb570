/** What the op registry knows of each public tensor op; the gradcheck suite enumerates it. */
export interface OpInfo {
  readonly name: string;
  /** True when gradients flow through the op (and so gradcheck must cover it). */
  readonly differentiable: boolean;
}

const ops = new Map<string, OpInfo>();

/** Registers a public op under `name` and returns its implementation unchanged. */
export function defineOp<F extends (...args: never[]) => unknown>(name: string, differentiable: boolean, fn: F): F {
  if (ops.has(name)) throw new Error(`defineOp: op '${name}' is already registered`);
  ops.set(name, { name, differentiable });
  return fn;
}

export function registeredOps(): OpInfo[] {
  return [...ops.values()];
}
