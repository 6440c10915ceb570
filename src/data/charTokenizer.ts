/**
 * Characters <-> integer ids. For item-per-line data (names) a boundary token '.' sits at id 0 and
 * marks both the start and the end of every item, as in makemore; the other characters follow sorted.
 */
export class CharTokenizer {
  readonly itos: readonly string[];
  private readonly stoi: ReadonlyMap<string, number>;

  constructor(chars: readonly string[]) {
    this.itos = chars;
    this.stoi = new Map(chars.map((c, i) => [c, i]));
    if (this.stoi.size !== chars.length) throw new Error('CharTokenizer: the vocabulary has duplicate characters');
  }

  /** Vocabulary of a list of items with the boundary token '.' at 0 (27 symbols for lowercase names). */
  static forItems(items: readonly string[], boundary = '.'): CharTokenizer {
    const chars = [...new Set(items.join(''))].filter((c) => c !== boundary).sort();
    return new CharTokenizer([boundary, ...chars]);
  }

  /** Vocabulary of a running text (Tiny Shakespeare): its sorted characters, no boundary token. */
  static forText(text: string): CharTokenizer {
    return new CharTokenizer([...new Set(text)].sort());
  }

  get vocabSize(): number {
    return this.itos.length;
  }

  encode(text: string): number[] {
    return [...text].map((c, i) => {
      const id = this.stoi.get(c);
      if (id === undefined) {
        throw new Error(`CharTokenizer: character ${JSON.stringify(c)} at position ${i} of ${JSON.stringify(text.slice(0, 40))} is not in the vocabulary`);
      }
      return id;
    });
  }

  decode(ids: Iterable<number>): string {
    return Array.from(ids, (id) => {
      const c = this.itos[id];
      if (c === undefined) throw new Error(`CharTokenizer: id ${id} is outside the vocabulary of ${this.vocabSize}`);
      return c;
    }).join('');
  }
}
