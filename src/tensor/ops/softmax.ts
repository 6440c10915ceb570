import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { type DeviceStorage, type Storage, hostStorage, isDevice, isFloat } from '../../core/dtype.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim } from '../../core/shape.js';
import { Tensor } from '../tensor.js';
import { transpose } from './view.js';
import { where } from './elementwise.js';

function softmaxLastDim(op: string, x: Tensor, log: boolean): Tensor {
  if (!isFloat(x.dtype)) throw new ZerogradError(op, `expected a floating-point tensor, got ${x.dtype}`);
  const cols = x.ndim === 0 ? 1 : x.shape[x.ndim - 1];
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = backend().empty(x.dtype, x.size);
  backend().softmax({ x: x.denseData(), rows, cols, out, log });
  const y = Tensor.fromStorage(out, x.shape);
  return record(y, op, [x], (g) => {
    const fused = backend().softmaxBackward;
    if (!fused) return [softmaxGrad(y, g, log)];
    const dx = backend().empty(g.dtype, x.size);
    fused({ y: out, g: g.denseData(), rows, cols, out: dx, log });
    return [Tensor.fromStorage(dx, x.shape)];
  });
}

/** The gradient rule over the last dim, from the output y: y (g - sum(g y)), or g - exp(y) sum(g) for log-softmax. */
function softmaxGrad(y: Tensor, g: Tensor, log: boolean): Tensor {
  return log ? g.sub(y.exp().mul(g.sum(-1, true))) : y.mul(g.sub(g.mul(y).sum(-1, true)));
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
  const y = Tensor.fromStorage(out, scores.shape);
  return record(y, 'attentionSoftmax', [scores], (g) => {
    const fused = backend().attentionSoftmaxBackward;
    // The rule: scale y (g - sum(g y)); masked entries have y = 0, so get 0.
    if (!fused) return [softmaxGrad(y, g, false).mul(scale)];
    const dx = backend().empty(g.dtype, scores.size);
    fused({ y: out, g: g.denseData(), rows, cols: T, scale, out: dx });
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
    const fused = backend().crossEntropyBackward;
    if (!fused) return [crossEntropyGrad(x, hostIds, lse, rows, cols, ignoreIndex, logits.shape).mul(g.item() / divisor)];
    const dx = backend().empty(logits.dtype, logits.size);
    fused({ logits: x, targets: hostIds, lse, rows, cols, ignoreIndex, scale: g.item() / divisor, out: dx });
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
    const fused = backend().crossEntropyBackward;
    const scale = divisor ? g.div(divisor) : g;
    if (!fused) return [crossEntropyGrad(x, ids, lse, rows, cols, ignoreIndex, logits.shape).mul(scale)];
    const dx = backend().empty(logits.dtype, logits.size);
    fused({ logits: x, targets: ids, lse, rows, cols, ignoreIndex, scale: 1, out: dx });
    return [Tensor.fromStorage(dx, logits.shape).mul(scale)];
  });
}

/**
 * The gradient rule of the summed loss: softmax(logits) - onehot(target) on counted rows, 0 on ignored ones (whose
 * log-sum-exp was never computed, so `where` keeps it out).
 */
function crossEntropyGrad(logits: Storage, targets: Int32Array | DeviceStorage, lse: Storage, rows: number, cols: number, ignoreIndex: number,
  shape: readonly number[]): Tensor {
  const ids = Tensor.fromStorage(targets, [rows, 1]);
  const classes = Tensor.fromHost(Int32Array.from({ length: cols }, (_, i) => i), [1, cols]);
  const p = Tensor.fromStorage(logits, [rows, cols]).sub(Tensor.fromStorage(lse, [rows, 1])).exp();
  return where(ids.ne(ignoreIndex), p.sub(classes.eq(ids).to(p.dtype)), 0).reshape(...shape);
}
