// The classic char-rnn (Karpathy, 2015): characters embedded, a stack of LSTM layers, a linear read-out per position.
import { Dropout } from '../../nn/dropout.js';
import { Embedding } from '../../nn/embedding.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { LSTM } from '../../nn/recurrent.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { crossEntropy } from '../../tensor/ops/softmax.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { MemoryEstimate } from '../memory.js';
import type { LMOutput } from '../gpt/gpt.js';

export interface CharLSTMConfig {
  /** Marks a checkpoint's model config as this architecture (a GPT's has none). */
  arch: 'lstm';
  vocabSize: number;
  /** Characters per training sequence (truncated backpropagation through time) and the context generate() feeds back. */
  blockSize: number;
  nEmbd: number;
  nHidden: number;
  nLayer: number;
  /** Between LSTM layers and before the read-out, while training. */
  dropout: number;
}

/** The parameter count of a CharLSTM of this config, computed without building it. */
export function charLstmParameterCount(c: CharLSTMConfig): number {
  const layers = Array.from({ length: c.nLayer }, (_, l) => 4 * c.nHidden * ((l === 0 ? c.nEmbd : c.nHidden) + c.nHidden + 2));
  return c.vocabSize * c.nEmbd + layers.reduce((a, b) => a + b, 0) + c.nHidden * c.vocabSize + c.vocabSize;
}

/** Training memory: parameters with gradients and AdamW moments, and about 14 hidden-state floats per token, layer and gate set. */
export function charLstmTrainingMemory(c: CharLSTMConfig, batchSize: number): MemoryEstimate {
  const tokens = batchSize * c.blockSize;
  return {
    parameters: charLstmParameterCount(c),
    activations: tokens * (c.nEmbd + c.nLayer * 14 * c.nHidden + 3 * c.vocabSize),
    largestWeight: 4 * c.nHidden * Math.max(c.nEmbd, c.nHidden),
  };
}

/** (B, T) character ids -> (B, T, vocab) logits for each next character, and their cross-entropy against targets. */
export class CharLSTM extends Module {
  readonly wte: Embedding;
  readonly lstm: LSTM;
  readonly drop: Dropout;
  readonly lm_head: Linear;

  constructor(readonly config: CharLSTMConfig, generator: Generator = defaultGenerator) {
    super();
    for (const key of ['vocabSize', 'blockSize', 'nEmbd', 'nHidden', 'nLayer'] as const) {
      if (!Number.isInteger(config[key]) || config[key] < 1) throw new ZerogradError('CharLSTM', `invalid config: ${key} must be a positive integer, got ${config[key]}`);
    }
    this.wte = new Embedding(config.vocabSize, config.nEmbd, { generator });
    this.lstm = new LSTM(config.nEmbd, config.nHidden, { numLayers: config.nLayer, dropout: config.dropout, batchFirst: true, generator });
    this.drop = new Dropout(config.dropout, generator);
    this.lm_head = new Linear(config.nHidden, config.vocabSize, { generator });
  }

  forward(idx: Tensor, targets?: Tensor): LMOutput {
    if (idx.ndim !== 2) throw new ZerogradError('CharLSTM', `expected token ids of shape (B, T), got ${fmtShape(idx.shape)}`);
    const [B, T] = idx.shape;
    const [hidden] = this.lstm.forward(this.wte.forward(idx)); // (B, T, nHidden)
    const logits = this.lm_head.forward(this.drop.forward(hidden));
    const loss = targets ? crossEntropy(logits.view(B * T, -1), targets.reshape(B * T)) : null;
    return { logits, loss };
  }
}
