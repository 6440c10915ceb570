// Every function of one tensor, in one table: its formula in TypeScript (the reference backend's, in float64) and in
// WGSL (the WebGPU shader's, in float32), with the derivative both use for a fused backward kernel where one is given.
// The WebAssembly builds compute the same functions in assembly/elementwise.ts, whose op codes the build generates.
import { erf } from '../reference/erf.js';

/** One unary function: y = f(x, s), s a scalar (powScalar's exponent), and optionally dy/dx from x, y and s. */
interface UnaryFormula {
  readonly f: (x: number, s: number) => number;
  readonly wgsl: string;
  /** The derivative a fused backward kernel multiplies the upstream gradient by; without one, the op's gradient rule runs. */
  readonly df?: (x: number, y: number, s: number) => number;
  readonly wgslDf?: string;
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** In WGSL, x is the input, y the output, s the scalar; exp_, tanh_, erf_, sincos_ and pow_ are common.ts's float32 functions. */
export const UNARY_OPS = {
  neg: { f: (x) => -x, wgsl: '-x', df: () => -1, wgslDf: '-1.0' },
  exp: { f: Math.exp, wgsl: 'exp_(x)', df: (_x, y) => y, wgslDf: 'y' },
  log: { f: Math.log, wgsl: 'log(x)', df: (x) => 1 / x, wgslDf: '1.0 / x' },
  sqrt: { f: Math.sqrt, wgsl: 'sqrt(x)', df: (_x, y) => 0.5 / y, wgslDf: '0.5 / y' },
  rsqrt: { f: (x) => 1 / Math.sqrt(x), wgsl: 'inverseSqrt(x)', df: (x, y) => (-0.5 * y) / x, wgslDf: '-0.5 * y / x' },
  tanh: { f: Math.tanh, wgsl: 'tanh_(x)', df: (_x, y) => 1 - y * y, wgslDf: '1.0 - y * y' },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), wgsl: '1.0 / (1.0 + exp_(-x))', df: (_x, y) => y * (1 - y), wgslDf: 'y * (1.0 - y)' },
  relu: { f: (x) => (x > 0 ? x : 0), wgsl: 'select(0.0, x, x > 0.0)', df: (x) => (x > 0 ? 1 : 0), wgslDf: 'select(0.0, 1.0, x > 0.0)' },
  gelu: {
    f: (x) => 0.5 * x * (1 + erf(x * SQRT1_2)),
    wgsl: '0.5 * x * (1.0 + erf_(x * 0.70710678118654752))',
    df: (x) => 0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
    wgslDf: '0.5 * (1.0 + erf_(x * 0.70710678118654752)) + x * 0.39894228040143268 * exp_(-0.5 * x * x)',
  },
  abs: { f: Math.abs, wgsl: 'abs(x)', df: (x) => Math.sign(x), wgslDf: 'sign(x)' },
  sin: { f: Math.sin, wgsl: 'sincos_(x, false)', df: (x) => Math.cos(x), wgslDf: 'sincos_(x, true)' },
  cos: { f: Math.cos, wgsl: 'sincos_(x, true)', df: (x) => -Math.sin(x), wgslDf: '-sincos_(x, false)' },
  square: { f: (x) => x * x, wgsl: 'x * x', df: (x) => 2 * x, wgslDf: '2.0 * x' },
  reciprocal: { f: (x) => 1 / x, wgsl: '1.0 / x', df: (_x, y) => -y * y, wgslDf: '-y * y' },
  erf: { f: erf, wgsl: 'erf_(x)', df: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x), wgslDf: '1.1283791670955126 * exp_(-x * x)' },
  /** SiLU (swish): x sigmoid(x), with derivative s (1 + x (1 - s)) for s = sigmoid(x). */
  silu: {
    f: (x) => x / (1 + Math.exp(-x)), wgsl: 'x / (1.0 + exp_(-x))',
    df: (x) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 + x * (1 - s)); },
    wgslDf: '(1.0 / (1.0 + exp_(-x))) * (1.0 + x * (1.0 - 1.0 / (1.0 + exp_(-x))))',
  },
  powScalar: {
    f: (x, p) => Math.pow(x, p), wgsl: 'pow_(x, s)',
    df: (x, _y, p) => (p === 0 ? 0 : p * Math.pow(x, p - 1)), wgslDf: 'select(s * pow_(x, s - 1.0), 0.0, s == 0.0)',
  },
} satisfies Record<string, UnaryFormula>;

/** The unary functions, by name (powScalar is `pow` by a constant exponent). */
export type UnaryOp = keyof typeof UNARY_OPS;

/** The formula of `op`, its derivative optional. */
export const unaryFormula = (op: UnaryOp): UnaryFormula => UNARY_OPS[op];
