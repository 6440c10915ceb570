/** `--check`: each number a run printed against the recorded one, within the tolerance its recipe declares. */
import type { RowRecord, Recipe } from './recipe.js';

/** One line per number beyond its tolerance (or missing from the record), naming the row; empty when the run agrees. */
export function differences(recipe: Recipe, recorded: RowRecord | undefined, fresh: { [key: string]: string }, store = 'docs/results.json'): string[] {
  const lines: string[] = [];
  for (const { key, tolerance } of recipe.measures) {
    if (tolerance === null || fresh[key] === undefined) continue;
    const old = recorded?.values[key];
    if (old === undefined) { lines.push(`${recipe.name}: ${key} ${fresh[key]} has no recorded value to compare with in ${store}`); continue; }
    const gap = Math.abs(Number(fresh[key]) - Number(old));
    if (!(gap <= tolerance + 1e-12)) {
      lines.push(`${recipe.name}: ${key} ${fresh[key]} differs from the recorded ${old} by ${Number(gap.toPrecision(4))}, beyond its tolerance ${tolerance} (${store})`);
    }
  }
  return lines;
}
