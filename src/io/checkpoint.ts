import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { serializeWeights } from './weightsFile.js';

export interface TrainerState {
  step: number;
  /** Generator state, so a resumed run draws the same batches it would have. */
  rng: number[];
  losses: number[];
}

export interface Checkpoint {
  /** Everything needed to rebuild the model and tokenizer: recipe, model config, vocabulary. */
  config: Record<string, unknown>;
  model: Map<string, Tensor>;
  optimizer: Map<string, Float32Array>;
  trainer: TrainerState;
}

const stepDirName = (step: number) => `step-${String(step).padStart(8, '0')}`;

/**
 * Saves a checkpoint under `runDir` without ever exposing a partial one: the files go to a new
 * step directory, then `latest.json` is atomically switched to it, then older step directories go.
 * A crash at any point leaves `latest.json` naming a complete checkpoint.
 */
export function saveCheckpoint(runDir: string, checkpoint: Checkpoint): string {
  const { step } = checkpoint.trainer;
  const name = stepDirName(step);
  const dir = join(runDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const metadata = { format: 'pt', step: String(step) };
  writeFileAtomic(join(dir, 'model.safetensors'), serializeWeights(checkpoint.model, checkpoint.config, step));
  const optimizerTensors = new Map([...checkpoint.optimizer].map(([k, v]) => [k, Tensor.fromStorage(v, [v.length])]));
  writeFileAtomic(join(dir, 'optimizer.safetensors'), serializeSafetensors(optimizerTensors, metadata));
  writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(checkpoint.config, null, 2)}\n`);
  writeFileAtomic(join(dir, 'trainer.json'), `${JSON.stringify({ ...checkpoint.trainer, rng: checkpoint.trainer.rng.map(String) })}\n`);
  writeFileAtomic(join(runDir, 'latest.json'), `${JSON.stringify({ checkpoint: name, step })}\n`);
  for (const entry of readdirSync(runDir)) {
    if (entry.startsWith('step-') && entry !== name) rmSync(join(runDir, entry), { recursive: true, force: true });
  }
  return dir;
}

/** The checkpoint directory `path` refers to: a run directory (through latest.json) or a step directory. */
export function resolveCheckpointDir(path: string): string {
  const pointer = join(path, 'latest.json');
  if (existsSync(pointer)) {
    const { checkpoint } = JSON.parse(readFileSync(pointer, 'utf8')) as { checkpoint: string };
    return join(path, checkpoint);
  }
  if (existsSync(join(path, 'model.safetensors'))) return path;
  throw new Error(`${path}: no checkpoint here (expected latest.json or model.safetensors)`);
}

export function hasCheckpoint(path: string): boolean {
  return existsSync(join(path, 'latest.json')) || existsSync(join(path, 'model.safetensors'));
}

export function loadCheckpoint(path: string): Checkpoint {
  const dir = resolveCheckpointDir(path);
  const readJson = (file: string) => {
    const full = join(dir, file);
    try {
      return JSON.parse(readFileSync(full, 'utf8'));
    } catch (error) {
      throw new Error(`${full}: cannot read checkpoint JSON (${(error as Error).message})`);
    }
  };
  const modelPath = join(dir, 'model.safetensors');
  const model = parseSafetensors(readFileSync(modelPath), modelPath).tensors;
  const optimizerPath = join(dir, 'optimizer.safetensors');
  const optimizer = existsSync(optimizerPath)
    ? new Map([...parseSafetensors(readFileSync(optimizerPath), optimizerPath).tensors].map(([k, t]) => [k, t.denseData() as Float32Array]))
    : new Map<string, Float32Array>();
  const trainerRaw = existsSync(join(dir, 'trainer.json')) ? readJson('trainer.json') : { step: 0, rng: [], losses: [] };
  const trainer: TrainerState = { ...trainerRaw, rng: (trainerRaw.rng as string[]).map(Number) };
  return { config: readJson('config.json'), model, optimizer, trainer };
}
