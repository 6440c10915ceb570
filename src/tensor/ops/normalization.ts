import { backend } from '../../backend/registry.js';
import { noGrad, record } from '../autograd.js';
import { type DeviceStorage, type Storage, isDevice, isFloat } from '../../core/dtype.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { normalizeDim } from '../../core/shape.js';
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

/** An affine parameter as dense storage of x's dtype for a kernel (null stays null). */
const affineData = (x: Tensor, p: Tensor | null) => (p ? (p.dtype === x.dtype ? p : p.to(x.dtype)).denseData() : null);

/** A normalisation of x seen as `shape`: its statistics reduce `dims` (kept as 1), its parameters' gradients sum `paramDims`. */
interface Layout {
  shape: number[];
  dims: number[];
  paramDims: number[];
  paramShape: number[];
}

/**
 * The gradient rule of a normalisation, over ops: with xhat = (x - mean) rstd and gw = g weight,
 * dx = rstd (gw - mean(gw) - xhat mean(gw xhat)) over the statistics' values; dweight sums g xhat and dbias g.
 */
function normalizationGrad(x: Tensor, g: Tensor, weight: Tensor | null, mean: Storage, rstd: Storage, { shape, dims, paramDims, paramShape }: Layout): Tensor[] {
  const [X, G] = [x.detach().reshape(...shape), g.reshape(...shape)];
  const statShape = shape.map((n, i) => (dims.includes(i) ? 1 : n));
  const [mu, r] = [Tensor.fromStorage(mean, statShape), Tensor.fromStorage(rstd, statShape)];
  const xhat = X.sub(mu).mul(r);
  const gw = weight ? G.mul(weight.detach().to(x.dtype).reshape(...paramShape)) : G;
  const dx = r.mul(gw.sub(gw.mean(dims, true)).sub(xhat.mul(gw.mul(xhat).mean(dims, true))));
  return [dx.reshape(...x.shape).to(x.dtype), G.mul(xhat).sum(paramDims), G.sum(paramDims)];
}

/**
 * Records a normalisation's backward: a backend's fused kernel, when it has one, writes dx (x's shape) and the
 * gradients of weight and bias (`size` each, pre-zeroed; null for a parameter the op was not given); otherwise the
 * rule runs. The gradients go back in each parameter's own dtype.
 */
function recordNormalization(op: string, out: Storage, x: Tensor, weight: Tensor | null, bias: Tensor | null, size: number,
  kernel: ((g: Storage, dx: Storage, dweight: Storage | null, dbias: Storage | null) => void) | null, rule: (g: Tensor) => Tensor[]): Tensor {
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return record(Tensor.fromStorage(out, x.shape), op, inputs, (g) => {
    if (!kernel) {
      const [dx, dweight, dbias] = rule(g);
      return [dx, ...(weight ? [dweight.to(weight.dtype)] : []), ...(bias ? [dbias.to(bias.dtype)] : [])];
    }
    const dx = backend().empty(x.dtype, x.size);
    const dweight = weight ? backend().alloc(x.dtype, size) : null;
    const dbias = bias ? backend().alloc(x.dtype, size) : null;
    kernel(g.denseData(), dx, dweight, dbias);
    const grads = [Tensor.fromStorage(dx, x.shape)];
    if (weight && dweight) grads.push(Tensor.fromStorage(dweight, [size]).to(weight.dtype));
    if (bias && dbias) grads.push(Tensor.fromStorage(dbias, [size]).to(bias.dtype));
    return grads;
  });
}

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
  const w = affineData(x, weight);
  const out = backend().empty(x.dtype, x.size);
  const [mean, rstd] = [rowStatistic(data, rows), rowStatistic(data, rows)];
  backend().layerNorm({ x: data, rows, cols, weight: w, bias: affineData(x, bias), eps, out, mean, rstd });
  const fused = backend().layerNormBackward;
  return recordNormalization('layerNorm', out, x, weight, bias, cols,
    fused ? (g, dx, dweight, dbias) => fused({ x: data, g, rows, cols, weight: w, mean, rstd, dx, dweight, dbias }) : null,
    (g) => normalizationGrad(x, g, weight, mean, rstd, { shape: [rows, cols], dims: [1], paramDims: [0], paramShape: [1, cols] }));
});

/** A batch normalisation's running averages, updated in place from each training batch (BatchNorm's buffers). */
export interface RunningStatistics {
  /** Each feature's running mean, C of them. */
  mean: Tensor;
  /** Each feature's running unbiased variance, C of them. */
  variance: Tensor;
  /** How far each batch moves them: running = (1 - momentum) * running + momentum * batch (PyTorch's 0.1). */
  momentum: number;
}

/**
 * torch.nn.functional.batch_norm in training: each feature (the slices along `featureDim`) normalised over every
 * other dim with the batch's mean and biased variance, then scaled by `weight` and shifted by `bias`; `running`
 * averages, when given, move toward the batch's mean and unbiased variance in place, as PyTorch's do. One fused
 * kernel forward (statistics, normalisation and running averages) and one backward, on x seen as (outer, C, inner):
 * the features' values are read where they lie, whichever dim holds them.
 */
export const batchNorm = defineOp('batchNorm', true, (x: Tensor, featureDim: number, weight: Tensor | null = null, bias: Tensor | null = null,
  eps = 1e-5, running: RunningStatistics | null = null): Tensor => {
  if (!isFloat(x.dtype) || x.ndim < 2) throw new ZerogradError('batchNorm', `expected a floating-point tensor with at least 2 dims, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  const axis = normalizeDim('batchNorm', featureDim, x.ndim, x.shape);
  const C = x.shape[axis];
  const N = x.size / C;
  if (N < 2) throw new ZerogradError('batchNorm', `needs more than one value per feature to normalise, got shape ${fmtShape(x.shape)}`);
  checkAffine('batchNorm', weight, bias, C, `, the size of dim ${axis} of ${fmtShape(x.shape)}`);
  if (running) checkAffine('batchNorm', running.mean, running.variance, C, `, the size of dim ${axis} of ${fmtShape(x.shape)}`);
  const inner = x.shape.slice(axis + 1).reduce((p, n) => p * n, 1);
  const outer = N / inner;
  const data = x.denseData();
  const w = affineData(x, weight);
  const out = backend().empty(x.dtype, x.size);
  const [mean, rstd] = [rowStatistic(data, C), rowStatistic(data, C)];
  // The kernel updates the averages' own storage when it is dense and of x's dtype, else a copy written back after.
  const own = (t: Tensor) => (t.dtype === x.dtype && t.offset === 0 && t.isContiguous() ? t : noGrad(() => t.to(x.dtype).clone()));
  const averages = running && { mean: own(running.mean), variance: own(running.variance) };
  backend().batchNorm({
    x: data, outer, C, inner, weight: w, bias: affineData(x, bias), eps, out, mean, rstd,
    runningMean: averages?.mean.data, runningVariance: averages?.variance.data, momentum: running?.momentum,
  });
  if (running && averages) {
    noGrad(() => {
      if (averages.mean !== running.mean) running.mean.copy_(averages.mean);
      if (averages.variance !== running.variance) running.variance.copy_(averages.variance);
    });
  }
  const fused = backend().batchNormBackward;
  return recordNormalization('batchNorm', out, x, weight, bias, C,
    fused ? (g, dx, dweight, dbias) => fused({ x: data, g, outer, C, inner, weight: w, mean, rstd, dx, dweight, dbias }) : null,
    (g) => normalizationGrad(x, g, weight, mean, rstd, { shape: [outer, C, inner], dims: [0, 2], paramDims: [0, 2], paramShape: [1, C, 1] }));
});
