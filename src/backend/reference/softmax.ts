import type { HostStorage } from '../../core/dtype.js';

export function softmax(x: HostStorage, rows: number, cols: number, out: HostStorage, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const lse = logSumExpRow(x, base, cols);
    for (let c = 0; c < cols; c++) {
      const logp = x[base + c] - lse;
      out[base + c] = log ? logp : Math.exp(logp);
    }
  }
}

export function softmaxBackward(y: HostStorage, g: HostStorage, rows: number, cols: number, out: HostStorage, log: boolean): void {
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

export function attentionSoftmax(x: HostStorage, rows: number, cols: number, scale: number, causal: boolean, out: HostStorage): void {
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

export function attentionSoftmaxBackward(y: HostStorage, g: HostStorage, rows: number, cols: number, scale: number, out: HostStorage): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += g[base + c] * y[base + c];
    for (let c = 0; c < cols; c++) out[base + c] = scale * y[base + c] * (g[base + c] - dot);
  }
}

/** log(sum(exp(row))) computed after subtracting the row max, so logits of +100 do not overflow. */
export function logSumExpRow(x: HostStorage, base: number, cols: number): number {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) if (x[base + c] > max) max = x[base + c];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += Math.exp(x[base + c] - max);
  return max + Math.log(sum);
}

export function crossEntropy(logits: HostStorage, targets: Int32Array, rows: number, cols: number, ignoreIndex: number,
  lse: HostStorage, totals: Float64Array): void {
  let sum = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const t = targets[r];
    if (t === ignoreIndex) continue;
    const base = r * cols;
    lse[r] = logSumExpRow(logits, base, cols);
    sum += lse[r] - logits[base + t];
    count++;
  }
  [totals[0], totals[1]] = [sum, count];
}

export function crossEntropyBackward(logits: HostStorage, targets: Int32Array, lse: HostStorage, rows: number, cols: number,
  ignoreIndex: number, scale: number, out: HostStorage): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const t = targets[r];
    if (t === ignoreIndex) {
      out.fill(0, base, base + cols);
      continue;
    }
    for (let c = 0; c < cols; c++) out[base + c] = scale * Math.exp(logits[base + c] - lse[r]);
    out[base + t] -= scale;
  }
}
