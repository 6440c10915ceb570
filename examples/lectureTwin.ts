// A lesson's numbers beside the lecture's: the losses a PyTorch twin script (scripts/twins/) recorded running the
// lecture's own code, read from test/fixtures/twins/<lesson>.json, against the ones the lesson just computed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One run of a twin script: its batch losses at the recorded steps and its final split losses. */
export interface TwinRun {
  command: string;
  steps: number;
  /** Batch loss by step ("0", "1", "10", "100", "1000"), only the steps the run reached. */
  losses: Record<string, number>;
  train: number;
  val: number;
}

/** What the lesson measured: its batch loss at every step, and the final train and validation losses. */
export interface LessonLosses {
  losses: readonly number[];
  train: number;
  val: number;
}

/** How closely a lesson must follow the lecture: the same first batch and init, and the same end to 0.01. */
export const TOLERANCE = { step0: 1e-5, final: 0.01 } as const;

/** The twin's run for a lesson ('03-mlp') in the mode the lesson runs in; `root` is the repository. */
export function readTwin(root: string, lesson: string, mode: 'fast' | 'full'): TwinRun {
  const path = join(root, 'test', 'fixtures', 'twins', `${lesson}.json`);
  const fixture = JSON.parse(readFileSync(path, 'utf8')) as { runs: Partial<Record<'fast' | 'full', TwinRun>> };
  const run = fixture.runs[mode];
  if (!run) throw new Error(`${path}: no '${mode}' run; make it with the twin script named in the file's other run`);
  return run;
}

/** The lines a lesson prints: "step 0: zerograd 3.2958 lecture 3.2958", then the final train and val losses. */
export function comparisonLines(twin: TwinRun, ours: LessonLosses): string[] {
  const line = (label: string, mine: number | undefined, theirs: number) =>
    `${label}: zerograd ${mine === undefined ? '-' : mine.toFixed(4)} lecture ${theirs.toFixed(4)}`;
  return [
    ...Object.entries(twin.losses).map(([step, loss]) => line(`step ${step}`, ours.losses[Number(step)], loss)),
    line(`after ${twin.steps} steps, train`, ours.train, twin.train),
    line(`after ${twin.steps} steps, val`, ours.val, twin.val),
  ];
}

/** Where the lesson leaves the lecture: step 0 off by more than 1e-5 (a different split, init or batch), or an end off by 0.01. */
export function disagreements(twin: TwinRun, ours: LessonLosses): string[] {
  const found: string[] = [];
  if (ours.losses.length !== twin.steps) found.push(`the lesson ran ${ours.losses.length} steps, the lecture's twin ${twin.steps}`);
  const first = twin.losses['0'];
  if (first !== undefined && !(Math.abs(ours.losses[0] - first) <= TOLERANCE.step0)) {
    found.push(`step 0: zerograd ${ours.losses[0]} lecture ${first}: a different split, init or batch`);
  }
  for (const split of ['train', 'val'] as const) {
    if (!(Math.abs(ours[split] - twin[split]) <= TOLERANCE.final)) found.push(`final ${split}: zerograd ${ours[split].toFixed(4)} lecture ${twin[split].toFixed(4)}`);
  }
  return found;
}
