// AssemblyScript: softmax over rows of dense float32 (rows x cols) arrays, and the attention form that scales and
// masks in the same pass.
import { EXP_MIN, exp4 } from './simdMath';
import { f, logSumExp, put } from './rowMath';

/** Softmax (or log-softmax) of each row of x (rows x cols) into out. */
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

/** Its gradient from the output y and upstream g: y (g - sum(g y)), or g - exp(y) sum(g) for log-softmax. */
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

/** Its gradient: scale y (g - sum(g y)) per row. */
export function attentionSoftmaxBackward(y: usize, g: usize, rows: i32, cols: i32, scale: f64, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * cols) << 2;
    let dot: f64 = 0;
    for (let c = 0; c < cols; c++) dot += f(g + base, c) * f(y + base, c);
    for (let c = 0; c < cols; c++) put(out + base, c, scale * f(y + base, c) * (f(g + base, c) - dot));
  }
}
