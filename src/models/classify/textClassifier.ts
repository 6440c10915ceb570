import type { LabelledText } from '../../data/labelled.js';
import { CLS_ID, PAD_ID, UNK_ID, Vocabulary, normalizedWords } from '../../data/vocabulary.js';
import { padSequence } from '../../data/wordTokenizer.js';
import type { Module } from '../../nn/module.js';
import { noGrad } from '../../tensor/autograd.js';
import { tensor } from '../../tensor/creation.js';
import { crossEntropy } from '../../tensor/ops/softmax.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { BagOfEmbeddings } from './bagOfEmbeddings.js';
import { SequenceClassifier } from './encoder.js';

export type ClassifierKind = 'bag' | 'encoder';

/** What rebuilds a text classifier: saved as the checkpoint's config. */
export interface TextClassifierConfig {
  kind: ClassifierKind;
  vocab: string[];
  labels: string[];
  /** Words read per text (the encoder's includes its CLS token). */
  maxLength: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
}

export type TextClassifier = Module & { forward(ids: Tensor): Tensor };

export function buildTextClassifier(config: TextClassifierConfig, generator: Generator): TextClassifier {
  if (config.kind === 'bag') return new BagOfEmbeddings(config.vocab.length, config.nEmbd, config.labels.length, generator);
  return new SequenceClassifier({
    vocabSize: config.vocab.length, maxLength: config.maxLength, nEmbd: config.nEmbd, nHead: config.nHead,
    nLayer: config.nLayer, dropout: config.dropout, postNorm: false, padId: PAD_ID,
  }, config.labels.length, generator);
}

/**
 * A new classifier's config: the vocabulary of the words it will read (each training text's first
 * maxLength) seen at least `minCount` times, at most `maxSize` ids; the labels of all rows, sorted.
 */
export function newTextClassifierConfig(shape: Omit<TextClassifierConfig, 'vocab' | 'labels'>, training: readonly LabelledText[],
  all: readonly LabelledText[], { minCount = 2, maxSize = 30_000 } = {}): TextClassifierConfig {
  const vocabulary = Vocabulary.build(training.map((r) => normalizedWords(r.text).slice(0, shape.maxLength)), { minCount, maxSize });
  return { ...shape, vocab: [...vocabulary.tokens], labels: [...new Set(all.map((r) => r.label))].sort() };
}

/** Word ids of each text, cut to maxLength; the encoder's sequences start with CLS, whose vector it classifies. */
export function encodeTexts(config: TextClassifierConfig, texts: readonly string[]): number[][] {
  const vocabulary = new Vocabulary(config.vocab);
  const room = config.kind === 'encoder' ? config.maxLength - 1 : config.maxLength;
  return texts.map((text) => {
    const ids = vocabulary.encode(normalizedWords(text).slice(0, room));
    // An empty text still needs one real position for the mean (bag) or CLS (encoder) to read.
    return config.kind === 'encoder' ? [CLS_ID, ...ids] : ids.length ? ids : [UNK_ID];
  });
}

/** Mean cross-entropy of the classifier on the examples at `indices`. */
export function classifierLoss(model: TextClassifier, encoded: readonly number[][], labelIds: readonly number[], indices: readonly number[]): Tensor {
  const logits = model.forward(padSequence(indices.map((i) => encoded[i])));
  return crossEntropy(logits, tensor(Int32Array.from(indices, (i) => labelIds[i]), { shape: [indices.length] }));
}

export interface Prediction {
  label: string;
  probability: number;
}

/** The most probable label of each encoded text and its probability, in batches, without gradients. */
export function predictLabels(model: TextClassifier, config: TextClassifierConfig, encoded: readonly number[][], batchSize = 64): Prediction[] {
  const predictions: Prediction[] = [];
  noGrad(() => {
    for (let start = 0; start < encoded.length; start += batchSize) {
      const probs = model.forward(padSequence(encoded.slice(start, start + batchSize))).softmax(-1);
      const K = config.labels.length;
      const data = probs.toFlatArray();
      for (let b = 0; b < probs.shape[0]; b++) {
        const best = mostProbable(data, b * K, K);
        predictions.push({ label: config.labels[best.index], probability: best.probability });
      }
    }
  });
  return predictions;
}

/** The index (0..count-1) and value of the largest of probs[offset .. offset+count). */
export function mostProbable(probs: ArrayLike<number>, offset: number, count: number): { index: number; probability: number } {
  let index = 0;
  for (let k = 1; k < count; k++) if (probs[offset + k] > probs[offset + index]) index = k;
  return { index, probability: probs[offset + index] };
}

/** Label ids of `rows` in `labels`, with an error naming a label the model was not trained on. */
export function labelIds(rows: readonly LabelledText[], labels: readonly string[], source: string): number[] {
  const index = new Map(labels.map((l, i) => [l, i]));
  return rows.map(({ label }, i) => {
    const id = index.get(label);
    if (id === undefined) throw new Error(`${source}: row ${i + 1} has label '${label}', which the model does not know (labels: ${labels.join(', ')})`);
    return id;
  });
}
