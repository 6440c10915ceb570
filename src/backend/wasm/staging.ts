import type { HostStorage } from '../../core/dtype.js';
import type { WasmArena } from './arena.js';

type FourByte = Float32Array | Int32Array;

/**
 * The bookkeeping every WebAssembly kernel call shares: which arrays the arena holds, copying the others in
 * (and updated ones back out), and blocks borrowed for one call. `call` gives every borrowed block back when
 * the kernel returns, so no kernel wrapper does that by hand.
 */
export class Staging {
  private readonly borrowed: { at: number; bytes: number }[] = [];

  constructor(readonly arena: WasmArena) {}

  /** Runs one kernel call; blocks borrowed during it are given back after it, even if it throws. */
  call<T>(kernel: () => T): T {
    try {
      return kernel();
    } finally {
      for (const { at, bytes } of this.borrowed) this.arena.release(at, bytes);
      this.borrowed.length = 0;
    }
  }

  /** A block of `bytes` for the current call. */
  borrow(bytes: number): number {
    const at = this.arena.block(bytes);
    this.borrowed.push({ at, bytes });
    return at;
  }

  /** True when every array (null counts as absent) lives in the arena. */
  held(...storages: (HostStorage | null | undefined)[]): boolean {
    return storages.every((s) => s == null || this.arena.holds(s));
  }

  /** Worth staging: in the arena already, or no larger than the output the kernel writes. */
  stageable(output: number, ...storages: (HostStorage | null | undefined)[]): boolean {
    return storages.every((s) => s == null || this.arena.holds(s) || s.length <= output);
  }

  /** The byte address of a 4-byte array's element 0, copying it into a borrowed block if it lives elsewhere. */
  address(storage: FourByte | null): number {
    if (storage === null) return 0;
    if (this.arena.holds(storage)) return storage.byteOffset;
    const at = this.borrow(storage.byteLength);
    this.arena.view().set(new Uint8Array(storage.buffer, storage.byteOffset, storage.byteLength), at);
    return at;
  }

  /** Copies a staged array back out of the arena after a kernel updated it in place there. */
  copyBack(storage: Float32Array, at: number): void {
    if (!this.arena.holds(storage)) storage.set(new Float32Array(this.arena.view().buffer, at, storage.length));
  }

  /** Copies float64 values a kernel wrote into a borrowed block (see float64Block) back out to `values`. */
  copyBackFloat64(values: Float64Array, at: number): void {
    values.set(new Float64Array(this.arena.view().buffer, at, values.length));
  }

  /** A borrowed block for float64 values, filled with them when `copyIn`. */
  float64Block(values: Float64Array, copyIn: boolean): number {
    const at = this.borrow(values.byteLength);
    if (copyIn) new Float64Array(this.arena.view().buffer, at, values.length).set(values);
    return at;
  }

  /** Integers copied into a borrowed block (a kernel's shape or window), with room for `spare` more after them. */
  int32Block(values: readonly number[], spare = 0): number {
    const at = this.borrow(4 * (values.length + spare));
    new Int32Array(this.arena.view().buffer, at, values.length).set(values);
    return at;
  }
}
