import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { serializeWeights } from './weightsFile.js';

export interface TrainerState {
  step: number;
  /** Generator state, so a resumed run draws the same batches it would have. */
  rng: number[];
  losses: number[];
  /** Other random streams of the run by name (the evaluation batches' `eval`), restored like `rng`. */
  streams?: Record<string, number[]>;
}

export interface Checkpoint {
  /** Everything needed to rebuild the model and tokenizer: recipe, model config, vocabulary. */
  config: Record<string, unknown>;
  model: Map<string, Tensor>;
  optimizer: Map<string, Float32Array | Float64Array>;
  trainer: TrainerState;
}

/** What `latest.json` holds: the newest complete checkpoint, and the older ones kept, newest first. */
interface Pointer {
  checkpoint: string;
  step: number;
  previous: string[];
}

/** How many checkpoints a run keeps unless told otherwise (`--keep`). */
export const DEFAULT_KEEP = 2;

const stepDirName = (step: number) => `step-${String(step).padStart(8, '0')}`;
/** A checkpoint directory's name: step-NNNNNNNN, with -rK when the same step was saved again. */
const CHECKPOINT_NAME = /^step-\d{8}(-r\d+)?$/;
/** Files and directories a write killed midway leaves: name.tmp-PID. */
const TEMPORARY = /\.tmp-(\d+)$/;

/**
 * Saves a checkpoint under `runDir` without ever exposing or destroying a complete one: the files go to a
 * temporary directory that is renamed into place, then `latest.json` is atomically switched to it, and only
 * then are checkpoints beyond the newest `keep` removed. A step saved again gets a new directory, so the
 * one `latest.json` names is never deleted or overwritten.
 */
export function saveCheckpoint(runDir: string, checkpoint: Checkpoint, { keep = DEFAULT_KEEP } = {}): string {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`saveCheckpoint: keep must be an integer >= 1, got ${keep}`);
  mkdirSync(runDir, { recursive: true });
  removeTemporaries(runDir);
  const { step } = checkpoint.trainer;
  const base = stepDirName(step);
  let name = base;
  for (let revision = 1; existsSync(join(runDir, name)); revision++) name = `${base}-r${revision}`;
  const staging = join(runDir, `${name}.tmp-${process.pid}`);
  mkdirSync(staging);
  const metadata = { format: 'pt', step: String(step) };
  writeFileAtomic(join(staging, 'model.safetensors'), serializeWeights(checkpoint.model, checkpoint.config, step));
  const optimizerTensors = new Map([...checkpoint.optimizer].map(([k, v]) => [k, Tensor.fromStorage(v, [v.length])]));
  writeFileAtomic(join(staging, 'optimizer.safetensors'), serializeSafetensors(optimizerTensors, metadata));
  writeFileAtomic(join(staging, 'config.json'), `${JSON.stringify(checkpoint.config, null, 2)}\n`);
  const streams = Object.fromEntries(Object.entries(checkpoint.trainer.streams ?? {}).map(([k, v]) => [k, v.map(String)]));
  writeFileAtomic(join(staging, 'trainer.json'), `${JSON.stringify({ ...checkpoint.trainer, rng: checkpoint.trainer.rng.map(String), streams })}\n`);
  renameSync(staging, join(runDir, name));

  const before = readPointerQuietly(runDir);
  const history = before ? [before.checkpoint, ...before.previous] : [];
  const previous = history.filter((entry) => entry !== name && existsSync(join(runDir, entry))).slice(0, keep - 1);
  writeFileAtomic(join(runDir, 'latest.json'), `${JSON.stringify({ checkpoint: name, step, previous } satisfies Pointer)}\n`);
  const kept = new Set([name, ...previous]);
  for (const entry of readdirSync(runDir)) {
    if (CHECKPOINT_NAME.test(entry) && !kept.has(entry)) rmSync(join(runDir, entry), { recursive: true, force: true });
  }
  return join(runDir, name);
}

/** Removes what a killed write left in a run directory (`*.tmp-PID` of processes no longer running, or of this one). */
export function removeTemporaries(runDir: string): void {
  for (const dir of [runDir, ...readdirSync(runDir).filter((e) => CHECKPOINT_NAME.test(e)).map((e) => join(runDir, e))]) {
    for (const entry of readdirSync(dir)) {
      const pid = TEMPORARY.exec(entry)?.[1];
      if (pid !== undefined && (Number(pid) === process.pid || !processAlive(Number(pid)))) rmSync(join(dir, entry), { recursive: true, force: true });
    }
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `latest.json` of `runDir`, validated: its names must be checkpoint directories inside `runDir`. */
function readPointer(runDir: string): Pointer {
  const file = join(runDir, 'latest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a checkpoint pointer (${(error as Error).message}); expected {"checkpoint": "step-NNNNNNNN", ...}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${file}: expected a JSON object {"checkpoint": "step-NNNNNNNN", ...}, got ${JSON.stringify(raw)}`);
  }
  const { checkpoint, step = 0, previous = [] } = raw as Record<string, unknown>;
  const names = [checkpoint, ...(Array.isArray(previous) ? previous : [previous])];
  for (const name of names) {
    if (typeof name !== 'string' || !CHECKPOINT_NAME.test(name) || relative(resolve(runDir), resolve(runDir, name)) !== name) {
      throw new Error(`${file}: ${JSON.stringify(name)} is not a checkpoint directory of this run (expected a name like step-00000100 inside ${runDir})`);
    }
  }
  return { checkpoint: checkpoint as string, step: Number(step), previous: names.slice(1) as string[] };
}

function readPointerQuietly(runDir: string): Pointer | undefined {
  try {
    return existsSync(join(runDir, 'latest.json')) ? readPointer(runDir) : undefined;
  } catch {
    return undefined;
  }
}

/** The checkpoint directory `path` refers to: a run directory (through latest.json) or a step directory. */
export function resolveCheckpointDir(path: string): string {
  if (existsSync(join(path, 'latest.json'))) return join(path, readPointer(path).checkpoint);
  if (existsSync(join(path, 'model.safetensors'))) return path;
  throw new Error(`${path}: no checkpoint here (expected latest.json or model.safetensors)`);
}

export function hasCheckpoint(path: string): boolean {
  return existsSync(join(path, 'latest.json')) || existsSync(join(path, 'model.safetensors'));
}

/**
 * Loads the checkpoint at `path`. Through a run directory's latest.json, a newest checkpoint that is missing
 * or unreadable gives way to the previous one kept, with a warning (`warn`, stderr by default).
 */
export function loadCheckpoint(path: string, warn: (message: string) => void = (m) => console.error(`warning: ${m}`)): Checkpoint {
  if (!existsSync(join(path, 'latest.json'))) return readCheckpointDir(resolveCheckpointDir(path));
  const pointer = readPointer(path);
  const candidates = [pointer.checkpoint, ...pointer.previous];
  const failures: string[] = [];
  for (const name of candidates) {
    try {
      const checkpoint = readCheckpointDir(join(path, name));
      if (failures.length) warn(`${failures.join('; ')}; resuming from the previous checkpoint ${join(path, name)} (step ${checkpoint.trainer.step})`);
      return checkpoint;
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  throw new Error(failures.length === 1 ? failures[0] : `${path}: no readable checkpoint: ${failures.join('; ')}`);
}

function readCheckpointDir(dir: string): Checkpoint {
  if (!existsSync(dir)) throw new Error(`${dir}: the checkpoint directory is missing`);
  const readJson = (file: string) => {
    const full = join(dir, file);
    try {
      return JSON.parse(readFileSync(full, 'utf8')) as unknown;
    } catch (error) {
      throw new Error(`${full}: cannot read checkpoint JSON (${(error as Error).message})`);
    }
  };
  const readSafetensors = (file: string) => {
    const full = join(dir, file);
    if (!existsSync(full)) throw new Error(`${full}: missing from the checkpoint`);
    return parseSafetensors(readFileSync(full), full).tensors;
  };
  const config = readJson('config.json');
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new Error(`${join(dir, 'config.json')}: expected a JSON object`);
  const missing = ['recipe', 'model'].filter((key) => !(key in config));
  if (missing.length) throw new Error(`${join(dir, 'config.json')}: the config has no ${missing.map((k) => `'${k}'`).join(' or ')}; it does not describe a zerograd model`);
  const model = readSafetensors('model.safetensors');
  const optimizer = existsSync(join(dir, 'optimizer.safetensors'))
    ? new Map([...readSafetensors('optimizer.safetensors')].map(([k, t]) => [k, t.denseData() as Float32Array | Float64Array]))
    : new Map<string, Float32Array>();
  const trainerRaw = (existsSync(join(dir, 'trainer.json')) ? readJson('trainer.json') : { step: 0, rng: [], losses: [] }) as
    { step: number; rng: string[]; losses: number[]; streams?: Record<string, string[]> };
  const streams = Object.fromEntries(Object.entries(trainerRaw.streams ?? {}).map(([k, v]) => [k, v.map(Number)]));
  const trainer: TrainerState = { ...trainerRaw, rng: trainerRaw.rng.map(Number), streams };
  return { config: config as Record<string, unknown>, model, optimizer, trainer };
}

/** Where each recipe keeps its character vocabulary in config.json (the others keep theirs in the model config). */
const VOCABULARY: Record<string, (config: Record<string, unknown>) => unknown> = {
  gpt: (config) => config.vocab,
  makemore: (config) => (config.model as { vocab?: unknown } | null)?.vocab,
};

/** The checkpoint at `path`, which must come from `recipe`; anything else is an error naming what it holds. */
export function loadRecipeCheckpoint(path: string, recipe: string, command: string, what = `a '${recipe}' one`): Checkpoint {
  const checkpoint = loadCheckpoint(path);
  if (checkpoint.config.recipe !== recipe) {
    throw new Error(`${command}: ${path} holds a '${String(checkpoint.config.recipe)}' checkpoint, not ${what}`);
  }
  const vocab = VOCABULARY[recipe]?.(checkpoint.config);
  if (VOCABULARY[recipe] && !(Array.isArray(vocab) && vocab.length > 0 && vocab.every((c) => typeof c === 'string'))) {
    throw new Error(`${command}: the config.json of ${path} has no vocabulary (a list of characters); it cannot encode or decode text`);
  }
  return checkpoint;
}
