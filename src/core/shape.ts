import { MAX_TENSOR_BYTES } from './dtype.js';
import { ZerogradError, fmtShape } from './errors.js';

export const numel = (shape: readonly number[]): number => shape.reduce((p, s) => p * s, 1);

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/** Resolves a possibly negative axis against `ndim`, naming the op and shape when it is out of range. */
export function normalizeDim(op: string, dim: number, ndim: number, shape: readonly number[]): number {
  if (!Number.isInteger(dim) || dim < -Math.max(ndim, 1) || dim >= Math.max(ndim, 1)) {
    throw new ZerogradError(op, `dim ${dim} is out of range for a tensor of shape ${fmtShape(shape)} (ndim ${ndim})`);
  }
  return dim < 0 ? dim + ndim : dim;
}

export function checkShape(op: string, shape: readonly number[], bytesPerElement = 4): number[] {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new ZerogradError(op, `invalid shape ${fmtShape(shape)}: sizes must be non-negative integers`);
  }
  const elements = shape.reduce((p, s) => p * s, 1);
  if (elements * bytesPerElement > MAX_TENSOR_BYTES) {
    throw new ZerogradError(op, `shape ${fmtShape(shape)} has ${elements} elements (${elements * bytesPerElement} bytes), more than one tensor may hold (${MAX_TENSOR_BYTES} bytes)`);
  }
  return [...shape];
}

/** NumPy broadcasting: align from the right; sizes must match or be 1. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const axis = ndim - shape.length + i;
      const size = shape[i];
      if (size === out[axis] || size === 1) continue;
      if (out[axis] === 1) {
        out[axis] = size;
        continue;
      }
      throw new ZerogradError(op, `shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together (dim ${axis}: ${out[axis]} vs ${size})`);
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had the larger `target` shape (stride 0 on repeated dims). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const lead = target.length - shape.length;
  return target.map((size, axis) => {
    if (axis < lead) return 0;
    return shape[axis - lead] === 1 && size !== 1 ? 0 : strides[axis - lead];
  });
}

/** Resolves a single -1 in a requested shape so the element count is preserved. */
export function inferShape(op: string, from: readonly number[], requested: readonly number[]): number[] {
  const total = numel(from);
  const unknown = requested.filter((s) => s === -1).length;
  if (unknown > 1) throw new ZerogradError(op, `only one dimension can be -1, got ${fmtShape(requested)}`);
  const known = requested.reduce((p, s) => (s === -1 ? p : p * s), 1);
  const shape = requested.map((s) => (s === -1 ? (known === 0 ? 0 : total / known) : s));
  checkShape(op, shape.map((s) => (Number.isInteger(s) ? s : -1)));
  if (numel(shape) !== total) {
    throw new ZerogradError(op, `shape ${fmtShape(requested)} is invalid for input of shape ${fmtShape(from)} (${total} elements)`);
  }
  return shape;
}

/**
 * Strides that let a tensor of `shape`/`strides` be viewed as `target` without copying, or null when
 * impossible (PyTorch's rule: each run of target dims must cover whole chunks of dims that are
 * contiguous with each other). Splitting the last dim of a column slice works; merging a transpose does not.
 */
export function viewStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] | null {
  if (shape.length === 0 || numel(shape) === 0) return contiguousStrides(target);
  const out = new Array<number>(target.length);
  let viewDim = target.length - 1;
  let chunkBaseStride = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let dim = shape.length - 1; dim >= 0; dim--) {
    tensorNumel *= shape[dim];
    const chunkEnds = dim === 0 || (shape[dim - 1] !== 1 && strides[dim - 1] !== tensorNumel * chunkBaseStride);
    if (!chunkEnds) continue;
    while (viewDim >= 0 && (viewNumel < tensorNumel || target[viewDim] === 1)) {
      out[viewDim] = viewNumel * chunkBaseStride;
      viewNumel *= target[viewDim];
      viewDim--;
    }
    if (viewNumel !== tensorNumel) return null;
    if (dim > 0) {
      chunkBaseStride = strides[dim - 1];
      tensorNumel = 1;
      viewNumel = 1;
    }
  }
  return viewDim === -1 ? out : null;
}

/** True when elements of `shape` laid out with `strides` are row-major without gaps from wherever they start. */
export function isContiguousRun(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] !== 1 && strides[axis] !== expected) return false;
    expected *= shape[axis];
  }
  return true;
}
