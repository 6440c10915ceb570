import { noGrad } from '../../tensor/autograd.js';
import { tensor } from '../../tensor/creation.js';
import { cat } from '../../tensor/ops/join.js';
import { multinomial } from '../../tensor/ops/sampling.js';
import type { CharTokenizer } from '../../data/charTokenizer.js';
import { Generator, defaultGenerator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { LMOutput } from './gpt.js';
import type { KVCache } from './kvCache.js';

export interface LanguageModel {
  readonly config: { blockSize: number };
  training: boolean;
  train(mode?: boolean): unknown;
  forward(idx: Tensor): LMOutput;
  /** A key/value cache and the pass that uses it (a GPT has both), so each new token costs one position. */
  newCache?(): KVCache | null;
  forwardCached?(idx: Tensor, cache: KVCache): Tensor;
}

export interface GenerateOptions {
  /** Divides the logits: below 1 sharpens the distribution, above 1 flattens it. */
  temperature?: number;
  /** Sample only among the k most likely tokens. */
  topK?: number;
  generator?: Generator;
  /** Called with each new token of the first row as soon as it is sampled (streaming output). */
  onToken?: (token: number) => void;
  /** Ends generation early once it returns true for a new token of the first row (the token stays in the output). */
  until?: (token: number) => boolean;
  /** Reuse earlier positions' keys and values (default: when the model can); false recomputes the whole context. */
  cache?: boolean;
}

/**
 * Extends each row of idx (B, T) by maxNewTokens sampled tokens, feeding back at most blockSize of
 * the latest tokens as context. With a KV cache each step reads only the newest token while the text fits
 * in the block; past it, every position's embedding shifts with the window, so each step recomputes it.
 */
export function generate(model: LanguageModel, idx: Tensor, maxNewTokens: number, options: GenerateOptions = {}): Tensor {
  const { temperature = 1, topK, generator = defaultGenerator, onToken, until } = options;
  if (!(temperature > 0)) throw new Error(`generate: temperature must be positive, got ${temperature}`);
  const wasTraining = model.training;
  model.train(false);
  let out = idx;
  let cache = options.cache === false ? null : model.newCache?.() ?? null;
  noGrad(() => {
    for (let i = 0; i < maxNewTokens; i++) {
      const T = out.shape[1];
      if (cache && T > model.config.blockSize) cache = null;
      let logits: Tensor;
      if (cache) logits = model.forwardCached!(cache.length === 0 ? out : out.slice(1, T - 1), cache);
      else logits = model.forward(T > model.config.blockSize ? out.slice(1, T - model.config.blockSize) : out).logits;
      let last = logits.slice(1, -1).squeeze(1).div(temperature);
      if (topK !== undefined && topK < last.shape[1]) {
        const kth = kthLargest(last, topK);
        last = last.maskedFill(last.lt(kth), -Infinity);
      }
      const next = multinomial(last.softmax(-1), 1, { replacement: true, generator });
      out = cat([out, next], 1);
      const token = next.toFlatArray()[0];
      onToken?.(token);
      if (until?.(token)) break;
    }
  });
  model.train(wasTraining);
  return out;
}

/**
 * The most likely continuation of `prompt` to the end of its line (or maxLength characters): no sampling, so a prompt
 * always gets the same completion. What answers a question in a fixed Q/A or context/question/answer format.
 */
export function completeLine(model: LanguageModel, tokenizer: CharTokenizer, prompt: string, maxLength: number): string {
  const ids = tokenizer.encode(prompt);
  const newline = tokenizer.itos.indexOf('\n');
  const out = generate(model, tensor(Int32Array.from(ids), { shape: [1, ids.length] }), maxLength,
    { topK: 1, generator: new Generator(0), until: (id) => id === newline });
  return tokenizer.decode(out.toFlatArray().slice(ids.length)).split('\n')[0].trim();
}

/** The k-th largest value of each row, shaped (B, 1) for broadcasting: a selection per row, not a sort. */
function kthLargest(logits: Tensor, k: number): Tensor {
  const rows = logits.tolist() as number[][];
  return tensor(rows.map((row) => [select(row, k - 1)]), { dtype: logits.dtype });
}

/** The value that would sit at `rank` in `values` sorted from largest (Hoare's quickselect, in place). */
export function select(values: number[], rank: number): number {
  let [lo, hi] = [0, values.length - 1];
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let [i, j] = [lo, hi];
    while (i <= j) {
      while (values[i] > pivot) i++;
      while (values[j] < pivot) j--;
      if (i <= j) {
        [values[i], values[j]] = [values[j], values[i]];
        i++;
        j--;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return values[rank];
  }
  return values[rank];
}
