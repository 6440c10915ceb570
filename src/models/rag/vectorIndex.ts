// The retrieval half of RAG: passages stored with their embedding vectors, queried for the k most similar by cosine.

/** One passage found for a query: its position in the index, its cosine similarity, its text. */
export interface SearchHit {
  id: number;
  score: number;
  passage: string;
}

/**
 * What RAG needs of an index. Exact search is one implementation; an approximate one (HNSW, IVF) can take its place
 * behind the same three members.
 */
export interface VectorIndex {
  readonly dim: number;
  readonly passages: readonly string[];
  add(passages: readonly string[], vectors: readonly Float32Array[]): void;
  search(query: Float32Array, k: number): SearchHit[];
}

/** Scales a vector to unit length (a zero vector stays zero: it matches nothing). */
export function normalize(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return norm > 0 ? v.map((x) => x / norm) : v.slice();
}

/** Every passage compared with the query: exact, and fast enough for the tens of thousands of passages a lesson holds. */
export class ExactIndex implements VectorIndex {
  readonly passages: string[] = [];
  /** Unit-length rows, one per passage, so a dot product is the cosine. */
  private rows: Float32Array[] = [];

  constructor(readonly dim: number) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`ExactIndex: dimension must be a positive integer, got ${dim}`);
  }

  /** An index of `passages` whose vectors lie row by row in `rows` (as an index file stores them). */
  static fromRows(dim: number, passages: readonly string[], rows: Float32Array): ExactIndex {
    const index = new ExactIndex(dim);
    index.add(passages, passages.map((_, i) => rows.subarray(i * dim, (i + 1) * dim)));
    return index;
  }

  add(passages: readonly string[], vectors: readonly Float32Array[]): void {
    if (passages.length !== vectors.length) throw new Error(`ExactIndex.add: ${passages.length} passages but ${vectors.length} vectors`);
    vectors.forEach((v, i) => {
      if (v.length !== this.dim) throw new Error(`ExactIndex.add: vector ${i} has ${v.length} dimensions, the index ${this.dim}`);
    });
    this.passages.push(...passages);
    this.rows.push(...vectors.map(normalize));
  }

  /** The stored unit vectors, row by row (what the index file saves). */
  vectors(): Float32Array {
    const out = new Float32Array(this.rows.length * this.dim);
    this.rows.forEach((row, i) => out.set(row, i * this.dim));
    return out;
  }

  search(query: Float32Array, k: number): SearchHit[] {
    if (query.length !== this.dim) throw new Error(`ExactIndex.search: the query has ${query.length} dimensions, the index ${this.dim}`);
    const q = normalize(query);
    const scores = this.rows.map((row) => {
      let dot = 0;
      for (let j = 0; j < row.length; j++) dot += row[j] * q[j];
      return dot;
    });
    // The k best by a partial selection: ties go to the earlier passage.
    const best: number[] = [];
    for (let i = 0; i < scores.length; i++) {
      if (best.length === k && scores[i] <= scores[best[k - 1]]) continue;
      let at = best.length < k ? best.length : k - 1;
      while (at > 0 && scores[best[at - 1]] < scores[i]) at--;
      best.splice(at, 0, i);
      if (best.length > k) best.pop();
    }
    return best.map((id) => ({ id, score: scores[id], passage: this.passages[id] }));
  }
}

/** The share of queries whose gold passage (by index) is among the top k retrieved: recall@k. */
export function recallAt(index: VectorIndex, queries: readonly Float32Array[], gold: readonly number[], k: number): number {
  let found = 0;
  queries.forEach((q, i) => {
    if (index.search(q, k).some((hit) => hit.id === gold[i])) found++;
  });
  return queries.length ? found / queries.length : 0;
}
