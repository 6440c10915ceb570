import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CharTokenizer, describeCharacters } from '../../src/data/charTokenizer.js';
import { buildContextDataset } from '../../src/data/contextDataset.js';
import { defaultNames } from '../../src/data/defaultNames.js';
import { readLines } from '../../src/data/lines.js';
import { splitItems } from '../../src/data/split.js';
import { corpusPath } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'zerograd-data-'));

describe('data', () => {
  test('names.txt gives the lecture vocabulary: 27 symbols with "." at 0', () => {
    const words = readLines(corpusPath('names.txt'));
    assert.equal(words.length, 32033);
    const tokenizer = CharTokenizer.forItems(words);
    assert.equal(tokenizer.vocabSize, 27);
    assert.equal(tokenizer.itos[0], '.');
    assert.deepEqual(tokenizer.encode('emma'), [5, 13, 13, 1]);
    assert.equal(tokenizer.decode([5, 13, 13, 1]), 'emma');
  });

  test('the embedded names corpus is lowercase a-z with the same 27-symbol vocabulary', () => {
    const names = defaultNames();
    assert.ok(names.length > 7000, `${names.length} names`);
    assert.ok(names.every((n) => /^[a-z]+$/.test(n)));
    assert.equal(CharTokenizer.forItems(names).vocabSize, 27);
  });

  test('context dataset: emma with block 3 gives the lecture rows', () => {
    const tokenizer = CharTokenizer.forItems(['abcdefghijklmnopqrstuvwxyz']);
    const { X, Y } = buildContextDataset(['emma'], 3, tokenizer);
    assert.deepEqual(X.tolist(), [[0, 0, 0], [0, 0, 5], [0, 5, 13], [5, 13, 13], [13, 13, 1]]);
    assert.deepEqual(Y.toFlatArray(), [5, 13, 13, 1, 0]);
    assert.equal(X.dtype, 'int32');
  });

  test('the seeded 80/10/10 split is deterministic and a partition', () => {
    const items = Array.from({ length: 100 }, (_, i) => `w${i}`);
    const a = splitItems(items, { seed: 42 });
    assert.deepEqual([a.train.length, a.val.length, a.test.length], [80, 10, 10]);
    assert.deepEqual(splitItems(items, { seed: 42 }), a);
    assert.deepEqual([...a.train, ...a.val, ...a.test].sort(), [...items].sort());
    assert.notDeepEqual(splitItems(items, { seed: 1 }).train, a.train);
  });

  test('bad input: missing file, empty file, too few lines, unknown characters', () => {
    assert.throws(() => readLines(join(tmp, 'nope.txt')), /nope\.txt: cannot read the file \(ENOENT\)/);
    writeFileSync(join(tmp, 'empty.txt'), '\n  \n');
    assert.throws(() => readLines(join(tmp, 'empty.txt')), /empty\.txt: the file is empty; expected one item per line/);
    writeFileSync(join(tmp, 'one.txt'), 'anna\n');
    assert.throws(() => readLines(join(tmp, 'one.txt'), { minLines: 3 }), /one\.txt: found 1 line\(s\), need at least 3/);
    const tokenizer = CharTokenizer.forItems(['abc']);
    assert.throws(() => tokenizer.encode('abz'), /character "z" at position 2 of "abz" is not in the vocabulary/);
    assert.throws(() => tokenizer.decode([9]), /id 9 is outside the vocabulary of 4/);
  });

  test('a character outside the vocabulary is reported with the vocabulary, compactly, and the spelling that fits', () => {
    const shakespeare = CharTokenizer.forText("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    assert.equal(describeCharacters(shakespeare.itos), '"\\n" " " "!" "$" "&" "\'" "," "-" "." "3" ":" ";" "?" A-Z a-z');
    assert.equal(shakespeare.unknownCharacter('ROMEO:'), null);
    assert.match(shakespeare.unknownCharacter('ROMEO 7')!, /^character "7" at position 6 of "ROMEO 7" is not in the vocabulary; its 65 characters are "\\n" .* A-Z a-z$/);
    const names = CharTokenizer.forItems(['anna', 'bob', 'xyz', 'cdefghijklmnopqrstuvw']);
    assert.equal(names.unknownCharacter('Ka'), 'character "K" at position 0 of "Ka" is not in the vocabulary; try "ka"; its 27 characters are "." a-z');
    // The prompt as a whole does not fit either case; the character alone does.
    assert.match(names.unknownCharacter('Ka1')!, /^character "K" .* not in the vocabulary; "k" is; its 27/);
  });
});
