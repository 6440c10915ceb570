import type { Tensor } from '../tensor/tensor.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';

/**
 * A checkpoint's model.safetensors: the weights, with the config that rebuilds the model and the step in
 * the metadata, so the file alone reopens the model (the playground opens it with nothing beside it).
 */
export function serializeWeights(model: ReadonlyMap<string, Tensor>, config: Record<string, unknown>, step: number): Uint8Array {
  return serializeSafetensors(model, { format: 'pt', step: String(step), zerograd_config: JSON.stringify(config) });
}

/** What serializeWeights wrote; a safetensors file from elsewhere (no config in it) is an error naming `source`. */
export function parseWeights(bytes: Uint8Array, source: string): { model: Map<string, Tensor>; config: Record<string, unknown>; step: number } {
  const { tensors, metadata } = parseSafetensors(bytes, source);
  if (!metadata.zerograd_config) throw new Error(`${source}: no zerograd_config in its metadata; open a model.safetensors written by zerograd`);
  return { model: tensors, config: JSON.parse(metadata.zerograd_config) as Record<string, unknown>, step: Number(metadata.step ?? 0) };
}
