import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdamW, Generator, crossEntropy, noGrad } from '../../src/index.js';
import {
  type EncoderConfig, MaskedLanguageModel, SequenceClassifier, TokenTagger, TransformerEncoder, maskTokens,
} from '../../src/models/classify/encoder.js';
import { assertClose, ints } from '../helpers.js';

const config: EncoderConfig = { vocabSize: 12, maxLength: 8, nEmbd: 16, nHead: 2, nLayer: 2, dropout: 0, postNorm: false, padId: 0 };

describe('transformer encoder', () => {
  test('padding is invisible: extra pad tokens leave every real position unchanged', () => {
    for (const postNorm of [false, true]) {
      const encoder = new TransformerEncoder({ ...config, postNorm }, new Generator(1));
      const short = noGrad(() => encoder.forward(ints([1, 5, 7], [1, 3]))).toFlatArray();
      const padded = noGrad(() => encoder.forward(ints([1, 5, 7, 0, 0], [1, 5]))).slice(1, 0, 3).toFlatArray();
      assertClose(padded, short, { rtol: 1e-5, atol: 1e-6, what: `postNorm=${postNorm}` });
    }
  });

  test('attention is bidirectional: position 0 sees a change at the last position', () => {
    const encoder = new TransformerEncoder(config, new Generator(2));
    const a = noGrad(() => encoder.forward(ints([1, 5, 7], [1, 3]))).slice(1, 0, 1).toFlatArray();
    const b = noGrad(() => encoder.forward(ints([1, 5, 8], [1, 3]))).slice(1, 0, 1).toFlatArray();
    assert.ok(a.some((v, i) => Math.abs(v - b[i]) > 1e-4));
  });

  test('a CLS classifier learns whether a sequence contains token 3', () => {
    const g = new Generator(3);
    const sequences = [[1, 4, 3, 5], [1, 6, 7, 0], [1, 3, 0, 0], [1, 5, 6, 7], [1, 7, 3, 0], [1, 4, 0, 0]];
    const labels = sequences.map((s) => +s.includes(3));
    const x = ints(sequences.flat(), [6, 4]);
    const y = ints(labels);
    const model = new SequenceClassifier(config, 2, g);
    const opt = new AdamW(model.parameters(), 3e-2);
    for (let i = 0; i < 60; i++) {
      opt.zeroGrad();
      crossEntropy(model.forward(x), y).backward();
      opt.step();
    }
    assert.deepEqual(noGrad(() => model.forward(x)).argmax(1).toFlatArray(), labels);
  });

  test('the tagger returns per-token logits; masked-LM targets count masked tokens only', () => {
    const tagger = new TokenTagger(config, 5, new Generator(4));
    assert.deepEqual(tagger.forward(ints([1, 2, 3, 0, 4, 5, 0, 0], [2, 4])).shape, [2, 4, 5]);
    const ids = ints([1, 2, 3, 4, 5, 6, 0, 0], [2, 4]);
    const { inputs, targets } = maskTokens(ids, 11, { p: 0.5, generator: new Generator(5) });
    const inArr = inputs.toFlatArray();
    const tgArr = targets.toFlatArray();
    const idArr = ids.toFlatArray();
    idArr.forEach((id, i) => {
      if (id === 0) assert.equal(inArr[i], 0, 'padding is never masked');
      if (inArr[i] === 11) assert.equal(tgArr[i], id);
      else assert.equal(tgArr[i], -100);
    });
    assert.ok(inArr.includes(11));
    const mlm = new MaskedLanguageModel(config, new Generator(6));
    const logits = mlm.forward(inputs);
    const loss = crossEntropy(logits, targets);
    assert.ok(Number.isFinite(loss.item()) && loss.item() > 0);
    assert.throws(() => new TransformerEncoder(config).forward(ints(new Array(9).fill(1), [1, 9])), /sequence length 9 exceeds the maximum length 8/);
  });
});
