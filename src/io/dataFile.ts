// What a run remembers of the data file it trained on, so that --resume (and makemore eval) can tell when the
// file at that path is no longer the one the checkpoint learned from.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** config.json's `dataFile`: the data's absolute path, its size and the sha256 of its bytes. */
export interface DataFingerprint {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * The fingerprint of a file, or of a folder (an MNIST-style IDX folder) as its files in name order; undefined for
 * no path or one that cannot be read (the loader that reads it names that error).
 */
export function fingerprintData(path: string | undefined): DataFingerprint | undefined {
  if (path === undefined) return undefined;
  try {
    const hash = createHash('sha256');
    let bytes = 0;
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        const file = join(path, name);
        if (!statSync(file).isFile()) continue;
        const content = readFileSync(file);
        // The name goes in too: two folders whose files swap names hold different data.
        hash.update(`${name}\0${content.length}\0`).update(content);
        bytes += content.length;
      }
    } else {
      const content = readFileSync(path);
      hash.update(content);
      bytes = content.length;
    }
    return { path: resolve(path), bytes, sha256: hash.digest('hex') };
  } catch {
    return undefined;
  }
}

/** How `now` differs from the `saved` fingerprint of the same data, in words; undefined when it does not. */
export function dataChange(saved: DataFingerprint, now: DataFingerprint | undefined): string | undefined {
  if (!now) return 'it can no longer be read';
  if (saved.bytes !== now.bytes) return `${saved.bytes} bytes then, ${now.bytes} now`;
  if (saved.sha256 !== now.sha256) return `the same ${now.bytes} bytes, other contents (sha256 ${saved.sha256.slice(0, 12)}... then, ${now.sha256.slice(0, 12)}... now)`;
  return undefined;
}

/** A checkpoint config's `dataFile`, when it has a well-formed one (checkpoints written before it have none). */
export function savedFingerprint(config: Record<string, unknown>): DataFingerprint | undefined {
  const saved = config.dataFile as Partial<DataFingerprint> | null | undefined;
  return saved && typeof saved.path === 'string' && typeof saved.bytes === 'number' && typeof saved.sha256 === 'string'
    ? saved as DataFingerprint : undefined;
}
