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
  save?: () => string | Promise<string>;
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
 * checkpoints, which then restart the clock. Outside a guarded run it returns `save` as it is. A run on a GPU saves
 * asynchronously (its weights are read back first); its loop then runs under runAsync, which awaits afterStep.
 */
export function guardedSave<S extends string | Promise<string>>(save: () => S): () => S {
  const current = guard;
  if (!current) return save;
  const saved = (dir: string) => {
    current.lastSave = Date.now();
    current.fresh = dir;
    return dir;
  };
  const timed = () => {
    const dir = save();
    return (typeof dir === 'string' ? saved(dir) : dir.then(saved)) as S;
  };
  current.save = timed;
  return timed;
}

/**
 * Called by the training loop after each step, `done` steps in: save if one is due, and stop if asked. With an
 * asynchronous save it returns the promise of that save (or of the stop), which the loop's runner awaits.
 */
export function afterStep(done: number): void | Promise<void> {
  const current = guard;
  if (!current?.save) {
    if (current && stopCheck()) throw new Interrupted(current.command, current.runDir, done, undefined);
    return;
  }
  if (stopCheck()) {
    const dir = current.fresh ?? current.save();
    if (typeof dir === 'string') throw new Interrupted(current.command, current.runDir, done, dir);
    return dir.then((saved) => { throw new Interrupted(current.command, current.runDir, done, saved); });
  }
  const due = Date.now() - current.lastSave >= current.everyMs ? current.save() : undefined;
  current.fresh = undefined;
  if (due instanceof Promise) return due.then(() => undefined);
}
