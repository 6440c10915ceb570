// The WebGPU elementwise kernels: the unary functions of kernels/unaryOps.ts, binary ops and where with broadcasting
// strides, strided copies.
import type { BinaryOp } from '../../kernels/elementwise.js';
import { UNARY_OPS, type UnaryOp, unaryFormula } from '../../kernels/unaryOps.js';
import type { GPUFamily } from '../kernels.js';
import { FLOAT_FUNCTIONS, bindings, elementEntry, f32, grid, wgslType } from './common.js';

/** The most dimensions a strided kernel walks; every layout zerograd's models make has fewer. */
export const MAX_DIMS = 8;

/** out[i] = f(x[i]) over dense arrays; p = [n, s]. */
function unaryShader(op: UnaryOp): string {
  return `${bindings('xs: f32', 'out: f32!')}
${FLOAT_FUNCTIONS}
${elementEntry('p[0]')}
  let x = xs[i];
  let s = pf(1u);
  out[i] = ${UNARY_OPS[op].wgsl};
}`;
}

/** out[i] = g[i] * f'(x[i]); p = [n, s]. */
function unaryBackwardShader(op: UnaryOp): string {
  return `${bindings('xs: f32', 'ys: f32', 'gs: f32', 'out: f32!')}
${FLOAT_FUNCTIONS}
${elementEntry('p[0]')}
  let x = xs[i];
  let y = ys[i];
  let s = pf(1u);
  out[i] = gs[i] * (${unaryFormula(op).wgslDf});
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
function binaryShader(op: BinaryOp, type: 'f32' | 'i32', outType: 'f32' | 'i32'): string {
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
function whereShader(type: 'f32' | 'i32'): string {
  return `${bindings('conds: i32', `as_: ${type}`, `bs: ${type}`, `out: ${type}!`)}
${stridedLayout(3)}
${elementEntry('p[0]')}
  let o = at(i);
  out[i] = select(bs[o[2]], as_[o[1]], conds[o[0]] != 0);
}`;
}

/** dst[..] = src[..] between two strided views of one shape, converting int32 and float32 by value (a cast). */
function copyShader(type: 'f32' | 'i32', dstType: 'f32' | 'i32'): string {
  return `${bindings(`src: ${type}`, `dst: ${dstType}!`)}
${stridedLayout(2)}
${elementEntry('p[0]')}
  let o = at(i);
  dst[o[1]] = ${dstType}(src[o[0]]);
}`;
}

export const elementwise = {
  unary(gpu, { op, x, out, scalar }) {
    if (!out.length) return;
    gpu.dispatch(`unary:${op}`, () => unaryShader(op), [out.length, f32(scalar ?? 0)], [x, out], grid(out.length));
  },
  unaryBackward(gpu, { op, x, y, g, out, scalar }) {
    if (!out.length) return;
    gpu.dispatch(`unaryBackward:${op}`, () => unaryBackwardShader(op), [out.length, f32(scalar ?? 0)], [x, y, g, out], grid(out.length));
  },
  binary(gpu, { op, shape, a, b, out }) {
    if (!out.length) return;
    const [type, outType] = [wgslType(a.data.dtype), wgslType(out.dtype)];
    gpu.dispatch(`binary:${op}:${type}:${outType}`, () => binaryShader(op, type, outType), gpu.layout(shape, [a, b]), [a.data, b.data, out], grid(out.length));
  },
  where(gpu, { shape, cond, a, b, out }) {
    if (!out.length) return;
    const type = wgslType(a.data.dtype);
    gpu.dispatch(`where:${type}`, () => whereShader(type), gpu.layout(shape, [cond, a, b]), [cond.data, a.data, b.data, out], grid(out.length));
  },
  copy(gpu, { shape, src, dst }) {
    const count = shape.reduce((p, n) => p * n, 1);
    if (!count) return;
    const [type, dstType] = [wgslType(src.data.dtype), wgslType(dst.data.dtype)];
    gpu.dispatch(`copy:${type}:${dstType}`, () => copyShader(type, dstType), gpu.layout(shape, [src, dst]), [src.data, dst.data], grid(count));
  },
} satisfies GPUFamily;
