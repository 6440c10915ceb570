import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { classifyEval, classifyPredict, classifyTrain } from '../../src/cli/classify.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import '../cliBackend.js';

const quiet = { log: () => {}, progress: null };
const dir = mkdtempSync(join(tmpdir(), 'zerograd-classify-'));

/** Reviews whose label shows in their words: 100 rows, each with neutral filler. */
function writeReviews(): string {
  const good = ['great', 'lovely', 'excellent', 'superb', 'enjoyed'];
  const bad = ['awful', 'boring', 'terrible', 'dull', 'hated'];
  const filler = ['the', 'film', 'was', 'plot', 'actors', 'and', 'it'];
  const rows = ['text,label'];
  for (let i = 0; i < 100; i++) {
    const positive = i % 2 === 0;
    const words = [filler[i % 7], (positive ? good : bad)[i % 5], filler[(i + 3) % 7], (positive ? good : bad)[(i + 2) % 5]];
    rows.push(`"${words.join(' ')}",${positive ? 'pos' : 'neg'}`);
  }
  const path = join(dir, 'reviews.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('zerograd classify CLI', () => {
  const data = writeReviews();

  for (const model of ['bag', 'encoder']) {
    test(`${model}: train on a CSV file, then eval and predict from the checkpoint`, () => {
      const out = join(dir, model);
      const lines: string[] = [];
      const report = classifyTrain(['--data', data, '--model', model, '--steps', '120', '--lr', '1e-2', '--n-embd', '16',
        '--n-layer', '1', '--eval-every', '60', '--out', out], { log: (l) => lines.push(l), progress: null });
      assert.equal(report.accuracy, 1);
      assert.ok(lines.some((l) => /^step 60: train loss [\d.]+, val accuracy [\d.]+$/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => /^pos\s+1\.0000\s+1\.0000\s+1\.0000\s+\d+$/.test(l)), lines.join('\n'));
      assert.match(readFileSync(join(out, 'loss.svg'), 'utf8'), /<svg/);
      assert.deepEqual(loadCheckpoint(out).config.evals, [[60, 1], [120, 1]]);

      assert.equal(classifyEval(['--checkpoint', out], quiet).accuracy, 1);
      assert.equal(classifyEval(['--checkpoint', out, '--data', data], quiet).perClass[0].support, 50);
      const printed = classifyPredict(['--checkpoint', out], quiet, () => ['what a superb and lovely film', 'dull and boring']);
      assert.equal(printed.length, 2);
      assert.match(printed[0], /^pos\t(0\.\d{4}|1\.0000)$/);
      assert.match(printed[1], /^neg\t/);
    });
  }

  test('--resume --extend continues a finished run; a flag that contradicts the checkpoint is refused', () => {
    const out = join(dir, 'resumed');
    classifyTrain(['--data', data, '--steps', '40', '--eval-every', '20', '--out', out], quiet);
    assert.throws(() => classifyTrain(['--data', data, '--steps', '60', '--out', out, '--resume'], quiet),
      /--steps 60 contradicts the checkpoint in .*resumed, which has 40/);
    assert.throws(() => classifyTrain(['--out', out, '--resume', '--n-embd', '8'], quiet), /--n-embd 8 contradicts the checkpoint in .*, which has 64/);
    // The contradiction is said first, before a --val file that cannot be read.
    assert.throws(() => classifyTrain(['--out', out, '--resume', '--model', 'encoder', '--val', join(dir, 'missing.csv')], quiet),
      /--model encoder contradicts the checkpoint in .*, which has bag;/);
    assert.throws(() => classifyTrain(['--out', out, '--resume'], quiet), /finished all 40 steps; --extend N trains N more/);
    classifyTrain(['--out', out, '--resume', '--extend', '20'], quiet);
    const checkpoint = loadCheckpoint(out);
    assert.equal(checkpoint.trainer.step, 60);
    assert.equal(checkpoint.trainer.losses.length, 60);
    assert.equal((checkpoint.config.train as { steps: number }).steps, 60);
    assert.deepEqual((checkpoint.config.evals as number[][]).map(([step]) => step), [20, 40, 60]);
  });

  test('bad input: one label only, unknown labels at eval, no checkpoint given', () => {
    const single = join(dir, 'single.csv');
    writeFileSync(single, `text,label\n${Array.from({ length: 30 }, (_, i) => `word${i},same`).join('\n')}\n`);
    assert.throws(() => classifyTrain(['--data', single, '--out', join(dir, 'single')], quiet), /single\.csv: every row has the label 'same'/);
    const other = join(dir, 'other.csv');
    writeFileSync(other, 'text,label\ngreat,pos\nawful,meh\n');
    // A label the model never saw is an error in the score, with one warning, not a refusal of the whole file.
    const warnings: string[] = [];
    const report = classifyEval(['--checkpoint', join(dir, 'bag'), '--data', other], { ...quiet, warn: (w) => warnings.push(w) });
    assert.deepEqual(warnings, ["other.csv: 1 of 2 texts have a label the model never saw in training (meh); they count as errors".replace('other.csv', other)]);
    assert.ok(report.accuracy <= 0.5);
    assert.deepEqual(report.labels, ['neg', 'pos', 'meh']);
    assert.equal(report.perClass[2].recall, 0);
    assert.throws(() => classifyPredict([], quiet, () => []), /--checkpoint DIR is required/);
  });
});
