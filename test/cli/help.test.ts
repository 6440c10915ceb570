import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, mock, test } from 'node:test';
import { type CommandSpec, commandHelp } from '../../src/cli/args.js';
import { CHARRNN_SAMPLE, CHARRNN_TRAIN } from '../../src/cli/charrnn.js';
import { CLASSIFY_TRAIN } from '../../src/cli/classify.js';
import { MAKEMORE_DIAGNOSE } from '../../src/cli/diagnose.js';
import { GPT_FINETUNE } from '../../src/cli/finetune.js';
import { GPT_TRAIN } from '../../src/cli/gpt.js';
import { terminalWidth } from '../../src/cli/helpLayout.js';
import { info } from '../../src/cli/info.js';
import { main, usage } from '../../src/cli/main.js';
import { MAKEMORE_EVAL, MAKEMORE_TRAIN, makemoreTrain } from '../../src/cli/makemore.js';
import { MLM_PRETRAIN } from '../../src/cli/mlm.js';
import { GPT_IMPORT } from '../../src/cli/nanogpt.js';
import { PRACTICE_CHECK, PRACTICE_START } from '../../src/cli/practice.js';
import { TAG_TRAIN } from '../../src/cli/tag.js';
import { VISION_TRAIN } from '../../src/cli/vision.js';
import { projectRoot } from '../helpers.js';

const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
/** main() run in this process (a spawned CLI costs a second of imports): its exit status, and what it printed to stdout and stderr. */
async function mainOutput(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const [stdout, stderr]: string[][] = [[], []];
  const log = mock.method(console, 'log', (line: string) => stdout.push(line));
  const error = mock.method(console, 'error', (line: string) => stderr.push(line));
  try {
    return { status: await main(argv), stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  } finally {
    log.mock.restore();
    error.mock.restore();
  }
}
/** `fn` run with `dir` as the working folder, where a command writes its default runs/. */
async function inFolder<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(cwd);
  }
}
const version = () => (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

describe('zerograd command line help', () => {
  test('each command has its own --help listing every option with its value, default and meaning', async () => {
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
      const result = await mainOutput([...command, '--help']);
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

  test('zerograd info names the version, backend, kernels, threads and the optional tools', async () => {
    const lines: string[] = [];
    const result = info([], { log: (l) => lines.push(l), progress: null });
    assert.equal(result.zerograd, JSON.parse(spawnSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: projectRoot(), encoding: 'utf8' }).stdout).version);
    assert.match(result.kernels, /^(relaxed SIMD: fused multiply-adds \(kernels-shared-fma\.wasm|SIMD128 \(kernels-shared\.wasm\))/);
    assert.match(result.threads, /^\d+ /);
    assert.match(result.chromium, /^\/usr\/bin\/chromium|not found/);
    assert.match(result['python3-torch'], /^torch \S+ at \/usr\/bin\/python3|not found/);
    assert.deepEqual(lines.map((l) => l.split(':')[0]), ['zerograd', 'node', 'backend', 'kernels', 'threads', 'webgpu', 'chromium', 'python3-torch']);
  });

  test('--version and -v print the version of package.json', async () => {
    for (const flag of ['--version', '-v']) assert.deepEqual(await mainOutput([flag]), { status: 0, stdout: version(), stderr: '' });
  });

  test('a mistyped command gets the closest one suggested, a command or a command of a group', async () => {
    assert.deepEqual(await mainOutput(['gtp']), { status: 2, stdout: '', stderr: "error: unknown command 'gtp'; did you mean 'gpt'?\nrun 'zerograd --help' for the commands" });
    assert.match((await mainOutput(['gtp', 'train'])).stderr, /^error: unknown command 'gtp'; did you mean 'gpt train'\?\n/);
    assert.deepEqual(await mainOutput(['gpt', 'trian']),
      { status: 2, stdout: '', stderr: "error: 'gpt trian' is not a command; did you mean 'gpt train'? 'gpt' has: train, sample, finetune, chat, export, import" });
    assert.match((await mainOutput(['practice', 'chek'])).stderr, /did you mean 'practice check'\?/);
    // Nothing close: no guess, and the whole usage after an unknown command.
    const far = await mainOutput(['xylophone']);
    assert.match(far.stderr, /^error: unknown command 'xylophone'\n\nzerograd: autograd/);
    assert.doesNotMatch(far.stderr, /did you mean/);
  });

  test('required positionals show as <NAME> and optional ones as [NAME]; a bad one is named as itself, not as an option', async () => {
    assert.match(commandHelp(PRACTICE_START, 100), /^Usage: zerograd practice start \[options\] <N>$/m);
    assert.match(commandHelp(PRACTICE_CHECK, 100), /^Usage: zerograd practice check \[options\] <N> \[FILE\]$/m);
    assert.match(commandHelp(GPT_IMPORT, 100), /^Usage: zerograd gpt import \[options\] <CKPT>$/m);
    const start = await mainOutput(['practice', 'start', '14']);
    assert.equal(start.status, 2);
    assert.match(start.stderr, /^error: practice start: N must be a problem number from 1 to 13, got '14'/);
    assert.doesNotMatch(start.stderr, /--N/);
  });

  test("each training command's help shows the --out it uses without one", async () => {
    const expected: [CommandSpec, string][] = [
      [GPT_TRAIN, 'runs/gpt-tiny; runs/gpt-<config> for another --config'], [CHARRNN_TRAIN, 'runs/charrnn-small'], [GPT_FINETUNE, 'runs/gpt-finetune'],
      [MAKEMORE_TRAIN, 'runs/makemore-mlp; runs/makemore-<model> for another --model'], [VISION_TRAIN, 'runs/vision-mlp'],
      [CLASSIFY_TRAIN, 'runs/classify'], [TAG_TRAIN, 'runs/tag'], [MLM_PRETRAIN, 'runs/mlm'],
    ];
    for (const [spec, shown] of expected) {
      // Wide, so each description is one line and the default can be matched whole.
      assert.match(commandHelp(spec, 1000), new RegExp(`--out <DIR> +run folder.*\\(default: ${shown.replace(/[()<>]/g, '\\$&')}`), spec.name);
    }
    // What help says is where the command writes: makemore's bigram counts, trained in an empty folder without --out.
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-out-'));
    await inFolder(dir, async () => makemoreTrain(['--model', 'bigram', '--samples', '1'], { log: () => {}, progress: null }));
    assert.ok(existsSync(join(dir, 'runs', 'makemore-bigram', 'latest.json')));
  });

  test('help is wrapped at the width it is given, each description under itself', () => {
    for (const width of [60, 80, 120]) {
      const lines = commandHelp(MAKEMORE_TRAIN, width).split('\n');
      // The one term longer than the width's third stands alone; every other line fits.
      for (const line of lines) {
        if (!line.startsWith('  --model <')) assert.ok(line.length <= width, `${width}: ${line.length} columns: ${line}`);
      }
      const model = lines.findIndex((l) => l.startsWith('  --model <'));
      const column = lines[model + 1].search(/\S/);
      assert.ok(column > 2 && column <= width / 3 + 4, `${width}: description at column ${column}`);
      // A wrapped description continues at its own column (a hanging indent), as do the others beside their terms.
      assert.match(lines[model + 2], new RegExp(`^ {${column}}\\S`));
      assert.equal(lines.find((l) => l.startsWith('  --steps <N>'))!.indexOf('optimizer steps'), column);
    }
    assert.ok(usage(80).split('\n').every((line) => line.length <= 80));
    assert.match(usage(80), /^ {2}zerograd demo +train a small GPT .*\n {20,}\S/m);
    // Not a terminal (as under the test runner): 100 columns, where lines of 170 were printed before.
    assert.equal(terminalWidth(), process.stdout.isTTY ? process.stdout.columns : 100);
    const piped = commandHelp(VISION_TRAIN).split('\n');
    assert.ok(piped.every((line) => line.length <= terminalWidth()), piped.find((line) => line.length > terminalWidth()));
  });

  test('vision train --help describes every model kind; charrnn sample --help names a char-rnn checkpoint', () => {
    const vision = commandHelp(VISION_TRAIN).replace(/\s+/g, ' ');
    for (const kind of ['mlp', 'mlp-logits', 'cnn', 'vit']) assert.match(vision, new RegExp(` ${kind}: \\w`), kind);
    const charrnn = commandHelp(CHARRNN_SAMPLE, 200);
    assert.match(charrnn, /--checkpoint <PATH>\s+run folder or step folder of a char-rnn checkpoint/);
    assert.doesNotMatch(charrnn, /GPT/);
  });

  test('the demo and every training run end with next steps naming this run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-next-'));
    const demo = await inFolder(dir, () => mainOutput(['demo', '--steps', '1']));
    assert.equal(demo.status, 0, demo.stderr);
    assert.deepEqual(demo.stdout.trimEnd().split('\n').slice(-3), [
      'next steps:',
      '  npx zerograd gpt sample --checkpoint runs/demo',
      '  open runs/demo/loss.svg; try the playground: npm run playground; exercises: npx zerograd practice list',
    ]);
    assert.ok(existsSync(join(dir, 'runs', 'demo', 'loss.svg')));
    // A folder with a space is quoted, and a run without curves does not point at one.
    const lines: string[] = [];
    makemoreTrain(['--model', 'bigram', '--samples', '1', '--out', join(dir, 'my run')], { log: (l) => lines.push(l), progress: null });
    assert.deepEqual(lines.slice(-2), [
      `  npx zerograd makemore sample --checkpoint '${join(dir, 'my run')}'`,
      '  try the playground: npm run playground; exercises: npx zerograd practice list',
    ]);
  });
});
