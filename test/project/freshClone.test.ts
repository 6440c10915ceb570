import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import { CORPORA, corpusPath } from '../../src/data/corpora.js';
import { readLines } from '../../src/data/lines.js';
import { projectRoot } from '../helpers.js';

const root = projectRoot();
// Spelled in two parts so this file does not match its own search.
const SHARED = ['..', 'shared'].join('/');
/** The one test allowed to read beside the repository: nanoGPT's own code is third-party and stays out of it. */
const HANDOFF_TEST = join('test', 'io', 'nanogptHandoff.test.ts');

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

describe('a fresh clone needs nothing beside the repository', () => {
  test(`no source, example, benchmark, page or test refers to ${SHARED} (but the nanoGPT hand-off test)`, () => {
    const offenders = ['src', 'examples', 'bench', 'web', 'test']
      .flatMap(filesUnder)
      .filter((file) => file !== HANDOFF_TEST && readFileSync(join(root, file), 'utf8').includes(SHARED));
    assert.deepEqual(offenders, []);
  });

  test('the course corpora ship in data/ with their sources', () => {
    assert.equal(readLines(corpusPath('names.txt')).length, 32_033);
    assert.equal(readFileSync(corpusPath('tinyshakespeare.txt'), 'utf8').length, 1_115_394);
    const attribution = readFileSync(join(root, 'data', 'README.md'), 'utf8');
    for (const name of CORPORA) assert.match(attribution, new RegExp(`\`${name.replaceAll('.', '\\.')}\`.*(MIT|public domain|CC BY 4\\.0)`));
  });

  test('the build leaves the command executable, so `npx zerograd` runs after any rebuild', () => {
    const mode = statSync(join(root, 'dist', 'src', 'cli', 'bin.js')).mode;
    assert.equal(mode & 0o111, 0o111, `dist/src/cli/bin.js has mode ${(mode & 0o777).toString(8)}`);
  });

  test('the playground build lands outside dist/, which `npm run build` empties', () => {
    const config = readFileSync(join(root, 'web', 'vite.config.ts'), 'utf8');
    const outDir = /outDir:\s*'([^']+)'/.exec(config)?.[1];
    assert.ok(outDir, 'web/vite.config.ts names no build.outDir');
    const target = resolve(root, 'web', outDir);
    assert.ok(!`${target}${sep}`.startsWith(join(root, 'dist') + sep), `the playground builds into ${target}, inside dist/`);
  });

  test('every installed dependency with an install script is approved or denied in allowScripts (no warning on install)', () => {
    const { allowScripts = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    const uncovered: string[] = [];
    const visit = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name === '.bin') continue;
        const path = join(dir, entry.name);
        if (entry.name.startsWith('@')) { visit(path); continue; }
        let manifest: { name?: string; scripts?: Record<string, string> };
        try {
          manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
        } catch {
          continue;
        }
        const scripts = manifest.scripts ?? {};
        if (['preinstall', 'install', 'postinstall'].some((s) => s in scripts) && !(manifest.name! in allowScripts)) uncovered.push(manifest.name!);
        try { visit(join(path, 'node_modules')); } catch { /* no nested dependencies */ }
      }
    };
    visit(join(root, 'node_modules'));
    assert.deepEqual(uncovered, []);
  });
});
