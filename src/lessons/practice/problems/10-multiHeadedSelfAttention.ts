import { Tensor } from '../../../tensor/tensor.js';
import { type Problem, type TensorJson, describe, fromJson, seededVerdict } from '../problem.js';
import { modelCase } from '../weights.js';

export const problem: Problem = {
  id: 10,
  slug: 'multi-headed-self-attention',
  title: 'Multi-headed self-attention',
  statement: `Several attention heads side by side.

MultiHeadedSelfAttention(embeddingDim, attentionDim, numHeads) holds numHeads heads in a ModuleList named
attHeads; each is problem 9's SingleHeadAttention(embeddingDim, attentionDim / numHeads) (define it in this
file, with keyGen, queryGen and valueGen, and without rounding inside it).
forward(embedded): every head's output (B, T, attentionDim / numHeads), concatenated along the last dim (2):
(B, T, attentionDim), rounded to 4 decimals.

The course seeds PyTorch first thing in each constructor; do the same, so your weights are PyTorch's:
    manualSeed(0, { stream: 'torch' });   // the course's torch.manual_seed(0)

Example: embeddingDim 8, attentionDim 6, numHeads 3 gives three heads of size 2, and an input (2, 4, 8)
gives an output (2, 4, 6) whose last dim holds head 0's 2 numbers, then head 1's, then head 2's.`,
  starter: `import { Linear, Module, ModuleList, type Tensor, cat, manualSeed, ones } from 'zerograd';

export class MultiHeadedSelfAttention extends Module {
  // attHeads: a ModuleList of SingleHeadAttention

  constructor(embeddingDim: number, attentionDim: number, numHeads: number) {
    super();
    throw new Error('not implemented');
  }

  forward(embedded: Tensor): Tensor {
    throw new Error('not implemented');
  }
}

class SingleHeadAttention extends Module {
  // problem 9's head: keyGen, queryGen, valueGen
}`,
  exports: ['MultiHeadedSelfAttention'],
  trial(learner, data, reference) {
    const x = fromJson(data.input as TensorJson);
    const m = modelCase(learner, reference, 'MultiHeadedSelfAttention', data.args!, data.state as Record<string, TensorJson>);
    const [, attentionDim, numHeads] = data.args as number[];
    return {
      input: `new MultiHeadedSelfAttention(${data.args!.join(', ')}); forward(${describe(x, 80)})`,
      expected: data.expected,
      decimals: 4,
      answer: () => m.learner().forward(x),
      check: (got) => {
        if (got instanceof Tensor && got.shape.at(-1) === attentionDim * numHeads) {
          return { passed: false, hint: `each head has attentionDim / numHeads = ${attentionDim / numHeads} outputs, so the heads together have attentionDim` };
        }
        return seededVerdict(data.expected, got, () => m.withCourseWeights(x));
      },
    };
  },
};
