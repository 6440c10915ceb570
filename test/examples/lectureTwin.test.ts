import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type TwinRun, comparisonLines, disagreements, readTwin } from '../../examples/lectureTwin.js';
import { projectRoot } from '../helpers.js';

const root = projectRoot();
const twin: TwinRun = { command: 'twin.py', steps: 3, losses: { 0: 3.2958, 1: 3.1 }, train: 2.5, val: 2.6 };
const same = { losses: [3.2958, 3.1, 3.0], train: 2.5, val: 2.6 };

describe('lecture twins: the lecture\'s losses beside the lesson\'s', () => {
  test('every fixture in test/fixtures/twins has runs with step 0, the final losses and the command that made them', () => {
    const files = readdirSync(join(root, 'test', 'fixtures', 'twins'));
    assert.deepEqual(files.sort(), ['03-mlp.json', '04-batchnorm-diagnostics.json', '05-backprop-ninja.json', '06-wavenet.json', '07-gpt.json']);
    for (const file of files) {
      for (const mode of ['fast', 'full'] as const) {
        if (file === '05-backprop-ninja.json' && mode === 'fast') continue;
        const run = readTwin(root, file.replace('.json', ''), mode);
        assert.match(run.command, new RegExp(`^/usr/bin/python3 scripts/twins/\\w+\\.py${mode === 'fast' ? ' --fast' : ''}$`), file);
        assert.ok(run.losses['0'] > 0 && run.train > 0 && run.val > 0, `${file} ${mode}`);
      }
    }
    // The twin reproduces what the notebook printed at step 0 (makemore part 5: "0/ 200000: 3.3167").
    assert.equal(readTwin(root, '06-wavenet', 'fast').losses['0'].toFixed(4), '3.3167');
  });

  test('a missing run is an error naming the file', () => {
    assert.throws(() => readTwin(root, '05-backprop-ninja', 'fast'), /05-backprop-ninja\.json: no 'fast' run/);
  });

  test('formats one line per recorded step and the final split losses', () => {
    assert.deepEqual(comparisonLines(twin, { ...same, losses: [3.29581, 3.2] }), [
      'step 0: zerograd 3.2958 lecture 3.2958',
      'step 1: zerograd 3.2000 lecture 3.1000',
      'after 3 steps, train: zerograd 2.5000 lecture 2.5000',
      'after 3 steps, val: zerograd 2.6000 lecture 2.6000',
    ]);
    assert.equal(comparisonLines(twin, { ...same, losses: [] })[0], 'step 0: zerograd - lecture 3.2958');
  });

  test('agreement: step 0 within 1e-5, the final losses within 0.01, the same number of steps', () => {
    assert.deepEqual(disagreements(twin, same), []);
    assert.deepEqual(disagreements(twin, { ...same, losses: [3.2958 + 5e-6, 3.3, 3.4], val: 2.609 }), []);
    assert.match(disagreements(twin, { ...same, losses: [3.2959, 3.1, 3.0] }).join(), /step 0: .*a different split, init or batch/);
    assert.match(disagreements(twin, { ...same, train: 2.52 }).join(), /final train: zerograd 2\.5200 lecture 2\.5000/);
    assert.match(disagreements(twin, { ...same, losses: [3.2958] }).join(), /ran 1 steps, the lecture's twin 3/);
    assert.equal(disagreements(twin, { ...same, val: Number.NaN }).length, 1);
  });
});
