import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, binaryCrossEntropy, tensor } from '../../src/index.js';
import { WordTokenizer, padSequence } from '../../src/data/wordTokenizer.js';
import { MaskedSentimentModel, SentimentModel } from '../../src/models/classify/sentiment.js';
import { SGD } from '../../src/optim/sgd.js';
import { assertClose } from '../helpers.js';

describe('word tokenizer and sentiment models (course problem)', () => {
  const positive = ['Dogecoin to the moon', 'I will win'];
  const negative = ['I will lose', 'The stock fell'];

  test('vocabulary is sorted with ids from 1; the dataset is padded with 0, positives first', () => {
    const tokenizer = WordTokenizer.fromTexts([...positive, ...negative]);
    assert.deepEqual(tokenizer.vocabulary, ['Dogecoin', 'I', 'The', 'fell', 'lose', 'moon', 'stock', 'the', 'to', 'will', 'win']);
    const data = padSequence([...positive, ...negative].map((t) => tokenizer.encode(t)));
    assert.deepEqual(data.tolist(), [[1, 9, 8, 6], [2, 10, 11, 0], [2, 10, 5, 0], [3, 7, 4, 0]]);
    assert.equal(data.dtype, 'int32');
    assert.equal(tokenizer.decode([2, 10, 11, 0]), 'I will win');
    assert.deepEqual(padSequence([[1, 2], [3]], { batchFirst: false }).tolist(), [[1, 3], [2, 0]]);
    assert.throws(() => tokenizer.encode('I will fly'), /word "fly" \(word 2 of "I will fly"\) is not in the vocabulary/);
  });

  test('SentimentModel maps (B, T) ids to (B, 1) probabilities and learns the toy data', () => {
    const tokenizer = WordTokenizer.fromTexts([...positive, ...negative]);
    const x = padSequence([...positive, ...negative].map((t) => tokenizer.encode(t)));
    const y = tensor([[1], [1], [0], [0]]);
    const model = new SentimentModel(tokenizer.size, new Generator(0));
    assert.deepEqual(model.forward(x).shape, [4, 1]);
    const opt = new SGD(model.parameters(), 1);
    for (let i = 0; i < 200; i++) {
      opt.zeroGrad();
      binaryCrossEntropy(model.forward(x), y).backward();
      opt.step();
    }
    assert.deepEqual(model.forward(x).toFlatArray().map(Math.round), [1, 1, 0, 0]);
  });

  test('the masked model ignores padding: adding pad tokens does not change its output', () => {
    const model = new MaskedSentimentModel(12, new Generator(1));
    const short = model.forward(tensor(Int32Array.from([2, 10, 11]), { shape: [1, 3] })).item();
    const padded = model.forward(tensor(Int32Array.from([2, 10, 11, 0, 0, 0]), { shape: [1, 6] })).item();
    assertClose(padded, short, { rtol: 1e-6 });
    const plain = new SentimentModel(12, new Generator(1));
    assert.notEqual(plain.forward(tensor(Int32Array.from([2, 10, 11, 0, 0, 0]), { shape: [1, 6] })).item(),
      plain.forward(tensor(Int32Array.from([2, 10, 11]), { shape: [1, 3] })).item());
  });
});
