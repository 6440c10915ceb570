// The README is a script: every `npx zerograd` line of its sh blocks runs, in order, in a fresh folder, and exits 0.
// ZEROGRAD_SMOKE=1 caps their training to a couple of steps (src/cli/args.ts), so this proves they run, not what they print.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseOptions } from '../../src/cli/args.js';
import { GPT_TRAIN } from '../../src/cli/gpt.js';
import { solutionText } from '../../src/cli/practice.js';
import { VISION_TRAIN } from '../../src/cli/vision.js';
import { problemById } from '../../src/lessons/practice/problems.js';
import { projectRoot } from '../helpers.js';

/** A README line to replay: a shell command, or an edit it asks the reader to make (`# edit FILE ...`). */
export type ReadmeStep = { line: number; command: string } | { line: number; edit: string };

/**
 * The steps of a README's ```sh blocks, in order: lines starting with `npx zerograd`, lines piping `echo ...`
 * into it, and `# edit FILE` comments. A block with a line starting with `python` or `torchrun` is skipped whole:
 * it needs PyTorch and another repository. Every other line (npm, node, cd) is left to the reader.
 */
export function readmeSteps(markdown: string): ReadmeStep[] {
  const steps: ReadmeStep[] = [];
  let block: ReadmeStep[] | null = null;
  let external = false;
  markdown.split('\n').forEach((text, i) => {
    if (block === null) {
      if (/^```sh\s*$/.test(text)) [block, external] = [[], false];
      return;
    }
    if (text.startsWith('```')) {
      if (!external) steps.push(...block);
      block = null;
      return;
    }
    const edit = /^# edit ([^\s:]+)/.exec(text);
    if (/^(python3?|torchrun)\s/.test(text)) external = true;
    else if (/^npx zerograd /.test(text) || /^echo .*\|\s*npx zerograd /.test(text)) block.push({ line: i + 1, command: text });
    else if (edit) block.push({ line: i + 1, edit: edit[1] });
  });
  return steps;
}

const root = projectRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

describe('ZEROGRAD_SMOKE', () => {
  test('caps the lengths a command trains and generates for, given or defaulted; leaves bad values and --resume alone', () => {
    const before = process.env.ZEROGRAD_SMOKE;
    try {
      delete process.env.ZEROGRAD_SMOKE;
      assert.equal(parseOptions(GPT_TRAIN, ['--steps', '5000']).steps, 5000);
      process.env.ZEROGRAD_SMOKE = '1';
      const capped = parseOptions(GPT_TRAIN, ['--steps', '5000']);
      assert.deepEqual([capped.steps, capped['eval-iters'], capped['sample-tokens']], [2, 1, 20]);
      assert.equal(parseOptions(GPT_TRAIN, ['--steps', '1']).steps, 1);
      assert.throws(() => parseOptions(GPT_TRAIN, ['--steps', 'ten']), /--steps: expected a decimal integer from 1 to 1000000000, got 'ten'/, 'its error still shows');
      assert.equal(parseOptions(GPT_TRAIN, ['--resume']).steps, undefined, "the checkpoint's settings");
      assert.deepEqual([...parseOptions(GPT_TRAIN, ['--steps', '5000']).given], ['steps'], 'a cap is not an option the user gave');
      assert.equal(parseOptions(VISION_TRAIN, []).epochs, 1);
      process.env.ZEROGRAD_SMOKE = '0';
      assert.equal(parseOptions(GPT_TRAIN, []).steps, undefined);
    } finally {
      if (before === undefined) delete process.env.ZEROGRAD_SMOKE;
      else process.env.ZEROGRAD_SMOKE = before;
    }
  });
});

describe('the README runs as written', () => {
  const steps = readmeSteps(readme);

  test('its steps are found: every command group, the piped ones, and none from the nanoGPT hand-off', () => {
    const commands = steps.flatMap((s) => ('command' in s ? [s.command] : []));
    for (const group of ['makemore', 'gpt', 'chat', 'charrnn', 'classify', 'tag', 'mlm', 'rag', 'vision', 'kmeans', 'practice']) {
      assert.ok(commands.some((c) => c.includes(`npx zerograd ${group} `)), `no 'npx zerograd ${group}' line found`);
    }
    assert.ok(commands.some((c) => c.startsWith('echo ') && c.includes('rag ask')));
    assert.ok(!commands.some((c) => c.includes('gpt export') || c.includes('--tie-weights')), 'the nanoGPT block (it runs python) is skipped');
    assert.deepEqual(readmeSteps('```sh\nnpx zerograd a b\nnpm start\n# edit x.ts: do it\n```\n```sh\nnpx zerograd c\npython t.py\n```\nnpx zerograd d\n'),
      [{ line: 2, command: 'npx zerograd a b' }, { line: 4, edit: 'x.ts' }]);
  });

  // A fresh folder with the shipped corpora, as a clone's root has them, and nothing else.
  const dir = mkdtempSync(join(tmpdir(), 'zerograd-readme-'));
  symlinkSync(join(root, 'data'), join(dir, 'data'));
  const env = { ...process.env, ZEROGRAD_SMOKE: '1' };
  for (const step of steps) {
    if ('edit' in step) {
      test(`README.md:${step.line}: the reader edits ${step.edit} (the reference solution)`, () => {
        const id = Number(/practice\/(\d+)-/.exec(step.edit)?.[1]);
        assert.ok(id > 0, `README.md:${step.line}: only practice files are edited, got ${step.edit}`);
        writeFileSync(join(dir, step.edit), solutionText(problemById(id)));
      });
      continue;
    }
    test(`README.md:${step.line}: ${step.command}`, () => {
      const command = step.command.replaceAll('npx zerograd', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`);
      const result = spawnSync('bash', ['-c', command], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
      assert.equal(result.status, 0, `README.md:${step.line} exited ${result.status}:\n${result.stderr}${result.stdout.slice(-2000)}`);
    });
  }
});
