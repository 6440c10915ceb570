import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { classifyPredict } from '../../src/cli/classify.js';
import { tagCorpus, tagEval, tagPredict, tagTrain } from '../../src/cli/tag.js';
import { readConll } from '../../src/data/labelledFiles.js';

const quiet = { log: () => {}, progress: null };
const dir = mkdtempSync(join(tmpdir(), 'zerograd-tag-'));

describe('zerograd tag CLI', () => {
  test('corpus -> train on the CoNLL file -> eval and predict; the tagger beats the context-free baseline', () => {
    const data = tagCorpus(['--out', join(dir, 'travel.conll'), '--sentences', '600', '--seed', '3'], quiet);
    assert.equal(readConll(data).length, 600);
    const out = join(dir, 'run');
    const lines: string[] = [];
    const result = tagTrain(['--data', data, '--steps', '300', '--lr', '3e-3', '--n-embd', '32', '--n-layer', '1',
      '--eval-every', '150', '--out', out], { log: (l) => lines.push(l), progress: null });
    const baseline = Number(/context-free baseline .* non-O ([\d.]+)$/m.exec(lines.join('\n'))![1]);
    assert.ok(result.entities > 0.9, `non-O accuracy ${result.entities}`);
    assert.ok(result.entities > baseline + 0.1, `tagger ${result.entities} vs baseline ${baseline}`);
    assert.ok(lines.some((l) => /^B-toloc\s/.test(l)), lines.join('\n'));

    assert.equal(tagEval(['--checkpoint', out], quiet).entities, result.entities);
    const printed = tagPredict(['--checkpoint', out], quiet, () => ['flights from boston to denver tomorrow']);
    assert.equal(printed.length, 7);
    assert.match(printed[2], /^boston B-fromloc (0\.\d{4}|1\.0000)$/);
    assert.match(printed[4], /^denver B-toloc /);
    assert.equal(printed[6], '');
    assert.throws(() => classifyPredict(['--checkpoint', out], quiet, () => []), /holds a 'tag' checkpoint, not a text classifier/);
  });

  test('bad input: a CoNLL line without a tag names file and line', () => {
    const bad = join(dir, 'bad.conll');
    writeFileSync(bad, 'fly O\nboston B-toloc\n\nto\n');
    assert.throws(() => tagTrain(['--data', bad], quiet), /bad\.conll:4: expected "token tag", got "to"/);
  });
});
