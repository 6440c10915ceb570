// AssemblyScript: LayerNorm over each row of a dense float32 array, statistics in float64.
import { f, put } from './rowMath';

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
