import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makeDirectory } from './atomicWrite.js';
import { processAlive } from './checkpoint.js';

/** A takeover claim older than this was left by a process that died while replacing a stale lock (it takes microseconds). */
const ABANDONED_CLAIM_MS = 10_000;

/**
 * Takes `runDir/lock` for this process, so two runs training into one folder cannot clobber each other's
 * checkpoints. A lock left by a process that no longer runs is taken over with a warning; one held by a live
 * process is refused. Every step is atomic, so of several processes racing for one folder exactly one wins:
 * the lock file appears whole (linked from a finished temporary file), and a stale lock is removed only by the
 * one process that first claims it (`lock.takeover-PID`, created exclusively), and only if it still names the
 * dead process. Returns the function that releases it (also called on exit).
 */
export function acquireRunLock(runDir: string, warn: (message: string) => void = (m) => console.error(`warning: ${m}`)): () => void {
  makeDirectory(runDir);
  const file = join(runDir, 'lock');
  for (let attempt = 0; !createLock(file); attempt++) {
    if (attempt >= 20) throw new Error(`${file}: the lock keeps changing hands between other processes; try again`);
    const lock = readLock(file);
    if (lock === undefined) continue;   // released meanwhile: try again
    const { pid: holder, host } = lock;
    // A process id means nothing on another machine (containers sharing a volume, a network share): refuse.
    if (host !== undefined && host !== hostname()) {
      throw new Error(`${runDir}: a run on ${host} (process ${holder}) holds this folder; wait for it, or use another --out (remove ${file} if that run is gone)`);
    }
    if (Number.isInteger(holder) && processAlive(holder) && holder !== process.pid) {
      throw new Error(`${runDir}: another run (process ${holder}) is training into this folder; wait for it, or use another --out (remove ${file} if that process is not zerograd)`);
    }
    removeStaleLock(file, holder, warn);
  }
  const release = () => {
    process.off('exit', release);
    try {
      removeLockOf(file, process.pid);
    } catch (error) {
      console.error(`warning: ${file}: cannot remove the lock (${(error as Error).message})`);
    }
  };
  process.on('exit', release);
  return release;
}

/** Creates the lock holding this process's id, whole, unless one exists; true when it did. */
function createLock(file: string): boolean {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, LOCK_CONTENT());
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Folders without hard links (FAT, exFAT, some network shares) get an exclusive create, which a racing reader
    // may for a moment see empty.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createExclusive(file);
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function createExclusive(file: string): boolean {
  try {
    writeFileSync(file, LOCK_CONTENT(), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** What a lock holds: the process's id, then its machine's name. */
const LOCK_CONTENT = () => `${process.pid}\n${hostname()}\n`;

/**
 * What a lock names, read at once: the process id (NaN when unreadable) and the machine (undefined in a lock from
 * before hosts were written); undefined when there is no lock.
 */
function readLock(file: string): { pid: number; host: string | undefined } | undefined {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const [pid, host] = content.split('\n');
  return { pid: Number.parseInt(pid, 10), host: host || undefined };
}

/** Removes the lock `file` if it names process `pid` of this machine (a run releasing its own, or a killed child's). */
export function removeLockOf(file: string, pid: number): void {
  const lock = readLock(file);
  if (lock?.pid === pid && (lock.host === undefined || lock.host === hostname())) rmSync(file, { force: true });
}

function removeStaleLock(file: string, holder: number, warn: (message: string) => void): void {
  const claim = `${file}.takeover-${Number.isInteger(holder) ? holder : 'unreadable'}`;
  try {
    writeFileSync(claim, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is replacing the same stale lock; its claim is dropped only once clearly abandoned.
    try {
      if (Date.now() - statSync(claim).mtimeMs > ABANDONED_CLAIM_MS) rmSync(claim, { force: true });
    } catch { /* gone meanwhile */ }
    return;
  }
  try {
    const now = readLock(file)?.pid;
    if (now === holder || (Number.isNaN(now) && Number.isNaN(holder))) {
      warn(`${file}: taking over a stale lock left by process ${Number.isInteger(holder) ? holder : '(unreadable)'}, which is no longer running`);
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(claim, { force: true });
  }
}
