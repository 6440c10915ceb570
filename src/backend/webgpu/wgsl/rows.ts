import { EXP, WORKGROUP, bindings, elementEntry } from './common.js';

/**
 * Row kernels: one workgroup per row of a dense (rows, cols) array, its WORKGROUP threads striding over the
 * columns and combining their partial results through workgroup memory. Row r is workgroup
 * (r % nwg.x, r / nwg.x), so more rows than one grid dimension holds still fit.
 */
const ROW_FUNCTIONS = `${EXP}
var<workgroup> scratch: array<f32, ${WORKGROUP}>;
const LOWEST = -3.4028234e38f;
fn combine(v: f32, t: u32, isMax: bool) -> f32 {
  scratch[t] = v;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { scratch[t] = select(scratch[t] + scratch[t + s], max(scratch[t], scratch[t + s]), isMax); }
    workgroupBarrier();
  }
  let r = scratch[0];
  workgroupBarrier();
  return r;
}
fn rowSum(v: f32, t: u32) -> f32 { return combine(v, t, false); }
fn rowMax(v: f32, t: u32) -> f32 { return combine(v, t, true); }
fn pf(i: u32) -> f32 { return bitcast<f32>(p[i]); }`;

/** A row's largest element m and its sum of exp(x - m), the two passes of a stable softmax over `xs`. */
const MAX_AND_SUM_EXP = `
fn maxAndSumExp(base: u32, cols: u32, t: u32) -> vec2<f32> {
  var m = LOWEST;
  for (var c = t; c < cols; c += ${WORKGROUP}u) { m = max(m, xs[base + c]); }
  m = rowMax(m, t);
  var s = 0.0;
  for (var c = t; c < cols; c += ${WORKGROUP}u) { s += exp_(xs[base + c] - m); }
  return vec2<f32>(m, rowSum(s, t));
}`;

/** A row kernel over `xs` with these arrays, from the point where its max m and sum s of exp(x - m) are known. */
const withRowStats = (...arrays: string[]) => `${bindings(...arrays)}
${ROW_FUNCTIONS}
${MAX_AND_SUM_EXP}
${ROW_ENTRY}
  let stats = maxAndSumExp(base, cols, t);
  let m = stats.x;
  let s = stats.y;`;

const ROW_ENTRY = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wg.y * nwg.x + wg.x;
  let t = lid.x;
  let cols = p[1];
  if (row >= p[0]) { return; }
  let base = row * cols;`;

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

/**
 * Each counted row's log-sum-exp into lse (0 for an ignored row, as the reference backend leaves it), and its loss lse - x[target] into rowLoss[row] with 1 into rowLoss[rows + row]
 * (0 and 0 for a row whose target is ignoreIndex), so that one reduction gives the sum and the count.
 * p = [rows, cols, ignoreIndex].
 */
export function crossEntropyShader(): string {
  return `${withRowStats('xs: f32', 'targets: i32', 'lse: f32!', 'rowLoss: f32!')}
  if (t == 0u) {
    let l = m + log(s);
    let tgt = targets[row];
    let counted = tgt != bitcast<i32>(p[2]);
    lse[row] = select(0.0, l, counted);
    rowLoss[row] = select(0.0, l - xs[base + u32(max(tgt, 0))], counted);
    rowLoss[p[0] + row] = select(0.0, 1.0, counted);
  }
}`;
}

/** d(loss)/d(logits) = scale (softmax - onehot) on counted rows, 0 on ignored ones; one thread per element. p = [rows, cols, ignoreIndex, scale]. */
export function crossEntropyBackwardShader(): string {
  return `${bindings('xs: f32', 'targets: i32', 'lse: f32', 'out: f32!')}
${EXP}
${elementEntry('p[0] * p[1]')}
  let cols = p[1];
  let row = i / cols;
  let tgt = targets[row];
  let counted = tgt != bitcast<i32>(p[2]);
  let onehot = select(0.0, 1.0, i32(i % cols) == tgt);
  out[i] = select(0.0, bitcast<f32>(p[3]) * (exp_(xs[i] - lse[row]) - onehot), counted);
}`;
}

/** LayerNorm of each row, two-pass mean and variance; p = [rows, cols, eps, hasWeight, hasBias]. */
export function layerNormShader(): string {
  return `${bindings('xs: f32', 'weight: f32', 'bias: f32', 'out: f32!', 'means: f32!', 'rstds: f32!')}
${ROW_FUNCTIONS}
${ROW_ENTRY}
  var s = 0.0;
  for (var c = t; c < cols; c += ${WORKGROUP}u) { s += xs[base + c]; }
  let mean = rowSum(s, t) / f32(cols);
  var v = 0.0;
  for (var c = t; c < cols; c += ${WORKGROUP}u) { let d = xs[base + c] - mean; v += d * d; }
  let rstd = inverseSqrt(rowSum(v, t) / f32(cols) + pf(2u));
  for (var c = t; c < cols; c += ${WORKGROUP}u) {
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
export function layerNormBackwardShader(): string {
  return `${bindings('xs: f32', 'gs: f32', 'weight: f32', 'means: f32', 'rstds: f32', 'dx: f32!')}
${ROW_FUNCTIONS}
${ROW_ENTRY}
  let mean = means[row];
  let rstd = rstds[row];
  var a = 0.0;
  var b = 0.0;
  for (var c = t; c < cols; c += ${WORKGROUP}u) {
    let gw = gs[base + c] * select(1.0, weight[c], p[3] == 1u);
    a += gw;
    b += gw * (xs[base + c] - mean) * rstd;
  }
  a = rowSum(a, t) / f32(cols);
  b = rowSum(b, t) / f32(cols);
  for (var c = t; c < cols; c += ${WORKGROUP}u) {
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
