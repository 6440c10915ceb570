import type { ScratchRegion } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import type { Storage } from '../core/dtype.js';

/** What a tensor made inside arenaStep must be able to do when the step ends. */
interface Releasable {
  release(): void;
}

interface Scope {
  region: ScratchRegion;
  made: Releasable[];
}

let current: Scope | null = null;

/**
 * Runs one training step (or any block of tensor work) on scratch memory: a backend with its own memory
 * (the WebAssembly one) serves every tensor made inside from storage that returns to it when `fn`
 * returns, so the next step reuses it and allocates nothing new. Tensors made inside on that memory are
 * released then: reading one afterwards throws. Return plain values (`loss.item()`), not tensors;
 * gradients that backward() leaves on leaves, in-place updates of parameters and optimizer state are
 * not on scratch memory and stay valid. On the reference backend this only runs `fn`.
 */
export function arenaStep<T>(fn: () => T): T {
  const outer = current;
  const scope: Scope = { region: backend().scratch(), made: [] };
  current = scope;
  try {
    return fn();
  } finally {
    current = outer;
    for (const tensor of scope.made) tensor.release();
    scope.region.close();
  }
}

/** The innermost open step's scratch region, or null outside arenaStep. */
export function currentRegion(): ScratchRegion | null {
  return current?.region ?? null;
}

/** Called for every new tensor: one on the current step's scratch memory is released with it. */
export function track(tensor: Releasable, storage: Storage): void {
  if (current?.region.holds(storage)) current.made.push(tensor);
}
