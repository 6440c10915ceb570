// Problem 8, a GPT's training batches: random windows of words, each with the window one word later as its target.
import { Generator, randint } from '../practice/library.js';

/** batchSize windows of contextLength words from a seeded stream; Y[b] is X[b] shifted one word ahead. */
export function batchLoader(rawDataset: string, contextLength: number, batchSize: number): { X: string[][]; Y: string[][] } {
  const generator = new Generator(0, { stream: 'torch' }); // the course's torch.manual_seed(0)
  const words = rawDataset.split(/\s+/).filter(Boolean);
  const indices = randint(0, words.length - contextLength, [batchSize], { generator }).toFlatArray();
  const X = indices.map((i) => words.slice(i, i + contextLength));
  const Y = indices.map((i) => words.slice(i + 1, i + 1 + contextLength));
  return { X, Y };
}
