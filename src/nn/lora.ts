// LoRA (Hu et al., 2021): a frozen weight W0 plus a trained low-rank update, W = W0 + (alpha / r) B A, with A (r x in)
// and B (out x r). Only A and B train, so fine-tuning keeps r (in + out) numbers per layer instead of in x out.
// Names follow Hugging Face PEFT (base_layer, lora_A, lora_B), so adapters save in its layout (io/peft.ts).
import { noGrad } from '../tensor/autograd.js';
import { ZerogradError } from '../core/errors.js';
import { type Generator, defaultGenerator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Identity } from './containers.js';
import { Dropout } from './dropout.js';
import { uniform_, zeros_ } from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

export interface LoRAOptions {
  /** The update's rank r. */
  rank: number;
  /** The update is scaled by alpha / r (PEFT's lora_alpha; default 8, PEFT's). */
  alpha?: number;
  /** Dropout on the input of the update (not of the frozen path). */
  dropout?: number;
  generator?: Generator;
}

/** A Linear layer with a frozen base and a trainable low-rank update: base(x) + (alpha / r) x A^T B^T. */
export class LoRALinear extends Module {
  readonly base_layer: Linear;
  readonly lora_dropout: Dropout | Identity;
  readonly lora_A: Linear;
  readonly lora_B: Linear;
  readonly rank: number;
  readonly alpha: number;
  /** True while the update is folded into base_layer's weight (mergeLoRA): forward is then the base layer alone. */
  merged = false;

  constructor(base: Linear, { rank, alpha = 8, dropout = 0, generator = defaultGenerator }: LoRAOptions) {
    super();
    if (!Number.isInteger(rank) || rank < 1 || rank > Math.min(base.inFeatures, base.outFeatures)) {
      throw new ZerogradError('LoRALinear', `rank must be an integer from 1 to min(in, out) = ${Math.min(base.inFeatures, base.outFeatures)}, got ${rank}`);
    }
    this.base_layer = base;
    this.rank = rank;
    this.alpha = alpha;
    this.lora_dropout = dropout > 0 ? new Dropout(dropout, generator) : new Identity();
    this.lora_A = new Linear(base.inFeatures, rank, { bias: false, generator });
    this.lora_B = new Linear(rank, base.outFeatures, { bias: false, generator });
    // The paper's (and PEFT's) start: A as nn.Linear's Kaiming-uniform default, U(-1/sqrt(in), 1/sqrt(in)), and B = 0,
    // so the wrapped layer begins exactly as the base and A still gets gradients.
    const bound = 1 / Math.sqrt(base.inFeatures);
    uniform_(this.lora_A.weight, -bound, bound, generator);
    zeros_(this.lora_B.weight);
    for (const p of base.parameters()) p.requiresGrad_(false);
  }

  get scaling(): number {
    return this.alpha / this.rank;
  }

  forward(x: Tensor): Tensor {
    const y = this.base_layer.forward(x);
    if (this.merged) return y;
    return y.add(this.lora_B.forward(this.lora_A.forward(this.lora_dropout.forward(x))).mul(this.scaling));
  }

  /** (alpha / r) B A, shaped as the base weight (out, in). */
  delta(): Tensor {
    return noGrad(() => this.lora_B.weight.matmul(this.lora_A.weight).mul(this.scaling));
  }

  merge(): void {
    if (this.merged) return;
    noGrad(() => this.base_layer.weight.copy_(this.base_layer.weight.add(this.delta())));
    this.merged = true;
  }

  unmerge(): void {
    if (!this.merged) return;
    noGrad(() => this.base_layer.weight.copy_(this.base_layer.weight.sub(this.delta())));
    this.merged = false;
  }
}

/** Every LoRA layer in a model, by its dotted path (the base model's name for the wrapped Linear). */
export function loraLayers(model: Module, prefix = ''): [string, LoRALinear][] {
  return model.namedChildren().flatMap(([name, child]) =>
    (child instanceof LoRALinear ? [[`${prefix}${name}`, child] as [string, LoRALinear]] : loraLayers(child, `${prefix}${name}.`)));
}

/** The dotted paths of every Linear layer in a model (what `targets` may name, by their last component). */
export function linearPaths(model: Module, prefix = ''): string[] {
  return model.namedChildren().flatMap(([name, child]) =>
    (child instanceof Linear ? [`${prefix}${name}`] : child instanceof LoRALinear ? [] : linearPaths(child, `${prefix}${name}.`)));
}

/**
 * Wraps every Linear whose own name is in `targets` (PEFT's target_modules: 'c_attn' matches transformer.h.0.attn.c_attn
 * in every block) in a LoRALinear, and freezes every other parameter of the model. Returns the wrapped paths.
 */
export function applyLoRA(model: Module, { targets, ...options }: LoRAOptions & { targets: readonly string[] }): string[] {
  if (targets.length === 0) throw new ZerogradError('applyLoRA', 'give at least one target module name');
  const available = linearPaths(model);
  const names = new Set(available.map((p) => p.split('.').pop()!));
  const unknown = targets.filter((t) => !names.has(t));
  if (unknown.length) {
    throw new ZerogradError('applyLoRA', `target module${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => `'${t}'`).join(', ')} not in the model; its Linear layers are named ${[...names].map((n) => `'${n}'`).join(', ')}`);
  }
  for (const p of model.parameters()) p.requiresGrad_(false);
  const wrapped: string[] = [];
  const visit = (module: Module, prefix: string) => {
    const self = module as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (value instanceof Linear && targets.includes(name)) {
        self[name] = new LoRALinear(value, options);
        wrapped.push(`${prefix}${name}`);
      } else if (value instanceof Module && !(value instanceof LoRALinear)) {
        visit(value, `${prefix}${name}.`);
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => item instanceof Module && visit(item, `${prefix}${name}.${i}.`));
      }
    }
  };
  visit(model, '');
  return wrapped;
}

/** Folds every LoRA update into its base weight: the model then runs as fast as the base, with the same outputs. */
export function mergeLoRA(model: Module): void {
  for (const [, layer] of loraLayers(model)) layer.merge();
}

/** Takes the updates back out of the base weights (after mergeLoRA), so training or swapping adapters can go on. */
export function unmergeLoRA(model: Module): void {
  for (const [, layer] of loraLayers(model)) layer.unmerge();
}
