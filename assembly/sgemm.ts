// AssemblyScript: compiled to WebAssembly with 128-bit SIMD by `npm run build:wasm`.
// C (M x N) = A (M x K) @ B (K x N), all row-major float32 and dense; the JS side packs
// transposed or strided operands into this layout before calling.

/** A register tile of 4 rows x 8 columns of C: 8 f32x4 accumulators, each B vector reused 4 times. */
@inline
function tile4x8(a: usize, b: usize, c: usize, N: i32, K: i32, m: i32, n: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const rowStride = <usize>K << 2;
  let ap = a + (<usize>(m * K) << 2);
  let bp = b + (<usize>n << 2);
  const bStride = <usize>N << 2;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = f32x4.splat(load<f32>(ap));
    const a1 = f32x4.splat(load<f32>(ap + rowStride));
    const a2 = f32x4.splat(load<f32>(ap + 2 * rowStride));
    const a3 = f32x4.splat(load<f32>(ap + 3 * rowStride));
    c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    ap += 4;
    bp += bStride;
  }
  const cp = c + (<usize>(m * N + n) << 2);
  const cRow = <usize>N << 2;
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + cRow, c10); v128.store(cp + cRow, c11, 16);
  v128.store(cp + 2 * cRow, c20); v128.store(cp + 2 * cRow, c21, 16);
  v128.store(cp + 3 * cRow, c30); v128.store(cp + 3 * cRow, c31, 16);
}

/** One row of C from column n on: 4 columns per vector, then scalar leftovers. */
@inline
function rowTail(a: usize, b: usize, c: usize, N: i32, K: i32, m: i32, from: i32): void {
  let n = from;
  for (; n + 4 <= N; n += 4) {
    let acc = f32x4.splat(0);
    for (let k = 0; k < K; k++) {
      acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(a + (<usize>(m * K + k) << 2))), v128.load(b + (<usize>(k * N + n) << 2))));
    }
    v128.store(c + (<usize>(m * N + n) << 2), acc);
  }
  for (; n < N; n++) {
    let s: f32 = 0;
    for (let k = 0; k < K; k++) s += load<f32>(a + (<usize>(m * K + k) << 2)) * load<f32>(b + (<usize>(k * N + n) << 2));
    store<f32>(c + (<usize>(m * N + n) << 2), s);
  }
}

export function sgemm(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32): void {
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    let n = 0;
    for (; n + 8 <= N; n += 8) tile4x8(a, b, c, N, K, m, n);
    for (let r = 0; r < 4; r++) rowTail(a, b, c, N, K, m + r, n);
  }
  for (; m < M; m++) rowTail(a, b, c, N, K, m, 0);
}
