// The judge's child process (`zerograd practice check` runs it with a time limit, so an endless loop in a learner's
// file is stopped): reads { id, source, fileName } on stdin, writes { results } or { error } on stdout.
import { readFileSync } from 'node:fs';
import { practiceCases } from './caseFile.js';
import { PracticeFileError, loadPracticeFile } from './compile.js';
import { judge } from './judge.js';
import type { CaseResult } from './problem.js';
import { REFERENCE, problemById } from './problems.js';

export type RunnerReply = { results: CaseResult[] } | { error: string };

function run(): RunnerReply {
  const { id, source, fileName } = JSON.parse(readFileSync(0, 'utf8')) as { id: number; source: string; fileName: string };
  const problem = problemById(id);
  try {
    const learner = loadPracticeFile(source, fileName);
    return { results: judge(problem, learner, practiceCases().problems[problem.id], REFERENCE[problem.id]) };
  } catch (error) {
    if (error instanceof PracticeFileError) return { error: error.message };
    throw error;
  }
}

process.stdout.write(JSON.stringify(run()));
