import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GPT_TRAIN, gptSample, gptTrain } from '../../src/cli/gpt.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { projectRoot, corpusPath } from '../helpers.js';
import { assertSameRun, crashResumeAndReference } from './crash.js';
import '../cliBackend.js';

const quiet = { log: () => {}, progress: null };
const shakespeare = corpusPath('tinyshakespeare.txt');
const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');

describe('zerograd gpt CLI', () => {
  test('shortened Tiny Shakespeare run (n_embd 32, 4 heads, 3 blocks, block 8): val < 2.5; samples continue a prompt', () => {
    const out = mkdtempSync(join(tmpdir(), 'zerograd-gpt-'));
    const { val } = gptTrain(['--data', shakespeare, '--config', 'tiny', '--steps', '300', '--lr', '1e-2', '--eval-every', '300',
      '--eval-iters', '20', '--out', out, '--sample-tokens', '20'], quiet);
    assert.ok(val < 2.5, `val ${val}`);
    assert.match(readFileSync(join(out, 'loss.svg'), 'utf8'), /<svg/);
    const text = gptSample(['--checkpoint', out, '--prompt', 'ROMEO:', '--max-new-tokens', '40', '--top-k', '5', '--temperature', '0.8'], quiet);
    assert.ok(text.startsWith('ROMEO:'));
    assert.equal(text.length, 46);
    const checkpoint = loadCheckpoint(out);
    assert.ok(checkpoint.model.has('transformer.h.2.attn.c_attn.weight'));
  });

  test('a run with dropout killed (SIGKILL) after a checkpoint resumes to exactly the weights and sample of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-gpt-resume-'));
    const data = join(dir, 'small.txt');
    writeFileSync(data, readFileSync(shakespeare, 'utf8').slice(0, 20_000));
    // Checkpoints fall on evaluation steps, so the run is killed after a checkpoint whose step evaluated.
    const common = ['--data', data, '--config', 'tiny', '--steps', '200', '--eval-every', '50', '--eval-iters', '2',
      '--checkpoint-every', '50', '--sample-tokens', '40', '--lr', '3e-3', '--dropout', '0.1'];
    const run = await crashResumeAndReference(GPT_TRAIN, common, dir, (argv) => gptTrain(argv, quiet));
    const b = run.crashed;
    assert.ok(run.killedAt < 200, `the run was interrupted at step ${run.killedAt}`);
    assert.equal(b.trainer.step, 200);
    assert.deepEqual((b.config.evals as number[][]).map(([step]) => step), [50, 100, 150, 200], 'every evaluation is in the checkpoint');
    assertSameRun(run.reference, b);
    assert.equal(run.resumed.sample, run.straight.sample);
    assert.equal(readFileSync(join(dir, 'crashed', 'loss.svg'), 'utf8'), readFileSync(join(dir, 'reference', 'loss.svg'), 'utf8'));
  });

  test('--sample-tokens is checked before the first step: a bad value trains nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-gpt-sample-tokens-'));
    const out = join(dir, 'run');
    assert.throws(() => gptTrain(['--steps', '3', '--eval-iters', '1', '--sample-tokens', '1e8', '--out', out], quiet),
      /--sample-tokens: expected a decimal integer from 0 to 100000, got '1e8'/);
    assert.ok(!existsSync(join(out, 'latest.json')), 'no step ran, so no checkpoint was written');
  });

  test('the main job (npm start = zerograd demo) trains on the embedded names and prints a sample', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zerograd-demo-'));
    const result = spawnSync(process.execPath, [bin, 'demo', '--steps', '30'], { encoding: 'utf8', cwd });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /from embedded names \(@stdlib first names\)/);
    assert.match(result.stdout, /step 30: train loss \d\.\d+, val loss \d\.\d+/);
    assert.ok(existsSync(join(cwd, 'runs', 'demo', 'latest.json')));
    assert.ok(result.stdout.trim().split('\n').length > 5, 'prints the sampled names');
  });

  test('resume takes the settings from the checkpoint: contradicting flags are refused, --extend trains on at the final rate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-gpt-settings-'));
    const data = join(dir, 'small.txt');
    writeFileSync(data, readFileSync(shakespeare, 'utf8').slice(0, 5_000));
    const out = join(dir, 'run');
    gptTrain(['--data', data, '--steps', '20', '--schedule', 'cosine', '--eval-iters', '1', '--out', out, '--sample-tokens', '1'], quiet);
    const cases: [string[], RegExp][] = [
      [['--config', 'small', '--block-size', '64'], /--config small contradicts the checkpoint in .*run, which has tiny/],
      [['--block-size', '64'], /--block-size 64 contradicts the checkpoint in .*run, which has 8/],
      [['--steps', '50'], /--steps 50 contradicts the checkpoint in .*run, which has 20/],
      [['--lr', '0.5'], /--lr 0.5 contradicts the checkpoint in .*run, which has 0.002/],
      [[], /the run in .*run finished all 20 steps; --extend N trains N more/],
    ];
    for (const [flags, message] of cases) assert.throws(() => gptTrain(['--out', out, '--resume', ...flags], quiet), message);
    assert.throws(() => gptTrain(['--out', join(dir, 'fresh'), '--extend', '5'], quiet), /--extend continues a finished run; give --resume too/);
    gptTrain(['--out', out, '--resume', '--extend', '10', '--sample-tokens', '1'], quiet);
    const extended = loadCheckpoint(out);
    assert.equal(extended.trainer.step, 30);
    const train = extended.config.train as { steps: number; decaySteps: number; minLr: number };
    assert.deepEqual([train.steps, train.decaySteps], [30, 20], 'the cosine still ends at the planned step 20; 20..30 train at minLr');
    assert.equal(extended.config.data, data, 'the data file is part of the checkpoint');
  });

  test('text without a newline trains and samples; an empty or missing prompt starts from a known character', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-gpt-nonewline-'));
    const data = join(dir, 'one-line.txt');
    writeFileSync(data, 'abcabcabdabcabcabd'.repeat(40));
    const out = join(dir, 'run');
    const { sample } = gptTrain(['--data', data, '--steps', '5', '--eval-iters', '1', '--out', out, '--sample-tokens', '10'], quiet);
    assert.equal(sample.length, 11);
    for (const prompt of [[], ['--prompt', '']]) {
      const text = gptSample(['--checkpoint', out, '--max-new-tokens', '7', ...prompt], quiet);
      assert.match(text, /^[abcd]{8}$/);
    }
    const streamed: string[] = [];
    const text = gptSample(['--checkpoint', out, '--prompt', 'ab', '--max-new-tokens', '5'], { ...quiet, write: (t) => streamed.push(t) });
    assert.deepEqual(streamed.slice(0, 6), ['ab', ...text.slice(2).split('')], 'the prompt, then each token as it is sampled');
    assert.equal(streamed.at(-1), '\n');
  });

  test('bad input is reported with the file and the numbers at fault', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-gpt-bad-'));
    writeFileSync(join(dir, 'short.txt'), 'to be or not to be, that is the question');
    const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
    const cases: [string[], number, RegExp][] = [
      [['gpt', 'train', '--config', 'huge'], 2, /--config: expected one of tiny, small, cpu, seed, got 'huge'/],
      [['gpt', 'train', '--data', join(dir, 'short.txt')], 2, /short\.txt: the validation split \(last 10%\) has 4 tokens, fewer than block size 8 \+ 1/],
      [['gpt', 'train', '--data', join(dir, 'missing.txt')], 1, /missing\.txt: cannot read the file \(ENOENT\)/],
      [['gpt', 'sample'], 2, /gpt sample: --checkpoint DIR is required/],
      [['gpt', 'sample', '--checkpoint', dir, '--max-new-tokens', '1e9'], 2, /--max-new-tokens: expected a decimal integer from 1 to 100000, got '1e9'/],
      [['gpt', 'train', '--steps', '0x10'], 2, /--steps: expected a decimal integer from 1 to 1000000000, got '0x10'/],
      [['gpt', 'train', '--seed', '9007199254740993'], 2, /--seed: expected a decimal integer >= 0, got '9007199254740993'/],
      [['gpt', 'train', '--config', 'seed', '--batch-size', '100000', '--max-memory', '8G'], 1,
        /gpt train: GPT n_embd 384, 6 layers, block 256, batch 100000: about .* parameters would need about .* TiB to train, more than --max-memory 8G \(8\.0 GiB\)/],
    ];
    for (const [args, code, message] of cases) {
      const started = performance.now();
      const result = run(args);
      assert.equal(result.status, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, code === 2 ? 2 : 1, `one line (and the help hint): ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(performance.now() - started < 5000, `${args.join(' ')} fails fast`);
    }
  });
});
