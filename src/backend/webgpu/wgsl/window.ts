// The WebGPU window kernels (convolution's patches, max-pooling), each output or input pixel a thread.
import type { WindowGeometry } from '../../kernels/window.js';
import type { GPUFamily } from '../kernels.js';
import { bindings, elementEntry, grid } from './common.js';

const windowNumbers = (g: WindowGeometry) => [g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.Ho, g.Wo];

/**
 * Sliding windows over (N, C, H, W) images, one thread per output element, each in the reference backend's order
 * (so its sums match): p = [N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo].
 */
const GEOMETRY = `
fn N() -> u32 { return p[0]; } fn C() -> u32 { return p[1]; } fn H() -> i32 { return i32(p[2]); } fn W() -> i32 { return i32(p[3]); }
fn kh() -> u32 { return p[4]; } fn kw() -> u32 { return p[5]; } fn Ho() -> u32 { return p[12]; } fn Wo() -> u32 { return p[13]; }
fn planeSize() -> u32 { return u32(H() * W()); }
/** The input row (or column) window position o covers at kernel offset k, or -1 in the padding. */
fn source(o: u32, k: u32, stride: u32, pad: u32, dilation: u32, size: i32) -> i32 {
  let at = i32(o * stride + k * dilation) - i32(pad);
  return select(-1, at, at >= 0 && at < size);
}
/** The outputs o whose window covers input position at (some k < kernel): first and last, inclusive. */
fn covering(at: i32, kernel: u32, stride: u32, pad: u32, dilation: u32, outputs: u32) -> vec2<i32> {
  let reach = at + i32(pad);
  let first = max(0, (reach - i32((kernel - 1u) * dilation) + i32(stride) - 1) / i32(stride));
  let last = min(i32(outputs) - 1, reach / i32(stride));
  return vec2<i32>(first, last);
}`;

/** out (C*kh*kw, N*Ho*Wo): row (c, ki, kj), column (n, oh, ow) holds the pixel that window covers, 0 in the padding. */
export function im2colShader(): string {
  return `${bindings('xs: f32', 'out: f32!')}
${GEOMETRY}
${elementEntry('C() * kh() * kw() * N() * Ho() * Wo()')}
  let columns = N() * Ho() * Wo();
  let row = i / columns;
  let column = i % columns;
  let c = row / (kh() * kw());
  let ki = (row / kw()) % kh();
  let kj = row % kw();
  let n = column / (Ho() * Wo());
  let oh = (column / Wo()) % Ho();
  let ow = column % Wo();
  let h = source(oh, ki, p[6], p[8], p[10], H());
  let w = source(ow, kj, p[7], p[9], p[11], W());
  out[i] = select(0.0, xs[((n * C() + c) * u32(H()) + u32(max(h, 0))) * u32(W()) + u32(max(w, 0))], h >= 0 && w >= 0);
}`;
}

/** dx (N, C, H, W): each pixel sums the entries of cols that came from it, over (ki, kj) in order. */
export function col2imShader(): string {
  return `${bindings('cols: f32', 'dx: f32!')}
${GEOMETRY}
${elementEntry('N() * C() * planeSize()')}
  let n = i / (C() * planeSize());
  let c = (i / planeSize()) % C();
  let h = i32((i % planeSize()) / u32(W()));
  let w = i32(i % u32(W()));
  let columns = N() * Ho() * Wo();
  var total = 0.0;
  for (var ki = 0u; ki < kh(); ki++) {
    for (var kj = 0u; kj < kw(); kj++) {
      let row = (c * kh() + ki) * kw() + kj;
      // The one output row (and column) whose window puts kernel offset ki (kj) on this pixel, if any.
      let th = h + i32(p[8]) - i32(ki * p[10]);
      let tw = w + i32(p[9]) - i32(kj * p[11]);
      if (th < 0 || tw < 0 || th % i32(p[6]) != 0 || tw % i32(p[7]) != 0) { continue; }
      let oh = u32(th) / p[6];
      let ow = u32(tw) / p[7];
      if (oh >= Ho() || ow >= Wo()) { continue; }
      total += cols[row * columns + (n * Ho() + oh) * Wo() + ow];
    }
  }
  dx[i] = total;
}`;
}

/** Each window's largest element and its position h * W + w in the plane (the first on ties, the last NaN). */
export function maxPool2dShader(): string {
  return `${bindings('xs: f32', 'out: f32!', 'argmax: i32!')}
${GEOMETRY}
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
${elementEntry('N() * C() * Ho() * Wo()')}
  let plane = i / (Ho() * Wo());
  let oh = (i / Wo()) % Ho();
  let ow = i % Wo();
  let base = plane * planeSize();
  var best = 0.0;
  var at = -1;
  for (var ki = 0u; ki < kh(); ki++) {
    let h = source(oh, ki, p[6], p[8], p[10], H());
    if (h < 0) { continue; }
    for (var kj = 0u; kj < kw(); kj++) {
      let w = source(ow, kj, p[7], p[9], p[11], W());
      if (w < 0) { continue; }
      let v = xs[base + u32(h * W() + w)];
      if (at < 0 || v > best || isnan_(v)) {
        best = v;
        at = h * W() + w;
      }
    }
  }
  out[i] = best;
  argmax[i] = at;
}`;
}

/** dx (N, C, H, W): each pixel sums the gradients of the outputs whose argmax it is, in output order. */
export function maxPool2dBackwardShader(): string {
  return `${bindings('gs: f32', 'argmax: i32', 'dx: f32!')}
${GEOMETRY}
${elementEntry('N() * C() * planeSize()')}
  let plane = i / planeSize();
  let pos = i32(i % planeSize());
  let rows = covering(pos / W(), kh(), p[6], p[8], p[10], Ho());
  let cols = covering(pos % W(), kw(), p[7], p[9], p[11], Wo());
  var total = 0.0;
  for (var oh = rows.x; oh <= rows.y; oh++) {
    for (var ow = cols.x; ow <= cols.y; ow++) {
      let k = (plane * Ho() + u32(oh)) * Wo() + u32(ow);
      if (argmax[k] == pos) { total += gs[k]; }
    }
  }
  dx[i] = total;
}`;
}

export const window = {
  im2col(gpu, { x, geometry, out }) {
    if (!out.length) return;
    gpu.dispatch('im2col', im2colShader, windowNumbers(geometry), [x, out], grid(out.length));
  },
  col2im(gpu, { cols, geometry, dx }) {
    if (!dx.length) return;
    gpu.dispatch('col2im', col2imShader, windowNumbers(geometry), [cols, dx], grid(dx.length));
  },
  maxPool2d(gpu, { x, geometry, out, argmax }) {
    if (!out.length) return;
    gpu.dispatch('maxPool2d', maxPool2dShader, windowNumbers(geometry), [x, out, argmax], grid(out.length));
  },
  maxPool2dBackward(gpu, { g, argmax, geometry, dx }) {
    if (!dx.length) return;
    gpu.dispatch('maxPool2dBackward', maxPool2dBackwardShader, windowNumbers(geometry), [g, argmax, dx], grid(dx.length));
  },
} satisfies GPUFamily;
