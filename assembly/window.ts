// AssemblyScript: sliding windows over dense float32 (N, C, H, W) images, im2col and max pooling, forward and
// adjoint, as src/backend/reference/window.ts computes them (the same sums in the same order, so the results
// are bit-identical). Each kernel takes a range of independent work items (rows of the patch matrix, channels,
// planes) so the thread pool can split it. The window's numbers come as 14 int32s at `geometry`:
// N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo.

@inline function at(geometry: usize, i: i32): i32 { return load<i32>(geometry + (<usize>i << 2)); }

/** The first output column whose window tap j lands inside the image (columns [first, end) do). */
@inline function firstInside(j: i32, sw: i32, pw: i32, dw: i32): i32 {
  const d = pw - j * dw;
  return d <= 0 ? 0 : (d + sw - 1) / sw;
}

/** One past the last output column whose window tap j lands inside an image W wide. */
@inline function endInside(j: i32, sw: i32, pw: i32, dw: i32, W: i32, Wo: i32): i32 {
  const e = W - 1 + pw - j * dw;
  return e < 0 ? 0 : min(Wo, e / sw + 1);
}

/** Rows [rowStart, rowEnd) of the (C*kh*kw, N*Ho*Wo) patch matrix. */
export function im2col(geometry: usize, x: usize, out: usize, rowStart: i32, rowEnd: i32): void {
  const N = at(geometry, 0), C = at(geometry, 1), H = at(geometry, 2), W = at(geometry, 3);
  const kh = at(geometry, 4), kw = at(geometry, 5), sh = at(geometry, 6), sw = at(geometry, 7);
  const ph = at(geometry, 8), pw = at(geometry, 9), dh = at(geometry, 10), dw = at(geometry, 11);
  const Ho = at(geometry, 12), Wo = at(geometry, 13);
  for (let r = rowStart; r < rowEnd; r++) {
    const j = r % kw, i = (r / kw) % kh, c = r / (kw * kh);
    let lo = firstInside(j, sw, pw, dw);
    const hi = endInside(j, sw, pw, dw, W, Wo);
    if (lo > hi) lo = hi;
    let o = out + (<usize>r * N * Ho * Wo << 2);
    for (let n = 0; n < N; n++) {
      const plane = x + (<usize>((n * C + c) * H) * W << 2);
      for (let oh = 0; oh < Ho; oh++, o += <usize>Wo << 2) {
        const h = oh * sh - ph + i * dh;
        if (h < 0 || h >= H) {
          for (let ow = 0; ow < Wo; ow++) store<f32>(o + (<usize>ow << 2), 0);
          continue;
        }
        const row = plane + (<usize>(h * W - pw + j * dw) << 2);
        // Loops, not memory.fill and memory.copy: a run is a few dozen floats, shorter than those calls' overhead.
        for (let ow = 0; ow < lo; ow++) store<f32>(o + (<usize>ow << 2), 0);
        if (sw == 1) {
          let ow = lo;
          for (; ow + 4 <= hi; ow += 4) v128.store(o + (<usize>ow << 2), v128.load(row + (<usize>ow << 2)));
          for (; ow < hi; ow++) store<f32>(o + (<usize>ow << 2), load<f32>(row + (<usize>ow << 2)));
        } else {
          for (let ow = lo; ow < hi; ow++) store<f32>(o + (<usize>ow << 2), load<f32>(row + (<usize>(ow * sw) << 2)));
        }
        for (let ow = hi; ow < Wo; ow++) store<f32>(o + (<usize>ow << 2), 0);
      }
    }
  }
}

/** im2col's adjoint for channels [cStart, cEnd): their pixels of dx are overwritten by the sums of their entries. */
export function col2im(geometry: usize, cols: usize, dx: usize, cStart: i32, cEnd: i32): void {
  const N = at(geometry, 0), C = at(geometry, 1), H = at(geometry, 2), W = at(geometry, 3);
  const kh = at(geometry, 4), kw = at(geometry, 5), sh = at(geometry, 6), sw = at(geometry, 7);
  const ph = at(geometry, 8), pw = at(geometry, 9), dh = at(geometry, 10), dw = at(geometry, 11);
  const Ho = at(geometry, 12), Wo = at(geometry, 13);
  for (let c = cStart; c < cEnd; c++) {
    for (let n = 0; n < N; n++) memory.fill(dx + (<usize>((n * C + c) * H) * W << 2), 0, <usize>(H * W) << 2);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        let lo = firstInside(j, sw, pw, dw);
        const hi = endInside(j, sw, pw, dw, W, Wo);
        if (lo > hi) lo = hi;
        let g = cols + (<usize>((c * kh + i) * kw + j) * N * Ho * Wo << 2);
        for (let n = 0; n < N; n++) {
          const plane = dx + (<usize>((n * C + c) * H) * W << 2);
          for (let oh = 0; oh < Ho; oh++, g += <usize>Wo << 2) {
            const h = oh * sh - ph + i * dh;
            if (h < 0 || h >= H) continue;
            const row = plane + (<usize>(h * W - pw + j * dw) << 2);
            if (sw == 1) {
              let ow = lo;
              for (; ow + 4 <= hi; ow += 4) {
                const d = row + (<usize>ow << 2);
                v128.store(d, f32x4.add(v128.load(d), v128.load(g + (<usize>ow << 2))));
              }
              for (; ow < hi; ow++) {
                const d = row + (<usize>ow << 2);
                store<f32>(d, load<f32>(d) + load<f32>(g + (<usize>ow << 2)));
              }
            } else {
              for (let ow = lo; ow < hi; ow++) {
                const d = row + (<usize>(ow * sw) << 2);
                store<f32>(d, load<f32>(d) + load<f32>(g + (<usize>ow << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/** Whether candidate c beats the best so far, lane by lane: larger, or NaN (the last NaN wins, as in PyTorch). */
@inline function beats(c: v128, best: v128): v128 {
  return v128.or(f32x4.gt(c, best), f32x4.ne(c, c));
}

/**
 * The 2x2, stride-2 pool of a CNN, four outputs at a time: each output row reads two input rows, eight
 * pixels each, split into even and odd columns; the four candidates are taken in the scalar loop's order.
 * Returns how many outputs of the row it did.
 */
@inline function maxPoolRow2x2(row0: usize, row1: usize, W: i32, Wo: i32, h: i32, out: usize, argmax: usize): i32 {
  let ow = 0;
  const lanes = i32x4(0, 2, 4, 6);
  for (; ow + 4 <= Wo && 2 * ow + 8 <= W; ow += 4) {
    const at = <usize>(2 * ow) << 2;
    const a0 = v128.load(row0 + at), a1 = v128.load(row0 + at, 16);
    const b0 = v128.load(row1 + at), b1 = v128.load(row1 + at, 16);
    const first = i32x4.add(lanes, i32x4.splat(h * W + 2 * ow));
    let best = i8x16.shuffle(a0, a1, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
    let where = first;
    let c = i8x16.shuffle(a0, a1, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    let take = beats(c, best);
    best = v128.bitselect(c, best, take);
    where = v128.bitselect(i32x4.add(first, i32x4.splat(1)), where, take);
    c = i8x16.shuffle(b0, b1, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
    take = beats(c, best);
    best = v128.bitselect(c, best, take);
    where = v128.bitselect(i32x4.add(first, i32x4.splat(W)), where, take);
    c = i8x16.shuffle(b0, b1, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    take = beats(c, best);
    best = v128.bitselect(c, best, take);
    where = v128.bitselect(i32x4.add(first, i32x4.splat(W + 1)), where, take);
    v128.store(out + (<usize>ow << 2), best);
    v128.store(argmax + (<usize>ow << 2), where);
  }
  return ow;
}

/** Max pooling of planes [planeStart, planeEnd) of the N*C: each window's largest value and its position h*W+w. */
export function maxPool2d(geometry: usize, x: usize, out: usize, argmax: usize, planeStart: i32, planeEnd: i32): void {
  const H = at(geometry, 2), W = at(geometry, 3);
  const kh = at(geometry, 4), kw = at(geometry, 5), sh = at(geometry, 6), sw = at(geometry, 7);
  const ph = at(geometry, 8), pw = at(geometry, 9), dh = at(geometry, 10), dw = at(geometry, 11);
  const Ho = at(geometry, 12), Wo = at(geometry, 13);
  const twoByTwo = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && dh == 1 && dw == 1;
  let o = <usize>planeStart * Ho * Wo << 2;
  for (let plane = planeStart; plane < planeEnd; plane++) {
    const base = x + (<usize>plane * H * W << 2);
    for (let oh = 0; oh < Ho; oh++) {
      let ow = 0;
      if (twoByTwo) {
        const row0 = base + (<usize>(2 * oh * W) << 2);
        ow = maxPoolRow2x2(row0, row0 + (<usize>W << 2), W, Wo, 2 * oh, out + o, argmax + o);
        o += <usize>ow << 2;
      }
      for (; ow < Wo; ow++, o += 4) {
        let best: f32 = -Infinity;
        let where: i32 = -1;
        for (let i = 0; i < kh; i++) {
          const h = oh * sh - ph + i * dh;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < kw; j++) {
            const w = ow * sw - pw + j * dw;
            if (w < 0 || w >= W) continue;
            // Selects, not a branch: which element of a window wins is a coin toss the predictor loses.
            const v = load<f32>(base + (<usize>(h * W + w) << 2));
            const take = (where < 0) | (v > best) | (v != v);
            best = select<f32>(v, best, take);
            where = select<i32>(h * W + w, where, take);
          }
        }
        store<f32>(out + o, best);
        store<i32>(argmax + o, where);
      }
    }
  }
}

/** maxPool2d's adjoint for planes [planeStart, planeEnd): dx overwritten with each output's gradient at its argmax. */
export function maxPool2dBackward(geometry: usize, g: usize, argmax: usize, dx: usize, planeStart: i32, planeEnd: i32): void {
  const H = at(geometry, 2), W = at(geometry, 3), Ho = at(geometry, 12), Wo = at(geometry, 13);
  const outputs = Ho * Wo;
  for (let plane = planeStart; plane < planeEnd; plane++) {
    const image = dx + (<usize>plane * H * W << 2);
    memory.fill(image, 0, <usize>(H * W) << 2);
    const first = <usize>plane * outputs << 2;
    for (let k = 0; k < outputs; k++) {
      const o = first + (<usize>k << 2);
      const d = image + (<usize>load<i32>(argmax + o) << 2);
      store<f32>(d, load<f32>(d) + load<f32>(g + o));
    }
  }
}
