import { Embedding } from '../../nn/embedding.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { maskedMean } from './sentiment.js';

/** The sentiment model grown to K classes: mean of word embeddings over real words, then K logits. */
export class BagOfEmbeddings extends Module {
  readonly embedding: Embedding;
  readonly classifier: Linear;

  constructor(vocabularySize: number, embeddingSize: number, numClasses: number, generator?: Generator) {
    super();
    this.embedding = new Embedding(vocabularySize, embeddingSize, { generator });
    this.classifier = new Linear(embeddingSize, numClasses, { generator });
  }

  /** (B, T) ids, 0 = padding -> (B, numClasses) logits. */
  forward(ids: Tensor): Tensor {
    return this.classifier.forward(maskedMean(this.embedding.forward(ids), ids));
  }
}
