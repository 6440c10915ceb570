import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { promote } from '../../core/dtype.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim } from '../../core/shape.js';
import { Tensor } from '../tensor.js';
import { slice, unsqueeze } from './view.js';

/** Concatenates along an existing dim; every other dim must agree. */
export const cat = defineOp('cat', true, (tensors: readonly Tensor[], dim = 0): Tensor => {
  if (tensors.length === 0) throw new ZerogradError('cat', 'expected a non-empty list of tensors');
  const first = tensors[0];
  const axis = normalizeDim('cat', dim, first.ndim, first.shape);
  tensors.forEach((t, k) => {
    const agrees = t.ndim === first.ndim && t.shape.every((s, i) => i === axis || s === first.shape[i]);
    if (!agrees) {
      throw new ZerogradError('cat', `tensor ${k} has shape ${fmtShape(t.shape)}, which differs from tensor 0's ${fmtShape(first.shape)} outside dim ${axis}`);
    }
  });
  const dtype = tensors.map((t) => t.dtype).reduce(promote);
  const shape = [...first.shape];
  shape[axis] = tensors.reduce((p, t) => p + t.shape[axis], 0);
  const out = Tensor.zeros(shape, dtype);
  const starts: number[] = [];
  let at = 0;
  for (const t of tensors) {
    starts.push(at);
    backend().copy({ shape: t.shape, src: t.dtype === dtype ? t : t.to(dtype), dst: slice(out, axis, at, at + t.shape[axis]) });
    at += t.shape[axis];
  }
  return record(out, 'cat', tensors, (g) => tensors.map((t, k) => slice(g, axis, starts[k], starts[k] + t.shape[axis])));
});

/** Joins equally shaped tensors along a new dim. */
export const stack = defineOp('stack', true, (tensors: readonly Tensor[], dim = 0): Tensor => {
  if (tensors.length === 0) throw new ZerogradError('stack', 'expected a non-empty list of tensors');
  const shape = tensors[0].shape;
  tensors.forEach((t, k) => {
    if (t.shape.join() !== shape.join()) {
      throw new ZerogradError('stack', `tensor ${k} has shape ${fmtShape(t.shape)}, but tensor 0 has ${fmtShape(shape)}; all must be equal`);
    }
  });
  const axis = normalizeDim('stack', dim, shape.length + 1, [...shape, 1]);
  return cat(tensors.map((t) => unsqueeze(t, axis)), axis);
});

/** Splits into consecutive pieces of `size` along `dim` (the last may be smaller), as views. */
export const split = defineOp('split', true, (x: Tensor, size: number, dim = 0): Tensor[] => {
  const axis = normalizeDim('split', dim, x.ndim, x.shape);
  if (!Number.isInteger(size) || size <= 0) throw new ZerogradError('split', `size must be a positive integer, got ${size}`);
  const pieces: Tensor[] = [];
  for (let at = 0; at < x.shape[axis]; at += size) pieces.push(slice(x, axis, at, at + size));
  return pieces;
});
