/**
 * The GPT problem set's API (the course's exercises), as thin wrappers over zerograd's own modules,
 * with the exercises' names and argument orders.
 */
import { Embedding } from '../nn/embedding.js';
import { LayerNorm } from '../nn/layernorm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { arange, randint } from '../tensor/creation.js';
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/ops/join.js';
import { multinomial } from '../tensor/ops/sampling.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Head, checkHeads } from '../models/gpt/attention.js';
import { Block } from '../models/gpt/block.js';

/** Random windows of contextLength words from whitespace-split text: Y is X shifted one word ahead. */
export function batchLoader(raw: string, contextLength: number, batchSize: number, generator: Generator = defaultGenerator): { X: string[][]; Y: string[][] } {
  const words = raw.split(/\s+/).filter(Boolean);
  if (words.length <= contextLength) throw new Error(`batchLoader: ${words.length} words is too few for context length ${contextLength}`);
  const starts = randint(0, words.length - contextLength, [batchSize], { generator }).toFlatArray();
  return {
    X: starts.map((s) => words.slice(s, s + contextLength)),
    Y: starts.map((s) => words.slice(s + 1, s + 1 + contextLength)),
  };
}

/** One causal attention head: (B, T, embeddingDim) -> (B, T, attentionDim). */
export class SingleHeadAttention extends Module {
  readonly head: Head;

  constructor(embeddingDim: number, attentionDim: number, generator?: Generator) {
    super();
    this.head = new Head(embeddingDim, attentionDim, { generator });
  }

  forward(embedded: Tensor): Tensor {
    return this.head.forward(embedded);
  }
}

/** numHeads heads of size attentionDim / numHeads, concatenated: (B, T, embeddingDim) -> (B, T, attentionDim). */
export class MultiHeadedSelfAttention extends Module {
  readonly heads: SingleHeadAttention[];

  constructor(embeddingDim: number, attentionDim: number, numHeads: number, generator?: Generator) {
    super();
    checkHeads(attentionDim, numHeads);
    this.heads = Array.from({ length: numHeads }, () => new SingleHeadAttention(embeddingDim, attentionDim / numHeads, generator));
  }

  forward(embedded: Tensor): Tensor {
    return cat(this.heads.map((h) => h.forward(embedded)), 2);
  }
}

/** Pre-norm block with per-head attention, a 4x ReLU feed-forward layer and dropout 0.2, as in the exercise. */
export class TransformerBlock extends Block {
  constructor(modelDim: number, numHeads: number, generator?: Generator) {
    super(modelDim, numHeads, { attention: 'heads', activation: 'relu', dropout: 0.2, generator });
  }
}

/** The exercise's GPT: returns next-token probabilities (B, T, vocabSize) rather than logits. */
export class GPT extends Module {
  readonly tokenEmbedding: Embedding;
  readonly positionEmbedding: Embedding;
  readonly blocks: TransformerBlock[];
  readonly finalNorm: LayerNorm;
  readonly vocabProjection: Linear;

  constructor(vocabSize: number, readonly contextLength: number, modelDim: number, numBlocks: number, numHeads: number, generator?: Generator) {
    super();
    this.tokenEmbedding = new Embedding(vocabSize, modelDim, { generator });
    this.positionEmbedding = new Embedding(contextLength, modelDim, { generator });
    this.blocks = Array.from({ length: numBlocks }, () => new TransformerBlock(modelDim, numHeads, generator));
    this.finalNorm = new LayerNorm(modelDim);
    this.vocabProjection = new Linear(modelDim, vocabSize, { generator });
  }

  forward(context: Tensor): Tensor {
    const T = context.shape[1];
    let x = this.tokenEmbedding.forward(context).add(this.positionEmbedding.forward(arange(T)));
    for (const block of this.blocks) x = block.forward(x);
    return this.vocabProjection.forward(this.finalNorm.forward(x)).softmax(-1);
  }
}

/** Samples newChars characters after `context` (B, T ids), feeding back at most contextLength tokens. */
export function generate(model: GPT, newChars: number, context: Tensor, contextLength: number,
  intToChar: Record<number, string> | readonly string[], generator: Generator = defaultGenerator): string {
  model.eval();
  let current = context;
  let out = '';
  noGrad(() => {
    for (let i = 0; i < newChars; i++) {
      const T = current.shape[1];
      if (T > contextLength) current = current.slice(1, T - contextLength);
      const probs = model.forward(current).slice(1, -1).squeeze(1);
      const next = multinomial(probs, 1, { replacement: true, generator });
      current = cat([current, next], 1);
      out += intToChar[next.slice(0, 0, 1).item()];
    }
  });
  return out;
}

