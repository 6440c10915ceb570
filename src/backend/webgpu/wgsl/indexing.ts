import { FLAT_INDEX, PARAMS, WORKGROUP } from './common.js';

/**
 * Adds v into a float stored as u32 bits by compare-and-swap, WGSL having no atomic float add: two threads
 * adding to one element (an embedding row used twice in a batch) both land, in either order.
 */
const ATOMIC_ADD = `
fn atomicAddF32(at: u32, v: f32) {
  var old = atomicLoad(&out[at]);
  loop {
    let swapped = atomicCompareExchangeWeak(&out[at], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (swapped.exchanged) { break; }
    old = swapped.old_value;
  }
}`;

/** out[i, :] = src[indices[i], :]; p = [count, rowSize]. */
export function indexSelectShader(type: 'f32' | 'i32'): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> src: array<${type}>;
@group(0) @binding(2) var<storage, read> indices: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${type}>;
${FLAT_INDEX}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  let rowSize = p[1];
  if (i >= p[0] * rowSize) { return; }
  out[i] = src[u32(indices[i / rowSize]) * rowSize + i % rowSize];
}`;
}

/** out[indices[i], :] += g[i, :]; p = [count, rowSize]. */
export function indexAddShader(): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> gs: array<f32>;
@group(0) @binding(2) var<storage, read> indices: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<atomic<u32>>;
${FLAT_INDEX}
${ATOMIC_ADD}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  let rowSize = p[1];
  if (i >= p[0] * rowSize) { return; }
  atomicAddF32(u32(indices[i / rowSize]) * rowSize + i % rowSize, gs[i]);
}`;
}

/** out[o, j, i] = x[o, index[o, j, i], i] over (outer, m, inner); p = [outer, n, m, inner]. */
export function gatherShader(type: 'f32' | 'i32'): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> xs: array<${type}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${type}>;
${FLAT_INDEX}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  let inner = p[3];
  let m = p[2];
  if (i >= p[0] * m * inner) { return; }
  let o = i / (m * inner);
  out[i] = xs[(o * p[1] + u32(index[i])) * inner + i % inner];
}`;
}

/** out[o, index[o, j, i], i] += g[o, j, i]; p = [outer, n, m, inner]. */
export function scatterAddShader(): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> gs: array<f32>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<atomic<u32>>;
${FLAT_INDEX}
${ATOMIC_ADD}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  let inner = p[3];
  let m = p[2];
  if (i >= p[0] * m * inner) { return; }
  let o = i / (m * inner);
  atomicAddF32((o * p[1] + u32(index[i])) * inner + i % inner, gs[i]);
}`;
}
