// Messages between the practice page and the worker that runs a learner's code.
import type { CaseResult } from '../src/lessons/practice/problem.js';

export interface RunRequest { id: number; source: string }
export type RunReply = { type: 'ready' } | { type: 'results'; results: CaseResult[] } | { type: 'error'; message: string };
