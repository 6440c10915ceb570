// AssemblyScript: kernels that work row by row over dense float32 (rows x cols) arrays: softmax and its
// attention and cross-entropy forms, LayerNorm and batch normalisation (per feature, over the rows), reductions,
// and embedding rows. Sums accumulate in float64, as the reference backend's do, so long rows do not drift.
import { EXP_MIN, exp4 } from './simdMath';

@inline
function f(at: usize, i: i32): f64 {
  return <f64>load<f32>(at + (<usize>i << 2));
}

@inline
function put(at: usize, i: i32, value: f64): void {
  store<f32>(at + (<usize>i << 2), <f32>value);
}

/** log(sum(exp(row))) after subtracting the row's max, so large logits do not overflow. */
function logSumExp(row: usize, cols: i32): f64 {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) max = Math.max(max, f(row, c));
  if (max === -Infinity) return max;
  let sum: f64 = 0;
  for (let c = 0; c < cols; c++) sum += Math.exp(f(row, c) - max);
  return max + Math.log(sum);
}

export function softmax(x: usize, rows: i32, cols: i32, out: usize, log: bool): void {
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * cols) << 2;
    const lse = logSumExp(x + base, cols);
    for (let c = 0; c < cols; c++) {
      const logp = f(x + base, c) - lse;
      put(out + base, c, log ? logp : Math.exp(logp));
    }
  }
}

export function softmaxBackward(y: usize, g: usize, rows: i32, cols: i32, out: usize, log: bool): void {
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * cols) << 2;
    let dot: f64 = 0;
    for (let c = 0; c < cols; c++) dot += log ? f(g + base, c) : f(g + base, c) * f(y + base, c);
    for (let c = 0; c < cols; c++) {
      const yc = f(y + base, c);
      put(out + base, c, log ? f(g + base, c) - Math.exp(yc) * dot : yc * (f(g + base, c) - dot));
    }
  }
}

/**
 * softmax(scale * row) where, if causal, row r sees columns 0..r % cols and the rest get 0. The exponentials
 * run four lanes at a time (exp4, within 2 ulp) and are summed in four float32 lanes (a row is at most a
 * block of positions long); a score of -infinity (a padding mask) still weighs exactly 0.
 */
export function attentionSoftmax(x: usize, rows: i32, cols: i32, scale: f64, causal: bool, out: usize): void {
  const scaleV = f32x4.splat(<f32>scale);
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols) << 2);
    const o = out + (<usize>(r * cols) << 2);
    const visible = causal ? (r % cols) + 1 : cols;
    let max = -Infinity;
    for (let c = 0; c < visible; c++) max = Math.max(max, f(row, c));
    const shift = f32x4.splat(<f32>max);
    let sums = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= visible; c += 4) {
      const at = <usize>c << 2;
      const exponent = f32x4.mul(scaleV, f32x4.sub(v128.load(row + at), shift));
      const e = v128.bitselect(f32x4.splat(0), exp4(exponent), f32x4.lt(exponent, f32x4.splat(EXP_MIN)));
      v128.store(o + at, e);
      sums = f32x4.add(sums, e);
    }
    let sum: f64 = <f64>f32x4.extract_lane(sums, 0) + <f64>f32x4.extract_lane(sums, 1)
      + <f64>f32x4.extract_lane(sums, 2) + <f64>f32x4.extract_lane(sums, 3);
    for (; c < visible; c++) {
      const e = Math.exp(scale * (f(row, c) - max));
      put(o, c, e);
      sum += e;
    }
    const inv = <f32>(1 / sum);
    const invV = f32x4.splat(inv);
    c = 0;
    for (; c + 4 <= visible; c += 4) v128.store(o + (<usize>c << 2), f32x4.mul(v128.load(o + (<usize>c << 2)), invV));
    for (; c < visible; c++) store<f32>(o + (<usize>c << 2), load<f32>(o + (<usize>c << 2)) * inv);
    memory.fill(o + (<usize>visible << 2), 0, <usize>(cols - visible) << 2);
  }
}

export function attentionSoftmaxBackward(y: usize, g: usize, rows: i32, cols: i32, scale: f64, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * cols) << 2;
    let dot: f64 = 0;
    for (let c = 0; c < cols; c++) dot += f(g + base, c) * f(y + base, c);
    for (let c = 0; c < cols; c++) put(out + base, c, scale * f(y + base, c) * (f(g + base, c) - dot));
  }
}

/** Cross-entropy summed over rows whose target (i32) is not ignoreIndex; each row's log-sum-exp into lse. */
export function crossEntropy(logits: usize, targets: usize, rows: i32, cols: i32, ignoreIndex: i32, lse: usize): f64 {
  let sum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + (<usize>r << 2));
    if (t === ignoreIndex) continue;
    const base = logits + (<usize>(r * cols) << 2);
    const rowLse = logSumExp(base, cols);
    put(lse, r, rowLse);
    sum += rowLse - f(base, t);
  }
  return sum;
}

export function crossEntropyBackward(logits: usize, targets: usize, lse: usize, rows: i32, cols: i32, ignoreIndex: i32,
  scale: f64, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * cols) << 2;
    const t = load<i32>(targets + (<usize>r << 2));
    if (t === ignoreIndex) {
      memory.fill(out + base, 0, <usize>cols << 2);
      continue;
    }
    const rowLse = f(lse, r);
    for (let c = 0; c < cols; c++) put(out + base, c, scale * Math.exp(f(logits + base, c) - rowLse));
    put(out + base, t, f(out + base, t) - scale);
  }
}

/** LayerNorm of each row, with optional weight/bias (0 = none); each row's mean and rstd as float64. */
export function layerNorm(x: usize, rows: i32, cols: i32, weight: usize, bias: usize, eps: f64, out: usize,
  mean: usize, rstd: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols) << 2);
    const outRow = out + (<usize>(r * cols) << 2);
    let sum: f64 = 0;
    for (let c = 0; c < cols; c++) sum += f(row, c);
    const mu = sum / cols;
    let sq: f64 = 0;
    for (let c = 0; c < cols; c++) {
      const d = f(row, c) - mu;
      sq += d * d;
    }
    const inv = 1 / Math.sqrt(sq / cols + eps);
    store<f64>(mean + (<usize>r << 3), mu);
    store<f64>(rstd + (<usize>r << 3), inv);
    for (let c = 0; c < cols; c++) {
      const xhat = (f(row, c) - mu) * inv;
      put(outRow, c, xhat * (weight ? f(weight, c) : 1) + (bias ? f(bias, c) : 0));
    }
  }
}

/** dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)); dweight, dbias (0 = none) accumulate. */
export function layerNormBackward(x: usize, g: usize, rows: i32, cols: i32, weight: usize, mean: usize, rstd: usize,
  dx: usize, dweight: usize, dbias: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols) << 2);
    const gRow = g + (<usize>(r * cols) << 2);
    const mu = load<f64>(mean + (<usize>r << 3));
    const inv = load<f64>(rstd + (<usize>r << 3));
    let sumDxhat: f64 = 0;
    let sumDxhatXhat: f64 = 0;
    for (let c = 0; c < cols; c++) {
      const xhat = (f(row, c) - mu) * inv;
      const gc = f(gRow, c);
      const dxhat = gc * (weight ? f(weight, c) : 1);
      sumDxhat += dxhat;
      sumDxhatXhat += dxhat * xhat;
      if (dweight) put(dweight, c, f(dweight, c) + gc * xhat);
      if (dbias) put(dbias, c, f(dbias, c) + gc);
    }
    const dxRow = dx + (<usize>(r * cols) << 2);
    for (let c = 0; c < cols; c++) {
      const xhat = (f(row, c) - mu) * inv;
      const dxhat = f(gRow, c) * (weight ? f(weight, c) : 1);
      put(dxRow, c, inv * (dxhat - sumDxhat / cols - (xhat * sumDxhatXhat) / cols));
    }
  }
}

@inline
function feature(at: usize, c: i32): f64 {
  return load<f64>(at + (<usize>c << 3));
}

/**
 * Each feature's sum over x seen as (outer, C, inner), into the C float64s at `sums`: of x, or of (x - mean)^2
 * when `mean` (C float64s) is given. Reads x in memory order whichever dim the features are.
 */
function featureSums(x: usize, outer: i32, C: i32, inner: i32, mean: usize, sums: usize): void {
  memory.fill(sums, 0, <usize>C << 3);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const run = x + (<usize>((o * C + c) * inner) << 2);
      const mu = mean ? feature(mean, c) : 0;
      let sum: f64 = 0;
      for (let i = 0; i < inner; i++) {
        const d = f(run, i) - mu;
        sum += mean ? d * d : d;
      }
      store<f64>(sums + (<usize>c << 3), feature(sums, c) + sum);
    }
  }
}

/**
 * Column sums of x (rows, C): each row promoted to float64 and added into the C float64s at `sums` two lanes at a
 * time; with `mean`, its squared deviations. Batch normalisation with features last, and sums over a middle axis.
 */
function columnSums(x: usize, rows: i32, C: i32, mean: usize, sums: usize): void {
  memory.fill(sums, 0, <usize>C << 3);
  const whole = C & ~3;
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * C) << 2);
    for (let c = whole; c < C; c++) {
      const d = f(row, c) - (mean ? feature(mean, c) : 0);
      store<f64>(sums + (<usize>c << 3), feature(sums, c) + (mean ? d * d : d));
    }
    for (let c = 0; c < whole; c += 4) {
      const v = v128.load(row + (<usize>c << 2));
      let lo = f64x2.promote_low_f32x4(v);
      let hi = f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3));
      const at = <usize>c << 3;
      if (mean) {
        lo = f64x2.sub(lo, v128.load(mean + at));
        hi = f64x2.sub(hi, v128.load(mean + at + 16));
        lo = f64x2.mul(lo, lo);
        hi = f64x2.mul(hi, hi);
      }
      v128.store(sums + at, f64x2.add(v128.load(sums + at), lo));
      v128.store(sums + at + 16, f64x2.add(v128.load(sums + at + 16), hi));
    }
  }
}

@inline
function vectorized(C: i32, inner: i32): bool {
  return inner === 1 && (C & 3) === 0;
}

/**
 * Batch normalisation of each feature c of x (outer, C, inner): two-pass mean and biased variance, then weight and
 * bias (0 = none), and the running mean and (unbiased) variance moved toward the batch's by `momentum` (0 = none).
 * Features last run four features to a vector, with each feature's float32 constants in `acc` (3 * C floats).
 */
export function batchNorm(x: usize, outer: i32, C: i32, inner: i32, weight: usize, bias: usize, eps: f64, out: usize,
  mean: usize, rstd: usize, runningMean: usize, runningVariance: usize, momentum: f64, acc: usize): void {
  const n = <f64>outer * <f64>inner;
  const simd = vectorized(C, inner);
  if (simd) columnSums(x, outer, C, 0, mean);
  else featureSums(x, outer, C, inner, 0, mean);
  for (let c = 0; c < C; c++) store<f64>(mean + (<usize>c << 3), feature(mean, c) / n);
  if (simd) columnSums(x, outer, C, mean, rstd);
  else featureSums(x, outer, C, inner, mean, rstd);
  for (let c = 0; c < C; c++) {
    const squares = feature(rstd, c);
    if (runningMean) {
      put(runningMean, c, (1 - momentum) * f(runningMean, c) + momentum * feature(mean, c));
      put(runningVariance, c, (1 - momentum) * f(runningVariance, c) + momentum * (squares / Math.max(n - 1, 1)));
    }
    store<f64>(rstd + (<usize>c << 3), 1 / Math.sqrt(squares / n + eps));
  }
  if (simd) {
    const mu = acc;
    const scale = acc + (<usize>C << 2);
    const shift = acc + (<usize>C << 3);
    for (let c = 0; c < C; c++) {
      put(mu, c, feature(mean, c));
      put(scale, c, feature(rstd, c) * (weight ? f(weight, c) : 1));
      put(shift, c, bias ? f(bias, c) : 0);
    }
    for (let r = 0; r < outer; r++) {
      const row = <usize>(r * C) << 2;
      for (let c = 0; c < C; c += 4) {
        const at = <usize>c << 2;
        const centred = f32x4.sub(v128.load(x + row + at), v128.load(mu + at));
        v128.store(out + row + at, f32x4.add(f32x4.mul(centred, v128.load(scale + at)), v128.load(shift + at)));
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const offset = <usize>((o * C + c) * inner) << 2;
      const mu = feature(mean, c);
      const scale = feature(rstd, c) * (weight ? f(weight, c) : 1);
      const shift = bias ? f(bias, c) : 0;
      for (let i = 0; i < inner; i++) put(out + offset, i, (f(x + offset, i) - mu) * scale + shift);
    }
  }
}

/**
 * Each feature's sum of g into sumG and of g (x - mean) into sumGXhat (then times rstd: the sum of g xhat), both
 * C float64s.
 */
function gradientSums(x: usize, g: usize, outer: i32, C: i32, inner: i32, mean: usize, rstd: usize, sumG: usize, sumGXhat: usize): void {
  memory.fill(sumG, 0, <usize>C << 3);
  memory.fill(sumGXhat, 0, <usize>C << 3);
  if (vectorized(C, inner)) {
    for (let r = 0; r < outer; r++) {
      const row = <usize>(r * C) << 2;
      for (let c = 0; c < C; c += 2) {
        const at = <usize>c << 3;
        const gs = f64x2.promote_low_f32x4(v128.load64_zero(g + row + (<usize>c << 2)));
        const d = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(x + row + (<usize>c << 2))), v128.load(mean + at));
        v128.store(sumG + at, f64x2.add(v128.load(sumG + at), gs));
        v128.store(sumGXhat + at, f64x2.add(v128.load(sumGXhat + at), f64x2.mul(gs, d)));
      }
    }
  } else {
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        const offset = <usize>((o * C + c) * inner) << 2;
        const mu = feature(mean, c);
        let sg: f64 = 0;
        let sgd: f64 = 0;
        for (let i = 0; i < inner; i++) {
          const gi = f(g + offset, i);
          sg += gi;
          sgd += gi * (f(x + offset, i) - mu);
        }
        store<f64>(sumG + (<usize>c << 3), feature(sumG, c) + sg);
        store<f64>(sumGXhat + (<usize>c << 3), feature(sumGXhat, c) + sgd);
      }
    }
  }
  for (let c = 0; c < C; c++) store<f64>(sumGXhat + (<usize>c << 3), feature(sumGXhat, c) * feature(rstd, c));
}

/**
 * dx = rstd * weight * (g - mean(g) - xhat * mean(g * xhat)) per feature; dweight (the sum of g * xhat) and dbias
 * (of g) accumulate (0 = none). `acc` holds 2 * C float64s, then 4 * C floats for the vector loop's constants.
 */
export function batchNormBackward(x: usize, g: usize, outer: i32, C: i32, inner: i32, weight: usize, mean: usize, rstd: usize,
  dx: usize, dweight: usize, dbias: usize, acc: usize): void {
  const n = <f64>outer * <f64>inner;
  const sumG = acc;
  const sumGXhat = acc + (<usize>C << 3);
  gradientSums(x, g, outer, C, inner, mean, rstd, sumG, sumGXhat);
  if (vectorized(C, inner)) {
    const constants = acc + (<usize>C << 4);
    const mu = constants;
    const scale = constants + (<usize>C << 2);
    const meanG = constants + (<usize>C << 3);
    const slope = constants + <usize>(12 * C);
    for (let c = 0; c < C; c++) {
      put(mu, c, feature(mean, c));
      put(scale, c, feature(rstd, c) * (weight ? f(weight, c) : 1));
      put(meanG, c, feature(sumG, c) / n);
      put(slope, c, feature(rstd, c) * feature(sumGXhat, c) / n);
    }
    for (let r = 0; r < outer; r++) {
      const row = <usize>(r * C) << 2;
      for (let c = 0; c < C; c += 4) {
        const at = <usize>c << 2;
        const centred = f32x4.sub(v128.load(x + row + at), v128.load(mu + at));
        const inner4 = f32x4.sub(f32x4.sub(v128.load(g + row + at), v128.load(meanG + at)), f32x4.mul(centred, v128.load(slope + at)));
        v128.store(dx + row + at, f32x4.mul(v128.load(scale + at), inner4));
      }
    }
  } else {
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        const offset = <usize>((o * C + c) * inner) << 2;
        const mu = feature(mean, c);
        const inv = feature(rstd, c);
        const scale = inv * (weight ? f(weight, c) : 1);
        const meanG = feature(sumG, c) / n;
        const meanGXhat = feature(sumGXhat, c) / n;
        for (let i = 0; i < inner; i++) {
          const xhat = (f(x + offset, i) - mu) * inv;
          put(dx + offset, i, scale * (f(g + offset, i) - meanG - xhat * meanGXhat));
        }
      }
    }
  }
  for (let c = 0; c < C; c++) {
    if (dweight) put(dweight, c, f(dweight, c) + feature(sumGXhat, c));
    if (dbias) put(dbias, c, f(dbias, c) + feature(sumG, c));
  }
}

/** Sums the middle axis of x viewed as (outer, n, inner) into out (outer, inner); `acc` holds inner f64s. */
export function reduceSum(x: usize, outer: i32, n: i32, inner: i32, out: usize, acc: usize): void {
  if (inner === 1) {
    // Whole rows (a bias's gradient): the running sum stays in a register instead of a round trip through `acc`.
    for (let o = 0; o < outer; o++) {
      const row = x + (<usize>(o * n) << 2);
      let sum: f64 = 0;
      for (let k = 0; k < n; k++) sum += f(row, k);
      put(out, o, sum);
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    columnSums(x + (<usize>(o * n * inner) << 2), n, inner, 0, acc);
    for (let i = 0; i < inner; i++) put(out + (<usize>(o * inner) << 2), i, load<f64>(acc + (<usize>i << 3)));
  }
}

/** out[i, :] = src[indices[i], :] for `count` rows of `rowSize` floats. */
export function indexSelect(src: usize, rowSize: i32, indices: usize, count: i32, out: usize): void {
  const bytes = <usize>rowSize << 2;
  for (let i = 0; i < count; i++) {
    memory.copy(out + <usize>i * bytes, src + <usize>load<i32>(indices + (<usize>i << 2)) * bytes, bytes);
  }
}

/** out[indices[i], :] += g[i, :], four lanes at a time. */
export function indexAdd(g: usize, rowSize: i32, indices: usize, count: i32, out: usize): void {
  const bytes = <usize>rowSize << 2;
  for (let i = 0; i < count; i++) {
    const from = g + <usize>i * bytes;
    const to = out + <usize>load<i32>(indices + (<usize>i << 2)) * bytes;
    let j = 0;
    for (; j + 4 <= rowSize; j += 4) {
      const at = <usize>j << 2;
      v128.store(to + at, f32x4.add(v128.load(to + at), v128.load(from + at)));
    }
    for (; j < rowSize; j++) put(to, j, f(to, j) + f(from, j));
  }
}
