import { noGrad } from '../../tensor/autograd.js';
import { tensor } from '../../tensor/creation.js';
import { cat } from '../../tensor/ops/join.js';
import { multinomial } from '../../tensor/ops/sampling.js';
import type { CharTokenizer } from '../../data/charTokenizer.js';
import { Generator, defaultGenerator } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { LMOutput } from './gpt.js';

export interface LanguageModel {
  readonly config: { blockSize: number };
  training: boolean;
  train(mode?: boolean): unknown;
  forward(idx: Tensor): LMOutput;
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
}

/**
 * Extends each row of idx (B, T) by maxNewTokens sampled tokens, feeding back at most blockSize of
 * the latest tokens as context.
 */
export function generate(model: LanguageModel, idx: Tensor, maxNewTokens: number, options: GenerateOptions = {}): Tensor {
  const { temperature = 1, topK, generator = defaultGenerator, onToken, until } = options;
  if (!(temperature > 0)) throw new Error(`generate: temperature must be positive, got ${temperature}`);
  const wasTraining = model.training;
  model.train(false);
  let out = idx;
  noGrad(() => {
    for (let i = 0; i < maxNewTokens; i++) {
      const T = out.shape[1];
      const context = T > model.config.blockSize ? out.slice(1, T - model.config.blockSize) : out;
      const { logits } = model.forward(context);
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

/** The k-th largest value of each row, shaped (B, 1) for broadcasting. */
function kthLargest(logits: Tensor, k: number): Tensor {
  const rows = logits.tolist() as number[][];
  return tensor(rows.map((row) => [[...row].sort((a, b) => b - a)[k - 1]]), { dtype: logits.dtype });
}
