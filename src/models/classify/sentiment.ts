import { Embedding } from '../../nn/embedding.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * The course's sentiment model: embed each word (16 dims), average over the sequence, one linear unit,
 * sigmoid. (B, T) ids -> (B, 1) probability of the positive class. Padding positions are averaged in, as
 * the exercise specifies; MaskedSentimentModel leaves them out.
 */
export class SentimentModel extends Module {
  readonly embedding_layer: Embedding;
  readonly linear_layer: Linear;

  constructor(vocabularySize: number, generator?: Generator) {
    super();
    this.embedding_layer = new Embedding(vocabularySize, 16, { generator });
    this.linear_layer = new Linear(16, 1, { generator });
  }

  protected pool(embedded: Tensor, _ids: Tensor): Tensor {
    return embedded.mean(1);
  }

  forward(ids: Tensor): Tensor {
    return this.linear_layer.forward(this.pool(this.embedding_layer.forward(ids), ids)).sigmoid();
  }
}

/** The same model averaging only over real words (id != 0), so padding length does not dilute the mean. */
export class MaskedSentimentModel extends SentimentModel {
  protected override pool(embedded: Tensor, ids: Tensor): Tensor {
    return maskedMean(embedded, ids);
  }
}

/** (B, T, C) embeddings -> (B, C): the mean over positions whose id is not padding (0). */
export function maskedMean(embedded: Tensor, ids: Tensor): Tensor {
  const real = ids.ne(0).float().unsqueeze(-1);
  return embedded.mul(real).sum(1).div(real.sum(1).clamp(1));
}
