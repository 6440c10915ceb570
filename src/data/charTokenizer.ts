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
    return [...text].map((c) => {
      const id = this.stoi.get(c);
      if (id === undefined) throw new Error(`CharTokenizer: ${this.unknownCharacter(text)}`);
      return id;
    });
  }

  /**
   * Why `text` cannot be encoded (null when it can): its first character outside the vocabulary, the spelling
   * to use instead when another case fits (a names model knows only lowercase), and the vocabulary itself.
   */
  unknownCharacter(text: string): string | null {
    const chars = [...text];
    const at = chars.findIndex((c) => !this.stoi.has(c));
    if (at < 0) return null;
    const c = chars[at];
    const fits = (t: string) => [...t].every((x) => this.stoi.has(x));
    const respelled = [text.toLowerCase(), text.toUpperCase()].find(fits);
    const other = [c.toLowerCase(), c.toUpperCase()].find((x) => x !== c && this.stoi.has(x));
    const hint = respelled !== undefined ? `; try ${JSON.stringify(respelled)}` : other !== undefined ? `; ${JSON.stringify(other)} is` : '';
    return `character ${JSON.stringify(c)} at position ${at} of ${JSON.stringify(text.slice(0, 40))} is not in the vocabulary${hint}; `
      + `its ${this.vocabSize} characters are ${describeCharacters(this.itos)}`;
  }

  decode(ids: Iterable<number>): string {
    return Array.from(ids, (id) => {
      const c = this.itos[id];
      if (c === undefined) throw new Error(`CharTokenizer: id ${id} is outside the vocabulary of ${this.vocabSize}`);
      return c;
    }).join('');
  }
}

/** A character set, compactly: runs of three or more consecutive letters or digits as ranges (a-z), the rest quoted. */
export function describeCharacters(chars: readonly string[]): string {
  const points = [...new Set(chars)].map((c) => c.codePointAt(0)!).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < points.length;) {
    let j = i;
    // Only letters and digits make ranges a reader recognises: ",-." would read as a typo.
    const ranged = (p: number) => /[A-Za-z0-9]/.test(String.fromCodePoint(p));
    while (j + 1 < points.length && points[j + 1] === points[j] + 1 && ranged(points[i]) && ranged(points[j + 1])) j++;
    const [first, last] = [String.fromCodePoint(points[i]), String.fromCodePoint(points[j])];
    if (j - i >= 2) parts.push(`${first}-${last}`);
    else parts.push(...points.slice(i, j + 1).map((p) => JSON.stringify(String.fromCodePoint(p))));
    i = j + 1;
  }
  return parts.join(' ');
}
