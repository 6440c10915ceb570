import { Embedding } from '../../nn/embedding.js';
import { LayerNorm } from '../../nn/layernorm.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { arange, rand, randint } from '../../tensor/creation.js';
import { ZerogradError } from '../../core/errors.js';
import { where } from '../../tensor/ops/elementwise.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Block } from '../gpt/block.js';
import type { MemoryEstimate } from '../memory.js';

export interface EncoderConfig {
  vocabSize: number;
  maxLength: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
  /** Post-norm blocks (the original Transformer, BERT) instead of pre-norm (GPT-2). */
  postNorm: boolean;
  /** The id of padding tokens, which no position attends to. */
  padId: number;
}

/**
 * Training memory of an encoder (and its `outputs`-way head) at `batchSize` sequences of maxLength tokens,
 * estimated as for a GPT: about 22 n_embd floats and two attention maps per token and layer.
 */
export function encoderTrainingMemory(c: Pick<EncoderConfig, 'vocabSize' | 'maxLength' | 'nEmbd' | 'nHead' | 'nLayer'> & { outputs: number },
  batchSize: number): MemoryEstimate {
  const C = c.nEmbd;
  const parameters = (c.vocabSize + c.maxLength) * C + c.nLayer * (12 * C * C + 13 * C) + 2 * C + C * c.outputs;
  const tokens = batchSize * c.maxLength;
  return {
    parameters,
    activations: tokens * (c.nLayer * (22 * C + 2 * c.nHead * c.maxLength) + 3 * c.outputs),
    largestWeight: Math.max(c.vocabSize, 4 * C, c.outputs) * C,
  };
}

/**
 * A bidirectional transformer encoder: token + learned position embeddings, blocks whose attention
 * sees the whole sequence except padding, and a final LayerNorm in the pre-norm arrangement.
 */
export class TransformerEncoder extends Module {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly h: Block[];
  readonly ln_f: LayerNorm | null;

  constructor(readonly config: EncoderConfig, generator: Generator = defaultGenerator) {
    super();
    this.wte = new Embedding(config.vocabSize, config.nEmbd, { generator, std: 0.02 });
    this.wpe = new Embedding(config.maxLength, config.nEmbd, { generator, std: 0.02 });
    this.h = Array.from({ length: config.nLayer }, () => new Block(config.nEmbd, config.nHead, {
      causal: false, postNorm: config.postNorm, dropout: config.dropout, std: 0.02, generator,
    }));
    this.ln_f = config.postNorm ? null : new LayerNorm(config.nEmbd);
  }

  /** (B, T) ids -> (B, T, nEmbd) contextual vectors. */
  forward(ids: Tensor): Tensor {
    const T = ids.shape[1];
    if (ids.ndim !== 2) throw new ZerogradError('TransformerEncoder', `expected ids of shape (B, T), got [${ids.shape.join(', ')}]`);
    if (T > this.config.maxLength) throw new ZerogradError('TransformerEncoder', `sequence length ${T} exceeds the maximum length ${this.config.maxLength}`);
    const padding = ids.eq(this.config.padId);
    let x = this.wte.forward(ids).add(this.wpe.forward(arange(T)));
    for (const block of this.h) x = block.forward(x, padding);
    return this.ln_f ? this.ln_f.forward(x) : x;
  }
}

/** Sequence classification from the vector at position 0, where a CLS token is placed. */
export class SequenceClassifier extends Module {
  readonly encoder: TransformerEncoder;
  readonly classifier: Linear;

  constructor(config: EncoderConfig, numClasses: number, generator: Generator = defaultGenerator) {
    super();
    this.encoder = new TransformerEncoder(config, generator);
    this.classifier = new Linear(config.nEmbd, numClasses, { generator });
  }

  /** (B, T) ids with CLS at position 0 -> (B, numClasses) logits. */
  forward(ids: Tensor): Tensor {
    return this.classifier.forward(this.encoder.forward(ids).slice(1, 0, 1).squeeze(1));
  }
}

/** Per-token labels (slot filling): a ReLU dense layer on each position, then logits over the tags. */
export class TokenTagger extends Module {
  readonly encoder: TransformerEncoder;
  readonly dense: Linear;
  readonly classifier: Linear;

  constructor(config: EncoderConfig, numTags: number, generator: Generator = defaultGenerator) {
    super();
    this.encoder = new TransformerEncoder(config, generator);
    this.dense = new Linear(config.nEmbd, config.nEmbd, { generator });
    this.classifier = new Linear(config.nEmbd, numTags, { generator });
  }

  /** (B, T) ids -> (B, T, numTags) logits. */
  forward(ids: Tensor): Tensor {
    return this.classifier.forward(this.dense.forward(this.encoder.forward(ids)).relu());
  }
}

/** Masked-token pretraining (BERT): predict the original token at masked positions only. */
export class MaskedLanguageModel extends Module {
  readonly encoder: TransformerEncoder;
  readonly lm_head: Linear;

  constructor(config: EncoderConfig, generator: Generator = defaultGenerator) {
    super();
    this.encoder = new TransformerEncoder(config, generator);
    this.lm_head = new Linear(config.nEmbd, config.vocabSize, { generator });
  }

  /** (B, T) ids -> (B, T, vocab) logits. */
  forward(ids: Tensor): Tensor {
    return this.lm_head.forward(this.encoder.forward(ids));
  }
}

/**
 * BERT's corruption: each non-padding token is chosen with probability `p`; a chosen token becomes `maskId`, or with
 * probability `randomize` a random id from [firstWord, vocabSize), or with probability `keep` stays as it is.
 * Targets hold the original token at chosen positions and -100 (crossEntropy's ignoreIndex) elsewhere, so the loss
 * counts chosen tokens only. BERT's split is randomize 0.1, keep 0.1; both 0 masks every chosen token.
 */
export function maskTokens(ids: Tensor, maskId: number, { p = 0.15, padId = 0, randomize = 0, keep = 0, vocabSize = 0, firstWord = 0,
  generator = defaultGenerator } = {}): { inputs: Tensor; targets: Tensor } {
  if (randomize > 0 && !(vocabSize > firstWord)) throw new ZerogradError('maskTokens', `randomize needs vocabSize > firstWord, got ${vocabSize} and ${firstWord}`);
  const chosen = rand(ids.shape, { generator }).lt(p).mul(ids.ne(padId));
  const targets = where(chosen, ids, -100);
  if (randomize === 0 && keep === 0) return { inputs: where(chosen, maskId, ids), targets };
  const u = rand(ids.shape, { generator });
  let inputs = where(chosen.mul(u.lt(1 - randomize - keep)), maskId, ids);
  if (randomize > 0) {
    const swapped = chosen.mul(u.ge(1 - randomize - keep)).mul(u.lt(1 - keep));
    inputs = where(swapped, randint(firstWord, vocabSize, ids.shape, { generator }), inputs);
  }
  return { inputs, targets };
}
