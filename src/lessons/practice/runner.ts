// The judge's child process (supervisor.ts starts it, with limits on its time, memory and output): reads
// { id, source, fileName } on stdin and writes its reply as one line of JSON on fd 3, a channel of its own, so
// whatever the learner's code prints on stdout or stderr cannot corrupt it.
import { readFileSync, writeSync } from 'node:fs';
import { practiceCases } from './caseFile.js';
import { PracticeFileError, loadPracticeFile } from './compile.js';
import { judge } from './judge.js';
import type { CaseResult } from './problem.js';
import { REFERENCE, problemById } from './problems.js';

/** The cases' results; a file that does not load, or the judge's own failure; or an ArrayBuffer the memory cap refused. */
export type RunnerReply = { results: CaseResult[] } | { error: string } | { outOfMemory: true };

/** The fd the supervisor reads the reply on (its stdio[3]). */
const REPLY_FD = 3;

/** What V8 throws when the memory cap (the supervisor's data limit) refuses an ArrayBuffer's or a typed array's memory. */
const ALLOCATION_FAILED = /Array buffer allocation failed/;

// Writes to a pipe that is full are otherwise queued in the heap: blocking ones make a print loop wait for the
// supervisor, which counts every byte printed before it reads the reply and stops the runner at the output cap.
for (const stream of [process.stdout, process.stderr]) {
  (stream as unknown as { _handle?: { setBlocking?: (blocking: boolean) => void } })._handle?.setBlocking?.(true);
}

function run(): RunnerReply {
  const { id, source, fileName } = JSON.parse(readFileSync(0, 'utf8')) as { id: number; source: string; fileName: string };
  try {
    const problem = problemById(id);
    const learner = loadPracticeFile(source, fileName);
    const results = judge(problem, learner, practiceCases().problems[problem.id], REFERENCE[problem.id]);
    return results.some((r) => ALLOCATION_FAILED.test(r.got)) ? { outOfMemory: true } : { results };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (ALLOCATION_FAILED.test(message)) return { outOfMemory: true };
    if (error instanceof PracticeFileError) return { error: message };
    return { error: `${fileName}: the judge stopped: ${message.split('\n')[0]}` };
  }
}

const reply = Buffer.from(`${JSON.stringify(run())}\n`);
for (let written = 0; written < reply.length;) written += writeSync(REPLY_FD, reply, written);
