// Rearranging a tensor's elements as torch does it: chunk, movedim, unflatten, repeat, tile, roll. Each is built
// from views, expand and cat, so autograd needs no rule of its own.
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim } from '../../core/shape.js';
import type { Tensor } from '../tensor.js';
import { cat, split } from './join.js';
import { permute, reshape } from './view.js';

/** torch.chunk: `chunks` pieces along `dim`, each ceil(size / chunks) long (the last may be shorter). */
export const chunk = defineOp('chunk', true, (x: Tensor, chunks: number, dim = 0): Tensor[] => {
  if (!Number.isInteger(chunks) || chunks < 1) throw new ZerogradError('chunk', `chunks must be a positive integer, got ${chunks}`);
  const axis = normalizeDim('chunk', dim, x.ndim, x.shape);
  return split(x, Math.max(1, Math.ceil(x.shape[axis] / chunks)), axis);
});

/** torch.movedim: dim `source` moved to position `destination`, the others keeping their order. */
export const movedim = defineOp('movedim', true, (x: Tensor, source: number, destination: number): Tensor => {
  const from = normalizeDim('movedim', source, x.ndim, x.shape);
  const to = normalizeDim('movedim', destination, x.ndim, x.shape);
  const order = [...Array(x.ndim).keys()].filter((d) => d !== from);
  order.splice(to, 0, from);
  return permute(x, order);
});

/** torch.unflatten: dim `dim` split into `sizes` (one of which may be -1). */
export const unflatten = defineOp('unflatten', true, (x: Tensor, dim: number, sizes: readonly number[]): Tensor => {
  const axis = normalizeDim('unflatten', dim, x.ndim, x.shape);
  return reshape(x, [...x.shape.slice(0, axis), ...sizes, ...x.shape.slice(axis + 1)]);
});

/**
 * torch.Tensor.repeat: the tensor tiled `reps[d]` times along each dim (reps may have more dims than x, which
 * then gains leading ones), as one expand of interleaved size-1 dims and a reshape.
 */
export const repeat = defineOp('repeat', true, (x: Tensor, reps: readonly number[]): Tensor => {
  if (reps.length < x.ndim) throw new ZerogradError('repeat', `${reps.length} repeat counts for a tensor of shape ${fmtShape(x.shape)}; give at least one per dim`);
  if (!reps.every((r) => Number.isInteger(r) && r >= 0)) throw new ZerogradError('repeat', `repeat counts must be non-negative integers, got [${reps.join(', ')}]`);
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  const interleaved = shape.flatMap((s) => [1, s]);
  const expanded = reshape(x, interleaved).expand(...shape.flatMap((s, d) => [reps[d], s]));
  return reshape(expanded, shape.map((s, d) => s * reps[d]));
});

/** torch.tile: repeat, with missing leading counts taken as 1. */
export const tile = defineOp('tile', true, (x: Tensor, reps: readonly number[]): Tensor =>
  repeat(x, [...new Array<number>(Math.max(0, x.ndim - reps.length)).fill(1), ...reps]));

/** torch.roll: elements shifted by `shift` along `dim`, wrapping around; without a dim, over the flattened tensor. */
export const roll = defineOp('roll', true, (x: Tensor, shift: number, dim?: number): Tensor => {
  if (dim === undefined) return reshape(roll(reshape(x, [-1]), shift, 0), x.shape);
  const axis = normalizeDim('roll', dim, x.ndim, x.shape);
  const n = x.shape[axis];
  const s = ((shift % n) + n) % n;
  if (s === 0) return x.clone();
  return cat([x.slice(axis, n - s, n), x.slice(axis, 0, n - s)], axis);
});
