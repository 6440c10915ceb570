import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Words <-> ids as in the course's sentiment problem: split on whitespace, vocabulary sorted, ids from 1,
 * so 0 is free to mean padding.
 */
export class WordTokenizer {
  readonly vocabulary: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  constructor(vocabulary: readonly string[]) {
    this.vocabulary = vocabulary;
    this.ids = new Map(vocabulary.map((w, i) => [w, i + 1]));
  }

  static fromTexts(texts: readonly string[]): WordTokenizer {
    return new WordTokenizer([...new Set(texts.flatMap(splitWords))].sort());
  }

  /** Number of ids including padding (what an Embedding over these ids needs). */
  get size(): number {
    return this.vocabulary.length + 1;
  }

  encode(text: string): number[] {
    return splitWords(text).map((word, i) => {
      const id = this.ids.get(word);
      if (id === undefined) throw new Error(`WordTokenizer: word ${JSON.stringify(word)} (word ${i} of ${JSON.stringify(text.slice(0, 40))}) is not in the vocabulary`);
      return id;
    });
  }

  decode(ids: Iterable<number>): string {
    return Array.from(ids).filter((id) => id !== 0).map((id) => {
      const word = this.vocabulary[id - 1];
      if (word === undefined) throw new Error(`WordTokenizer: id ${id} is outside the vocabulary of ${this.vocabulary.length} words`);
      return word;
    }).join(' ');
  }
}

const splitWords = (text: string): string[] => text.split(/\s+/).filter(Boolean);

/**
 * Pads sequences of ids with `paddingValue` to the longest one (torch.nn.utils.rnn.pad_sequence):
 * (B, T) int32 when batchFirst, else (T, B).
 */
export function padSequence(sequences: readonly (readonly number[])[], { batchFirst = true, paddingValue = 0 } = {}): Tensor {
  const T = Math.max(0, ...sequences.map((s) => s.length));
  const B = sequences.length;
  const out = new Int32Array(B * T).fill(paddingValue);
  sequences.forEach((seq, b) => seq.forEach((id, t) => (out[batchFirst ? b * T + t : t * B + b] = id)));
  return tensor(out, { shape: batchFirst ? [B, T] : [T, B] });
}
