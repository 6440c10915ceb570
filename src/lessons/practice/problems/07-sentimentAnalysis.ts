import type { Layer } from '../../../nn/module.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { type Problem, type TensorJson, describe, fromJson, seededVerdict } from '../problem.js';
import { modelCase } from '../weights.js';

export const problem: Problem = {
  id: 7,
  slug: 'sentiment-analysis',
  title: 'Sentiment analysis',
  statement: `Score how positive a sentence is.

SentimentClassifier(vocabularySize) has the fields
    embeddingLayer = Embedding(vocabularySize, 16), linearLayer = Linear(16, 1), sigmoidLayer = Sigmoid()
(built in this order). forward(x) takes word ids (B, T), padded with 0:
    embeddings (B, T, 16) → the mean over time, dim 1 (padding included, as the course does) → (B, 16)
    → linearLayer → (B, 1) → sigmoid,
rounded to 4 decimals. The course seeds PyTorch first thing in the constructor; do the same, so your weights are PyTorch's:
    manualSeed(0, { stream: 'torch' });   // the course's torch.manual_seed(0)

Example: for a 20-word vocabulary and x = [[3, 7, 1, 0]], the output is a (1, 1) tensor such as [[0.4621]]:
one probability per sentence.`,
  starter: `import { Embedding, Linear, Module, Sigmoid, type Tensor, manualSeed } from 'zerograd';

export class SentimentClassifier extends Module {
  // embeddingLayer, linearLayer, sigmoidLayer

  constructor(vocabularySize: number) {
    super();
    throw new Error('not implemented');
  }

  forward(x: Tensor): Tensor {
    throw new Error('not implemented');
  }
}`,
  exports: ['SentimentClassifier'],
  trial(learner, data, reference) {
    const x = fromJson(data.input as TensorJson);
    const m = modelCase(learner, reference, 'SentimentClassifier', data.args!, data.state as Record<string, TensorJson>);
    return {
      input: `new SentimentClassifier(${data.args![0]}); forward(${describe(x, 80)})`,
      expected: data.expected,
      decimals: 4,
      answer: () => m.learner().forward(x),
      check: (got) => seededVerdict(data.expected, got, () => m.withCourseWeights(x)),
      mistakes: () => {
        const ref = m.reference() as unknown as { embeddingLayer: Layer; linearLayer: Layer };
        const embedded: Tensor = ref.embeddingLayer.forward(x);
        return [
          { hint: 'average the embeddings over time (mean over dim 1), do not sum them', output: ref.linearLayer.forward(embedded.sum(1)).sigmoid() },
          { hint: 'end with the sigmoid, so the output is a probability', output: ref.linearLayer.forward(embedded.mean(1)) },
        ];
      },
      errorHints: [[/linear|matmul/i, 'average over time first (mean over dim 1): the linear layer reads (B, 16)']],
    };
  },
};
