// The embeddings RAG compares: TF-IDF word vectors, or the mean of a trained model's hidden states over a text
// (a zerograd GPT's, or a text classifier's transformer encoder's).
import { CharTokenizer } from '../../data/charTokenizer.js';
import { noGrad } from '../../tensor/autograd.js';
import { tensor } from '../../tensor/creation.js';
import type { GPT } from '../gpt/gpt.js';
import { type TextClassifierConfig, encodeTexts } from '../classify/textClassifier.js';
import type { TransformerEncoder } from '../classify/encoder.js';

/** What an index records of its embedding, so a query is embedded the same way (and a different one is refused). */
export type EmbedderSpec =
  | { kind: 'tfidf'; vocabulary: string[]; idf: number[] }
  | { kind: 'gpt' | 'encoder'; checkpoint: string; fingerprint: string };

export interface Embedder {
  readonly dim: number;
  readonly spec: EmbedderSpec;
  embed(texts: readonly string[]): Float32Array[];
}

/** Lower-case words and numbers: what TF-IDF counts. */
export const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * TF-IDF over the passages' words: each word's count in a text times ln((1 + N) / (1 + df)) + 1, with df the number of
 * passages that hold it (scikit-learn's smoothed form), so a word every passage has counts little and a rare name a lot.
 */
export class TfidfEmbedder implements Embedder {
  private readonly index: Map<string, number>;

  constructor(readonly vocabulary: string[], readonly idf: number[]) {
    this.index = new Map(vocabulary.map((w, i) => [w, i]));
  }

  static fit(passages: readonly string[]): TfidfEmbedder {
    const df = new Map<string, number>();
    for (const p of passages) for (const w of new Set(words(p))) df.set(w, (df.get(w) ?? 0) + 1);
    const vocabulary = [...df.keys()].sort();
    return new TfidfEmbedder(vocabulary, vocabulary.map((w) => Math.log((1 + passages.length) / (1 + df.get(w)!)) + 1));
  }

  get dim(): number {
    return this.vocabulary.length;
  }

  get spec(): EmbedderSpec {
    return { kind: 'tfidf', vocabulary: this.vocabulary, idf: this.idf };
  }

  embed(texts: readonly string[]): Float32Array[] {
    return texts.map((text) => {
      const v = new Float32Array(this.dim);
      for (const w of words(text)) {
        const i = this.index.get(w);
        if (i !== undefined) v[i] += this.idf[i];
      }
      return v;
    });
  }
}

/** A short, stable mark of a model's weights: a different checkpoint (or the same one trained on) gives another. */
export function fingerprint(tensors: Iterable<{ toFlatArray(): number[] }>): string {
  let h = 0x811c9dc5;
  for (const t of tensors) {
    for (const x of t.toFlatArray()) h = Math.imul(h ^ Math.round(x * 1e6), 16777619) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The mean of a GPT's final hidden states over a text's characters (its first blockSize; unknown characters dropped). */
export class GPTEmbedder implements Embedder {
  private readonly known: Set<string>;

  constructor(readonly model: GPT, readonly tokenizer: CharTokenizer, readonly spec: EmbedderSpec) {
    this.known = new Set(tokenizer.itos);
  }

  get dim(): number {
    return this.model.config.nEmbd;
  }

  embed(texts: readonly string[]): Float32Array[] {
    this.model.eval();
    return noGrad(() => texts.map((text) => {
      const chars = [...text].filter((c) => this.known.has(c)).slice(0, this.model.config.blockSize);
      if (chars.length === 0) return new Float32Array(this.dim);
      const ids = this.tokenizer.encode(chars.join(''));
      const hidden = this.model.hidden(tensor(Int32Array.from(ids), { shape: [1, ids.length] }));
      return Float32Array.from(hidden.mean(1).toFlatArray());
    }));
  }
}

/** The mean of a text classifier's encoder outputs over a text's tokens (padding left out). */
export class EncoderEmbedder implements Embedder {
  constructor(readonly encoder: TransformerEncoder, readonly config: TextClassifierConfig, readonly spec: EmbedderSpec) {}

  get dim(): number {
    return this.config.nEmbd;
  }

  embed(texts: readonly string[]): Float32Array[] {
    this.encoder.eval();
    return noGrad(() => encodeTexts(this.config, texts).map((ids) => {
      const out = this.encoder.forward(tensor(Int32Array.from(ids), { shape: [1, ids.length] })); // (1, T, C)
      return Float32Array.from(out.mean(1).toFlatArray());
    }));
  }
}
