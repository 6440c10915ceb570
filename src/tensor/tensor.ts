import { backend } from '../backend/registry.js';
import { track } from './arena.js';
import { type BackwardOptions, type GradFn, backward as runBackward } from './autograd.js';
import { type DType, type HostStorage, type Storage, allocStorage, computeDtype, dtypeOf, hostStorage, isDevice, isHalf, readableStorage } from '../core/dtype.js';
import { ZerogradError } from '../core/errors.js';
import { formatTensor } from './format.js';
import * as elementwise from './ops/elementwise.js';
import * as indexing from './ops/indexing.js';
import * as join from './ops/join.js';
import { matmul } from './ops/matmul.js';
import * as reduce from './ops/reduce.js';
import * as softmax from './ops/softmax.js';
import * as view from './ops/view.js';
import * as linalg from './ops/linalg.js';
import * as ordering from './ops/ordering.js';
import * as rounding from './ops/rounding.js';
import * as scatter from './ops/scatter.js';
import * as rearrange from './ops/rearrange.js';
import { contiguousStrides, isContiguousRun, numel } from '../core/shape.js';

type Operand = Tensor | number;
export type NestedArray = number | NestedArray[];

/** A function of a gradient, run during backward; it may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void;
const NO_HOOKS: readonly GradHook[] = Object.freeze([]);

/**
 * An n-dimensional array with reverse-mode autograd. A tensor is a view: `data` may be shared with
 * other tensors, and `shape`, `strides` and `offset` say which elements of it this tensor sees.
 */
export class Tensor {
  requiresGrad = false;
  /** d(loss)/d(this) after backward(), for leaves and for tensors that called retainGrad(); else null. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, when it was recorded for autograd; null for leaves. */
  gradFn: GradFn | null = null;
  /** Set by retainGrad(): keep this non-leaf's gradient after backward. */
  retainsGrad = false;
  /** Functions run on this tensor's gradient during backward (registerHook); shared and empty until one is added. */
  hooks: readonly GradHook[] = NO_HOOKS;

  private constructor(
    private storage: Storage | null,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
  ) {}

  /** Wraps storage without copying; strides default to a contiguous row-major layout. */
  static fromStorage(data: Storage, shape: readonly number[], strides?: readonly number[], offset = 0): Tensor {
    const tensor = new Tensor(data, [...shape], strides ? [...strides] : contiguousStrides(shape), offset);
    track(tensor, data);
    return tensor;
  }

  /** The elements this tensor views (shared with its views). */
  get data(): Storage {
    if (this.storage === null) {
      throw new ZerogradError('tensor', `a tensor of shape [${this.shape.join(', ')}] was made inside arenaStep and released when it returned; return plain values from the step, or copy what you keep with .clone() outside it`);
    }
    return this.storage;
  }

  /** Drops the storage (arenaStep does this when scratch memory goes back to the backend). */
  release(): void {
    this.storage = null;
  }

  /** A tensor of host values, handed to the backend to upload when it keeps tensors in device memory. */
  static fromHost(values: HostStorage, shape: readonly number[]): Tensor {
    return Tensor.fromStorage(backend().upload?.(values) ?? values, shape);
  }

  static zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return Tensor.fromStorage(backend().alloc(dtype, numel(shape)), shape);
  }

  get dtype(): DType { return dtypeOf(this.data); }
  get ndim(): number { return this.shape.length; }
  /** Number of elements (PyTorch's numel()). */
  get size(): number { return numel(this.shape); }
  get isLeaf(): boolean { return this.gradFn === null; }

  /** True when the elements are laid out row-major without gaps (the offset may be non-zero). */
  isContiguous(): boolean {
    return isContiguousRun(this.shape, this.strides);
  }

  /**
   * The elements in row-major order as an array starting at 0, for a kernel to compute with: shared when
   * possible, copied otherwise. A 16-bit float tensor holds bit patterns, so kernels never see one.
   */
  denseData(): Storage {
    if (isHalf(this.dtype)) {
      throw new ZerogradError('tensor', `this op does not compute in ${this.dtype} (a tensor of shape [${this.shape.join(', ')}]); convert it with .float() first (elementwise ops, .to() and saving take it as it is)`);
    }
    return this.storedData();
  }

  /**
   * denseData() as an array JavaScript reads: an error for a tensor in GPU memory (see toArrayAsync), unless it
   * is a small one uploaded from host values that the GPU has not changed since.
   */
  hostData(): HostStorage {
    return readableStorage(this.denseData());
  }

  /** The storage itself as an array JavaScript reads and writes in place (optimizer state, checkpoint loading). */
  get host(): HostStorage {
    return hostStorage(this.data);
  }

  /** denseData() for any dtype: a 16-bit float tensor's elements come as their bit patterns (for saving). */
  storedData(): Storage {
    if (!this.isContiguous()) return view.contiguous(this.detach()).data;
    if (this.offset === 0 && this.data.length === this.size) return this.data;
    // Device memory has no views into it: a slice of it is copied.
    if (isDevice(this.data)) return view.clone(this.detach()).data;
    return this.data.subarray(this.offset, this.offset + this.size);
  }

  /** A copy of the elements as a flat JS array of numbers (a tensor in GPU memory: toArrayAsync). */
  toFlatArray(): number[] {
    return Array.from(isHalf(this.dtype) ? this.to('float32').hostData() : this.hostData());
  }

  /** The elements as nested arrays matching the shape (PyTorch's tolist()). */
  tolist(): NestedArray {
    return nest(this.shape, this.toFlatArray());
  }

  /** The single value of a one-element tensor. */
  item(): number {
    this.assertOneElement();
    return isHalf(this.dtype) ? this.to('float32').hostData()[0] : readableStorage(this.data)[this.offset];
  }

  /**
   * The elements as a flat array on every backend: at once on the CPU ones, after the work queued before it on
   * a GPU. Model code that awaits it runs unchanged on WebGPU.
   */
  async toArrayAsync(): Promise<number[]> {
    return Array.from(await (isHalf(this.dtype) ? this.to('float32') : this).hostDataAsync());
  }

  /** hostData() on every backend: a typed-array copy of a tensor in GPU memory, read without going through numbers. */
  async hostDataAsync(): Promise<HostStorage> {
    const dense = this.denseData();
    return isDevice(dense) ? dense.read() : hostStorage(dense);
  }

  async tolistAsync(): Promise<NestedArray> {
    return nest(this.shape, await this.toArrayAsync());
  }

  /** item() on every backend: a training loop awaits its loss this way, the one read-back of a step on a GPU. */
  async itemAsync(): Promise<number> {
    this.assertOneElement();
    return (await this.toArrayAsync())[0];
  }

  private assertOneElement(): void {
    if (this.size !== 1) throw new ZerogradError('item', `only one-element tensors can be converted to a number, got shape [${this.shape.join(', ')}]`);
  }

  // ---- autograd ----
  /**
   * d(this)/d(leaves) into their .grad: `backward()`, `backward(gradient)`, `backward({ retainGraph: true })` or
   * `backward(gradient, { retainGraph: true })`; retainGraph allows another pass through the same graph.
   */
  backward(gradient?: Tensor | BackwardOptions, options?: BackwardOptions): void {
    if (gradient instanceof Tensor) runBackward(this, gradient, options);
    else runBackward(this, undefined, gradient ?? options);
  }
  /** Marks this tensor as a leaf whose gradient backward() should fill (PyTorch's requires_grad_()). */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) throw new ZerogradError('requiresGrad_', 'only leaf tensors can change requiresGrad; use detach() first');
    this.requiresGrad = flag;
    return this;
  }
  /**
   * Runs `hook` on this tensor's gradient each time backward computes it (PyTorch's register_hook); a tensor it
   * returns replaces the gradient. Returns a handle whose remove() takes the hook off again.
   */
  registerHook(hook: GradHook): { remove(): void } {
    this.hooks = [...this.hooks, hook];
    return { remove: () => { this.hooks = this.hooks.filter((h) => h !== hook); } };
  }

  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }
  /** The same data cut off from the graph. */
  detach(): Tensor { return Tensor.fromStorage(this.data, this.shape, this.strides, this.offset); }
  /** A dense copy that stays in the graph. */
  clone(): Tensor { return view.clone(this); }

  /**
   * Overwrites this tensor's elements with `source`'s (same shape, any layout) in place, outside the graph:
   * for optimizer updates, running statistics and checkpoint loading. Views of this tensor see the change.
   */
  copy_(source: Tensor): this {
    if (source.shape.join() !== this.shape.join()) {
      throw new ZerogradError('copy_', `source shape [${source.shape.join(', ')}] differs from target shape [${this.shape.join(', ')}]`);
    }
    // A copy between typed arrays converts numbers, not the bit patterns of a 16-bit float.
    const converted = source.dtype !== this.dtype && (isHalf(source.dtype) || isHalf(this.dtype)) ? source.to(this.dtype) : source;
    backend().copy({ shape: this.shape, src: converted, dst: this });
    return this;
  }

  // ---- dtype ----
  to(dtype: DType): Tensor { return view.cast(this, dtype); }
  /** float32 from int32 and the 16-bit floats; a float64 tensor stays float64 (a precise check keeps its precision). */
  float(): Tensor { return this.dtype === 'int32' || isHalf(this.dtype) ? this.to('float32') : this; }
  /** torch's .half(): float16 storage, rounded to nearest. */
  half(): Tensor { return this.to('float16'); }
  bfloat16(): Tensor { return this.to('bfloat16'); }
  double(): Tensor { return this.to('float64'); }
  int(): Tensor { return this.to('int32'); }
  onesLike(): Tensor {
    return Tensor.fromHost(allocStorage(computeDtype(this.dtype), this.size).fill(1), this.shape).to(this.dtype);
  }
  zerosLike(): Tensor { return Tensor.zeros(this.shape, this.dtype); }

  // ---- elementwise ----
  add(other: Operand): Tensor { return elementwise.add(this, other); }
  sub(other: Operand): Tensor { return elementwise.sub(this, other); }
  mul(other: Operand): Tensor { return elementwise.mul(this, other); }
  div(other: Operand): Tensor { return elementwise.div(this, other); }
  pow(exponent: Operand): Tensor { return typeof exponent === 'number' ? elementwise.powScalar(this, exponent) : elementwise.pow(this, exponent); }
  maximum(other: Operand): Tensor { return elementwise.maximum(this, other); }
  minimum(other: Operand): Tensor { return elementwise.minimum(this, other); }
  clamp(min?: number, max?: number): Tensor { return elementwise.clamp(this, min, max); }
  neg(): Tensor { return elementwise.neg(this); }
  exp(): Tensor { return elementwise.exp(this); }
  log(): Tensor { return elementwise.log(this); }
  sqrt(): Tensor { return elementwise.sqrt(this); }
  rsqrt(): Tensor { return elementwise.rsqrt(this); }
  tanh(): Tensor { return elementwise.tanh(this); }
  sigmoid(): Tensor { return elementwise.sigmoid(this); }
  relu(): Tensor { return elementwise.relu(this); }
  gelu(): Tensor { return elementwise.gelu(this); }
  abs(): Tensor { return elementwise.abs(this); }
  sin(): Tensor { return elementwise.sin(this); }
  cos(): Tensor { return elementwise.cos(this); }
  square(): Tensor { return elementwise.square(this); }
  reciprocal(): Tensor { return elementwise.reciprocal(this); }
  erf(): Tensor { return elementwise.erf(this); }
  eq(other: Operand): Tensor { return elementwise.eq(this, other); }
  ne(other: Operand): Tensor { return elementwise.ne(this, other); }
  lt(other: Operand): Tensor { return elementwise.lt(this, other); }
  le(other: Operand): Tensor { return elementwise.le(this, other); }
  gt(other: Operand): Tensor { return elementwise.gt(this, other); }
  ge(other: Operand): Tensor { return elementwise.ge(this, other); }

  // ---- reductions ----
  sum(dim?: reduce.Dims, keepdim = false): Tensor { return reduce.sum(this, dim, keepdim); }
  mean(dim?: reduce.Dims, keepdim = false): Tensor { return reduce.mean(this, dim, keepdim); }
  /** Variance with Bessel's correction unless `correction` says otherwise (0 = population variance). */
  var(dim?: reduce.Dims, keepdim = false, correction = 1): Tensor { return reduce.variance(this, dim, keepdim, correction); }
  std(dim?: reduce.Dims, keepdim = false, correction = 1): Tensor { return reduce.std(this, dim, keepdim, correction); }
  max(dim?: number, keepdim = false): Tensor { return reduce.max(this, dim, keepdim); }
  min(dim?: number, keepdim = false): Tensor { return reduce.min(this, dim, keepdim); }
  argmax(dim?: number, keepdim = false): Tensor { return reduce.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return reduce.argmin(this, dim, keepdim); }
  sumToShape(shape: readonly number[]): Tensor { return reduce.sumToShape(this, shape); }

  // ---- linear algebra, softmax ----
  matmul(other: Tensor): Tensor { return matmul(this, other); }
  softmax(dim = -1): Tensor { return softmax.softmax(this, dim); }
  logSoftmax(dim = -1): Tensor { return softmax.logSoftmax(this, dim); }

  // ---- views ----
  view(...shape: number[]): Tensor { return view.view(this, shape); }
  reshape(...shape: number[]): Tensor { return view.reshape(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return view.flatten(this, startDim, endDim); }
  transpose(dim0 = -2, dim1 = -1): Tensor { return view.transpose(this, dim0, dim1); }
  /** Matrix transpose of the last two dims (PyTorch's .mT; .T for 2-D). */
  get T(): Tensor { return view.transpose(this, -2, -1); }
  permute(...dims: number[]): Tensor { return view.permute(this, dims); }
  squeeze(dim?: number): Tensor { return view.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return view.unsqueeze(this, dim); }
  slice(dim: number, start = 0, end?: number, step = 1): Tensor { return view.slice(this, dim, start, end, step); }
  expand(...shape: number[]): Tensor { return view.expand(this, shape); }
  contiguous(): Tensor { return view.contiguous(this); }
  split(size: number, dim = 0): Tensor[] { return join.split(this, size, dim); }

  // ---- indexing ----
  /** Rows of this tensor picked by an int32 index tensor of any shape: `C[X]`. */
  index(indices: Tensor): Tensor { return indexing.index(this, indices); }
  gather(dim: number, indices: Tensor): Tensor { return indexing.gather(this, dim, indices); }
  pick(indices: Tensor): Tensor { return indexing.pick(this, indices); }
  maskedFill(mask: Tensor, value: number): Tensor { return indexing.maskedFill(this, mask, value); }
  tril(diagonal = 0): Tensor { return indexing.tril(this, diagonal); }
  // ---- rearranging, ordering, norms (torch's names) ----
  chunk(chunks: number, dim = 0): Tensor[] { return rearrange.chunk(this, chunks, dim); }
  movedim(source: number, destination: number): Tensor { return rearrange.movedim(this, source, destination); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return rearrange.unflatten(this, dim, sizes); }
  repeat(...reps: number[]): Tensor { return rearrange.repeat(this, reps); }
  tile(...reps: number[]): Tensor { return rearrange.tile(this, reps); }
  roll(shift: number, dim?: number): Tensor { return rearrange.roll(this, shift, dim); }
  cumsum(dim: number): Tensor { return ordering.cumsum(this, dim); }
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } { return ordering.sort(this, dim, descending); }
  argsort(dim = -1, descending = false): Tensor { return ordering.argsort(this, dim, descending); }
  topk(k: number, dim = -1, largest = true): { values: Tensor; indices: Tensor } { return ordering.topk(this, k, dim, largest); }
  norm(p: number | 'fro' = 2, dim?: number | number[], keepdim = false): Tensor { return linalg.norm(this, p, dim, keepdim); }
  round(decimals = 0): Tensor { return rounding.round(this, decimals); }
  cumprod(dim: number): Tensor { return ordering.cumprod(this, dim); }
  scatter(dim: number, indices: Tensor, src: Tensor): Tensor { return scatter.scatter(this, dim, indices, src); }
  scatterAdd(dim: number, indices: Tensor, src: Tensor): Tensor { return scatter.scatterAdd(this, dim, indices, src); }
  indexAdd(dim: number, indices: Tensor, src: Tensor): Tensor { return scatter.indexAdd(this, dim, indices, src); }
  maskedSelect(mask: Tensor): Tensor { return scatter.maskedSelect(this, mask); }
  triu(diagonal = 0): Tensor { return indexing.triu(this, diagonal); }

  toString(): string { return formatTensor(this); }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return formatTensor(this); }
}

/** Flat values in nested arrays of `shape`. */
function nest(shape: readonly number[], flat: number[]): NestedArray {
  const build = (axis: number, start: number): NestedArray => {
    if (axis === shape.length) return flat[start];
    const step = numel(shape.slice(axis + 1));
    return Array.from({ length: shape[axis] }, (_, i) => build(axis + 1, start + i * step));
  };
  return build(0, 0);
}
