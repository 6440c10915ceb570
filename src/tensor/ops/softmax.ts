import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { type DeviceStorage, type Storage, hostStorage, isDevice, isFloat } from '../../core/dtype.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim } from '../../core/shape.js';
import { Tensor } from '../tensor.js';
import { transpose } from './view.js';

function softmaxLastDim(op: string, x: Tensor, log: boolean): Tensor {
  if (!isFloat(x.dtype)) throw new ZerogradError(op, `expected a floating-point tensor, got ${x.dtype}`);
  const cols = x.ndim === 0 ? 1 : x.shape[x.ndim - 1];
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = backend().empty(x.dtype, x.size);
  backend().softmax({ x: x.denseData(), rows, cols, out, log });
  return record(Tensor.fromStorage(out, x.shape), op, [x], (g) => {
    const dx = backend().empty(g.dtype, x.size);
    backend().softmaxBackward({ y: out, g: g.denseData(), rows, cols, out: dx, log });
    return [Tensor.fromStorage(dx, x.shape)];
  });
}

/** Runs a last-dim kernel over any dim by transposing that dim to the end and back (views, so cheap). */
function alongDim(op: string, x: Tensor, dim: number, log: boolean): Tensor {
  const axis = x.ndim === 0 ? 0 : normalizeDim(op, dim, x.ndim, x.shape);
  if (x.ndim === 0 || axis === x.ndim - 1) return softmaxLastDim(op, x, log);
  return transpose(softmaxLastDim(op, transpose(x, axis, -1), log), axis, -1);
}

export const softmax = defineOp('softmax', true, (x: Tensor, dim = -1): Tensor => alongDim('softmax', x, dim, false));
export const logSoftmax = defineOp('logSoftmax', true, (x: Tensor, dim = -1): Tensor => alongDim('logSoftmax', x, dim, true));

/**
 * Attention weights softmax(scale * scores) over the last dim, with future positions masked when `causal`
 * (scores are (..., T, T)): the scale, mask and softmax of attention fused into one kernel each way.
 */
export const attentionSoftmax = defineOp('attentionSoftmax', true, (scores: Tensor, scale: number, causal: boolean): Tensor => {
  const T = scores.shape[scores.ndim - 1];
  if (scores.ndim < 2 || (causal && scores.shape[scores.ndim - 2] !== T)) {
    throw new ZerogradError('attentionSoftmax', `expected scores of shape (..., T, T), got ${fmtShape(scores.shape)}`);
  }
  if (!isFloat(scores.dtype)) throw new ZerogradError('attentionSoftmax', `expected a floating-point tensor, got ${scores.dtype}`);
  const rows = scores.size / Math.max(T, 1);
  const out = backend().empty(scores.dtype, scores.size);
  backend().attentionSoftmax({ x: scores.denseData(), rows, cols: T, scale, causal, out });
  return record(Tensor.fromStorage(out, scores.shape), 'attentionSoftmax', [scores], (g) => {
    const dx = backend().empty(g.dtype, scores.size);
    backend().attentionSoftmaxBackward({ y: out, g: g.denseData(), rows, cols: T, scale, out: dx });
    return [Tensor.fromStorage(dx, scores.shape)];
  });
});

export interface CrossEntropyOptions {
  /** Target value whose rows are skipped (padding, unmasked tokens in masked-LM); PyTorch's default -100. */
  ignoreIndex?: number;
  reduction?: 'mean' | 'sum';
}

/**
 * Fused log-softmax + negative log-likelihood of logits (..., C) against int32 targets (...),
 * stable for large logits because it works from each row's log-sum-exp.
 */
export const crossEntropy = defineOp('crossEntropy', true, (logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor => {
  const { ignoreIndex = -100, reduction = 'mean' } = options;
  if (logits.ndim < 1 || targets.shape.join() !== logits.shape.slice(0, -1).join()) {
    throw new ZerogradError('crossEntropy', `targets of shape ${fmtShape(targets.shape)} must match logits ${fmtShape(logits.shape)} without its last (class) dim`);
  }
  if (targets.dtype !== 'int32') throw new ZerogradError('crossEntropy', `targets must be int32 class ids, got ${targets.dtype}`);
  if (!isFloat(logits.dtype)) throw new ZerogradError('crossEntropy', `logits must be floating point, got ${logits.dtype}`);
  const cols = logits.shape[logits.ndim - 1];
  const rows = targets.size;
  const ids = targets.denseData();
  const x = logits.denseData();
  if (isDevice(ids) || isDevice(x)) return deviceCrossEntropy(logits, x, ids as DeviceStorage | Int32Array, rows, cols, ignoreIndex, reduction);
  const hostIds = ids as Int32Array;
  hostIds.forEach((t, i) => {
    if (t !== ignoreIndex && (t < 0 || t >= cols)) {
      throw new ZerogradError('crossEntropy', `target ${t} at position ${i} is out of range for ${cols} classes`);
    }
  });
  const lse = backend().alloc(logits.dtype, rows);
  const totals = new Float64Array(2);
  backend().crossEntropy({ logits: x, targets: hostIds, rows, cols, ignoreIndex, lse, totals });
  const divisor = reduction === 'mean' ? totals[1] : 1;
  const loss = backend().alloc(logits.dtype, 1);
  hostStorage(loss)[0] = totals[0] / divisor;
  return record(Tensor.fromStorage(loss, []), 'crossEntropy', [logits], (g) => {
    const dx = backend().empty(logits.dtype, logits.size);
    backend().crossEntropyBackward({ logits: x, targets: hostIds, lse, rows, cols, ignoreIndex, scale: g.item() / divisor, out: dx });
    return [Tensor.fromStorage(dx, logits.shape)];
  });
});

/**
 * Cross-entropy on a device: the sum and the count stay in a two-element device tensor, the mean is a division
 * there, and the backward pass scales by the upstream gradient over the count on the device too, so a training
 * step reads nothing back but the loss it is asked for.
 */
function deviceCrossEntropy(logits: Tensor, x: Storage, ids: DeviceStorage | Int32Array, rows: number, cols: number, ignoreIndex: number,
  reduction: 'mean' | 'sum'): Tensor {
  const lse = backend().empty(logits.dtype, rows);
  const totals = Tensor.fromStorage(backend().empty(logits.dtype, 2), [2]);
  backend().crossEntropy({ logits: x, targets: ids, rows, cols, ignoreIndex, lse, totals: totals.data as DeviceStorage });
  const sum = totals.slice(0, 0, 1).reshape();
  const divisor = reduction === 'mean' ? totals.slice(0, 1, 2).reshape() : null;
  const loss = divisor ? sum.div(divisor) : sum;
  return record(loss.detach(), 'crossEntropy', [logits], (g) => {
    const dx = backend().empty(logits.dtype, logits.size);
    backend().crossEntropyBackward({ logits: x, targets: ids, lse, rows, cols, ignoreIndex, scale: 1, out: dx });
    return [Tensor.fromStorage(dx, logits.shape).mul(divisor ? g.div(divisor) : g)];
  });
}
