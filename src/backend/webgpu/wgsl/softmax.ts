// The WebGPU softmax kernels: one workgroup per row.
import type { GPUFamily } from '../kernels.js';
import { WORKGROUP, bindings, f32, rowGrid } from './common.js';
import { ROW_ENTRY, ROW_FUNCTIONS, withRowStats } from './rowCommon.js';

/** Softmax or log-softmax of each row; p = [rows, cols, log]. */
export function softmaxShader(): string {
  return `${withRowStats('xs: f32', 'out: f32!')}
  let logS = log(s);
  for (var c = t; c < cols; c += ${WORKGROUP}u) {
    let z = xs[base + c] - m;
    out[base + c] = select(exp_(z) / s, z - logS, p[2] == 1u);
  }
}`;
}

/** Gradient of softmax (g - sum(g y)) y, or of log-softmax g - exp_(y) sum(g); p = [rows, cols, log]. */
export function softmaxBackwardShader(): string {
  return `${bindings('ys: f32', 'gs: f32', 'out: f32!')}
${ROW_FUNCTIONS}
${ROW_ENTRY}
  let isLog = p[2] == 1u;
  var s = 0.0;
  for (var c = t; c < cols; c += ${WORKGROUP}u) { s += select(gs[base + c] * ys[base + c], gs[base + c], isLog); }
  s = rowSum(s, t);
  for (var c = t; c < cols; c += ${WORKGROUP}u) {
    let y = ys[base + c];
    let g = gs[base + c];
    out[base + c] = select((g - s) * y, g - exp_(y) * s, isLog);
  }
}`;
}

/** softmax(scale x) per row, with columns after the row's query position (row % cols) at 0 when causal; p = [rows, cols, scale, causal]. */
export function attentionSoftmaxShader(): string {
  return `${bindings('xs: f32', 'out: f32!')}
${ROW_FUNCTIONS}
${ROW_ENTRY}
  let scale = pf(2u);
  let last = select(cols - 1u, row % cols, p[3] == 1u);
  var m = LOWEST;
  for (var c = t; c <= last; c += ${WORKGROUP}u) { m = max(m, scale * xs[base + c]); }
  m = rowMax(m, t);
  var s = 0.0;
  for (var c = t; c <= last; c += ${WORKGROUP}u) { s += exp_(scale * xs[base + c] - m); }
  s = rowSum(s, t);
  for (var c = t; c < cols; c += ${WORKGROUP}u) {
    out[base + c] = select(0.0, exp_(scale * xs[base + c] - m) / s, c <= last);
  }
}`;
}

/** Its gradient scale y (g - sum(g y)); p = [rows, cols, scale]. */
export function attentionSoftmaxBackwardShader(): string {
  return `${bindings('ys: f32', 'gs: f32', 'out: f32!')}
${ROW_FUNCTIONS}
${ROW_ENTRY}
  let scale = pf(2u);
  var s = 0.0;
  for (var c = t; c < cols; c += ${WORKGROUP}u) { s += gs[base + c] * ys[base + c]; }
  s = rowSum(s, t);
  for (var c = t; c < cols; c += ${WORKGROUP}u) { out[base + c] = scale * ys[base + c] * (gs[base + c] - s); }
}`;
}

export const softmax = {
  softmax(gpu, { x, rows, cols, out, log }) {
    if (!rows || !cols) return;
    gpu.dispatch('softmax', softmaxShader, [rows, cols, +log], [x, out], rowGrid(rows));
  },
  softmaxBackward(gpu, { y, g, rows, cols, out, log }) {
    if (!rows || !cols) return;
    gpu.dispatch('softmaxBackward', softmaxBackwardShader, [rows, cols, +log], [y, g, out], rowGrid(rows));
  },
  attentionSoftmax(gpu, { x, rows, cols, scale, causal, out }) {
    if (!rows || !cols) return;
    gpu.dispatch('attentionSoftmax', attentionSoftmaxShader, [rows, cols, f32(scale), +causal], [x, out], rowGrid(rows));
  },
  attentionSoftmaxBackward(gpu, { y, g, rows, cols, scale, out }) {
    if (!rows || !cols) return;
    gpu.dispatch('attentionSoftmaxBackward', attentionSoftmaxBackwardShader, [rows, cols, f32(scale)], [y, g, out], rowGrid(rows));
  },
} satisfies GPUFamily;
