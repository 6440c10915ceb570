// AssemblyScript: what the row kernels share: a float32 element read as float64 and written back, a row's log-sum-exp.
// Sums accumulate in float64, as the reference backend's do, so long rows do not drift.

/** Element i of the float32 array at `at`, as float64. */
@inline
export function f(at: usize, i: i32): f64 {
  return <f64>load<f32>(at + (<usize>i << 2));
}

@inline
export function put(at: usize, i: i32, value: f64): void {
  store<f32>(at + (<usize>i << 2), <f32>value);
}

/** log(sum(exp(row))) after subtracting the row's max, so large logits do not overflow. */
export function logSumExp(row: usize, cols: i32): f64 {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) max = Math.max(max, f(row, c));
  if (max === -Infinity) return max;
  let sum: f64 = 0;
  for (let c = 0; c < cols; c++) sum += Math.exp(f(row, c) - max);
  return max + Math.log(sum);
}

@inline
export function feature(at: usize, c: i32): f64 {
  return load<f64>(at + (<usize>c << 3));
}

/**
 * Column sums of x (rows, C): each row promoted to float64 and added into the C float64s at `sums` two lanes at a
 * time; with `mean`, its squared deviations. Batch normalisation with features last, and sums over a middle axis.
 */
export function columnSums(x: usize, rows: i32, C: i32, mean: usize, sums: usize): void {
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
