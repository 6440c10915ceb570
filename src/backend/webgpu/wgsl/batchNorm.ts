// The WebGPU batch normalisation kernels: a workgroup per feature, then a thread per feature for the running averages
// and the parameters' gradients.
import type { GPUFamily } from '../kernels.js';
import { WORKGROUP, bindings, elementEntry, f32, grid, rowGrid } from './common.js';
import { ROW_FUNCTIONS } from './rowCommon.js';

/**
 * Batch normalisation's entry: one workgroup per feature c of x (outer, C, inner), its threads striding over the
 * feature's n = outer * inner values; `at(k)` is value k's index in x. p = [C, outer, inner, ...].
 */
const FEATURE_ENTRY = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = wg.y * nwg.x + wg.x;
  let t = lid.x;
  let inner = p[2];
  let n = p[1] * inner;
  if (c >= p[0]) { return; }
  let stride = p[0] * inner;`;
const AT = 'k / inner * stride + c * inner + k % inner';

/** Batch normalisation per feature, two-pass mean and biased variance; p = [C, outer, inner, eps, hasWeight, hasBias]. */
export function batchNormShader(): string {
  return `${bindings('xs: f32', 'weight: f32', 'bias: f32', 'out: f32!', 'means: f32!', 'rstds: f32!')}
${ROW_FUNCTIONS}
${FEATURE_ENTRY}
  var s = 0.0;
  for (var k = t; k < n; k += ${WORKGROUP}u) { s += xs[${AT}]; }
  let mean = rowSum(s, t) / f32(n);
  var v = 0.0;
  for (var k = t; k < n; k += ${WORKGROUP}u) { let d = xs[${AT}] - mean; v += d * d; }
  let rstd = inverseSqrt(rowSum(v, t) / f32(n) + pf(3u));
  let scale = rstd * select(1.0, weight[c], p[4] == 1u);
  let shift = select(0.0, bias[c], p[5] == 1u);
  for (var k = t; k < n; k += ${WORKGROUP}u) { let i = ${AT}; out[i] = (xs[i] - mean) * scale + shift; }
  if (t == 0u) {
    means[c] = mean;
    rstds[c] = rstd;
  }
}`;
}

/**
 * dx of batch normalisation per feature: rstd weight (g - mean(g) - xhat mean(g xhat)); each feature's sum of g
 * and of g xhat go to sums[2c] and sums[2c + 1] for the parameters' gradients. p = [C, outer, inner, _, hasWeight].
 */
export function batchNormBackwardShader(): string {
  return `${bindings('xs: f32', 'gs: f32', 'weight: f32', 'means: f32', 'rstds: f32', 'dx: f32!', 'sums: f32!')}
${ROW_FUNCTIONS}
${FEATURE_ENTRY}
  let mean = means[c];
  let rstd = rstds[c];
  var a = 0.0;
  var b = 0.0;
  for (var k = t; k < n; k += ${WORKGROUP}u) { let i = ${AT}; a += gs[i]; b += gs[i] * (xs[i] - mean) * rstd; }
  a = rowSum(a, t);
  b = rowSum(b, t);
  let scale = rstd * select(1.0, weight[c], p[4] == 1u);
  for (var k = t; k < n; k += ${WORKGROUP}u) {
    let i = ${AT};
    dx[i] = scale * (gs[i] - a / f32(n) - (xs[i] - mean) * rstd * b / f32(n));
  }
  if (t == 0u) {
    sums[2u * c] = a;
    sums[2u * c + 1u] = b;
  }
}`;
}

/** dweight += sum of g xhat and dbias += sum of g, one thread per feature, from the backward's sums; p = [C, hasWeight, hasBias]. */
export function batchNormParamsBackwardShader(): string {
  return `${bindings('sums: f32', 'dweight: f32!', 'dbias: f32!')}
${elementEntry('p[0]')}
  if (p[1] == 1u) { dweight[i] += sums[2u * i + 1u]; }
  if (p[2] == 1u) { dbias[i] += sums[2u * i]; }
}`;
}

/**
 * The running mean and unbiased variance moved toward the batch's, one thread per feature; the variance comes
 * back from rstd. p = [C, n, eps, momentum].
 */
export function batchNormRunningShader(): string {
  return `${bindings('means: f32', 'rstds: f32', 'runningMean: f32!', 'runningVariance: f32!')}
${elementEntry('p[0]')}
  let momentum = pf(3u);
  let n = f32(p[1]);
  let variance = 1.0 / (rstds[i] * rstds[i]) - pf(2u);
  runningMean[i] = (1.0 - momentum) * runningMean[i] + momentum * means[i];
  runningVariance[i] = (1.0 - momentum) * runningVariance[i] + momentum * variance * n / max(n - 1.0, 1.0);
}`;
}

export const batchNorm = {
  batchNorm(gpu, { x, outer, C, inner, weight, bias, eps, out, mean, rstd, runningMean, runningVariance, momentum }) {
    if (!C || !(outer * inner)) return;
    gpu.dispatch('batchNorm', batchNormShader, [C, outer, inner, f32(eps), +!!weight, +!!bias],
      [x, weight ?? gpu.placeholder, bias ?? gpu.placeholder, out, mean, rstd], rowGrid(C));
    if (runningMean && runningVariance) {
      gpu.dispatch('batchNormRunning', batchNormRunningShader, [C, outer * inner, f32(eps), f32(momentum ?? 0)],
        [mean, rstd, runningMean, runningVariance], grid(C));
    }
  },
  batchNormBackward(gpu, { x, g, outer, C, inner, weight, mean, rstd, dx, dweight, dbias }) {
    if (!C || !(outer * inner)) return;
    const sums = gpu.empty('float32', 2 * C);
    gpu.dispatch('batchNormBackward', batchNormBackwardShader, [C, outer, inner, 0, +!!weight],
      [x, g, weight ?? gpu.placeholder, mean, rstd, dx, sums], rowGrid(C));
    if (dweight || dbias) {
      gpu.dispatch('batchNormParamsBackward', batchNormParamsBackwardShader, [C, +!!dweight, +!!dbias],
        [sums, dweight ?? gpu.placeholder, dbias ?? gpu.placeholder], grid(C));
    }
    gpu.release(sums);
  },
} satisfies GPUFamily;
