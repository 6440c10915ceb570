// Writing into a tensor at indices, the adjoints of gather and index: torch.scatter, scatter_add, index_add and
// masked_select (as new tensors; zerograd's ops do not mutate their inputs).
import { hostStorage, isDevice } from '../../core/dtype.js';
import { backend } from '../../backend/registry.js';
import { noGrad, record } from '../autograd.js';
import { ones, tensor, zeros } from '../creation.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, normalizeDim, numel } from '../../core/shape.js';
import { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { checkedIndices, gather, index } from './indexing.js';

/** The (outer, n, m, inner) layout and checked ids of an (index, src) pair written along `axis` of x. */
function layout(op: string, x: Tensor, axis: number, indices: Tensor, src: Tensor) {
  if (src.shape.join() !== indices.shape.join()) throw new ZerogradError(op, `src shape ${fmtShape(src.shape)} must equal the index shape ${fmtShape(indices.shape)}`);
  if (indices.ndim !== x.ndim || indices.shape.some((s, i) => i !== axis && s !== x.shape[i])) {
    throw new ZerogradError(op, `index shape ${fmtShape(indices.shape)} must match input shape ${fmtShape(x.shape)} in every dim but ${axis}`);
  }
  if (src.dtype !== x.dtype) throw new ZerogradError(op, `src is ${src.dtype} but the input is ${x.dtype}`);
  const ids = checkedIndices(op, indices, x.shape[axis], () => `dim ${axis} of shape ${fmtShape(x.shape)}`);
  return { ids, outer: numel(x.shape.slice(0, axis)), n: x.shape[axis], m: indices.shape[axis], inner: numel(x.shape.slice(axis + 1)) };
}

/** torch.scatter_add: x with src added at `indices` along `dim` (repeated indices add up). */
export const scatterAdd = defineOp('scatterAdd', true, (x: Tensor, dim: number, indices: Tensor, src: Tensor): Tensor => {
  const axis = normalizeDim('scatterAdd', dim, x.ndim, x.shape);
  const { ids, outer, n, m, inner } = layout('scatterAdd', x, axis, indices, src);
  // A copy of x to add into: in device memory the copy and the adds are kernels there.
  const out = isDevice(x.data) ? x.detach().clone().data : hostStorage(backend().alloc(x.dtype, x.size));
  if (!isDevice(out)) out.set(x.hostData());
  backend().scatterAdd({ g: src.denseData(), index: ids, outer, n, m, inner, out });
  return record(Tensor.fromStorage(out, x.shape), 'scatterAdd', [x, src], (g) => [g, gather(g, axis, indices)]);
});

/** Pairs of positions deviceScatter may compare at once (the size of its comparison tensor). */
const DEVICE_PAIR_LIMIT = 1 << 24;

/**
 * scatter in device memory, from scatter-adds: a write counts only when no later position along dim names the
 * same place (so the last write wins, as on the CPU), which is a comparison of every pair of positions (m² per line).
 * The gradients are the CPU path's: g where nothing was written, and g gathered back for src.
 */
function deviceScatter(x: Tensor, axis: number, indices: Tensor, src: Tensor): Tensor {
  const m = indices.shape[axis];
  if ((indices.size / m) * m * m > DEVICE_PAIR_LIMIT) {
    throw new ZerogradError('scatter', `index of shape ${fmtShape(indices.shape)} in GPU memory: scatter there compares every pair of positions along dim ${axis}, at most ${DEVICE_PAIR_LIMIT} pairs in all; use scatterAdd where no place is written twice`);
  }
  const { out, written } = noGrad(() => {
    const later = ones([m, m]).triu(1).reshape(m, m, ...indices.shape.slice(axis + 1).map(() => 1));
    const overwritten = indices.unsqueeze(axis + 1).eq(indices.unsqueeze(axis)).float().mul(later).sum(axis + 1);
    const kept = overwritten.eq(0).to(x.dtype);
    const written = scatterAdd(zeros(x.shape, { dtype: x.dtype }), axis, indices, kept).gt(0);
    const values = scatterAdd(zeros(x.shape, { dtype: x.dtype }), axis, indices, src.mul(kept));
    return { out: where(written, values, x), written };
  });
  return record(out, 'scatter', [x, src], (g) => [where(written, 0, g), gather(g, axis, indices)]);
}

/** torch.scatter: x with src written at `indices` along `dim` (with repeated indices, the last write wins). */
export const scatter = defineOp('scatter', true, (x: Tensor, dim: number, indices: Tensor, src: Tensor): Tensor => {
  const axis = normalizeDim('scatter', dim, x.ndim, x.shape);
  const { ids, outer, n, m, inner } = layout('scatter', x, axis, indices, src);
  // Negative indices come back wrapped when they could be read; the pairs compared must be wrapped too.
  if (isDevice(x.data) || isDevice(src.data) || isDevice(ids)) return deviceScatter(x, axis, isDevice(ids) ? indices : tensor(ids, { shape: indices.shape }), src);
  const out = hostStorage(backend().alloc(x.dtype, x.size));
  out.set(x.hostData());
  const written = new Uint8Array(x.size);
  const values = src.hostData();
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) {
        const at = (o * n + (ids as Int32Array)[(o * m + j) * inner + i]) * inner + i;
        out[at] = values[(o * m + j) * inner + i];
        written[at] = 1;
      }
    }
  }
  return record(Tensor.fromStorage(out, x.shape), 'scatter', [x, src], (g) => {
    const kept = g.mul(tensor(Float32Array.from(written, (w) => 1 - w), { shape: x.shape }).to(g.dtype));
    return [kept, gather(g, axis, indices)];
  });
});

/** torch.index_add: src (x's shape, but index.length along dim) added into the slices of x that `indices` name. */
export const indexAdd = defineOp('indexAdd', true, (x: Tensor, dim: number, indices: Tensor, src: Tensor): Tensor => {
  const axis = normalizeDim('indexAdd', dim, x.ndim, x.shape);
  if (indices.ndim !== 1) throw new ZerogradError('indexAdd', `indices must be 1-D, got shape ${fmtShape(indices.shape)}`);
  const want = x.shape.map((s, i) => (i === axis ? indices.shape[0] : s));
  if (src.shape.join() !== want.join()) throw new ZerogradError('indexAdd', `src must have shape ${fmtShape(want)}, got ${fmtShape(src.shape)}`);
  const along = indices.reshape(...want.map((s, i) => (i === axis ? s : 1))).expand(...want).contiguous();
  return scatterAdd(x, axis, along, src);
});

/** torch.masked_select: the elements of x where the (broadcast) mask is nonzero, as a 1-D tensor in row-major order. */
export const maskedSelect = defineOp('maskedSelect', true, (x: Tensor, mask: Tensor): Tensor => {
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape);
  if (shape.join() !== x.shape.join()) throw new ZerogradError('maskedSelect', `mask shape ${fmtShape(mask.shape)} must broadcast to the input's ${fmtShape(x.shape)}`);
  // The mask's own values, broadcast here: a mask in GPU memory is readable only as uploaded (a copy would not be).
  const flags = mask.hostData();
  const strides = broadcastStrides(mask.shape, contiguousStrides(mask.shape), shape);
  const positions: number[] = [];
  const at = shape.map(() => 0);
  for (let i = 0, m = 0; i < numel(shape); i++) {
    if (flags[m] !== 0) positions.push(i);
    for (let d = shape.length - 1; d >= 0; d--) {
      m += strides[d];
      if (++at[d] < shape[d]) break;
      m -= strides[d] * at[d];
      at[d] = 0;
    }
  }
  return index(x.reshape(-1), tensor(Int32Array.from(positions)));
});
