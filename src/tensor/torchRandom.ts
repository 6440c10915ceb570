// PyTorch's CPU sampling algorithms (1.13, x86-64 with AVX2), each over a Generator on the 'torch' stream: the
// same words from the same mt19937, turned into numbers by the same arithmetic, so the values agree bit for bit
// with torch.rand / randn / randint / randperm / multinomial / bernoulli and nn.Linear's initialisation.
import { fmaf, logf, sincosf } from './float32Math.js';
import type { Generator } from '../core/random.js';

type Floats = Float32Array | Float64Array;
const f = Math.fround;

/** torch.rand's float32: the low 24 bits of one word, over 2^24. */
const uniform24 = (g: Generator) => (g.nextUint32() & 0xffffff) / 16777216;

/** uniform_(from, to): float32 as x·(to − from) + from with one rounding (an FMA); float64 from 53 bits. */
export function fillUniform(g: Generator, out: Floats, from = 0, to = 1): void {
  if (out instanceof Float32Array) {
    const [lo, hi] = [f(from), f(to)];
    const span = f(hi - lo);
    for (let i = 0; i < out.length; i++) out[i] = fmaf(uniform24(g), span, lo);
  } else {
    for (let i = 0; i < out.length; i++) out[i] = g.random() * (to - from) + from;
  }
}

/** Box-Muller on 16 uniforms in place: the first 8 pair with the last 8 (normal_fill_16). */
function boxMuller16(data: Floats, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    if (data instanceof Float32Array) {
      const radius = f(Math.sqrt(f(-2 * logf(f(1 - data[at + j])))));
      const [sin, cos] = sincosf(f(f(2 * Math.PI) * data[at + j + 8]));
      data[at + j] = fmaf(f(radius * cos), f(std), f(mean));
      data[at + j + 8] = fmaf(f(radius * sin), f(std), f(mean));
    } else {
      const radius = Math.sqrt(-2 * Math.log(1 - data[at + j]));
      const theta = 2 * Math.PI * data[at + j + 8];
      data[at + j] = radius * Math.cos(theta) * std + mean;
      data[at + j + 8] = radius * Math.sin(theta) * std + mean;
    }
  }
}

/**
 * normal_(mean, std): 16 or more values are filled 16 at a time from uniforms drawn first (the last 16 redrawn
 * when the count is not a multiple of 16), as PyTorch's vectorised kernel does; fewer are drawn one by one from
 * the scalar Box-Muller, which keeps its second value for the next call.
 */
export function fillNormal(g: Generator, out: Floats, mean = 0, std = 1): void {
  const n = out.length;
  if (n < 16) {
    for (let i = 0; i < n; i++) out[i] = g.normal() * std + mean;
    return;
  }
  const draw = out instanceof Float32Array ? () => uniform24(g) : () => g.random();
  for (let i = 0; i < n; i++) out[i] = draw();
  for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i, mean, std);
  if (n % 16 !== 0) {
    for (let i = n - 16; i < n; i++) out[i] = draw();
    boxMuller16(out, n - 16, mean, std);
  }
}

/** randint(low, high): one word modulo the range (two words past 2^32), plus low. */
export function fillRandint(g: Generator, out: { [i: number]: number; length: number }, low: number, high: number): void {
  const range = high - low;
  for (let i = 0; i < out.length; i++) {
    if (range < 2 ** 32) out[i] = low + (g.nextUint32() % range);
    else out[i] = low + Number(((BigInt(g.nextUint32()) << 32n) | BigInt(g.nextUint32())) % BigInt(range));
  }
}

/** randperm(n): 0..n−1 shuffled by PyTorch's forward swaps, position i with i + (word mod (n − i)). */
export function permutation(g: Generator, n: number): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n - 1; i++) {
    const z = i + (g.nextUint32() % (n - i));
    [out[i], out[z]] = [out[z], out[i]];
  }
  return out;
}

/** bernoulli_(p): 1 where a 53-bit uniform falls below p. */
export function fillBernoulli(g: Generator, out: Floats, p: number): void {
  for (let i = 0; i < out.length; i++) out[i] = g.random() < p ? 1 : 0;
}

/**
 * torch.multinomial on float32 weights, rows × cols. Without replacement it divides the weights by Exp(1)
 * samples and takes the largest (the Gumbel trick PyTorch uses); with replacement each draw is a binary
 * search of a 53-bit uniform in the row's float32 cumulative distribution.
 */
export function multinomialRows(g: Generator, weights: Float32Array, rows: number, cols: number, samples: number, replacement: boolean): Int32Array {
  const out = new Int32Array(rows * samples);
  if (!replacement) {
    const keys = new Float32Array(rows * cols);
    for (let i = 0; i < keys.length; i++) keys[i] = f(weights[i] / f(-Math.log(1 - g.random())));
    for (let r = 0; r < rows; r++) {
      const order = Array.from({ length: cols }, (_, c) => c).sort((a, b) => keys[r * cols + b] - keys[r * cols + a] || a - b);
      for (let s = 0; s < samples; s++) out[r * samples + s] = order[s];
    }
    return out;
  }
  const cumulative = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let c = 0; c < cols; c++) cumulative[c] = total = f(total + weights[r * cols + c]);
    for (let c = 0; c < cols; c++) cumulative[c] = f(cumulative[c] / total);
    cumulative[cols - 1] = 1;
    for (let s = 0; s < samples; s++) {
      const u = g.random();
      let [lo, hi] = [0, cols];
      while (hi > lo) {
        const mid = lo + ((hi - lo) >> 1);
        if (cumulative[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      out[r * samples + s] = lo;
    }
  }
  return out;
}
