import type { Layer } from '../../../nn/module.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { type Problem, type TensorJson, describe, fromJson, seededVerdict } from '../problem.js';
import { modelCase } from '../weights.js';

interface Block { attention: Layer; linearNetwork: Layer; firstNorm: Layer; secondNorm: Layer }

export const problem: Problem = {
  id: 11,
  slug: 'transformer-block',
  title: 'Transformer block',
  statement: `The block a GPT stacks: attention, then a feed-forward network, each on a normalised input and added back.

TransformerBlock(modelDim, numHeads) has the fields
    attention     = problem 10's MultiHeadedSelfAttention(modelDim, modelDim, numHeads), unrounded
    linearNetwork = a VanillaNeuralNetwork: firstLinearLayer Linear(d, 4d), relu, secondLinearLayer
                    Linear(4d, d), dropout Dropout(0.2)
    firstNorm, secondNorm = LayerNorm(modelDim)
forward(embedded) (B, T, modelDim), pre-norm with residual connections:
    x = embedded + attention(firstNorm(embedded))
    x = x + linearNetwork(secondNorm(x))
and return x rounded to 4 decimals. The judge runs the block in eval mode (dropout off). The course seeds
PyTorch first thing in TransformerBlock's, MultiHeadedSelfAttention's and SingleHeadAttention's constructors (not
in VanillaNeuralNetwork's); do the same, so your weights are PyTorch's: manualSeed(0, { stream: 'torch' }).

Example: with modelDim 8 and numHeads 4 each head has 2 outputs; input and output are both (B, T, 8).`,
  starter: `import { Dropout, LayerNorm, Linear, Module, ModuleList, ReLU, type Tensor, cat, manualSeed, ones } from 'zerograd';

export class TransformerBlock extends Module {
  // attention, linearNetwork, firstNorm, secondNorm

  constructor(modelDim: number, numHeads: number) {
    super();
    throw new Error('not implemented');
  }

  forward(embedded: Tensor): Tensor {
    throw new Error('not implemented');
  }
}

// class VanillaNeuralNetwork, class MultiHeadedSelfAttention, class SingleHeadAttention`,
  exports: ['TransformerBlock'],
  trial(learner, data, reference) {
    const x = fromJson(data.input as TensorJson);
    const m = modelCase(learner, reference, 'TransformerBlock', data.args!, data.state as Record<string, TensorJson>);
    return {
      input: `new TransformerBlock(${data.args!.join(', ')}), in eval mode; forward(${describe(x, 80)})`,
      expected: data.expected,
      decimals: 4,
      answer: () => m.learner().forward(x),
      check: (got) => seededVerdict(data.expected, got, () => m.withCourseWeights(x)),
      mistakes: () => {
        const b = m.reference() as unknown as Block;
        const postNorm = (h: Tensor) => b.secondNorm.forward(h.add(b.linearNetwork.forward(h)));
        const noResidual = b.linearNetwork.forward(b.secondNorm.forward(b.attention.forward(b.firstNorm.forward(x))));
        return [
          { hint: 'normalise before each sub-layer (pre-norm): x + attention(firstNorm(x)), not firstNorm(x + attention(x))', output: postNorm(b.firstNorm.forward(x.add(b.attention.forward(x)))).round(4) },
          { hint: 'add each sub-layer\'s output back to its input (the residual connections)', output: noResidual.round(4) },
        ];
      },
    };
  },
};
