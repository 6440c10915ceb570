/// <reference types="@webgpu/types" />
import type { StridedView } from '../kernel.js';
import type { ArgsOf, BackwardKernelName, ForwardKernelName, KernelName } from '../kernels/index.js';
import { BufferPool, type GPUDType, GPUTensor } from './buffers.js';
import { batchNorm } from './wgsl/batchNorm.js';
import { crossEntropy } from './wgsl/crossEntropy.js';
import { i32 } from './wgsl/common.js';
import { MAX_DIMS, elementwise } from './wgsl/elementwise.js';
import { indexing } from './wgsl/indexing.js';
import { layerNorm } from './wgsl/layerNorm.js';
import { matmul } from './wgsl/matmul.js';
import { optim } from './wgsl/optim.js';
import { reduce } from './wgsl/reduce.js';
import { softmax } from './wgsl/softmax.js';
import { window } from './wgsl/window.js';

/** A strided view of a GPU tensor, as StridedView is of a typed array. */
export type GPUView = StridedView<GPUTensor>;

/** A WebGPU kernel: it encodes its dispatches on GPU tensors, with the arguments kernels/ declares for it. */
export type GPUKernel<K extends KernelName> = (gpu: WebGPUKernels, args: ArgsOf<K, GPUTensor>) => void;
/** The WebGPU kernels: every forward kernel (a missing one does not compile), and the backward ones it fuses. */
export type GPUKernels = { [K in ForwardKernelName]: GPUKernel<K> } & { [K in BackwardKernelName]?: GPUKernel<K> };
/** One family's WebGPU kernels (wgsl/<family>.ts), each checked against its declaration with `satisfies GPUFamily`. */
export type GPUFamily = Partial<GPUKernels>;

/** Every kernel the WebGPU backend has, family by family (wgsl/<family>.ts: each shader beside its dispatch). */
export const GPU_KERNELS: GPUKernels = {
  ...elementwise, ...reduce, ...matmul, ...softmax, ...crossEntropy, ...layerNorm, ...batchNorm, ...indexing, ...window, ...optim,
};

/** Dispatches encoded before a submission at the latest: each holds a parameter block until it is submitted. */
const MAX_PENDING = 512;

/** Uploads of at most this many elements keep their values on the host (indices, masks, small constants). */
const KNOWN_LIMIT = 1 << 16;

/**
 * The WebGPU kernels: `run(name, args)` encodes a kernel's compute dispatches (wgsl/<family>.ts) on tensors that
 * stay in GPU buffers, with the named arguments its declaration gives; this class keeps the memory. Dispatches
 * gather in one command encoder and one compute pass, submitted together when something is read back (`read`,
 * the one asynchronous call), when `finished` is awaited, or every MAX_PENDING dispatches: a training step is a
 * submission or two, not one per kernel. Pipelines are compiled once per shader and kept; buffers come from a pool.
 */
export class WebGPUKernels {
  readonly pool: BufferPool;
  private readonly paramsPool: BufferPool;
  /** Mappable buffers a read-back copies into, kept for the next read (a training step reads its loss every step). */
  private readonly stagingPool: BufferPool;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  /** Bound where a kernel's optional input (LayerNorm's weight or bias) is absent. */
  readonly placeholder: GPUTensor;
  /**
   * A tensor dropped without release() (made outside arenaStep, then forgotten) gives its buffer back when the
   * garbage collector takes it: GPU memory is not collected by itself.
   */
  private readonly finalizer = new FinalizationRegistry<GPUBuffer>((buffer) => this.retire(this.pool, buffer));
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pending = 0;
  /**
   * Buffers given back since the last submission. Commands encoded but not yet submitted may still read them, and
   * a queue write (an upload, a parameter block) runs before those commands do, so they rejoin their pool only once
   * the commands are submitted.
   */
  private retired: { pool: BufferPool; buffer: GPUBuffer }[] = [];

  constructor(readonly device: GPUDevice) {
    this.pool = new BufferPool(device);
    this.paramsPool = new BufferPool(device, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    this.stagingPool = new BufferPool(device, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    this.placeholder = this.alloc('float32', 1);
  }

  // ---- memory ----

  /** A tensor whose elements the next kernel overwrites (a pooled buffer may hold an earlier tensor's values). */
  empty(dtype: GPUDType, length: number): GPUTensor {
    const t = new GPUTensor(this.pool.acquire(Math.max(4, length * 4)), length, dtype, (tensor) => this.read(tensor));
    this.finalizer.register(t, t.buffer, t);
    return t;
  }

  alloc(dtype: GPUDType, length: number): GPUTensor {
    const t = this.empty(dtype, length);
    this.endPass();
    this.commands().clearBuffer(t.buffer);
    return t;
  }

  upload(values: Float32Array | Int32Array): GPUTensor {
    const t = this.empty(values instanceof Int32Array ? 'int32' : 'float32', values.length);
    if (values.length) this.device.queue.writeBuffer(t.buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    // A copy, since the caller may reuse its array; only small tensors, so weights are not held twice.
    if (values.length <= KNOWN_LIMIT) t.known = values.slice();
    return t;
  }

  /** Overwrites `t` with `values`, after every dispatch encoded before this call (they are submitted first). */
  write(t: GPUTensor, values: Float32Array | Int32Array): void {
    if (values.length !== t.length) throw new Error(`write: ${values.length} values into a GPU tensor of ${t.length}`);
    this.flush();
    if (values.length) this.device.queue.writeBuffer(t.buffer, 0, values.buffer, values.byteOffset, values.byteLength);
  }

  /** Gives the buffer back to the pool (once, however often it is called); the tensor must not be used again. */
  release(t: GPUTensor): void {
    if (!this.finalizer.unregister(t)) return;
    this.retire(this.pool, t.buffer);
  }

  private retire(pool: BufferPool, buffer: GPUBuffer): void {
    this.retired.push({ pool, buffer });
  }

  private commands(): GPUCommandEncoder {
    return this.encoder ??= this.device.createCommandEncoder();
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /** Submits every command encoded so far, then lets the buffers retired meanwhile be handed out again. */
  flush(): void {
    this.endPass();
    if (this.encoder) this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.pending = 0;
    for (const { pool, buffer } of this.retired.splice(0)) pool.release(buffer);
  }

  /** The tensor's elements, once the work queued before this call has run. */
  async read(t: GPUTensor): Promise<Float32Array | Int32Array> {
    const bytes = t.byteLength;
    const staging = this.stagingPool.acquire(Math.max(4, bytes));
    this.endPass();
    if (bytes) this.commands().copyBufferToBuffer(t.buffer, 0, staging, 0, bytes);
    this.flush();
    await staging.mapAsync(GPUMapMode.READ);
    const copy = staging.getMappedRange(0, Math.max(4, bytes)).slice(0, bytes);
    staging.unmap();
    // Unmapped, and the copy into it has run: the next read may have it at once.
    this.stagingPool.release(staging);
    return t.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  }

  // ---- dispatch ----

  private pipeline(key: string, source: () => string): GPUComputePipeline {
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const module = this.device.createShaderModule({ code: source(), label: key });
      pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** One dispatch of the `key` shader: its u32 parameter block at binding 0, `buffers` at 1, 2, .... */
  dispatch(key: string, source: () => string, params: readonly number[], buffers: readonly (GPUTensor | GPUBuffer)[], groups: readonly number[]): void {
    const pipeline = this.pipeline(key, source);
    const words = new Uint32Array(params.length ? params : [0]) as Uint32Array<ArrayBuffer>;
    const paramBuffer = this.smallArray(words);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: paramBuffer } }];
    buffers.forEach((b, i) => entries.push({ binding: i + 1, resource: { buffer: b instanceof GPUTensor ? b.buffer : b } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    // Successive dispatches in one pass see each other's writes: WebGPU orders them.
    const pass = this.pass ??= this.commands().beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    if (++this.pending >= MAX_PENDING) this.flush();
  }

  /** A read-only array for one dispatch (its parameter block, matmul's batch offsets), retired with the dispatch. */
  smallArray(values: Uint32Array<ArrayBuffer>): GPUBuffer {
    const buffer = this.paramsPool.acquire(Math.max(4, values.byteLength));
    this.device.queue.writeBuffer(buffer, 0, values);
    this.retire(this.paramsPool, buffer);
    return buffer;
  }

  /** The shape and per-operand offsets and strides a strided shader walks (0-d as [1]). */
  layout(shape: readonly number[], views: readonly { offset: number; strides: readonly number[] }[]): number[] {
    if (shape.length > MAX_DIMS) throw new Error(`webgpu: a ${shape.length}-dimensional layout; the strided kernels walk at most ${MAX_DIMS}`);
    const dims = shape.length ? shape : [1];
    const pad = (values: readonly number[]) => [...values, ...new Array(MAX_DIMS - values.length).fill(0)];
    const count = dims.reduce((a, b) => a * b, 1);
    return [count, dims.length, ...views.map((v) => i32(v.offset)), ...pad(dims),
      ...views.flatMap((v) => pad(shape.length ? v.strides : [0]).map(i32))];
  }

  /** Runs kernel `name` on GPU tensors (its dispatches encoded, submitted later). */
  run<K extends KernelName>(name: K, args: ArgsOf<K, GPUTensor>): void {
    const kernel: GPUKernel<K> | undefined = GPU_KERNELS[name];
    if (!kernel) throw new Error(`webgpu: no kernel '${name}'`);
    kernel(this, args);
  }

  /** Resolves when every dispatch queued so far has finished (for timing). */
  finished(): Promise<void> {
    this.flush();
    return this.device.queue.onSubmittedWorkDone();
  }
}
