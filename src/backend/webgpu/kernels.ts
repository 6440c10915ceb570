/// <reference types="@webgpu/types" />
import type { AdamWStep, BinaryOp, MatmulSpec, ReduceOp, RunningStatistics, UnaryOp, WindowGeometry } from '../backend.js';
import { BufferPool, type GPUDType, GPUTensor } from './buffers.js';
import { grid, rowGrid } from './wgsl/common.js';
import { MAX_DIMS, binaryShader, copyShader, unaryBackwardShader, unaryShader, whereShader } from './wgsl/elementwise.js';
import { gatherShader, indexAddShader, indexSelectShader, scatterAddShader } from './wgsl/indexing.js';
import { TILE, matmulShader } from './wgsl/matmul.js';
import { adamwShader, sgdShader } from './wgsl/optim.js';
import { reduceShader } from './wgsl/reduce.js';
import { col2imShader, im2colShader, maxPool2dBackwardShader, maxPool2dShader } from './wgsl/window.js';
import {
  attentionSoftmaxBackwardShader, attentionSoftmaxShader, batchNormBackwardShader, batchNormParamsBackwardShader, batchNormRunningShader, batchNormShader,
  crossEntropyBackwardShader, crossEntropyShader, layerNormBackwardShader,
  layerNormParamsBackwardShader, layerNormShader, softmaxBackwardShader, softmaxShader,
} from './wgsl/rows.js';

/** A strided view of a GPU tensor, as StridedView is of a typed array. */
export interface GPUView {
  readonly data: GPUTensor;
  readonly offset: number;
  readonly strides: readonly number[];
}

/** Dispatches encoded before a submission at the latest: each holds a parameter block until it is submitted. */
const MAX_PENDING = 512;

const scratch = new DataView(new ArrayBuffer(4));
/** A float's bits as the u32 a shader bit-casts back. */
function f32(value: number): number {
  scratch.setFloat32(0, value, true);
  return scratch.getUint32(0, true);
}
/** An int's two's-complement bits as u32 (negative strides, ignoreIndex -100). */
const i32 = (value: number) => value >>> 0;
const windowNumbers = (g: WindowGeometry) => [g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.Ho, g.Wo];
const wgslType = (dtype: GPUDType): 'f32' | 'i32' => (dtype === 'float32' ? 'f32' : 'i32');

/** Uploads of at most this many elements keep their values on the host (indices, masks, small constants). */
const KNOWN_LIMIT = 1 << 16;

/**
 * The WebGPU kernels: each method encodes one compute dispatch (matmul's tiles, the elementwise and row
 * kernels) on tensors that stay in GPU buffers, with the signature of the matching Backend kernel. Dispatches
 * gather in one command encoder and one compute pass, submitted together when something is read back (`read`,
 * the one asynchronous call), when `finished` is awaited, or every MAX_PENDING dispatches: a training step is a
 * submission or two, not one per kernel. Pipelines are compiled once per shader and kept; buffers come from a pool.
 */
export class WebGPUKernels {
  readonly pool: BufferPool;
  private readonly paramsPool: BufferPool;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  /** Bound where a kernel's optional input (LayerNorm's weight or bias) is absent. */
  private readonly placeholder: GPUTensor;
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
    const staging = this.device.createBuffer({ size: Math.max(4, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.endPass();
    if (bytes) this.commands().copyBufferToBuffer(t.buffer, 0, staging, 0, bytes);
    this.flush();
    await staging.mapAsync(GPUMapMode.READ);
    const copy = staging.getMappedRange(0, Math.max(4, bytes)).slice(0, bytes);
    staging.unmap();
    staging.destroy();
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
  private dispatch(key: string, source: () => string, params: readonly number[], buffers: readonly (GPUTensor | GPUBuffer)[], groups: readonly number[]): void {
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
  private smallArray(values: Uint32Array<ArrayBuffer>): GPUBuffer {
    const buffer = this.paramsPool.acquire(Math.max(4, values.byteLength));
    this.device.queue.writeBuffer(buffer, 0, values);
    this.retire(this.paramsPool, buffer);
    return buffer;
  }

  /** The shape and per-operand offsets and strides a strided shader walks (0-d as [1]). */
  private layout(shape: readonly number[], views: readonly { offset: number; strides: readonly number[] }[]): number[] {
    if (shape.length > MAX_DIMS) throw new Error(`webgpu: a ${shape.length}-dimensional layout; the strided kernels walk at most ${MAX_DIMS}`);
    const dims = shape.length ? shape : [1];
    const pad = (values: readonly number[]) => [...values, ...new Array(MAX_DIMS - values.length).fill(0)];
    const count = dims.reduce((a, b) => a * b, 1);
    return [count, dims.length, ...views.map((v) => i32(v.offset)), ...pad(dims),
      ...views.flatMap((v) => pad(shape.length ? v.strides : [0]).map(i32))];
  }

  // ---- elementwise ----

  unary(op: UnaryOp | 'powScalar', x: GPUTensor, out: GPUTensor, scalar = 0): void {
    if (!out.length) return;
    this.dispatch(`unary:${op}`, () => unaryShader(op), [out.length, f32(scalar)], [x, out], grid(out.length));
  }

  unaryBackward(op: UnaryOp | 'powScalar', x: GPUTensor, y: GPUTensor, g: GPUTensor, out: GPUTensor, scalar = 0): void {
    if (!out.length) return;
    this.dispatch(`unaryBackward:${op}`, () => unaryBackwardShader(op), [out.length, f32(scalar)], [x, y, g, out], grid(out.length));
  }

  binary(op: BinaryOp, shape: readonly number[], a: GPUView, b: GPUView, out: GPUTensor): void {
    if (!out.length) return;
    const [type, outType] = [wgslType(a.data.dtype), wgslType(out.dtype)];
    this.dispatch(`binary:${op}:${type}:${outType}`, () => binaryShader(op, type, outType), this.layout(shape, [a, b]), [a.data, b.data, out], grid(out.length));
  }

  where(shape: readonly number[], cond: GPUView, a: GPUView, b: GPUView, out: GPUTensor): void {
    if (!out.length) return;
    const type = wgslType(a.data.dtype);
    this.dispatch(`where:${type}`, () => whereShader(type), this.layout(shape, [cond, a, b]), [cond.data, a.data, b.data, out], grid(out.length));
  }

  copy(shape: readonly number[], src: GPUView, dst: GPUView): void {
    const count = shape.reduce((p, n) => p * n, 1);
    if (!count) return;
    const [type, dstType] = [wgslType(src.data.dtype), wgslType(dst.data.dtype)];
    this.dispatch(`copy:${type}:${dstType}`, () => copyShader(type, dstType), this.layout(shape, [src, dst]), [src.data, dst.data], grid(count));
  }

  // ---- reductions and products ----

  reduce(op: ReduceOp, x: GPUTensor, outer: number, n: number, inner: number, out: GPUTensor, argOut?: GPUTensor): void {
    if (!out.length) return;
    const type = wgslType(x.dtype);
    const buffers = argOut ? [x, out, argOut] : [x, out];
    this.dispatch(`reduce:${op}:${type}:${!!argOut}`, () => reduceShader(op, type, !!argOut), [outer, n, inner], buffers, grid(outer * inner));
  }

  matmul(spec: MatmulSpec, a: GPUTensor, b: GPUTensor, out: GPUTensor): void {
    const { batch, M, N, K } = spec;
    if (!batch || !M || !N) return;
    const offsets = new Uint32Array(2 * batch);
    for (let i = 0; i < batch; i++) {
      offsets[2 * i] = spec.aOffsets[i];
      offsets[2 * i + 1] = spec.bOffsets[i];
    }
    const offsetBuffer = this.smallArray(offsets);
    this.dispatch('matmul', matmulShader, [M, N, K, spec.lda, spec.ldb, +spec.transA, +spec.transB], [offsetBuffer, a, b, out],
      [Math.ceil(N / TILE), Math.ceil(M / TILE), batch]);
  }

  // ---- row kernels ----

  softmax(x: GPUTensor, rows: number, cols: number, out: GPUTensor, log: boolean): void {
    if (!rows || !cols) return;
    this.dispatch('softmax', softmaxShader, [rows, cols, +log], [x, out], rowGrid(rows));
  }

  softmaxBackward(y: GPUTensor, g: GPUTensor, rows: number, cols: number, out: GPUTensor, log: boolean): void {
    if (!rows || !cols) return;
    this.dispatch('softmaxBackward', softmaxBackwardShader, [rows, cols, +log], [y, g, out], rowGrid(rows));
  }

  attentionSoftmax(x: GPUTensor, rows: number, cols: number, scale: number, causal: boolean, out: GPUTensor): void {
    if (!rows || !cols) return;
    this.dispatch('attentionSoftmax', attentionSoftmaxShader, [rows, cols, f32(scale), +causal], [x, out], rowGrid(rows));
  }

  attentionSoftmaxBackward(y: GPUTensor, g: GPUTensor, rows: number, cols: number, scale: number, out: GPUTensor): void {
    if (!rows || !cols) return;
    this.dispatch('attentionSoftmaxBackward', attentionSoftmaxBackwardShader, [rows, cols, f32(scale)], [y, g, out], rowGrid(rows));
  }

  /**
   * Cross-entropy's row log-sum-exps into `lse`, and [summed loss, counted rows] into `totals` (two floats): the
   * loss stays on the GPU until the caller reads it, the one read-back of a training step.
   */
  crossEntropy(logits: GPUTensor, targets: GPUTensor, rows: number, cols: number, ignoreIndex: number, lse: GPUTensor, totals: GPUTensor): void {
    const rowLoss = this.empty('float32', 2 * rows);
    if (rows) this.dispatch('crossEntropy', crossEntropyShader, [rows, cols, i32(ignoreIndex)], [logits, targets, lse, rowLoss], rowGrid(rows));
    this.reduce('sum', rowLoss, 2, rows, 1, totals);
    this.release(rowLoss);
  }

  crossEntropyBackward(logits: GPUTensor, targets: GPUTensor, lse: GPUTensor, rows: number, cols: number, ignoreIndex: number, scale: number, out: GPUTensor): void {
    if (!rows || !cols) return;
    this.dispatch('crossEntropyBackward', crossEntropyBackwardShader, [rows, cols, i32(ignoreIndex), f32(scale)], [logits, targets, lse, out], grid(rows * cols));
  }

  layerNorm(x: GPUTensor, rows: number, cols: number, weight: GPUTensor | null, bias: GPUTensor | null, eps: number,
    out: GPUTensor, mean: GPUTensor, rstd: GPUTensor): void {
    if (!rows || !cols) return;
    this.dispatch('layerNorm', layerNormShader, [rows, cols, f32(eps), +!!weight, +!!bias],
      [x, weight ?? this.placeholder, bias ?? this.placeholder, out, mean, rstd], rowGrid(rows));
  }

  layerNormBackward(x: GPUTensor, g: GPUTensor, rows: number, cols: number, weight: GPUTensor | null, mean: GPUTensor, rstd: GPUTensor,
    dx: GPUTensor, dweight: GPUTensor | null, dbias: GPUTensor | null): void {
    if (!rows || !cols) return;
    this.dispatch('layerNormBackward', layerNormBackwardShader, [rows, cols, 0, +!!weight], [x, g, weight ?? this.placeholder, mean, rstd, dx], rowGrid(rows));
    if (dweight || dbias) {
      const [gx] = grid(cols);
      this.dispatch('layerNormParamsBackward', layerNormParamsBackwardShader, [rows, cols, 0, +!!dweight, +!!dbias],
        [x, g, mean, rstd, dweight ?? this.placeholder, dbias ?? this.placeholder], [gx]);
    }
  }

  batchNorm(x: GPUTensor, outer: number, C: number, inner: number, weight: GPUTensor | null, bias: GPUTensor | null, eps: number,
    out: GPUTensor, mean: GPUTensor, rstd: GPUTensor, running: RunningStatistics<GPUTensor> | null): void {
    if (!C || !(outer * inner)) return;
    this.dispatch('batchNorm', batchNormShader, [C, outer, inner, f32(eps), +!!weight, +!!bias],
      [x, weight ?? this.placeholder, bias ?? this.placeholder, out, mean, rstd], rowGrid(C));
    if (running) {
      this.dispatch('batchNormRunning', batchNormRunningShader, [C, outer * inner, f32(eps), f32(running.momentum)],
        [mean, rstd, running.mean, running.variance], grid(C));
    }
  }

  batchNormBackward(x: GPUTensor, g: GPUTensor, outer: number, C: number, inner: number, weight: GPUTensor | null, mean: GPUTensor,
    rstd: GPUTensor, dx: GPUTensor, dweight: GPUTensor | null, dbias: GPUTensor | null): void {
    if (!C || !(outer * inner)) return;
    const sums = this.empty('float32', 2 * C);
    this.dispatch('batchNormBackward', batchNormBackwardShader, [C, outer, inner, 0, +!!weight],
      [x, g, weight ?? this.placeholder, mean, rstd, dx, sums], rowGrid(C));
    if (dweight || dbias) {
      this.dispatch('batchNormParamsBackward', batchNormParamsBackwardShader, [C, +!!dweight, +!!dbias],
        [sums, dweight ?? this.placeholder, dbias ?? this.placeholder], grid(C));
    }
    this.release(sums);
  }

  // ---- indexing ----

  indexSelect(src: GPUTensor, rowSize: number, indices: GPUTensor, out: GPUTensor): void {
    if (!out.length) return;
    const type = wgslType(src.dtype);
    this.dispatch(`indexSelect:${type}`, () => indexSelectShader(type), [indices.length, rowSize], [src, indices, out], grid(out.length));
  }

  indexAdd(g: GPUTensor, rowSize: number, indices: GPUTensor, out: GPUTensor): void {
    if (!indices.length || !rowSize) return;
    this.dispatch('indexAdd', indexAddShader, [indices.length, rowSize], [g, indices, out], grid(indices.length * rowSize));
  }

  gather(x: GPUTensor, index: GPUTensor, outer: number, n: number, m: number, inner: number, out: GPUTensor): void {
    if (!out.length) return;
    const type = wgslType(x.dtype);
    this.dispatch(`gather:${type}`, () => gatherShader(type), [outer, n, m, inner], [x, index, out], grid(out.length));
  }

  scatterAdd(g: GPUTensor, index: GPUTensor, outer: number, n: number, m: number, inner: number, out: GPUTensor): void {
    if (!g.length) return;
    this.dispatch('scatterAdd', scatterAddShader, [outer, n, m, inner], [g, index, out], grid(g.length));
  }

  // ---- sliding windows (convolution and pooling) ----

  im2col(x: GPUTensor, g: WindowGeometry, out: GPUTensor): void {
    if (!out.length) return;
    this.dispatch('im2col', im2colShader, windowNumbers(g), [x, out], grid(out.length));
  }

  col2im(cols: GPUTensor, g: WindowGeometry, dx: GPUTensor): void {
    if (!dx.length) return;
    this.dispatch('col2im', col2imShader, windowNumbers(g), [cols, dx], grid(dx.length));
  }

  maxPool2d(x: GPUTensor, g: WindowGeometry, out: GPUTensor, argmax: GPUTensor): void {
    if (!out.length) return;
    this.dispatch('maxPool2d', maxPool2dShader, windowNumbers(g), [x, out, argmax], grid(out.length));
  }

  maxPool2dBackward(grad: GPUTensor, argmax: GPUTensor, g: WindowGeometry, dx: GPUTensor): void {
    if (!dx.length) return;
    this.dispatch('maxPool2dBackward', maxPool2dBackwardShader, windowNumbers(g), [grad, argmax, dx], grid(dx.length));
  }

  // ---- optimizers ----

  adamw(param: GPUTensor, grad: GPUTensor, m: GPUTensor, v: GPUTensor, step: AdamWStep): void {
    if (!param.length) return;
    this.dispatch('adamw', adamwShader, [param.length, f32(step.beta1), f32(step.beta2), f32(step.eps), f32(step.decayFactor),
      f32(step.stepSize), f32(step.correction2)], [param, grad, m, v], grid(param.length));
  }

  sgd(param: GPUTensor, grad: GPUTensor, velocity: GPUTensor | null, lr: number, momentum: number, weightDecay: number): void {
    if (!param.length) return;
    this.dispatch(`sgd:${!!velocity}`, () => sgdShader(!!velocity), [param.length, f32(lr), f32(momentum), f32(weightDecay)],
      velocity ? [param, grad, velocity] : [param, grad], grid(param.length));
  }

  /** Resolves when every dispatch queued so far has finished (for timing). */
  finished(): Promise<void> {
    this.flush();
    return this.device.queue.onSubmittedWorkDone();
  }
}
