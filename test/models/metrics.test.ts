import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classificationReport, taggingAccuracy } from '../../src/models/classify/metrics.js';
import { assertClose } from '../helpers.js';

describe('classification metrics', () => {
  test('accuracy, per-class precision/recall/F1, macro F1 and the confusion matrix', () => {
    const truth = ['spam', 'spam', 'spam', 'ham', 'ham'];
    const predicted = ['spam', 'spam', 'ham', 'ham', 'spam'];
    const report = classificationReport(truth, predicted);
    assert.deepEqual(report.labels, ['ham', 'spam']);
    assert.deepEqual(report.confusion, [[1, 1], [1, 2]]);
    assert.equal(report.accuracy, 3 / 5);
    const spam = report.perClass.find((c) => c.label === 'spam')!;
    assertClose([spam.precision, spam.recall, spam.f1, spam.support], [2 / 3, 2 / 3, 2 / 3, 3]);
    const ham = report.perClass.find((c) => c.label === 'ham')!;
    assertClose([ham.precision, ham.recall, ham.f1], [0.5, 0.5, 0.5]);
    assertClose(report.macroF1, (2 / 3 + 0.5) / 2);
  });

  test('a class never predicted gets precision 0, not NaN', () => {
    const report = classificationReport(['a', 'b'], ['a', 'a']);
    assert.equal(report.perClass[1].precision, 0);
    assert.equal(report.perClass[1].f1, 0);
    assert.throws(() => classificationReport(['a'], []), /1 labels but 0 predictions/);
  });

  test('tagging accuracy overall and on non-O tokens', () => {
    const result = taggingAccuracy([['O', 'B-city', 'O'], ['B-x']], [['O', 'O', 'O'], ['B-x']]);
    assert.equal(result.all, 3 / 4);
    assert.equal(result.entities, 1 / 2);
  });
});
