// AssemblyScript: compiled to WebAssembly with 128-bit SIMD by `npm run build:wasm`.
// C (M x N) = A (M x K) @ B with both operands packed by the caller:
// - A in micro-panels of MR = 4 rows: panel i holds A[4i .. 4i+3, k] for k = 0..K-1, four floats per k
//   (rows past M are zero), so the kernel reads A sequentially;
// - B in panels of NR = 8 columns: panel j holds B[k, 8j .. 8j+7] for k = 0..K-1 (zero past N).
// A 4 x 8 tile of C accumulates in eight f32x4 registers, so each pair of B loads feeds eight multiply-adds.
// Why not the 6 x 8 tile x64's sixteen vector registers seem to allow: V8 keeps one as scratch, so its fifteen
// live values spill, and it ran at half this tile's speed (25 against 51 GFLOP/s at n = 512, one thread).
// Blocking over K (KC) keeps a B panel slice in L1, blocking over M (MC) keeps the A block it meets in L2.

/**
 * a·b + c on four lanes: one fused instruction (f32x4.relaxed_madd) in the relaxed-SIMD build, whose rounding
 * may differ by an ulp, a multiply and an add otherwise (bit for bit what the SIMD128 build always computes).
 */
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

const MR: i32 = 4;
const KC: i32 = 192;
const MC: i32 = 192;

/** C[rows x cols at c] (+)= A micro-panel slice (kc x 4) @ B panel slice (kc x 8, rows depthBytes apart), rows <= 4, cols <= 8. */
@inline
function tile(ap: usize, bp: usize, depthBytes: usize, kc: i32, c: usize, N: i32, rows: i32, cols: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    ap += 16;
    bp += depthBytes;
  }
  const rowBytes = <usize>N << 2;
  storeRow(c, c00, c01, cols, accumulate);
  if (rows > 1) storeRow(c + rowBytes, c10, c11, cols, accumulate);
  if (rows > 2) storeRow(c + rowBytes * 2, c20, c21, cols, accumulate);
  if (rows > 3) storeRow(c + rowBytes * 3, c30, c31, cols, accumulate);
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

/**
 * C = A @ B for the columns of panels [panelStart, panelEnd): a caller splitting N across threads gives
 * each its own panel range, and they write disjoint columns of C. B's panel j starts at b + j * panelBytes
 * and moves `depthBytes` per step along K: packed panels (K * 32, 32), or a row-major B read in place
 * (32, 4 * ldb) when every panel is whole, which saves copying a wide B (a convolution's patches) once more.
 */
export function sgemm(packedA: usize, b: usize, c: usize, M: i32, N: i32, K: i32, panelStart: i32, panelEnd: i32,
  panelBytes: i32, depthBytes: i32): void {
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let m0 = 0; m0 < M; m0 += MC) {
      const mEnd = min(M, m0 + MC);
      for (let j = panelStart; j < panelEnd; j++) {
        const bp = b + <usize>j * panelBytes + <usize>k0 * depthBytes;
        const cols = min(8, N - j * 8);
        for (let m = m0; m < mEnd; m += MR) {
          const ap = packedA + (<usize>(m * K + k0 * MR) << 2);
          tile(ap, bp, depthBytes, kc, c + (<usize>(m * N + j * 8) << 2), N, min(MR, M - m), cols, k0 > 0);
        }
      }
    }
  }
}

/** Depths per block when packing across strided rows: 64 rows of 2048 floats are 512 KiB, this machine's L2. */
const PACK_DEPTH_BLOCK: i32 = 64;

/**
 * Lays a matrix out in the panels sgemm reads: `count` rows (of A) or columns (of B) in groups of
 * `width` (4 for A, 8 for B), each group stored depth-major, `width` values per step along the shared
 * dimension, zero past `count`. Element (i, d) is read from src + 4 * (i * countStep + d * depthStep), so
 * row-major, transposed and strided operands need no copy first.
 */
export function packPanels(src: usize, dst: usize, count: i32, depth: i32, countStep: i32, depthStep: i32, width: i32): void {
  const groupBytes = <usize>(depth * width) << 2;
  if (depthStep === 1) {
    // Each row runs along the depth: a group reads its rows start to end.
    for (let i0 = 0; i0 < count; i0 += width) {
      const filled = min(width, count - i0);
      const from = src + (<usize>(i0 * countStep) << 2);
      const to = dst + <usize>(i0 / width) * groupBytes;
      const done = filled === width ? packAlongDepth(from, to, depth, countStep, width) : 0;
      packDepths(from, to, done, depth, countStep, 1, width, filled);
    }
    return;
  }
  // The depth is the strided direction (A transposed, B row-major): every group reads a short run from each
  // of `depth` rows, so the depths go in blocks whose rows stay in cache while every group takes its run.
  for (let d0 = 0; d0 < depth; d0 += PACK_DEPTH_BLOCK) {
    const d1 = min(depth, d0 + PACK_DEPTH_BLOCK);
    for (let i0 = 0; i0 < count; i0 += width) {
      packDepths(src + (<usize>(i0 * countStep) << 2), dst + <usize>(i0 / width) * groupBytes, d0, d1, countStep, depthStep, width, min(width, count - i0));
    }
  }
}

/** Depths [d0, d1) of one group of `filled` rows (zero up to `width`) into its panel at `to`. */
@inline
function packDepths(from: usize, to: usize, d0: i32, d1: i32, countStep: i32, depthStep: i32, width: i32, filled: i32): void {
  for (let d = d0; d < d1; d++) {
    const base = from + (<usize>(d * depthStep) << 2);
    const out = to + (<usize>(d * width) << 2);
    if (width === 8 && filled === 8 && countStep === 1) {
      // A full group of B's columns in a row-major B: eight consecutive floats.
      v128.store(out, v128.load(base));
      v128.store(out, v128.load(base, 16), 16);
    } else if (width === 4 && filled === 4 && countStep === 1) {
      // A full micro-panel of a transposed A: four consecutive floats.
      v128.store(out, v128.load(base));
    } else {
      for (let i = 0; i < width; i++) store<f32>(out + (<usize>i << 2), i < filled ? load<f32>(base + (<usize>(i * countStep) << 2)) : 0);
    }
  }
}

/**
 * A full group whose rows run along the depth (A row-major, B transposed): four depths of four rows at a
 * time, read as four vectors and transposed in registers, instead of `width` strided loads per depth.
 * Returns the depths done; the caller does the remaining (fewer than four) one by one.
 */
function packAlongDepth(src: usize, dst: usize, depth: i32, countStep: i32, width: i32): i32 {
  const rowBytes = <usize>countStep << 2;
  const stepBytes = <usize>width << 2;
  let d = 0;
  for (; d + 4 <= depth; d += 4) {
    const to = dst + (<usize>(d * width) << 2);
    let i = 0;
    for (; i + 4 <= width; i += 4) {
      const row = src + <usize>i * rowBytes + (<usize>d << 2);
      const r0 = v128.load(row), r1 = v128.load(row + rowBytes), r2 = v128.load(row + rowBytes * 2), r3 = v128.load(row + rowBytes * 3);
      const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const at = to + (<usize>i << 2);
      v128.store(at, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
      v128.store(at + stepBytes, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));
      v128.store(at + stepBytes * 2, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5));
      v128.store(at + stepBytes * 3, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7));
    }
    // Rows left over in a group whose width is not a multiple of four (none of sgemm's).
    for (; i < width; i++) {
      const row = src + <usize>i * rowBytes + (<usize>d << 2);
      for (let j = 0; j < 4; j++) store<f32>(to + <usize>j * stepBytes + (<usize>i << 2), load<f32>(row + (<usize>j << 2)));
    }
  }
  return d;
}

/** Floats of K per block of sgemmNT: 16 rows of A and 150 of B stay in L2 (600 KiB at 1,024). */
const NT_KC: i32 = 1024;

@inline
function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Adds the dot products of A's rows i and B's rows j over [k0, k0 + kc), four lanes at a time (kc a multiple of 4), into C[i, j]. */
@inline
function dot1x1(a: usize, b: usize, c: usize, kc: i32): void {
  let acc = f32x4.splat(0);
  for (let k = 0; k < kc; k += 4) acc = madd(v128.load(a + (<usize>k << 2)), v128.load(b + (<usize>k << 2)), acc);
  store<f32>(c, load<f32>(c) + hsum(acc));
}

/**
 * C (M x N) = A (M x K) @ B^T for row-major A and B (N x K) that share a long K and are small otherwise: a
 * weight's gradient from a convolution's patches, where packing both operands would copy more floats than
 * the product reads. Dot products, two rows of A by four of B at a time (eight accumulators), blocked over K;
 * columns [4 * groupStart, 4 * groupEnd) of C, so threads split N. C is overwritten. K must be a multiple
 * of 4; lda and ldb are the rows' strides in floats.
 */
export function sgemmNT(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, lda: i32, ldb: i32, groupStart: i32, groupEnd: i32): void {
  const jEnd = min(N, 4 * groupEnd);
  for (let i = 0; i < M; i++) memory.fill(c + (<usize>(i * N + 4 * groupStart) << 2), 0, <usize>(jEnd - 4 * groupStart) << 2);
  const aRow = <usize>lda << 2, bRow = <usize>ldb << 2, cRow = <usize>N << 2;
  for (let k0 = 0; k0 < K; k0 += NT_KC) {
    const kc = min(NT_KC, K - k0);
    const kOff = <usize>k0 << 2;
    for (let j = 4 * groupStart; j < jEnd; j += 4) {
      const b0 = b + <usize>j * bRow + kOff;
      let i = 0;
      if (j + 4 <= jEnd) {
        for (; i + 2 <= M; i += 2) {
          const a0 = a + <usize>i * aRow + kOff, a1 = a0 + aRow;
          let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
          let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
          for (let k = 0; k < kc; k += 4) {
            const at = <usize>k << 2;
            const x0 = v128.load(a0 + at), x1 = v128.load(a1 + at);
            let y = v128.load(b0 + at);
            c00 = madd(x0, y, c00); c10 = madd(x1, y, c10);
            y = v128.load(b0 + bRow + at);
            c01 = madd(x0, y, c01); c11 = madd(x1, y, c11);
            y = v128.load(b0 + 2 * bRow + at);
            c02 = madd(x0, y, c02); c12 = madd(x1, y, c12);
            y = v128.load(b0 + 3 * bRow + at);
            c03 = madd(x0, y, c03); c13 = madd(x1, y, c13);
          }
          const r0 = c + <usize>i * cRow + (<usize>j << 2), r1 = r0 + cRow;
          store<f32>(r0, load<f32>(r0) + hsum(c00)); store<f32>(r0, load<f32>(r0, 4) + hsum(c01), 4);
          store<f32>(r0, load<f32>(r0, 8) + hsum(c02), 8); store<f32>(r0, load<f32>(r0, 12) + hsum(c03), 12);
          store<f32>(r1, load<f32>(r1) + hsum(c10)); store<f32>(r1, load<f32>(r1, 4) + hsum(c11), 4);
          store<f32>(r1, load<f32>(r1, 8) + hsum(c12), 8); store<f32>(r1, load<f32>(r1, 12) + hsum(c13), 12);
        }
      }
      // The last odd row of A, or every row for a last group of fewer than four columns, a dot product at a time.
      for (let r = i; r < M; r++) {
        for (let jj = j; jj < min(j + 4, jEnd); jj++) {
          dot1x1(a + <usize>r * aRow + kOff, b + <usize>jj * bRow + kOff, c + <usize>r * cRow + (<usize>jj << 2), kc);
        }
      }
    }
  }
}
