import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, randn } from '../../src/index.js';
import { GPT, MultiHeadedSelfAttention, SingleHeadAttention, TransformerBlock, batchLoader, generate } from '../../src/lessons/gptProblems.js';
import { assertClose, ints } from '../helpers.js';

describe('GPT problem-set API', () => {
  test('batchLoader returns word windows with Y one word ahead of X', () => {
    const raw = 'Hello darkness my old friend I have come to talk with you again';
    const { X, Y } = batchLoader(raw, 4, 3, new Generator(0));
    assert.equal(X.length, 3);
    const words = raw.split(' ');
    X.forEach((x, b) => {
      assert.equal(x.length, 4);
      const start = words.indexOf(x[0]);
      assert.deepEqual(x, words.slice(start, start + 4));
      assert.deepEqual(Y[b], words.slice(start + 1, start + 5));
    });
    assert.throws(() => batchLoader('two words', 4, 1), /2 words is too few for context length 4/);
  });

  test('single and multi-headed attention shapes; heads must divide the attention size', () => {
    const embedded = randn([2, 5, 8], { generator: new Generator(1) });
    assert.deepEqual(new SingleHeadAttention(8, 6, new Generator(2)).forward(embedded).shape, [2, 5, 6]);
    assert.deepEqual(new MultiHeadedSelfAttention(8, 6, 3, new Generator(3)).forward(embedded).shape, [2, 5, 6]);
    assert.throws(() => new MultiHeadedSelfAttention(8, 6, 4), /must be divisible by the number of heads 4/);
  });

  test('TransformerBlock keeps the shape; GPT returns probabilities', () => {
    assert.deepEqual(new TransformerBlock(8, 2, new Generator(4)).forward(randn([2, 3, 8])).shape, [2, 3, 8]);
    const model = new GPT(10, 4, 8, 2, 2, new Generator(5));
    model.eval();
    const probs = model.forward(ints([1, 2, 3, 4, 5, 6], [2, 3]));
    assert.deepEqual(probs.shape, [2, 3, 10]);
    assertClose(probs.sum(-1).toFlatArray(), new Array(6).fill(1), { rtol: 1e-5 });
  });

  test('generate returns newChars characters and crops the context to contextLength', () => {
    const model = new GPT(5, 3, 8, 1, 2, new Generator(6));
    const text = generate(model, 12, ints([0], [1, 1]), 3, ['a', 'b', 'c', 'd', 'e'], new Generator(7));
    assert.equal(text.length, 12);
    assert.match(text, /^[a-e]+$/);
  });
});
