import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CharTokenizer } from '../../src/data/charTokenizer.js';
import { factCorpus, ragPrompt } from '../../src/data/factCorpus.js';
import { loadIndex, saveIndex } from '../../src/io/vectorIndexFiles.js';
import { GPT, lectureGPTConfig } from '../../src/models/gpt/gpt.js';
import { GPTEmbedder, TfidfEmbedder, embedderSpecFrom, fingerprint, words } from '../../src/models/rag/embedders.js';
import { ExactIndex, recallAt } from '../../src/models/rag/vectorIndex.js';
import { Generator } from '../../src/index.js';

describe('RAG retrieval: a vector index, TF-IDF and model embeddings', () => {
  test('exact search returns the k most cosine-similar passages, best first, ties to the earlier one', () => {
    const index = new ExactIndex(2);
    index.add(['east', 'north', 'north-east', 'west', 'also east'], [[1, 0], [0, 1], [1, 1], [-1, 0], [2, 0]].map((v) => Float32Array.from(v)));
    const hits = index.search(Float32Array.from([1, 0.1]), 3);
    assert.deepEqual(hits.map((h) => h.passage), ['east', 'also east', 'north-east']);
    assert.ok(Math.abs(hits[0].score - 1 / Math.sqrt(1.01)) < 1e-6);
    assert.deepEqual(index.search(Float32Array.from([0, -1]), 10).length, 5);
    assert.throws(() => index.search(Float32Array.from([1, 2, 3]), 1), /the query has 3 dimensions, the index 2/);
    assert.throws(() => index.add(['x'], [Float32Array.from([1])]), /vector 0 has 1 dimensions, the index 2/);
  });

  test('TF-IDF weighs rare words over common ones; on made-up facts it finds the gold passage for nearly every question', () => {
    const tfidf = TfidfEmbedder.fit(['the cat sat', 'the dog sat', 'the cat ran']);
    const [v] = tfidf.embed(['the dog']);
    assert.ok(v[tfidf.vocabulary.indexOf('dog')] > v[tfidf.vocabulary.indexOf('the')], 'a word in one passage outweighs one in all');
    assert.deepEqual(words('The capital of X-ville is 42!'), ['the', 'capital', 'of', 'x', 'ville', 'is', '42']);
    const facts = factCorpus(400);
    assert.equal(new Set(facts.map((f) => f.passage)).size, 400);
    const passages = facts.map((f) => f.passage);
    const embedder = TfidfEmbedder.fit(passages);
    const index = new ExactIndex(embedder.dim);
    index.add(passages, embedder.embed(passages));
    const queries = embedder.embed(facts.map((f) => f.question));
    const gold = facts.map((_, i) => i);
    assert.ok(recallAt(index, queries, gold, 1) >= 0.98, `recall@1 ${recallAt(index, queries, gold, 1)}`);
    assert.equal(recallAt(index, queries, gold, 5), 1);
    assert.equal(ragPrompt(facts[0].passage, facts[0].question), `context: ${facts[0].passage} question: ${facts[0].question} answer:`);
  });

  test("a GPT's mean hidden state embeds texts in n_embd dimensions; an index saves and loads as safetensors and JSON", () => {
    const text = 'the capital of velmora is drask.';
    const tokenizer = CharTokenizer.forText(`${text}?`);
    const model = new GPT(lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: 16, nEmbd: 8, nHead: 2, nLayer: 1, dropout: 0 }), new Generator(3));
    const embedder = new GPTEmbedder(model, tokenizer, { kind: 'gpt', checkpoint: 'memory', fingerprint: fingerprint(model.parameters()) });
    const vectors = embedder.embed([text, 'drask', '###']);
    assert.deepEqual(vectors.map((v) => v.length), [8, 8, 8]);
    assert.ok(vectors[2].every((x) => x === 0), 'a text of unknown characters embeds as zeros');
    const index = new ExactIndex(8);
    index.add([text, 'drask'], vectors.slice(0, 2));
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-index-'));
    saveIndex(dir, { dim: index.dim, passages: index.passages, vectors: index.vectors(), embedder: embedder.spec });
    const loaded = loadIndex(dir);
    const reloaded = ExactIndex.fromRows(loaded.dim, loaded.passages, loaded.vectors);
    assert.deepEqual(reloaded.passages, index.passages);
    assert.deepEqual([...reloaded.vectors()], [...index.vectors()]);
    assert.deepEqual(embedderSpecFrom(loaded.embedder, loaded.dim, loaded.jsonFile), embedder.spec);
    const meta = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ ...meta, passages: ['only one'] }));
    assert.throws(() => loadIndex(dir), /vectors\.safetensors: expected 'vectors' of shape \[1, 8\] \(.*index\.json\), got \[2, 8\]/);
    writeFileSync(join(dir, 'index.json'), '{');
    assert.throws(() => loadIndex(dir), /index\.json: not JSON/);
  });
});
