import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { setBackend } from '../../src/index.js';
import { gptSample, gptTrain } from '../../src/cli/gpt.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { projectRoot, sharedData } from '../helpers.js';

const quiet = { log: () => {}, progress: null };
const shakespeare = sharedData('tinyshakespeare.txt');
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

  test('a run killed (SIGKILL) after a checkpoint resumes to exactly the weights of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-gpt-resume-'));
    const data = join(dir, 'small.txt');
    writeFileSync(data, readFileSync(shakespeare, 'utf8').slice(0, 20_000));
    const common = ['--data', data, '--config', 'tiny', '--steps', '200', '--eval-every', '50', '--eval-iters', '2',
      '--checkpoint-every', '10', '--sample-tokens', '1', '--lr', '3e-3'];
    const crashed = join(dir, 'crashed');
    const child = spawn(process.execPath, [bin, 'gpt', 'train', ...common, '--out', crashed], { stdio: 'ignore' });
    const latest = join(crashed, 'latest.json');
    while (!existsSync(latest)) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await once(child, 'exit');
    const killedAt = loadCheckpoint(crashed).trainer.step;
    // Finish on the backend the command line used, so both runs round identically.
    const previous = setBackend(createWasmBackend());
    const reference = join(dir, 'reference');
    try {
      gptTrain([...common, '--out', crashed, '--resume'], quiet);
      gptTrain([...common, '--out', reference], quiet);
    } finally {
      setBackend(previous);
    }
    const a = loadCheckpoint(reference);
    const b = loadCheckpoint(crashed);
    assert.ok(killedAt < 200, `the run was interrupted at step ${killedAt}`);
    assert.equal(b.trainer.step, 200);
    assert.deepEqual(b.trainer.losses, a.trainer.losses);
    assert.deepEqual((b.config.evals as number[][]).map(([step]) => step), [50, 100, 150, 200], 'every evaluation is in the checkpoint');
    for (const [name, t] of a.model) assert.deepEqual(b.model.get(name)!.toFlatArray(), t.toFlatArray(), name);
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

  test('bad input is reported with the file and the numbers at fault', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-gpt-bad-'));
    writeFileSync(join(dir, 'short.txt'), 'to be or not to be, that is the question');
    const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
    const cases: [string[], number, RegExp][] = [
      [['gpt', 'train', '--config', 'huge'], 2, /--config: expected one of tiny, small, cpu, seed, got 'huge'/],
      [['gpt', 'train', '--data', join(dir, 'short.txt')], 2, /short\.txt: the validation split \(last 10%\) has 4 tokens, fewer than block size 8 \+ 1/],
      [['gpt', 'train', '--data', join(dir, 'missing.txt')], 1, /missing\.txt: cannot read the file \(ENOENT\)/],
      [['gpt', 'sample'], 2, /gpt sample: --checkpoint DIR is required/],
    ];
    for (const [args, code, message] of cases) {
      const result = run(args);
      assert.equal(result.status, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });
});
