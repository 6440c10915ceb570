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

/**
 * The embedding an index records, checked against its "dim": an edited idf (a string, null) would score every
 * passage NaN, and a vocabulary cut short would embed queries with fewer dimensions than the vectors.
 */
export function embedderSpecFrom(spec: unknown, dim: number, file: string): EmbedderSpec {
  const fail = (message: string): never => {
    throw new Error(`${file}: "embedder": ${message}`);
  };
  if (typeof spec !== 'object' || spec === null) return fail('must be an object naming tfidf, gpt or encoder');
  const { kind } = spec as { kind?: unknown };
  if (kind === 'gpt' || kind === 'encoder') {
    const { checkpoint, fingerprint } = spec as { checkpoint?: unknown; fingerprint?: unknown };
    if (typeof checkpoint !== 'string' || typeof fingerprint !== 'string') fail(`a ${kind} embedding must give "checkpoint" and "fingerprint" as strings`);
    return { kind, checkpoint: checkpoint as string, fingerprint: fingerprint as string };
  }
  if (kind !== 'tfidf') return fail(`"kind" must be tfidf, gpt or encoder, got ${JSON.stringify(kind)}`);
  const { vocabulary, idf } = spec as { vocabulary?: unknown; idf?: unknown };
  if (!Array.isArray(vocabulary) || !vocabulary.every((w) => typeof w === 'string')) fail('"vocabulary" must be a list of strings');
  if (!Array.isArray(idf)) return fail('"idf" must be a list of numbers');
  const bad = idf.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad >= 0) fail(`"idf" entry ${bad} is ${JSON.stringify(idf[bad])}, expected a finite number`);
  const words = vocabulary as string[];
  if (words.length !== dim || idf.length !== dim) fail(`"vocabulary" has ${words.length} words and "idf" ${idf.length} weights, but "dim" is ${dim}; all three must agree`);
  const seen = new Set<string>();
  for (const w of words) {
    if (seen.has(w)) fail(`"vocabulary" lists '${w}' twice`);
    seen.add(w);
  }
  return { kind, vocabulary: words, idf: idf as number[] };
}
