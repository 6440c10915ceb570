/**
 * makemore's names corpus from lists of first names: lowercased, limited to a-z (so the vocabulary is
 * 27 symbols), de-duplicated in order of first appearance.
 */
export function normalizeNames(...lists: readonly string[][]): string[] {
  const names = lists.flat().map((n) => n.toLowerCase()).filter((n) => /^[a-z]+$/.test(n));
  return [...new Set(names)];
}
