// AssemblyScript: cross-entropy of float32 logits against int32 targets, fused with its log-softmax.
import { f, logSumExp, put } from './rowMath';

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

/** d(loss)/d(logits) = scale (softmax - onehot) on counted rows, 0 on ignored ones. */
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
