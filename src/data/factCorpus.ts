// Facts no model can know: generated records about made-up places and people ("the capital of velmora is
// drask."), each with the question it answers, for measuring what retrieval adds to a language model (RAG).
import { Generator } from '../core/random.js';

export interface Fact {
  /** The passage stating it, as a retriever indexes it. */
  passage: string;
  question: string;
  answer: string;
}

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'kr', 'st', 'tr', 'th', 'sh', 'gl'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea'];
const CODAS = ['', '', 'n', 'r', 'l', 's', 'k', 'sk', 'nd', 'th'];

/** A pronounceable made-up word of two or three syllables. */
function madeUpWord(g: Generator): string {
  const syllables = 2 + g.randint(0, 2);
  let word = '';
  for (let i = 0; i < syllables; i++) {
    word += ONSETS[g.randint(0, ONSETS.length)] + VOWELS[g.randint(0, VOWELS.length)] + (i === syllables - 1 ? CODAS[g.randint(0, CODAS.length)] : '');
  }
  return word;
}

/** Templates: the passage and the question about its last word. */
const KINDS: ((a: string, b: string) => Fact)[] = [
  (a, b) => ({ passage: `the capital of ${a} is ${b}.`, question: `what is the capital of ${a}?`, answer: b }),
  (a, b) => ({ passage: `${a} was born in ${b}.`, question: `where was ${a} born?`, answer: b }),
  (a, b) => ({ passage: `the river ${a} flows into lake ${b}.`, question: `which lake does the river ${a} flow into?`, answer: b }),
  (a, b) => ({ passage: `${a} is the leader of the ${b} guild.`, question: `which guild does ${a} lead?`, answer: b }),
];

/** `count` facts with distinct made-up subjects, in a seeded order. */
export function factCorpus(count: number, seed = 7): Fact[] {
  const g = new Generator(seed);
  const used = new Set<string>();
  const fresh = () => {
    for (;;) {
      const w = madeUpWord(g);
      if (!used.has(w)) {
        used.add(w);
        return w;
      }
    }
  };
  return Array.from({ length: count }, (_, i) => KINDS[i % KINDS.length](fresh(), fresh()));
}

/** The reader's prompt: the retrieved passage (or none), the question, then the answer to complete. */
export const ragPrompt = (context: string, question: string): string => `context: ${context} question: ${question} answer:`;
