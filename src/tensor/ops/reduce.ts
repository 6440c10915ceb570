import type { ReduceOp } from '../../backend/backend.js';
import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { type DeviceStorage, isDevice } from '../../core/dtype.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim, numel } from '../../core/shape.js';
import { Tensor } from '../tensor.js';
import { div, mul, sqrt, sub } from './elementwise.js';
import { expand, reshape } from './view.js';

export type Dims = number | readonly number[] | undefined;

/** Sorted, de-duplicated, non-negative axes; `undefined` means every axis. */
function resolveDims(op: string, x: Tensor, dims: Dims): number[] {
  if (dims === undefined) return x.shape.map((_, i) => i);
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const resolved = [...new Set(list.map((d) => normalizeDim(op, d, x.ndim, x.shape)))];
  return resolved.sort((a, b) => a - b).filter((d) => d < x.ndim);
}

const keptShape = (shape: readonly number[], dims: readonly number[]) => shape.map((s, i) => (dims.includes(i) ? 1 : s));
const finalShape = (shape: readonly number[], dims: readonly number[], keepdim: boolean) =>
  keepdim ? keptShape(shape, dims) : shape.filter((_, i) => !dims.includes(i));

/** Splits a shape around `axis` into the (outer, n, inner) layout the reduce kernels take. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [numel(shape.slice(0, axis)), shape[axis], numel(shape.slice(axis + 1))];
}

function reduceAxis(op: ReduceOp, data: ReturnType<Tensor['denseData']>, shape: number[], axis: number, dtype: Tensor['dtype'],
  argOut?: Int32Array | DeviceStorage) {
  const [outer, n, inner] = around(shape, axis);
  const out = backend().empty(dtype, outer * inner);
  backend().reduce({ op, x: data, outer, n, inner, out, argOut });
  return out;
}

export const sum = defineOp('sum', true, (x: Tensor, dims?: Dims, keepdim = false): Tensor => {
  const axes = resolveDims('sum', x, dims);
  // Reducing the last axis first keeps every intermediate dense and the later (outer, n, inner) math simple.
  let data = x.denseData();
  const shape = [...x.shape];
  for (let k = axes.length - 1; k >= 0; k--) {
    data = reduceAxis('sum', data, shape, axes[k], x.dtype);
    shape[axes[k]] = 1;
  }
  const out = Tensor.fromStorage(data, finalShape(x.shape, axes, keepdim));
  return record(out, 'sum', [x], (g) => [expand(reshape(g, keptShape(x.shape, axes)), x.shape)]);
});

export const mean = defineOp('mean', true, (x: Tensor, dims?: Dims, keepdim = false): Tensor => {
  const axes = resolveDims('mean', x, dims);
  const count = axes.reduce((p, d) => p * x.shape[d], 1);
  return div(sum(x.float(), axes, keepdim), count);
});

/** Variance over `dims` with Bessel's correction by default (PyTorch's unbiased=True). */
export const variance = defineOp('var', true, (x: Tensor, dims?: Dims, keepdim = false, correction = 1): Tensor => {
  const axes = resolveDims('var', x, dims);
  const count = axes.reduce((p, d) => p * x.shape[d], 1);
  if (count - correction <= 0) {
    throw new ZerogradError('var', `needs more than ${correction} element(s) per reduction, shape ${fmtShape(x.shape)} over dims [${axes}] has ${count}`);
  }
  const centered = sub(x, mean(x, axes, true));
  return div(sum(mul(centered, centered), axes, keepdim), count - correction);
});

export const std = defineOp('std', true, (x: Tensor, dims?: Dims, keepdim = false, correction = 1): Tensor =>
  sqrt(variance(x, dims, keepdim, correction)));

/** Max or min over one axis (or all), returning the winning values and their positions. */
function extreme(op: 'max' | 'min', x: Tensor, dim: number | undefined, keepdim: boolean): { values: Tensor; indices: Tensor } {
  if (x.size === 0) throw new ZerogradError(op, `cannot reduce an empty tensor of shape ${fmtShape(x.shape)}`);
  if (dim !== undefined) normalizeDim(op, dim, x.ndim, x.shape);
  // A full reduction (or one over a 0-d tensor) is the same kernel over the flattened elements.
  const flat = dim === undefined || x.ndim === 0;
  const shape = flat ? [x.size] : [...x.shape];
  const axis = flat ? 0 : normalizeDim(op, dim, x.ndim, x.shape);
  const [outer, n, inner] = around(shape, axis);
  const input = x.denseData();
  // The positions stay beside the values: a host array on the CPU backends, device memory on a device.
  const indices = isDevice(input) ? backend().alloc('int32', outer * inner) as DeviceStorage : new Int32Array(outer * inner);
  const data = reduceAxis(op, input, shape, axis, x.dtype, indices);
  const outShape = flat ? [] : finalShape(x.shape, [axis], keepdim);
  const values = Tensor.fromStorage(data, outShape);
  const indexTensor = Tensor.fromStorage(indices, outShape);
  record(values, op, [x], (g) => {
    const dx = backend().alloc(g.dtype, x.size);
    backend().scatterAdd({ g: g.denseData(), index: indices, outer, n, m: 1, inner, out: dx });
    return [Tensor.fromStorage(dx, x.shape)];
  });
  return { values, indices: indexTensor };
}

export const max = defineOp('max', true, (x: Tensor, dim?: number, keepdim = false) => extreme('max', x, dim, keepdim).values);
export const min = defineOp('min', true, (x: Tensor, dim?: number, keepdim = false) => extreme('min', x, dim, keepdim).values);
export const argmax = defineOp('argmax', false, (x: Tensor, dim?: number, keepdim = false) => extreme('max', x, dim, keepdim).indices);
export const argmin = defineOp('argmin', false, (x: Tensor, dim?: number, keepdim = false) => extreme('min', x, dim, keepdim).indices);

/** Sums a (broadcast) gradient down to `shape`: the inverse of broadcasting, used by the autograd engine. */
export const sumToShape = defineOp('sumToShape', true, (x: Tensor, shape: readonly number[]): Tensor => {
  if (x.shape.length === shape.length && x.shape.every((s, i) => s === shape[i])) return x;
  const lead = x.ndim - shape.length;
  if (lead < 0) throw new ZerogradError('sumToShape', `cannot sum shape ${fmtShape(x.shape)} down to the larger ${fmtShape(shape)}`);
  const axes = x.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1));
  return reshape(sum(x, axes, true), shape);
});
