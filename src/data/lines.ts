import { readFileSync } from 'node:fs';

/** A UTF-8 file's text, or an error naming the file and why it could not be read. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * Non-empty, trimmed lines of a text file (one training item per line), with errors that name the file.
 * `minLines` guards recipes that split the items into train/val/test.
 */
export function readLines(path: string, { minLines = 1 } = {}): string[] {
  const text = readTextFile(path);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) throw new Error(`${path}: the file is empty; expected one item per line`);
  if (lines.length < minLines) {
    throw new Error(`${path}: found ${lines.length} line(s), need at least ${minLines} to split into train/val/test`);
  }
  return lines;
}
