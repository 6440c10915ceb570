import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { type DType, allocStorage, hostStorage, isFloat, isHalf } from '../../core/dtype.js';
import { decode16, encode16 } from '../../core/halfFloat.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { contiguousStrides, inferShape, normalizeDim, numel, viewStrides } from '../../core/shape.js';
import { Tensor } from '../tensor.js';

/** A tensor sharing x's storage with another shape/stride layout; no data moves. */
const alias = (x: Tensor, shape: readonly number[], strides: readonly number[], offset = x.offset) =>
  Tensor.fromStorage(x.data, shape, strides, offset);

/** x's elements copied into fresh row-major storage of `dtype`, outside the graph. */
function denseCopy(x: Tensor, dtype: DType = x.dtype): Tensor {
  const out = backend().empty(dtype, x.size);
  backend().copy({ shape: x.shape, src: x, dst: { data: out, offset: 0, strides: contiguousStrides(x.shape) } });
  return Tensor.fromStorage(out, x.shape);
}

/** x converted to or from a 16-bit float dtype, whose storage holds bit patterns that a typed-array copy would not convert. */
function convert16(x: Tensor, dtype: DType): Tensor {
  let values = hostStorage(x.storedData());
  if (isHalf(x.dtype)) {
    const widened = allocStorage('float32', x.size);
    decode16(values as Uint16Array, widened, x.dtype === 'bfloat16');
    values = widened;
  }
  const out = allocStorage(dtype, x.size);
  if (isHalf(dtype)) encode16(values, out as Uint16Array, dtype === 'bfloat16');
  else out.set(values);
  return Tensor.fromHost(out, x.shape);
}

/** A dense copy that stays in the graph. */
export const clone = defineOp('clone', true, (x: Tensor): Tensor => record(denseCopy(x), 'clone', [x], (g) => [g]));

/** Converts to another dtype; gradients flow through float casts, casting to int32 ends the graph as in PyTorch. */
export const cast = defineOp('to', true, (x: Tensor, dtype: DType): Tensor => {
  if (dtype === x.dtype) return x;
  const result = isHalf(dtype) || isHalf(x.dtype) ? convert16(x, dtype) : denseCopy(x, dtype);
  return isFloat(dtype) ? record(result, 'to', [x], (g) => [cast(g, x.dtype)]) : result;
});

/** A dense copy of x when it is not already laid out contiguously; identity for autograd. */
export const contiguous = defineOp('contiguous', true, (x: Tensor): Tensor => {
  if (x.isContiguous()) return x;
  return record(denseCopy(x), 'contiguous', [x], (g) => [g]);
});

/** The same elements under another shape, sharing storage; fails when the layout cannot be re-strided. */
export const view = defineOp('view', true, (x: Tensor, shape: readonly number[]): Tensor => {
  const target = inferShape('view', x.shape, shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (!strides) {
    throw new ZerogradError('view', `input of shape ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} cannot be viewed as ${fmtShape(target)} without a copy; use reshape() (which copies) or call contiguous() first`);
  }
  return record(alias(x, target, strides), 'view', [x], (g) => [reshape(g, x.shape)]);
});

/** view() when the layout allows it, otherwise a contiguous copy reshaped: always succeeds for a valid shape. */
export const reshape = defineOp('reshape', true, (x: Tensor, shape: readonly number[]): Tensor => {
  const target = inferShape('reshape', x.shape, shape);
  return view(viewStrides(x.shape, x.strides, target) ? x : contiguous(x), target);
});

export const flatten = defineOp('flatten', true, (x: Tensor, startDim = 0, endDim = -1): Tensor => {
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeDim('flatten', startDim, x.ndim, x.shape);
  const end = normalizeDim('flatten', endDim, x.ndim, x.shape);
  if (start > end) throw new ZerogradError('flatten', `startDim ${startDim} comes after endDim ${endDim} for shape ${fmtShape(x.shape)}`);
  return reshape(x, [...x.shape.slice(0, start), numel(x.shape.slice(start, end + 1)), ...x.shape.slice(end + 1)]);
});

export const permute = defineOp('permute', true, (x: Tensor, dims: readonly number[]): Tensor => {
  const axes = dims.map((d) => normalizeDim('permute', d, x.ndim, x.shape));
  if (axes.length !== x.ndim || new Set(axes).size !== x.ndim) {
    throw new ZerogradError('permute', `dims [${dims}] are not a permutation of the ${x.ndim} dims of shape ${fmtShape(x.shape)}`);
  }
  const inverse = new Array<number>(x.ndim);
  axes.forEach((a, i) => (inverse[a] = i));
  const out = alias(x, axes.map((a) => x.shape[a]), axes.map((a) => x.strides[a]));
  return record(out, 'permute', [x], (g) => [permute(g, inverse)]);
});

export const transpose = defineOp('transpose', true, (x: Tensor, dim0 = -2, dim1 = -1): Tensor => {
  const a = normalizeDim('transpose', dim0, x.ndim, x.shape);
  const b = normalizeDim('transpose', dim1, x.ndim, x.shape);
  const axes = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, axes);
});

export const unsqueeze = defineOp('unsqueeze', true, (x: Tensor, dim: number): Tensor => {
  const axis = normalizeDim('unsqueeze', dim, x.ndim + 1, [...x.shape, 1]);
  const stride = axis < x.ndim ? x.strides[axis] * x.shape[axis] : 1;
  const out = alias(x, [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)],
    [...x.strides.slice(0, axis), stride, ...x.strides.slice(axis)]);
  return record(out, 'unsqueeze', [x], (g) => [reshape(g, x.shape)]);
});

/** Drops size-1 dims: all of them, or only `dim` (a no-op when that dim is not of size 1, as in PyTorch). */
export const squeeze = defineOp('squeeze', true, (x: Tensor, dim?: number): Tensor => {
  const axis = dim === undefined ? undefined : normalizeDim('squeeze', dim, x.ndim, x.shape);
  const keep = x.shape.map((s, i) => s !== 1 || (axis !== undefined && i !== axis));
  const out = alias(x, x.shape.filter((_, i) => keep[i]), x.strides.filter((_, i) => keep[i]));
  return record(out, 'squeeze', [x], (g) => [reshape(g, x.shape)]);
});

/** x[..., start:end:step, ...] along `dim`, with Python's clamping of out-of-range and negative bounds. */
export const slice = defineOp('slice', true, (x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor => {
  const axis = normalizeDim('slice', dim, x.ndim, x.shape);
  if (!Number.isInteger(step) || step <= 0) throw new ZerogradError('slice', `step must be a positive integer, got ${step}`);
  const size = x.shape[axis];
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const from = clamp(start);
  const to = Math.max(clamp(end ?? size), from);
  const shape = [...x.shape];
  shape[axis] = Math.ceil((to - from) / step);
  const strides = [...x.strides];
  strides[axis] *= step;
  const out = alias(x, shape, strides, x.offset + from * x.strides[axis]);
  return record(out, 'slice', [x], (g) => {
    const dx = Tensor.zeros(x.shape, g.dtype);
    const region = slice(dx, axis, from, to, step);
    backend().copy({ shape: g.shape, src: g, dst: region });
    return [dx];
  });
});

/** Repeats size-1 dims (and prepends new ones) to `shape` through stride 0; -1 keeps a dim's size. */
export const expand = defineOp('expand', true, (x: Tensor, shape: readonly number[]): Tensor => {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new ZerogradError('expand', `target ${fmtShape(shape)} has fewer dims than the input ${fmtShape(x.shape)}`);
  const target = shape.map((s, i) => (s === -1 && i >= lead ? x.shape[i - lead] : s));
  const strides = target.map((s, i) => {
    if (i < lead) return 0;
    const own = x.shape[i - lead];
    if (own === s) return x.strides[i - lead];
    if (own === 1) return 0;
    throw new ZerogradError('expand', `cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)}: dim ${i} has size ${own}, not 1`);
  });
  // The engine sums the expanded gradient back down to x's shape.
  return record(alias(x, target, strides), 'expand', [x], (g) => [g]);
});
