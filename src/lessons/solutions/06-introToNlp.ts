// Problem 6, from sentences to a tensor: a sorted vocabulary numbered from 1, each sentence as ids, padded with 0.
import { type Tensor, padSequence } from '../practice/library.js';

/** The positive then the negative sentences as a (sentences, longest) float tensor of word ids. */
export function getDataset(positive: string[], negative: string[]): Tensor {
  const sentences = [...positive, ...negative];
  const vocabulary = [...new Set(sentences.flatMap((s) => s.split(' ')))].sort();
  const ids = new Map(vocabulary.map((word, i) => [word, i + 1]));
  return padSequence(sentences.map((s) => s.split(' ').map((word) => ids.get(word)!))).float();
}
