// `zerograd practice`: the course's coding problems as a judge in the terminal. `start` writes a starter file,
// `check` type-checks it and runs it against the problem's cases in a child process with limits on its time, memory
// and output, `list` shows progress, and `solution` prints the reference solution once the learner has tried.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeDirectory } from '../io/atomicWrite.js';
import { packageRoot } from '../data/corpora.js';
import type { CaseResult, Problem } from '../lessons/practice/problem.js';
import { PROBLEMS, SOLUTION_FILES, problemById } from '../lessons/practice/problems.js';
import { DEFAULT_LIMITS, type JudgeLimits, runJudged } from '../lessons/practice/sandbox.js';
import { asLearnerFile, starterText } from '../lessons/practice/starter.js';
import { typeErrors } from '../lessons/practice/typecheck.js';
import { type CliIO, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';

const DIR_OPTION = { dir: { type: 'path', value: 'DIR', default: 'practice', help: 'folder of your practice files and of the progress file (.progress.json)' } } as const;
const PROBLEM_ARGUMENT = { name: 'N', required: true, help: `the problem's number, 1 to ${PROBLEMS.length} (see 'zerograd practice list')` };

export const PRACTICE_LIST = defineCommand({
  name: 'practice list',
  summary: "the course's 13 coding problems, each with your status: not started, failing or passed",
  options: DIR_OPTION,
});

export const PRACTICE_START = defineCommand({
  name: 'practice start',
  summary: 'write a starter file for problem N: the statement, the signature, a body to fill in',
  argument: PROBLEM_ARGUMENT,
  options: { ...DIR_OPTION, force: { type: 'flag', help: 'overwrite the file if it exists' } },
});

export const PRACTICE_CHECK = defineCommand({
  name: 'practice check',
  summary: "type-check your file for problem N and run it on the problem's cases",
  argument: [PROBLEM_ARGUMENT, { name: 'FILE', help: 'your solution (default: the starter file in --dir)' }],
  options: {
    ...DIR_OPTION,
    timeout: { type: 'int', min: 1, value: 'S', default: DEFAULT_LIMITS.seconds, help: 'seconds the cases may run before the check is stopped' },
    'skip-types': { type: 'flag', help: 'run the cases even if TypeScript finds type errors' },
  },
});

export const PRACTICE_SOLUTION = defineCommand({
  name: 'practice solution',
  summary: "print problem N's reference solution (after you have checked a try of your own)",
  argument: PROBLEM_ARGUMENT,
  options: DIR_OPTION,
});

type Status = 'not started' | 'failing' | 'passed';
type Progress = Record<string, { status: Exclude<Status, 'not started'>; attempts: number }>;

const progressFile = (dir: string) => join(dir, '.progress.json');

function readProgress(dir: string): Progress {
  const file = progressFile(dir);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Progress;
  } catch {
    throw new Error(`${file}: not a progress file (remove it to start counting again)`);
  }
}

function writeProgress(dir: string, progress: Progress): void {
  makeDirectory(dir);
  const file = progressFile(dir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(progress, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

const starterPath = (dir: string, problem: Problem) => join(dir, `${String(problem.id).padStart(2, '0')}-${problem.slug}.ts`);

function problemArgument(command: string, value: string | undefined): Problem {
  if (value === undefined) throw new UsageError(`${command}: which problem? give its number, 1 to ${PROBLEMS.length}`);
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > PROBLEMS.length) {
    throw new UsageError(`${command}: N must be a problem number from 1 to ${PROBLEMS.length}, got '${value}' (see 'zerograd practice list')`);
  }
  return problemById(value);
}

export function practiceList(argv: string[], io: CliIO = consoleIO): Status[] {
  const o = parseOptions(PRACTICE_LIST, argv);
  const progress = readProgress(o.dir);
  const statuses = PROBLEMS.map((p): Status => progress[p.id]?.status ?? 'not started');
  PROBLEMS.forEach((p, i) => io.log(`${String(p.id).padStart(3)}  ${p.title.padEnd(36)} ${statuses[i]}`));
  io.log(`${statuses.filter((s) => s === 'passed').length} of ${PROBLEMS.length} passed. Start one: npx zerograd practice start N`);
  return statuses;
}

export function practiceStart(argv: string[], io: CliIO = consoleIO): string {
  const o = parseOptions(PRACTICE_START, argv);
  const problem = problemArgument(PRACTICE_START.name, o.argument);
  const dir = o.dir;
  const file = starterPath(dir, problem);
  if (existsSync(file) && !o.force) throw new UsageError(`${file} exists (your work?); check it with 'zerograd practice check ${problem.id}', or pass --force to start over`);
  makeDirectory(dir);
  writeFileSync(file, starterText(problem));
  io.log(`wrote ${file}: problem ${problem.id}, ${problem.title}. Fill it in, then: npx zerograd practice check ${problem.id}`);
  return file;
}

/** The cases' results, or why there are none, in one line naming the file. */
function runCases(problem: Problem, source: string, fileName: string, limits: JudgeLimits): { results: CaseResult[] } | { error: string } {
  const outcome = runJudged(JSON.stringify({ id: problem.id, source, fileName }), limits);
  // Which allocation meets the cap first, an ArrayBuffer's or V8's own, is chance: the two read the same.
  const outOfMemory = { error: `${fileName}: your code ran out of memory: it used more than ${limits.memoryMB} MB` };
  switch (outcome.kind) {
    case 'reply':
      return 'outOfMemory' in outcome.reply ? outOfMemory : outcome.reply;
    case 'timeout':
      return { error: `${fileName}: the cases did not finish within ${limits.seconds} s (an endless loop? --timeout S allows more)` };
    case 'output':
      return { error: `${fileName}: your code printed more than ${limits.outputMB} MB (a print inside a loop?)` };
    case 'memory':
      return outOfMemory;
    case 'exited':
      return { error: `${fileName}: your code exited before returning (process.exit(${outcome.code})?)` };
    case 'crashed':
      return { error: `${fileName}: the judge stopped: ${outcome.detail}` };
  }
}

function report(results: CaseResult[], io: CliIO): void {
  for (const r of results) {
    if (r.passed) {
      io.log(`  ✓ ${r.name}: ${r.input}`);
      continue;
    }
    io.log(`  ✗ ${r.name}: ${r.input}`);
    io.log(`      expected ${r.expected}`);
    io.log(`      got      ${r.got}`);
    if (r.hint) io.log(`      hint: ${r.hint}`);
  }
}

/** `limits` other than the time are the command's fixed ones; tests lower them. */
export function practiceCheck(argv: string[], io: CliIO = consoleIO, limits: Partial<Omit<JudgeLimits, 'seconds'>> = {}): CaseResult[] {
  const o = parseOptions(PRACTICE_CHECK, argv);
  const problem = problemArgument(PRACTICE_CHECK.name, o.argument);
  const dir = o.dir;
  const file = o.arguments[1] ?? starterPath(dir, problem);
  if (!existsSync(file)) {
    throw new UsageError(o.arguments[1] ? `${file}: no such file` : `${file} does not exist: write it with 'zerograd practice start ${problem.id}' first`);
  }
  const seconds = o.timeout;
  const progress = readProgress(dir);
  const tried = (status: 'failing' | 'passed') => writeProgress(dir, { ...progress, [problem.id]: { status, attempts: (progress[problem.id]?.attempts ?? 0) + 1 } });
  io.log(`problem ${problem.id}: ${problem.title} (${file})`);
  const errors = o['skip-types'] ? [] : typeErrors(resolve(file));
  if (errors.length) {
    tried('failing');
    errors.slice(0, 10).forEach((line) => io.log(`  ${line}`));
    throw new Error(`TypeScript found ${errors.length} error${errors.length > 1 ? 's' : ''} in ${file} (--skip-types runs the cases anyway)`);
  }
  const reply = runCases(problem, readFileSync(file, 'utf8'), file, { ...DEFAULT_LIMITS, ...limits, seconds });
  if ('error' in reply) {
    tried('failing');
    throw new Error(reply.error);
  }
  report(reply.results, io);
  const passed = reply.results.filter((r) => r.passed).length;
  tried(passed === reply.results.length ? 'passed' : 'failing');
  if (passed < reply.results.length) throw new Error(`${passed} of ${reply.results.length} cases passed`);
  io.log(`all ${passed} cases passed. Next: npx zerograd practice start ${problem.id < PROBLEMS.length ? problem.id + 1 : 'N'} (or compare with 'zerograd practice solution ${problem.id}')`);
  return reply.results;
}

/** The reference solution's text, importing from 'zerograd' as a learner's file does. */
export const solutionText = (problem: Problem): string =>
  asLearnerFile(readFileSync(join(packageRoot(), 'src', 'lessons', 'solutions', SOLUTION_FILES[problem.id]), 'utf8'));

export function practiceSolution(argv: string[], io: CliIO = consoleIO): string {
  const o = parseOptions(PRACTICE_SOLUTION, argv);
  const problem = problemArgument(PRACTICE_SOLUTION.name, o.argument);
  const dir = o.dir;
  if ((readProgress(dir)[problem.id]?.attempts ?? 0) < 1) {
    throw new UsageError(`try problem ${problem.id} first: the solution is shown once 'zerograd practice check ${problem.id}' has run on a file of yours (progress in ${progressFile(dir)})`);
  }
  const text = solutionText(problem);
  io.log(text.trimEnd());
  return text;
}
