import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Checkpoint, TrainerState } from '../optim/trainingState.js';
import { Tensor } from '../tensor/tensor.js';
import { ioError, makeDirectory, syncDirectory, writeFileAtomic } from './atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { parseWeights, serializeWeights } from './weightsFile.js';

export type { Checkpoint, TrainerState } from '../optim/trainingState.js';

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

/** `checksums.json`: each file of a checkpoint with its size and SHA-256, written last and checked before use. */
const CHECKSUMS = 'checksums.json';
type Checksums = Record<string, { bytes: number; sha256: string }>;
/** The files a checkpoint directory may hold besides checksums.json. */
const CHECKPOINT_FILES = ['model.safetensors', 'optimizer.safetensors', 'config.json', 'trainer.json'];

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Saves a checkpoint under `runDir` without ever exposing or destroying a complete one: the files go to a
 * temporary directory, are read back and compared with the sizes and hashes recorded beside them, and only then
 * is it renamed into place, `latest.json` atomically switched to it, and the checkpoints of this run beyond the
 * newest `keep` removed. A step saved again gets a new directory, so the one `latest.json` names is never deleted
 * or overwritten. Any I/O error (a full disk, a file-size limit) throws, naming the path, with the previous
 * checkpoints and `latest.json` as they were.
 */
export function saveCheckpoint(runDir: string, checkpoint: Checkpoint, { keep = DEFAULT_KEEP } = {}): string {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`saveCheckpoint: keep must be an integer >= 1, got ${keep}`);
  makeDirectory(runDir);
  removeTemporaries(runDir);
  const { step } = checkpoint.trainer;
  const base = stepDirName(step);
  let name = base;
  for (let revision = 1; existsSync(join(runDir, name)); revision++) name = `${base}-r${revision}`;
  const staging = join(runDir, `${name}.tmp-${process.pid}`);
  mkdirSync(staging);
  const metadata = { format: 'pt', step: String(step) };
  const streams = Object.fromEntries(Object.entries(checkpoint.trainer.streams ?? {}).map(([k, v]) => [k, v.map(String)]));
  const optimizerTensors = new Map([...checkpoint.optimizer].map(([k, v]) => [k, Tensor.fromStorage(v, [v.length])]));
  const files: [string, Uint8Array | string][] = [
    ['model.safetensors', serializeWeights(checkpoint.model, checkpoint.config, step)],
    ['optimizer.safetensors', serializeSafetensors(optimizerTensors, metadata)],
    ['config.json', `${JSON.stringify(checkpoint.config, null, 2)}\n`],
    ['trainer.json', `${JSON.stringify({ ...checkpoint.trainer, rng: checkpoint.trainer.rng.map(String), streams })}\n`],
  ];
  try {
    const checksums: Checksums = {};
    for (const [file, content] of files) {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      writeFileAtomic(join(staging, file), bytes);
      checksums[file] = { bytes: bytes.length, sha256: sha256(bytes) };
    }
    writeFileAtomic(join(staging, CHECKSUMS), `${JSON.stringify(checksums, null, 2)}\n`);
    verifyChecksums(staging);
    try {
      renameSync(staging, join(runDir, name));
    } catch (error) {
      throw ioError(join(runDir, name), error);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  syncDirectory(runDir);

  const before = readPointerQuietly(runDir);
  const history = before ? [before.checkpoint, ...before.previous] : [];
  const previous = history.filter((entry) => entry !== name && existsSync(join(runDir, entry))).slice(0, keep - 1);
  writeFileAtomic(join(runDir, 'latest.json'), `${JSON.stringify({ checkpoint: name, step, previous } satisfies Pointer)}\n`);
  // Only this run's own older checkpoints (the ones latest.json listed) are removed: a step folder the pointer
  // never named was not made by this run, and is left alone.
  const kept = new Set([name, ...previous]);
  for (const entry of history) {
    if (!kept.has(entry)) rmSync(join(runDir, entry), { recursive: true, force: true });
  }
  return join(runDir, name);
}

/**
 * Checks a checkpoint directory's files against its checksums.json: every file listed must be there, with the
 * recorded size (checked first, without reading) and SHA-256. Directories from before checksums.json pass as they are.
 */
export function verifyChecksums(dir: string): void {
  const file = join(dir, CHECKSUMS);
  if (!existsSync(file)) return;
  let checksums: Checksums;
  try {
    checksums = JSON.parse(readFileSync(file, 'utf8')) as Checksums;
  } catch (error) {
    throw new Error(`${file}: unreadable (${(error as Error).message}); the checkpoint is damaged`);
  }
  if (typeof checksums !== 'object' || checksums === null || Array.isArray(checksums)) throw new Error(`${file}: expected a JSON object of files`);
  for (const [name, expected] of Object.entries(checksums)) {
    // Only the checkpoint's own files: a name such as ../../dev/zero would be read forever.
    if (!CHECKPOINT_FILES.includes(name)) throw new Error(`${file}: ${JSON.stringify(name)} is not a file of a checkpoint (${CHECKPOINT_FILES.join(', ')})`);
    if (typeof expected !== 'object' || expected === null || !Number.isSafeInteger(expected.bytes) || typeof expected.sha256 !== 'string') {
      throw new Error(`${file}: the entry of ${name} must be {"bytes": N, "sha256": "..."}`);
    }
    const path = join(dir, name);
    if (!existsSync(path)) throw new Error(`${path}: missing from the checkpoint`);
    if (!statSync(path).isFile()) throw new Error(`${path}: not a regular file`);
    const bytes = statSync(path).size;
    // A file edited on purpose reads as damaged too; the hint says how to keep the edit.
    const edited = `(if you edited it on purpose, delete ${file})`;
    if (bytes !== expected.bytes) throw new Error(`${path}: ${bytes} bytes on disk, ${expected.bytes} written; the checkpoint is damaged (a short write?) ${edited}`);
    if (sha256(readFileSync(path)) !== expected.sha256) throw new Error(`${path}: its SHA-256 differs from the one recorded in ${CHECKSUMS}; the checkpoint is damaged ${edited}`);
  }
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

/**
 * Whether process `pid` still runs. A zombie (exited, not yet reaped: common in containers whose first process
 * does not reap orphans) answers signals but holds nothing, so on Linux its state in /proc counts it as gone.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/PID/stat is "pid (name) state ...", and the name may itself hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
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
  throw new Error(`${path}: no checkpoint here (expected a run folder with latest.json, a step folder with model.safetensors, or a .safetensors file saved by the playground)`);
}

/** What a run folder holds of a run: latest.json and every step directory (what a new run must not replace unasked). */
export function checkpointEntries(runDir: string): string[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir).filter((e) => e === 'latest.json' || CHECKPOINT_NAME.test(e)).sort();
}

export function hasCheckpoint(path: string): boolean {
  return existsSync(join(path, 'latest.json')) || existsSync(join(path, 'model.safetensors'));
}

/**
 * Loads the checkpoint at `path`. Through a run directory's latest.json, a newest checkpoint that is missing
 * or unreadable gives way to the previous one kept, with a warning (`warn`, stderr by default).
 */
export function loadCheckpoint(path: string, warn: (message: string) => void = (m) => console.error(`warning: ${m}`)): Checkpoint {
  if (isWeightsFile(path)) return readWeightsFile(path);
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

/** A lone .safetensors file: what the playground's save button downloads (model.safetensors with its config inside). */
const isWeightsFile = (path: string): boolean => path.endsWith('.safetensors') && existsSync(path) && statSync(path).isFile();

/**
 * A model from one weights file, with the config from its metadata: enough to sample, evaluate or export it, and to
 * start a run from it, but no optimizer state or random streams, so it cannot be resumed exactly.
 */
function readWeightsFile(path: string): Checkpoint {
  const { model, config, step } = parseWeights(readFileSync(path), path);
  const missing = ['recipe', 'model'].filter((key) => !(key in config));
  if (missing.length) throw new Error(`${path}: its zerograd_config has no ${missing.map((k) => `'${k}'`).join(' or ')}; it does not describe a zerograd model`);
  return { config, model, optimizer: new Map(), trainer: { step, rng: [], losses: [], streams: {} } };
}

function readCheckpointDir(dir: string): Checkpoint {
  if (!existsSync(dir)) throw new Error(`${dir}: the checkpoint directory is missing`);
  verifyChecksums(dir);
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
