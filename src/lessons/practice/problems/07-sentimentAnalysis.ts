import type { Layer, Module } from '../../../nn/module.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { type Problem, type TensorJson, construct, describe, fromJson } from '../problem.js';
import { loadCourseWeights } from '../weights.js';

export const problem: Problem = {
  id: 7,
  slug: 'sentiment-analysis',
  title: 'Sentiment analysis',
  statement: `Score how positive a sentence is.

SentimentClassifier(vocabularySize) has the fields
    embeddingLayer = Embedding(vocabularySize, 16), linearLayer = Linear(16, 1), sigmoidLayer = Sigmoid()
(the judge loads the course's weights by these names). forward(x) takes word ids (B, T), padded with 0:
    embeddings (B, T, 16) → the mean over time, dim 1 (padding included, as the course does) → (B, 16)
    → linearLayer → (B, 1) → sigmoid,
rounded to 4 decimals.

Example: for a 20-word vocabulary and x = [[3, 7, 1, 0]], the output is a (1, 1) tensor such as [[0.4621]]:
one probability per sentence.`,
  starter: `import { Embedding, Linear, Module, Sigmoid, type Tensor } from 'zerograd';

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
    const made = (exports: typeof learner) => {
      const model = construct<Module & Layer>(exports, 'SentimentClassifier', data.args!);
      loadCourseWeights(model, data.state as Record<string, TensorJson>);
      return model.eval();
    };
    return {
      input: `new SentimentClassifier(${data.args![0]}) with the course's weights; forward(${describe(x, 80)})`,
      expected: data.expected,
      decimals: 4,
      answer: () => made(learner).forward(x),
      mistakes: () => {
        const ref = made(reference) as unknown as { embeddingLayer: Layer; linearLayer: Layer };
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
