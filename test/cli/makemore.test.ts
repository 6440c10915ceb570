import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makemoreDiagnose } from '../../src/cli/diagnose.js';
import { makemoreEval, makemoreSample, makemoreTrain } from '../../src/cli/makemore.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { projectRoot, corpusPath } from '../helpers.js';
import '../cliBackend.js';

const quiet = { log: () => {}, progress: null };
const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');
const runCli = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'zerograd-cwd-')) });

describe('zerograd makemore CLI', () => {
  test('train writes a checkpoint and a loss curve; sample and eval read it back', () => {
    const out = mkdtempSync(join(tmpdir(), 'zerograd-cli-'));
    const result = makemoreTrain(['--model', 'mlp', '--init-fixes', '--steps', '300', '--out', out, '--samples', '3'], quiet);
    assert.equal(result.samples.length, 3);
    assert.ok(existsSync(join(out, 'loss.svg')));
    assert.ok(existsSync(join(out, 'latest.json')));
    const samples = makemoreSample(['--checkpoint', out, '--num', '4', '--prefix', 'ka', '--seed', '3'], quiet);
    assert.equal(samples.length, 4);
    assert.ok(samples.every((s) => s.startsWith('ka')));
    const losses = makemoreEval(['--checkpoint', out], quiet);
    assert.ok(Math.abs(losses.val - result.val) < 1e-6, 'eval reproduces the val loss of training');
  });

  test('a run interrupted after a checkpoint resumes to the same weights as an uninterrupted run', () => {
    const data = corpusPath('names.txt');
    const common = ['--model', 'wavenet', '--data', data, '--n-embd', '8', '--n-hidden', '16', '--samples', '0', '--batch-size', '16'];
    const straight = mkdtempSync(join(tmpdir(), 'zerograd-straight-'));
    makemoreTrain([...common, '--steps', '40', '--decay-at', '25', '--out', straight], quiet);
    const interrupted = mkdtempSync(join(tmpdir(), 'zerograd-resumed-'));
    // The first run ends at 20; --extend 20 trains it on to 40 with the schedule it was given: decay-at is fixed
    // so it sees the learning rates of a 40-step run decaying at 30.
    makemoreTrain([...common, '--steps', '20', '--decay-at', '30', '--out', interrupted], quiet);
    makemoreTrain(['--out', interrupted, '--resume', '--extend', '20'], quiet);
    const reference = mkdtempSync(join(tmpdir(), 'zerograd-reference-'));
    makemoreTrain([...common, '--steps', '40', '--decay-at', '30', '--out', reference], quiet);
    const a = loadCheckpoint(reference);
    const b = loadCheckpoint(interrupted);
    assert.equal(b.trainer.step, 40);
    assert.deepEqual(b.trainer.losses, a.trainer.losses);
    for (const [name, t] of a.model) assert.deepEqual(b.model.get(name)!.toFlatArray(), t.toFlatArray(), name);
    // A run decaying at 25 instead: the same first 25 steps, different ones after.
    const c = loadCheckpoint(straight);
    assert.equal(c.trainer.step, 40);
    assert.deepEqual(c.trainer.losses.slice(0, 25), a.trainer.losses.slice(0, 25));
    assert.notDeepEqual(c.trainer.losses.slice(25), a.trainer.losses.slice(25));
  });

  test("makemore.py's GRU (AdamW) resumes exactly: the moments come back with the weights", () => {
    const common = ['--model', 'gru', '--data', corpusPath('names.txt'), '--n-embd', '8', '--n-hidden', '8', '--block-size', '8', '--samples', '0', '--batch-size', '8'];
    const straight = mkdtempSync(join(tmpdir(), 'zerograd-gru-straight-'));
    makemoreTrain([...common, '--steps', '30', '--out', straight], quiet);
    const resumed = mkdtempSync(join(tmpdir(), 'zerograd-gru-resumed-'));
    makemoreTrain([...common, '--steps', '15', '--out', resumed], quiet);
    makemoreTrain(['--out', resumed, '--resume', '--extend', '15'], quiet);
    const a = loadCheckpoint(straight);
    const b = loadCheckpoint(resumed);
    assert.equal(b.trainer.step, 30);
    assert.deepEqual(b.trainer.losses, a.trainer.losses);
    for (const [name, t] of a.model) assert.deepEqual(b.model.get(name)!.toFlatArray(), t.toFlatArray(), name);
    for (const [name, t] of a.optimizer) assert.deepEqual([...b.optimizer.get(name)!], [...t], `optimizer ${name}`);
  });

  test("the recurrent and transformer models' default context is the longest item plus its end, so their defaults train on any names", () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-context-'));
    const names = join(dir, 'names.txt');
    // The longest is 9 characters: shorter than a fixed context of 16 allows.
    writeFileSync(names, `${['anna', 'bob', 'carolynne', 'dave', 'eve', 'frank', 'gina', 'hal', 'ivy', 'jo'].join('\n')}\n`);
    const out = join(dir, 'run');
    makemoreTrain(['--model', 'transformer', '--data', names, '--steps', '3', '--samples', '1', '--n-embd', '8', '--out', out], quiet);
    assert.equal((loadCheckpoint(out).config.model as { blockSize: number }).blockSize, 10);
  });

  test('the counting bigram trains from a file and samples', () => {
    const out = mkdtempSync(join(tmpdir(), 'zerograd-bigram-'));
    const { val } = makemoreTrain(['--model', 'bigram', '--data', corpusPath('names.txt'), '--out', out, '--samples', '2'], quiet);
    assert.ok(val > 2.4 && val < 2.5);
    assert.equal(makemoreSample(['--checkpoint', out, '--num', '2'], quiet).length, 2);
  });

  test('diagnose writes the six lecture plots as SVG', () => {
    const out = mkdtempSync(join(tmpdir(), 'zerograd-diagnose-'));
    const lines: string[] = [];
    const files = makemoreDiagnose(['--steps', '20', '--out', out], { log: (l) => lines.push(l), progress: null });
    assert.equal(files.length, 6);
    for (const file of files) assert.match(readFileSync(file, 'utf8'), /^<svg[\s\S]*<\/svg>$/);
    assert.ok(lines.some((l) => /layers\.4 \(Tanh\): mean .* saturated .*%/.test(l)));
  });

  test('bad input gets a clear error and a non-zero exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-bad-'));
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'one.txt'), 'anna\n');
    const cases: [string[], number, RegExp][] = [
      [['makemore', 'train', '--model', 'gpt9'], 2, /--model: expected one of bigram, bigram-nn, mlp, bnmlp, wavenet, rnn, gru, transformer, got 'gpt9'/],
      [['makemore', 'train', '--steps', 'ten'], 2, /--steps: expected a decimal integer from 1 to 1000000000, got 'ten'/],
      [['makemore', 'train', '--bogus'], 2, /makemore train: unknown option '--bogus'/],
      [['makemore', 'train', '--data', join(dir, 'empty.txt')], 1, /empty\.txt: the file is empty/],
      [['makemore', 'train', '--data', join(dir, 'one.txt')], 1, /one\.txt: found 1 line\(s\), need at least 3/],
      [['makemore', 'train', '--block-size', '40', '--steps', '1'], 2, /--block-size 40 is larger than the longest item/],
      [['makemore', 'sample'], 2, /--checkpoint DIR is required/],
      [['makemore', 'sample', '--checkpoint', dir], 1, /no checkpoint here/],
      [['nonsense'], 2, /unknown command 'nonsense'/],
      [['makemore', 'train', '--help'], 0, /Usage: zerograd makemore train \[options\]/],
    ];
    for (const [args, code, message] of cases) {
      const result = runCli(args);
      assert.equal(result.status, code, `${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
      assert.match(result.stderr + result.stdout, message, args.join(' '));
    }
  });

  test('a run that ends worse than a uniform guess says so, and points at the init fixes', () => {
    const lines: string[] = [];
    const out = mkdtempSync(join(tmpdir(), 'zerograd-uniform-'));
    makemoreTrain(['--model', 'mlp', '--steps', '1', '--lr', '0.0001', '--out', out, '--samples', '0'], { log: (l) => lines.push(l), progress: null });
    assert.ok(lines.some((l) => /^note: val loss \d+\.\d{4} is worse than guessing uniformly \(ln 27 = 3\.2958\): the initial logits are too confident, as the lecture shows; train with --init-fixes$/.test(l)), lines.join('\n'));
    const fixed: string[] = [];
    makemoreTrain(['--model', 'mlp', '--init-fixes', '--steps', '300', '--out', join(out, 'fixed'), '--samples', '0'], { log: (l) => fixed.push(l), progress: null });
    assert.ok(!fixed.some((l) => l.startsWith('note:')), fixed.join('\n'));
  });

  test('a checkpoint without a vocabulary is an error naming its config', () => {
    const out = mkdtempSync(join(tmpdir(), 'zerograd-novocab-'));
    makemoreTrain(['--model', 'mlp', '--steps', '2', '--out', out, '--samples', '0'], quiet);
    const config = join(out, 'step-00000002', 'config.json');
    const parsed = JSON.parse(readFileSync(config, 'utf8'));
    delete parsed.model.vocab;
    writeFileSync(config, JSON.stringify(parsed));
    rmSync(join(out, 'step-00000002', 'checksums.json'));   // an edit made on purpose, which the checksums would refuse
    const result = runCli(['makemore', 'sample', '--checkpoint', out]);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, `error: makemore sample: the config.json of ${out} has no vocabulary (a list of characters); it cannot encode or decode text\n`);
  });

  test('sampling with a prefix outside the vocabulary names the character, the spelling to use and the vocabulary', () => {
    const out = mkdtempSync(join(tmpdir(), 'zerograd-prefix-'));
    makemoreTrain(['--model', 'bigram-nn', '--steps', '2', '--out', out, '--samples', '0'], quiet);
    const result = runCli(['makemore', 'sample', '--checkpoint', out, '--prefix', 'Zo']);
    assert.equal(result.status, 2);
    assert.equal(result.stderr.split('\n')[0],
      'error: makemore sample: --prefix: character "Z" at position 0 of "Zo" is not in the vocabulary; try "zo"; its 27 characters are "." a-z');
    const digit = runCli(['makemore', 'sample', '--checkpoint', out, '--prefix', 'a1']);
    assert.match(digit.stderr, /^error: makemore sample: --prefix: character "1" at position 1 of "a1" is not in the vocabulary; its 27 characters are "\." a-z\n/);
  });

  test("without --data a run reads the lectures' data/names.txt and records it, so eval --data names agrees without a warning", () => {
    const out = mkdtempSync(join(tmpdir(), 'zerograd-default-data-'));
    const lines: string[] = [];
    makemoreTrain(['--model', 'bigram-nn', '--steps', '1', '--out', out, '--samples', '0'], { ...quiet, log: (l) => lines.push(l) });
    assert.equal(lines[0], `data: 32033 items from ${corpusPath('names.txt')}`);
    const config = loadCheckpoint(out).config as { data: string; dataFile: { path: string; bytes: number; sha256: string } };
    assert.equal(config.data, corpusPath('names.txt'));
    assert.equal(config.dataFile.bytes, readFileSync(corpusPath('names.txt')).length);
    const warnings: string[] = [];
    makemoreEval(['--checkpoint', out, '--data', 'names'], { ...quiet, warn: (w) => warnings.push(w) });
    assert.deepEqual(warnings, []);
  });
});
