// The WebGPU batched matrix product, register-tiled: every thread a 4 x 4 block of C, for every transposed and strided layout.
import type { GPUFamily } from '../kernels.js';
import { bindings } from './common.js';

/** Rows of K each tile step loads into workgroup memory. */
const K_STEP = 16;

/**
 * The output tile of one workgroup for an (M x N) product: 64 x 64 for large matrices, 32 or 16 for small ones (a
 * block of 8 x 8 attention scores in a 64 x 64 tile would leave 60 of 64 threads with nothing to compute).
 */
export function matmulTile(M: number, N: number): 16 | 32 | 64 {
  const side = Math.min(M, N);
  return side <= 16 ? 16 : side <= 32 ? 32 : 64;
}

/**
 * Batched C = A B, a workgroup per `tile` x `tile` block of C, its (tile/4)^2 threads each accumulating a 4 x 4 block
 * in registers: per step of K, one vec4 of A's column and one of B's row from workgroup memory, four vec4 fmas.
 * A stored as its transpose (transA) or not, likewise B, each with its row stride (lda, ldb) and a per-batch element
 * offset, the layouts the WebAssembly backend's sgemm takes. p = [M, N, K, lda, ldb, transA, transB]; offsets =
 * [aOffset, bOffset] per batch; workgroup z is the batch. Edges cost only bounds checks: loads past M, N or K read
 * zeros and stores past M or N are skipped, so any size takes the same path.
 */
export function matmulShader(tile: number): string {
  const threads = tile / 4;
  const loads = (tile * K_STEP) / (threads * threads);
  return `${bindings('offsets: u32', 'A: f32', 'B: f32', 'C: f32!')}

// As[k][m / 4][m % 4]: a K_STEP x tile slice of A, stored k-major so a thread's four rows are one vec4; Bs likewise.
var<workgroup> As: array<array<vec4<f32>, ${threads}>, ${K_STEP}>;
var<workgroup> Bs: array<array<vec4<f32>, ${threads}>, ${K_STEP}>;

// A branch, not select(): select would load from both layouts. Every thread takes the same one (p is uniform).
fn loadA(base: u32, m: u32, k: u32) -> f32 {
  if (m >= p[0] || k >= p[2]) { return 0.0; }
  if (p[5] == 1u) { return A[base + k * p[3] + m]; }
  return A[base + m * p[3] + k];
}
fn loadB(base: u32, k: u32, n: u32) -> f32 {
  if (k >= p[2] || n >= p[1]) { return 0.0; }
  if (p[6] == 1u) { return B[base + n * p[4] + k]; }
  return B[base + k * p[4] + n];
}

@compute @workgroup_size(${threads}, ${threads})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = p[0];
  let N = p[1];
  let K = p[2];
  let batch = wg.z;
  let aBase = offsets[2u * batch];
  let bBase = offsets[2u * batch + 1u];
  let row0 = wg.y * ${tile}u;
  let col0 = wg.x * ${tile}u;
  let t = lid.y * ${threads}u + lid.x;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < K; k0 += ${K_STEP}u) {
    // Neighbouring threads load neighbouring addresses: along k for A as stored, along m for A transposed.
    for (var e = 0u; e < ${loads}u; e++) {
      let idx = t + e * ${threads * threads}u;
      var r = idx / ${K_STEP}u;
      var c = idx % ${K_STEP}u;
      if (p[5] == 1u) {
        r = idx % ${tile}u;
        c = idx / ${tile}u;
      }
      As[c][r / 4u][r % 4u] = loadA(aBase, row0 + r, k0 + c);
      var br = idx / ${tile}u;
      var bc = idx % ${tile}u;
      if (p[6] == 1u) {
        br = idx % ${K_STEP}u;
        bc = idx / ${K_STEP}u;
      }
      Bs[br][bc / 4u][bc % 4u] = loadB(bBase, k0 + br, col0 + bc);
    }
    workgroupBarrier();
    for (var k = 0u; k < ${K_STEP}u; k++) {
      let a = As[k][lid.y];
      let b = Bs[k][lid.x];
      acc[0] = fma(vec4<f32>(a.x), b, acc[0]);
      acc[1] = fma(vec4<f32>(a.y), b, acc[1]);
      acc[2] = fma(vec4<f32>(a.z), b, acc[2]);
      acc[3] = fma(vec4<f32>(a.w), b, acc[3]);
    }
    workgroupBarrier();
  }
  let cBase = batch * M * N;
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + lid.y * 4u + i;
    if (m >= M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + lid.x * 4u + j;
      if (n < N) { C[cBase + m * N + n] = acc[i][j]; }
    }
  }
}`;
}

export const matmul = {
  matmul(gpu, { spec, a, b, out }) {
    const { batch, M, N, K } = spec;
    if (!batch || !M || !N) return;
    const offsets = new Uint32Array(2 * batch);
    for (let i = 0; i < batch; i++) {
      offsets[2 * i] = spec.aOffsets[i];
      offsets[2 * i + 1] = spec.bOffsets[i];
    }
    const offsetBuffer = gpu.smallArray(offsets);
    const tile = matmulTile(M, N);
    gpu.dispatch(`matmul:${tile}`, () => matmulShader(tile), [M, N, K, spec.lda, spec.ldb, +spec.transA, +spec.transB], [offsetBuffer, a, b, out],
      [Math.ceil(N / tile), Math.ceil(M / tile), batch]);
  },
} satisfies GPUFamily;
