// Problem 7, sentiment analysis: embed each word, average over the sentence, and score it with a linear layer and
// a sigmoid.
import { Embedding, Linear, Module, Sigmoid, type Tensor, manualSeed } from '../practice/library.js';

export class SentimentClassifier extends Module {
  readonly embeddingLayer: Embedding;
  readonly linearLayer: Linear;
  readonly sigmoidLayer = new Sigmoid();

  constructor(vocabularySize: number) {
    super();
    manualSeed(0, { stream: 'torch' }); // the course's torch.manual_seed(0): PyTorch's initial weights
    this.embeddingLayer = new Embedding(vocabularySize, 16);
    this.linearLayer = new Linear(16, 1);
  }

  /** x (B, T) word ids → (B, 1) probabilities that each sentence is positive, rounded to 4 decimals. */
  forward(x: Tensor): Tensor {
    const embeddings = this.embeddingLayer.forward(x); // (B, T, 16)
    const averaged = embeddings.mean(1); // (B, 16)
    return this.sigmoidLayer.forward(this.linearLayer.forward(averaged)).round(4);
  }
}
