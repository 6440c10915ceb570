import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from './corpora.js';

/** Loads a package by name, as Node's require does from this file (a test passes one that fails). */
export type Loader = (name: string) => unknown;

const nodeRequire: Loader = createRequire(import.meta.url);

/**
 * What to install of an optional peer dependency (peerDependenciesMeta: optional): the range the repository
 * builds and tests with (devDependencies), inside the wider peer range that keeps a user's own copy acceptable.
 */
export function installSpec(name: string): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  const range = manifest.devDependencies?.[name];
  if (!range || !manifest.peerDependenciesMeta?.[name]?.optional) throw new Error(`package.json lists no optional peer dependency ${name}`);
  return `${name}@${range}`;
}

/** The one-line error for a missing optional package: what needed it and the exact command that adds it. */
export const missingPackageMessage = (name: string, purpose: string): string =>
  `${purpose} needs ${name}, an optional package that is not installed: run \`npm install ${installSpec(name)}\``
  + ' (with -g if zerograd is installed globally)';

/**
 * An optional dependency, loaded when a command first needs it: a library user never installs the 93 MB mail
 * corpus or the TypeScript compiler unless a command that reads them runs. Missing, it says how to add it.
 */
export function requireOptional<T>(name: string, purpose: string, load: Loader = nodeRequire): T {
  try {
    return load(name) as T;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // Only the package itself missing; a broken install (one of its own files missing) keeps its own error.
    if (code === 'MODULE_NOT_FOUND' && message.includes(`'${name}'`)) throw new Error(missingPackageMessage(name, purpose));
    throw error;
  }
}
