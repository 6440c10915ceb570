// Axis reductions.
import { attribute, declareKernel, input, optionalIndicesOut, output } from '../kernel.js';

export type ReduceOp = 'sum' | 'max' | 'min';

/**
 * Reduces the middle axis of a dense x viewed as (outer, n, inner) into out (outer, inner). For max/min, `argOut`
 * receives the winning position along the axis (the first one on ties).
 */
export const reduce = declareKernel({
  op: attribute<ReduceOp>(), x: input, outer: attribute<number>(), n: attribute<number>(), inner: attribute<number>(),
  out: output, argOut: optionalIndicesOut,
});
