// npm run results: the marked tables are rewritten from the records, --check fails on a number beyond its tolerance,
// and the rows CI can afford reproduce the numbers docs/results.json records.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { differences } from '../../scripts/results/compare.js';
import { beginMarker, endMarker, renderTable, replaceBlock } from '../../scripts/results/markdown.js';
import { renderFile, storeText, type Records } from '../../scripts/results/main.js';
import { recipeNamed } from '../../scripts/results/recipes.js';
import { shellCommand } from '../../scripts/results/run.js';
import { projectRoot } from '../helpers.js';

const root = projectRoot();
const main = join(root, 'dist', 'scripts', 'results', 'main.js');
const records = (): Records => JSON.parse(readFileSync(join(root, 'docs', 'results.json'), 'utf8'));
const results = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ZEROGRAD_SMOKE: '' } });

describe('the results tables', () => {
  test('a marked table is replaced between its markers and nothing else moves; a missing end marker is one line naming the file and line', () => {
    const text = `intro\n${beginMarker('t')}\n| old |\n|---|\n| 1 |\n${endMarker('t')}\nafter\n`;
    const table = renderTable(['a', 'b'], [['1', 'x|y']]);
    const once = replaceBlock(text, 'f.md', 't', table);
    assert.equal(once, `intro\n${beginMarker('t')}\n| a | b |\n|---|---|\n| 1 | x\\|y |\n${endMarker('t')}\nafter\n`);
    assert.equal(replaceBlock(once, 'f.md', 't', table), once, 'rewriting is idempotent');
    assert.throws(() => replaceBlock(`a\n${beginMarker('t')}\n| x |`, 'f.md', 't', table), /^Error: f\.md:2: table t has no '<!-- results:end t -->' line after it$/);
    assert.throws(() => replaceBlock('a', 'f.md', 'u', table), /f\.md: no '<!-- results:begin u /);
  });

  test("a row's cells come from its record: a new bigram value lands in both files, with its commit, date and time", () => {
    const r = records();
    r.bigram = { values: { nll: '2.4321' }, commit: 'abc1234', date: '2027-01-02', seconds: 1.25 };
    const docs = renderFile(readFileSync(join(root, 'docs', 'results.md'), 'utf8'), 'docs/results.md', r);
    assert.match(docs, /\| \*\*2\.4321\*\* \(lecture: 2\.4544\) \| `npx zerograd makemore train --model bigram --data data\/names\.txt` \| `abc1234` 2027-01-02, 1\.3 s \|/);
    const readme = renderFile(readFileSync(join(root, 'README.md'), 'utf8'), 'README.md', r);
    assert.match(readme, /\| bigram counts \(NLL over all names\) \| 2\.45 \| 2\.4321 \| `bigram` \|/);
    assert.equal(renderFile(docs, 'docs/results.md', r), docs, 'rendering twice gives the same file');
    assert.throws(() => renderFile(`${beginMarker('nope')}\n${endMarker('nope')}\n`, 'README.md', r), /README\.md: table 'nope' is marked but not declared/);
  });

  test('--check reports a number beyond its tolerance in one line naming the row, and accepts one within it; timings are not compared', () => {
    const recipe = recipeNamed('digits-cnn');
    const recorded = { values: { accuracy: '0.9722', epochSeconds: '0.07', twinAccuracy: '0.9500', twinEpochSeconds: '0.1' }, commit: null, date: null, seconds: null };
    assert.deepEqual(differences(recipe, recorded, { accuracy: '0.9778', epochSeconds: '9', twinAccuracy: '0.9500', twinEpochSeconds: '9' }), [], 'one image of 180 is within 0.006');
    assert.deepEqual(differences(recipe, recorded, { accuracy: '0.9611', epochSeconds: '0.07', twinAccuracy: '0.9500', twinEpochSeconds: '0.1' }),
      ['digits-cnn: accuracy 0.9611 differs from the recorded 0.9722 by 0.0111, beyond its tolerance 0.006 (docs/results.json)']);
  });

  test('the commands run as the docs show them, on the built CLI and build', () => {
    assert.equal(shellCommand('ZEROGRAD_BACKEND=reference npx zerograd makemore train', '/r'), 'ZEROGRAD_BACKEND=reference node /r/dist/src/cli/bin.js makemore train');
    assert.equal(shellCommand('zerograd kmeans', '/r'), 'node /r/dist/src/cli/bin.js kmeans');
    assert.equal(shellCommand('node dist/examples/16-lora.js', '/r'), 'node /r/dist/examples/16-lora.js');
    assert.equal(shellCommand('/usr/bin/python3 scripts/vision_torch_twin.py runs/x', '/r'), '/usr/bin/python3 scripts/vision_torch_twin.py runs/x');
  });

  test('docs/results.json is written in a stable order, and the tables in the repository are what it gives', () => {
    const text = readFileSync(join(root, 'docs', 'results.json'), 'utf8');
    assert.equal(storeText(JSON.parse(text)), text);
    const run = results('--check', '--render');
    assert.equal(run.status, 0, run.stderr);
  });
});

describe('npm run results -- --check', () => {
  test('fails, naming the row and the number, when a recorded number differs from what the command prints', () => {
    const r = records();
    r.bigram.values.nll = '2.4600';
    const file = join(mkdtempSync(join(tmpdir(), 'zerograd-results-test-')), 'results.json');
    writeFileSync(file, storeText(r));
    const run = results('--check', '--only', 'bigram', '--records', file);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^error: bigram: nll 2\.4546 differs from the recorded 2\.4600 by 0\.0054, beyond its tolerance 0\.0001 \(.*results\.json\)$/m);
  });

  test('passes on the rows CI can afford (about 20 s on 2 cores)', () => {
    const run = results('--check', '--ci');
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    for (const name of ['bigram', 'cmp-mlp', 'digits-cnn', 'kmeans']) assert.match(run.stdout, new RegExp(`^  ${name}: `, 'm'));
  });
});
