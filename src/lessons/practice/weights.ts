// Giving a learner's module the course's weights: PyTorch's snake_case state-dict names matched to the camelCase
// fields the starters declare, so a correct module reproduces PyTorch's outputs before the random streams agree.
import type { Module } from '../../nn/module.js';
import { noGrad } from '../../tensor/autograd.js';
import { tensor } from '../../tensor/creation.js';
import { Tensor } from '../../tensor/tensor.js';
import { type TensorJson, fromJson } from './problem.js';

/** 'att_heads.0.key_gen.weight' → 'attHeads.0.keyGen.weight'. */
export const camelPath = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A module's parameter name with Sequential's `layers.` segments dropped, as PyTorch's nn.Sequential has none. */
const withoutLayers = (name: string) => name.replace(/(^|\.)layers\.(?=\d)/g, '$1');

/** Copies the course's weights (PyTorch names) into `module`, or throws naming the weights that do not fit. */
export function loadCourseWeights(module: Module, state: Record<string, TensorJson | Tensor>): void {
  const own = new Map(module.namedParameters().map(([name, p]) => [withoutLayers(name), { name, p }]));
  const wanted = Object.entries(state).map(([name, value]) => [camelPath(name), value instanceof Tensor ? value : fromJson(value)] as const);
  const missing = wanted.filter(([name]) => !own.has(name)).map(([name, v]) => `${name} [${v.shape.join(', ')}]`);
  const extra = [...own.keys()].filter((name) => !wanted.some(([w]) => w === name));
  if (missing.length || extra.length) {
    throw new Error(`the course's module has weights your module lacks (${missing.join(', ') || 'none'})${extra.length ? ` and yours has others (${extra.join(', ')})` : ''}: name the layers as the starter does`);
  }
  noGrad(() => {
    for (const [name, source] of wanted) {
      const { p } = own.get(name)!;
      if (source.shape.join() !== p.shape.join()) throw new Error(`weight ${name} is [${source.shape.join(', ')}] in the course's module but [${p.shape.join(', ')}] in yours`);
      p.copy_(source);
    }
  });
}

/**
 * Weights both sides compute from a formula (scripts/make_practice_cases.py's pattern()), for the digit
 * recogniser, whose 784x512 layer would make the case file 1.6 MB larger: exact integer arithmetic, one
 * division and one product in float64, then float32.
 */
export function patternWeights(shape: readonly number[], salt: number, scale: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 1; i <= n; i++) data[i - 1] = ((((i * 2654435761 + salt * 40503) % 2001) - 1000) / 1000) * scale;
  return tensor(data, { shape });
}
