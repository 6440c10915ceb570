import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { practiceCheck, practiceList, practiceSolution, practiceStart, solutionText } from '../../src/cli/practice.js';
import { starterText } from '../../src/lessons/practice/starter.js';
import { practiceCases } from '../../src/lessons/practice/caseFile.js';
import { loadPracticeFile } from '../../src/lessons/practice/compile.js';
import { judge } from '../../src/lessons/practice/judge.js';
import { PROBLEMS, REFERENCE } from '../../src/lessons/practice/problems.js';

const quiet = () => {
  const lines: string[] = [];
  return { io: { log: (l: string) => lines.push(l), progress: null }, lines };
};

/** Problem id, the reference solution's text to replace, its replacement (a common mistake), and the hint expected. */
const MISTAKES: [number, string, string, RegExp][] = [
  [1, 'return Math.round(minimizer * 1e5) / 1e5;', 'return minimizer;', /round to 5 decimals/],
  [1, 'minimizer = minimizer - learningRate * derivative;', 'minimizer = minimizer + learningRate * derivative;', /step against the gradient/],
  [2, '[x, y] = [round5(x - learningRate * dx), round5(y - learningRate * dy)];\n  }\n  return [x, y];', '[x, y] = [x - learningRate * dx, y - learningRate * dy];\n  }\n  return [round5(x), round5(y)];', /after every step/],
  [3, '.square().mean().item()', '.square().sum().item()', /mean of the squares/],
  [4, 'return toAvg.mean(0).round(4);', 'return toAvg.mean(1).round(4);', /over dim 0/],
  [5, 'return this.sigmoid.forward(this.projection.forward(', 'return (this.projection.forward(', /end with the sigmoid/],
  [6, '[word, i + 1]', '[word, i]', /number the words from 1/],
  [7, 'embeddings.mean(1)', 'embeddings.sum(1)', /average the embeddings/],
  [8, 'words.slice(i + 1, i + 1 + contextLength)', 'words.slice(i, i + contextLength)', /shifted one word ahead/],
  [9, '    scores = scores.maskedFill(lowerTriangular.eq(0), -Infinity);\n', '', /causal mask/],
  [10, 'attentionDim / numHeads)', 'attentionDim)', /attentionDim \/ numHeads = 2 outputs/],
  [11, 'let x = embedded.add(this.attention.forward(this.firstNorm.forward(embedded)));\n    x = x.add(', 'let x = this.attention.forward(this.firstNorm.forward(embedded));\n    x = (', /residual connections/],
  [12, 'return rawOutput.softmax(-1).round(4);', 'return rawOutput.round(4);', /softmax of the logits/],
  [13, '    if (context.shape[1] > contextLength) context = context.slice(1, -contextLength); // context[:, -contextLength:]\n', '', /crop the context/],
  [13, '    generator.manualSeed(0); // the course resets the generator after every draw\n', '', /restored with generator\.manualSeed\(0\) after every draw/],
  [9, "    manualSeed(0, { stream: 'torch' }); // the course's torch.manual_seed(0): PyTorch's initial weights\n", '', /initial weights are not PyTorch's/],
  [12, "    manualSeed(0, { stream: 'torch' }); // the course's torch.manual_seed(0): PyTorch's initial weights\n", '', /initial weights are not PyTorch's/],
];

describe('practice judge: reference solutions and common mistakes', () => {
  test('the case file comes from PyTorch and covers every problem, with the course\'s own examples', () => {
    const file = practiceCases();
    assert.match(file.torch_version, /^\d+\.\d+/);
    for (const p of PROBLEMS) assert.ok(file.problems[p.id].length >= 3, `problem ${p.id} has ${file.problems[p.id].length} cases`);
    const course = file.problems[1].find((c) => c.course && (c.args as number[])[0] === 10);
    assert.equal(course?.expected, 4.08536);
    assert.deepEqual((file.problems[3][2].expected as { data: number[] }).data, [0.50678, 0.59057, 1.27435]);
    assert.deepEqual((file.problems[6][0].expected as { data: number[] }).data, [1, 7, 6, 4, 0, 2, 9, 5, 3, 8]);
  });

  for (const p of PROBLEMS) {
    test(`problem ${p.id} (${p.title}): the printed reference solution passes every case`, () => {
      const learner = loadPracticeFile(solutionText(p), `solution-${p.id}.ts`);
      const results = judge(p, learner, practiceCases().problems[p.id], REFERENCE[p.id]);
      assert.deepEqual(results.filter((r) => !r.passed), []);
      assert.ok(p.exports.every((name) => name in learner), `exports ${p.exports.join(', ')}`);
    });
  }

  for (const [id, find, replace, hint] of MISTAKES) {
    test(`problem ${id}: a solution that makes a common mistake fails, with the hint ${hint}`, () => {
      const p = PROBLEMS[id - 1];
      const source = solutionText(p);
      assert.ok(source.includes(find), `the reference solution of problem ${id} contains the text to break`);
      const results = judge(p, loadPracticeFile(source.replace(find, replace), `wrong-${id}.ts`), practiceCases().problems[id], REFERENCE[id]);
      assert.ok(results.some((r) => !r.passed), 'the judge fails it');
      assert.ok(results.some((r) => hint.test(r.hint ?? '')), `hints given: ${[...new Set(results.map((r) => r.hint))].join(' | ')}`);
    });
  }

  test('a starter fails every case with the "not implemented" hint, and says what to write', () => {
    for (const p of PROBLEMS) {
      const results = judge(p, loadPracticeFile(starterText(p), 'starter.ts'), practiceCases().problems[p.id], REFERENCE[p.id]);
      assert.ok(results.every((r) => !r.passed), `problem ${p.id}`);
      assert.match(results[0].hint ?? '', /not implemented/, `problem ${p.id}: ${results[0].got}`);
    }
  });
});

describe('zerograd practice (list, start, check, solution)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zerograd-practice-'));
  const file = join(dir, '01-gradient-descent.ts');

  test('start writes a starter with the statement, the signature and an import from zerograd; it will not overwrite', () => {
    assert.equal(practiceStart(['1', '--dir', dir], quiet().io), file);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /Problem 1: Gradient descent/);
    assert.match(text, /getMinimizer\(10, 0\.01, 5\) gives 4\.08536/);
    assert.match(text, /export function getMinimizer\(iterations: number, learningRate: number, init: number\): number/);
    assert.throws(() => practiceStart(['1', '--dir', dir], quiet().io), /exists \(your work\?\)/);
    assert.throws(() => practiceStart(['14', '--dir', dir], quiet().io), /practice start: N must be a problem number from 1 to 13, got '14'/);
  });

  test('solution is refused before a try; check reports each case, and a wrong answer fails with its hint', () => {
    assert.throws(() => practiceSolution(['1', '--dir', dir], quiet().io), /try problem 1 first/);
    writeFileSync(file, 'export function getMinimizer(iterations: number, learningRate: number, init: number): number {\n  let x = init;\n  for (let i = 0; i < iterations; i++) x -= learningRate * 2 * x;\n  return x;\n}\n');
    const out = quiet();
    assert.throws(() => practiceCheck(['1', '--dir', dir], out.io), /[12] of 5 cases passed/);
    assert.ok(out.lines.some((l) => /✗ case 2 \(the course's example\): getMinimizer\(10, 0\.01, 5\)/.test(l)), out.lines.join('\n'));
    assert.ok(out.lines.some((l) => /expected 4\.08536/.test(l)));
    assert.ok(out.lines.some((l) => /hint: round to 5 decimals/.test(l)));
    assert.match(practiceSolution(['1', '--dir', dir], quiet().io), /from 'zerograd'|Math\.round\(minimizer \* 1e5\)/);
    assert.deepEqual(practiceList(['--dir', dir], quiet().io).slice(0, 2), ['failing', 'not started']);
  });

  test('a right answer passes and is recorded', () => {
    writeFileSync(file, solutionText(PROBLEMS[0]));
    const out = quiet();
    assert.equal(practiceCheck(['1', file, '--dir', dir], out.io).length, 5);
    assert.ok(out.lines.some((l) => /all 5 cases passed/.test(l)));
    assert.equal(practiceList(['--dir', dir], quiet().io)[0], 'passed');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, '.progress.json'), 'utf8'))['1'], { status: 'passed', attempts: 2 });
  });

  test('syntax and type errors are reported as file:line, without running the cases', () => {
    const bad = join(dir, 'syntax.ts');
    writeFileSync(bad, 'export function getMinimizer(iterations: number): number {\n  return iterations +* 2;\n}\n');
    assert.throws(() => practiceCheck(['1', bad, '--dir', dir, '--skip-types'], quiet().io), new RegExp(`^Error: ${bad.replace(/[.]/g, '\\.')}:2:\\d+: Unexpected token`));
    const typed = join(dir, 'typed.ts');
    writeFileSync(typed, "import { tensor } from 'zerograd';\nexport function getMinimizer(iterations: number, learningRate: number, init: number): number {\n  return tensor([init]).mul(learningRate);\n}\n");
    const out = quiet();
    assert.throws(() => practiceCheck(['1', typed, '--dir', dir], out.io), /TypeScript found 1 error in .*typed\.ts/);
    assert.match(out.lines.join('\n'), /typed\.ts:3:3: Type 'Tensor' is not assignable to type 'number'/);
  });

  test('an endless loop is stopped by the time limit', () => {
    const loop = join(dir, 'loop.ts');
    writeFileSync(loop, 'export function getMinimizer(iterations: number, learningRate: number, init: number): number {\n  while (true) init += learningRate;\n}\n');
    assert.throws(() => practiceCheck(['1', loop, '--dir', dir, '--timeout', '2'], quiet().io), /did not finish within 2 s \(an endless loop\?/);
  });

  test('a missing file and a bad progress file are named', () => {
    assert.throws(() => practiceCheck(['3', '--dir', dir], quiet().io), /03-linear-regression\.ts does not exist: write it with 'zerograd practice start 3' first/);
    const other = mkdtempSync(join(tmpdir(), 'zerograd-practice-'));
    writeFileSync(join(other, '.progress.json'), '{ not json');
    assert.throws(() => practiceList(['--dir', other], quiet().io), /\.progress\.json: not a progress file/);
    assert.ok(!existsSync(join(other, '01-gradient-descent.ts')));
  });
});

/** Whether `pid` has ended (a zombie counts: it runs nothing), waiting up to a second for a kill to land. */
function ended(pid: number): boolean {
  for (const until = Date.now() + 1000; Date.now() < until;) {
    try {
      if (/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch {
      return true;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  return false;
}

describe('zerograd practice check contains what the learner\'s code does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zerograd-practice-'));
  const LIMITS = { graceMs: 200, memoryMB: 64, outputMB: 1 };
  const SIGNATURE = 'export function getMinimizer(iterations: number, learningRate: number, init: number): number';
  /** Checks problem 1 on `source` with the tests' small limits, and returns the one-line error it throws. */
  const failure = (name: string, source: string, seconds = 20): string => {
    const path = join(dir, name);
    writeFileSync(path, source);
    try {
      practiceCheck(['1', path, '--dir', dir, '--skip-types', '--timeout', String(seconds)], quiet().io, LIMITS);
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };
  // Learner files reach fs and child_process through the process object, as a learner poking around could.
  const BUILTIN = "const builtin = (name: string) => (process as any).getBuiltinModule(name);\n";

  test('a loop that ignores SIGTERM is killed after the time limit and a grace period', { timeout: 20_000, skip: process.platform !== 'linux' }, () => {
    const pidFile = join(dir, 'runner.pid');
    const start = Date.now();
    const message = failure('deaf.ts', `${BUILTIN}builtin('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nprocess.on('SIGTERM', () => {});\n${SIGNATURE} {\n  for (;;) {}\n}\n`, 3);
    assert.match(message, /deaf\.ts: the cases did not finish within 3 s/);
    assert.ok(Date.now() - start < 12_000, `took ${Date.now() - start} ms`);
    assert.ok(ended(Number(readFileSync(pidFile, 'utf8'))), 'the runner is still running');
  });

  test('processes the learner\'s code starts, detached or not, end with the judge', { timeout: 20_000, skip: process.platform !== 'linux' }, () => {
    const pidFile = join(dir, 'children.pid');
    const spawned = "[builtin('child_process').spawn('sleep', ['600']), builtin('child_process').spawn('sleep', ['600'], { detached: true, stdio: 'ignore' })]";
    const message = failure('spawns.ts', `${BUILTIN}const pids = ${spawned}.map((c) => c.pid);\nbuiltin('fs').writeFileSync(${JSON.stringify(pidFile)}, pids.join(' '));\n${SIGNATURE} {\n  return -1;\n}\n`);
    assert.match(message, /0 of 5 cases passed/);
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    assert.equal(pids.length, 2);
    for (const pid of pids) assert.ok(ended(pid), `sleep ${pid} outlived the judge`);
  });

  test('what the learner\'s code prints cannot corrupt the results', () => {
    const path = join(dir, 'chatty.ts');
    writeFileSync(path, `console.log('{"results": []}');\nconsole.error('Error: not the judge\\'s');\n${solutionText(PROBLEMS[0]).replace('return Math.round', "process.stdout.write('{');\n  return Math.round")}`);
    const out = quiet();
    assert.equal(practiceCheck(['1', path, '--dir', dir, '--skip-types'], out.io, LIMITS).length, 5);
    assert.ok(out.lines.some((l) => /all 5 cases passed/.test(l)), out.lines.join('\n'));
  });

  test('process.exit in the learner\'s code is named as such', () => {
    assert.equal(failure('exits.ts', `${SIGNATURE} {\n  process.exit(0);\n}\n`), `${join(dir, 'exits.ts')}: your code exited before returning (process.exit(0)?)`);
  });

  test('printing without end is stopped at the output cap', { timeout: 20_000 }, () => {
    const start = Date.now();
    assert.equal(failure('prints.ts', `${SIGNATURE} {\n  for (;;) console.log('x'.repeat(1000));\n}\n`), `${join(dir, 'prints.ts')}: your code printed more than 1 MB (a print inside a loop?)`);
    assert.ok(Date.now() - start < 10_000, `stopped by the time limit, not the output cap: ${Date.now() - start} ms`);
  });

  test('filling the heap is stopped at the memory cap, in one line', { timeout: 30_000 }, () => {
    const message = failure('heap.ts', `${SIGNATURE} {\n  const kept: number[][] = [];\n  for (;;) kept.push([Math.random(), learningRate]);\n}\n`);
    assert.equal(message, `${join(dir, 'heap.ts')}: your code ran out of memory: it used more than 64 MB`);
  });

  // RLIMIT_DATA, which caps ArrayBuffers, is enforced on Linux only.
  test('allocating tensors without end is stopped at the memory cap', { timeout: 30_000, skip: process.platform !== 'linux' }, () => {
    const message = failure('tensors.ts', `import { zeros, type Tensor } from 'zerograd';\n${SIGNATURE} {\n  const kept: Tensor[] = [];\n  for (;;) kept.push(zeros([1 << 18]).add(init));\n}\n`);
    assert.equal(message, `${join(dir, 'tensors.ts')}: your code ran out of memory: it used more than 64 MB`);
  });
});
