import type { BinaryOp, UnaryOp } from '../../backend.js';
import { FLOAT_FUNCTIONS, bindings, elementEntry } from './common.js';

/** The most dimensions a strided kernel walks; every layout zerograd's models make has fewer. */
export const MAX_DIMS = 8;

/** y = f(x), with `s` the scalar (powScalar's exponent). */
const UNARY: Record<UnaryOp | 'powScalar', string> = {
  neg: '-x', exp: 'exp_(x)', log: 'log(x)', sqrt: 'sqrt(x)', rsqrt: 'inverseSqrt(x)', tanh: 'tanh_(x)',
  sigmoid: '1.0 / (1.0 + exp_(-x))', relu: 'select(0.0, x, x > 0.0)', gelu: '0.5 * x * (1.0 + erf_(x * 0.70710678118654752))',
  abs: 'abs(x)', sin: 'sincos_(x, false)', cos: 'sincos_(x, true)', square: 'x * x', reciprocal: '1.0 / x', erf: 'erf_(x)', powScalar: 'pow_(x, s)',
};

/** dy/dx from x and y, as the reference backend's derivatives. */
const DERIVATIVE: Record<UnaryOp | 'powScalar', string> = {
  neg: '-1.0', exp: 'y', log: '1.0 / x', sqrt: '0.5 / y', rsqrt: '-0.5 * y / x', tanh: '1.0 - y * y', sigmoid: 'y * (1.0 - y)',
  relu: 'select(0.0, 1.0, x > 0.0)', gelu: '0.5 * (1.0 + erf_(x * 0.70710678118654752)) + x * 0.39894228040143268 * exp_(-0.5 * x * x)',
  abs: 'sign(x)', sin: 'sincos_(x, true)', cos: '-sincos_(x, false)', square: '2.0 * x', reciprocal: '-y * y', erf: '1.1283791670955126 * exp_(-x * x)',
  powScalar: 'select(s * pow_(x, s - 1.0), 0.0, s == 0.0)',
};

/** out[i] = f(x[i]) over dense arrays; p = [n, s]. */
export function unaryShader(op: UnaryOp | 'powScalar'): string {
  return `${bindings('xs: f32', 'out: f32!')}
${FLOAT_FUNCTIONS}
${elementEntry('p[0]')}
  let x = xs[i];
  let s = pf(1u);
  out[i] = ${UNARY[op]};
}`;
}

/** out[i] = g[i] * f'(x[i]); p = [n, s]. */
export function unaryBackwardShader(op: UnaryOp | 'powScalar'): string {
  return `${bindings('xs: f32', 'ys: f32', 'gs: f32', 'out: f32!')}
${FLOAT_FUNCTIONS}
${elementEntry('p[0]')}
  let x = xs[i];
  let y = ys[i];
  let s = pf(1u);
  out[i] = gs[i] * (${DERIVATIVE[op]});
}`;
}

const BINARY: Record<BinaryOp, string> = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', pow: 'pow_(a, b)', maximum: 'max_(a, b)', minimum: 'min_(a, b)',
  eq: 'a == b', ne: 'a != b', lt: 'a < b', le: 'a <= b', gt: 'a > b', ge: 'a >= b',
};
const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/**
 * The layout block of a strided kernel over `operands` views: p = [n, ndim, offset per operand, shape[MAX_DIMS],
 * then each operand's strides[MAX_DIMS]]. `at(i)` gives each operand's element index for output element i.
 */
function stridedLayout(operands: number): string {
  const starts = Array.from({ length: operands }, (_, k) => `var o${k} = pi(${2 + k}u);`).join(' ');
  const steps = Array.from({ length: operands }, (_, k) => `o${k} += c * pi(${2 + operands + MAX_DIMS * (k + 1)}u + d);`).join(' ');
  return `
fn at(i: u32) -> array<i32, ${operands}> {
  var rest = i;
  ${starts}
  for (var k = 0u; k < p[1]; k++) {
    let d = p[1] - 1u - k;
    let size = p[${2 + operands}u + d];
    let c = i32(rest % size);
    rest = rest / size;
    ${steps}
  }
  return array<i32, ${operands}>(${Array.from({ length: operands }, (_, k) => `o${k}`).join(', ')});
}`;
}

/**
 * out[i] = a[..] op b[..] with broadcasting strides; float or int32 operands. A comparison writes 1 or 0 in the
 * output's type (an int32 mask, or float32 where a backward rule asks for one).
 */
export function binaryShader(op: BinaryOp, type: 'f32' | 'i32', outType: 'f32' | 'i32'): string {
  const value = COMPARISONS.has(op) ? `select(${outType}(0), ${outType}(1), ${BINARY[op]})` : BINARY[op];
  return `${bindings(`as_: ${type}`, `bs: ${type}`, `out: ${outType}!`)}
${type === 'f32' ? FLOAT_FUNCTIONS : ''}
${stridedLayout(2)}
${elementEntry('p[0]')}
  let o = at(i);
  let a = as_[o[0]];
  let b = bs[o[1]];
  out[i] = ${value};
}`;
}

/** out = cond ? a : b with broadcasting. */
export function whereShader(type: 'f32' | 'i32'): string {
  return `${bindings('conds: i32', `as_: ${type}`, `bs: ${type}`, `out: ${type}!`)}
${stridedLayout(3)}
${elementEntry('p[0]')}
  let o = at(i);
  out[i] = select(bs[o[2]], as_[o[1]], conds[o[0]] != 0);
}`;
}

/** dst[..] = src[..] between two strided views of one shape, converting int32 and float32 by value (a cast). */
export function copyShader(type: 'f32' | 'i32', dstType: 'f32' | 'i32'): string {
  return `${bindings(`src: ${type}`, `dst: ${dstType}!`)}
${stridedLayout(2)}
${elementEntry('p[0]')}
  let o = at(i);
  dst[o[1]] = ${dstType}(src[o[0]]);
}`;
}
