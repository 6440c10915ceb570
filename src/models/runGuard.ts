// What a training loop does between steps so that a run loses little: it saves a checkpoint every few minutes,
// and when asked to stop (Ctrl-C, SIGTERM, as the command line reports it) it saves one and stops.

/** A run stopped on request after `step` steps, saved in `checkpoint` (undefined if nothing could be saved yet). */
export class Interrupted extends Error {
  constructor(readonly command: string, readonly runDir: string, readonly step: number, readonly checkpoint: string | undefined) {
    super(checkpoint
      ? `interrupted after step ${step}; saved ${checkpoint}`
      : `interrupted after step ${step}, before anything could be saved`);
  }
}

interface Guard {
  command: string;
  runDir: string;
  everyMs: number;
  lastSave: number;
  save?: () => string;
  /** The checkpoint saved since the loop last looked, if any (a recipe's own periodic save, at this step). */
  fresh?: string;
}

let guard: Guard | undefined;
let stopCheck: () => boolean = () => false;

/** How the command line says a stop was requested; the loop asks after each step, so it must be cheap. */
export function setStopCheck(check: () => boolean): void {
  stopCheck = check;
}

/** Starts guarding a run of `command` training into `runDir`: a checkpoint at least every `everyMs`, and on a stop request. */
export function guardRun(command: string, runDir: string, everyMs: number): void {
  guard = { command, runDir, everyMs, lastSave: Date.now() };
}

export function endGuard(): void {
  guard = undefined;
}

/**
 * Registers how the guarded run saves a checkpoint, and returns that save for the recipe's own periodic
 * checkpoints, which then restart the clock. Outside a guarded run it returns `save` as it is.
 */
export function guardedSave(save: () => string): () => string {
  const current = guard;
  if (!current) return save;
  const timed = () => {
    const dir = save();
    current.lastSave = Date.now();
    current.fresh = dir;
    return dir;
  };
  current.save = timed;
  return timed;
}

/** What afterStep does now: stop (a stop was requested), save (a timed checkpoint is due), or nothing. */
function due(): 'stop' | 'save' | undefined {
  if (!guard) return undefined;
  if (stopCheck()) return 'stop';
  return guard.save && Date.now() - guard.lastSave >= guard.everyMs ? 'save' : undefined;
}

/** Called by the training loop after each step, `done` steps in: save if one is due, and stop if asked. */
export function afterStep(done: number, next = due()): void {
  if (!guard) return;
  if (next === 'stop') throw new Interrupted(guard.command, guard.runDir, done, guard.save ? guard.fresh ?? guard.save() : undefined);
  if (next === 'save') guard.save!();
  guard.fresh = undefined;
}

/**
 * afterStep for a loop on a GPU, whose save writes what `readBack` last read from the device: when a save is due,
 * the run is read back first (awaited), and only then saved, from the same decision.
 */
export async function afterStepAsync(done: number, readBack: () => Promise<void>): Promise<void> {
  const next = due();
  if (guard?.save && (next === 'save' || (next === 'stop' && !guard.fresh))) await readBack();
  afterStep(done, next);
}
