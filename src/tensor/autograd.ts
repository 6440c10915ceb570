import { ZerogradError, fmtShape } from '../core/errors.js';
import type { ScratchRegion } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { currentRegion } from './arena.js';
import { type Storage, allocStorage, isDevice } from '../core/dtype.js';
import { Tensor } from './tensor.js';

/**
 * How one op's output gradient flows back to its inputs. `backward` receives d(loss)/d(output) and
 * returns one gradient per input (null where an input needs none). A returned gradient may have a
 * broadcast shape: the engine sums it down to the input's shape, so op authors never unbroadcast.
 */
export interface GradFn {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly backward: (gradOutput: Tensor) => readonly (Tensor | null)[];
}

let gradEnabled = true;

export const isGradEnabled = (): boolean => gradEnabled;

/** Runs `fn` without recording a graph (evaluation, optimizer steps, and every backward rule). */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Attaches a backward rule to `out` when grad mode is on and some input requires grad. */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: GradFn['backward']): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = { op, inputs, backward };
  }
  return out;
}

/** Inputs before outputs, each tensor once: the order in which gradients are complete. */
function topologicalOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: a deep model (or a long unrolled loop) would overflow the JS call stack.
  const stack: { tensor: Tensor; expanded: boolean }[] = roots.map((tensor) => ({ tensor, expanded: false })).reverse();
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.expanded) {
      order.push(top.tensor);
      continue;
    }
    if (visited.has(top.tensor)) continue;
    visited.add(top.tensor);
    stack.push({ tensor: top.tensor, expanded: true });
    for (const input of top.tensor.gradFn?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push({ tensor: input, expanded: false });
    }
  }
  return order;
}

/** Graph nodes a backward pass has gone through without retainGraph: PyTorch frees their saved tensors. */
const consumed = new WeakSet<GradFn>();

export interface BackwardOptions {
  /** Keep the graph for another backward pass through it (PyTorch's retain_graph). */
  retainGraph?: boolean;
}

/**
 * Reverse-mode differentiation from `root`. Leaf tensors (and non-leaves that called retainGrad())
 * accumulate into `.grad`; every other intermediate gradient is dropped once it has been used. As in
 * PyTorch, a second pass through the same graph is an error unless the first one set retainGraph, since
 * accumulating twice by accident is a silent bug.
 */
export function backward(root: Tensor, gradient?: Tensor, { retainGraph = false }: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new ZerogradError('backward', 'the tensor does not require grad and has no grad_fn; mark an input with requiresGrad');
  }
  const region = currentRegion();
  const scratch = region && { region, since: region.mark() };
  const order = topologicalOrder([root]);
  checkNotConsumed('backward', order);
  const grads = new Map<Tensor, Tensor>([[root, seedGradient('backward', root, gradient).detach()]]);
  noGrad(() => propagate(order, grads, { scratch, accumulate: true }));
  if (!retainGraph) for (const t of order) if (t.gradFn) consumed.add(t.gradFn);
}

/** The gradient a pass starts from: the one given, or 1 for a one-element output. */
function seedGradient(op: string, output: Tensor, gradient: Tensor | undefined): Tensor {
  if (!gradient) {
    if (output.size !== 1) {
      throw new ZerogradError(op, `grad can be implicitly created only for scalar outputs, got shape ${fmtShape(output.shape)}; pass a gradient of that shape`);
    }
    return output.onesLike();
  }
  if (gradient.shape.join() !== output.shape.join()) {
    throw new ZerogradError(op, `gradient shape ${fmtShape(gradient.shape)} does not match output shape ${fmtShape(output.shape)}`);
  }
  return gradient;
}

function checkNotConsumed(op: string, order: readonly Tensor[]): void {
  if (order.some((t) => t.gradFn !== null && consumed.has(t.gradFn))) {
    throw new ZerogradError(op, 'trying to backward through the graph a second time; '
      + 'call backward({ retainGraph: true }) the first time if you need to, or recompute the forward pass');
  }
}

export interface GradOptions {
  /** d(loss)/d(output) for each output (default: 1 for one-element outputs). */
  gradOutputs?: readonly Tensor[];
  /** Record the backward pass itself, so the gradients can be differentiated again (higher-order). */
  createGraph?: boolean;
  /** Keep the graph for another pass (defaults to createGraph, as in PyTorch). */
  retainGraph?: boolean;
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * torch.autograd.grad: the gradients of `outputs` with respect to `inputs`, returned rather than accumulated into
 * `.grad`. With createGraph the backward rules run with grad mode on, so the result is itself differentiable
 * (every op whose backward is written with tensor ops, the elementwise ones included, supports this).
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[],
  { gradOutputs, createGraph = false, retainGraph = createGraph, allowUnused = false }: GradOptions = {}): (Tensor | null)[] {
  const roots = Array.isArray(outputs) ? [...outputs] : [outputs as Tensor];
  roots.forEach((r, i) => {
    if (!r.requiresGrad) throw new ZerogradError('grad', `output ${i} does not require grad and has no grad_fn`);
  });
  inputs.forEach((t, i) => {
    if (!t.requiresGrad) throw new ZerogradError('grad', `input ${i} of shape ${fmtShape(t.shape)} does not require grad`);
  });
  const order = topologicalOrder(roots);
  checkNotConsumed('grad', order);
  const grads = new Map<Tensor, Tensor>();
  roots.forEach((r, i) => {
    const seed = seedGradient('grad', r, gradOutputs?.[i]);
    const existing = grads.get(r);
    grads.set(r, existing ? existing.add(seed) : createGraph ? seed : seed.detach());
  });
  const captured = new Map<Tensor, Tensor | null>(inputs.map((t) => [t, null]));
  const run = () => propagate(order, grads, { scratch: null, accumulate: false, captured });
  if (createGraph) run();
  else noGrad(run);
  if (!retainGraph) for (const t of order) if (t.gradFn) consumed.add(t.gradFn);
  return inputs.map((t, i) => {
    const g = captured.get(t) ?? null;
    if (!g && !allowUnused) throw new ZerogradError('grad', `input ${i} of shape ${fmtShape(t.shape)} was not used to compute the outputs; pass allowUnused: true to get null for it`);
    return g;
  });
}

/** A dense copy of `source` on memory no training step's scratch region owns: it outlives arenaStep. */
export function ownedCopy(source: Tensor): Tensor {
  const b = backend();
  const storage = isDevice(source.data) && b.persistent ? b.persistent(source.dtype, source.size) : allocStorage(source.dtype, source.size);
  const copy = Tensor.fromStorage(storage, source.shape);
  backend().copy({ shape: source.shape, src: source, dst: copy });
  return copy;
}

/** The step's scratch region while backward runs inside arenaStep, and its mark when backward began. */
interface Scratch {
  region: ScratchRegion;
  since: number;
}

/**
 * Gives consumed gradients' memory back to the step's scratch region, so that a step's peak is its
 * activations plus the gradients still pending, not every gradient it made. Only storage made during this
 * backward pass qualifies (never an activation a later closure still reads), and only when no pending
 * gradient shares any of its bytes (add's backward hands one gradient to both inputs; views share storage).
 */
function recycle(scratch: Scratch | null, dead: Set<Tensor>, pending: Map<Tensor, Tensor>): void {
  if (!scratch) return;
  for (const tensor of dead) {
    const data = tensor.data;
    if (!scratch.region.holds(data) || sharesMemory(data, pending)) continue;
    if (scratch.region.recycle(data, scratch.since)) tensor.release();
  }
}

/** Whether any pending gradient's storage overlaps `data` (device storage is never a view: only the same object shares). */
function sharesMemory(data: Storage, pending: Map<Tensor, Tensor>): boolean {
  for (const other of pending.values()) {
    const d = other.data;
    if (d === data) return true;
    if (!isDevice(d) && !isDevice(data) && d.buffer === data.buffer
      && d.byteOffset < data.byteOffset + data.byteLength && data.byteOffset < d.byteOffset + d.byteLength) return true;
  }
  return false;
}

interface PropagateOptions {
  scratch: Scratch | null;
  /** Accumulate into the leaves' (and retaining tensors') .grad, as backward() does. */
  accumulate: boolean;
  /** Tensors whose complete gradient to record instead (autograd.grad's inputs; null until it arrives). */
  captured?: Map<Tensor, Tensor | null>;
}

/** Pushes gradients from the outputs to the leaves in reverse topological order, running hooks on the way. */
function propagate(order: Tensor[], grads: Map<Tensor, Tensor>, { scratch, accumulate, captured }: PropagateOptions): void {
  for (let i = order.length - 1; i >= 0; i--) {
    const tensor = order[i];
    let grad = grads.get(tensor);
    if (!grad) continue;
    grads.delete(tensor);
    // Hooks see the tensor's complete gradient and may replace it (PyTorch's register_hook).
    for (const hook of tensor.hooks) grad = hook(grad) ?? grad;
    const dead = new Set([grad]);
    if (captured?.has(tensor)) captured.set(tensor, grad);
    if (accumulate && (tensor.gradFn === null || tensor.retainsGrad)) {
      // A fresh dense tensor the leaf owns: the same gradient object can reach several inputs (add's
      // backward returns it twice), and optimizers or clipping may scale .grad in place. It is
      // ordinary memory, not a training step's scratch (see arenaStep): it outlives the step.
      const previous = tensor.grad;
      const total = previous ? previous.add(grad) : grad;
      tensor.grad = ownedCopy(total);
      if (previous && isDevice(previous.data)) backend().free?.(previous.data);
      dead.add(total);
    }
    const fn = tensor.gradFn;
    if (fn) {
      const inputGrads = fn.backward(grad);
      fn.inputs.forEach((input, k) => {
        const g = inputGrads[k];
        if (!g || !input.requiresGrad) return;
        const shaped = g.sumToShape(input.shape);
        const existing = grads.get(input);
        grads.set(input, existing ? existing.add(shaped) : shaped);
        dead.add(g).add(shaped);
        if (existing) dead.add(existing);
      });
    }
    recycle(scratch, dead, grads);
  }
}
