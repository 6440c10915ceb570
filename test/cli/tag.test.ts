import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { classifyPredict } from '../../src/cli/classify.js';
import { tagCorpus, tagEval, tagPredict, tagTrain } from '../../src/cli/tag.js';
import { readConll } from '../../src/data/labelledFiles.js';
import '../cliBackend.js';

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
    // The test split's headline is span F1, as conlleval and seqeval score slot filling.
    assert.ok(result.spans!.micro.f1 > 0.8, `span F1 ${result.spans!.micro.f1}`);
    const baselineSpanF1 = Number(/^context-free baseline .*: span F1 ([\d.]+) \(macro [\d.]+\) \| token accuracy /m.exec(lines.join('\n'))![1]);
    assert.ok(result.spans!.micro.f1 > baselineSpanF1 + 0.1, `tagger span F1 ${result.spans!.micro.f1} vs baseline ${baselineSpanF1}`);
    assert.ok(lines.includes(`test (60 held-out sentences): span F1 ${result.spans!.micro.f1.toFixed(4)} (micro: precision ${result.spans!.micro.precision.toFixed(4)}, `
      + `recall ${result.spans!.micro.recall.toFixed(4)}; ${result.spans!.correctSpans} of ${result.spans!.trueSpans} true spans found exactly, ${result.spans!.predictedSpans} predicted)`), lines.join('\n'));

    const evalLines: string[] = [];
    const evaluated = tagEval(['--checkpoint', out], { log: (l) => evalLines.push(l), progress: null });
    assert.equal(evaluated.entities, result.entities);
    assert.match(evalLines[0], /^test split of .*travel\.conll \(60 sentences\): span F1 (0\.\d{4}|1\.0000) \(micro: precision [\d.]+, recall [\d.]+; \d+ of \d+ true spans found exactly, \d+ predicted\)$/);
    assert.ok(evalLines[0].includes(`span F1 ${result.spans!.micro.f1.toFixed(4)} `), evalLines[0]);
    assert.match(evalLines[1], /^span macro average over \d+ types: precision [\d.]+, recall [\d.]+, F1 [\d.]+$/);
    assert.match(evalLines.find((l) => l.startsWith('toloc '))!, /^toloc\s+(0\.\d{4}|1\.0000)\s+[\d.]+\s+[\d.]+\s+\d+$/);
    assert.ok(evalLines.some((l) => /^token accuracy [\d.]+ \| accuracy on non-O tokens [\d.]+$/.test(l)), evalLines.join('\n'));
    const printed = tagPredict(['--checkpoint', out], quiet, () => ['flights from boston to denver tomorrow']);
    assert.equal(printed.length, 7);
    assert.match(printed[2], /^boston B-fromloc (0\.\d{4}|1\.0000)$/);
    assert.match(printed[4], /^denver B-toloc /);
    assert.equal(printed[6], '');
    assert.throws(() => classifyPredict(['--checkpoint', out], quiet, () => []), /holds a 'tag' checkpoint, not a text classifier/);
  });

  test('real test sets: unseen tags count as errors with one warning; 13+ tags write the confusion matrix to files', () => {
    // 14 tags: each word w<k> is tagged T<k>, in sentences of three words.
    const sentence = (i: number) => [0, 1, 2].map((j) => `w${(i + j) % 14} T${(i + j) % 14}`).join('\n');
    const trainFile = join(dir, 'many.conll');
    writeFileSync(trainFile, `${Array.from({ length: 140 }, (_, i) => sentence(i)).join('\n\n')}\n`);
    const testFile = join(dir, 'many-test.conll');
    writeFileSync(testFile, `${sentence(0)}\n\nw1 I-unseen\nw2 T2\n\nw3 I-other\n`);
    const out = join(dir, 'many');
    const lines: string[] = [];
    tagTrain(['--data', trainFile, '--test', testFile, '--steps', '40', '--lr', '1e-2', '--n-embd', '16', '--n-layer', '1', '--out', out],
      { log: (l) => lines.push(l), progress: null, warn: (w) => lines.push(`warning: ${w}`) });
    assert.ok(lines.includes(`warning: ${testFile}: 2 of 6 tokens have labels the model never saw in training (I-other, I-unseen); they count as errors`), lines.join('\n'));
    const pointer = lines.findIndex((l) => l.startsWith('confusion matrix of 16 labels:'));
    assert.ok(pointer > 0, lines.join('\n'));
    assert.equal(lines[pointer], `confusion matrix of 16 labels: ${join(out, 'confusion.csv')} and ${join(out, 'confusion.svg')}; the most frequent confusions:`);
    assert.ok(lines.slice(pointer + 1).some((l) => /^\s+1 {2}I-(other|unseen) -> T\d+$/.test(l)), lines.join('\n'));
    assert.ok(lines.every((l) => l.length < 200), 'no line thousands of columns wide');
    const csv = readFileSync(join(out, 'confusion.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 17);
    assert.equal(csv[0].split(',').length, 17);
    assert.match(readFileSync(join(out, 'confusion.svg'), 'utf8'), /^<svg[\s\S]*<\/svg>$/);
    // tag eval on the same file warns the same way instead of refusing it.
    const warnings: string[] = [];
    const result = tagEval(['--checkpoint', out, '--data', testFile, '--report-dir', join(dir, 'report')], { ...quiet, warn: (w) => warnings.push(w) });
    assert.equal(warnings.length, 1);
    assert.ok(result.all <= 4 / 6);
    // T0..T13 are not BIO tags, so there are no spans to score.
    assert.equal(result.spans, null);
    assert.ok(lines.some((l) => /^test \(3 held-out sentences\): no span scores, as tags T\d+, T\d+, T\d+, \.\.\. are not BIO \(O, B-type, I-type\)$/.test(l)), lines.join('\n'));
  });

  test('bad input: a CoNLL line without a tag names file and line', () => {
    const bad = join(dir, 'bad.conll');
    writeFileSync(bad, 'fly O\nboston B-toloc\n\nto\n');
    assert.throws(() => tagTrain(['--data', bad], quiet), /bad\.conll:4: expected "token tag", got "to"/);
  });
});
