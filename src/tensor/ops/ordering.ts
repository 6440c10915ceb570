// Running sums and products, and orderings, along one dim: torch.cumsum / cumprod, torch.sort / argsort, torch.topk.
import { hostStorage, isDevice } from '../dtype.js';
import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { ones, tensor } from '../creation.js';
import { ZerogradError } from '../errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Calls fn(offsets) for each line along `axis` of a dense row-major `shape`: the element offsets of that line. */
function forEachLine(shape: readonly number[], axis: number, fn: (offsets: number[]) => void): void {
  const n = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, s) => p * s, 1);
  const outer = shape.slice(0, axis).reduce((p, s) => p * s, 1);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) fn(Array.from({ length: n }, (_, k) => (o * n + k) * inner + i));
  }
}

/** A running total along `dim` in `reverse` order or forward. */
function scan(data: ArrayLike<number>, shape: readonly number[], axis: number, out: { [i: number]: number }, reverse: boolean): void {
  forEachLine(shape, axis, (offsets) => {
    let total = 0;
    for (const k of reverse ? [...offsets].reverse() : offsets) {
      total += data[k];
      out[k] = total;
    }
  });
}

/** torch.cumsum: running sums along `dim`; the gradient is the running sum of the output's gradient taken backwards. */
export const cumsum = defineOp('cumsum', true, (x: Tensor, dim: number): Tensor => {
  const axis = normalizeDim('cumsum', dim, x.ndim, x.shape);
  if (isDevice(x.data)) {
    // In device memory: a product with an upper-triangular matrix of ones, which the product kernels run and differentiate.
    const n = x.shape[axis];
    const sums = x.float().movedim(axis, -1).matmul(ones([n, n]).triu()).movedim(-1, axis);
    return sums.to(x.dtype);
  }
  const out = hostStorage(backend().alloc(x.dtype, x.size));
  scan(x.hostData(), x.shape, axis, out, false);
  return record(Tensor.fromStorage(out, x.shape), 'cumsum', [x], (g) => {
    const dx = hostStorage(backend().alloc(g.dtype, x.size));
    scan(g.hostData(), x.shape, axis, dx, true);
    return [Tensor.fromStorage(dx, x.shape)];
  });
});

/**
 * torch.cumprod: running products along `dim`. The gradient of out_j with respect to x_i (i ≤ j) is the product of
 * every other factor, taken directly (O(n²) per line) so that zeros in x need no special case.
 */
export const cumprod = defineOp('cumprod', true, (x: Tensor, dim: number): Tensor => {
  const axis = normalizeDim('cumprod', dim, x.ndim, x.shape);
  const data = x.hostData();
  const out = hostStorage(backend().alloc(x.dtype, x.size));
  forEachLine(x.shape, axis, (offsets) => {
    let product = 1;
    for (const o of offsets) out[o] = product *= data[o];
  });
  return record(Tensor.fromStorage(out, x.shape), 'cumprod', [x], (g) => {
    const grad = g.hostData();
    const dx = hostStorage(backend().alloc(g.dtype, x.size));
    forEachLine(x.shape, axis, (offsets) => {
      let before = 1;
      offsets.forEach((oi, i) => {
        let [after, total] = [1, 0];
        for (let j = i; j < offsets.length; j++) {
          if (j > i) after *= data[offsets[j]];
          total += grad[offsets[j]] * after;
        }
        dx[oi] = before * total;
        before *= data[oi];
      });
    });
    return [Tensor.fromStorage(dx, x.shape)];
  });
});

/** The positions that sort each line along `axis` (ascending, or descending), ties kept in their order. */
function sortedIndices(x: Tensor, axis: number, descending: boolean): Tensor {
  const data = x.hostData();
  const ids = new Int32Array(x.size);
  forEachLine(x.shape, axis, (offsets) => {
    const order = offsets.map((_, k) => k).sort((a, b) => (descending ? data[offsets[b]] - data[offsets[a]] : data[offsets[a]] - data[offsets[b]]));
    offsets.forEach((offset, k) => { ids[offset] = order[k]; });
  });
  return tensor(ids, { shape: x.shape });
}

/** torch.argsort: the indices that sort `dim` (ties in their original order, as torch.sort(stable=True)). */
export const argsort = defineOp('argsort', false, (x: Tensor, dim = -1, descending = false): Tensor =>
  sortedIndices(x, normalizeDim('argsort', dim, x.ndim, x.shape), descending));

/** torch.sort: the sorted values (differentiable: a gather) and the indices they came from. */
export const sort = defineOp('sort', true, (x: Tensor, dim = -1, descending = false): { values: Tensor; indices: Tensor } => {
  const axis = normalizeDim('sort', dim, x.ndim, x.shape);
  const indices = sortedIndices(x, axis, descending);
  return { values: x.gather(axis, indices), indices };
});

/** torch.topk: the k largest (or smallest) values along `dim`, sorted, and their indices. */
export const topk = defineOp('topk', true, (x: Tensor, k: number, dim = -1, largest = true): { values: Tensor; indices: Tensor } => {
  const axis = normalizeDim('topk', dim, x.ndim, x.shape);
  if (!Number.isInteger(k) || k < 0 || k > x.shape[axis]) throw new ZerogradError('topk', `k ${k} is out of range for a dim of size ${x.shape[axis]}`);
  const indices = sortedIndices(x, axis, largest).slice(axis, 0, k).contiguous();
  return { values: x.gather(axis, indices), indices };
});
