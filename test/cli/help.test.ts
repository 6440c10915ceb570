import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { info } from '../../src/cli/info.js';
import { projectRoot } from '../helpers.js';

const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('zerograd command line help', () => {
  test('each command has its own --help listing every option with its value, default and meaning', () => {
    const help = run(['gpt', 'train', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: zerograd gpt train \[options\]/);
    assert.match(help.stdout, /--steps <N>\s+optimizer steps \(default: preset's \(5000\)\)/);
    assert.match(help.stdout, /--schedule <cosine\|constant>\s+learning-rate schedule/);
    assert.match(help.stdout, /--keep <N>\s+checkpoints kept in --out .*\(default: 2\)/s);
    assert.match(help.stdout, /--resume\s+continue the run in --out/);
    const sample = run(['gpt', 'sample', '-h']);
    assert.notEqual(sample.stdout, help.stdout);
    assert.match(sample.stdout, /--max-new-tokens <N>\s+characters to generate \(at most 100000\) \(default: 500\)/);
    for (const command of [['gpt', 'export'], ['gpt', 'import'], ['gpt', 'finetune'], ['gpt', 'chat'], ['chat', 'corpus'], ['rag', 'index'], ['rag', 'ask'], ['mlm', 'pretrain'], ['charrnn', 'train'], ['charrnn', 'sample'], ['makemore', 'train'], ['makemore', 'sample'], ['makemore', 'eval'], ['makemore', 'diagnose'], ['classify', 'train'],
      ['classify', 'eval'], ['classify', 'predict'], ['tag', 'train'], ['tag', 'eval'], ['tag', 'predict'], ['tag', 'corpus'], ['vision', 'train'], ['vision', 'eval'], ['vision', 'predict'],
      ['kmeans'], ['demo'], ['info'], ['practice', 'list'], ['practice', 'start'], ['practice', 'check'], ['practice', 'solution']]) {
      const result = run([...command, '--help']);
      assert.equal(result.status, 0, command.join(' '));
      assert.match(result.stdout, new RegExp(`^Usage: zerograd ${command.join(' ')} \\[options\\]`));
    }
  });

  test('the global usage lists every command; an error is one line and a pointer to the command\'s help', () => {
    const usage = run(['--help']);
    assert.equal(usage.status, 0);
    for (const name of ['demo', 'makemore train', 'gpt sample', 'classify predict', 'tag corpus', 'practice check', 'info']) assert.match(usage.stdout, new RegExp(`zerograd ${name} `));
    const error = run(['gpt', 'sample', '--checkpoint', 'nowhere', '--top-k', 'many']);
    assert.equal(error.status, 2);
    assert.equal(error.stderr, "error: --top-k: expected a decimal integer >= 1, got 'many'\nrun 'zerograd gpt sample --help' for the options\n");
    const group = run(['gpt', 'sing']);
    assert.equal(group.status, 2);
    assert.equal(group.stderr, "error: 'gpt sing' is not a command; 'gpt' has: train, sample, finetune, chat, export, import\n");
    const practice = run(['practice', 'check', '3', 'nowhere.ts']);
    assert.equal(practice.status, 2);
    assert.equal(practice.stderr, "error: nowhere.ts: no such file\nrun 'zerograd practice check --help' for the options\n");
  });

  test('every command that reads a checkpoint checks its recipe, in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-recipe-'));
    writeFileSync(join(dir, 'text.txt'), 'to be or not to be, that is the question\n'.repeat(20));
    const gpt = join(dir, 'gpt');
    assert.equal(run(['gpt', 'train', '--data', join(dir, 'text.txt'), '--steps', '2', '--eval-iters', '1', '--out', gpt, '--sample-tokens', '1']).status, 0);
    for (const command of [['makemore', 'sample'], ['makemore', 'eval'], ['classify', 'eval'], ['tag', 'eval'], ['charrnn', 'sample']]) {
      const result = run([...command, '--checkpoint', gpt]);
      assert.equal(result.status, 1, command.join(' '));
      assert.match(result.stderr, new RegExp(`^error: ${command.join(' ')}: ${gpt} holds a 'gpt' checkpoint, not a`));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  });

  test('zerograd info names the version, backend, kernels, threads and the optional tools', () => {
    const lines: string[] = [];
    const result = info([], { log: (l) => lines.push(l), progress: null });
    assert.equal(result.zerograd, JSON.parse(spawnSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: projectRoot(), encoding: 'utf8' }).stdout).version);
    assert.match(result.kernels, /^(relaxed SIMD: fused multiply-adds \(kernels-shared-fma\.wasm|SIMD128 \(kernels-shared\.wasm\))/);
    assert.match(result.threads, /^\d+ /);
    assert.match(result.chromium, /^\/usr\/bin\/chromium|not found/);
    assert.match(result['python3-torch'], /^torch \S+ at \/usr\/bin\/python3|not found/);
    assert.deepEqual(lines.map((l) => l.split(':')[0]), ['zerograd', 'node', 'backend', 'kernels', 'threads', 'chromium', 'python3-torch']);
  });
});
