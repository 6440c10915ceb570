import { type Problem, callText, exported } from '../problem.js';

type Batches = { X: string[][]; Y: string[][] };

export const problem: Problem = {
  id: 8,
  slug: 'gpt-dataset',
  title: "A GPT's training batches",
  statement: `Cut a text into training examples for a next-word model.

batchLoader(rawDataset, contextLength, batchSize):
  1. words = the text split on whitespace.
  2. Draw batchSize start indices, uniformly from 0 up to (not including) words.length − contextLength, with
         const generator = new Generator(0, { stream: 'torch' });   // the course's torch.manual_seed(0)
         randint(0, words.length - contextLength, [batchSize], { generator })
  3. X[b] is the contextLength words from start b; Y[b] the contextLength words one further: the word after
     each word of X[b] is its target.
Return { X, Y }, two arrays of batchSize arrays of words.

Example: for "Hello darkness my old friend", contextLength 3, a start of 1 gives
  X[b] = ["darkness", "my", "old"] and Y[b] = ["my", "old", "friend"].`,
  starter: `import { Generator, randint } from 'zerograd';

export function batchLoader(rawDataset: string, contextLength: number, batchSize: number): { X: string[][]; Y: string[][] } {
  throw new Error('not implemented');
}`,
  exports: ['batchLoader'],
  trial(learner, data) {
    const [raw, contextLength, batchSize] = data.args as [string, number, number];
    const expected = data.expected as Batches;
    return {
      input: callText('batchLoader', data.args!),
      expected,
      answer: () => exported<(...a: unknown[]) => Batches>(learner, 'batchLoader')(raw, contextLength, batchSize),
      check: (got) => {
        const g = got as Batches;
        if (!g || !Array.isArray(g.X) || !Array.isArray(g.Y)) return { passed: false, hint: 'return an object { X, Y } of word arrays' };
        if (JSON.stringify(g) === JSON.stringify(expected)) return { passed: true };
        if (g.X.length !== batchSize || g.X.some((x) => x.length !== contextLength)) return { passed: false, hint: `X holds batchSize (${batchSize}) windows of contextLength (${contextLength}) words` };
        if (JSON.stringify(g.X) === JSON.stringify(g.Y)) return { passed: false, hint: 'Y is X shifted one word ahead: the targets are the next words' };
        const words = raw.split(/\s+/).filter(Boolean);
        const shifted = g.X.every((x, b) => JSON.stringify(g.Y[b]) === JSON.stringify(words.slice(words.indexOf(x[0]) + 1, words.indexOf(x[0]) + 1 + contextLength)));
        return { passed: false, hint: shifted ? 'draw the starts from new Generator(0, { stream: \'torch\' }) with randint(0, words.length - contextLength, [batchSize], { generator })' : 'Y[b] is the window one word after X[b]' };
      },
    };
  },
};
