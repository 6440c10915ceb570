import type { BinaryOp, UnaryOp } from '../../backend/backend.js';
import { unaryFormula } from '../../backend/kernels/unaryOps.js';
import { backend } from '../../backend/registry.js';
import { isGradEnabled, record } from '../autograd.js';
import { type DType, allocStorage, computeDtype, isFloat, isHalf, promote } from '../../core/dtype.js';
import { ZerogradError } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { broadcastShapes, broadcastStrides } from '../../core/shape.js';
import { Tensor } from '../tensor.js';

export type Operand = Tensor | number;

/**
 * Turns a plain number into a 0-d tensor of `like`'s dtype (as PyTorch treats Python scalars: with a 16-bit
 * float tensor, the number is rounded to its dtype first).
 */
export function asTensor(value: Operand, like: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  const dtype: DType = like.dtype === 'int32' && !Number.isInteger(value) ? 'float32' : like.dtype;
  const data = allocStorage(computeDtype(dtype), 1);
  data[0] = value;
  const scalar = Tensor.fromHost(data, []);
  return isHalf(dtype) ? scalar.to(dtype) : scalar;
}

function requireFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) throw new ZerogradError(op, `expected a floating-point tensor, got ${x.dtype}; convert it with .float()`);
}

function unaryForward(op: UnaryOp, x: Tensor, scalar?: number): Tensor {
  requireFloat(op === 'powScalar' ? 'pow' : op, x);
  // PyTorch's CPU kernels compute a 16-bit float in float32 and round the result back.
  if (isHalf(x.dtype)) return unaryForward(op, x.float(), scalar).to(x.dtype);
  const input = x.denseData();
  const out = backend().empty(x.dtype, x.size);
  backend().unary({ op, x: input, out, scalar });
  const y = Tensor.fromStorage(out, x.shape);
  return record(y, op, [x], (g) => {
    // The gradient rule is built from ops (so that, under autograd.grad's createGraph, it can be differentiated again).
    // A backend's fused kernel computes the same derivative in one pass, where the function's table entry gives one.
    const fused = backend().unaryBackward;
    if (isGradEnabled() || !fused || !unaryFormula(op).df) return [differentiableGrad(op, x, y, g, scalar)];
    const dx = backend().empty(x.dtype, x.size);
    fused({ op, x: input, y: out, g: g.denseData(), out: dx, scalar });
    return [Tensor.fromStorage(dx, x.shape)];
  });
}

/** Each function's gradient rule: d(loss)/dx for y = op(x), as tensor ops on x, y and g. */
function differentiableGrad(op: UnaryOp, x: Tensor, y: Tensor, g: Tensor, scalar?: number): Tensor {
  switch (op) {
    case 'neg': return neg(g);
    case 'exp': return mul(g, y);
    case 'log': return div(g, x);
    case 'sqrt': return div(mul(g, 0.5), y);
    case 'rsqrt': return mul(g, div(mul(y, -0.5), x));
    case 'tanh': return mul(g, sub(1, mul(y, y)));
    case 'sigmoid': return mul(g, mul(y, sub(1, y)));
    // d/dx x s(x) = s (1 + x (1 - s)), with s = sigmoid(x).
    case 'silu': { const s = sigmoid(x); return mul(g, mul(s, add(mul(x, sub(1, s)), 1))); }
    case 'relu': return mul(g, gt(x, 0).to(x.dtype));
    case 'abs': return mul(g, sub(gt(x, 0), lt(x, 0)).to(x.dtype));
    case 'sin': return mul(g, cos(x));
    case 'cos': return neg(mul(g, sin(x)));
    case 'square': return mul(g, mul(x, 2));
    case 'reciprocal': return neg(mul(g, mul(y, y)));
    case 'powScalar': return mul(g, mul(powScalar(x, scalar! - 1), scalar!));
    case 'erf': return mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI)));
    // d/dx x Φ(x) = Φ(x) + x φ(x), with Φ(x) = (1 + erf(x / √2)) / 2 and φ(x) = exp(-x² / 2) / √(2π).
    case 'gelu': return mul(g, add(mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5), mul(x, mul(exp(mul(square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI)))));
    default: throw new ZerogradError(op, 'second derivatives (autograd.grad with createGraph) are not supported through this op');
  }
}

const unaryOp = (op: UnaryOp) => defineOp(op, true, (x: Tensor) => unaryForward(op, x));

export const neg = unaryOp('neg');
export const exp = unaryOp('exp');
export const log = unaryOp('log');
export const sqrt = unaryOp('sqrt');
export const rsqrt = unaryOp('rsqrt');
export const tanh = unaryOp('tanh');
export const sigmoid = unaryOp('sigmoid');
export const relu = unaryOp('relu');
/** SiLU (swish), x * sigmoid(x), as torch.nn.functional.silu. */
export const silu = unaryOp('silu');
/** GELU with the exact Gaussian CDF, as torch.nn.GELU() and nanoGPT use. */
export const gelu = unaryOp('gelu');
export const abs = unaryOp('abs');
export const sin = unaryOp('sin');
export const cos = unaryOp('cos');
export const square = unaryOp('square');
export const reciprocal = unaryOp('reciprocal');
/** The error function, as torch.erf: GELU's Gaussian CDF is (1 + erf(x / √2)) / 2. */
export const erf = unaryOp('erf');

/** x ** p for a constant exponent; a tensor exponent goes through `pow`. */
export const powScalar = defineOp('powScalar', true, (x: Tensor, exponent: number) => unaryForward('powScalar', x, exponent));

/** Evaluates `op` over the broadcast shape of a and b without materialising the broadcast copies. */
function broadcastBinary(op: BinaryOp, a: Tensor, b: Tensor, outDtype: DType): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = backend().empty(outDtype, shape.reduce((p, s) => p * s, 1));
  const view = (t: Tensor) => {
    // Mixed dtypes are computed in the promoted type; a cast copy keeps every kernel single-typed.
    const cast = t.dtype === outDtype || outDtype === 'int32' ? t : t.to(outDtype);
    return { data: cast.data, offset: cast.offset, strides: broadcastStrides(cast.shape, cast.strides, shape) };
  };
  backend().binary({ op, shape, a: view(a), b: view(b), out });
  return Tensor.fromStorage(out, shape);
}

function binaryOp(op: BinaryOp, grads: (a: Tensor, b: Tensor, out: Tensor, g: Tensor) => [Tensor | null, Tensor | null]) {
  const fn = defineOp(op, true, (aIn: Operand, bIn: Operand): Tensor => {
    const [a, b] = operands(aIn, bIn);
    const dtype = promote(a.dtype, b.dtype);
    if (isHalf(dtype)) return fn(a.float(), b.float()).to(dtype);
    const out = broadcastBinary(op, a, b, dtype);
    return record(out, op, [a, b], (g) => grads(a, b, out, g));
  });
  return fn;
}

function operands(aIn: Operand, bIn: Operand): [Tensor, Tensor] {
  if (aIn instanceof Tensor) return [aIn, asTensor(bIn, aIn)];
  if (bIn instanceof Tensor) return [asTensor(aIn, bIn), bIn];
  throw new ZerogradError('binary op', 'at least one operand must be a tensor');
}

export const add = binaryOp('add', (_a, _b, _out, g) => [g, g]);
export const sub = binaryOp('sub', (_a, _b, _out, g) => [g, neg(g)]);
export const mul = binaryOp('mul', (a, b, _out, g) => [mul(g, b), mul(g, a)]);
export const div = binaryOp('div', (a, b, _out, g) => [div(g, b), neg(div(mul(g, a), mul(b, b)))]);
export const pow = binaryOp('pow', (a, b, out, g) => [
  a.requiresGrad ? mul(g, mul(b, pow(a, sub(b, 1)))) : null,
  // d/db a^b = a^b ln a is only defined for a > 0, so it is computed only when b needs it.
  b.requiresGrad ? mul(g, mul(out, log(a))) : null,
]);

/** Elementwise max; on ties the gradient is split equally, as PyTorch does. */
export const maximum = binaryOp('maximum', (a, b, _out, g) => tieSplitGrads(a, b, g, 'gt'));
export const minimum = binaryOp('minimum', (a, b, _out, g) => tieSplitGrads(a, b, g, 'lt'));

function tieSplitGrads(a: Tensor, b: Tensor, g: Tensor, wins: 'gt' | 'lt'): [Tensor, Tensor] {
  const aWins = broadcastBinary(wins, a, b, g.dtype);
  const ties = broadcastBinary('eq', a, b, g.dtype);
  const aShare = add(aWins, mul(ties, 0.5));
  return [mul(g, aShare), mul(g, sub(1, aShare))];
}

/** Limits values to [min, max] (PyTorch's clamp); the gradient is zero where a bound is active. */
export const clamp = defineOp('clamp', true, (x: Tensor, low?: number, high?: number): Tensor => {
  const floored = low === undefined ? x : where(lt(x, low), low, x);
  return high === undefined ? floored : where(gt(floored, high), high, floored);
});

function comparison(op: BinaryOp) {
  return defineOp(op, false, (aIn: Operand, bIn: Operand): Tensor => {
    const [a, b] = operands(aIn, bIn);
    // Compare in the promoted type (16-bit floats widened exactly), but answer with an int32 mask (1 where true).
    const computeIn = computeDtype(promote(a.dtype, b.dtype));
    const [castA, castB] = [a, b].map((t) => t.to(computeIn));
    return broadcastBinary(op, castA, castB, 'int32');
  });
}

export const eq = comparison('eq');
export const ne = comparison('ne');
export const lt = comparison('lt');
export const le = comparison('le');
export const gt = comparison('gt');
export const ge = comparison('ge');

/** cond ? a : b elementwise, broadcasting all three; gradients flow to whichever branch was taken. */
export const where = defineOp('where', true, (cond: Tensor, aIn: Operand, bIn: Operand): Tensor => {
  const [a, b] = operands(aIn, bIn);
  const shape = broadcastShapes('where', cond.shape, a.shape, b.shape);
  const dtype = promote(a.dtype, b.dtype);
  if (isHalf(dtype)) return where(cond, a.float(), b.float()).to(dtype);
  const [ca, cb] = [a, b].map((t) => (t.dtype === dtype ? t : t.to(dtype)));
  const view = (t: Tensor) => ({ data: t.data, offset: t.offset, strides: broadcastStrides(t.shape, t.strides, shape) });
  const out = backend().empty(dtype, shape.reduce((p, s) => p * s, 1));
  backend().where({ shape, cond: view(cond), a: view(ca), b: view(cb), out });
  return record(Tensor.fromStorage(out, shape), 'where', [a, b], (g) => [where(cond, g, 0), where(cond, 0, g)]);
});
