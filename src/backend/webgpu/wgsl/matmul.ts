// The WebGPU batched matrix product in shared-memory tiles, for every transposed and strided layout.
import type { GPUFamily } from '../kernels.js';
import { bindings } from './common.js';

/** Output tile of one workgroup: TILE x TILE, each of its 16 x 16 threads computing a 4 x 4 block. */
export const TILE = 64;
const K_STEP = 16;

/**
 * Batched C = A B in shared-memory tiles. A stored as its transpose (transA) or not, likewise B, each with its
 * row stride (lda, ldb) and a per-batch element offset, the layouts the WebAssembly backend's sgemm takes.
 * p = [M, N, K, lda, ldb, transA, transB]; offsets = [aOffset, bOffset] per batch; workgroup z is the batch.
 * Each K step loads a 64 x 16 slice of A and a 16 x 64 slice of B (zeros past the edges, so any size works).
 */
export function matmulShader(): string {
  return `${bindings('offsets: u32', 'A: f32', 'B: f32', 'C: f32!')}

var<workgroup> As: array<array<f32, ${TILE}>, ${K_STEP}>;
var<workgroup> Bs: array<array<f32, ${TILE}>, ${K_STEP}>;

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

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = p[0];
  let N = p[1];
  let K = p[2];
  let batch = wg.z;
  let aBase = offsets[2u * batch];
  let bBase = offsets[2u * batch + 1u];
  let row0 = wg.y * ${TILE}u;
  let col0 = wg.x * ${TILE}u;
  let t = lid.y * 16u + lid.x;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < K; k0 += ${K_STEP}u) {
    // 256 threads load 1,024 elements of each slice: four apiece.
    for (var e = 0u; e < 4u; e++) {
      let idx = t * 4u + e;
      let r = idx / ${K_STEP}u;
      let c = idx % ${K_STEP}u;
      As[c][r] = loadA(aBase, row0 + r, k0 + c);
      let br = idx / ${TILE}u;
      let bc = idx % ${TILE}u;
      Bs[br][bc] = loadB(bBase, k0 + br, col0 + bc);
    }
    workgroupBarrier();
    for (var k = 0u; k < ${K_STEP}u; k++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        a[i] = As[k][lid.y + 16u * i];
        b[i] = Bs[k][lid.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }
  let cBase = batch * M * N;
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + lid.y + 16u * i;
    if (m >= M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + lid.x + 16u * j;
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
    gpu.dispatch('matmul', matmulShader, [M, N, K, spec.lda, spec.ldb, +spec.transA, +spec.transB], [offsetBuffer, a, b, out],
      [Math.ceil(N / TILE), Math.ceil(M / TILE), batch]);
  },
} satisfies GPUFamily;
