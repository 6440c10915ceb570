// The WebGPU axis reductions: one thread per output, Kahan-compensated sums, first-winner max and min.
import type { ReduceOp } from '../../kernels/reduce.js';
import type { GPUFamily } from '../kernels.js';
import { bindings, elementEntry, grid, wgslType } from './common.js';

/**
 * Reduces the middle axis of (outer, n, inner) with one thread per output, walking n in order. A float sum
 * carries Kahan's compensation, standing in for the reference backend's float64 accumulator (WGSL has no
 * f64); max and min keep the first winner on ties and stop at a NaN, as PyTorch does. p = [outer, n, inner].
 */
export function reduceShader(op: ReduceOp, type: 'f32' | 'i32', withArg: boolean): string {
  const isNan = type === 'f32' ? 'fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }' : 'fn isnan_(x: i32) -> bool { return false; }';
  const body = op === 'sum'
    ? (type === 'f32'
      ? `var acc = 0.0;
  var carry = 0.0;
  for (var j = 0u; j < n; j++) {
    let y = xs[base + j * inner] - carry;
    let t = acc + y;
    carry = (t - acc) - y;
    acc = t;
  }`
      : `var acc = 0;
  for (var j = 0u; j < n; j++) { acc += xs[base + j * inner]; }`)
    : `var acc = xs[base];
  var arg = 0;
  for (var j = 1u; j < n && !isnan_(acc); j++) {
    let v = xs[base + j * inner];
    if (v ${op === 'max' ? '>' : '<'} acc || isnan_(v)) {
      acc = v;
      arg = i32(j);
    }
  }
  ${withArg ? 'args[i] = arg;' : ''}`;
  return `${bindings(`xs: ${type}`, `out: ${type}!`, ...(withArg ? ['args: i32!'] : []))}
${isNan}
${elementEntry('p[0] * p[2]')}
  let n = p[1];
  let inner = p[2];
  let base = (i / inner) * n * inner + i % inner;
  ${body}
  out[i] = acc;
}`;
}

export const reduce = {
  reduce(gpu, { op, x, outer, n, inner, out, argOut }) {
    if (!out.length) return;
    const type = wgslType(x.dtype);
    const buffers = argOut ? [x, out, argOut] : [x, out];
    gpu.dispatch(`reduce:${op}:${type}:${!!argOut}`, () => reduceShader(op, type, !!argOut), [outer, n, inner], buffers, grid(outer * inner));
  },
} satisfies GPUFamily;
