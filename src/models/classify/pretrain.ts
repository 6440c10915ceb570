// BERT-style pre-training (the MIT lecture): a transformer encoder learns to restore corrupted words in unlabelled
// text; a text classifier or a tagger then starts from its encoder instead of from random weights.
import { CLS_ID, MASK_ID, PAD_ID, SPECIAL_TOKENS, Vocabulary } from '../../data/vocabulary.js';
import { padSequence } from '../../data/wordTokenizer.js';
import type { Checkpoint } from '../../optim/trainingState.js';
import { noGrad } from '../../tensor/autograd.js';
import { ZerogradError } from '../../core/errors.js';
import { crossEntropy } from '../../tensor/ops/softmax.js';
import { tensor } from '../../tensor/creation.js';
import { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type EncoderConfig, MaskedLanguageModel, type TransformerEncoder, maskTokens } from './encoder.js';

/** What rebuilds the pre-trained model: saved as the checkpoint's config. */
export interface MlmConfig {
  vocab: string[];
  /** Positions per sequence, the CLS token's included (as the encoder classifier reads texts). */
  maxLength: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
}

/** BERT's corruption: 15% of words chosen; of those 80% become <mask>, 10% a random word, 10% stay. */
export const BERT_MASKING = { p: 0.15, randomize: 0.1, keep: 0.1 } as const;

export function encoderConfigOf(c: MlmConfig): EncoderConfig {
  return { vocabSize: c.vocab.length, maxLength: c.maxLength, nEmbd: c.nEmbd, nHead: c.nHead, nLayer: c.nLayer, dropout: c.dropout, postNorm: false, padId: PAD_ID };
}

export const buildMlm = (c: MlmConfig, generator: Generator): MaskedLanguageModel => new MaskedLanguageModel(encoderConfigOf(c), generator);

/** Each word sequence as the encoder reads it: CLS, then the words' ids, cut to maxLength positions. */
export function mlmSequences(sequences: readonly (readonly string[])[], vocab: Vocabulary, maxLength: number): number[][] {
  return sequences.map((words) => [CLS_ID, ...vocab.encode(words.slice(0, maxLength - 1))]);
}

/**
 * The head's logits at the corrupted positions only, (chosen, vocab), and the words they should restore: the head is
 * as wide as the vocabulary, so scoring every position would cost seven times the work for nothing the loss reads.
 */
function chosenLogits(model: MaskedLanguageModel, ids: Tensor, generator: Generator): { logits: Tensor; words: Tensor } | null {
  const { inputs, targets } = corrupt(ids, model, generator);
  const flat = targets.toFlatArray();
  const positions = flat.flatMap((t, i) => (t === -100 ? [] : [i]));
  if (positions.length === 0) return null;
  const hidden = model.encoder.forward(inputs);
  const [B, T, C] = hidden.shape;
  const at = tensor(Int32Array.from(positions), { shape: [positions.length] });
  return { logits: model.lm_head.forward(hidden.view(B * T, C).index(at)), words: tensor(Int32Array.from(positions, (i) => flat[i]), { shape: [positions.length] }) };
}

/** Mean cross-entropy over the corrupted words of the sequences at `indices` (CLS is never chosen). */
export function mlmLoss(model: MaskedLanguageModel, encoded: readonly number[][], indices: readonly number[], generator: Generator): Tensor {
  const chosen = chosenLogits(model, padSequence(indices.map((i) => encoded[i])), generator);
  // A batch of one-word texts may have nothing chosen: a zero loss that still reaches the head keeps the step valid.
  if (!chosen) return model.lm_head.weight.sum().mul(0);
  return crossEntropy(chosen.logits, chosen.words);
}

function corrupt(ids: Tensor, model: MaskedLanguageModel, generator: Generator) {
  // CLS stands in for padding in the choice, so it is never corrupted: the classifier reads it unchanged.
  const choosable = ids.maskedFill(ids.eq(CLS_ID), PAD_ID);
  const { inputs, targets } = maskTokens(choosable, MASK_ID, { ...BERT_MASKING, padId: PAD_ID, vocabSize: model.lm_head.outFeatures, firstWord: SPECIAL_TOKENS.length, generator });
  return { inputs: inputs.maskedFill(ids.eq(CLS_ID), CLS_ID), targets };
}

/** The share of corrupted words restored exactly, on a fixed corruption (seeded), so evaluations compare. */
export function maskedAccuracy(model: MaskedLanguageModel, encoded: readonly number[][], seed = 0, batchSize = 64): number {
  const generator = new Generator(seed);
  let right = 0;
  let total = 0;
  const wasTraining = model.training;
  model.eval();
  noGrad(() => {
    for (let at = 0; at < encoded.length; at += batchSize) {
      const chosen = chosenLogits(model, padSequence(encoded.slice(at, at + batchSize)), generator);
      if (!chosen) continue;
      const predicted = chosen.logits.argmax(-1).toFlatArray();
      chosen.words.toFlatArray().forEach((w, i) => {
        total++;
        if (predicted[i] === w) right++;
      });
    }
  });
  model.train(wasTraining);
  return total ? right / total : 0;
}

/**
 * Copies a pre-training checkpoint's encoder into a model that has one (a SequenceClassifier, a TokenTagger): every
 * `encoder.` weight, checked by name and shape. The model must have been built with the checkpoint's vocabulary and sizes.
 */
export function initEncoder(model: { encoder: TransformerEncoder }, checkpoint: Checkpoint, source: string): void {
  const encoder = new Map([...checkpoint.model].filter(([k]) => k.startsWith('encoder.')).map(([k, v]) => [k.slice('encoder.'.length), v]));
  try {
    model.encoder.loadStateDict(encoder);
  } catch (error) {
    throw new ZerogradError('--init', `${source}: ${(error as Error).message}`);
  }
}
