// A RAG index on disk: vectors.safetensors (the unit vectors, one row a passage) and index.json (the passages and the
// embedding that made the vectors, so queries are embedded the same way).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbedderSpec } from '../models/rag/embedders.js';
import { ExactIndex } from '../models/rag/vectorIndex.js';
import { tensor } from '../tensor/creation.js';
import { makeDirectory, writeFileAtomic } from './atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';

const FORMAT = 'zerograd-rag-index';

export function saveIndex(dir: string, index: ExactIndex, embedder: EmbedderSpec): void {
  makeDirectory(dir);
  const vectors = tensor(index.vectors(), { shape: [index.passages.length, index.dim] });
  writeFileAtomic(join(dir, 'vectors.safetensors'), serializeSafetensors(new Map([['vectors', vectors]]), { format: FORMAT }));
  writeFileAtomic(join(dir, 'index.json'), `${JSON.stringify({ format: FORMAT, version: 1, dim: index.dim, embedder, passages: index.passages })}\n`);
}

/** The index in `dir` and the embedding it was built with; a missing or inconsistent file is an error naming it. */
export function loadIndex(dir: string): { index: ExactIndex; embedder: EmbedderSpec } {
  const jsonFile = join(dir, 'index.json');
  const vectorFile = join(dir, 'vectors.safetensors');
  for (const file of [jsonFile, vectorFile]) if (!existsSync(file)) throw new Error(`${file} does not exist; build the index with 'zerograd rag index'`);
  let meta: { format?: string; dim?: unknown; embedder?: unknown; passages?: unknown };
  try {
    meta = JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch (error) {
    throw new Error(`${jsonFile}: not JSON (${(error as Error).message})`);
  }
  if (typeof meta !== 'object' || meta === null || meta.format !== FORMAT) throw new Error(`${jsonFile}: not a zerograd RAG index (format ${JSON.stringify(meta?.format)})`);
  const passages = meta.passages;
  if (!Array.isArray(passages) || !passages.every((p) => typeof p === 'string')) throw new Error(`${jsonFile}: "passages" must be a list of strings`);
  if (!Number.isInteger(meta.dim) || (meta.dim as number) < 1) throw new Error(`${jsonFile}: "dim" must be a positive integer, got ${JSON.stringify(meta.dim)}`);
  const dim = meta.dim as number;
  const embedder = checkEmbedder(meta.embedder, dim, jsonFile);
  const vectors = parseSafetensors(readFileSync(vectorFile), vectorFile).tensors.get('vectors');
  if (!vectors || vectors.ndim !== 2 || vectors.shape[0] !== passages.length || vectors.shape[1] !== dim) {
    throw new Error(`${vectorFile}: expected 'vectors' of shape [${passages.length}, ${dim}] (${jsonFile}), got ${vectors ? `[${vectors.shape.join(', ')}]` : 'none'}`);
  }
  const flat = Float32Array.from(vectors.toFlatArray());
  const bad = flat.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new Error(`${vectorFile}: 'vectors' row ${Math.floor(bad / dim)} holds ${flat[bad]}; every value must be a finite number`);
  const index = new ExactIndex(dim);
  index.add(passages, passages.map((_, i) => flat.subarray(i * dim, (i + 1) * dim)));
  return { index, embedder };
}

/**
 * The embedding an index records, checked against its "dim": an edited idf (a string, null) would score every
 * passage NaN, and a vocabulary cut short would embed queries with fewer dimensions than the vectors.
 */
function checkEmbedder(spec: unknown, dim: number, file: string): EmbedderSpec {
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
