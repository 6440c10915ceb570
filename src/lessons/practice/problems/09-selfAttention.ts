import { ones } from '../../../tensor/creation.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { type Problem, type TensorJson, describe, fromJson, seededVerdict } from '../problem.js';
import { modelCase } from '../weights.js';

/** One head from the course's weights, with a mistake switched on, for the hints. */
function head(state: Record<string, TensorJson>, x: Tensor, { masked = true, scale = 0 } = {}): Tensor {
  const project = (name: string) => x.matmul(fromJson(state[`${name}.weight`]).T);
  const [k, q, v] = ['key_gen', 'query_gen', 'value_gen'].map(project);
  let scores = q.matmul(k.transpose(1, 2)).div(Math.sqrt(scale || k.shape[2]));
  if (masked) scores = scores.maskedFill(ones([x.shape[1], x.shape[1]]).tril().eq(0), -Infinity);
  return scores.softmax(2).matmul(v).round(4);
}

export const problem: Problem = {
  id: 9,
  slug: 'self-attention',
  title: 'Self-attention',
  statement: `One head of causal self-attention.

SingleHeadAttention(embeddingDim, attentionDim) has three bias-free layers, keyGen, queryGen and valueGen,
each Linear(embeddingDim, attentionDim, { bias: false }), made in this order.
forward(embedded), with embedded (B, T, embeddingDim):
    k, q, v = keyGen(embedded), queryGen(embedded), valueGen(embedded)        each (B, T, attentionDim)
    scores = q · kᵀ / √attentionDim                                           (B, T, T)
    a position may not look ahead: scores[b][i][j] = −∞ where j > i (a lower-triangular mask)
    weights = softmax over the last dim; return (weights · v).round(4)       (B, T, attentionDim)

The course seeds PyTorch first thing in each constructor; do the same, so your weights are PyTorch's:
    manualSeed(0, { stream: 'torch' });   // the course's torch.manual_seed(0)

Example: the first position can only attend to itself, so its output row is exactly its own value vector v[b][0].`,
  starter: `import { Linear, Module, type Tensor, manualSeed, ones } from 'zerograd';

export class SingleHeadAttention extends Module {
  // keyGen, queryGen, valueGen

  constructor(embeddingDim: number, attentionDim: number) {
    super();
    throw new Error('not implemented');
  }

  forward(embedded: Tensor): Tensor {
    throw new Error('not implemented');
  }
}`,
  exports: ['SingleHeadAttention'],
  trial(learner, data, reference) {
    const x = fromJson(data.input as TensorJson);
    const m = modelCase(learner, reference, 'SingleHeadAttention', data.args!, data.state as Record<string, TensorJson>);
    const state = data.state as Record<string, TensorJson>;
    const [embeddingDim] = data.args as number[];
    return {
      input: `new SingleHeadAttention(${data.args!.join(', ')}); forward(${describe(x, 80)})`,
      expected: data.expected,
      decimals: 4,
      answer: () => m.learner().forward(x),
      check: (got) => seededVerdict(data.expected, got, () => m.withCourseWeights(x)),
      mistakes: () => [
        { hint: 'mask the future: scores above the diagonal become −Infinity before the softmax (a causal mask)', output: head(state, x, { masked: false }) },
        { hint: 'scale the scores by √attentionDim (the size of k), not √embeddingDim', output: head(state, x, { scale: embeddingDim }) },
        { hint: 'divide the scores by √attentionDim before the softmax', output: head(state, x, { scale: 1 }) },
      ],
    };
  },
};
