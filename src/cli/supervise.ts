// Ctrl-C for a training command. Training runs synchronously, so a signal handler in the training process would
// only run once training had ended. `zerograd` therefore runs a training command in a child process and stays idle
// itself to receive SIGINT and SIGTERM. It tells the child through a file in a private folder, which the training
// loop looks for after each step (runGuard.ts): the child finishes the step, saves a checkpoint, releases its lock
// and exits. A second signal kills the child at once and releases the lock it noted in the same folder.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeLockOf } from '../io/runLock.js';
import { setStopCheck } from '../models/runGuard.js';

/** Ctrl-C, a polite kill, and a closed terminal or SSH session: each saves and stops. */
const STOP_SIGNALS: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Set in the child: the folder through which its parent asks it to stop. */
const CONTROL = 'ZEROGRAD_RUN_CONTROL';

/** Exit status of a run stopped by a signal, as shells report it: 128 + the signal's number. */
export const interruptedStatus = (signal: NodeJS.Signals = 'SIGINT') => 128 + (constants.signals[signal] ?? 2);

/** In a supervised child, the folder shared with the parent. */
let childControl: string | undefined;

/** In the child, records the lock it holds, so that a parent killing it can release it. */
export function noteLock(file: string): void {
  if (childControl && existsSync(childControl)) writeFileSync(join(childControl, 'lock'), resolve(file));
}

/**
 * In a supervised child: stop when the parent's stop file appears or the parent has gone. Signals sent to the
 * whole process group (Ctrl-C at a terminal) reach the child too; it leaves them to the parent.
 */
export function becomeSupervisedChild(): boolean {
  const control = process.env[CONTROL];
  if (!control) return false;
  // Commands this one starts (Python for an export) are not supervised children.
  delete process.env[CONTROL];
  childControl = control;
  const parent = process.ppid;
  let lastLook = 0;
  let stop = false;
  setStopCheck(() => {
    const now = performance.now();
    if (!stop && now - lastLook >= 50) {
      lastLook = now;
      stop = existsSync(join(control, 'stop')) || process.ppid !== parent;
    }
    return stop;
  });
  for (const signal of STOP_SIGNALS) process.on(signal, () => {});
  return true;
}

/** Runs `zerograd argv` in a supervised child process and returns its exit status. */
export async function superviseTraining(argv: string[]): Promise<number> {
  const control = mkdtempSync(join(tmpdir(), 'zerograd-run-'));
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, bin, ...argv], { stdio: 'inherit', env: { ...process.env, [CONTROL]: control } });
  const failed = new Promise<never>((_, reject) => child.once('error', (error) => reject(new Error(`cannot start the training process (${error.message})`))));
  let signals = 0;
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    if (++signals === 1) {
      writeFileSync(join(control, 'stop'), signal);
      process.stderr.write(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: finishing this step and saving a checkpoint (again to stop at once, losing the work since the last checkpoint)\n`);
    } else {
      child.kill('SIGKILL');
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    const [code, signal] = (await Promise.race([once(child, 'exit'), failed])) as [number | null, NodeJS.Signals | null];
    if (signal === null) return stoppedBy && code === interruptedStatus() ? interruptedStatus(stoppedBy) : code ?? 1;
    releaseLock(control, child.pid);
    if (signals > 1) process.stderr.write(`stopped at once; the run's last checkpoint is what was saved before (resume with --resume)\n`);
    return interruptedStatus(stoppedBy ?? signal);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    rmSync(control, { recursive: true, force: true });
  }
}

/** Removes the lock a killed child held, if it still names the child. */
function releaseLock(control: string, pid: number | undefined): void {
  try {
    if (pid !== undefined) removeLockOf(readFileSync(join(control, 'lock'), 'utf8'), pid);
  } catch { /* no lock taken, or already gone */ }
}
