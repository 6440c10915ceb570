import type { ScratchRegion } from '../backend.js';
import { type DType, type HostStorage, allocStorage } from '../../core/dtype.js';
import type { WasmMemory } from './wasmTypes.js';

const PAGE = 65536;
/** Blocks start on 16-byte boundaries so SIMD kernels can load whole lanes. */
const ALIGN = 16;
/** Below this, blocks are sized to the 16 bytes; above, to one of four size classes per power of two. */
const SMALL = 4096;

/**
 * The size of the block that holds `bytes` (what the free lists are keyed by). Large sizes round up to a size class
 * (at most 25% more), so a step whose shapes vary (a padded batch's length, the words BERT's masking chose) reuses
 * the blocks of the step before instead of growing the memory by every new size.
 */
const blockSize = (bytes: number) => {
  const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
  if (size <= SMALL) return size;
  const quarter = 2 ** (Math.floor(Math.log2(size - 1)) - 2);
  return Math.ceil(size / quarter) * quarter;
};

/** A scratch region's blocks by address, each with its allocation's serial number in the region. */
interface Region {
  blocks: Map<number, { bytes: number; serial: number }>;
  allocations: number;
}

/** A scratch region as the arena serves it (the backend adds `holds`). */
export type ArenaRegion = Omit<ScratchRegion<HostStorage>, 'holds'>;

/**
 * Storage inside a WebAssembly memory, handed out by size and reused. A training step allocates the same
 * sizes in the same order every time, so blocks freed at the end of one step serve the next and memory
 * stops growing after the first. Only a shared memory can hold tensors: growing it leaves existing views
 * valid, where growing an unshared one detaches them.
 */
export class WasmArena {
  private top: number;
  /** Freed blocks by byte size. */
  private readonly free = new Map<number, number[]>();
  /** The open scratch regions, innermost last. */
  private readonly regions: Region[] = [];
  /** Every buffer object the memory has had (one per growth): storages on them live in this arena. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private bytes: Uint8Array;

  /** `zero` clears bytes of the memory (a kernel: filling shared memory from JavaScript is several times slower). */
  constructor(readonly memory: WasmMemory, start: number, private readonly zero: (at: number, bytes: number) => void) {
    this.top = start;
    this.bytes = this.refresh();
  }

  /** Bytes of memory the arena has handed out so far (its high-water mark). */
  get used(): number { return this.top; }

  /** True when `storage` is a view into this arena's memory, so kernels can use it in place. */
  holds(storage: HostStorage): boolean {
    return this.buffers.has(storage.buffer);
  }

  /** A block of at least `bytes`, from one freed at that size or from the top (growing the memory). */
  block(bytes: number): number {
    const size = blockSize(bytes);
    const reused = this.free.get(size)?.pop();
    const at = reused ?? this.top;
    if (reused === undefined) {
      this.top += size;
      const have = this.memory.buffer.byteLength;
      if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / PAGE));
    }
    return at;
  }

  /** Gives a block back for reuse. */
  release(at: number, bytes: number): void {
    const size = blockSize(bytes);
    const list = this.free.get(size);
    if (list) list.push(at);
    else this.free.set(size, [at]);
  }

  /** The memory's current bytes (a fresh view after growth). */
  view(): Uint8Array {
    return this.bytes.buffer === this.memory.buffer ? this.bytes : (this.bytes = this.refresh());
  }

  /** Opens a scratch region: tensor storage allocated in it returns to the arena when it closes. */
  open(): ArenaRegion {
    const region: Region = { blocks: new Map(), allocations: 0 };
    this.regions.push(region);
    return {
      mark: () => region.allocations,
      recycle: (storage, since) => {
        const block = region.blocks.get(storage.byteOffset);
        if (!block || block.serial < since || !this.holds(storage) || storage.byteLength !== block.bytes) return false;
        region.blocks.delete(storage.byteOffset);
        this.release(storage.byteOffset, block.bytes);
        return true;
      },
      close: () => {
        if (this.regions.at(-1) !== region) throw new Error('scratch regions must close innermost first');
        this.regions.pop();
        for (const [at, { bytes }] of region.blocks) this.release(at, bytes);
      },
    };
  }

  /**
   * Tensor storage: zeroed float32 or int32 elements in this memory inside a scratch region, an ordinary
   * JavaScript array otherwise (a tensor made outside one may live for ever; the arena cannot know when
   * it dies). `zeroed: false` skips clearing a block for a caller that overwrites all of it.
   */
  alloc(dtype: DType, size: number, zeroed = true): HostStorage {
    const region = this.regions.at(-1);
    if (!region || (dtype !== 'float32' && dtype !== 'int32')) return allocStorage(dtype, size);
    const at = this.block(size * 4);
    region.blocks.set(at, { bytes: size * 4, serial: region.allocations++ });
    const buffer = this.view().buffer;
    const storage = dtype === 'float32' ? new Float32Array(buffer, at, size) : new Int32Array(buffer, at, size);
    if (zeroed) this.zero(at, size * 4);
    return storage;
  }

  private refresh(): Uint8Array {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new Uint8Array(buffer);
  }
}
