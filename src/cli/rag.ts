// Retrieval-augmented generation: `rag index` embeds passages into a vector index, `rag ask` retrieves the passages
// nearest each question and hands the best one to a GPT as context.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CharTokenizer } from '../data/charTokenizer.js';
import { ragPrompt } from '../data/factCorpus.js';
import { readTextFile } from '../data/lines.js';
import { loadRecipeCheckpoint } from '../io/checkpoint.js';
import { loadIndex, saveIndex } from '../io/vectorIndexFiles.js';
import type { SequenceClassifier } from '../models/classify/encoder.js';
import { type TextClassifierConfig, buildTextClassifier } from '../models/classify/textClassifier.js';
import { completeLine } from '../models/gpt/generate.js';
import { type Embedder, type EmbedderSpec, EncoderEmbedder, GPTEmbedder, TfidfEmbedder, embedderSpecFrom, fingerprint } from '../models/rag/embedders.js';
import { ExactIndex, type SearchHit } from '../models/rag/vectorIndex.js';
import { Generator } from '../core/random.js';
import { type CliIO, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';
import { gptFromConfig, loadCharModel } from './gpt.js';
import { forEachInputLine } from './inputLines.js';
import { loadReader } from './ragReader.js';

const EMBEDDINGS = ['tfidf', 'gpt', 'encoder'] as const;

export const RAG_INDEX = defineCommand({
  name: 'rag index',
  summary: 'embed the passages of a file (one a line) or of every .txt file in a folder into a vector index',
  options: {
    docs: { type: 'path', value: 'FILE|DIR', help: 'the passages: non-empty lines (required)' },
    out: { type: 'path', value: 'DIR', help: 'where the index goes: vectors.safetensors and index.json (required)' },
    embed: { type: 'choice', choices: EMBEDDINGS, default: 'tfidf', help: "TF-IDF words, a GPT's mean hidden state, or a text classifier's mean encoder output" },
    'embed-checkpoint': { type: 'path', value: 'DIR', help: 'the GPT or encoder classifier run that embeds (for --embed gpt|encoder)' },
  },
});

export const RAG_ASK = defineCommand({
  name: 'rag ask',
  summary: 'answer questions from stdin with a GPT, given the passage the index finds nearest each',
  options: {
    index: { type: 'path', value: 'DIR', help: "an index 'rag index' built (required)" },
    checkpoint: { type: 'path', value: 'DIR', help: "the reader GPT ('rag train'), which answers 'context: ... question: ... answer:' prompts (required unless --retrieve-only)" },
    k: { type: 'int', min: 1, max: 1000, default: 5, help: 'passages retrieved per question (the best is the context; --retrieve-only prints all)' },
    'embed-checkpoint': { type: 'path', value: 'DIR', shown: "the index's", help: 'must be the checkpoint the index was built with' },
    'retrieve-only': { type: 'flag', help: 'print the retrieved passages with their cosine scores instead of answering' },
    'max-answer': { type: 'int', min: 1, max: 10_000, default: 40, help: 'the most characters an answer may take' },
  },
});

/** The passages of a file, or of every .txt file in a folder (sorted by name): their non-empty lines. */
export function readPassages(path: string): string[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => f.endsWith('.txt')).sort().map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new UsageError(`${path}: the folder has no .txt files`);
  const passages = files.flatMap((f) => readTextFile(f).split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
  if (passages.length === 0) throw new UsageError(`${path}: no passages (non-empty lines)`);
  return passages;
}

/** A model embedder from a checkpoint, with the fingerprint of its weights. */
function modelEmbedder(kind: 'gpt' | 'encoder', path: string, command: string): Embedder {
  if (kind === 'gpt') {
    const { model, tokenizer, checkpoint } = loadCharModel(path, 'gpt', command, gptFromConfig);
    return new GPTEmbedder(model, tokenizer, { kind, checkpoint: resolve(path), fingerprint: fingerprint(checkpoint.model.values()) });
  }
  const checkpoint = loadRecipeCheckpoint(path, 'classify', command, 'a text classifier');
  const config = checkpoint.config.model as TextClassifierConfig;
  if (config.kind !== 'encoder') throw new UsageError(`${command}: ${path} is a '${config.kind}' classifier; --embed encoder needs one trained with --model encoder`);
  const model = buildTextClassifier(config, new Generator(0)) as SequenceClassifier;
  model.loadStateDict(checkpoint.model);
  return new EncoderEmbedder(model.encoder, config, { kind, checkpoint: resolve(path), fingerprint: fingerprint(checkpoint.model.values()) });
}

export function ragIndex(argv: string[], io: CliIO = consoleIO): ExactIndex {
  const o = parseOptions(RAG_INDEX, argv);
  if (!o.docs || !o.out) throw new UsageError('rag index: --docs FILE|DIR and --out DIR are required');
  const kind = o.embed;
  const passages = readPassages(o.docs);
  if (kind !== 'tfidf' && !o['embed-checkpoint']) throw new UsageError(`rag index: --embed ${kind} needs --embed-checkpoint DIR`);
  const embedder = kind === 'tfidf' ? TfidfEmbedder.fit(passages) : modelEmbedder(kind, o['embed-checkpoint']!, RAG_INDEX.name);
  const index = new ExactIndex(embedder.dim);
  index.add(passages, embedder.embed(passages));
  saveIndex(o.out, { dim: index.dim, passages: index.passages, vectors: index.vectors(), embedder: embedder.spec });
  io.log(`indexed ${passages.length} passages from ${o.docs} as ${embedder.dim}-dimensional ${kind} vectors into ${o.out}`);
  return index;
}

/** The embedder an index was built with, rebuilt; a checkpoint that has changed since (or another one) is refused. */
function queryEmbedder(spec: EmbedderSpec, dir: string, given: string | undefined): Embedder {
  if (spec.kind === 'tfidf') {
    if (given) throw new UsageError(`rag ask: ${dir} was built with TF-IDF vectors, not a model's; leave out --embed-checkpoint`);
    return new TfidfEmbedder(spec.vocabulary, spec.idf);
  }
  const path = given ?? spec.checkpoint;
  const embedder = modelEmbedder(spec.kind, path, RAG_ASK.name);
  const now = embedder.spec as { fingerprint: string };
  if (now.fingerprint !== spec.fingerprint) {
    throw new UsageError(`rag ask: ${dir} was built with the ${spec.kind} embedding of ${spec.checkpoint} (weights ${spec.fingerprint}); ${path} has weights ${now.fingerprint}: rebuild the index with it, or give the checkpoint it was built with`);
  }
  return embedder;
}

/** The reader's answer to a question given a context passage ('' for none); characters it does not know are left out. */
export function readAnswer(model: ReturnType<typeof gptFromConfig>, tokenizer: CharTokenizer, context: string, question: string, maxLength: number): string {
  const known = new Set(tokenizer.itos);
  return completeLine(model, tokenizer, [...ragPrompt(context, question)].filter((c) => known.has(c)).join(''), maxLength);
}

export function ragAsk(argv: string[], io: CliIO = consoleIO, eachLine: (onLine: (line: string) => void) => void = forEachInputLine): string[] {
  const o = parseOptions(RAG_ASK, argv);
  if (!o.index) throw new UsageError('rag ask: --index DIR is required');
  const files = loadIndex(o.index);
  const spec = embedderSpecFrom(files.embedder, files.dim, files.jsonFile);
  const index = ExactIndex.fromRows(files.dim, files.passages, files.vectors);
  const embedder = queryEmbedder(spec, o.index, o['embed-checkpoint']);
  if (embedder.dim !== index.dim) throw new Error(`${files.jsonFile}: "dim" is ${index.dim}, but its ${spec.kind} embedding gives ${embedder.dim} dimensions`);
  const { k } = o;
  const retrieveOnly = o['retrieve-only'] ?? false;
  if (!retrieveOnly && !o.checkpoint) throw new UsageError('rag ask: --checkpoint DIR (the reader GPT) is required, or give --retrieve-only');
  const reader = retrieveOnly ? null : loadReader(o.checkpoint!, RAG_ASK.name);
  const maxLength = o['max-answer'];
  const printed: string[] = [];
  eachLine((raw) => {
    const question = raw.trim();
    if (!question) return;
    const hits: SearchHit[] = index.search(embedder.embed([question])[0], k);
    const lines = retrieveOnly
      ? hits.map((h) => `${h.score.toFixed(4)}\t${h.passage}`).concat([''])
      : [readAnswer(reader!.model, reader!.tokenizer, hits[0]?.passage ?? '', question, maxLength)];
    for (const line of lines) {
      io.log(line);
      printed.push(line);
    }
  });
  return printed;
}

