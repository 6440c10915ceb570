import type { Backend, BinaryOp, StridedView, UnaryOp, WindowGeometry } from '../backend.js';
import type { HostStorage } from '../../core/dtype.js';
import { isContiguousRun } from '../../core/shape.js';
import { ERF_TABLE } from '../reference/erf.js';
import { referenceBackend } from '../reference/index.js';
import type { WasmArena } from './arena.js';
import { type KernelPool, type PoolJob, type PoolKernels, claimSize } from './kernelPool.js';
import { Staging } from './staging.js';

/** The exports of assembly/elementwise.ts, rows.ts, optim.ts and window.ts (addresses are byte offsets). */
export interface RowKernelExports extends PoolKernels {
  binary(op: number, ndim: number, layout: number, a: number, b: number, out: number): void;
  copyStrided(ndim: number, layout: number, src: number, dst: number): void;
  softmax(x: number, rows: number, cols: number, out: number, log: boolean): void;
  softmaxBackward(y: number, g: number, rows: number, cols: number, out: number, log: boolean): void;
  attentionSoftmax(x: number, rows: number, cols: number, scale: number, causal: boolean, out: number): void;
  attentionSoftmaxBackward(y: number, g: number, rows: number, cols: number, scale: number, out: number): void;
  crossEntropy(logits: number, targets: number, rows: number, cols: number, ignoreIndex: number, lse: number): number;
  crossEntropyBackward(logits: number, targets: number, lse: number, rows: number, cols: number, ignoreIndex: number, scale: number, out: number): void;
  layerNorm(x: number, rows: number, cols: number, weight: number, bias: number, eps: number, out: number, mean: number, rstd: number): void;
  layerNormBackward(x: number, g: number, rows: number, cols: number, weight: number, mean: number, rstd: number, dx: number, dweight: number, dbias: number): void;
  batchNorm(x: number, outer: number, C: number, inner: number, weight: number, bias: number, eps: number, out: number, mean: number, rstd: number,
    runningMean: number, runningVariance: number, momentum: number, acc: number): void;
  batchNormBackward(x: number, g: number, outer: number, C: number, inner: number, weight: number, mean: number, rstd: number,
    dx: number, dweight: number, dbias: number, acc: number): void;
  reduceSum(x: number, outer: number, n: number, inner: number, out: number, acc: number): void;
  indexSelect(src: number, rowSize: number, indices: number, count: number, out: number): void;
  indexAdd(g: number, rowSize: number, indices: number, count: number, out: number): void;
  zero(at: number, bytes: number): void;
  adamw(param: number, grad: number, m: number, v: number, n: number, beta1: number, beta2: number, eps: number,
    decayFactor: number, stepSize: number, correction2: number): void;
  sgd(param: number, grad: number, velocity: number, n: number, lr: number, momentum: number, weightDecay: number): void;
}

/** Op codes of assembly/elementwise.ts; ops missing here (sin, cos, comparisons...) stay in JavaScript. */
const UNARY_CODES: Partial<Record<UnaryOp | 'powScalar', number>> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, tanh: 5, sigmoid: 6, relu: 7, gelu: 8, abs: 9, square: 10, reciprocal: 11, powScalar: 12,
};
const BINARY_CODES: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };

type FourByte = Float32Array | Int32Array;
/** Elements below which an elementwise kernel stays on one thread (waking another costs tens of microseconds). */
const PARALLEL_ELEMENTS = 1 << 16;

const isF32 = (s: HostStorage | null): s is Float32Array => s instanceof Float32Array;
const f32s = (...storages: (HostStorage | null)[]) => storages.every((s) => s === null || isF32(s));
const positive = (v: StridedView<HostStorage>) => v.strides.every((s) => s >= 0);
const windowNumbers = (g: WindowGeometry) => [g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.Ho, g.Wo];

type Kernels = Omit<Backend<HostStorage>, 'name' | 'alloc' | 'empty' | 'upload' | 'persistent' | 'free' | 'write' | 'scratch' | 'memoryInUse' | 'matmul' | 'where' | 'gather' | 'scatterAdd'>;
type Args<K extends keyof Kernels> = Parameters<Kernels[K]>;

/**
 * The row, elementwise, window and optimizer kernels of the WebAssembly backend. Each is a pair: when it can
 * run in WebAssembly (its arrays are float32 and its outputs live in the arena, tensors made inside
 * arenaStep; an input that does not is copied in first, but only when that costs less than the kernel), and
 * the call itself. Otherwise, and outside arenaStep, the reference kernel runs on the same arrays.
 */
export function rowKernels(arena: WasmArena, kernels: RowKernelExports, pool?: KernelPool): Partial<Backend<HostStorage>> {
  const s = new Staging(arena);
  const tableAt = arena.block(ERF_TABLE.byteLength);
  new Float64Array(arena.view().buffer, tableAt, ERF_TABLE.length).set(ERF_TABLE);
  const address = (storage: HostStorage | null) => s.address(storage as FourByte | null);

  /**
   * Shape and two operands' strides in the i32 layout assembly/elementwise.ts walks (0-d as [1]), followed by
   * the room its walk keeps ndim counters and two row starts in.
   */
  function layout(shape: readonly number[], first: readonly number[], second: readonly number[]): { at: number; ndim: number } {
    const dims = shape.length === 0 ? [1] : shape;
    const ndim = dims.length;
    return { at: s.int32Block([...dims, ...(shape.length ? first : [0]), ...(shape.length ? second : [0])], ndim + 2), ndim };
  }

  /**
   * A kernel over `items` independent work items: split across the pool when there is enough work, else
   * `local` (the kernel called directly: building a job costs microseconds, more than a small kernel takes).
   */
  function split(job: () => Omit<PoolJob, 'items' | 'chunk'>, items: number, work: number, unit: number, local: () => void): void {
    if (!pool || work < PARALLEL_ELEMENTS || items < 2) return local();
    pool.run({ ...job(), items, chunk: claimSize(items, pool.threads, unit) }, kernels);
  }
  /** Elementwise kernels split in chunks of whole four-lane vectors, so the vector loops cover the same elements on any thread count. */
  const elementwise = (job: () => Omit<PoolJob, 'items' | 'chunk'>, n: number, local: () => void) => split(job, n, n, 4, local);

  /** A backend kernel that runs `wasm` when `usable` says it can (borrowed blocks given back after), else the reference one. */
  function kernel<K extends keyof Kernels>(name: K, usable: (...args: Args<K>) => boolean, wasm: (...args: Args<K>) => ReturnType<Kernels[K]>): Kernels[K] {
    const reference = referenceBackend[name] as (...args: Args<K>) => ReturnType<Kernels[K]>;
    return ((...args: Args<K>) => (usable(...args) ? s.call(() => wasm(...args)) : reference(...args))) as Kernels[K];
  }

  const unary = kernel('unary',
    (op, x, out) => UNARY_CODES[op] !== undefined && f32s(x, out) && s.held(out) && s.stageable(out.length, x),
    (op, x, out, scalar = 0) => {
      const code = UNARY_CODES[op]!;
      const xAt = address(x);
      elementwise(() => ({ kind: 'unary', args: [code, xAt, out.byteOffset, tableAt], scalar }), out.length,
        () => kernels.unary(code, xAt, out.byteOffset, out.length, scalar, tableAt));
    });

  const unaryBackward = kernel('unaryBackward',
    (op, x, y, g, out) => UNARY_CODES[op] !== undefined && f32s(x, y, g, out) && s.held(out) && s.stageable(out.length, x, y, g),
    (op, x, y, g, out, scalar = 0) => {
      const code = UNARY_CODES[op]!;
      const [xAt, yAt, gAt] = [x, y, g].map(address);
      elementwise(() => ({ kind: 'unaryBackward', args: [code, xAt, yAt, gAt, out.byteOffset, tableAt], scalar }), out.length,
        () => kernels.unaryBackward(code, xAt, yAt, gAt, out.byteOffset, out.length, scalar, tableAt));
    });

  const binary = kernel('binary',
    (op, _shape, a, b, out) => BINARY_CODES[op] !== undefined && f32s(a.data, b.data, out) && s.held(out)
      && s.stageable(out.length, a.data, b.data) && positive(a) && positive(b),
    (op, shape, a, b, out) => {
      const { at, ndim } = layout(shape, a.strides, b.strides);
      kernels.binary(BINARY_CODES[op]!, ndim, at, address(a.data) + 4 * a.offset, address(b.data) + 4 * b.offset, out.byteOffset);
    });

  // A strided view out of the arena into a dense JavaScript array (a weight's gradient, which matmul's
  // backward makes as a transposed view, leaving the step) is gathered in a borrowed block and copied out in one go.
  const gathersOut = (shape: readonly number[], src: StridedView<HostStorage>, dst: StridedView<HostStorage>) =>
    !s.held(dst.data) && s.held(src.data) && isContiguousRun(shape, dst.strides);
  const copy = kernel('copy',
    (shape, src, dst) => src.data.constructor === dst.data.constructor && src.data.BYTES_PER_ELEMENT === 4
      && (s.held(dst.data) || gathersOut(shape, src, dst)) && s.stageable(shape.reduce((p, n) => p * n, 1), src.data)
      && positive(src) && positive(dst),
    (shape, src, dst) => {
      const count = shape.reduce((p, n) => p * n, 1);
      const gather = gathersOut(shape, src, dst);
      if (gather && isContiguousRun(shape, src.strides)) {
        // Already dense in the arena: one memcpy out.
        const out = dst.data as FourByte;
        out.set(new (out.constructor as Float32ArrayConstructor)(arena.view().buffer, src.data.byteOffset + 4 * src.offset, count), dst.offset);
        return;
      }
      const { at, ndim } = layout(shape, src.strides, dst.strides);
      const staged = gather ? s.borrow(4 * count) : 0;
      kernels.copyStrided(ndim, at, address(src.data) + 4 * src.offset, gather ? staged : dst.data.byteOffset + 4 * dst.offset);
      if (gather) {
        const out = dst.data as FourByte;
        out.set(new (out.constructor as Float32ArrayConstructor)(arena.view().buffer, staged, count), dst.offset);
      }
    });

  const reduce = kernel('reduce',
    (op, x, _outer, _n, _inner, out) => op === 'sum' && f32s(x, out) && s.held(x, out),
    (_op, x, outer, n, inner, out) => kernels.reduceSum(x.byteOffset, outer, n, inner, out.byteOffset, s.borrow(8 * inner)));

  const softmax = kernel('softmax', (x, _rows, _cols, out) => f32s(x, out) && s.held(x, out),
    (x, rows, cols, out, log) => kernels.softmax(x.byteOffset, rows, cols, out.byteOffset, log));
  const softmaxBackward = kernel('softmaxBackward', (y, g, _rows, _cols, out) => f32s(y, g, out) && s.held(y, g, out),
    (y, g, rows, cols, out, log) => kernels.softmaxBackward(y.byteOffset, g.byteOffset, rows, cols, out.byteOffset, log));
  const attentionSoftmax = kernel('attentionSoftmax', (x, _rows, _cols, _scale, _causal, out) => f32s(x, out) && s.held(x, out),
    (x, rows, cols, scale, causal, out) => kernels.attentionSoftmax(x.byteOffset, rows, cols, scale, causal, out.byteOffset));
  const attentionSoftmaxBackward = kernel('attentionSoftmaxBackward',
    (y, g, _rows, _cols, _scale, out) => f32s(y, g, out) && s.held(y, g, out),
    (y, g, rows, cols, scale, out) => kernels.attentionSoftmaxBackward(y.byteOffset, g.byteOffset, rows, cols, scale, out.byteOffset));

  const crossEntropy = kernel('crossEntropy', (logits, _targets, _rows, _cols, _ignore, lse) => f32s(logits, lse) && s.held(logits, lse),
    (logits, targets, rows, cols, ignoreIndex, lse, totals) => {
      totals[0] = kernels.crossEntropy(logits.byteOffset, address(targets), rows, cols, ignoreIndex, lse.byteOffset);
      let count = 0;
      for (let r = 0; r < rows; r++) if (targets[r] !== ignoreIndex) count++;
      totals[1] = count;
    });
  const crossEntropyBackward = kernel('crossEntropyBackward',
    (logits, _targets, lse, _rows, _cols, _ignore, _scale, out) => f32s(logits, lse, out) && s.held(logits, lse, out),
    (logits, targets, lse, rows, cols, ignoreIndex, scale, out) =>
      kernels.crossEntropyBackward(logits.byteOffset, address(targets), lse.byteOffset, rows, cols, ignoreIndex, scale, out.byteOffset));

  const layerNorm = kernel('layerNorm',
    (x, _rows, _cols, weight, bias, _eps, out) => f32s(x, out, weight, bias) && s.held(x, out) && s.stageable(out.length, weight, bias),
    (x, rows, cols, weight, bias, eps, out, mean, rstd) => {
      const meanAt = s.float64Block(mean, false);
      const rstdAt = s.float64Block(rstd, false);
      kernels.layerNorm(x.byteOffset, rows, cols, address(weight), address(bias), eps, out.byteOffset, meanAt, rstdAt);
      s.copyBackFloat64(mean, meanAt);
      s.copyBackFloat64(rstd, rstdAt);
    });
  const layerNormBackward = kernel('layerNormBackward',
    (x, g, _rows, _cols, weight, _mean, _rstd, dx, dweight, dbias) => f32s(x, g, dx, weight, dweight, dbias)
      && s.held(x, g, dx, dweight, dbias) && s.stageable(dx.length, weight),
    (x, g, rows, cols, weight, mean, rstd, dx, dweight, dbias) =>
      kernels.layerNormBackward(x.byteOffset, g.byteOffset, rows, cols, address(weight), s.float64Block(mean, true),
        s.float64Block(rstd, true), dx.byteOffset, dweight?.byteOffset ?? 0, dbias?.byteOffset ?? 0));

  const batchNorm = kernel('batchNorm',
    (x, _outer, _C, _inner, weight, bias, _eps, out, _mean, _rstd, running) => f32s(x, out, weight, bias, running?.mean ?? null,
      running?.variance ?? null) && s.held(x, out) && s.stageable(out.length, weight, bias),
    (x, outer, C, inner, weight, bias, eps, out, mean, rstd, running) => {
      const [meanAt, rstdAt] = [s.float64Block(mean, false), s.float64Block(rstd, false)];
      const [runningMean, runningVariance] = [address(running?.mean ?? null), address(running?.variance ?? null)];
      kernels.batchNorm(x.byteOffset, outer, C, inner, address(weight), address(bias), eps, out.byteOffset, meanAt, rstdAt,
        runningMean, runningVariance, running?.momentum ?? 0, s.borrow(12 * C));
      s.copyBackFloat64(mean, meanAt);
      s.copyBackFloat64(rstd, rstdAt);
      if (running) {
        s.copyBack(running.mean as Float32Array, runningMean);
        s.copyBack(running.variance as Float32Array, runningVariance);
      }
    });
  const batchNormBackward = kernel('batchNormBackward',
    (x, g, _outer, _C, _inner, weight, _mean, _rstd, dx, dweight, dbias) => f32s(x, g, dx, weight, dweight, dbias)
      && s.held(x, g, dx, dweight, dbias) && s.stageable(dx.length, weight),
    (x, g, outer, C, inner, weight, mean, rstd, dx, dweight, dbias) =>
      kernels.batchNormBackward(x.byteOffset, g.byteOffset, outer, C, inner, address(weight), s.float64Block(mean, true),
        s.float64Block(rstd, true), dx.byteOffset, dweight?.byteOffset ?? 0, dbias?.byteOffset ?? 0, s.borrow(32 * C)));

  // Parameters, gradients and optimizer state live in JavaScript arrays (they outlive every step), so they
  // are copied in and out: the memcpys still cost less than the update as a JavaScript loop.
  const adamw = kernel('adamw', (param, grad, m, v) => f32s(param, grad, m, v),
    (param, grad, m, v, step) => {
      const [p, g, mAt, vAt] = [param, grad, m, v].map(address);
      kernels.adamw(p, g, mAt, vAt, param.length, step.beta1, step.beta2, step.eps, step.decayFactor, step.stepSize, step.correction2);
      s.copyBack(param as Float32Array, p);
      s.copyBack(m as Float32Array, mAt);
      s.copyBack(v as Float32Array, vAt);
    });
  const sgd = kernel('sgd', (param, grad, velocity) => f32s(param, grad, velocity),
    (param, grad, velocity, lr, momentum, weightDecay) => {
      const [p, g, v] = [param, grad, velocity].map(address);
      kernels.sgd(p, g, v, param.length, lr, momentum, weightDecay);
      s.copyBack(param as Float32Array, p);
      if (velocity) s.copyBack(velocity as Float32Array, v);
    });

  // An embedding table outside the arena is staged when it is no larger than the rows looked up.
  const indexSelect = kernel('indexSelect', (src, _rowSize, _indices, out) => f32s(src, out) && s.held(out) && s.stageable(out.length, src),
    (src, rowSize, indices, out) => kernels.indexSelect(address(src), rowSize, address(indices), indices.length, out.byteOffset));
  const indexAdd = kernel('indexAdd', (g, _rowSize, _indices, out) => f32s(g, out) && s.held(g, out),
    (g, rowSize, indices, out) => kernels.indexAdd(g.byteOffset, rowSize, address(indices), indices.length, out.byteOffset));

  // The window kernels split by rows of the patch matrix (im2col), by channel (col2im: the rows of one
  // channel add into the same pixels) and by image plane (pooling).
  const im2col = kernel('im2col', (x, _g, out) => f32s(x, out) && s.held(out) && s.stageable(out.length, x),
    (x, g, out) => {
      const [geometry, xAt] = [s.int32Block(windowNumbers(g)), address(x)];
      const rows = g.C * g.kh * g.kw;
      split(() => ({ kind: 'im2col', args: [geometry, xAt, out.byteOffset] }), rows, out.length, 1,
        () => kernels.im2col(geometry, xAt, out.byteOffset, 0, rows));
    });
  const col2im = kernel('col2im', (cols, _g, dx) => f32s(cols, dx) && s.held(cols, dx),
    (cols, g, dx) => {
      const geometry = s.int32Block(windowNumbers(g));
      split(() => ({ kind: 'col2im', args: [geometry, cols.byteOffset, dx.byteOffset] }), g.C, cols.length, 1,
        () => kernels.col2im(geometry, cols.byteOffset, dx.byteOffset, 0, g.C));
    });
  const maxPool2d = kernel('maxPool2d', (x, _g, out, argmax) => f32s(x, out) && s.held(out, argmax) && s.stageable(4 * out.length, x),
    (x, g, out, argmax) => {
      const [geometry, xAt] = [s.int32Block(windowNumbers(g)), address(x)];
      const planes = g.N * g.C;
      split(() => ({ kind: 'maxPool2d', args: [geometry, xAt, out.byteOffset, argmax.byteOffset] }), planes, x.length, 1,
        () => kernels.maxPool2d(geometry, xAt, out.byteOffset, argmax.byteOffset, 0, planes));
    });
  const maxPool2dBackward = kernel('maxPool2dBackward', (grad, argmax, _g, dx) => f32s(grad, dx) && s.held(grad, argmax, dx),
    (grad, argmax, g, dx) => {
      const geometry = s.int32Block(windowNumbers(g));
      const planes = g.N * g.C;
      split(() => ({ kind: 'maxPool2dBackward', args: [geometry, grad.byteOffset, argmax.byteOffset, dx.byteOffset] }), planes, dx.length, 1,
        () => kernels.maxPool2dBackward(geometry, grad.byteOffset, argmax.byteOffset, dx.byteOffset, 0, planes));
    });

  return {
    unary, unaryBackward, binary, copy, reduce, softmax, softmaxBackward, attentionSoftmax, attentionSoftmaxBackward,
    crossEntropy, crossEntropyBackward, layerNorm, layerNormBackward, batchNorm, batchNormBackward, adamw, sgd, indexSelect, indexAdd,
    im2col, col2im, maxPool2d, maxPool2dBackward,
  };
}
