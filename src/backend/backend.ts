import type { DType, HostStorage, Storage } from '../core/dtype.js';
import type { Kernels } from './kernels/index.js';

/**
 * The interface every backend implements: memory, and the kernels declared in kernels/. Tensor ops only ever call
 * these functions, so a faster backend (WebAssembly, threads) slots in without touching a single op or gradient rule.
 *
 * Conventions: "dense" arrays hold exactly the elements in row-major order starting at index 0;
 * a StridedView describes a tensor that may be a non-contiguous view (broadcast dims have stride 0).
 * Kernels write into `out` arrays the op layer allocated through `alloc`, so a backend that keeps
 * tensors in its own memory arena controls every allocation.
 */
export type { HostArrayOr, StridedView } from './kernel.js';
export type { ArgsOf, BackwardKernelName, KernelName, Kernels } from './kernels/index.js';
export type { BinaryOp, UnaryOp } from './kernels/elementwise.js';
export type { ReduceOp } from './kernels/reduce.js';
export type { MatmulSpec } from './kernels/matmul.js';
export type { AdamWStep } from './kernels/optim.js';
export type { WindowGeometry } from './kernels/window.js';

/** Tensor storage that a backend may reuse once the region closes (a training step's temporaries). */
export interface ScratchRegion<S = Storage> {
  /** True when `storage` lives in the backend's reusable memory, so a tensor on it must not outlive the region. */
  holds(storage: S): boolean;
  /** Returns the region's storage to the backend; tensors on it must not be read again. */
  close(): void;
  /** How many allocations the region has made so far: storage made after this mark can be recycled. */
  mark(): number;
  /**
   * Returns `storage` to the backend before the region closes, if it is a whole block the region allocated
   * after `since` (the backward pass gives back gradients it has consumed); says whether it did. The
   * caller guarantees that nothing reads the storage again.
   */
  recycle(storage: S, since: number): boolean;
}

/** What every backend does besides its kernels: memory. */
export interface BackendMemory<S = Storage> {
  readonly name: string;
  /** Zeroed storage for `size` elements. */
  alloc(dtype: DType, size: number): S;
  /** Storage for `size` elements that the caller overwrites entirely: it may hold anything (torch.empty). */
  empty(dtype: DType, size: number): S;
  /** A backend whose storage lives in device memory takes host values there (creation functions call it). */
  upload?(values: HostStorage): S;
  /** Device storage that outlives the open scratch region: a leaf's gradient made inside arenaStep. */
  persistent?(dtype: DType, size: number): S;
  /** Gives device storage back at once (a gradient zeroGrad drops); host arrays are left to the garbage collector. */
  free?(storage: S): void;
  /** Overwrites device storage with host values, after the work queued before it (restoring optimizer state). */
  write?(storage: S, values: HostStorage): void;
  /** Opens a scratch region; backends that keep no memory of their own return one that holds nothing. */
  scratch(): ScratchRegion<S>;
  /** Bytes of its own memory the backend has handed out for tensors (a high-water mark); absent when it keeps none. */
  memoryInUse?(): number;
}

/** A backend: its memory and every kernel of kernels/index.ts, on its storage S. */
export type Backend<S = Storage> = BackendMemory<S> & Kernels<S>;
