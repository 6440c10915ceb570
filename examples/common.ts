// Shared by the lesson scripts: their command line (--fast, --help), the backend, and the course data they read.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/backend/select.js';
import { corpusPath } from '../src/data/corpora.js';
import { type ImageSet, readDigitsCsv } from '../src/data/images.js';
import { readLines, readTextFile } from '../src/data/lines.js';
import { stratifiedSplit, subset } from '../src/models/vision/recipe.js';
import { startLesson } from './lessonArgs.js';

/** This lesson's arguments, read before it does any work; `lesson.done()` ends it with the next lesson's name. */
export const lesson = startLesson();

// Lessons run on the CLI's backend: WebAssembly, or the TypeScript kernels with ZEROGRAD_BACKEND=reference.
selectBackend();

/** `--fast` shrinks every loop so the whole lesson runs in seconds (the example test uses it). */
export const fast = lesson.fast;

const repoRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

/** The lectures' 32,032 names (data/names.txt, shipped with the package). */
export const names = (): string[] => readLines(corpusPath('names.txt'));

/** Tiny Shakespeare (data/tinyshakespeare.txt, shipped with the package). */
export const shakespeare = (): string => readTextFile(corpusPath('tinyshakespeare.txt'));

export const runsDir = join(repoRoot, 'runs', 'examples');

/** The UCI 8x8 digits (data/digits.csv.gz), cut 80/10/10 stratified by label as `zerograd vision train` cuts them. */
export function digitSplits(): { train: ImageSet; val: ImageSet; test: ImageSet } {
  const digits = readDigitsCsv(corpusPath('digits.csv.gz'));
  const [train, val, test] = stratifiedSplit(digits.labels, [0.8, 0.1, 0.1]);
  return { train: subset(digits, train), val: subset(digits, val), test: subset(digits, test) };
}
