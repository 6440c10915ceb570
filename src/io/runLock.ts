import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './checkpoint.js';

/**
 * Takes `runDir/lock` for this process, so two runs training into one folder cannot clobber each other's
 * checkpoints. A lock left by a process that no longer runs is taken over with a warning; one held by a
 * live process is refused. Returns the function that releases it (also called on exit).
 */
export function acquireRunLock(runDir: string, warn: (message: string) => void = (m) => console.error(`warning: ${m}`)): () => void {
  mkdirSync(runDir, { recursive: true });
  const file = join(runDir, 'lock');
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && processAlive(holder) && holder !== process.pid) {
        throw new Error(`${runDir}: another run (process ${holder}) is training into this folder; wait for it, or use another --out (remove ${file} if that process is not zerograd)`);
      }
      warn(`${file}: taking over a stale lock left by process ${Number.isInteger(holder) ? holder : '(unreadable)'}, which is no longer running`);
      rmSync(file, { force: true });
    }
  }
  const release = () => {
    process.off('exit', release);
    try {
      if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) rmSync(file, { force: true });
    } catch { /* already gone */ }
  };
  process.on('exit', release);
  return release;
}
