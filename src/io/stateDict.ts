import { existsSync, readFileSync } from 'node:fs';
import { ZerogradError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';

export type StateDict = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/**
 * torch.save(state_dict, path) as a safetensors file, written atomically: every tensor keeps its dtype (float16
 * and bfloat16 included) and its values; views are written as the elements they show.
 */
export function save(state: StateDict, path: string, metadata: Record<string, string> = {}): void {
  const entries = state instanceof Map ? [...state] : Object.entries(state);
  for (const [name, value] of entries) {
    if (!(value instanceof Tensor)) throw new ZerogradError('save', `'${name}' is ${value === null ? 'null' : typeof value}, not a tensor`);
  }
  writeFileAtomic(path, serializeSafetensors(new Map(entries), metadata));
}

/** torch.load(path) of a state dict saved as safetensors: the tensors by name, each in the dtype it was stored in. */
export function load(path: string): Map<string, Tensor> {
  if (!existsSync(path)) throw new ZerogradError('load', `${path}: no such file`);
  return parseSafetensors(readFileSync(path), path).tensors;
}
