// AssemblyScript: elementwise kernels over float32 arrays in this module's memory. GELU, exp and tanh, the costly
// ones in these models, run four lanes at a time with float32 approximations within a few ulp (simdMath.ts); the other transcendental functions are
// evaluated in float64, as the reference backend's JavaScript does, and rounded once.
import { EXP_MAX, EXP_MIN, exp4, normalCdf4, tanh4 } from './simdMath';

// Op codes, named as src/backend/kernels/ names the ops: `npm run build:wasm` copies them, with every export's
// signature, into src/backend/wasm/exports.ts, so the TypeScript side cannot drift from this file.
const enum Unary { neg = 0, exp = 1, log = 2, sqrt = 3, rsqrt = 4, tanh = 5, sigmoid = 6, relu = 7, gelu = 8, abs = 9, square = 10,
  reciprocal = 11, powScalar = 12, silu = 13 }
const enum Binary { add = 0, sub = 1, mul = 2, div = 3 }

const ERF_STEP: f64 = 1.0 / 64;
const ERF_LIMIT: f64 = 6;
const INV_SQRT_2PI: f64 = 0.3989422804014327;

/**
 * erf by cubic Hermite interpolation in the table src/backend/reference/erf.ts builds (values then
 * slopes, float64, 385 each), which the backend copies into memory at `table`.
 */
@inline
function erf(z: f64, table: usize): f64 {
  const a = Math.abs(z);
  if (a >= ERF_LIMIT) return z < 0 ? -1 : 1;
  const t = a / ERF_STEP;
  const i = <i32>t;
  const u = t - <f64>i;
  const u2 = u * u;
  const u3 = u2 * u;
  const at = table + (<usize>i << 3);
  const slopes = table + 385 * 8;
  const y = (2 * u3 - 3 * u2 + 1) * load<f64>(at) + (u3 - 2 * u2 + u) * ERF_STEP * load<f64>(slopes + (<usize>i << 3))
    + (-2 * u3 + 3 * u2) * load<f64>(at, 8) + (u3 - u2) * ERF_STEP * load<f64>(slopes + (<usize>i << 3), 8);
  return z < 0 ? -y : y;
}

@inline
function apply(op: i32, x: f64, p: f64, table: usize): f64 {
  switch (op) {
    case Unary.neg: return -x;
    case Unary.exp: return Math.exp(x);
    case Unary.log: return Math.log(x);
    case Unary.sqrt: return Math.sqrt(x);
    case Unary.rsqrt: return 1 / Math.sqrt(x);
    case Unary.tanh: return Math.tanh(x);
    case Unary.sigmoid: return 1 / (1 + Math.exp(-x));
    case Unary.relu: return x > 0 ? x : 0;
    case Unary.gelu: return 0.5 * x * (1 + erf(x * Math.SQRT1_2, table));
    case Unary.abs: return Math.abs(x);
    case Unary.square: return x * x;
    case Unary.reciprocal: return 1 / x;
    case Unary.silu: return x / (1 + Math.exp(-x));
    default: return Math.pow(x, p);
  }
}

/** The derivative of `op` at input x with output y, as the reference backend's table of derivatives. */
@inline
function derivative(op: i32, x: f64, y: f64, p: f64, table: usize): f64 {
  switch (op) {
    case Unary.neg: return -1;
    case Unary.exp: return y;
    case Unary.log: return 1 / x;
    case Unary.sqrt: return 0.5 / y;
    case Unary.rsqrt: return (-0.5 * y) / x;
    case Unary.tanh: return 1 - y * y;
    case Unary.sigmoid: return y * (1 - y);
    case Unary.relu: return x > 0 ? 1 : 0;
    case Unary.gelu: return 0.5 * (1 + erf(x * Math.SQRT1_2, table)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    case Unary.abs: return x > 0 ? 1 : x < 0 ? -1 : 0;
    case Unary.square: return 2 * x;
    case Unary.reciprocal: return -y * y;
    case Unary.silu: {
      const s = 1 / (1 + Math.exp(-x));
      return s * (1 + x * (1 - s));
    }
    default: return p === 0 ? 0 : p * Math.pow(x, p - 1);
  }
}

@inline
function unaryLoop(op: i32, x: usize, out: usize, n: i32, p: f64, table: usize): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, <f32>apply(op, <f64>load<f32>(x + at), p, table));
  }
}

@inline
function unaryBackwardLoop(op: i32, x: usize, y: usize, g: usize, out: usize, n: i32, p: f64, table: usize): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const d = derivative(op, <f64>load<f32>(x + at), <f64>load<f32>(y + at), p, table);
    store<f32>(out + at, <f32>(<f64>load<f32>(g + at) * d));
  }
}

// Each op gets a loop of its own: with `op` a constant there, the compiler folds apply's switch away
// instead of branching on it for every element.

/** e^x four lanes at a time, with the lanes beyond float32's range set to infinity or 0 as Math.exp gives. */
function expVector(x: usize, out: usize, n: i32): i32 {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    let y = exp4(v);
    y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(v, f32x4.splat(EXP_MAX)));
    y = v128.bitselect(f32x4.splat(0), y, f32x4.lt(v, f32x4.splat(EXP_MIN)));
    v128.store(out + at, v128.bitselect(v, y, f32x4.ne(v, v)));
  }
  return i;
}

/** tanh four lanes at a time (NaN stays NaN: both branches propagate it). */
function tanhVector(x: usize, out: usize, n: i32): i32 {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, tanh4(v128.load(x + at)));
  }
  return i;
}

/** GELU(x) = x Phi(x) four lanes at a time; returns how many elements it did (the rest go scalar). */
function geluVector(x: usize, out: usize, n: i32): i32 {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    v128.store(out + at, f32x4.mul(v, normalCdf4(v)));
  }
  return i;
}

/** g * GELU'(x) = g * (Phi(x) + x phi(x)) four lanes at a time. */
function geluBackwardVector(x: usize, g: usize, out: usize, n: i32): i32 {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    const density = f32x4.mul(f32x4.splat(<f32>INV_SQRT_2PI), exp4(f32x4.mul(f32x4.splat(-0.5), f32x4.mul(v, v))));
    const slope = f32x4.add(normalCdf4(v), f32x4.mul(v, density));
    v128.store(out + at, f32x4.mul(v128.load(g + at), slope));
  }
  return i;
}

/**
 * ReLU four lanes at a time, as a select rather than a branch (on a network's activations, a branch on the
 * sign is mispredicted half the time); NaN and -0 give 0, as the scalar x > 0 ? x : 0 does.
 */
function reluVector(x: usize, out: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    v128.store(out + at, v128.bitselect(v, zero, f32x4.gt(v, zero)));
  }
  return i;
}

/** g * (x > 0 ? 1 : 0) four lanes at a time: a product, not a select, so an infinite or NaN g gives NaN where x <= 0 as before. */
function reluBackwardVector(x: usize, g: usize, out: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, f32x4.mul(v128.load(g + at), v128.bitselect(one, zero, f32x4.gt(v128.load(x + at), zero))));
  }
  return i;
}

/** out[i] = op(x[i]) for n floats. */
export function unary(op: i32, x: usize, out: usize, n: i32, p: f64, table: usize): void {
  if (op === Unary.relu) {
    const at = <usize>reluVector(x, out, n) << 2;
    unaryLoop(Unary.relu, x + at, out + at, n - (<i32>at >> 2), p, table);
    return;
  }
  if (op === Unary.gelu || op === Unary.exp || op === Unary.tanh) {
    const done = op === Unary.gelu ? geluVector(x, out, n) : op === Unary.exp ? expVector(x, out, n) : tanhVector(x, out, n);
    const at = <usize>done << 2;
    if (op === Unary.gelu) unaryLoop(Unary.gelu, x + at, out + at, n - done, p, table);
    else if (op === Unary.exp) unaryLoop(Unary.exp, x + at, out + at, n - done, p, table);
    else unaryLoop(Unary.tanh, x + at, out + at, n - done, p, table);
    return;
  }
  switch (op) {
    case Unary.neg: unaryLoop(Unary.neg, x, out, n, p, table); break;
    case Unary.log: unaryLoop(Unary.log, x, out, n, p, table); break;
    case Unary.sqrt: unaryLoop(Unary.sqrt, x, out, n, p, table); break;
    case Unary.rsqrt: unaryLoop(Unary.rsqrt, x, out, n, p, table); break;
    case Unary.sigmoid: unaryLoop(Unary.sigmoid, x, out, n, p, table); break;
    case Unary.relu: unaryLoop(Unary.relu, x, out, n, p, table); break;
    case Unary.abs: unaryLoop(Unary.abs, x, out, n, p, table); break;
    case Unary.square: unaryLoop(Unary.square, x, out, n, p, table); break;
    case Unary.reciprocal: unaryLoop(Unary.reciprocal, x, out, n, p, table); break;
    case Unary.silu: unaryLoop(Unary.silu, x, out, n, p, table); break;
    default: unaryLoop(Unary.powScalar, x, out, n, p, table);
  }
}

/** out[i] = g[i] * op'(x[i]) given the forward input x and output y. */
export function unaryBackward(op: i32, x: usize, y: usize, g: usize, out: usize, n: i32, p: f64, table: usize): void {
  if (op === Unary.relu) {
    const at = <usize>reluBackwardVector(x, g, out, n) << 2;
    unaryBackwardLoop(Unary.relu, x + at, y + at, g + at, out + at, n - (<i32>at >> 2), p, table);
    return;
  }
  if (op === Unary.gelu) {
    const at = <usize>geluBackwardVector(x, g, out, n) << 2;
    unaryBackwardLoop(Unary.gelu, x + at, y + at, g + at, out + at, n - (<i32>at >> 2), p, table);
    return;
  }
  switch (op) {
    case Unary.neg: unaryBackwardLoop(Unary.neg, x, y, g, out, n, p, table); break;
    case Unary.exp: unaryBackwardLoop(Unary.exp, x, y, g, out, n, p, table); break;
    case Unary.log: unaryBackwardLoop(Unary.log, x, y, g, out, n, p, table); break;
    case Unary.sqrt: unaryBackwardLoop(Unary.sqrt, x, y, g, out, n, p, table); break;
    case Unary.rsqrt: unaryBackwardLoop(Unary.rsqrt, x, y, g, out, n, p, table); break;
    case Unary.tanh: unaryBackwardLoop(Unary.tanh, x, y, g, out, n, p, table); break;
    case Unary.sigmoid: unaryBackwardLoop(Unary.sigmoid, x, y, g, out, n, p, table); break;
    case Unary.relu: unaryBackwardLoop(Unary.relu, x, y, g, out, n, p, table); break;
    case Unary.abs: unaryBackwardLoop(Unary.abs, x, y, g, out, n, p, table); break;
    case Unary.square: unaryBackwardLoop(Unary.square, x, y, g, out, n, p, table); break;
    case Unary.reciprocal: unaryBackwardLoop(Unary.reciprocal, x, y, g, out, n, p, table); break;
    case Unary.silu: unaryBackwardLoop(Unary.silu, x, y, g, out, n, p, table); break;
    default: unaryBackwardLoop(Unary.powScalar, x, y, g, out, n, p, table);
  }
}

/** Zeroes `bytes` at `at` (fresh tensor storage; a memset, where a JavaScript fill of shared memory is not). */
export function zero(at: usize, bytes: usize): void {
  memory.fill(at, 0, bytes);
}

@inline
function combine(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case Binary.add: return f32x4.add(a, b);
    case Binary.sub: return f32x4.sub(a, b);
    case Binary.mul: return f32x4.mul(a, b);
    default: return f32x4.div(a, b);
  }
}

@inline
function combineScalar(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case Binary.add: return a + b;
    case Binary.sub: return a - b;
    case Binary.mul: return a * b;
    default: return a / b;
  }
}

/**
 * One row of `cols` results from a and b read with element strides as and bs. The common layouts (both
 * contiguous; one a broadcast scalar along the row) run four lanes at a time.
 */
function binaryRow(op: i32, a: usize, as: i32, b: usize, bs: i32, out: usize, cols: i32): void {
  let j = 0;
  if (as === 1 && bs === 1) {
    for (; j + 4 <= cols; j += 4) {
      const at = <usize>j << 2;
      v128.store(out + at, combine(op, v128.load(a + at), v128.load(b + at)));
    }
  } else if (as === 1 && bs === 0) {
    const bv = v128.load32_splat(b);
    for (; j + 4 <= cols; j += 4) {
      const at = <usize>j << 2;
      v128.store(out + at, combine(op, v128.load(a + at), bv));
    }
  } else if (as === 0 && bs === 1) {
    const av = v128.load32_splat(a);
    for (; j + 4 <= cols; j += 4) {
      const at = <usize>j << 2;
      v128.store(out + at, combine(op, av, v128.load(b + at)));
    }
  }
  for (; j < cols; j++) {
    store<f32>(out + (<usize>j << 2), combineScalar(op, load<f32>(a + (<usize>(j * as) << 2)), load<f32>(b + (<usize>(j * bs) << 2))));
  }
}

// The strided kernels read an i32 `layout` block: the shape, the first operand's strides, the second's
// (elements; 0 on broadcast dims), then room for ndim counters and the two row starts the walk keeps.

/** Starts a walk over the rows (last axis) of the layout's shape at `first` and `second`; returns the row count. */
@inline
function rowCount(ndim: i32, layout: usize, first: usize, second: usize): i32 {
  const counter = layout + (<usize>(3 * ndim) << 2);
  let rows = 1;
  for (let d = 0; d < ndim - 1; d++) {
    rows *= load<i32>(layout + (<usize>d << 2));
    store<i32>(counter + (<usize>d << 2), 0);
  }
  const cursor = counter + (<usize>ndim << 2);
  store<u32>(cursor, <u32>first);
  store<u32>(cursor, <u32>second, 4);
  return rows;
}

/** Steps the two row starts at the layout's cursor to the next row (an odometer over the leading dims). */
function nextRow(ndim: i32, layout: usize): void {
  const counter = layout + (<usize>(3 * ndim) << 2);
  const cursor = counter + (<usize>ndim << 2);
  for (let d = ndim - 2; d >= 0; d--) {
    const at = <usize>d << 2;
    const count = load<i32>(counter + at) + 1;
    const firstStep = load<u32>(layout + (<usize>ndim << 2) + at) << 2;
    const secondStep = load<u32>(layout + (<usize>(2 * ndim) << 2) + at) << 2;
    if (count < load<i32>(layout + at)) {
      store<i32>(counter + at, count);
      store<u32>(cursor, load<u32>(cursor) + firstStep);
      store<u32>(cursor, load<u32>(cursor, 4) + secondStep, 4);
      return;
    }
    store<i32>(counter + at, 0);
    store<u32>(cursor, load<u32>(cursor) - firstStep * <u32>(count - 1));
    store<u32>(cursor, load<u32>(cursor, 4) - secondStep * <u32>(count - 1), 4);
  }
}

/** The last dim's entry of a layout block: 0 the shape, 1 the first operand's strides, 2 the second's. */
@inline
function lastOf(ndim: i32, layout: usize, block: i32): i32 {
  return load<i32>(layout + (<usize>(block * ndim + ndim - 1) << 2));
}

/** out (dense) = a op b over a shape of `ndim` dims with broadcasting; `layout` as rowCount says. */
export function binary(op: i32, ndim: i32, layout: usize, a: usize, b: usize, out: usize): void {
  const cols = lastOf(ndim, layout, 0);
  const as = lastOf(ndim, layout, 1);
  const bs = lastOf(ndim, layout, 2);
  const rows = rowCount(ndim, layout, a, b);
  const cursor = layout + (<usize>(4 * ndim) << 2);
  for (let row = 0; row < rows; row++) {
    binaryRow(op, load<u32>(cursor), as, load<u32>(cursor, 4), bs, out + (<usize>(row * cols) << 2), cols);
    nextRow(ndim, layout);
  }
}

/** dst = src over a shape of `ndim` dims, both strided; `layout` as rowCount says (src first). */
export function copyStrided(ndim: i32, layout: usize, src: usize, dst: usize): void {
  const cols = lastOf(ndim, layout, 0);
  const ss = lastOf(ndim, layout, 1);
  const ds = lastOf(ndim, layout, 2);
  const rows = rowCount(ndim, layout, src, dst);
  const cursor = layout + (<usize>(4 * ndim) << 2);
  for (let row = 0; row < rows; row++) {
    const from: usize = load<u32>(cursor);
    const to: usize = load<u32>(cursor, 4);
    if (ss === 1 && ds === 1) {
      memory.copy(to, from, <usize>cols << 2);
    } else {
      for (let j = 0; j < cols; j++) store<f32>(to + (<usize>(j * ds) << 2), load<f32>(from + (<usize>(j * ss) << 2)));
    }
    nextRow(ndim, layout);
  }
}
