// What the row kernels share: one workgroup per row, its threads combining partial results in workgroup memory.
import { EXP, WORKGROUP, bindings } from './common.js';

/**
 * Row kernels: one workgroup per row of a dense (rows, cols) array, its WORKGROUP threads striding over the
 * columns and combining their partial results through workgroup memory. Row r is workgroup
 * (r % nwg.x, r / nwg.x), so more rows than one grid dimension holds still fit.
 */
export const ROW_FUNCTIONS = `${EXP}
var<workgroup> scratch: array<f32, ${WORKGROUP}>;
const LOWEST = -3.4028234e38f;
fn combine(v: f32, t: u32, isMax: bool) -> f32 {
  scratch[t] = v;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { scratch[t] = select(scratch[t] + scratch[t + s], max(scratch[t], scratch[t + s]), isMax); }
    workgroupBarrier();
  }
  let r = scratch[0];
  workgroupBarrier();
  return r;
}
fn rowSum(v: f32, t: u32) -> f32 { return combine(v, t, false); }
fn rowMax(v: f32, t: u32) -> f32 { return combine(v, t, true); }
fn pf(i: u32) -> f32 { return bitcast<f32>(p[i]); }`;

/** A row's largest element m and its sum of exp(x - m), the two passes of a stable softmax over `xs`. */
export const MAX_AND_SUM_EXP = `
fn maxAndSumExp(base: u32, cols: u32, t: u32) -> vec2<f32> {
  var m = LOWEST;
  for (var c = t; c < cols; c += ${WORKGROUP}u) { m = max(m, xs[base + c]); }
  m = rowMax(m, t);
  var s = 0.0;
  for (var c = t; c < cols; c += ${WORKGROUP}u) { s += exp_(xs[base + c] - m); }
  return vec2<f32>(m, rowSum(s, t));
}`;

/** A row kernel over `xs` with these arrays, from the point where its max m and sum s of exp(x - m) are known. */
export const withRowStats = (...arrays: string[]) => `${bindings(...arrays)}
${ROW_FUNCTIONS}
${MAX_AND_SUM_EXP}
${ROW_ENTRY}
  let stats = maxAndSumExp(base, cols, t);
  let m = stats.x;
  let s = stats.y;`;

export const ROW_ENTRY = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wg.y * nwg.x + wg.x;
  let t = lid.x;
  let cols = p[1];
  if (row >= p[0]) { return; }
  let base = row * cols;`;
