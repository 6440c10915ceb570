import { noGrad } from '../../tensor/autograd.js';
import { tensor, zeros } from '../../tensor/creation.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import { multinomial } from '../../tensor/ops/sampling.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CharTokenizer } from '../../data/charTokenizer.js';

/** The counting bigram model: P(next | current) from a table of pair counts plus `smoothing` fake counts. */
export class BigramCounts {
  /** (V, V) pair counts; row = current character, column = next. */
  readonly counts: Tensor;
  /** Row-normalised probabilities after smoothing. */
  readonly probs: Tensor;

  constructor(readonly tokenizer: CharTokenizer, counts: Tensor, readonly smoothing = 1) {
    this.counts = counts;
    this.probs = noGrad(() => {
      const smoothed = counts.add(smoothing);
      return smoothed.div(smoothed.sum(1, true));
    });
  }

  /** Counts every bigram of the items. */
  static fromItems(tokenizer: CharTokenizer, items: readonly string[], smoothing = 1): BigramCounts {
    const V = tokenizer.vocabSize;
    const counts = zeros([V, V]);
    for (const [a, b] of bigramPairs(items, tokenizer)) counts.host[a * V + b]++;
    return new BigramCounts(tokenizer, counts, smoothing);
  }

  /** Average negative log-likelihood per character (including each item's end). */
  nll(items: readonly string[]): number {
    const V = this.tokenizer.vocabSize;
    const p = this.probs.host;
    let total = 0;
    let n = 0;
    for (const [a, b] of bigramPairs(items, this.tokenizer)) {
      total -= Math.log(p[a * V + b]);
      n++;
    }
    return total / n;
  }

  sample(generator: Generator = defaultGenerator, maxLength = 100): string {
    const ids: number[] = [];
    let current = 0;
    do {
      const row = this.probs.slice(0, current, current + 1).squeeze(0);
      current = multinomial(row, 1, { replacement: true, generator }).item();
      if (current !== 0) ids.push(current);
    } while (current !== 0 && ids.length < maxLength);
    return this.tokenizer.decode(ids);
  }
}

/** Every (current, next) id pair of every item framed by the boundary token 0 on both sides. */
export function* bigramPairs(items: readonly string[], tokenizer: CharTokenizer): IterableIterator<[number, number]> {
  for (const item of items) {
    const ids = [0, ...tokenizer.encode(item), 0];
    for (let i = 0; i + 1 < ids.length; i++) yield [ids[i], ids[i + 1]];
  }
}

/** The bigram pairs of items as int32 tensors (xs, ys) for the neural bigram model. */
export function bigramTensors(items: readonly string[], tokenizer: CharTokenizer): { xs: Tensor; ys: Tensor } {
  const pairs = [...bigramPairs(items, tokenizer)];
  return {
    xs: tensor(Int32Array.from(pairs, ([a]) => a)),
    ys: tensor(Int32Array.from(pairs, ([, b]) => b)),
  };
}
