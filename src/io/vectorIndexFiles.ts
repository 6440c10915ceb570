// A RAG index on disk: vectors.safetensors (the unit vectors, one row a passage) and index.json (the passages and the
// embedding that made the vectors, so queries are embedded the same way).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbedderSpec } from '../models/rag/embedders.js';
import { ExactIndex } from '../models/rag/vectorIndex.js';
import { tensor } from '../tensor/creation.js';
import { writeFileAtomic } from './atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';

const FORMAT = 'zerograd-rag-index';

export function saveIndex(dir: string, index: ExactIndex, embedder: EmbedderSpec): void {
  mkdirSync(dir, { recursive: true });
  const vectors = tensor(index.vectors(), { shape: [index.passages.length, index.dim] });
  writeFileAtomic(join(dir, 'vectors.safetensors'), serializeSafetensors(new Map([['vectors', vectors]]), { format: FORMAT }));
  writeFileAtomic(join(dir, 'index.json'), `${JSON.stringify({ format: FORMAT, version: 1, dim: index.dim, embedder, passages: index.passages })}\n`);
}

/** The index in `dir` and the embedding it was built with; a missing or inconsistent file is an error naming it. */
export function loadIndex(dir: string): { index: ExactIndex; embedder: EmbedderSpec } {
  const jsonFile = join(dir, 'index.json');
  const vectorFile = join(dir, 'vectors.safetensors');
  for (const file of [jsonFile, vectorFile]) if (!existsSync(file)) throw new Error(`${file} does not exist; build the index with 'zerograd rag index'`);
  let meta: { format?: string; dim?: number; embedder?: EmbedderSpec; passages?: unknown };
  try {
    meta = JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch (error) {
    throw new Error(`${jsonFile}: not JSON (${(error as Error).message})`);
  }
  if (meta.format !== FORMAT) throw new Error(`${jsonFile}: not a zerograd RAG index (format ${JSON.stringify(meta.format)})`);
  const passages = meta.passages;
  if (!Array.isArray(passages) || !passages.every((p) => typeof p === 'string')) throw new Error(`${jsonFile}: "passages" must be a list of strings`);
  if (!meta.embedder || !['tfidf', 'gpt', 'encoder'].includes(meta.embedder.kind)) throw new Error(`${jsonFile}: "embedder" must name tfidf, gpt or encoder`);
  const vectors = parseSafetensors(readFileSync(vectorFile), vectorFile).tensors.get('vectors');
  if (!vectors || vectors.ndim !== 2 || vectors.shape[0] !== passages.length || vectors.shape[1] !== meta.dim) {
    throw new Error(`${vectorFile}: expected 'vectors' of shape [${passages.length}, ${meta.dim}] (${jsonFile}), got ${vectors ? `[${vectors.shape.join(', ')}]` : 'none'}`);
  }
  const index = new ExactIndex(meta.dim);
  const flat = Float32Array.from(vectors.toFlatArray());
  index.add(passages, passages.map((_, i) => flat.subarray(i * meta.dim!, (i + 1) * meta.dim!)));
  return { index, embedder: meta.embedder };
}
