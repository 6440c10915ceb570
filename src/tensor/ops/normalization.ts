import { backend } from '../../backend/registry.js';
import { noGrad, record } from '../autograd.js';
import { type DeviceStorage, type Storage, isDevice, isFloat } from '../dtype.js';
import { ZerogradError, fmtShape } from '../errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Checks that a normalisation's weight and bias, when given, are 1-D of `size` (`where` ends the message). */
function checkAffine(op: string, weight: Tensor | null, bias: Tensor | null, size: number, where: string): void {
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && (p.ndim !== 1 || p.shape[0] !== size)) throw new ZerogradError(op, `${name} of shape ${fmtShape(p.shape)} must be [${size}]${where}`);
  }
}

/** Storage for one statistic per row: float64 on the CPU backends, float32 beside the data on a device (WGSL has no f64). */
const rowStatistic = (data: Storage, rows: number): DeviceStorage | Float64Array =>
  (isDevice(data) ? backend().empty('float32', rows) as DeviceStorage : new Float64Array(rows));

/**
 * Layer normalisation over the last dim in one fused kernel (torch.nn.functional.layer_norm with
 * normalized_shape = [C]): a single pass forward and one backward instead of a dozen elementwise ops.
 */
export const layerNorm = defineOp('layerNorm', true, (x: Tensor, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor => {
  const cols = x.shape[x.ndim - 1];
  if (x.ndim === 0 || !isFloat(x.dtype)) throw new ZerogradError('layerNorm', `expected a floating-point tensor with at least 1 dim, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  checkAffine('layerNorm', weight, bias, cols, ` to match the last dim of ${fmtShape(x.shape)}`);
  const rows = x.size / Math.max(cols, 1);
  const data = x.denseData();
  const cast = (p: Tensor | null) => (p ? (p.dtype === x.dtype ? p : p.to(x.dtype)).denseData() : null);
  const w = cast(weight);
  const out = backend().empty(x.dtype, x.size);
  const [mean, rstd] = [rowStatistic(data, rows), rowStatistic(data, rows)];
  backend().layerNorm(data, rows, cols, w, cast(bias), eps, out, mean, rstd);
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return record(Tensor.fromStorage(out, x.shape), 'layerNorm', inputs, (g) => {
    const dx = backend().empty(x.dtype, x.size);
    const dweight = weight ? backend().alloc(x.dtype, cols) : null;
    const dbias = bias ? backend().alloc(x.dtype, cols) : null;
    backend().layerNormBackward(data, g.denseData(), rows, cols, w, mean, rstd, dx, dweight, dbias);
    const grads = [Tensor.fromStorage(dx, x.shape)];
    if (dweight) grads.push(Tensor.fromStorage(dweight, [cols]));
    if (dbias) grads.push(Tensor.fromStorage(dbias, [cols]));
    return grads;
  });
});

/** The output of batchNorm, with the batch statistics a module's running averages are made from. */
export interface BatchNormResult {
  output: Tensor;
  /** Each feature's mean over the batch, shape [C]. */
  mean: Tensor;
  /** Each feature's biased variance over the batch (what it was normalised with), shape [C]. */
  variance: Tensor;
}

/**
 * torch.nn.functional.batch_norm in training: each feature (the slices along `featureDim`) normalised over every
 * other dim with the batch's mean and biased variance, then scaled by `weight` and shifted by `bias`. One op, as
 * layerNorm is, on LayerNorm's kernels: with each feature's values moved into a row, batch normalisation is
 * LayerNorm of the rows, so forward and backward are one kernel call each instead of a dozen recorded ops.
 * The variance is read back from the kernel's 1/sqrt(var + eps).
 */
export const batchNorm = defineOp('batchNorm', true, (x: Tensor, featureDim: number, weight: Tensor | null = null, bias: Tensor | null = null,
  eps = 1e-5): BatchNormResult => {
  if (!isFloat(x.dtype) || x.ndim < 2) throw new ZerogradError('batchNorm', `expected a floating-point tensor with at least 2 dims, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  const axis = normalizeDim('batchNorm', featureDim, x.ndim, x.shape);
  const C = x.shape[axis];
  const N = x.size / C;
  if (N < 2) throw new ZerogradError('batchNorm', `needs more than one value per feature to normalise, got shape ${fmtShape(x.shape)}`);
  checkAffine('batchNorm', weight, bias, C, `, the size of dim ${axis} of ${fmtShape(x.shape)}`);
  const rowsShape = x.movedim(axis, 0).shape;
  /** (C, ...) rows back to x's layout, dense. */
  const back = (rows: Tensor) => rows.reshape(...rowsShape).movedim(0, axis).contiguous();
  const perFeature = (p: Tensor) => p.to(x.dtype).reshape(C, 1);
  const { data, output, mean, rstd, normalized } = noGrad(() => {
    const data = x.movedim(axis, 0).contiguous().denseData();
    const out = backend().empty(x.dtype, x.size);
    const [mean, rstd] = [rowStatistic(data, C), rowStatistic(data, C)];
    backend().layerNorm(data, C, N, null, null, eps, out, mean, rstd);
    const normalized = Tensor.fromStorage(out, [C, N]);
    let affine = weight ? normalized.mul(perFeature(weight)) : normalized;
    if (bias) affine = affine.add(perFeature(bias));
    return { data, output: back(affine), mean, rstd, normalized };
  });
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  const result = record(output, 'batchNorm', inputs, (g) => {
    const rows = g.movedim(axis, 0).reshape(C, N);
    const scaled = weight ? rows.mul(perFeature(weight)) : rows;
    const dx = backend().empty(x.dtype, x.size);
    backend().layerNormBackward(data, scaled.contiguous().denseData(), C, N, null, mean, rstd, dx, null, null);
    const grads = [back(Tensor.fromStorage(dx, [C, N]))];
    if (weight) grads.push(rows.mul(normalized).sum(1).to(weight.dtype));
    if (bias) grads.push(rows.sum(1).to(bias.dtype));
    return grads;
  });
  // In the statistics' own precision (float64 on the CPU backends), then the input's.
  const statistic = (s: Storage) => Tensor.fromStorage(s, [C]);
  const variance = noGrad(() => statistic(rstd).square().reciprocal().sub(eps).to(x.dtype));
  return { output: result, mean: noGrad(() => statistic(mean).to(x.dtype)), variance };
});
