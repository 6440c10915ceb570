import { type LabelledText, type TaggedSentence, parseConll, parseLabelled } from './labelled.js';
import { readTextFile } from './lines.js';

/** `text,label` rows from a .csv, .tsv or .jsonl file (chosen by extension), with errors naming file and line. */
export function readLabelledFile(path: string): LabelledText[] {
  return parseLabelled(readTextFile(path), path);
}

/** Tagged sentences from a CoNLL-style file (`token tag` lines, blank lines between sentences). */
export function readConll(path: string): TaggedSentence[] {
  return parseConll(readTextFile(path), path);
}
