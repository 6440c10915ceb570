// The elementwise kernels: functions of one tensor, of two with broadcasting, a choice between two, a strided copy.
import { attribute, declareBackwardKernel, declareKernel, input, optionalAttribute, output, outView, view } from '../kernel.js';
import type { UnaryOp } from './unaryOps.js';

export type { UnaryOp } from './unaryOps.js';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** out[i] = f(x[i]); `pow` by a scalar exponent is op 'powScalar' with `scalar` the exponent. */
export const unary = declareKernel({ op: attribute<UnaryOp>(), x: input, out: output, scalar: optionalAttribute<number>() });
/** out[i] = g[i] * f'(x[i]), given the forward input x and output y (whichever is cheaper to use). */
export const unaryBackward = declareBackwardKernel(
  { op: attribute<UnaryOp>(), x: input, y: input, g: input, out: output, scalar: optionalAttribute<number>() });

/** Broadcast elementwise binary op over `shape`; `out` is dense. */
export const binary = declareKernel({ op: attribute<BinaryOp>(), shape: attribute<readonly number[]>(), a: view, b: view, out: output });
/** out = cond ? a : b elementwise over `shape` with broadcasting; `out` is dense. */
export const where = declareKernel({ shape: attribute<readonly number[]>(), cond: view, a: view, b: view, out: output });
/** Copies a strided view of `shape` into another strided view (contiguous() and slice backward use it). */
export const copy = declareKernel({ shape: attribute<readonly number[]>(), src: view, dst: outView });
