// torch.round with `decimals`: the course's checkers compare answers rounded to 4 or 5 places.
import { hostStorage, isDevice } from '../../core/dtype.js';
import { where } from './elementwise.js';
import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { zeros } from '../creation.js';
import { ZerogradError } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { Tensor } from '../tensor.js';

/** Rounds half to even, as C's nearbyint does in the default rounding mode. */
function nearbyint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** 2^23: float32 numbers from here up in magnitude are integers, and float32 steps by exactly 1 just above it. */
const INTEGERS_FROM = 8388608;

/**
 * round in device memory (float32): adding ±2^23 (the value's sign) moves it where float32 steps by 1, so the
 * addition itself rounds it to an integer half to even; taking 2^23 away again is exact.
 */
function deviceRound(x: Tensor, decimals: number, scale: number): Tensor {
  const scaled = decimals >= 0 ? x.mul(scale) : x.div(scale);
  const shift = scaled.lt(0).float().mul(-2 * INTEGERS_FROM).add(INTEGERS_FROM);
  const whole = where(scaled.abs().lt(INTEGERS_FROM), scaled.add(shift).sub(shift), scaled);
  return decimals >= 0 ? whole.div(scale) : whole.mul(scale);
}

/**
 * torch.round(x, decimals): x·10^d rounded half to even, then divided back, in the tensor's own precision as
 * PyTorch computes it (so float32 answers agree bit for bit). Integer tensors are returned unchanged. The
 * gradient is zero, as PyTorch's is.
 */
export const round = defineOp('round', true, (x: Tensor, decimals = 0): Tensor => {
  if (!Number.isInteger(decimals)) throw new ZerogradError('round', `decimals must be an integer, got ${decimals}`);
  if (x.dtype === 'int32') return x;
  const f = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  const scale = f(10 ** Math.abs(decimals));
  if (isDevice(x.data)) return record(deviceRound(x, decimals, scale).detach(), 'round', [x], () => [zeros(x.shape, { dtype: x.dtype })]);
  const data = x.hostData();
  const out = hostStorage(backend().alloc(x.dtype, x.size));
  for (let i = 0; i < x.size; i++) {
    out[i] = decimals >= 0 ? f(nearbyint(f(data[i] * scale)) / scale) : f(nearbyint(f(data[i] / scale)) * scale);
  }
  return record(Tensor.fromStorage(out, x.shape), 'round', [x], () => [zeros(x.shape, { dtype: x.dtype })]);
});
