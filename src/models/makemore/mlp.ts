import { randn } from '../../tensor/creation.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module, parameter } from '../../nn/module.js';

export interface MlpConfig {
  vocabSize: number;
  blockSize: number;
  nEmbd: number;
  nHidden: number;
  /**
   * Lecture 4's fixes: small output layer (logits near 0 at init, so the first loss is ln 27 not 27)
   * and a Kaiming-scaled hidden layer (tanh not saturated). Off reproduces lecture 3.
   */
  initFixes?: boolean;
}

/** Bengio et al. 2003: embed each context character, concatenate, tanh hidden layer, logits. */
export class MLP extends Module {
  readonly C: Tensor;
  readonly W1: Tensor;
  readonly b1: Tensor;
  readonly W2: Tensor;
  readonly b2: Tensor;

  constructor(readonly config: MlpConfig, generator: Generator = defaultGenerator) {
    super();
    const { vocabSize, blockSize, nEmbd, nHidden, initFixes = false } = config;
    const fanIn = blockSize * nEmbd;
    const init = (shape: number[], scale: number) => parameter(randn(shape, { generator }).mul(scale).detach());
    this.C = init([vocabSize, nEmbd], 1);
    this.W1 = init([fanIn, nHidden], initFixes ? 5 / 3 / Math.sqrt(fanIn) : 1);
    this.b1 = init([nHidden], initFixes ? 0.01 : 1);
    this.W2 = init([nHidden, vocabSize], initFixes ? 0.01 : 1);
    this.b2 = init([vocabSize], initFixes ? 0 : 1);
  }

  get blockSize(): number {
    return this.config.blockSize;
  }

  /** (B, blockSize) int32 contexts -> (B, vocabSize) logits. */
  forward(X: Tensor): Tensor {
    const emb = this.C.index(X);
    const h = emb.view(X.shape[0], -1).matmul(this.W1).add(this.b1).tanh();
    return h.matmul(this.W2).add(this.b2);
  }
}
