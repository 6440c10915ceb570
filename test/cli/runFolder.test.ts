// A run folder's guarantees from the command line: a new run never replaces another unasked, --resume needs a
// checkpoint, and a write that fails midway (a full disk, a file-size limit) stops training with the path named
// while the run's earlier checkpoints stay whole and resume exactly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { projectRoot } from '../helpers.js';
import { assertSameRun } from './crash.js';

const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
/** The lecture's small GPT for 20 steps: checkpoints at 10 and 20, an optimizer file of about 320 KB. */
const gpt = ['gpt', 'train', '--config', 'tiny', '--batch-size', '4', '--steps', '20', '--checkpoint-every', '10', '--eval-every', '10',
  '--eval-iters', '2', '--sample-tokens', '10'];
const stepDirs = (dir: string) => readdirSync(dir).filter((e) => e.startsWith('step-')).sort();

describe('run folders', () => {
  test('a second run into a folder holding a run is refused with the ways forward; --overwrite replaces it', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zerograd-run-')), 'r');
    assert.equal(run([...gpt, '--out', out]).status, 0);
    const before = stepDirs(out);
    const second = run([...gpt, '--steps', '5', '--out', out]);
    assert.equal(second.status, 2);
    assert.match(second.stderr, /holds a run \(latest\.json, step-00000010, step-00000020\); --resume continues it .*--overwrite starts again and replaces it/);
    assert.deepEqual(stepDirs(out), before, 'nothing was deleted');
    assert.equal(loadCheckpoint(out).trainer.step, 20);
    // Refused by a check after the folder is opened: the old run is given back whole.
    const refused = run([...gpt, '--steps', '5', '--out', out, '--overwrite', '--max-memory', '1K']);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /more than --max-memory 1K/);
    assert.deepEqual(stepDirs(out), before);
    assert.equal(loadCheckpoint(out).trainer.step, 20);
    assert.deepEqual(readdirSync(out).filter((e) => e.startsWith('replaced')), []);
    const replaced = run([...gpt, '--steps', '5', '--checkpoint-every', '100', '--out', out, '--overwrite']);
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.deepEqual(stepDirs(out), ['step-00000005']);
  });

  test('--resume on a folder with no checkpoint is an error naming the folder, and creates nothing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zerograd-run-')), 'none');
    const result = run([...gpt, '--out', out, '--resume']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`--resume: ${out} has no checkpoint to continue`));
    assert.equal(existsSync(out), false);
  });

  test('under a file-size limit, a checkpoint that cannot be written whole stops the run with its path; the earlier ones stay and resume exactly',
    { skip: process.platform === 'win32' }, () => {
      const out = join(mkdtempSync(join(tmpdir(), 'zerograd-run-')), 'r');
      assert.equal(run([...gpt, '--out', out]).status, 0);
      const copy = `${out}-copy`;
      cpSync(out, copy, { recursive: true });
      // 200 blocks of 1 KiB: the model (160 KB) fits, the optimizer's moments (320 KB) do not.
      const limited = spawnSync('bash', ['-c', `ulimit -f 200; exec "${process.execPath}" "${bin}" "$@"`, 'bash', ...gpt, '--out', out, '--resume', '--extend', '20'],
        { encoding: 'utf8' });
      assert.equal(limited.status, 1, limited.stderr);
      assert.match(limited.stderr, /^error: .*step-00000030\.tmp-\d+\/optimizer\.safetensors: EFBIG: file too large/m);
      assert.equal(limited.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1);
      assert.deepEqual(stepDirs(out), ['step-00000010', 'step-00000020'], 'the earlier checkpoints stay, and no partial one is left');
      assert.equal(JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')).checkpoint, 'step-00000020');
      assert.equal(loadCheckpoint(out).trainer.step, 20);

      for (const dir of [out, copy]) assert.equal(run(['gpt', 'train', '--out', dir, '--resume', '--extend', '20']).status, 0);
      assertSameRun(loadCheckpoint(copy), loadCheckpoint(out));
    });
});
