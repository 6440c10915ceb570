import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * An I/O failure as the user should read it: the path, then what the system said. Node names the path when
 * opening fails but not when a write does ("EFBIG: file too large, write"), so every write goes through this.
 */
export function ioError(path: string, error: unknown): Error {
  const message = (error as Error).message ?? String(error);
  return new Error(message.includes(path) ? message : `${path}: ${message}`, { cause: error });
}

/**
 * Writes a file so that readers see either the old content or the new, never a torn mix: the data goes to a
 * temporary file beside the target, every byte of it (a write may take only part of what it is given, as on a
 * nearly full disk or under `ulimit -f`), is flushed to disk, and is then renamed over the target, and the rename
 * itself is flushed. Any failure removes the temporary file and throws an error naming `path`.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw ioError(path, error);
  }
  try {
    syncDirectory(dirname(path));
  } catch (error) {
    // The file is in place and readers see it whole; only its survival of a power cut is in doubt.
    console.error(`warning: ${(error as Error).message}`);
  }
}

/** writeSync until every byte is written: a short count is not an error, so it must be looped on, not trusted. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) {
    const n = writeSync(fd, bytes, at, bytes.length - at);
    if (n <= 0) throw new Error(`write made no progress at byte ${at} of ${bytes.length}`);
    at += n;
  }
}

/**
 * Flushes a folder's entries (a rename, a new file) to disk, so a power cut cannot undo a rename that readers
 * were already told about. Some systems (Windows) cannot open a folder for this; there the rename stands as is.
 */
export function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw ioError(dir, error);
  } finally {
    closeSync(fd);
  }
}

/**
 * mkdir -p, one level at a time. Node's own recursive mkdirSync loops forever where a parent exists but refuses
 * new entries (under /proc it says ENOENT, then EEXIST for the parent, and tries again); here that is an error naming `dir`.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${dir}: cannot create this folder (${(error as Error).message})`);
    }
  }
}
