// Sliding windows over (N, C, H, W) images: im2col and max pooling, forward and adjoint, written to be read.
import type { HostArgs } from '../kernels/index.js';
import type { WindowGeometry } from '../kernels/window.js';

/** The row of input pixel (oh, i) or column (ow, j) a window covers, or -1 when it falls in the padding. */
const source = (o: number, k: number, stride: number, pad: number, dilation: number, size: number): number => {
  const at = o * stride - pad + k * dilation;
  return at >= 0 && at < size ? at : -1;
};

/** Calls visit(colsIndex, xIndex) for every in-image entry of the im2col matrix, in row-major order of the matrix. */
function eachPatchEntry(g: WindowGeometry, visit: (colsIndex: number, xIndex: number) => void): void {
  const { N, C, H, W, kh, kw, Ho, Wo } = g;
  let at = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        for (let n = 0; n < N; n++) {
          const plane = (n * C + c) * H * W;
          for (let oh = 0; oh < Ho; oh++) {
            const h = source(oh, i, g.sh, g.ph, g.dh, H);
            for (let ow = 0; ow < Wo; ow++, at++) {
              const w = source(ow, j, g.sw, g.pw, g.dw, W);
              if (h >= 0 && w >= 0) visit(at, plane + h * W + w);
            }
          }
        }
      }
    }
  }
}

export function im2col({ x, geometry: g, out }: HostArgs<'im2col'>): void {
  out.fill(0);
  eachPatchEntry(g, (k, xi) => { out[k] = x[xi]; });
}

export function col2im({ cols, geometry: g, dx }: HostArgs<'col2im'>): void {
  dx.fill(0);
  eachPatchEntry(g, (k, xi) => { dx[xi] += cols[k]; });
}

export function maxPool2d({ x, geometry: g, out, argmax }: HostArgs<'maxPool2d'>): void {
  const { N, C, H, W, kh, kw, Ho, Wo } = g;
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++, o++) {
        let best = -Infinity;
        let at = -1;
        for (let i = 0; i < kh; i++) {
          const h = source(oh, i, g.sh, g.ph, g.dh, H);
          if (h < 0) continue;
          for (let j = 0; j < kw; j++) {
            const w = source(ow, j, g.sw, g.pw, g.dw, W);
            if (w < 0) continue;
            const v = x[base + h * W + w];
            if (at < 0 || v > best || Number.isNaN(v)) {
              best = v;
              at = h * W + w;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}

export function maxPool2dBackward({ g: grad, argmax, geometry: g, dx }: HostArgs<'maxPool2dBackward'>): void {
  dx.fill(0);
  const outputs = g.Ho * g.Wo;
  for (let k = 0; k < argmax.length; k++) dx[Math.floor(k / outputs) * g.H * g.W + argmax[k]] += grad[k];
}
