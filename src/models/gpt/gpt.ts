import { Dropout } from '../../nn/dropout.js';
import { Embedding } from '../../nn/embedding.js';
import { LayerNorm } from '../../nn/layernorm.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { arange } from '../../tensor/creation.js';
import { ZerogradError } from '../../core/errors.js';
import { crossEntropy } from '../../tensor/ops/softmax.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type MemoryEstimate, formatBytes } from '../memory.js';
import { KVCache } from './kvCache.js';
import { Block, type BlockOptions } from './block.js';

export interface GPTConfig {
  vocabSize: number;
  blockSize: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
  /** Biases in Linear and LayerNorm layers (GPT-2 has them). */
  bias: boolean;
  /** Share the token embedding with the output layer (GPT-2 does). */
  tieWeights: boolean;
  activation: 'gelu' | 'relu';
  attention: 'fused' | 'heads';
}

const ACTIVATIONS = ['gelu', 'relu'] as const;
const ATTENTIONS = ['fused', 'heads'] as const;
/** No GPT here needs more parameters than this (2^31, 8 GiB of float32 weights): a larger config is a typo. */
const MAX_PARAMETERS = 2 ** 31;

/** The parameter count of a GPT of this config, computed without building it. */
export function gptParameterCount(c: GPTConfig): number {
  const C = c.nEmbd;
  const perBlock = 12 * C * C + (c.bias ? 13 * C : 2 * C);
  return c.vocabSize * C + c.blockSize * C + c.nLayer * perBlock + (c.bias ? 2 * C : C) + (c.tieWeights ? 0 : C * c.vocabSize);
}

/**
 * Training memory of a GPT at `batchSize`: parameters with their gradients and AdamW moments, and the
 * activations a step keeps for backward (about 22 n_embd floats and two attention maps per token and layer,
 * and three copies of the logits).
 */
export function gptTrainingMemory(c: GPTConfig, batchSize: number): MemoryEstimate {
  const tokens = batchSize * c.blockSize;
  return {
    parameters: gptParameterCount(c),
    activations: tokens * (c.nLayer * (22 * c.nEmbd + 2 * c.nHead * c.blockSize) + 3 * c.vocabSize),
    largestWeight: Math.max(c.vocabSize, 4 * c.nEmbd) * c.nEmbd,
  };
}

/** Checks every field of a GPT config (it may come from a file), naming the first one at fault. */
export function validateGPTConfig(config: GPTConfig): void {
  const fail = (message: string): never => {
    throw new ZerogradError('GPT', `invalid config: ${message}`);
  };
  if (typeof config !== 'object' || config === null) fail(`expected an object, got ${JSON.stringify(config)}`);
  for (const key of ['vocabSize', 'blockSize', 'nEmbd', 'nHead', 'nLayer'] as const) {
    const value = config[key];
    if (!Number.isSafeInteger(value) || value < 1) fail(`${key} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  if (config.nEmbd % config.nHead !== 0) fail(`nEmbd ${config.nEmbd} is not divisible by nHead ${config.nHead}`);
  if (typeof config.dropout !== 'number' || !(config.dropout >= 0 && config.dropout < 1)) fail(`dropout must be in [0, 1), got ${JSON.stringify(config.dropout)}`);
  if (typeof config.bias !== 'boolean') fail(`bias must be true or false, got ${JSON.stringify(config.bias)}`);
  if (typeof config.tieWeights !== 'boolean') fail(`tieWeights must be true or false, got ${JSON.stringify(config.tieWeights)}`);
  if (!ACTIVATIONS.includes(config.activation)) fail(`activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(config.activation)}`);
  if (!ATTENTIONS.includes(config.attention)) fail(`attention must be one of ${ATTENTIONS.join(', ')}, got ${JSON.stringify(config.attention)}`);
  const parameters = gptParameterCount(config);
  if (parameters > MAX_PARAMETERS) fail(`${parameters.toExponential(2)} parameters (${formatBytes(4 * parameters)} of weights) is beyond any model this library trains`);
}

/** A model of the given size with the lecture's (and nanoGPT's) choices: biases, untied head, GELU, fused attention. */
export function lectureGPTConfig(size: Pick<GPTConfig, 'vocabSize' | 'blockSize' | 'nEmbd' | 'nHead' | 'nLayer' | 'dropout'>): GPTConfig {
  return { ...size, bias: true, tieWeights: false, activation: 'gelu', attention: 'fused' };
}

export interface LMOutput {
  /** (B, T, vocab) */
  logits: Tensor;
  loss: Tensor | null;
}

/** The token and position embeddings and the stack of blocks; its name makes checkpoint keys match nanoGPT's. */
export class Transformer extends Module {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly drop: Dropout;
  readonly h: Block[];
  readonly ln_f: LayerNorm;

  constructor(config: GPTConfig, blockOptions: BlockOptions, generator: Generator) {
    super();
    this.wte = new Embedding(config.vocabSize, config.nEmbd, { generator, std: 0.02 });
    this.wpe = new Embedding(config.blockSize, config.nEmbd, { generator, std: 0.02 });
    this.drop = new Dropout(config.dropout, generator);
    this.h = Array.from({ length: config.nLayer }, () => new Block(config.nEmbd, config.nHead, blockOptions));
    this.ln_f = new LayerNorm(config.nEmbd, { bias: config.bias });
  }
}

/**
 * A decoder-only transformer (GPT-2 / nanoGPT): token + position embeddings, pre-norm blocks, final
 * LayerNorm, language-model head. Parameter names are nanoGPT's (transformer.h.0.attn.c_attn.weight, ...),
 * and initialisation follows nanoGPT: N(0, 0.02), residual projections scaled by 1/sqrt(2 n_layer).
 */
export class GPT extends Module {
  readonly transformer: Transformer;
  readonly lm_head: Linear;

  constructor(readonly config: GPTConfig, generator: Generator = defaultGenerator) {
    super();
    validateGPTConfig(config);
    const blockOptions: BlockOptions = {
      dropout: config.dropout, bias: config.bias, activation: config.activation, attention: config.attention,
      std: 0.02, projStd: 0.02 / Math.sqrt(2 * config.nLayer), generator,
    };
    this.transformer = new Transformer(config, blockOptions, generator);
    this.lm_head = new Linear(config.nEmbd, config.vocabSize, { bias: false, generator, std: 0.02 });
    if (config.tieWeights) (this.lm_head as { weight: Tensor }).weight = this.transformer.wte.weight;
  }

  /**
   * (B, T) token ids -> (B, T, n_embd): the final LayerNorm's output, what the head reads (and what RAG embeds).
   * With a `cache`, idx continues the positions already cached, whose keys and values are reused.
   */
  hidden(idx: Tensor, cache?: KVCache): Tensor {
    const T = idx.shape[1];
    const start = cache?.length ?? 0;
    if (idx.ndim !== 2) throw new ZerogradError('GPT', `expected token ids of shape (B, T), got [${idx.shape.join(', ')}]`);
    if (start + T > this.config.blockSize) throw new ZerogradError('GPT', `sequence length ${start + T} exceeds the block size ${this.config.blockSize}`);
    const { wte, wpe, drop, h, ln_f } = this.transformer;
    let x = drop.forward(wte.forward(idx).add(wpe.forward(arange(start, start + T))));
    h.forEach((block, i) => { x = block.forward(x, undefined, cache?.layers[i]); });
    if (cache) cache.length += T;
    return ln_f.forward(x);
  }

  /** A cache for forwardCached, or null when the blocks' attention cannot use one (per-head modules). */
  newCache(): KVCache | null {
    return this.config.attention === 'heads' ? null : new KVCache(this.config.nLayer);
  }

  /** The logits (B, T, vocab) of idx's positions, which follow the `cache`d ones; the cache then holds them too. */
  forwardCached(idx: Tensor, cache: KVCache): Tensor {
    return this.lm_head.forward(this.hidden(idx, cache));
  }

  forward(idx: Tensor, targets?: Tensor): LMOutput {
    const [B, T] = idx.shape;
    const logits = this.lm_head.forward(this.hidden(idx));
    const loss = targets ? crossEntropy(logits.view(B * T, -1), targets.reshape(B * T)) : null;
    return { logits, loss };
  }
}

/** The lecture's starting point: each token's logits for the next token read straight from a table. */
export class BigramLanguageModel extends Module {
  readonly token_embedding_table: Embedding;

  constructor(readonly vocabSize: number, generator: Generator = defaultGenerator) {
    super();
    this.token_embedding_table = new Embedding(vocabSize, vocabSize, { generator });
  }

  get config(): { blockSize: number } {
    return { blockSize: Infinity };
  }

  forward(idx: Tensor, targets?: Tensor): LMOutput {
    const logits = this.token_embedding_table.forward(idx);
    const [B, T, C] = logits.shape;
    return { logits, loss: targets ? crossEntropy(logits.view(B * T, C), targets.reshape(B * T)) : null };
  }
}
