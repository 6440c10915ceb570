// AssemblyScript: kernels that work row by row over dense float32 (rows x cols) arrays: softmax and its
// attention and cross-entropy forms, LayerNorm, reductions, and embedding rows. Sums accumulate in float64,
// as the reference backend's do, so long rows do not drift.
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
    memory.fill(acc, 0, <usize>inner << 3);
    for (let k = 0; k < n; k++) {
      const row = x + (<usize>((o * n + k) * inner) << 2);
      for (let i = 0; i < inner; i++) {
        const at = acc + (<usize>i << 3);
        store<f64>(at, load<f64>(at) + f(row, i));
      }
    }
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
