/** What a row of the results tables is: the commands that measure it and how to read its numbers from what they print. */

/** How to read one number: the last match's first group of a pattern, or a function of the output. */
export interface Measure {
  key: string;
  read: RegExp | ((output: string) => string | undefined);
  /** Largest difference `--check` accepts from the recorded value; null for timings, which are recorded but never compared. */
  tolerance: number | null;
  /** Which command's output to read (index into commands); all of them, joined, when absent. */
  command?: number;
}

/**
 * 'ci': cheap enough for the test suite's `--check`; 'long': run by a plain `npm run results`, too slow for CI;
 * 'manual': too slow even for that (hours or days), run only when named with `--only`.
 */
export type Cost = 'ci' | 'long' | 'manual';

export interface Recipe {
  name: string;
  /** Shell commands as the docs show them (`npx zerograd ...`, `node dist/...`, `/usr/bin/python3 scripts/...`), run in order in one temporary folder. */
  commands: string[];
  /** Environment the docs' prose states for the whole table (e.g. ZEROGRAD_THREADS=1). */
  env?: { [key: string]: string };
  measures: Measure[];
  cost: Cost;
  /** How long the recipe takes, as the docs report it. */
  estimate: string;
}

/** A recipe's recorded result: the numbers as printed, and which run printed them (commit null: measured by hand before `npm run results`). */
export interface RowRecord {
  values: { [key: string]: string };
  commit: string | null;
  date: string | null;
  seconds: number | null;
}

/** A number pattern's shorthand: `n('val', /val loss (N)/, 0.002)` with N standing for a decimal number. */
export function n(key: string, pattern: RegExp | string, tolerance: number | null, command?: number): Measure {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  return { key, read: new RegExp(source.replaceAll('(N)', '(-?\\d+(?:\\.\\d+)?)'), typeof pattern === 'string' ? '' : pattern.flags), tolerance, command };
}

/** The last match of a measure in the output, or undefined. */
export function readMeasure(measure: Measure, output: string): string | undefined {
  if (typeof measure.read === 'function') return measure.read(output);
  const flags = measure.read.flags.includes('g') ? measure.read.flags : measure.read.flags + 'g';
  let last: string | undefined;
  for (const match of output.matchAll(new RegExp(measure.read.source, flags))) last = match[1];
  return last;
}
