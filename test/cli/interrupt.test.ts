// Stopping a training command: Ctrl-C and SIGTERM save and stop, a second signal stops at once, a checkpoint is
// saved every --save-every-minutes, and what was saved resumes exactly.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { projectRoot } from '../helpers.js';
import { assertSameRun } from './crash.js';

const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');
const STEPS = 300;
// Small enough that an uninterrupted run takes seconds; one evaluation, at the end.
const gpt = ['gpt', 'train', '--config', 'tiny', '--batch-size', '4', '--steps', String(STEPS), '--eval-every', String(STEPS),
  '--eval-iters', '2', '--sample-tokens', '40', '--checkpoint-every', String(STEPS)];

const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

/** Starts a training command and resolves once its output (stdout and stderr, read as they come) matches `ready`. */
async function startedRun(args: string[], ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
  while (!ready.test(output)) {
    if (child.exitCode !== null) assert.fail(`the run ended before ${ready}: ${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, output: () => output };
}

describe('stopping a training run', () => {
  test('SIGTERM (as Ctrl-C) finishes the step, saves, releases the lock, prints how to continue; --resume then equals an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-stop-'));
    const whole = join(dir, 'whole');
    const cut = join(dir, 'cut');
    const reference = run([...gpt, '--out', whole]);
    assert.equal(reference.status, 0, reference.stderr);

    const { child, output } = await startedRun([...gpt, '--out', cut], / 30\/300 loss/);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 143, output());
    const saved = loadCheckpoint(cut).trainer.step;
    assert.ok(saved >= 30 && saved < STEPS, `saved at step ${saved}`);
    assert.match(output(), new RegExp(`interrupted after step ${saved}; saved .*step-0*${saved}; continue with: zerograd gpt train --out ${cut} --resume`));
    assert.equal(existsSync(join(cut, 'lock')), false, 'the lock is released');

    const resumed = run(['gpt', 'train', '--out', cut, '--resume', '--sample-tokens', '40']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assertSameRun(loadCheckpoint(whole), loadCheckpoint(cut));
    const sample = (stdout: string) => stdout.slice(stdout.indexOf('\n', stdout.indexOf('checkpoint: ')), stdout.indexOf('next steps:'));
    assert.equal(sample(resumed.stdout), sample(reference.stdout), 'the same sample after training');
  });

  test('a second Ctrl-C stops at once, and the lock is still released', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zerograd-stop-')), 'run');
    // A model whose steps are long enough for the second signal to arrive during one.
    const { child, output } = await startedRun([...gpt, '--config', 'cpu', '--batch-size', '32', '--steps', '1000000', '--out', out], /model: GPT/);
    child.kill('SIGINT');
    while (!/Ctrl-C: finishing this step/.test(output())) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 130, output());
    assert.match(output(), /stopped at once/);
    assert.equal(existsSync(join(out, 'lock')), false, 'the lock is released');
    const again = run([...gpt, '--steps', '5', '--out', out, '--overwrite']);
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /stale lock/);
  });

  test('--save-every-minutes saves between the periodic checkpoints, so a crash loses at most that much', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zerograd-stop-')), 'run');
    // Every 30 ms: the first timed checkpoint comes long before --checkpoint-every's.
    const { child } = await startedRun([...gpt, '--out', out, '--save-every-minutes', '0.0005'], /model: GPT/);
    while (!existsSync(join(out, 'latest.json'))) await new Promise((r) => setTimeout(r, 10));
    process.kill(-child.pid!, 'SIGKILL');
    await once(child, 'exit');
    const { step } = loadCheckpoint(out).trainer;
    assert.ok(step > 0 && step < STEPS, `a timed checkpoint at step ${step}`);
  });
});
