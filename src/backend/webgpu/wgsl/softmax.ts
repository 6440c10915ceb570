// The WebGPU softmax kernels: a workgroup per long row, a thread per short one.
import type { GPUFamily } from '../kernels.js';
import { bindings, f32 } from './common.js';
import { rowDispatch, rowEntry, rowFunctions, withRowStats } from './rowCommon.js';

/** Softmax or log-softmax of each row; p = [rows, cols, log]. */
export function softmaxShader(w: number): string {
  return `${withRowStats(w, 'xs: f32', 'out: f32!')}
  let logS = log(s);
  for (var c = t; c < cols; c += ${w}u) {
    let z = xs[base + c] - m;
    out[base + c] = select(exp_(z) / s, z - logS, p[2] == 1u);
  }
}`;
}

/** Gradient of softmax (g - sum(g y)) y, or of log-softmax g - exp_(y) sum(g); p = [rows, cols, log]. */
export function softmaxBackwardShader(w: number): string {
  return `${bindings('ys: f32', 'gs: f32', 'out: f32!')}
${rowFunctions(w)}
${rowEntry(w)}
  let isLog = p[2] == 1u;
  var s = 0.0;
  for (var c = t; c < cols; c += ${w}u) { s += select(gs[base + c] * ys[base + c], gs[base + c], isLog); }
  s = rowSum(s, t);
  for (var c = t; c < cols; c += ${w}u) {
    let y = ys[base + c];
    let g = gs[base + c];
    out[base + c] = select((g - s) * y, g - exp_(y) * s, isLog);
  }
}`;
}

/** softmax(scale x) per row, with columns after the row's query position (row % cols) at 0 when causal; p = [rows, cols, scale, causal]. */
export function attentionSoftmaxShader(w: number): string {
  return `${bindings('xs: f32', 'out: f32!')}
${rowFunctions(w)}
${rowEntry(w)}
  let scale = pf(2u);
  let last = select(cols - 1u, row % cols, p[3] == 1u);
  var m = LOWEST;
  for (var c = t; c <= last; c += ${w}u) { m = max(m, scale * xs[base + c]); }
  m = rowMax(m, t);
  var s = 0.0;
  for (var c = t; c <= last; c += ${w}u) { s += exp_(scale * xs[base + c] - m); }
  s = rowSum(s, t);
  for (var c = t; c < cols; c += ${w}u) {
    out[base + c] = select(0.0, exp_(scale * xs[base + c] - m) / s, c <= last);
  }
}`;
}

/** Its gradient scale y (g - sum(g y)); p = [rows, cols, scale]. */
export function attentionSoftmaxBackwardShader(w: number): string {
  return `${bindings('ys: f32', 'gs: f32', 'out: f32!')}
${rowFunctions(w)}
${rowEntry(w)}
  let scale = pf(2u);
  var s = 0.0;
  for (var c = t; c < cols; c += ${w}u) { s += gs[base + c] * ys[base + c]; }
  s = rowSum(s, t);
  for (var c = t; c < cols; c += ${w}u) { out[base + c] = scale * ys[base + c] * (gs[base + c] - s); }
}`;
}

export const softmax = {
  softmax(gpu, { x, rows, cols, out, log }) {
    if (!rows || !cols) return;
    rowDispatch(gpu, 'softmax', softmaxShader, [rows, cols, +log], [x, out], rows, cols);
  },
  softmaxBackward(gpu, { y, g, rows, cols, out, log }) {
    if (!rows || !cols) return;
    rowDispatch(gpu, 'softmaxBackward', softmaxBackwardShader, [rows, cols, +log], [y, g, out], rows, cols);
  },
  attentionSoftmax(gpu, { x, rows, cols, scale, causal, out }) {
    if (!rows || !cols) return;
    rowDispatch(gpu, 'attentionSoftmax', attentionSoftmaxShader, [rows, cols, f32(scale), +causal], [x, out], rows, cols);
  },
  attentionSoftmaxBackward(gpu, { y, g, rows, cols, scale, out }) {
    if (!rows || !cols) return;
    rowDispatch(gpu, 'attentionSoftmaxBackward', attentionSoftmaxBackwardShader, [rows, cols, f32(scale)], [y, g, out], rows, cols);
  },
} satisfies GPUFamily;
