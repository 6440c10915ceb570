// A RAG index on disk: vectors.safetensors (the unit vectors, one row a passage) and index.json (the passages and the
// embedding that made the vectors, so queries are embedded the same way).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../tensor/creation.js';
import { makeDirectory, writeFileAtomic } from './atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';

const FORMAT = 'zerograd-rag-index';

/**
 * An index as plain data: the passages, their vectors row by row, and the description of the embedding that made them,
 * which only the RAG models can check (loadIndex hands it over as read, with the file it came from).
 */
export interface IndexFiles {
  dim: number;
  passages: string[];
  vectors: Float32Array;
  embedder: unknown;
}

export function saveIndex(dir: string, index: IndexFiles): void {
  makeDirectory(dir);
  const vectors = tensor(index.vectors, { shape: [index.passages.length, index.dim] });
  writeFileAtomic(join(dir, 'vectors.safetensors'), serializeSafetensors(new Map([['vectors', vectors]]), { format: FORMAT }));
  const { dim, embedder, passages } = index;
  writeFileAtomic(join(dir, 'index.json'), `${JSON.stringify({ format: FORMAT, version: 1, dim, embedder, passages })}\n`);
}

/** The index in `dir`; a missing or inconsistent file is an error naming it. `jsonFile` is where the embedder was read from. */
export function loadIndex(dir: string): IndexFiles & { jsonFile: string } {
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
  const vectors = parseSafetensors(readFileSync(vectorFile), vectorFile).tensors.get('vectors');
  if (!vectors || vectors.ndim !== 2 || vectors.shape[0] !== passages.length || vectors.shape[1] !== dim) {
    throw new Error(`${vectorFile}: expected 'vectors' of shape [${passages.length}, ${dim}] (${jsonFile}), got ${vectors ? `[${vectors.shape.join(', ')}]` : 'none'}`);
  }
  const flat = Float32Array.from(vectors.toFlatArray());
  const bad = flat.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new Error(`${vectorFile}: 'vectors' row ${Math.floor(bad / dim)} holds ${flat[bad]}; every value must be a finite number`);
  return { dim, passages, vectors: flat, embedder: meta.embedder, jsonFile };
}
