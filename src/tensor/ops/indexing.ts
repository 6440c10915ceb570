import { backend } from '../../backend/registry.js';
import { type DeviceStorage, hostStorage, isDevice } from '../../core/dtype.js';
import { record } from '../autograd.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim, numel } from '../../core/shape.js';
import { Tensor } from '../tensor.js';
import { arange } from '../creation.js';
import { type Operand, eq, where } from './elementwise.js';
import { squeeze, unsqueeze } from './view.js';

/**
 * Dense int32 indices with negatives wrapped, failing on the first value outside [-size, size); `what` names
 * the indexed dim in that error and is only built then.
 */
export function checkedIndices(op: string, indices: Tensor, size: number, what: () => string): Int32Array | DeviceStorage {
  if (indices.dtype !== 'int32') throw new ZerogradError(op, `indices must be an int32 tensor, got ${indices.dtype}`);
  const dense = indices.denseData();
  // Indices in GPU memory are checked when their uploaded values are still known on the host; others cannot be
  // read here without waiting for the device, and its kernels read what they get.
  const raw = (isDevice(dense) ? dense.known : dense) as Int32Array | null | undefined;
  if (!raw) return dense as DeviceStorage;
  let wrapped: Int32Array | null = null;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (v >= 0 && v < size) continue;
    if (v < -size || v >= size) {
      throw new ZerogradError(op, `index ${v} at position ${i} is out of range for ${what()} of size ${size}`);
    }
    wrapped ??= Int32Array.from(raw);
    wrapped[i] = v + size;
  }
  return wrapped ?? dense as Int32Array | DeviceStorage;
}

/** x[indices] along dim 0: the embedding lookup `C[X]`; the output shape is indices.shape + x.shape[1:]. */
export const index = defineOp('index', true, (x: Tensor, indices: Tensor): Tensor => {
  if (x.ndim === 0) throw new ZerogradError('index', 'cannot index a 0-d tensor');
  const ids = checkedIndices('index', indices, x.shape[0], () => `dim 0 of shape ${fmtShape(x.shape)}`);
  const rowSize = numel(x.shape.slice(1));
  const out = backend().empty(x.dtype, ids.length * rowSize);
  backend().indexSelect({ src: x.denseData(), rowSize, indices: ids, out });
  const result = Tensor.fromStorage(out, [...indices.shape, ...x.shape.slice(1)]);
  return record(result, 'index', [x], (g) => {
    const dx = backend().alloc(g.dtype, x.size);
    backend().indexAdd({ g: g.denseData(), rowSize, indices: ids, out: dx });
    return [Tensor.fromStorage(dx, x.shape)];
  });
});

/** torch.gather: out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (and likewise for other dims). */
export const gather = defineOp('gather', true, (x: Tensor, dim: number, indices: Tensor): Tensor => {
  const axis = normalizeDim('gather', dim, x.ndim, x.shape);
  const sameOtherDims = indices.ndim === x.ndim && indices.shape.every((s, i) => i === axis || s === x.shape[i]);
  if (!sameOtherDims) {
    throw new ZerogradError('gather', `index shape ${fmtShape(indices.shape)} must match input shape ${fmtShape(x.shape)} in every dim but ${axis}`);
  }
  const ids = checkedIndices('gather', indices, x.shape[axis], () => `dim ${axis} of shape ${fmtShape(x.shape)}`);
  const outer = numel(x.shape.slice(0, axis));
  const inner = numel(x.shape.slice(axis + 1));
  const n = x.shape[axis];
  const m = indices.shape[axis];
  const out = backend().empty(x.dtype, ids.length);
  backend().gather({ x: x.denseData(), index: ids, outer, n, m, inner, out });
  return record(Tensor.fromStorage(out, indices.shape), 'gather', [x], (g) => {
    const dx = backend().alloc(g.dtype, x.size);
    backend().scatterAdd({ g: g.denseData(), index: ids, outer, n, m, inner, out: dx });
    return [Tensor.fromStorage(dx, x.shape)];
  });
});

/** One element per row along the last dim: `probs[arange(n), Y]` in PyTorch, `probs.pick(Y)` here. */
export const pick = defineOp('pick', true, (x: Tensor, indices: Tensor): Tensor => {
  if (indices.shape.join() !== x.shape.slice(0, -1).join()) {
    throw new ZerogradError('pick', `indices of shape ${fmtShape(indices.shape)} must match the leading dims of ${fmtShape(x.shape)}`);
  }
  return squeeze(gather(x, -1, unsqueeze(indices, -1)), -1);
});

/** Replaces elements where `mask` is non-zero with `value` (mask broadcasts against x). */
export const maskedFill = defineOp('maskedFill', true, (x: Tensor, mask: Tensor, value: Operand): Tensor =>
  where(mask, value, x));

/** An int32 (rows, cols) mask with 1 where col - row <= diagonal (lower) or >= diagonal (upper). */
export function triangleMask(rows: number, cols: number, diagonal: number, lower: boolean): Tensor {
  const mask = new Int32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) mask[r * cols + c] = +(lower ? c - r <= diagonal : c - r >= diagonal);
  }
  return Tensor.fromStorage(mask, [rows, cols]);
}

function triangle(op: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new ZerogradError(op, `needs at least 2 dims, got shape ${fmtShape(x.shape)}`);
  const [rows, cols] = x.shape.slice(-2);
  return where(triangleMask(rows, cols, diagonal, lower), x, 0);
}

export const tril = defineOp('tril', true, (x: Tensor, diagonal = 0): Tensor => triangle('tril', x, diagonal, true));
export const triu = defineOp('triu', true, (x: Tensor, diagonal = 0): Tensor => triangle('triu', x, diagonal, false));

/** float32 one-hot rows for integer class ids; the output shape is indices.shape + [numClasses]. */
export const oneHot = defineOp('oneHot', false, (indices: Tensor, numClasses: number): Tensor => {
  const ids = checkedIndices('oneHot', indices, numClasses, () => `${numClasses} classes`);
  // Indices in device memory: compare each with every class there.
  if (isDevice(ids)) return eq(unsqueeze(indices, -1), arange(0, numClasses)).float();
  const out = new Float32Array(ids.length * numClasses);
  (hostStorage(ids) as Int32Array).forEach((id, i) => (out[i * numClasses + id] = 1));
  return Tensor.fromHost(out, [...indices.shape, numClasses]);
});
