/// <reference types="@webgpu/types" />
import type { DeviceStorage } from '../../core/dtype.js';

/** Element types a GPU buffer holds: WGSL has f32, i32 and u32, no 64-bit or 16-bit floats in core. */
export type GPUDType = 'float32' | 'int32';

/**
 * A tensor's elements in a GPU storage buffer (the buffer may be larger: pooled buffers come in size classes): the
 * device storage a Tensor holds on the WebGPU backend, read back only through `read()`.
 */
export class GPUTensor implements DeviceStorage {
  readonly device = true;
  /** Set by an upload of a small tensor, dropped by the backend when a kernel writes this buffer. */
  known: Float32Array | Int32Array | null = null;
  constructor(readonly buffer: GPUBuffer, readonly length: number, readonly dtype: GPUDType,
    private readonly reader: (t: GPUTensor) => Promise<Float32Array | Int32Array>) {}
  get byteLength(): number { return this.length * 4; }
  read(): Promise<Float32Array | Int32Array> { return this.reader(this); }
}

/**
 * GPU buffers by size class, handed out and taken back, so that a training step that allocates the same
 * tensors every step creates no new buffers after the first (creating and destroying buffers costs far more
 * than a kernel). Size classes are powers of two from 256 bytes, and eighths of a power of two above 1 MiB, so
 * a large buffer is at most a quarter larger than asked for.
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  /** Bytes of every buffer the pool has created and not destroyed: it stops growing once a step repeats. */
  allocatedBytes = 0;
  buffersCreated = 0;

  /** `usage` defaults to a storage buffer that copies in and out (read here, not at load: Node has no GPUBufferUsage). */
  constructor(private readonly device: GPUDevice, private readonly usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST) {}

  static sizeClass(bytes: number): number {
    const minimum = Math.max(256, bytes);
    const power = 2 ** Math.ceil(Math.log2(minimum));
    if (power <= 1 << 20) return power;
    const step = power / 8;
    return Math.ceil(minimum / step) * step;
  }

  acquire(bytes: number): GPUBuffer {
    const size = BufferPool.sizeClass(bytes);
    const reused = this.free.get(size)?.pop();
    if (reused) return reused;
    this.allocatedBytes += size;
    this.buffersCreated++;
    return this.device.createBuffer({ size, usage: this.usage });
  }

  /** Takes a buffer back; work already submitted that reads or writes it still runs first (queue order). */
  release(buffer: GPUBuffer): void {
    const list = this.free.get(buffer.size) ?? [];
    list.push(buffer);
    this.free.set(buffer.size, list);
  }

  /** Destroys every free buffer (the pool can hand out new ones later). */
  trim(): void {
    for (const list of this.free.values()) {
      for (const buffer of list) {
        this.allocatedBytes -= buffer.size;
        buffer.destroy();
      }
    }
    this.free.clear();
  }
}
