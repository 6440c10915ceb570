// The reference softmax kernels: each row's log-sum-exp first, so large values do not overflow.
import type { HostArgs } from '../kernels/index.js';
import { logSumExpRow } from './logSumExp.js';

export function softmax({ x, rows, cols, out, log }: HostArgs<'softmax'>): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const lse = logSumExpRow(x, base, cols);
    for (let c = 0; c < cols; c++) {
      const logp = x[base + c] - lse;
      out[base + c] = log ? logp : Math.exp(logp);
    }
  }
}

export function softmaxBackward({ y, g, rows, cols, out, log }: HostArgs<'softmaxBackward'>): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += log ? g[base + c] : g[base + c] * y[base + c];
    for (let c = 0; c < cols; c++) {
      out[base + c] = log
        ? g[base + c] - Math.exp(y[base + c]) * dot
        : y[base + c] * (g[base + c] - dot);
    }
  }
}

export function attentionSoftmax({ x, rows, cols, scale, causal, out }: HostArgs<'attentionSoftmax'>): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const visible = causal ? (r % cols) + 1 : cols;
    let max = -Infinity;
    for (let c = 0; c < visible; c++) max = Math.max(max, x[base + c]);
    let sum = 0;
    for (let c = 0; c < visible; c++) sum += Math.exp(scale * (x[base + c] - max));
    for (let c = 0; c < visible; c++) out[base + c] = Math.exp(scale * (x[base + c] - max)) / sum;
    for (let c = visible; c < cols; c++) out[base + c] = 0;
  }
}

export function attentionSoftmaxBackward({ y, g, rows, cols, scale, out }: HostArgs<'attentionSoftmaxBackward'>): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += g[base + c] * y[base + c];
    for (let c = 0; c < cols; c++) out[base + c] = scale * y[base + c] * (g[base + c] - dot);
  }
}

