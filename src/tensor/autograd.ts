import { ZerogradError, fmtShape } from './errors.js';
import type { ScratchRegion } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { currentRegion } from './arena.js';
import { allocStorage } from './dtype.js';
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
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: a deep model (or a long unrolled loop) would overflow the JS call stack.
  const stack: { tensor: Tensor; expanded: boolean }[] = [{ tensor: root, expanded: false }];
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
  let seed = gradient;
  if (!seed) {
    if (root.size !== 1) {
      throw new ZerogradError('backward', `grad can be implicitly created only for scalar outputs, got shape ${fmtShape(root.shape)}; pass a gradient of that shape`);
    }
    seed = root.onesLike();
  } else if (seed.shape.join() !== root.shape.join()) {
    throw new ZerogradError('backward', `gradient shape ${fmtShape(seed.shape)} does not match output shape ${fmtShape(root.shape)}`);
  }
  const order = topologicalOrder(root);
  if (order.some((t) => t.gradFn !== null && consumed.has(t.gradFn))) {
    throw new ZerogradError('backward', 'trying to backward through the graph a second time; '
      + 'call backward({ retainGraph: true }) the first time if you need to, or recompute the forward pass');
  }
  const grads = new Map<Tensor, Tensor>([[root, seed.detach()]]);
  noGradBackward(order, grads, scratch);
  if (!retainGraph) for (const t of order) if (t.gradFn) consumed.add(t.gradFn);
}

function ownedCopy(source: Tensor): Tensor {
  const copy = Tensor.fromStorage(allocStorage(source.dtype, source.size), source.shape);
  backend().copy(source.shape, source, copy);
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
    if (!scratch.region.holds(data)) continue;
    const start = data.byteOffset;
    const end = start + data.byteLength;
    let shared = false;
    for (const other of pending.values()) {
      const d = other.data;
      if (d.buffer === data.buffer && d.byteOffset < end && start < d.byteOffset + d.byteLength) {
        shared = true;
        break;
      }
    }
    if (!shared && scratch.region.recycle(data, scratch.since)) tensor.release();
  }
}

function noGradBackward(order: Tensor[], grads: Map<Tensor, Tensor>, scratch: Scratch | null): void {
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const tensor = order[i];
      const grad = grads.get(tensor);
      if (!grad) continue;
      grads.delete(tensor);
      const dead = new Set([grad]);
      if (tensor.gradFn === null || tensor.retainsGrad) {
        // A fresh dense tensor the leaf owns: the same gradient object can reach several inputs (add's
        // backward returns it twice), and optimizers or clipping may scale .grad in place. It is
        // ordinary memory, not a training step's scratch (see arenaStep): it outlives the step.
        const total = tensor.grad ? tensor.grad.add(grad) : grad;
        tensor.grad = ownedCopy(total);
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
  });
}
