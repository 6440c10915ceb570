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
