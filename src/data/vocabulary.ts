/** Reserved tokens, always the first four ids, so models can rely on them without a lookup. */
export const PAD_ID = 0;
export const UNK_ID = 1;
export const CLS_ID = 2;
export const MASK_ID = 3;
export const SPECIAL_TOKENS = ['<pad>', '<unk>', '<cls>', '<mask>'] as const;

/**
 * Word-level vocabulary for models that read text: the special tokens, then the words seen in training
 * (most frequent first); words never seen, or too rare to learn from, map to <unk> instead of failing.
 */
export class Vocabulary {
  readonly tokens: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  constructor(tokens: readonly string[]) {
    SPECIAL_TOKENS.forEach((special, i) => {
      if (tokens[i] !== special) throw new Error(`Vocabulary: token ${i} must be ${special}, got ${JSON.stringify(tokens[i])}`);
    });
    this.tokens = tokens;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Counts words over `sequences`; keeps those seen at least `minCount` times, at most `maxSize` ids in all. */
  static build(sequences: Iterable<readonly string[]>, { minCount = 1, maxSize = Infinity } = {}): Vocabulary {
    const counts = new Map<string, number>();
    for (const words of sequences) for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    const kept = [...counts].filter(([w, c]) => c >= minCount && !(SPECIAL_TOKENS as readonly string[]).includes(w))
      .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, Math.max(0, maxSize - SPECIAL_TOKENS.length))
      .map(([w]) => w);
    return new Vocabulary([...SPECIAL_TOKENS, ...kept]);
  }

  get size(): number {
    return this.tokens.length;
  }

  id(word: string): number {
    return this.ids.get(word) ?? UNK_ID;
  }

  encode(words: readonly string[]): number[] {
    return words.map((w) => this.id(w));
  }
}

/**
 * Lowercased words, numbers and the punctuation that carries meaning in short texts ($ ! ? %):
 * what the classifiers read. Apostrophes stay inside words ("don't").
 */
export function normalizedWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?|[$€£!?%]/gu) ?? [];
}
