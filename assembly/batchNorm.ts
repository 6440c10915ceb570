// AssemblyScript: batch normalisation, each feature over its values of x seen as (outer, C, inner).
import { columnSums, f, feature, put } from './rowMath';

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
