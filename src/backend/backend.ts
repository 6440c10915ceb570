import type { DeviceStorage, DType, HostStorage, Storage } from '../core/dtype.js';

/**
 * The kernel interface every backend implements. Tensor ops only ever call these functions, so a
 * faster backend (WebAssembly, threads) slots in without touching a single op or backward rule.
 *
 * Conventions: "dense" arrays hold exactly the elements in row-major order starting at index 0;
 * a StridedView describes a tensor that may be a non-contiguous view (broadcast dims have stride 0).
 * Kernels write into `out` arrays the op layer allocated through `alloc`, so a backend that keeps
 * tensors in its own memory arena controls every allocation.
 */
export interface StridedView<S = Storage> {
  readonly data: S;
  readonly offset: number;
  readonly strides: readonly number[];
}

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'tanh' | 'sigmoid' | 'relu' | 'gelu'
  | 'abs' | 'sin' | 'cos' | 'square' | 'reciprocal' | 'erf';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type ReduceOp = 'sum' | 'max' | 'min';

/** Shape of a batched matrix product: `batch` independent (M x K) @ (K x N) products. */
export interface MatmulSpec {
  readonly batch: number;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** Element offset of each batch's A and B matrix inside their arrays. */
  readonly aOffsets: ArrayLike<number>;
  readonly bOffsets: ArrayLike<number>;
  /** A is stored as its transpose (K x M, row-major); the backward pass uses this to avoid copies. */
  readonly transA: boolean;
  readonly transB: boolean;
  /**
   * Row strides of A and B as stored (BLAS's leading dimensions): K (or M if transA) when dense, larger
   * for a matrix cut out of a wider one, like one head's columns of a fused qkv projection.
   */
  readonly lda: number;
  readonly ldb: number;
}

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

/** The numbers of one AdamW update (torch.optim.AdamW), bias corrections folded in by the optimizer. */
export interface AdamWStep {
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - lr * weight decay for decayed parameters, else 1. */
  decayFactor: number;
  /** lr / (1 - beta1^t). */
  stepSize: number;
  /** 1 - beta2^t. */
  correction2: number;
}

/**
 * A 2-D sliding window over dense (N, C, H, W) images: conv2d's patches and the pooling windows. The window at
 * output (oh, ow) covers rows oh * sh - ph + i * dh (i < kh) and columns ow * sw - pw + j * dw (j < kw).
 */
export interface WindowGeometry {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly kh: number; readonly kw: number;
  readonly sh: number; readonly sw: number;
  readonly ph: number; readonly pw: number;
  readonly dh: number; readonly dw: number;
  readonly Ho: number; readonly Wo: number;
}

/**
 * A kernel argument of one element type (indices, LayerNorm's float64 statistics, optimizer moments): that typed
 * array on the CPU backends, the backend's own storage on a device.
 */
export type Typed<S, T> = S extends DeviceStorage ? S : T;

/** A batch normalisation's running averages (storages for a kernel, tensors for the op), updated in place from each training batch. */
export interface RunningStatistics<S> {
  /** Each feature's running mean, C of them. */
  mean: S;
  /** Each feature's running unbiased variance, C of them. */
  variance: S;
  /** How far each batch moves them: running = (1 - momentum) * running + momentum * batch (PyTorch's 0.1). */
  momentum: number;
}

export interface Backend<S = Storage> {
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

  /** Copies a strided view of `shape` into another strided view (contiguous() and slice backward use it). */
  copy(shape: readonly number[], src: StridedView<S>, dst: StridedView<S>): void;

  /** out[i] = f(x[i]); `pow` by a scalar exponent is `unary('pow', ..., exponent)`. */
  unary(op: UnaryOp | 'powScalar', x: S, out: S, scalar?: number): void;
  /** out[i] = g[i] * f'(x[i]), given the forward input x and output y (whichever is cheaper to use). */
  unaryBackward(op: UnaryOp | 'powScalar', x: S, y: S, g: S, out: S, scalar?: number): void;

  /** Broadcast elementwise binary op over `shape`; `out` is dense. */
  binary(op: BinaryOp, shape: readonly number[], a: StridedView<S>, b: StridedView<S>, out: S): void;
  /** out = cond ? a : b elementwise over `shape` with broadcasting; `out` is dense. */
  where(shape: readonly number[], cond: StridedView<S>, a: StridedView<S>, b: StridedView<S>, out: S): void;

  /**
   * Reduces the middle axis of a dense array viewed as (outer, n, inner) into (outer, inner).
   * For max/min, `argOut` receives the winning position along the axis (first one on ties).
   */
  reduce(op: ReduceOp, x: S, outer: number, n: number, inner: number, out: S, argOut?: Typed<S, Int32Array>): void;

  /** Batched matrix product into dense `out` of shape (batch, M, N). */
  matmul(spec: MatmulSpec, a: S, b: S, out: S): void;

  /** Row-wise softmax (or log-softmax) of a dense (rows, cols) array. */
  softmax(x: S, rows: number, cols: number, out: S, log: boolean): void;
  /** Gradient of softmax / log-softmax from its output y and upstream gradient g. */
  softmaxBackward(y: S, g: S, rows: number, cols: number, out: S, log: boolean): void;

  /**
   * Attention weights in one pass: softmax(scale * x) over each row of dense x (rows, cols), where, if
   * `causal`, row r is query position r % cols of a square (T, T) block and columns after it get weight 0.
   */
  attentionSoftmax(x: S, rows: number, cols: number, scale: number, causal: boolean, out: S): void;
  /** Its gradient: scale * y * (g - sum(g * y)) per row (masked entries have y = 0, so get 0). */
  attentionSoftmaxBackward(y: S, g: S, rows: number, cols: number, scale: number, out: S): void;

  /**
   * Cross-entropy of dense logits (rows, cols) against integer targets; rows whose target equals
   * `ignoreIndex` contribute nothing. Writes each row's log-sum-exp into `lse`, and the summed loss and the
   * number of counted rows into `totals` (two elements, so that on a device they stay there).
   */
  crossEntropy(logits: S, targets: Typed<S, Int32Array>, rows: number, cols: number, ignoreIndex: number,
    lse: S, totals: Typed<S, Float64Array>): void;
  /** d(loss)/d(logits) = scale * (softmax - onehot) on counted rows, 0 on ignored rows. */
  crossEntropyBackward(logits: S, targets: Typed<S, Int32Array>, lse: S, rows: number, cols: number,
    ignoreIndex: number, scale: number, out: S): void;

  /**
   * LayerNorm over the last axis of dense x (rows, cols): out = (x - mean) * rstd * weight + bias, with
   * weight/bias optional (null). Writes each row's mean and 1/sqrt(var + eps) for the backward pass.
   */
  layerNorm(x: S, rows: number, cols: number, weight: S | null, bias: S | null, eps: number,
    out: S, mean: Typed<S, Float64Array>, rstd: Typed<S, Float64Array>): void;
  /**
   * Gradients of layerNorm from upstream g: dx (dense, overwritten), and dweight/dbias summed over rows
   * into arrays the caller pre-zeroed (null when the op had no weight/bias).
   */
  layerNormBackward(x: S, g: S, rows: number, cols: number, weight: S | null, mean: Typed<S, Float64Array>,
    rstd: Typed<S, Float64Array>, dx: S, dweight: S | null, dbias: S | null): void;

  /**
   * Batch normalisation of dense x seen as (outer, C, inner): each feature c over its outer * inner values,
   * out = (x - mean) * rstd * weight + bias with the biased variance, weight/bias optional (null). Writes each
   * feature's mean and 1/sqrt(var + eps). Features last is inner = 1; image channels are (N, C, H * W).
   * `running`, when given, moves toward the batch's statistics in place as PyTorch's does: mean and variance
   * each become (1 - momentum) * running + momentum * batch, with the unbiased variance.
   */
  batchNorm(x: S, outer: number, C: number, inner: number, weight: S | null, bias: S | null, eps: number,
    out: S, mean: Typed<S, Float64Array>, rstd: Typed<S, Float64Array>, running: RunningStatistics<S> | null): void;
  /** Gradients of batchNorm from upstream g: dx (dense, overwritten), and dweight/dbias summed per feature into pre-zeroed arrays. */
  batchNormBackward(x: S, g: S, outer: number, C: number, inner: number, weight: S | null, mean: Typed<S, Float64Array>,
    rstd: Typed<S, Float64Array>, dx: S, dweight: S | null, dbias: S | null): void;

  /** out[i, :] = src[indices[i], :] for rows of length rowSize (embedding lookup). */
  indexSelect(src: S, rowSize: number, indices: Typed<S, Int32Array>, out: S): void;
  /** out[indices[i], :] += g[i, :] (embedding backward); `out` must be pre-zeroed by the caller. */
  indexAdd(g: S, rowSize: number, indices: Typed<S, Int32Array>, out: S): void;

  /**
   * Gather along the middle axis: x is (outer, n, inner), index is (outer, m, inner) with values in [0, n);
   * out[o, j, i] = x[o, index[o, j, i], i].
   */
  gather(x: S, index: Typed<S, Int32Array>, outer: number, n: number, m: number, inner: number, out: S): void;
  /**
   * One AdamW update in place: the moments m, v move towards the gradient and its square, then
   * param = param * decayFactor - stepSize * m / (sqrt(v / correction2) + eps). All four arrays are dense and of one length.
   */
  adamw(param: S, grad: S, m: Typed<S, Float32Array | Float64Array>, v: Typed<S, Float32Array | Float64Array>, step: AdamWStep): void;
  /**
   * One SGD update in place (torch.optim.SGD): g = grad + weightDecay * param; with a velocity array,
   * velocity = momentum * velocity + g and g = velocity; then param -= lr * g.
   */
  sgd(param: S, grad: S, velocity: Typed<S, Float32Array | Float64Array> | null, lr: number, momentum: number, weightDecay: number): void;

  /**
   * The batch's patches side by side: out (C*kh*kw, N*Ho*Wo) holds, at row (c, i, j) and column (n, oh, ow),
   * the pixel the window at (oh, ow) of image n covers at (i, j) in channel c, or 0 in the padding.
   */
  im2col(x: S, geometry: WindowGeometry, out: S): void;
  /** Its adjoint: dx (N, C, H, W), overwritten, gets each pixel's entries of `cols` summed in row order. */
  col2im(cols: S, geometry: WindowGeometry, dx: S): void;
  /**
   * Each window's largest element into out (N, C, Ho, Wo), and its position h * W + w within its plane into
   * `argmax` (as PyTorch's CPU kernel: the first one on ties, the last NaN if any).
   */
  maxPool2d(x: S, geometry: WindowGeometry, out: S, argmax: Typed<S, Int32Array>): void;
  /** Its adjoint: dx (N, C, H, W), overwritten, gets each output's gradient at its argmax. */
  maxPool2dBackward(g: S, argmax: Typed<S, Int32Array>, geometry: WindowGeometry, dx: S): void;

  /** The adjoint of gather: out[o, index[o, j, i], i] += g[o, j, i]; `out` must be pre-zeroed. */
  scatterAdd(g: S, index: Typed<S, Int32Array>, outer: number, n: number, m: number, inner: number, out: S): void;
}
