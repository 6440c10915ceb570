// What the WebAssembly backend's kernel families share: the module's exports, the staging of arrays into its memory,
// the thread pool, and the pattern every kernel follows (WebAssembly when it can, else the reference kernel).
import type { HostStorage } from '../../core/dtype.js';
import type { HostArgs, KernelName } from '../kernels/index.js';
import { referenceBackend } from '../reference/index.js';
import type { WasmArena } from './arena.js';
import { type KernelPool, type PoolJob, claimSize } from './kernelPool.js';
import { Staging } from './staging.js';
import type { WasmExports } from './exports.js';

type FourByte = Float32Array | Int32Array;
/** Elements below which an elementwise kernel stays on one thread (waking another costs tens of microseconds). */
const PARALLEL_ELEMENTS = 1 << 16;

const isF32 = (s: HostStorage | null | undefined): s is Float32Array => s instanceof Float32Array;
/** True when every array given is float32 (absent ones count as such). */
export const f32s = (...storages: (HostStorage | null | undefined)[]) => storages.every((s) => s == null || isF32(s));

/** The backend's kernels of one family: those it runs in WebAssembly, the others left to the reference backend. */
export type WasmKernels = Partial<{ [K in KernelName]: (args: HostArgs<K>) => void }>;

/** One family's view of the backend: what its kernels need to stage arrays, call the module and split work. */
export class WasmContext {
  readonly staging: Staging;

  constructor(readonly arena: WasmArena, readonly exports: WasmExports, readonly pool?: KernelPool) {
    this.staging = new Staging(arena);
  }

  /** The byte address of a 4-byte array's element 0 (0 when absent), staged into the arena if it lives elsewhere. */
  address = (storage: HostStorage | null | undefined): number => this.staging.address((storage ?? null) as FourByte | null);

  /**
   * A backend kernel that runs `wasm` when `usable` says it can (its arrays are float32 and its outputs live in the arena,
   * tensors made inside arenaStep; an input that does not is copied in first, but only when that costs less than the
   * kernel), borrowed blocks given back after; otherwise, and outside arenaStep, the reference kernel on the same arrays.
   */
  kernel = <K extends KernelName>(name: K, usable: (args: HostArgs<K>) => boolean, wasm: (args: HostArgs<K>) => void): ((args: HostArgs<K>) => void) => {
    const reference = referenceBackend[name] as (args: HostArgs<K>) => void;
    return (args) => (usable(args) ? this.staging.call(() => wasm(args)) : reference(args));
  };

  /**
   * A kernel over `items` independent work items: split across the pool when there is enough work, else
   * `local` (the kernel called directly: building a job costs microseconds, more than a small kernel takes).
   */
  split(job: () => Omit<PoolJob, 'items' | 'chunk'>, items: number, work: number, unit: number, local: () => void): void {
    if (!this.pool || work < PARALLEL_ELEMENTS || items < 2) return local();
    this.pool.run({ ...job(), items, chunk: claimSize(items, this.pool.threads, unit) }, this.exports);
  }

  /** Elementwise kernels split in chunks of whole four-lane vectors, so the vector loops cover the same elements on any thread count. */
  elementwise(job: () => Omit<PoolJob, 'items' | 'chunk'>, n: number, local: () => void): void {
    this.split(job, n, n, 4, local);
  }
}
