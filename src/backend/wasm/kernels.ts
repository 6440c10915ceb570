import type { Backend, BinaryOp, ReduceOp, StridedView, UnaryOp } from '../backend.js';
import type { Storage } from '../../tensor/dtype.js';
import { isContiguousRun } from '../../tensor/shape.js';
import { ERF_TABLE } from '../reference/erf.js';
import { referenceBackend } from '../reference/index.js';
import type { WasmArena } from './arena.js';
import { type KernelPool, type PoolJob, type PoolKernels, claimSize } from './kernelPool.js';

/** The exports of assembly/elementwise.ts and assembly/rows.ts (addresses are byte offsets). */
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

const isF32 = (s: Storage | null): s is Float32Array => s instanceof Float32Array;

/**
 * The row and elementwise kernels of the WebAssembly backend. A kernel runs in WebAssembly when its outputs
 * live in the arena (tensors made inside arenaStep); an input that does not is copied in first, but only
 * when that costs less than the kernel (a bias, a LayerNorm gain), otherwise the reference kernel runs on
 * the same arrays. Outside arenaStep every kernel is the reference one.
 */
export function rowKernels(arena: WasmArena, kernels: RowKernelExports, pool?: KernelPool): Partial<Backend> {
  const tableAt = arena.block(ERF_TABLE.byteLength);
  new Float64Array(arena.view().buffer, tableAt, ERF_TABLE.length).set(ERF_TABLE);

  /** Blocks borrowed for one kernel call, given back after it. */
  const borrowed: { at: number; bytes: number }[] = [];
  const borrow = (bytes: number): number => {
    const at = arena.block(bytes);
    borrowed.push({ at, bytes });
    return at;
  };
  const giveBack = () => {
    for (const { at, bytes } of borrowed) arena.release(at, bytes);
    borrowed.length = 0;
  };
  const held = (...storages: (Storage | null)[]) => storages.every((s) => s === null || arena.holds(s));
  /** Worth staging: in the arena already, or no larger than the output the kernel writes. */
  const stageable = (output: number, ...storages: (Storage | null)[]) =>
    storages.every((s) => s === null || arena.holds(s) || s.length <= output);

  /** The byte address of a 4-byte array's element 0, copying it into a borrowed block if it lives elsewhere. */
  function address(storage: FourByte | null): number {
    if (storage === null) return 0;
    if (arena.holds(storage)) return storage.byteOffset;
    const at = borrow(storage.byteLength);
    arena.view().set(new Uint8Array(storage.buffer, storage.byteOffset, storage.byteLength), at);
    return at;
  }

  /** Copies a staged array back out of the arena after a kernel updated it in place there. */
  function copyBack(storage: Float32Array, at: number): void {
    if (!arena.holds(storage)) storage.set(new Float32Array(arena.view().buffer, at, storage.length));
  }

  function float64Block(values: Float64Array, copyIn: boolean): number {
    const at = borrow(values.byteLength);
    if (copyIn) new Float64Array(arena.view().buffer, at, values.length).set(values);
    return at;
  }

  /** Shape and two operands' strides in the i32 layout assembly/elementwise.ts walks (0-d as [1]). */
  function layout(shape: readonly number[], first: readonly number[], second: readonly number[]): { at: number; ndim: number } {
    const dims = shape.length === 0 ? [1] : shape;
    const ndim = dims.length;
    const at = borrow(4 * (4 * ndim + 2));
    new Int32Array(arena.view().buffer, at, 3 * ndim).set([...dims, ...(shape.length ? first : [0]), ...(shape.length ? second : [0])]);
    return { at, ndim };
  }

  const positive = (v: StridedView) => v.strides.every((s) => s >= 0);

  /**
   * An elementwise kernel over n elements: split across the pool when there is enough of it, else `local`
   * (the kernel called directly: building a job costs microseconds, more than a small kernel takes).
   */
  function elementwise(job: () => Omit<PoolJob, 'items' | 'chunk'>, n: number, local: () => void): void {
    if (!pool || n < PARALLEL_ELEMENTS) return local();
    // Chunks of whole four-lane vectors, so the vector loops cover the same elements on any thread count.
    pool.run({ ...job(), items: n, chunk: claimSize(n, pool.threads, 4) }, kernels);
  }

  return {
    unary(op, x, out, scalar = 0) {
      const code = UNARY_CODES[op];
      if (code === undefined || !isF32(x) || !isF32(out) || !held(out) || !stageable(out.length, x)) {
        referenceBackend.unary(op, x, out, scalar);
        return;
      }
      const xAt = address(x);
      elementwise(() => ({ kind: 'unary', args: [code, xAt, out.byteOffset, tableAt], scalar }), out.length,
        () => kernels.unary(code, xAt, out.byteOffset, out.length, scalar, tableAt));
      giveBack();
    },
    unaryBackward(op, x, y, g, out, scalar = 0) {
      const code = UNARY_CODES[op];
      if (code === undefined || ![x, y, g, out].every(isF32) || !held(out) || !stageable(out.length, x, y, g)) {
        referenceBackend.unaryBackward(op, x, y, g, out, scalar);
        return;
      }
      const [xAt, yAt, gAt] = [x, y, g].map((s) => address(s as Float32Array));
      elementwise(() => ({ kind: 'unaryBackward', args: [code, xAt, yAt, gAt, out.byteOffset, tableAt], scalar }), out.length,
        () => kernels.unaryBackward(code, xAt, yAt, gAt, out.byteOffset, out.length, scalar, tableAt));
      giveBack();
    },
    binary(op, shape, a, b, out) {
      const code = BINARY_CODES[op];
      if (code === undefined || !isF32(a.data) || !isF32(b.data) || !isF32(out) || !held(out)
        || !stageable(out.length, a.data, b.data) || !positive(a) || !positive(b)) {
        referenceBackend.binary(op, shape, a, b, out);
        return;
      }
      const { at, ndim } = layout(shape, a.strides, b.strides);
      kernels.binary(code, ndim, at, address(a.data) + 4 * a.offset, address(b.data as Float32Array) + 4 * b.offset, out.byteOffset);
      giveBack();
    },
    copy(shape, src, dst) {
      const sameWidth = src.data.constructor === dst.data.constructor && src.data.BYTES_PER_ELEMENT === 4;
      const count = shape.reduce((p, s) => p * s, 1);
      // A strided view out of the arena into a dense JavaScript array (a weight's gradient, which matmul's
      // backward makes as a transposed view, leaving the step) is gathered here and copied out in one go.
      const gatherOut = !held(dst.data) && held(src.data) && isContiguousRun(shape, dst.strides);
      if (!sameWidth || !(held(dst.data) || gatherOut) || !stageable(count, src.data) || !positive(src) || !positive(dst)) {
        referenceBackend.copy(shape, src, dst);
        return;
      }
      const { at, ndim } = layout(shape, src.strides, dst.strides);
      const staged = gatherOut ? borrow(4 * count) : 0;
      kernels.copyStrided(ndim, at, address(src.data as FourByte) + 4 * src.offset, gatherOut ? staged : dst.data.byteOffset + 4 * dst.offset);
      if (gatherOut) {
        const out = dst.data as FourByte;
        out.set(new (out.constructor as Float32ArrayConstructor)(arena.view().buffer, staged, count), dst.offset);
      }
      giveBack();
    },
    reduce(op: ReduceOp, x, outer, n, inner, out, argOut) {
      if (op !== 'sum' || !isF32(x) || !isF32(out) || !held(x, out)) {
        referenceBackend.reduce(op, x, outer, n, inner, out, argOut);
        return;
      }
      kernels.reduceSum(x.byteOffset, outer, n, inner, out.byteOffset, borrow(8 * inner));
      giveBack();
    },
    softmax(x, rows, cols, out, log) {
      if (!isF32(x) || !isF32(out) || !held(x, out)) return referenceBackend.softmax(x, rows, cols, out, log);
      kernels.softmax(x.byteOffset, rows, cols, out.byteOffset, log);
    },
    softmaxBackward(y, g, rows, cols, out, log) {
      if (![y, g, out].every(isF32) || !held(y, g, out)) return referenceBackend.softmaxBackward(y, g, rows, cols, out, log);
      kernels.softmaxBackward(y.byteOffset, g.byteOffset, rows, cols, out.byteOffset, log);
    },
    attentionSoftmax(x, rows, cols, scale, causal, out) {
      if (!isF32(x) || !isF32(out) || !held(x, out)) return referenceBackend.attentionSoftmax(x, rows, cols, scale, causal, out);
      kernels.attentionSoftmax(x.byteOffset, rows, cols, scale, causal, out.byteOffset);
    },
    attentionSoftmaxBackward(y, g, rows, cols, scale, out) {
      if (![y, g, out].every(isF32) || !held(y, g, out)) return referenceBackend.attentionSoftmaxBackward(y, g, rows, cols, scale, out);
      kernels.attentionSoftmaxBackward(y.byteOffset, g.byteOffset, rows, cols, scale, out.byteOffset);
    },
    crossEntropy(logits, targets, rows, cols, ignoreIndex, lse) {
      if (!isF32(logits) || !isF32(lse) || !held(logits, lse)) return referenceBackend.crossEntropy(logits, targets, rows, cols, ignoreIndex, lse);
      const sum = kernels.crossEntropy(logits.byteOffset, address(targets), rows, cols, ignoreIndex, lse.byteOffset);
      giveBack();
      let count = 0;
      for (let r = 0; r < rows; r++) if (targets[r] !== ignoreIndex) count++;
      return { sum, count };
    },
    crossEntropyBackward(logits, targets, lse, rows, cols, ignoreIndex, scale, out) {
      if (![logits, lse, out].every(isF32) || !held(logits, lse, out)) {
        referenceBackend.crossEntropyBackward(logits, targets, lse, rows, cols, ignoreIndex, scale, out);
        return;
      }
      kernels.crossEntropyBackward(logits.byteOffset, address(targets), lse.byteOffset, rows, cols, ignoreIndex, scale, out.byteOffset);
      giveBack();
    },
    layerNorm(x, rows, cols, weight, bias, eps, out, mean, rstd) {
      if (![x, out].every(isF32) || !held(x, out) || !stageable(out.length, weight, bias)
        || (weight && !isF32(weight)) || (bias && !isF32(bias))) {
        referenceBackend.layerNorm(x, rows, cols, weight, bias, eps, out, mean, rstd);
        return;
      }
      const meanAt = float64Block(mean, false);
      const rstdAt = float64Block(rstd, false);
      kernels.layerNorm(x.byteOffset, rows, cols, address(weight as Float32Array | null), address(bias as Float32Array | null), eps,
        out.byteOffset, meanAt, rstdAt);
      const buffer = arena.view().buffer;
      mean.set(new Float64Array(buffer, meanAt, rows));
      rstd.set(new Float64Array(buffer, rstdAt, rows));
      giveBack();
    },
    layerNormBackward(x, g, rows, cols, weight, mean, rstd, dx, dweight, dbias) {
      if (![x, g, dx].every(isF32) || !held(x, g, dx, dweight, dbias) || !stageable(dx.length, weight)
        || (weight && !isF32(weight)) || (dweight && !isF32(dweight)) || (dbias && !isF32(dbias))) {
        referenceBackend.layerNormBackward(x, g, rows, cols, weight, mean, rstd, dx, dweight, dbias);
        return;
      }
      kernels.layerNormBackward(x.byteOffset, g.byteOffset, rows, cols, address(weight as Float32Array | null),
        float64Block(mean, true), float64Block(rstd, true), dx.byteOffset, dweight?.byteOffset ?? 0, dbias?.byteOffset ?? 0);
      giveBack();
    },
    // Parameters, gradients and optimizer state live in JavaScript arrays (they outlive every step), so they
    // are copied in and out: the memcpys still cost less than the update as a JavaScript loop.
    adamw(param, grad, m, v, step) {
      if (!isF32(param) || !isF32(grad) || !isF32(m) || !isF32(v)) return referenceBackend.adamw(param, grad, m, v, step);
      const [p, g, mAt, vAt] = [param, grad, m, v].map(address);
      kernels.adamw(p, g, mAt, vAt, param.length, step.beta1, step.beta2, step.eps, step.decayFactor, step.stepSize, step.correction2);
      copyBack(param, p);
      copyBack(m, mAt);
      copyBack(v, vAt);
      giveBack();
    },
    sgd(param, grad, velocity, lr, momentum, weightDecay) {
      if (!isF32(param) || !isF32(grad) || (velocity && !isF32(velocity))) return referenceBackend.sgd(param, grad, velocity, lr, momentum, weightDecay);
      const [p, g, v] = [param, grad, velocity].map(address);
      kernels.sgd(p, g, v, param.length, lr, momentum, weightDecay);
      copyBack(param, p);
      if (velocity) copyBack(velocity, v);
      giveBack();
    },
    indexSelect(src, rowSize, indices, out) {
      if (!isF32(src) || !isF32(out) || !held(src, out)) return referenceBackend.indexSelect(src, rowSize, indices, out);
      kernels.indexSelect(src.byteOffset, rowSize, address(indices), indices.length, out.byteOffset);
      giveBack();
    },
    indexAdd(g, rowSize, indices, out) {
      if (!isF32(g) || !isF32(out) || !held(g, out)) return referenceBackend.indexAdd(g, rowSize, indices, out);
      kernels.indexAdd(g.byteOffset, rowSize, address(indices), indices.length, out.byteOffset);
      giveBack();
    },
  };
}
