// The reference elementwise kernels: the unary functions of kernels/unaryOps.ts, binary ops with broadcasting, where, copy.
import type { HostStorage } from '../../core/dtype.js';
import { isContiguousRun } from '../../core/shape.js';
import type { BinaryOp } from '../kernels/elementwise.js';
import type { HostArgs } from '../kernels/index.js';
import { UNARY_OPS, unaryFormula } from '../kernels/unaryOps.js';
import { forEachRow, isDense, lastAxis } from './strided.js';

export function unary({ op, x, out, scalar }: HostArgs<'unary'>): void {
  const { f } = UNARY_OPS[op];
  const s = scalar ?? 0;
  for (let i = 0; i < x.length; i++) out[i] = f(x[i], s);
}

/** The fused backward kernel, for the functions whose table entry gives a derivative; the others' gradients are op rules. */
export function unaryBackward({ op, x, y, g, out, scalar }: HostArgs<'unaryBackward'>): void {
  const df = unaryFormula(op).df;
  if (!df) throw new Error(`unaryBackward: '${op}' has no fused derivative; its op's gradient rule applies`);
  const s = scalar ?? 0;
  for (let i = 0; i < g.length; i++) out[i] = g[i] * df(x[i], y[i], s);
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

export function binary({ op, shape, a, b, out }: HostArgs<'binary'>): void {
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

export function where({ shape, cond, a, b, out }: HostArgs<'where'>): void {
  const { cols, strides: [cs, as, bs] } = lastAxis(shape, [cond, a, b]);
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  forEachRow(shape, [cond, a, b], ([co, ao, bo], row) => {
    const base = row * cols;
    for (let j = 0; j < cols; j++) out[base + j] = cd[co + j * cs] ? ad[ao + j * as] : bd[bo + j * bs];
  });
}

export function copy({ shape, src, dst }: HostArgs<'copy'>): void {
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
