import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { BPETokenizer } from '../../src/data/bpeTokenizer.js';
import { corpusPath } from '../helpers.js';

const corpus = readFileSync(corpusPath('tinyshakespeare.txt'), 'utf8').slice(0, 50_000);

describe('byte-level BPE (GPT-2 compatible)', () => {
  const trained = BPETokenizer.train(corpus, 200);

  test('round-trips arbitrary Unicode exactly, trained or not', () => {
    const texts = ['Hello, world!', '你好，世界 🌍🚀 naïve café — “quotes”', 'tabs\tand\n\nnewlines   and  spaces ', 'e\u0301 (combining) and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', ''];
    for (const tokenizer of [trained, BPETokenizer.train('', 0)]) {
      for (const text of texts) assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
    }
  });

  test('training learns merges that shorten the encoding', () => {
    const bytesOnly = BPETokenizer.train(corpus, 0);
    assert.equal(bytesOnly.vocabSize, 256);
    assert.equal(trained.merges.length, 200);
    assert.equal(trained.vocabSize, 456);
    const sample = corpus.slice(0, 5000);
    assert.ok(trained.encode(sample).length < 0.6 * bytesOnly.encode(sample).length);
  });

  test('loads vocab.json and merges.txt and applies merges lowest rank first, with GPT-2 byte symbols', () => {
    const vocab = { H: 0, e: 1, l: 2, o: 3, 'Ġ': 4, w: 5, r: 6, d: 7, He: 8, ll: 9, Hell: 10, Hello: 11, 'Ġw': 12 };
    const tokenizer = BPETokenizer.fromFiles(JSON.stringify(vocab), '#version: 0.2\nH e\nl l\nHe ll\nHell o\nĠ w\n');
    // "Hello" merges fully; " world" starts with GPT-2's symbol for the space byte, Ġ.
    assert.deepEqual(tokenizer.encode('Hello world'), [11, 12, 3, 6, 2, 7]);
    assert.equal(tokenizer.decode([11, 12, 3, 6, 2, 7]), 'Hello world');
    assert.throws(() => tokenizer.encode('Hi'), /symbol "i" is missing from the vocabulary/);
    assert.throws(() => BPETokenizer.fromFiles('{}', 'a b c\n'), /merges\.txt line 1: expected two symbols, got "a b c"/);
  });
});
