// AssemblyScript: compiled to WebAssembly with 128-bit SIMD by `npm run build:wasm`.
// C (M x N) = A (M x K) @ B, with A dense row-major and B packed by the caller into panels of
// 8 columns: panel j holds B[k, 8j .. 8j+7] for k = 0..K-1 contiguously (zero-padded past N).
// Reading B panel by panel is sequential, and blocking over K keeps a panel slice and four rows
// of A in L1 while a 4 x 8 tile of C accumulates in eight f32x4 registers.

const KC: i32 = 256;

/** C[m..m+rows, n..n+cols] (+)= A[m.., k0..k0+kc] @ panel slice, for rows <= 4 and cols <= 8. */
@inline
function tile(a: usize, K: i32, panel: usize, kc: i32, c: usize, N: i32, rows: i32, cols: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const rowStride = <usize>K << 2;
  // Rows past the edge read row 0 again (always valid memory); their results are never stored.
  const r1: usize = rows > 1 ? rowStride : 0;
  const r2: usize = rows > 2 ? rowStride * 2 : 0;
  const r3: usize = rows > 3 ? rowStride * 3 : 0;
  let ap = a;
  let bp = panel;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = f32x4.splat(load<f32>(ap));
    const a1 = f32x4.splat(load<f32>(ap + r1));
    const a2 = f32x4.splat(load<f32>(ap + r2));
    const a3 = f32x4.splat(load<f32>(ap + r3));
    c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    ap += 4;
    bp += 32;
  }
  storeRow(c, c00, c01, cols, accumulate);
  if (rows > 1) storeRow(c + (<usize>N << 2), c10, c11, cols, accumulate);
  if (rows > 2) storeRow(c + (<usize>(2 * N) << 2), c20, c21, cols, accumulate);
  if (rows > 3) storeRow(c + (<usize>(3 * N) << 2), c30, c31, cols, accumulate);
}

/** Writes (or adds) the first `cols` of eight lanes to a row of C. */
@inline
function storeRow(c: usize, lo: v128, hi: v128, cols: i32, accumulate: bool): void {
  if (cols === 8) {
    if (accumulate) {
      lo = f32x4.add(lo, v128.load(c));
      hi = f32x4.add(hi, v128.load(c, 16));
    }
    v128.store(c, lo);
    v128.store(c, hi, 16);
    return;
  }
  for (let j = 0; j < cols; j++) {
    const v: f32 = j < 4 ? laneOf(lo, j) : laneOf(hi, j - 4);
    const p = c + (<usize>j << 2);
    store<f32>(p, accumulate ? load<f32>(p) + v : v);
  }
}

@inline
function laneOf(v: v128, j: i32): f32 {
  if (j === 0) return f32x4.extract_lane(v, 0);
  if (j === 1) return f32x4.extract_lane(v, 1);
  if (j === 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

export function sgemm(a: usize, packedB: usize, c: usize, M: i32, N: i32, K: i32): void {
  const panels = (N + 7) >> 3;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let j = 0; j < panels; j++) {
      const panel = packedB + (<usize>((j * K + k0) * 8) << 2);
      const cols = min(8, N - j * 8);
      for (let m = 0; m < M; m += 4) {
        tile(a + (<usize>(m * K + k0) << 2), K, panel, kc, c + (<usize>(m * N + j * 8) << 2), N, min(4, M - m), cols, k0 > 0);
      }
    }
  }
}
