// Running the judge on a learner's file in a child process, within limits on its time, memory and printing.
// spawnSync alone cannot do it: its timeout sends one SIGTERM to one process, which a learner's loop can ignore
// and which leaves the processes the learner's code started running. So `zerograd practice check`, which is
// synchronous like every command, runs supervisor.js with spawnSync, and the supervisor (an ordinary event loop)
// runs the runner in a process group of its own, kills the whole group when the time is up or the reply is in,
// caps the memory and the output, and answers with one Outcome on its stdout.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunnerReply } from './runner.js';

export interface JudgeLimits {
  /** Seconds the runner may take, starting Node included. */
  seconds: number;
  /** The JavaScript heap's cap; on Linux, also that of the heap and ArrayBuffers (tensors' storage) together. */
  memoryMB: number;
  /** What the learner's code may print on stdout and stderr together. */
  outputMB: number;
  /** How long a runner has to end after SIGTERM before it and its group get SIGKILL. */
  graceMs: number;
}

export const DEFAULT_LIMITS: JudgeLimits = { seconds: 30, memoryMB: 1024, outputMB: 10, graceMs: 1000 };

export interface SupervisorJob {
  runner: string;
  limits: JudgeLimits;
  /** The runner's stdin. */
  input: string;
}

export type Outcome =
  | { kind: 'reply'; reply: RunnerReply }
  | { kind: 'timeout' }
  | { kind: 'output' }
  /** V8 stopped the runner: its heap reached the cap. */
  | { kind: 'memory' }
  /** The runner ended without replying, by process.exit in the learner's code. */
  | { kind: 'exited'; code: number }
  | { kind: 'crashed'; detail: string };

const SUPERVISOR = fileURLToPath(new URL('./supervisor.js', import.meta.url));
const RUNNER = fileURLToPath(new URL('./runner.js', import.meta.url));

/** The runner's outcome on `input`; a supervisor that fails itself is reported as a crash. */
export function runJudged(input: string, limits: JudgeLimits): Outcome {
  const job: SupervisorJob = { runner: RUNNER, limits, input };
  // The supervisor ends itself after the limits; this timeout only guards against a bug in it.
  const child = spawnSync(process.execPath, [SUPERVISOR], {
    input: JSON.stringify(job), encoding: 'utf8', timeout: limits.seconds * 1000 + limits.graceMs + 10_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20,
  });
  try {
    return JSON.parse(child.stdout) as Outcome;
  } catch {
    const line = (child.stderr ?? '').split('\n').find((l) => /error/i.test(l));
    return { kind: 'crashed', detail: line?.trim() ?? `the supervisor's exit code ${child.status ?? child.signal}` };
  }
}
