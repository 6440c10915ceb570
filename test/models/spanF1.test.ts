import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractChunks, isBioTag, spanF1 } from '../../src/models/classify/spanF1.js';
import { assertClose } from '../helpers.js';

const spans = (tags: string[]) => extractChunks(tags).map((c) => `${c.type}[${c.start},${c.end})`);

describe('span (entity-level) precision, recall and F1', () => {
  test('chunks: B- starts one, an I- after O or another type starts one, O/B-/another type/the sentence end closes one', () => {
    assert.deepEqual(spans(['I-X', 'I-X', 'O']), ['X[0,2)'], 'an I- with no B- starts a span');
    assert.deepEqual(spans(['O', 'I-X', 'O', 'I-X', 'I-X']), ['X[1,2)', 'X[3,5)']);
    assert.deepEqual(spans(['B-X', 'B-X', 'I-X']), ['X[0,1)', 'X[1,3)'], 'adjacent spans of one type');
    assert.deepEqual(spans(['I-X', 'B-X']), ['X[0,1)', 'X[1,2)']);
    assert.deepEqual(spans(['B-X', 'I-Y']), ['X[0,1)', 'Y[1,2)'], 'a type change inside a span makes two');
    assert.deepEqual(spans(['B-X', 'I-X', 'I-Y', 'I-Y']), ['X[0,2)', 'Y[2,4)']);
    assert.deepEqual(spans(['O', 'B-X', 'I-X']), ['X[1,3)'], 'the sentence end closes a span');
    assert.deepEqual(spans(['B-X']), ['X[0,1)']);
    assert.deepEqual(spans(['O', 'O', 'O']), []);
    assert.deepEqual(spans([]), []);
    assert.deepEqual(spans(['B-X', 'T3', 'I-X']), ['X[0,1)', 'X[2,3)'], 'a tag outside the scheme closes a span, like O');
    assert.deepEqual(spans(['B-from-loc', 'I-from-loc']), ['from-loc[0,2)'], 'types may hold dashes');
    assert.ok(isBioTag('O') && isBioTag('B-x') && isBioTag('I-to-loc'));
    assert.ok(!isBioTag('T3') && !isBioTag('B-') && !isBioTag('E-x'));
  });

  test('only exact span and type match: wrong type and partial overlap are both a false positive and a miss (by hand)', () => {
    const truth = [
      ['B-PER', 'I-PER', 'O', 'B-LOC'], // PER[0,2) LOC[3,4)
      ['O', 'O', 'O'],
      ['B-LOC', 'I-LOC', 'B-ORG'], // LOC[0,2) ORG[2,3)
    ];
    const predicted = [
      ['B-PER', 'I-PER', 'O', 'B-ORG'], // PER right; ORG[3,4): right span, wrong type
      ['O', 'O', 'O'],
      ['B-LOC', 'O', 'I-ORG'], // LOC[0,1) overlaps LOC[0,2) partially: wrong; ORG[2,3) from an I-: right
    ];
    const report = spanF1(truth, predicted);
    assert.deepEqual([report.trueSpans, report.predictedSpans, report.correctSpans], [4, 4, 2]);
    assertClose([report.micro.precision, report.micro.recall, report.micro.f1], [2 / 4, 2 / 4, 1 / 2]);
    assert.deepEqual(report.perType.map((t) => [t.type, t.support, t.predicted, t.correct]), [['LOC', 2, 1, 0], ['ORG', 1, 2, 1], ['PER', 1, 1, 1]]);
    const [loc, org, per] = report.perType;
    assertClose([loc.precision, loc.recall, loc.f1], [0, 0, 0]);
    assertClose([org.precision, org.recall, org.f1], [1 / 2, 1, 2 / 3]);
    assertClose([per.precision, per.recall, per.f1], [1, 1, 1]);
    // Macro: the mean over the three types, which here differs from the micro average.
    assertClose([report.macro.precision, report.macro.recall, report.macro.f1], [1.5 / 3, 2 / 3, 5 / 9]);
    // All-O sentences add no spans, so they change nothing.
    assert.deepEqual(spanF1([truth[0], truth[2]], [predicted[0], predicted[2]]), report);
  });

  test('B-X B-X predicted as one span B-X I-X finds neither; a perfect tagging scores 1', () => {
    const report = spanF1([['B-X', 'B-X', 'O']], [['B-X', 'I-X', 'O']]);
    assert.deepEqual([report.trueSpans, report.predictedSpans, report.correctSpans], [2, 1, 0]);
    assert.equal(report.micro.f1, 0);
    const perfect = spanF1([['B-X', 'I-X', 'O', 'B-Y'], ['I-Z']], [['B-X', 'I-X', 'O', 'B-Y'], ['B-Z']]);
    assert.deepEqual([perfect.micro.f1, perfect.macro.f1], [1, 1], 'I-Z and B-Z read as the same span');
  });

  test('no spans anywhere scores 0, not NaN; a type only predicted counts in the macro mean; lengths must match', () => {
    const none = spanF1([['O', 'O'], []], [['O', 'O'], []]);
    assert.deepEqual([none.micro, none.macro, none.perType], [{ precision: 0, recall: 0, f1: 0 }, { precision: 0, recall: 0, f1: 0 }, []]);
    const invented = spanF1([['B-X', 'O']], [['B-X', 'B-Y']]);
    assertClose([invented.micro.precision, invented.micro.recall, invented.macro.recall, invented.macro.f1], [1 / 2, 1, 1 / 2, 1 / 2]);
    assert.throws(() => spanF1([['O']], []), /1 sentences but 0 predictions/);
    assert.throws(() => spanF1([['O', 'O']], [['O']]), /sentence 1 has 2 tags but 1 predictions/);
  });
});
