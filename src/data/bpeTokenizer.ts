/**
 * GPT-2's byte-level byte-pair encoding. Text is split by GPT-2's pre-tokenizer pattern, each piece is
 * taken as UTF-8 bytes (shown as printable characters through GPT-2's byte-to-unicode table), and
 * learned merges join adjacent symbols, lowest merge rank first. Every byte is a base symbol, so any
 * string (emoji, CJK, invalid surrogates aside) round-trips exactly.
 */
const PRETOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's bijection from bytes to printable unicode characters (so tokens are readable strings). */
function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table = new Array<string>(256);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + next++);
  }
  return table;
}

const BYTE_TO_CHAR = byteToUnicode();
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));
const encoder = new TextEncoder();

/** A pre-token as its sequence of byte symbols. */
const toSymbols = (piece: string): string[] => Array.from(encoder.encode(piece), (b) => BYTE_TO_CHAR[b]);

export class BPETokenizer {
  private readonly ids: ReadonlyMap<string, number>;
  private readonly tokens: readonly string[];
  private readonly ranks: ReadonlyMap<string, number>;
  private readonly cache = new Map<string, number[]>();

  /** @param vocab token string -> id (GPT-2's vocab.json); @param merges pairs in priority order (merges.txt). */
  constructor(vocab: ReadonlyMap<string, number>, readonly merges: readonly [string, string][]) {
    this.ids = vocab;
    const tokens: string[] = [];
    for (const [token, id] of vocab) tokens[id] = token;
    this.tokens = tokens;
    this.ranks = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  /** Learns `numMerges` merges from a corpus: repeatedly join the most frequent adjacent pair (ties: first seen). */
  static train(corpus: string, numMerges: number): BPETokenizer {
    const wordCounts = new Map<string, number>();
    for (const piece of corpus.match(PRETOKENIZE) ?? []) wordCounts.set(piece, (wordCounts.get(piece) ?? 0) + 1);
    const words = [...wordCounts].map(([piece, count]) => ({ symbols: toSymbols(piece), count }));
    const merges: [string, string][] = [];
    for (let m = 0; m < numMerges; m++) {
      const pairCounts = new Map<string, number>();
      for (const { symbols, count } of words) {
        for (let i = 0; i + 1 < symbols.length; i++) {
          const key = `${symbols[i]} ${symbols[i + 1]}`;
          pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
        }
      }
      let best = '';
      let bestCount = 1;
      for (const [key, count] of pairCounts) {
        if (count > bestCount) [best, bestCount] = [key, count];
      }
      if (!best) break;
      const [a, b] = best.split(' ') as [string, string];
      merges.push([a, b]);
      for (const word of words) word.symbols = mergePair(word.symbols, a, b);
    }
    const vocab = new Map<string, number>(BYTE_TO_CHAR.map((c, i) => [c, i]));
    for (const [a, b] of merges) if (!vocab.has(a + b)) vocab.set(a + b, vocab.size);
    return new BPETokenizer(vocab, merges);
  }

  /** Reads GPT-2's vocab.json and merges.txt contents (merges.txt may start with a #version line). */
  static fromFiles(vocabJson: string, mergesTxt: string): BPETokenizer {
    const vocab = new Map(Object.entries(JSON.parse(vocabJson) as Record<string, number>));
    const merges = mergesTxt.split('\n').map((l) => l.trim()).filter((l, i) => l && !(i === 0 && l.startsWith('#version')))
      .map((line, i) => {
        const parts = line.split(' ');
        if (parts.length !== 2) throw new Error(`merges.txt line ${i + 1}: expected two symbols, got ${JSON.stringify(line)}`);
        return parts as [string, string];
      });
    return new BPETokenizer(vocab, merges);
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const piece of text.match(PRETOKENIZE) ?? []) {
      let ids = this.cache.get(piece);
      if (!ids) {
        ids = this.bpe(toSymbols(piece)).map((symbol) => {
          const id = this.ids.get(symbol);
          if (id === undefined) throw new Error(`BPETokenizer: symbol ${JSON.stringify(symbol)} is missing from the vocabulary`);
          return id;
        });
        this.cache.set(piece, ids);
      }
      out.push(...ids);
    }
    return out;
  }

  decode(ids: Iterable<number>): string {
    const bytes: number[] = [];
    for (const id of ids) {
      const token = this.tokens[id];
      if (token === undefined) throw new Error(`BPETokenizer: id ${id} is outside the vocabulary of ${this.vocabSize}`);
      for (const c of token) bytes.push(CHAR_TO_BYTE.get(c)!);
    }
    return new TextDecoder().decode(Uint8Array.from(bytes));
  }

  /** Applies merges to one pre-token, always the adjacent pair with the lowest rank first. */
  private bpe(symbols: string[]): string[] {
    let current = symbols;
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < current.length; i++) {
        const rank = this.ranks.get(`${current[i]} ${current[i + 1]}`);
        if (rank !== undefined && rank < bestRank) [bestRank, bestAt] = [rank, i];
      }
      if (bestAt < 0) return current;
      current = mergePair(current, current[bestAt], current[bestAt + 1]);
    }
  }
}

/** Joins every adjacent occurrence of (a, b), left to right. */
function mergePair(symbols: string[], a: string, b: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
      out.push(a + b);
      i++;
    } else {
      out.push(symbols[i]);
    }
  }
  return out;
}
