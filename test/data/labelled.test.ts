import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readConll, readLabelledFile } from '../../src/data/labelledFiles.js';

const dir = mkdtempSync(join(tmpdir(), 'zerograd-labelled-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('labelled data loaders', () => {
  test('CSV with quoted commas, escaped quotes, newlines in fields and columns in any order', () => {
    const rows = readLabelledFile(file('a.csv', 'label,text\r\nspam,"Win $$$, now"\nham,"She said ""hi""\nthen left"\n\nham,plain\n'));
    assert.deepEqual(rows, [
      { text: 'Win $$$, now', label: 'spam' },
      { text: 'She said "hi"\nthen left', label: 'ham' },
      { text: 'plain', label: 'ham' },
    ]);
  });

  test('TSV and JSONL', () => {
    assert.deepEqual(readLabelledFile(file('a.tsv', 'text\tlabel\ngood day\tpos\n')), [{ text: 'good day', label: 'pos' }]);
    assert.deepEqual(readLabelledFile(file('a.jsonl', '{"text": "bad", "label": 0}\n\n{"text": "ok", "label": "1"}\n')),
      [{ text: 'bad', label: '0' }, { text: 'ok', label: '1' }]);
  });

  test('malformed rows are reported with file and line number', () => {
    const cases: [string, string, RegExp][] = [
      ['bad.csv', 'text,label\na,b\nonly one field\n', /bad\.csv:3: expected 2 fields, got 1/],
      ['quote.csv', 'text,label\n"open,b\n', /quote\.csv:2: unterminated quoted field/],
      ['header.csv', 'sentence,class\na,b\n', /header\.csv:1: the header must name "text" and "label" columns/],
      ['bad.jsonl', '{"text": "a", "label": 1}\n{oops}\n', /bad\.jsonl:2: invalid JSON/],
      ['nolabel.jsonl', '{"text": "a"}\n', /nolabel\.jsonl:1: expected a string or number "label"/],
      ['empty.tsv', 'text\tlabel\n', /empty\.tsv: no rows/],
      ['data.xml', '<a/>', /data\.xml: unsupported extension '\.xml'/],
    ];
    for (const [name, content, message] of cases) assert.throws(() => readLabelledFile(file(name, content)), message, name);
  });

  test('CoNLL: token and last-column tag per line, blank lines between sentences, DOCSTART skipped', () => {
    const sentences = readConll(file('a.conll', '-DOCSTART- O\n\nbook B-action\na O\nflight B-object\n\nto O\nBoston B-city\n'));
    assert.deepEqual(sentences, [
      { tokens: ['book', 'a', 'flight'], tags: ['B-action', 'O', 'B-object'] },
      { tokens: ['to', 'Boston'], tags: ['O', 'B-city'] },
    ]);
    assert.throws(() => readConll(file('b.conll', 'book B-action\nlonely\n')), /b\.conll:2: expected "token tag", got "lonely"/);
  });
});
