// Running sums and products, and orderings, along one dim: torch.cumsum / cumprod, torch.sort / argsort, torch.topk.
import { hostStorage, isDevice } from '../../core/dtype.js';
import { backend } from '../../backend/registry.js';
import { noGrad, record } from '../autograd.js';
import { arange, ones, tensor } from '../creation.js';
import { ZerogradError } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim } from '../../core/shape.js';
import { Tensor } from '../tensor.js';
import { pad } from './pad.js';

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
  if (isDevice(x.data)) {
    // In device memory: Hillis and Steele's scan, log2(n) products with the line shifted by 1, 2, 4, ... (ones
    // shifted in), which the elementwise kernels run and autograd differentiates, zeros included.
    let y = x.movedim(axis, -1);
    const [last, n] = [y.ndim - 1, x.shape[axis]];
    for (let shift = 1; shift < n; shift *= 2) y = y.mul(pad(y.slice(last, 0, n - shift), [shift, 0], 'constant', 1));
    return y.movedim(-1, axis);
  }
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

/** Lines times length squared that a sort in device memory may compare at once (its comparison matrices' size). */
const DEVICE_SORT_LIMIT = 1 << 24;

/**
 * sortedIndices in device memory, with no read-back: each element's rank is how many elements of its line sort
 * before it (smaller, or equal and earlier; NaN sorts as the largest, as in PyTorch), and the index at rank k is
 * the one-hot of the ranks times 0..n-1, a product. It compares every pair, so a line's cost is n².
 */
function deviceSortedIndices(x: Tensor, axis: number, descending: boolean): Tensor {
  const n = x.shape[axis];
  if ((x.size / Math.max(n, 1)) * n * n > DEVICE_SORT_LIMIT) {
    throw new ZerogradError('sort', `${x.size / n} lines of ${n} in GPU memory: sorting there compares every pair of a line, at most ${DEVICE_SORT_LIMIT} pairs in all; read the values with await x.toArrayAsync() and sort them on the CPU`);
  }
  return noGrad(() => {
    const v = x.movedim(axis, -1).float();
    const [a, b] = [v.unsqueeze(-1), v.unsqueeze(-2)]; // element i down the rows, element j across the columns
    const [nanA, nanB] = [a.ne(a).float(), b.ne(b).float()];
    const jFirst = descending ? b.gt(a).float().add(nanB.mul(nanA.neg().add(1))) : b.lt(a).float().add(nanA.mul(nanB.neg().add(1)));
    const tie = b.eq(a).float().add(nanA.mul(nanB)).mul(ones([n, n]).tril(-1));
    const rank = jFirst.add(tie).sum(-1);
    const positions = arange(0, n).float();
    const ids = positions.reshape(1, n).matmul(rank.unsqueeze(-1).eq(positions).float()).squeeze(-2);
    return ids.to('int32').movedim(-1, axis).contiguous();
  });
}

/** The positions that sort each line along `axis` (ascending, or descending), ties kept in their order. */
function sortedIndices(x: Tensor, axis: number, descending: boolean): Tensor {
  if (isDevice(x.data)) return deviceSortedIndices(x, axis, descending);
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
