// AssemblyScript: the axis sum.
import { columnSums, f, put } from './rowMath';

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
