// A question-and-answer set for the "talk back" lesson, in a fixed format a GPT can learn: each pair is a line
// "Q: <question>" followed by a line "A: <answer>". Generated from templates (as the slot-filling corpus is),
// in lowercase words, so a model pre-trained on Tiny Shakespeare already knows every character.
import { readTextFile } from './lines.js';
import { Generator } from '../core/random.js';

export interface QAPair {
  question: string;
  answer: string;
}

const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];
const OPPOSITES = [['hot', 'cold'], ['up', 'down'], ['big', 'small'], ['fast', 'slow'], ['old', 'young'], ['day', 'night'],
  ['good', 'bad'], ['happy', 'sad'], ['light', 'dark'], ['open', 'closed'], ['early', 'late'], ['wet', 'dry'], ['hard', 'soft'],
  ['full', 'empty'], ['rich', 'poor'], ['strong', 'weak'], ['high', 'low'], ['long', 'short'], ['loud', 'quiet'], ['near', 'far']];
const SOUNDS = [['cow', 'moo'], ['dog', 'woof'], ['cat', 'meow'], ['duck', 'quack'], ['sheep', 'baa'], ['owl', 'hoot'],
  ['lion', 'roar'], ['snake', 'hiss'], ['horse', 'neigh'], ['pig', 'oink'], ['bee', 'buzz'], ['mouse', 'squeak']];
const COLORS = [['the sky', 'blue'], ['grass', 'green'], ['snow', 'white'], ['coal', 'black'], ['a banana', 'yellow'],
  ['a tomato', 'red'], ['an orange', 'orange'], ['a plum', 'purple'], ['the sun', 'yellow'], ['blood', 'red'], ['milk', 'white']];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const LEGS = [['a spider', 'eight'], ['a dog', 'four'], ['a bird', 'two'], ['an ant', 'six'], ['a fish', 'zero'], ['a horse', 'four'],
  ['a snake', 'zero'], ['a person', 'two'], ['a beetle', 'six'], ['an octopus', 'eight']];

/** Every pair the templates make: sums and differences up to twenty, opposites both ways, sounds, colours, days, legs. */
function allPairs(): QAPair[] {
  const pairs: QAPair[] = [];
  for (let a = 0; a <= 10; a++) {
    for (let b = 0; b <= 10; b++) {
      pairs.push({ question: `what is ${NUMBERS[a]} plus ${NUMBERS[b]}?`, answer: `${NUMBERS[a + b]}.` });
      if (a >= b) pairs.push({ question: `what is ${NUMBERS[a]} minus ${NUMBERS[b]}?`, answer: `${NUMBERS[a - b]}.` });
    }
  }
  for (const [x, y] of OPPOSITES) {
    pairs.push({ question: `what is the opposite of ${x}?`, answer: `${y}.` }, { question: `what is the opposite of ${y}?`, answer: `${x}.` });
  }
  for (const [animal, sound] of SOUNDS) pairs.push({ question: `what does a ${animal} say?`, answer: `${sound}.` });
  for (const [thing, color] of COLORS) pairs.push({ question: `what color is ${thing}?`, answer: `${color}.` });
  DAYS.forEach((day, i) => pairs.push({ question: `what day comes after ${day}?`, answer: `${DAYS[(i + 1) % 7]}.` }));
  for (const [animal, legs] of LEGS) pairs.push({ question: `how many legs does ${animal} have?`, answer: `${legs}.` });
  return pairs;
}

/** The pairs in a seeded order (a Fisher-Yates shuffle), so a run's held-out questions are fixed by the seed. */
export function qaCorpus(seed = 42): QAPair[] {
  const pairs = allPairs();
  const g = new Generator(seed);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
  }
  return pairs;
}

/** The file form: "Q: ..." and "A: ..." lines, one pair after another. */
export const formatQA = (pairs: readonly QAPair[]): string => pairs.map((p) => `Q: ${p.question}\nA: ${p.answer}\n`).join('');

/** What a model is prompted with to answer `question`: the file form up to the answer. */
export const qaPrompt = (question: string): string => `Q: ${question}\nA:`;

/** Reads a Q&A file, naming the file and line of the first line out of place (blank lines are allowed between pairs). */
export function readQA(file: string): QAPair[] {
  const lines = readTextFile(file).split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const pairs: QAPair[] = [];
  let question: { text: string; line: number } | null = null;
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') {
      if (question) throw new Error(`${file} line ${line}: a blank line between the question on line ${question.line} and its answer; expected "A: ..."`);
      return;
    }
    if (raw.startsWith('Q: ')) {
      if (question) throw new Error(`${file} line ${line}: a second question before the answer to line ${question.line}; expected "A: ..."`);
      question = { text: raw.slice(3).trim(), line };
      if (!question.text) throw new Error(`${file} line ${line}: the question is empty`);
    } else if (raw.startsWith('A: ')) {
      if (!question) throw new Error(`${file} line ${line}: an answer with no question before it; expected "Q: ..."`);
      const answer = raw.slice(3).trim();
      if (!answer) throw new Error(`${file} line ${line}: the answer is empty`);
      pairs.push({ question: question.text, answer });
      question = null;
    } else {
      throw new Error(`${file} line ${line}: expected a line starting "Q: " or "A: ", got ${JSON.stringify(raw.slice(0, 40))}`);
    }
  });
  if (question) throw new Error(`${file}: the question on line ${(question as { line: number }).line} has no answer`);
  if (pairs.length === 0) throw new Error(`${file}: no "Q: ..." / "A: ..." pairs`);
  return pairs;
}
