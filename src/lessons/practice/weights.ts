// Giving a learner's module the course's weights: PyTorch's snake_case state-dict names matched to the camelCase
// fields the starters declare. The judge does this only to tell a wrong computation from a wrong initialisation:
// a module seeded as the course seeds it (manualSeed(0, { stream: 'torch' })) has PyTorch's weights already.
import type { Layer, Module } from '../../nn/module.js';
import { noGrad } from '../../tensor/autograd.js';
import { Tensor } from '../../tensor/tensor.js';
import { type Exports, type TensorJson, construct, fromJson } from './problem.js';

/** 'att_heads.0.key_gen.weight' → 'attHeads.0.keyGen.weight'. */
export const camelPath = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A module's parameter name with Sequential's `layers.` segments dropped, as PyTorch's nn.Sequential has none. */
const withoutLayers = (name: string) => name.replace(/(^|\.)layers\.(?=\d)/g, '$1');

/** Copies the course's weights (PyTorch names) into `module`, or throws naming the weights that do not fit. */
export function loadCourseWeights(module: Module, state: Record<string, TensorJson | Tensor> | ReadonlyMap<string, Tensor>): void {
  const own = new Map(module.namedParameters().map(([name, p]) => [withoutLayers(name), { name, p }]));
  const wanted = (state instanceof Map ? [...state] : Object.entries(state)).map(([name, value]) => [camelPath(name), value instanceof Tensor ? value : fromJson(value)] as const);
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
 * A model problem's modules: the learner's as its constructor built it and the reference's (both in eval mode),
 * and the learner's output once given PyTorch's weights (the case file's, or the seeded reference's).
 */
export function modelCase(learner: Exports, reference: Exports, className: string, args: readonly unknown[], state?: Record<string, TensorJson>) {
  const build = (exports: Exports) => construct<Module & Layer>(exports, className, args).eval();
  return {
    learner: () => build(learner),
    reference: () => build(reference),
    withCourseWeights: (input: Tensor) => {
      const model = build(learner);
      loadCourseWeights(model, state ?? build(reference).stateDict());
      return model.forward(input);
    },
  };
}
