import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLS_ID, MASK_ID, PAD_ID, SPECIAL_TOKENS, UNK_ID, Vocabulary, normalizedWords } from '../../src/data/vocabulary.js';

describe('Vocabulary', () => {
  test('specials first, then words by frequency (ties alphabetical); rare and unseen words map to <unk>', () => {
    const vocab = Vocabulary.build([['b', 'a', 'b'], ['c', 'a', 'b'], ['rare']], { minCount: 2 });
    assert.deepEqual(vocab.tokens, [...SPECIAL_TOKENS, 'b', 'a']);
    assert.deepEqual([PAD_ID, UNK_ID, CLS_ID, MASK_ID], [0, 1, 2, 3]);
    assert.deepEqual(vocab.encode(['a', 'b', 'rare', 'never']), [5, 4, UNK_ID, UNK_ID]);
    assert.equal(vocab.size, 6);
  });

  test('maxSize counts the specials; a word spelled like a special is not added twice', () => {
    const vocab = Vocabulary.build([['x', 'x', 'y', '<unk>']], { maxSize: 5 });
    assert.deepEqual(vocab.tokens, [...SPECIAL_TOKENS, 'x']);
  });

  test('a saved token list without the specials in place is refused with the position at fault', () => {
    assert.throws(() => new Vocabulary(['<pad>', 'a']), /token 1 must be <unk>, got "a"/);
  });
});

describe('normalizedWords', () => {
  test('lowercases, keeps apostrophes inside words and the punctuation that matters in short texts', () => {
    assert.deepEqual(normalizedWords("WIN $1000 now!!! Don't wait -- 100% Free, café"),
      ['win', '$', '1000', 'now', '!', '!', '!', "don't", 'wait', '100', '%', 'free', 'café']);
    assert.deepEqual(normalizedWords('  '), []);
  });
});
