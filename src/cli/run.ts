// What every training command shares: its run folder's lock, resuming from the checkpoint's own settings,
// extending a finished run, how many checkpoints to keep, and the memory a model may take.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { type Checkpoint, checkpointEntries, hasCheckpoint, loadRecipeCheckpoint } from '../io/checkpoint.js';
import { acquireRunLock } from '../io/runLock.js';
import { endGuard, guardRun } from '../models/runGuard.js';
import { type CliIO, type CommandSpec, type OptionSpec, UsageError } from './args.js';
import { RUN_OPTIONS } from './commonOptions.js';
import { savedSetting } from './options.js';
import { noteLock } from './supervise.js';

/**
 * Where a training command writes without --out: runs/NAME, or with `kind` one folder per model kind
 * (runs/gpt-tiny, runs/gpt-small). The command's RUN_OPTIONS show the same default, so help cannot disagree with it.
 */
export function runFolder(name: string, kind?: { option: string; fallback: string }) {
  const folder = (chosen?: string) => join('runs', chosen === undefined ? name : `${name}-${chosen}`);
  const shown = kind ? `${folder(kind.fallback)}; ${folder(`<${kind.option}>`)} for another --${kind.option}` : folder();
  return { folder, options: { ...RUN_OPTIONS, out: { ...RUN_OPTIONS.out, shown } } };
}

/** A path as a shell word: quoted where it holds a space or another character the shell would read. */
const shellWord = (path: string) => (/^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`);

/**
 * The lines every training run ends with: the command that uses this run (`use` and then its folder, with `args`
 * after it or `stdin` piped in), where its loss curve is, and where to go next.
 */
export function logNextSteps(io: CliIO, out: string, use: string, { args, stdin }: { args?: string; stdin?: string } = {}): void {
  io.log('next steps:');
  io.log(`  ${stdin === undefined ? '' : `echo '${stdin}' | `}npx zerograd ${use} ${shellWord(out)}${args === undefined ? '' : ` ${args}`}`);
  const curve = join(out, 'loss.svg');
  io.log(`  ${existsSync(curve) ? `open ${curve}; ` : ''}try the playground: npm run playground; exercises: npx zerograd practice list`);
}

/** --max-memory in bytes: a decimal integer with an optional K, M, G or T (powers of 1024); default 80% of RAM. */
export function memoryLimit(raw: string | undefined): { bytes: number; name: string } {
  if (raw === undefined) return { bytes: Math.floor(totalmem() * 0.8), name: "80% of this machine's memory (--max-memory)" };
  const match = /^(\d+)([KMGT]?)i?B?$/i.exec(raw.trim());
  if (!match) throw new UsageError(`--max-memory: expected a byte count such as 512M or 8G, got '${raw}'`);
  const power = ' KMGT'.indexOf(match[2].toUpperCase() || ' ');
  return { bytes: Number(match[1]) * 1024 ** power, name: `--max-memory ${raw}` };
}

export interface OpenedRun {
  /** The checkpoint to continue from (with --resume). */
  resume?: Checkpoint;
  keep: number;
  release: () => void;
}

type RunFlags = { resume?: boolean; extend?: number; keep: number; overwrite?: boolean; 'save-every-minutes': number };

/**
 * Locks the run folder `out` for this process, and with --resume loads its checkpoint, which must come from
 * `recipe`. A new run never silently replaces another: in a folder that holds checkpoints it needs --overwrite,
 * which removes them. Until released, the run is guarded (runGuard.ts): it saves every --save-every-minutes and
 * when asked to stop.
 */
export function openRun(command: string, out: string, o: RunFlags, recipe: string): OpenedRun {
  const { keep, 'save-every-minutes': everyMinutes } = o;
  if (o.extend !== undefined && !o.resume) throw new UsageError(`${command}: --extend continues a finished run; give --resume too`);
  if (o.resume && o.overwrite) throw new UsageError(`${command}: --resume continues the run in ${out} and --overwrite replaces it; give one`);
  if (o.resume && !hasCheckpoint(out)) {
    throw new UsageError(`${command}: --resume: ${out} has no checkpoint to continue (no latest.json); train without --resume to start a run there`);
  }
  const release = acquireRunLock(out);
  noteLock(join(out, 'lock'));
  try {
    const existing = checkpointEntries(out);
    if (!o.resume && existing.length > 0 && !o.overwrite) {
      throw new UsageError(`${command}: ${out} holds a run (${existing.join(', ')}); --resume continues it (--resume --extend N trains past its end), --overwrite starts again and replaces it, or choose another --out`);
    }
    const replaced = o.resume ? undefined : setAside(out, existing);
    const resume = o.resume ? loadRecipeCheckpoint(out, recipe, command) : undefined;
    guardRun(command, out, everyMinutes * 60_000);
    return {
      resume, keep, release: () => {
        endGuard();
        if (replaced) settleReplaced(out, replaced);
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * --overwrite: the old run's checkpoints move aside (`replaced-PID/`) rather than go, so a new run refused by a later
 * check, or stopped before it saved anything, gives them back (settleReplaced).
 */
function setAside(out: string, entries: string[]): string | undefined {
  if (entries.length === 0) return undefined;
  const aside = join(out, `replaced-${process.pid}`);
  mkdirSync(aside);
  for (const entry of entries) renameSync(join(out, entry), join(aside, entry));
  return aside;
}

/** Once the new run has a checkpoint of its own the old one is removed; if it has none, the old one returns. */
function settleReplaced(out: string, aside: string): void {
  if (!existsSync(join(out, 'latest.json'))) {
    for (const entry of readdirSync(aside)) if (!existsSync(join(out, entry))) renameSync(join(aside, entry), join(out, entry));
  }
  rmSync(aside, { recursive: true, force: true });
}

/**
 * Runs `train` on the run folder `out`, locked (openRun) for as long as it takes, with the checkpoint to resume from.
 * A `train` that returns a promise (a run on a GPU) holds the lock until the promise settles.
 */
export function withRun<T>(command: string, out: string, o: RunFlags, recipe: string,
  train: (resume: Checkpoint | undefined, keep: number) => T): T {
  const opened = openRun(command, out, o, recipe);
  let result: T;
  try {
    result = train(opened.resume, opened.keep);
  } catch (error) {
    opened.release();
    throw error;
  }
  if (result instanceof Promise) return result.finally(opened.release) as T;
  opened.release();
  return result;
}

/**
 * A resumed run takes every setting from its checkpoint. Each option of `spec` declared with a `key` names where its
 * setting is saved in the checkpoint's `config`; one the user gave that says otherwise is an error naming both values.
 */
export function checkResume<S extends OptionSpec>(spec: CommandSpec<S>, out: string, o: { given: ReadonlySet<string> }, config: Record<string, unknown>): void {
  for (const [flag, def] of Object.entries(spec.options)) {
    if (!def.key || !o.given.has(flag)) continue;
    const given = (o as Record<string, unknown>)[flag];
    const value = def.type === 'path' ? resolve(given as string) : given;
    const saved = savedSetting(config, def.key);
    if (JSON.stringify(value) !== JSON.stringify(saved)) {
      const had = saved ?? def.none ?? (def.shown ? `the default (${def.shown})` : 'none');
      throw new UsageError(`${spec.name}: --${flag} ${String(value)} contradicts the checkpoint in ${out}, which has ${String(had)}; `
        + 'drop the flag to resume with the checkpoint\'s settings (--extend N trains past a finished run), or train into another --out');
    }
  }
}

/** The step count of a resumed run: the checkpoint's, plus --extend N. A finished run is not silently re-saved. */
export function resumedSteps(command: string, out: string, savedSteps: number, doneSteps: number, extend: number | undefined, unit = 'steps'): number {
  const steps = savedSteps + (extend ?? 0);
  if (extend === undefined && doneSteps >= savedSteps) {
    throw new UsageError(`${command}: the run in ${out} finished all ${savedSteps} ${unit}; --extend N trains N more`);
  }
  return steps;
}
