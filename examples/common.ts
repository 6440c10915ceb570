// Shared by the lesson scripts: a fast mode for the test that runs them, and where course data lives.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultNames } from '../src/data/defaultNames.js';
import { readLines } from '../src/data/lines.js';

/** `--fast` shrinks every loop so the whole lesson runs in seconds (the example test uses it). */
export const fast = process.argv.includes('--fast');

const repoRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

/** A file from the course data beside the project (../shared/data), if it is there. */
export function courseData(file: string): string | null {
  const path = resolve(repoRoot, '..', 'shared', 'data', file);
  return existsSync(path) ? path : null;
}

/** names.txt when available, else the embedded names corpus. */
export function names(): string[] {
  const path = courseData('names.txt');
  return path ? readLines(path) : defaultNames();
}

export const runsDir = join(repoRoot, 'runs', 'examples');
