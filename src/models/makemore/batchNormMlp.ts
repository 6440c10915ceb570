import { Tanh } from '../../nn/activations.js';
import { BatchNorm1d } from '../../nn/batchnorm.js';
import { Embedding } from '../../nn/embedding.js';
import { Flatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import type { Layer, Module } from '../../nn/module.js';
import { Sequential } from '../../nn/sequential.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import { type HierarchicalConfig, shrinkLastLayer } from './hierarchical.js';

/**
 * Lecture 4's deep MLP: flattened embeddings through `depth` Linear -> BatchNorm1d -> Tanh blocks,
 * the model its activation and gradient diagnostics are drawn from.
 */
export function batchNormMlp(config: HierarchicalConfig & { depth?: number }, generator: Generator = defaultGenerator): Sequential {
  const { vocabSize, blockSize, nEmbd, nHidden, depth = 5 } = config;
  const layers: (Module & Layer)[] = [new Embedding(vocabSize, nEmbd, { generator }), new Flatten()];
  for (let i = 0; i < depth; i++) {
    layers.push(new Linear(i === 0 ? nEmbd * blockSize : nHidden, nHidden, { bias: false, generator, gain: 5 / 3 }), new BatchNorm1d(nHidden), new Tanh());
  }
  layers.push(new Linear(nHidden, vocabSize, { generator }));
  return shrinkLastLayer(new Sequential(layers));
}
