import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The course corpora that ship in the package's data/ folder (sources and licences in data/README.md). */
export const CORPORA = ['names.txt', 'tinyshakespeare.txt', 'digits.csv.gz'] as const;
export type Corpus = (typeof CORPORA)[number];

/** The package root, found upwards from this compiled file (dist/src/data/ in a build). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = dirname(dir);
  }
  return dir;
}

/** The absolute path of a shipped corpus, e.g. corpusPath('names.txt'). */
export const corpusPath = (name: Corpus): string => join(packageRoot(), 'data', name);

/** The names a bundled corpus answers to on the command line: its file name, or that name without extensions. */
export const corpusNames = (): string[] => CORPORA.map((c) => c.split('.')[0]);

/**
 * A --data value: a path that exists is taken as given; otherwise a bundled corpus's name ('names',
 * 'tinyshakespeare', 'digits', or its file name) is its path in the package, so the corpora work from any folder.
 */
export function dataArgument(value: string): string {
  if (existsSync(value)) return value;
  const corpus = CORPORA.find((c) => c === value || c.split('.')[0] === value);
  return corpus ? corpusPath(corpus) : value;
}
