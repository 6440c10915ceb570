import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { type DeviceStorage, isDevice, isFloat } from '../dtype.js';
import { ZerogradError, fmtShape } from '../errors.js';
import { defineOp } from '../registry.js';
import { Tensor } from '../tensor.js';

/**
 * Layer normalisation over the last dim in one fused kernel (torch.nn.functional.layer_norm with
 * normalized_shape = [C]): a single pass forward and one backward instead of a dozen elementwise ops.
 */
export const layerNorm = defineOp('layerNorm', true, (x: Tensor, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor => {
  const cols = x.shape[x.ndim - 1];
  if (x.ndim === 0 || !isFloat(x.dtype)) throw new ZerogradError('layerNorm', `expected a floating-point tensor with at least 1 dim, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && (p.ndim !== 1 || p.shape[0] !== cols)) {
      throw new ZerogradError('layerNorm', `${name} of shape ${fmtShape(p.shape)} must be [${cols}] to match the last dim of ${fmtShape(x.shape)}`);
    }
  }
  const rows = x.size / Math.max(cols, 1);
  const data = x.denseData();
  const cast = (p: Tensor | null) => (p ? (p.dtype === x.dtype ? p : p.to(x.dtype)).denseData() : null);
  const w = cast(weight);
  const out = backend().empty(x.dtype, x.size);
  // The row statistics: float64 on the CPU backends, float32 beside the data on a device (WGSL has no f64).
  const stats = () => (isDevice(data) ? backend().empty('float32', rows) as DeviceStorage : new Float64Array(rows));
  const mean = stats();
  const rstd = stats();
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
