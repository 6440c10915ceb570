import { Generator, defaultGenerator } from '../core/random.js';
import { randn } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, parameter } from './module.js';

/** A lookup table of learned vectors: integer ids (any shape) in, ids.shape + [dim] out. */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: { generator?: Generator; std?: number } = {}) {
    super();
    const { generator = defaultGenerator, std = 1 } = options;
    this.weight = parameter(randn([numEmbeddings, embeddingDim], { generator }).mul(std).detach());
  }

  forward(ids: Tensor): Tensor {
    return this.weight.index(ids);
  }
}
