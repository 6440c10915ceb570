import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatConll } from '../../src/data/labelled.js';
import { readConll } from '../../src/data/labelledFiles.js';
import { slotFillingCorpus } from '../../src/data/slotFilling.js';
import { emailText } from '../../src/data/emailText.js';
import { spamAssassinCorpus } from '../../src/data/spamAssassin.js';

describe('embedded SpamAssassin corpus', () => {
  test('6,046 emails: 1,896 spam and 4,150 ham', () => {
    const rows = spamAssassinCorpus();
    assert.equal(rows.length, 6046);
    assert.equal(rows.filter((r) => r.label === 'spam').length, 1896);
    assert.equal(rows.filter((r) => r.label === 'ham').length, 4150);
    assert.ok(rows.every((r) => !/^Received:/m.test(r.text.split('\n')[0])));
  });

  test('emailText keeps the subject and body; relays, HTML tags, entities and base64 go', () => {
    const raw = [
      'Received: from relay.example.org', 'Subject: Cheap meds', 'X-Mailing-List: spamlist', '',
      '<html><b>Buy</b>&nbsp;now</html>', 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=',
    ].join('\n');
    assert.equal(emailText(raw), 'Cheap meds\nBuy  now');
    assert.equal(emailText('Subject: only headers'), 'only headers\n');
  });
});

describe('generated slot-filling corpus', () => {
  const corpus = slotFillingCorpus(500, 7);

  test('is reproducible from its seed and differs across seeds', () => {
    assert.deepEqual(slotFillingCorpus(500, 7), corpus);
    assert.notDeepEqual(slotFillingCorpus(500, 8), corpus);
  });

  test('tags are well-formed BIO: one per token, every I- continues a B- or I- of the same slot', () => {
    const slots = new Set<string>();
    for (const { tokens, tags } of corpus) {
      assert.equal(tokens.length, tags.length);
      tags.forEach((tag, i) => {
        assert.match(tag, /^(O|[BI]-(fromloc|toloc|stoploc|date|time|airline|class|name))$/);
        if (tag.startsWith('I-')) assert.equal(tags[i - 1].slice(2), tag.slice(2), `${tokens.join(' ')}: ${tags.join(' ')}`);
        if (tag !== 'O') slots.add(tag.slice(2));
      });
    }
    assert.equal(slots.size, 8);
  });

  test('the same city word is tagged fromloc, toloc and stoploc depending on context', () => {
    const tagsOfBoston = new Set(corpus.flatMap((s) => s.tokens.flatMap((t, i) => (t === 'boston' ? [s.tags[i]] : []))));
    assert.deepEqual([...tagsOfBoston].sort(), ['B-fromloc', 'B-stoploc', 'B-toloc']);
  });

  test('formatConll writes what readConll reads back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zerograd-conll-')), 'travel.conll');
    writeFileSync(path, formatConll(corpus));
    assert.deepEqual(readConll(path), corpus);
  });
});

describe('bundled corpora by name', () => {
  test('--data takes a corpus by name, with or without its extension; an existing path wins, anything else is left as given', async () => {
    const { dataArgument, corpusPath } = await import('../../src/data/corpora.js');
    assert.equal(dataArgument('names'), corpusPath('names.txt'));
    assert.equal(dataArgument('tinyshakespeare.txt'), corpusPath('tinyshakespeare.txt'));
    assert.equal(dataArgument('digits'), corpusPath('digits.csv.gz'));
    assert.equal(dataArgument('reviews.csv'), 'reviews.csv');
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-names-'));
    writeFileSync(join(dir, 'names'), 'anna\nbob\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      assert.equal(dataArgument('names'), 'names', 'a file of that name in this folder is read, not the corpus');
    } finally {
      process.chdir(cwd);
    }
  });
});
