// The WebGPU cross-entropy kernels: a workgroup per long row (a thread per short one) forward, a thread per element backward.
import type { GPUFamily } from '../kernels.js';
import { EXP, bindings, elementEntry, f32, grid, i32 } from './common.js';
import { rowDispatch, withRowStats } from './rowCommon.js';

/**
 * Each counted row's log-sum-exp into lse (0 for an ignored row, as the reference backend leaves it), and its loss lse - x[target] into rowLoss[row] with 1 into rowLoss[rows + row]
 * (0 and 0 for a row whose target is ignoreIndex), so that one reduction gives the sum and the count.
 * p = [rows, cols, ignoreIndex].
 */
export function crossEntropyShader(w: number): string {
  return `${withRowStats(w, 'xs: f32', 'targets: i32', 'lse: f32!', 'rowLoss: f32!')}
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

export const crossEntropy = {
  /**
   * The row log-sum-exps into `lse`, and [summed loss, counted rows] into `totals` (two floats): the loss stays on the
   * GPU until the caller reads it, the one read-back of a training step.
   */
  crossEntropy(gpu, { logits, targets, rows, cols, ignoreIndex, lse, totals }) {
    const rowLoss = gpu.empty('float32', 2 * rows);
    if (rows) rowDispatch(gpu, 'crossEntropy', crossEntropyShader, [rows, cols, i32(ignoreIndex)], [logits, targets, lse, rowLoss], rows, cols);
    gpu.run('reduce', { op: 'sum', x: rowLoss, outer: 2, n: rows, inner: 1, out: totals });
    gpu.release(rowLoss);
  },
  crossEntropyBackward(gpu, { logits, targets, lse, rows, cols, ignoreIndex, scale, out }) {
    if (!rows || !cols) return;
    gpu.dispatch('crossEntropyBackward', crossEntropyBackwardShader, [rows, cols, i32(ignoreIndex), f32(scale)], [logits, targets, lse, out], grid(rows * cols));
  },
} satisfies GPUFamily;
