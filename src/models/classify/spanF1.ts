/** Entity-level (span) precision, recall and F1 of BIO tag sequences, as conlleval and seqeval score slot filling. */

/** One labelled span of a sentence: tokens `start` up to, not including, `end`. */
export interface Chunk {
  type: string;
  start: number;
  end: number;
}

export interface SpanScores {
  precision: number;
  recall: number;
  f1: number;
}

export interface SpanTypeReport extends SpanScores {
  type: string;
  /** Spans of this type in the truth. */
  support: number;
  predicted: number;
  correct: number;
}

export interface SpanReport {
  /** Micro average: every span counts once, whatever its type (the headline number of conlleval and seqeval). */
  micro: SpanScores;
  /** Mean over types of each type's precision, recall and F1, so rare types weigh as much as frequent ones. */
  macro: SpanScores;
  perType: SpanTypeReport[];
  trueSpans: number;
  predictedSpans: number;
  correctSpans: number;
}

/** Whether a tag belongs to the BIO scheme: O, B-type or I-type. */
export const isBioTag = (tag: string, outside = 'O'): boolean => tag === outside || /^[BI]-./.test(tag);

/**
 * The spans of one sentence's tags. A span starts at B-X, or at an I-X that follows O or another type (conlleval's
 * lenient reading, so a model that forgets the B- still finds the span); it ends before O, before any B-, before a
 * tag of another type, or at the sentence end. Tags outside the scheme close a span, like O.
 */
export function extractChunks(tags: readonly string[]): Chunk[] {
  const chunks: Chunk[] = [];
  let open: Chunk | null = null;
  for (let i = 0; i <= tags.length; i++) {
    // i === tags.length is the sentence end, which closes any open span.
    const bio = i < tags.length ? /^([BI])-(.+)$/.exec(tags[i]) : null;
    if (bio && bio[1] === 'I' && open?.type === bio[2]) continue;
    if (open) chunks.push({ ...open, end: i });
    open = bio ? { type: bio[2], start: i, end: i } : null;
  }
  return chunks;
}

const scores = (correct: number, predicted: number, actual: number): SpanScores => {
  // 0 where a ratio is undefined, as conlleval prints it and seqeval returns it.
  const precision = predicted ? correct / predicted : 0;
  const recall = actual ? correct / actual : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
};

/**
 * Span precision, recall and F1 of predicted tag sequences against the true ones, micro- and macro-averaged and
 * per type. Only a predicted span with exactly the true span's boundaries and type is correct: a right span of
 * the wrong type, or one a token too long, counts as one false positive and one miss.
 */
export function spanF1(truth: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): SpanReport {
  if (truth.length !== predicted.length) throw new Error(`spanF1: ${truth.length} sentences but ${predicted.length} predictions`);
  const counts = new Map<string, { support: number; predicted: number; correct: number }>();
  const count = (type: string) => counts.get(type) ?? counts.set(type, { support: 0, predicted: 0, correct: 0 }).get(type)!;
  truth.forEach((tags, s) => {
    if (tags.length !== predicted[s].length) throw new Error(`spanF1: sentence ${s + 1} has ${tags.length} tags but ${predicted[s].length} predictions`);
    const key = (c: Chunk) => `${c.type}\u0000${c.start}\u0000${c.end}`;
    const trueKeys = new Set<string>();
    for (const c of extractChunks(tags)) {
      count(c.type).support++;
      trueKeys.add(key(c));
    }
    for (const c of extractChunks(predicted[s])) {
      count(c.type).predicted++;
      if (trueKeys.has(key(c))) count(c.type).correct++;
    }
  });
  // Types from the truth and the predictions both, as seqeval: a type only ever predicted scores 0 and lowers the macro mean.
  const perType = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, c]) => ({ type, ...c, ...scores(c.correct, c.predicted, c.support) }));
  const total = (field: 'support' | 'predicted' | 'correct') => perType.reduce((s, t) => s + t[field], 0);
  const mean = (field: keyof SpanScores) => perType.reduce((s, t) => s + t[field], 0) / Math.max(1, perType.length);
  return {
    micro: scores(total('correct'), total('predicted'), total('support')),
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
    perType,
    trueSpans: total('support'),
    predictedSpans: total('predicted'),
    correctSpans: total('correct'),
  };
}
