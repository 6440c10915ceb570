import type { TaggedSentence } from '../../data/labelled.js';
import { PAD_ID, Vocabulary } from '../../data/vocabulary.js';
import { padSequence } from '../../data/wordTokenizer.js';
import { noGrad } from '../../tensor/autograd.js';
import { crossEntropy } from '../../tensor/ops/softmax.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { TokenTagger } from './encoder.js';
import { mostProbable } from './textClassifier.js';

/** What rebuilds a tagger: saved as the checkpoint's config. */
export interface TaggerConfig {
  vocab: string[];
  tags: string[];
  maxLength: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
}

/** crossEntropy skips targets equal to this: padding positions carry no tag. */
const IGNORE = -100;

export function buildTagger(config: TaggerConfig, generator: Generator): TokenTagger {
  return new TokenTagger({
    vocabSize: config.vocab.length, maxLength: config.maxLength, nEmbd: config.nEmbd, nHead: config.nHead,
    nLayer: config.nLayer, dropout: config.dropout, postNorm: false, padId: PAD_ID,
  }, config.tags.length, generator);
}

/** The tagger reads lowercased tokens, so "Boston" and "boston" share what was learned. */
export const taggerWords = (tokens: readonly string[]): string[] => tokens.map((t) => t.toLowerCase());

/** Word ids per sentence; a sentence longer than the model's positions is an error naming it, not cut short. */
export function encodeTokens(config: TaggerConfig, sentences: readonly (readonly string[])[], source: string): number[][] {
  const vocabulary = new Vocabulary(config.vocab);
  return sentences.map((tokens, s) => {
    if (tokens.length > config.maxLength) throw new Error(`${source}: sentence ${s + 1} has ${tokens.length} tokens, more than the tagger's ${config.maxLength} positions`);
    return vocabulary.encode(taggerWords(tokens));
  });
}

/** Tag ids per sentence, with an error naming a sentence whose tag the model was not trained on. */
export function encodeTags(config: TaggerConfig, sentences: readonly TaggedSentence[], source: string): number[][] {
  const index = new Map(config.tags.map((t, i) => [t, i]));
  return sentences.map(({ tags }, s) => tags.map((tag) => {
    const id = index.get(tag);
    if (id === undefined) throw new Error(`${source}: sentence ${s + 1} has tag '${tag}', which the model does not know (tags: ${config.tags.join(', ')})`);
    return id;
  }));
}

/** Mean cross-entropy over the real tokens of the sentences at `indices`. */
export function taggerLoss(model: TokenTagger, ids: readonly number[][], tagIds: readonly number[][], indices: readonly number[]): Tensor {
  const logits = model.forward(padSequence(indices.map((i) => ids[i])));
  const targets = padSequence(indices.map((i) => tagIds[i]), { paddingValue: IGNORE });
  return crossEntropy(logits, targets);
}

export interface TokenPrediction {
  tag: string;
  probability: number;
}

/** The most probable tag of every token and its probability, in batches, without gradients. */
export function predictTags(model: TokenTagger, config: TaggerConfig, ids: readonly number[][], batchSize = 64): TokenPrediction[][] {
  const out: TokenPrediction[][] = [];
  const K = config.tags.length;
  noGrad(() => {
    for (let start = 0; start < ids.length; start += batchSize) {
      const batch = ids.slice(start, start + batchSize);
      const probs = model.forward(padSequence(batch)).softmax(-1);
      const T = probs.shape[1];
      const data = probs.toFlatArray();
      batch.forEach((sentence, b) => out.push(sentence.map((_, t) => {
        const best = mostProbable(data, (b * T + t) * K, K);
        return { tag: config.tags[best.index], probability: best.probability };
      })));
    }
  });
  return out;
}

/**
 * The context-free baseline: each word gets the tag it carried most often in training, unseen words
 * the most common tag overall. What a tagger scores above this is what reading context is worth.
 */
export function mostFrequentTagBaseline(training: readonly TaggedSentence[]): (tokens: readonly string[]) => string[] {
  const counts = new Map<string, Map<string, number>>();
  const overall = new Map<string, number>();
  const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  for (const { tokens, tags } of training) {
    taggerWords(tokens).forEach((word, i) => {
      if (!counts.has(word)) counts.set(word, new Map());
      bump(counts.get(word)!, tags[i]);
      bump(overall, tags[i]);
    });
  }
  const commonest = (m: Map<string, number>) => [...m].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
  const fallback = commonest(overall);
  const byWord = new Map([...counts].map(([word, m]) => [word, commonest(m)]));
  return (tokens) => taggerWords(tokens).map((word) => byWord.get(word) ?? fallback);
}
