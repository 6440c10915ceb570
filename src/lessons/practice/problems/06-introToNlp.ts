import { type Problem, callText, exported } from '../problem.js';

/** The dataset built with a given vocabulary order and first id, for the mistakes' outputs. */
function encode(sentences: string[], vocabulary: string[], first: number): number[][] {
  const ids = new Map(vocabulary.map((w, i) => [w, i + first]));
  const rows = sentences.map((s) => s.split(' ').map((w) => ids.get(w)!));
  const width = Math.max(...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...new Array(width - r.length).fill(0)]);
}

export const problem: Problem = {
  id: 6,
  slug: 'intro-to-nlp',
  title: 'Intro to NLP: sentences to tensors',
  statement: `Turn sentences into a tensor a model can read.

getDataset(positive, negative):
  1. The vocabulary is every distinct word (split on spaces, case kept) of all the sentences, sorted
     (JavaScript's default sort, which puts capitals first, as Python's sorted does).
  2. Word ids count from 1 in that order; 0 is kept for padding.
  3. Encode the positive sentences, then the negative ones, as lists of ids, and pad them with 0 on the right
     to the longest one (padSequence does this).
  4. Return a float tensor (.float()) of shape (sentences, longest).

Example: getDataset(["Dogecoin to the moon"], ["I will short Tesla today"]) gives
  [[1, 7, 6, 4, 0], [2, 9, 5, 3, 8]]
(the vocabulary is Dogecoin, I, Tesla, moon, short, the, to, today, will).`,
  starter: `import { type Tensor, padSequence } from 'zerograd';

export function getDataset(positive: string[], negative: string[]): Tensor {
  throw new Error('not implemented');
}`,
  exports: ['getDataset'],
  trial(learner, data) {
    const [positive, negative] = data.args as [string[], string[]];
    const sentences = [...positive, ...negative];
    const words = [...new Set(sentences.flatMap((s) => s.split(' ')))];
    return {
      input: callText('getDataset', data.args!),
      expected: data.expected,
      answer: () => exported<(p: string[], n: string[]) => unknown>(learner, 'getDataset')([...positive], [...negative]),
      mistakes: () => [
        { hint: 'number the words from 1: 0 is the padding id', output: encode(sentences, [...words].sort(), 0) },
        { hint: 'sort the vocabulary before numbering it', output: encode(sentences, words, 1) },
        { hint: 'the positive sentences come first, then the negative ones', output: encode([...negative, ...positive], [...words].sort(), 1) },
        { hint: "keep the words' case: the course's vocabulary is case-sensitive", output: encode(sentences.map((s) => s.toLowerCase()), [...new Set(sentences.flatMap((s) => s.toLowerCase().split(' ')))].sort(), 1) },
      ],
    };
  },
};
