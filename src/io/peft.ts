// LoRA adapters in Hugging Face PEFT's layout: adapter_model.safetensors with base_model.model.<path>.lora_A.weight and
// .lora_B.weight, and adapter_config.json with r, lora_alpha, target_modules and lora_dropout, so PEFT (or any
// re-implementation of LoRA) can apply a zerograd adapter to the same base model, and the other way round.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LoRALinear, applyLoRA, loraLayers } from '../nn/lora.js';
import type { Module } from '../nn/module.js';
import { noGrad } from '../tensor/autograd.js';
import { ZerogradError, fmtShape } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { makeDirectory, writeFileAtomic } from './atomicWrite.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';

const PREFIX = 'base_model.model.';

/** What adapter_config.json says (PEFT's field names; other fields PEFT writes are kept as they are on load). */
export interface AdapterConfig {
  peft_type: 'LORA';
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string[];
  bias: 'none';
  fan_in_fan_out: boolean;
  base_model_name_or_path?: string | null;
}

/** Writes the model's LoRA layers (applyLoRA) as a PEFT adapter in `dir`; the base weights are not included. */
export function saveLoRAAdapter(model: Module, dir: string, baseModel: string | null = null): string[] {
  const layers = loraLayers(model);
  if (layers.length === 0) throw new ZerogradError('saveLoRAAdapter', 'the model has no LoRA layers; call applyLoRA first');
  const [, first] = layers[0];
  const tensors = new Map<string, Tensor>();
  for (const [path, layer] of layers) {
    tensors.set(`${PREFIX}${path}.lora_A.weight`, layer.lora_A.weight);
    tensors.set(`${PREFIX}${path}.lora_B.weight`, layer.lora_B.weight);
  }
  const config: AdapterConfig = {
    peft_type: 'LORA', r: first.rank, lora_alpha: first.alpha, lora_dropout: dropoutOf(first),
    target_modules: [...new Set(layers.map(([path]) => path.split('.').pop()!))], bias: 'none', fan_in_fan_out: false,
    base_model_name_or_path: baseModel,
  };
  makeDirectory(dir);
  writeFileAtomic(join(dir, 'adapter_model.safetensors'), serializeSafetensors(tensors, { format: 'pt' }));
  writeFileAtomic(join(dir, 'adapter_config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return layers.map(([path]) => path);
}

const dropoutOf = (layer: LoRALinear): number => ('p' in layer.lora_dropout ? (layer.lora_dropout as { p: number }).p : 0);

/** Reads and checks adapter_config.json, naming the file and the field at fault. */
export function readAdapterConfig(dir: string): AdapterConfig {
  const file = join(dir, 'adapter_config.json');
  if (!existsSync(file)) throw new ZerogradError('loadLoRAAdapter', `${file} does not exist`);
  let config: AdapterConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as AdapterConfig;
  } catch (error) {
    throw new ZerogradError('loadLoRAAdapter', `${file}: not JSON (${(error as Error).message})`);
  }
  const fail = (message: string): never => {
    throw new ZerogradError('loadLoRAAdapter', `${file}: ${message}`);
  };
  if (config.peft_type !== undefined && config.peft_type !== 'LORA') fail(`peft_type is ${JSON.stringify(config.peft_type)}, only LORA adapters load`);
  if (!Number.isInteger(config.r) || config.r < 1) fail(`r must be a positive integer, got ${JSON.stringify(config.r)}`);
  if (typeof config.lora_alpha !== 'number') fail(`lora_alpha must be a number, got ${JSON.stringify(config.lora_alpha)}`);
  const targets = config.target_modules as unknown;
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string')) fail(`target_modules must be a list of module names, got ${JSON.stringify(targets)}`);
  if (config.fan_in_fan_out) fail('fan_in_fan_out adapters (for Conv1D layers) do not apply to Linear layers');
  return { ...config, lora_dropout: config.lora_dropout ?? 0 };
}

/**
 * Applies the PEFT adapter in `dir` to a base model that has no LoRA layers yet: wraps the target modules with
 * the adapter's rank and alpha, then loads A and B. Every mismatch (a target the model lacks, a rank or shape the
 * layer cannot take, a missing or extra tensor) is an error naming the file and the layer.
 */
export function loadLoRAAdapter(model: Module, dir: string): string[] {
  const config = readAdapterConfig(dir);
  if (loraLayers(model).length) throw new ZerogradError('loadLoRAAdapter', 'the model already has LoRA layers; load adapters into the base model');
  const file = join(dir, 'adapter_model.safetensors');
  if (!existsSync(file)) throw new ZerogradError('loadLoRAAdapter', `${file} does not exist`);
  const { tensors } = parseSafetensors(readFileSync(file), file);
  let wrapped: string[];
  try {
    wrapped = applyLoRA(model, { targets: config.target_modules, rank: config.r, alpha: config.lora_alpha, dropout: config.lora_dropout });
  } catch (error) {
    throw new ZerogradError('loadLoRAAdapter', `${join(dir, 'adapter_config.json')}: ${(error as Error).message.replace(/^applyLoRA: /, '').replace(/^LoRALinear: /, '')}`);
  }
  const expected = new Set<string>();
  for (const [path, layer] of loraLayers(model)) {
    for (const [name, target] of [['lora_A', layer.lora_A.weight], ['lora_B', layer.lora_B.weight]] as const) {
      const key = `${PREFIX}${path}.${name}.weight`;
      expected.add(key);
      const source = tensors.get(key);
      if (!source) throw new ZerogradError('loadLoRAAdapter', `${file}: no tensor '${key}' for the target module ${path}`);
      if (source.shape.join() !== target.shape.join()) {
        throw new ZerogradError('loadLoRAAdapter', `${file}: '${key}' is ${fmtShape(source.shape)} but ${path} with r ${config.r} needs ${fmtShape(target.shape)}`);
      }
      noGrad(() => target.copy_(source.to(target.dtype)));
    }
  }
  const extra = [...tensors.keys()].filter((k) => !expected.has(k));
  if (extra.length) throw new ZerogradError('loadLoRAAdapter', `${file}: tensors for layers the config does not target or the model lacks: ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', ...' : ''}`);
  return wrapped;
}
