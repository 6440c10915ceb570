// The reference axis reductions: sums in float64, max and min with their first winner's position.
import type { HostArgs } from '../kernels/index.js';

export function reduce({ op, x, outer, n, inner, out, argOut }: HostArgs<'reduce'>): void {
  if (op === 'sum') {
    for (let o = 0; o < outer; o++) {
      const base = o * n * inner;
      // Accumulate in float64 so long sums in float32 tensors do not drift.
      const acc = new Float64Array(inner);
      for (let k = 0; k < n; k++) {
        const row = base + k * inner;
        for (let i = 0; i < inner; i++) acc[i] += x[row + i];
      }
      for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i];
    }
    return;
  }
  const better = op === 'max' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < inner; i++) {
      let best = x[base + i];
      let bestAt = 0;
      for (let k = 1; k < n && !Number.isNaN(best); k++) {
        const v = x[base + k * inner + i];
        if (better(v, best) || Number.isNaN(v)) {
          best = v;
          bestAt = k;
        }
      }
      out[o * inner + i] = best;
      if (argOut) argOut[o * inner + i] = bestAt;
    }
  }
}
