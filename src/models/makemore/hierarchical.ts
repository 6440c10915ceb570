import { noGrad } from '../../tensor/autograd.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import { Tanh } from '../../nn/activations.js';
import { BatchNorm1d } from '../../nn/batchnorm.js';
import { Embedding } from '../../nn/embedding.js';
import { Linear } from '../../nn/linear.js';
import type { Layer, Module } from '../../nn/module.js';
import { FlattenConsecutive, Sequential } from '../../nn/sequential.js';

export interface HierarchicalConfig {
  vocabSize: number;
  /** Context length; a power of two so the pairwise fusion tree is complete (8 in the lecture). */
  blockSize: number;
  nEmbd: number;
  nHidden: number;
}

/**
 * The WaveNet-style model of makemore part 5: characters are fused two at a time in a tree of
 * FlattenConsecutive(2) -> Linear -> BatchNorm1d -> Tanh blocks, log2(blockSize) levels deep.
 */
export function hierarchicalModel(config: HierarchicalConfig, generator: Generator = defaultGenerator): Sequential {
  const { vocabSize, blockSize, nEmbd, nHidden } = config;
  const levels = Math.log2(blockSize);
  if (!Number.isInteger(levels) || levels < 1) throw new Error(`hierarchicalModel: blockSize must be a power of two >= 2, got ${blockSize}`);
  const layers: (Module & Layer)[] = [new Embedding(vocabSize, nEmbd, { generator })];
  for (let level = 0; level < levels; level++) {
    const width = level === 0 ? nEmbd : nHidden;
    layers.push(new FlattenConsecutive(2), new Linear(width * 2, nHidden, { bias: false, generator }), new BatchNorm1d(nHidden), new Tanh());
  }
  layers.push(new Linear(nHidden, vocabSize, { generator }));
  return shrinkLastLayer(new Sequential(layers));
}

/** Scales the output layer by 0.1 so the initial predictions are close to uniform ("less confident"). */
export function shrinkLastLayer(model: Sequential): Sequential {
  const last = model.layers[model.layers.length - 1] as Linear;
  noGrad(() => last.weight.copy_(last.weight.mul(0.1)));
  return model;
}

