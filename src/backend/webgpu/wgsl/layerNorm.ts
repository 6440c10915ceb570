// The WebGPU LayerNorm kernels: a workgroup per long row (a thread per short one), then a thread per column for the parameters' gradients.
import type { GPUFamily } from '../kernels.js';
import { bindings, elementEntry, f32, grid } from './common.js';
import { rowDispatch, rowEntry, rowFunctions } from './rowCommon.js';

/** LayerNorm of each row, two-pass mean and variance; p = [rows, cols, eps, hasWeight, hasBias]. */
export function layerNormShader(w: number): string {
  return `${bindings('xs: f32', 'weight: f32', 'bias: f32', 'out: f32!', 'means: f32!', 'rstds: f32!')}
${rowFunctions(w)}
${rowEntry(w)}
  var s = 0.0;
  for (var c = t; c < cols; c += ${w}u) { s += xs[base + c]; }
  let mean = rowSum(s, t) / f32(cols);
  var v = 0.0;
  for (var c = t; c < cols; c += ${w}u) { let d = xs[base + c] - mean; v += d * d; }
  let rstd = inverseSqrt(rowSum(v, t) / f32(cols) + pf(2u));
  for (var c = t; c < cols; c += ${w}u) {
    var y = (xs[base + c] - mean) * rstd;
    if (p[3] == 1u) { y *= weight[c]; }
    if (p[4] == 1u) { y += bias[c]; }
    out[base + c] = y;
  }
  if (t == 0u) {
    means[row] = mean;
    rstds[row] = rstd;
  }
}`;
}

/** dx of LayerNorm per row: rstd (gw - mean(gw) - xhat mean(gw xhat)) with gw = g weight; p = [rows, cols, _, hasWeight]. */
export function layerNormBackwardShader(w: number): string {
  return `${bindings('xs: f32', 'gs: f32', 'weight: f32', 'means: f32', 'rstds: f32', 'dx: f32!')}
${rowFunctions(w)}
${rowEntry(w)}
  let mean = means[row];
  let rstd = rstds[row];
  var a = 0.0;
  var b = 0.0;
  for (var c = t; c < cols; c += ${w}u) {
    let gw = gs[base + c] * select(1.0, weight[c], p[3] == 1u);
    a += gw;
    b += gw * (xs[base + c] - mean) * rstd;
  }
  a = rowSum(a, t) / f32(cols);
  b = rowSum(b, t) / f32(cols);
  for (var c = t; c < cols; c += ${w}u) {
    let gw = gs[base + c] * select(1.0, weight[c], p[3] == 1u);
    dx[base + c] = rstd * (gw - a - (xs[base + c] - mean) * rstd * b);
  }
}`;
}

/** dweight += sum over rows of g xhat and dbias += sum of g, one thread per column; p = [rows, cols, _, hasWeight, hasBias]. */
export function layerNormParamsBackwardShader(): string {
  return `${bindings('xs: f32', 'gs: f32', 'means: f32', 'rstds: f32', 'dweight: f32!', 'dbias: f32!')}
${elementEntry('p[1]')}
  let c = i;
  let cols = p[1];
  var w = 0.0;
  var b = 0.0;
  for (var r = 0u; r < p[0]; r++) {
    let g = gs[r * cols + c];
    w += g * (xs[r * cols + c] - means[r]) * rstds[r];
    b += g;
  }
  if (p[3] == 1u) { dweight[c] += w; }
  if (p[4] == 1u) { dbias[c] += b; }
}`;
}

export const layerNorm = {
  layerNorm(gpu, { x, rows, cols, weight, bias, eps, out, mean, rstd }) {
    if (!rows || !cols) return;
    rowDispatch(gpu, 'layerNorm', layerNormShader, [rows, cols, f32(eps), +!!weight, +!!bias],
      [x, weight ?? gpu.placeholder, bias ?? gpu.placeholder, out, mean, rstd], rows, cols);
  },
  layerNormBackward(gpu, { x, g, rows, cols, weight, mean, rstd, dx, dweight, dbias }) {
    if (!rows || !cols) return;
    rowDispatch(gpu, 'layerNormBackward', layerNormBackwardShader, [rows, cols, 0, +!!weight], [x, g, weight ?? gpu.placeholder, mean, rstd, dx], rows, cols);
    if (dweight || dbias) {
      const [gx] = grid(cols);
      gpu.dispatch('layerNormParamsBackward', layerNormParamsBackwardShader, [rows, cols, 0, +!!dweight, +!!dbias],
        [x, g, mean, rstd, dweight ?? gpu.placeholder, dbias ?? gpu.placeholder], [gx]);
    }
  },
} satisfies GPUFamily;
