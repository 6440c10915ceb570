// The reference batch normalisation: each feature's statistics in float64 over its outer * inner values.
import type { HostArgs } from '../kernels/index.js';

/** Visits every value of dense x seen as (outer, C, inner) in memory order, with its feature c. */
function eachValue(outer: number, C: number, inner: number, visit: (at: number, c: number) => void): void {
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const base = (o * C + c) * inner;
      for (let i = 0; i < inner; i++) visit(base + i, c);
    }
  }
}

/** Each feature normalised over its outer * inner values with their mean and biased variance, then weight and bias. */
export function batchNorm({ x, outer, C, inner, weight, bias, eps, out, mean, rstd, runningMean, runningVariance, momentum }: HostArgs<'batchNorm'>): void {
  const n = outer * inner;
  const [sums, squares] = [new Float64Array(C), new Float64Array(C)];
  eachValue(outer, C, inner, (at, c) => { sums[c] += x[at]; });
  for (let c = 0; c < C; c++) mean[c] = sums[c] / n;
  eachValue(outer, C, inner, (at, c) => { squares[c] += (x[at] - mean[c]) ** 2; });
  for (let c = 0; c < C; c++) rstd[c] = 1 / Math.sqrt(squares[c] / n + eps);
  if (runningMean && runningVariance) {
    const m = momentum ?? 0;
    for (let c = 0; c < C; c++) {
      runningMean[c] = (1 - m) * runningMean[c] + m * mean[c];
      runningVariance[c] = (1 - m) * runningVariance[c] + m * (squares[c] / Math.max(n - 1, 1));
    }
  }
  eachValue(outer, C, inner, (at, c) => {
    out[at] = (x[at] - mean[c]) * rstd[c] * (weight ? weight[c] : 1) + (bias ? bias[c] : 0);
  });
}

/** dx = rstd * weight * (g - mean(g) - xhat * mean(g * xhat)) per feature; dweight (sum of g * xhat) and dbias (of g) accumulate. */
export function batchNormBackward({ x, g, outer, C, inner, weight, mean, rstd, dx, dweight, dbias }: HostArgs<'batchNormBackward'>): void {
  const n = outer * inner;
  const [sumG, sumGXhat] = [new Float64Array(C), new Float64Array(C)];
  eachValue(outer, C, inner, (at, c) => {
    sumG[c] += g[at];
    sumGXhat[c] += g[at] * (x[at] - mean[c]) * rstd[c];
  });
  eachValue(outer, C, inner, (at, c) => {
    const xhat = (x[at] - mean[c]) * rstd[c];
    dx[at] = rstd[c] * (weight ? weight[c] : 1) * (g[at] - sumG[c] / n - (xhat * sumGXhat[c]) / n);
  });
  for (let c = 0; c < C; c++) {
    if (dweight) dweight[c] += sumGXhat[c];
    if (dbias) dbias[c] += sumG[c];
  }
}
