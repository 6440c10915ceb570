import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, tensor } from '../../src/index.js';
import { CLS_ID, UNK_ID, Vocabulary } from '../../src/data/vocabulary.js';
import { BagOfEmbeddings } from '../../src/models/classify/bagOfEmbeddings.js';
import { startSupervisedRun, trainSupervised } from '../../src/models/classify/supervised.js';
import {
  type TaggerConfig, buildTagger, encodeTags, encodeTokens, mostFrequentTagBaseline, predictTags, taggerLoss,
} from '../../src/models/classify/tagging.js';
import {
  type TextClassifierConfig, buildTextClassifier, classifierLoss, encodeTexts, labelIds, predictLabels,
} from '../../src/models/classify/textClassifier.js';
import { assertClose } from '../helpers.js';

const texts = ['free money now', 'win cash now', 'meeting at noon', 'see the notes', 'cash prize win', 'notes from the meeting'];
const labels = ['spam', 'spam', 'ham', 'ham', 'spam', 'ham'];
const vocab = [...Vocabulary.build(texts.map((t) => t.split(' '))).tokens];
const train = { steps: 150, batchSize: 6, lr: 1e-2, weightDecay: 0, warmupSteps: 15, decaySteps: 150, evalEvery: 150, seed: 3 };

function classifierConfig(kind: 'bag' | 'encoder'): TextClassifierConfig {
  return { kind, vocab, labels: ['ham', 'spam'], maxLength: 8, nEmbd: 16, nHead: 2, nLayer: 1, dropout: 0 };
}

describe('text classifiers', () => {
  test('BagOfEmbeddings: (B, T) -> (B, K) logits, unchanged by extra padding', () => {
    const model = new BagOfEmbeddings(10, 4, 3, new Generator(0));
    const short = model.forward(tensor([[4, 5]], { dtype: 'int32' }));
    const padded = model.forward(tensor([[4, 5, 0, 0]], { dtype: 'int32' }));
    assert.deepEqual(short.shape, [1, 3]);
    assertClose(padded.toFlatArray(), short.toFlatArray());
  });

  test('encodeTexts cuts to maxLength, puts CLS first for the encoder, and maps unseen words to <unk>', () => {
    const long = 'win cash now win cash now win cash now unseen';
    const [bag] = encodeTexts(classifierConfig('bag'), [long]);
    const [enc] = encodeTexts(classifierConfig('encoder'), [long]);
    assert.equal(bag.length, 8);
    assert.equal(enc.length, 8);
    assert.equal(enc[0], CLS_ID);
    assert.deepEqual(encodeTexts(classifierConfig('bag'), ['zzz', ''])[0], [UNK_ID]);
    assert.deepEqual(encodeTexts(classifierConfig('bag'), [''])[0], [UNK_ID]);
  });

  for (const kind of ['bag', 'encoder'] as const) {
    test(`${kind}: trained with trainSupervised it separates the toy spam from ham`, () => {
      const config = classifierConfig(kind);
      const encoded = encodeTexts(config, texts);
      const targets = labelIds(labels.map((label, i) => ({ text: texts[i], label })), config.labels, 'toy');
      const run = startSupervisedRun(buildTextClassifier(config, new Generator(1)), train);
      let evaluated = 0;
      trainSupervised(run, train, texts.length, (indices) => classifierLoss(run.model, encoded, targets, indices), {
        evaluate: () => ++evaluated,
      });
      assert.equal(evaluated, 1);
      assert.deepEqual(run.evals, [[150, 1]]);
      assert.ok(run.losses.at(-1)! < 0.1, `final loss ${run.losses.at(-1)}`);
      const predicted = predictLabels(run.model, config, encoded, 4);
      assert.deepEqual(predicted.map((p) => p.label), labels);
      assert.ok(predicted.every((p) => p.probability > 0.5 && p.probability <= 1));
    });
  }

  test('labelIds names the row whose label the model does not know', () => {
    assert.throws(() => labelIds([{ text: 'x', label: 'ham' }, { text: 'y', label: 'eggs' }], ['ham', 'spam'], 'mail.csv'),
      /mail\.csv: row 2 has label 'eggs', which the model does not know \(labels: ham, spam\)/);
  });
});

describe('token tagger', () => {
  const sentences = [
    { tokens: ['fly', 'to', 'Boston'], tags: ['O', 'O', 'B-toloc'] },
    { tokens: ['from', 'boston', 'to', 'denver'], tags: ['O', 'B-fromloc', 'O', 'B-toloc'] },
    { tokens: ['from', 'denver'], tags: ['O', 'B-fromloc'] },
  ];
  const config: TaggerConfig = {
    vocab: [...Vocabulary.build(sentences.map((s) => s.tokens.map((t) => t.toLowerCase()))).tokens],
    tags: ['B-fromloc', 'B-toloc', 'O'], maxLength: 4, nEmbd: 16, nHead: 2, nLayer: 1, dropout: 0,
  };

  test('learns tags that depend on the word before, over sentences of different lengths', () => {
    const ids = encodeTokens(config, sentences.map((s) => s.tokens), 'toy');
    const tagIds = encodeTags(config, sentences, 'toy');
    const run = startSupervisedRun(buildTagger(config, new Generator(2)), train);
    trainSupervised(run, train, sentences.length, (indices) => taggerLoss(run.model, ids, tagIds, indices), { evaluate: () => 0 });
    const predicted = predictTags(run.model, config, ids, 2);
    assert.deepEqual(predicted.map((s) => s.map((t) => t.tag)), sentences.map((s) => s.tags));
  });

  test('errors name the sentence: a tag the model does not know, a sentence longer than its positions', () => {
    assert.throws(() => encodeTags(config, [{ tokens: ['x'], tags: ['B-date'] }], 'a.conll'), /a\.conll: sentence 1 has tag 'B-date'/);
    assert.throws(() => encodeTokens(config, [['a'], ['a', 'b', 'c', 'd', 'e']], 'stdin'), /stdin: sentence 2 has 5 tokens, more than the tagger's 4 positions/);
  });

  test('the context-free baseline tags each word with its most frequent training tag', () => {
    const baseline = mostFrequentTagBaseline([
      { tokens: ['fly', 'to', 'denver', 'Denver'], tags: ['O', 'O', 'B-toloc', 'B-fromloc'] },
      { tokens: ['from', 'denver'], tags: ['O', 'B-fromloc'] },
    ]);
    assert.deepEqual(baseline(['to', 'DENVER', 'unseen']), ['O', 'B-fromloc', 'O']);
  });
});
