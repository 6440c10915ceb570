// The practice cases as Node reads them: data/practice/cases.json, written by scripts/make_practice_cases.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../data/corpora.js';
import type { CaseData } from './problem.js';

export interface CaseFile {
  torch_version: string;
  problems: Record<string, CaseData[]>;
}

let cached: CaseFile | null = null;

/** Every problem's cases, read once. */
export function practiceCases(): CaseFile {
  cached ??= JSON.parse(readFileSync(join(packageRoot(), 'data', 'practice', 'cases.json'), 'utf8')) as CaseFile;
  return cached;
}
