import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { commandHelp } from '../../src/cli/args.js';
import { CHARRNN_TRAIN } from '../../src/cli/charrnn.js';
import { CLASSIFY_TRAIN } from '../../src/cli/classify.js';
import { MAKEMORE_DIAGNOSE } from '../../src/cli/diagnose.js';
import { GPT_FINETUNE } from '../../src/cli/finetune.js';
import { GPT_TRAIN } from '../../src/cli/gpt.js';
import { info } from '../../src/cli/info.js';
import { MAKEMORE_EVAL, MAKEMORE_TRAIN } from '../../src/cli/makemore.js';
import { MLM_PRETRAIN } from '../../src/cli/mlm.js';
import { TAG_TRAIN } from '../../src/cli/tag.js';
import { VISION_TRAIN } from '../../src/cli/vision.js';
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
    for (const command of [['gpt', 'export'], ['gpt', 'import'], ['gpt', 'finetune'], ['gpt', 'chat'], ['chat', 'corpus'], ['rag', 'corpus'], ['rag', 'train'], ['rag', 'index'], ['rag', 'ask'], ['mlm', 'pretrain'], ['charrnn', 'train'], ['charrnn', 'sample'], ['makemore', 'train'], ['makemore', 'sample'], ['makemore', 'eval'], ['makemore', 'diagnose'], ['classify', 'train'],
      ['classify', 'eval'], ['classify', 'predict'], ['tag', 'train'], ['tag', 'eval'], ['tag', 'predict'], ['tag', 'corpus'], ['vision', 'train'], ['vision', 'eval'], ['vision', 'predict'],
      ['kmeans'], ['demo'], ['info'], ['practice', 'list'], ['practice', 'start'], ['practice', 'check'], ['practice', 'solution']]) {
      const result = run([...command, '--help']);
      assert.equal(result.status, 0, command.join(' '));
      assert.match(result.stdout, new RegExp(`^Usage: zerograd ${command.join(' ')} \\[options\\]`));
    }
  });

  test('every --data says it takes a bundled corpus by name, and a name that is no path reads that corpus from any folder', () => {
    for (const spec of [MAKEMORE_TRAIN, MAKEMORE_EVAL, MAKEMORE_DIAGNOSE, GPT_TRAIN, GPT_FINETUNE, CHARRNN_TRAIN, CLASSIFY_TRAIN, TAG_TRAIN, MLM_PRETRAIN, VISION_TRAIN]) {
      const help = commandHelp(spec).replace(/\s+/g, ' ');
      assert.match(help, /--data <[^>]+> .*or a bundled corpus by name \(names, tinyshakespeare, digits\)/, spec.name);
    }
    const elsewhere = mkdtempSync(join(tmpdir(), 'zerograd-elsewhere-'));
    const trained = spawnSync(process.execPath, [bin, 'makemore', 'train', '--model', 'bigram', '--data', 'names', '--samples', '0', '--out', join(elsewhere, 'run')],
      { cwd: elsewhere, encoding: 'utf8' });
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stdout, /^data: 32033 items from \/.*\/data\/names\.txt$/m);
    const missing = spawnSync(process.execPath, [bin, 'gpt', 'train', '--data', 'shakespeare', '--out', join(elsewhere, 'x')], { cwd: elsewhere, encoding: 'utf8' });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^error: .*shakespeare/);
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
    // A GPT is the right recipe for rag ask, but one never trained as a reader is refused all the same.
    assert.equal(run(['rag', 'index', '--docs', join(dir, 'text.txt'), '--out', join(dir, 'index')]).status, 0);
    const ask = spawnSync(process.execPath, [bin, 'rag', 'ask', '--index', join(dir, 'index'), '--checkpoint', gpt], { encoding: 'utf8', input: 'who?\n' });
    assert.equal(ask.status, 2);
    assert.match(ask.stderr, new RegExp(`^error: rag ask: ${gpt} is a GPT trained on .*text\\.txt, not a reader: .*train one with 'zerograd rag train'\n`));
    assert.equal(ask.stdout, '');
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
