import type { Layer } from '../../../nn/module.js';
import { arange } from '../../../tensor/creation.js';
import { type Problem, type TensorJson, describe, fromJson, seededVerdict } from '../problem.js';
import { modelCase } from '../weights.js';

interface Parts { tokenEmbedding: Layer; posEmbedding: Layer; transformerBlocks: Layer; finalNorm: Layer; vocabularyProjection: Layer }

export const problem: Problem = {
  id: 12,
  slug: 'code-gpt',
  title: 'Code a GPT',
  statement: `The whole model: embeddings, blocks, a final norm, and a projection to the vocabulary.

GPT(vocabSize, contextLength, modelDim, numBlocks, numHeads) has the fields
    tokenEmbedding = Embedding(vocabSize, modelDim), posEmbedding = Embedding(contextLength, modelDim),
    transformerBlocks = a Sequential of numBlocks problem-11 TransformerBlock(modelDim, numHeads) (unrounded),
    finalNorm = LayerNorm(modelDim), vocabularyProjection = Linear(modelDim, vocabSize).
forward(context) with token ids (B, T), T ≤ contextLength:
    embedded = tokenEmbedding(context) + posEmbedding(arange(T))             (B, T, modelDim)
    logits = vocabularyProjection(finalNorm(transformerBlocks(embedded)))   (B, T, vocabSize)
and return softmax(logits, dim −1) rounded to 4 decimals: next-token probabilities at every position.

The course seeds PyTorch first thing in GPT's constructor and in those of problem 11's classes; do the same:
manualSeed(0, { stream: 'torch' }).

Example: every row of the output sums to 1 (within rounding).`,
  starter: `import { Dropout, Embedding, LayerNorm, Linear, Module, ModuleList, ReLU, Sequential, type Tensor, arange, cat, manualSeed, ones } from 'zerograd';

export class GPT extends Module {
  // tokenEmbedding, posEmbedding, transformerBlocks, finalNorm, vocabularyProjection

  constructor(vocabSize: number, contextLength: number, modelDim: number, numBlocks: number, numHeads: number) {
    super();
    throw new Error('not implemented');
  }

  forward(context: Tensor): Tensor {
    throw new Error('not implemented');
  }
}

// class TransformerBlock, class VanillaNeuralNetwork, class MultiHeadedSelfAttention, class SingleHeadAttention`,
  exports: ['GPT'],
  trial(learner, data, reference) {
    const context = fromJson(data.input as TensorJson);
    const m = modelCase(learner, reference, 'GPT', data.args!, data.state as Record<string, TensorJson>);
    return {
      input: `new GPT(${data.args!.join(', ')}), in eval mode; forward(${describe(context, 80)})`,
      expected: data.expected,
      decimals: 4,
      answer: () => m.learner().forward(context),
      check: (got) => seededVerdict(data.expected, got, () => m.withCourseWeights(context)),
      mistakes: () => {
        const g = m.reference() as unknown as Parts;
        const head = (embedded: ReturnType<Layer['forward']>) => g.vocabularyProjection.forward(g.finalNorm.forward(g.transformerBlocks.forward(embedded)));
        const tokens = g.tokenEmbedding.forward(context);
        return [
          { hint: 'return probabilities: the softmax of the logits over the vocabulary (dim −1)', output: head(tokens.add(g.posEmbedding.forward(arange(context.shape[1])))).round(4) },
          { hint: 'add the position embeddings of 0..T−1 to the token embeddings', output: head(tokens).softmax(-1).round(4) },
        ];
      },
    };
  },
};
