// The losses a course student reaches for beyond cross-entropy, as torch.nn.functional defines them.
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import type { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import { isDevice } from '../../core/dtype.js';
import { where } from './elementwise.js';
import { oneHot } from './indexing.js';
import { crossEntropy } from './softmax.js';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(losses: Tensor, reduction: Reduction, op: string): Tensor {
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return losses.sum();
  if (reduction === 'mean') return losses.mean();
  throw new ZerogradError(op, `reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) throw new ZerogradError(op, `target of shape ${fmtShape(target.shape)} must match input ${fmtShape(input.shape)}`);
}

/** F.mse_loss: the squared differences, averaged (or summed, or kept). */
export const mseLoss = defineOp('mseLoss', true, (input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor => {
  sameShape('mseLoss', input, target);
  return reduce(input.sub(target).square(), options.reduction ?? 'mean', 'mseLoss');
});

/**
 * F.binary_cross_entropy_with_logits: the sigmoid and the binary cross-entropy in one stable expression,
 * max(x, 0) - x y + log(1 + exp(-|x|)); `posWeight` scales the positive term, per class.
 */
export const bceWithLogits = defineOp('bceWithLogits', true, (logits: Tensor, targets: Tensor,
  options: { reduction?: Reduction; posWeight?: Tensor | null } = {}): Tensor => {
  const { reduction = 'mean', posWeight = null } = options;
  sameShape('bceWithLogits', logits, targets);
  const y = targets.float().to(logits.dtype);
  // log(1 + exp(-|x|)) + max(-x, 0) is -log(sigmoid(x)); likewise with x negated for -log(1 - sigmoid(x)).
  const softplusNeg = logits.abs().neg().exp().add(1).log();
  const logSigmoidNeg = softplusNeg.add(logits.neg().relu()); // -log(sigmoid(x))
  const logOneMinus = softplusNeg.add(logits.relu()); // -log(1 - sigmoid(x))
  const positive = posWeight ? logSigmoidNeg.mul(posWeight).mul(y) : logSigmoidNeg.mul(y);
  return reduce(positive.add(logOneMinus.mul(y.neg().add(1))), reduction, 'bceWithLogits');
});

export interface NllOptions {
  /** A weight per class (C,): each target's loss is scaled by its class's weight, and 'mean' divides by their sum. */
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** F.nll_loss on log-probabilities (N, C) with targets (N,): -logp[i, t_i], weighted and reduced as PyTorch does. */
export const nllLoss = defineOp('nllLoss', true, (logProbs: Tensor, targets: Tensor, { weight = null, ignoreIndex = -100, reduction = 'mean' }: NllOptions = {}): Tensor => {
  if (logProbs.ndim !== 2 || targets.ndim !== 1 || targets.shape[0] !== logProbs.shape[0]) {
    throw new ZerogradError('nllLoss', `expected log-probabilities (N, C) and targets (N,), got ${fmtShape(logProbs.shape)} and ${fmtShape(targets.shape)}`);
  }
  const C = logProbs.shape[1];
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new ZerogradError('nllLoss', `weight of shape ${fmtShape(weight.shape)} must have one entry per class (${C})`);
  if (isDevice(targets.data) || isDevice(logProbs.data)) {
    const { picks, total } = devicePicks(targets, C, ignoreIndex, weight);
    const losses = logProbs.mul(picks).sum(1).neg();
    return reduction === 'mean' ? losses.sum().div(total) : reduce(losses, reduction, 'nllLoss');
  }
  const ids = Array.from(targets.hostData());
  ids.forEach((t, i) => {
    if (t !== ignoreIndex && (t < 0 || t >= C)) throw new ZerogradError('nllLoss', `target ${t} at position ${i} is out of range for ${C} classes`);
  });
  // One-hot rows of each target's weight (zero for ignored targets): the loss is -sum(onehot * logp) per row.
  const w = weight ? Array.from(weight.toFlatArray()) : new Array<number>(C).fill(1);
  const picks = new Float64Array(ids.length * C);
  ids.forEach((t, i) => { if (t !== ignoreIndex) picks[i * C + t] = w[t]; });
  const pick = tensor(picks, { shape: [ids.length, C], dtype: logProbs.dtype === 'float64' ? 'float64' : 'float32' });
  const losses = logProbs.mul(pick).sum(1).neg();
  if (reduction !== 'mean') return reduce(losses, reduction, 'nllLoss');
  const total = ids.reduce((s, t) => s + (t === ignoreIndex ? 0 : w[t]), 0);
  return losses.sum().div(total);
});

export interface CrossEntropyExtraOptions extends NllOptions {
  /** Mixes the one-hot target with the uniform distribution: (1 - eps) on the target plus eps / C on every class. */
  labelSmoothing?: number;
}

/**
 * F.cross_entropy with PyTorch's further options: class `weight`, `labelSmoothing` and `reduction: 'none'`, on
 * logits (N, C). Without them it is the fused crossEntropy.
 */
export const crossEntropyLoss = defineOp('crossEntropyLoss', true, (logits: Tensor, targets: Tensor, options: CrossEntropyExtraOptions = {}): Tensor => {
  const { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = options;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ZerogradError('crossEntropyLoss', `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  if (!weight && labelSmoothing === 0 && reduction !== 'none') return crossEntropy(logits, targets, { ignoreIndex, reduction });
  const logProbs = logits.logSoftmax(-1);
  const nll = nllLoss(logProbs, targets, { weight, ignoreIndex, reduction });
  if (labelSmoothing === 0) return nll;
  // PyTorch's smoothing term: -sum_c w_c logp_c / C per row (rows with ignored targets left out), reduced as the nll.
  const C = logits.shape[1];
  const device = isDevice(targets.data) || isDevice(logits.data);
  const ids = device ? [] : Array.from(targets.hostData());
  const keep = device ? targets.ne(ignoreIndex).unsqueeze(1).to(logProbs.dtype)
    : tensor(ids.map((t) => [t === ignoreIndex ? 0 : 1]), { dtype: logProbs.dtype === 'float64' ? 'float64' : 'float32' });
  const weighted = weight ? logProbs.mul(weight.view(1, C)) : logProbs;
  let smooth = weighted.mul(keep).sum(1).neg().div(C);
  if (reduction === 'sum') smooth = smooth.sum();
  else if (reduction === 'mean') {
    const w = weight && !device ? weight.toFlatArray() : null;
    const total = device ? devicePicks(targets, C, ignoreIndex, weight).total : ids.reduce((s, t) => s + (t === ignoreIndex ? 0 : w ? w[t] : 1), 0);
    smooth = smooth.sum().div(total);
  }
  return nll.mul(1 - labelSmoothing).add(smooth.mul(labelSmoothing));
});

/**
 * nllLoss's one-hot rows of each target's class weight (zero for an ignored target) and their sum, made with tensor
 * ops for targets in device memory, which JavaScript cannot read without waiting for the device.
 */
function devicePicks(targets: Tensor, C: number, ignoreIndex: number, weight: Tensor | null): { picks: Tensor; total: Tensor } {
  const kept = targets.ne(ignoreIndex);
  const onehot = oneHot(where(kept, targets, 0), C).mul(kept.unsqueeze(1).float());
  const picks = weight ? onehot.mul(weight.view(1, C)) : onehot;
  return { picks, total: picks.sum() };
}
