import { randn } from '../../tensor/creation.js';
import { crossEntropy } from '../../tensor/ops/softmax.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module, parameter } from '../../nn/module.js';

/**
 * The bigram model as a one-layer net: logits = onehot(x) @ W, trained by gradient descent.
 * Multiplying a one-hot row by W selects row x of W, so forward() does exactly that lookup.
 */
export class BigramNeural extends Module {
  readonly W: Tensor;

  constructor(readonly vocabSize: number, generator: Generator = defaultGenerator) {
    super();
    this.W = parameter(randn([vocabSize, vocabSize], { generator }));
  }

  /** Logits (N, vocab) for the next character after each id; xs is (N) or (N, 1) contexts. */
  forward(xs: Tensor): Tensor {
    return this.W.index(xs.reshape(-1));
  }

  /** Mean NLL plus the lecture's L2 pull of W towards 0 (the neural version of count smoothing). */
  loss(xs: Tensor, ys: Tensor, regularization = 0.01): Tensor {
    return crossEntropy(this.forward(xs), ys).add(this.W.square().mean().mul(regularization));
  }
}
