// What the row kernels share: a workgroup per long row, its threads combining partial results in workgroup
// memory; a thread per short row, with no workgroup memory and no barriers.
import type { WebGPUKernels } from '../kernels.js';
import type { GPUTensor } from '../buffers.js';
import { EXP, WORKGROUP, bindings, rowGrid } from './common.js';

/**
 * Rows of at most this many columns get a thread each. A workgroup of 256 threads on a row of 8 (attention over a
 * block of 8) leaves most threads idle through eight barriers; on SwiftShader, where a barrier switches every
 * invocation of the workgroup, the tiny GPT's row kernels took a third of its step that way.
 */
export const SHORT_ROW = 128;
/** Threads per workgroup when each thread owns a row. */
const ROWS_PER_GROUP = 64;

/** Threads per row for rows of `cols` columns: 1, or a workgroup of WORKGROUP. */
export const rowThreads = (cols: number): number => (cols <= SHORT_ROW ? 1 : WORKGROUP);

/**
 * Row kernels: `w` threads per row of a dense (rows, cols) array, each striding over the columns by `w`; with a
 * workgroup per row (w = WORKGROUP) they combine their partial results through workgroup memory. Row r is workgroup
 * (r % nwg.x, r / nwg.x), so more rows than one grid dimension holds still fit.
 */
export const rowFunctions = (w: number) => `${EXP}
const LOWEST = -3.4028234e38f;
${w === 1 ? 'fn combine(v: f32, t: u32, isMax: bool) -> f32 { return v; }' : `var<workgroup> scratch: array<f32, ${w}>;
fn combine(v: f32, t: u32, isMax: bool) -> f32 {
  scratch[t] = v;
  workgroupBarrier();
  for (var s = ${w / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { scratch[t] = select(scratch[t] + scratch[t + s], max(scratch[t], scratch[t + s]), isMax); }
    workgroupBarrier();
  }
  let r = scratch[0];
  workgroupBarrier();
  return r;
}`}
fn rowSum(v: f32, t: u32) -> f32 { return combine(v, t, false); }
fn rowMax(v: f32, t: u32) -> f32 { return combine(v, t, true); }
fn pf(i: u32) -> f32 { return bitcast<f32>(p[i]); }`;

/** The workgroup-per-row functions, for kernels with their own entry point (BatchNorm's per-feature ones). */
export const ROW_FUNCTIONS = rowFunctions(WORKGROUP);

/** A row's largest element m and its sum of exp(x - m), the two passes of a stable softmax over `xs`. */
export const maxAndSumExp = (w: number) => `
fn maxAndSumExp(base: u32, cols: u32, t: u32) -> vec2<f32> {
  var m = LOWEST;
  for (var c = t; c < cols; c += ${w}u) { m = max(m, xs[base + c]); }
  m = rowMax(m, t);
  var s = 0.0;
  for (var c = t; c < cols; c += ${w}u) { s += exp_(xs[base + c] - m); }
  return vec2<f32>(m, rowSum(s, t));
}`;

/** A row kernel over `xs` with these arrays, from the point where its max m and sum s of exp(x - m) are known. */
export const withRowStats = (w: number, ...arrays: string[]) => `${bindings(...arrays)}
${rowFunctions(w)}
${maxAndSumExp(w)}
${rowEntry(w)}
  let stats = maxAndSumExp(base, cols, t);
  let m = stats.x;
  let s = stats.y;`;

/** The entry point of a row kernel with `w` threads per row: `row`, its first element `base`, the thread's `t`. */
export const rowEntry = (w: number) => (w === 1 ? `@compute @workgroup_size(${ROWS_PER_GROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.y * nwg.x * ${ROWS_PER_GROUP}u + gid.x;
  let t = 0u;` : `@compute @workgroup_size(${w})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wg.y * nwg.x + wg.x;
  let t = lid.x;`) + `
  let cols = p[1];
  if (row >= p[0]) { return; }
  let base = row * cols;`;

/**
 * Dispatches row kernel `key` over `rows` rows of `cols` (p[0] and p[1] of `params`), its shader written for the
 * threads per row those columns get; each width is its own pipeline.
 */
export function rowDispatch(gpu: WebGPUKernels, key: string, shader: (w: number) => string, params: readonly number[],
  buffers: readonly GPUTensor[], rows: number, cols: number): void {
  const w = rowThreads(cols);
  const groups = w === 1 ? rowGrid(Math.ceil(rows / ROWS_PER_GROUP)) : rowGrid(rows);
  gpu.dispatch(`${key}:${w}`, () => shader(w), params, buffers, groups);
}
