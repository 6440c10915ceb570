// The reference LayerNorm: each row's mean and variance in float64.
import type { HostArgs } from '../kernels/index.js';

export function layerNorm({ x, rows, cols, weight, bias, eps, out, mean, rstd }: HostArgs<'layerNorm'>): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += x[base + c];
    const mu = sum / cols;
    let sq = 0;
    for (let c = 0; c < cols; c++) sq += (x[base + c] - mu) ** 2;
    const inv = 1 / Math.sqrt(sq / cols + eps);
    mean[r] = mu;
    rstd[r] = inv;
    for (let c = 0; c < cols; c++) {
      const xhat = (x[base + c] - mu) * inv;
      out[base + c] = xhat * (weight ? weight[c] : 1) + (bias ? bias[c] : 0);
    }
  }
}

/** dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), where dxhat = g * weight. */
export function layerNormBackward({ x, g, rows, cols, weight, mean, rstd, dx, dweight, dbias }: HostArgs<'layerNormBackward'>): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let sumDxhat = 0;
    let sumDxhatXhat = 0;
    for (let c = 0; c < cols; c++) {
      const xhat = (x[base + c] - mean[r]) * rstd[r];
      const dxhat = g[base + c] * (weight ? weight[c] : 1);
      sumDxhat += dxhat;
      sumDxhatXhat += dxhat * xhat;
      if (dweight) dweight[c] += g[base + c] * xhat;
      if (dbias) dbias[c] += g[base + c];
    }
    for (let c = 0; c < cols; c++) {
      const xhat = (x[base + c] - mean[r]) * rstd[r];
      const dxhat = g[base + c] * (weight ? weight[c] : 1);
      dx[base + c] = rstd[r] * (dxhat - sumDxhat / cols - (xhat * sumDxhatXhat) / cols);
    }
  }
}
