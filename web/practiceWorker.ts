// Runs a learner's practice file off the page's thread, so the page can stop an endless loop by ending the worker:
// sucrase strips the TypeScript, and the judge runs the cases on zerograd's TypeScript kernels.
import cases from '../data/practice/cases.json';
import { PracticeFileError, loadPracticeFile } from '../src/lessons/practice/compile.js';
import { judge } from '../src/lessons/practice/judge.js';
import type { CaseData } from '../src/lessons/practice/problem.js';
import { REFERENCE, problemById } from '../src/lessons/practice/problems.js';
import type { RunReply, RunRequest } from './practiceProtocol.js';

const scope = self as unknown as { postMessage(message: RunReply): void; onmessage: ((event: MessageEvent<RunRequest>) => void) | null };
const problems = (cases as unknown as { problems: Record<string, CaseData[]> }).problems;

scope.onmessage = (event) => {
  const { id, source } = event.data;
  const problem = problemById(id);
  try {
    const learner = loadPracticeFile(source, `problem-${id}.ts`);
    scope.postMessage({ type: 'results', results: judge(problem, learner, problems[id], REFERENCE[id]) });
  } catch (error) {
    scope.postMessage({ type: 'error', message: error instanceof PracticeFileError ? error.message : `the judge stopped: ${(error as Error).message}` });
  }
};
scope.postMessage({ type: 'ready' });
