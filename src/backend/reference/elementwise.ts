import type { BinaryOp, StridedView, UnaryOp } from '../backend.js';
import type { HostStorage } from '../../core/dtype.js';
import { isContiguousRun } from '../../core/shape.js';
import { erf } from './erf.js';
import { forEachRow, isDense, lastAxis } from './strided.js';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

type Unary = (x: number, scalar: number) => number;
/** Derivative of each unary function, from its input x and its output y. */
type Derivative = (x: number, y: number, scalar: number) => number;

const unaryFns: Record<UnaryOp | 'powScalar', Unary> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 ? x : 0),
  gelu: (x) => 0.5 * x * (1 + erf(x * SQRT1_2)),
  abs: Math.abs,
  sin: Math.sin,
  cos: Math.cos,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  erf,
  powScalar: (x, p) => Math.pow(x, p),
};

const derivatives: Record<UnaryOp | 'powScalar', Derivative> = {
  neg: () => -1,
  exp: (_x, y) => y,
  log: (x) => 1 / x,
  sqrt: (_x, y) => 0.5 / y,
  rsqrt: (x, y) => (-0.5 * y) / x,
  tanh: (_x, y) => 1 - y * y,
  sigmoid: (_x, y) => y * (1 - y),
  relu: (x) => (x > 0 ? 1 : 0),
  gelu: (x) => 0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
  abs: (x) => Math.sign(x),
  sin: Math.cos,
  cos: (x) => -Math.sin(x),
  square: (x) => 2 * x,
  reciprocal: (_x, y) => -y * y,
  erf: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
  powScalar: (x, _y, p) => (p === 0 ? 0 : p * Math.pow(x, p - 1)),
};

export function unary(op: UnaryOp | 'powScalar', x: HostStorage, out: HostStorage, scalar = 0): void {
  const f = unaryFns[op];
  for (let i = 0; i < x.length; i++) out[i] = f(x[i], scalar);
}

export function unaryBackward(op: UnaryOp | 'powScalar', x: HostStorage, y: HostStorage, g: HostStorage, out: HostStorage, scalar = 0): void {
  const df = derivatives[op];
  for (let i = 0; i < g.length; i++) out[i] = g[i] * df(x[i], y[i], scalar);
}

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
};

export function binary(op: BinaryOp, shape: readonly number[], a: StridedView<HostStorage>, b: StridedView<HostStorage>, out: HostStorage): void {
  const dense = isDense(shape, a.strides, a.offset) && isDense(shape, b.strides, b.offset);
  // Dense operands are one long row; otherwise walk rows of the last axis with per-operand strides.
  const { cols, strides: [as, bs] } = dense ? { cols: out.length, strides: [1, 1] } : lastAxis(shape, [a, b]);
  const rowShape = dense ? [] : shape;
  forEachRow(rowShape, [a, b], ([ao, bo], row) => binaryRow(op, a.data, ao, as, b.data, bo, bs, out, row * cols, cols));
}

/**
 * One row of a binary op. The arithmetic ops get loops of their own so V8 compiles each to a tight
 * loop without a function call per element; the rarer ones go through the function table.
 */
function binaryRow(op: BinaryOp, ad: HostStorage, ao: number, as: number, bd: HostStorage, bo: number, bs: number,
  out: HostStorage, base: number, cols: number): void {
  switch (op) {
    case 'add':
      for (let j = 0; j < cols; j++) out[base + j] = ad[ao + j * as] + bd[bo + j * bs];
      return;
    case 'sub':
      for (let j = 0; j < cols; j++) out[base + j] = ad[ao + j * as] - bd[bo + j * bs];
      return;
    case 'mul':
      for (let j = 0; j < cols; j++) out[base + j] = ad[ao + j * as] * bd[bo + j * bs];
      return;
    case 'div':
      for (let j = 0; j < cols; j++) out[base + j] = ad[ao + j * as] / bd[bo + j * bs];
      return;
    default: {
      const f = binaryFns[op];
      for (let j = 0; j < cols; j++) out[base + j] = f(ad[ao + j * as], bd[bo + j * bs]);
    }
  }
}

export function where(shape: readonly number[], cond: StridedView<HostStorage>, a: StridedView<HostStorage>, b: StridedView<HostStorage>, out: HostStorage): void {
  const { cols, strides: [cs, as, bs] } = lastAxis(shape, [cond, a, b]);
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  forEachRow(shape, [cond, a, b], ([co, ao, bo], row) => {
    const base = row * cols;
    for (let j = 0; j < cols; j++) out[base + j] = cd[co + j * cs] ? ad[ao + j * as] : bd[bo + j * bs];
  });
}

export function copy(shape: readonly number[], src: StridedView<HostStorage>, dst: StridedView<HostStorage>): void {
  // Two dense runs of one element type (a gradient copied out of a step, contiguous()): one memcpy.
  if (src.data.constructor === dst.data.constructor && isContiguousRun(shape, src.strides) && isContiguousRun(shape, dst.strides)) {
    const count = shape.reduce((p, s) => p * s, 1);
    (dst.data as Float32Array).set((src.data as Float32Array).subarray(src.offset, src.offset + count), dst.offset);
    return;
  }
  const { cols, strides: [ss, ds] } = lastAxis(shape, [src, dst]);
  const sd = src.data;
  const dd = dst.data;
  forEachRow(shape, [src, dst], ([so, doff]) => {
    for (let j = 0; j < cols; j++) dd[doff + j * ds] = sd[so + j * ss];
  });
}
