// makemore's transformer name model (`--type transformer`): zerograd's GPT over the context, read at its last position.
import { Module } from '../../nn/module.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { GPT, lectureGPTConfig } from '../gpt/gpt.js';

/** makemore.py's default transformer depth and heads. */
export const MAKEMORE_TRANSFORMER = { nLayer: 4, nHead: 4 } as const;

export class TransformerCharModel extends Module {
  readonly gpt: GPT;

  constructor(config: { vocabSize: number; blockSize: number; nEmbd: number }, generator: Generator) {
    super();
    this.gpt = new GPT(lectureGPTConfig({ ...config, ...MAKEMORE_TRANSFORMER, dropout: 0 }), generator);
  }

  /** (B, T) int32 contexts -> (B, vocabSize) logits for the character after them (the last position's). */
  forward(X: Tensor): Tensor {
    const [B, T] = X.shape;
    return this.gpt.forward(X).logits.slice(1, T - 1, T).view(B, -1);
  }
}
