// Talking back: `zerograd chat corpus` writes the template Q&A set, `gpt finetune --qa` teaches a pre-trained GPT
// its format, and `zerograd gpt chat` answers questions typed on stdin with the fine-tuned model.
import { CharTokenizer } from '../data/charTokenizer.js';
import { type QAPair, formatQA, qaCorpus, qaPrompt } from '../data/qaCorpus.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { completeLine } from '../models/gpt/generate.js';
import type { TrainableLM } from '../models/gpt/recipe.js';
import { type CliIO, UsageError, consoleIO, defineCommand, parseOptions, warnOn } from './args.js';
import { DEVICE, SEED } from './commonOptions.js';
import { gptFromConfig, loadCharModel } from './gpt.js';
import { forEachInputLine } from './inputLines.js';

export const CHAT_CORPUS = defineCommand({
  name: 'chat corpus',
  summary: 'write the generated question-and-answer set (Q: / A: lines) for fine-tuning a GPT to talk back',
  options: {
    out: { type: 'path', value: 'FILE', help: 'where to write it (required)' },
    seed: { ...SEED, default: 42, help: 'random seed (the order of the pairs)' },
  },
});

export const GPT_CHAT = defineCommand({
  name: 'gpt chat',
  summary: 'answer questions typed on stdin, one a line, with a GPT fine-tuned on Q: / A: pairs',
  options: {
    device: DEVICE,
    checkpoint: { type: 'path', value: 'DIR', help: 'a GPT run, e.g. one fine-tuned with gpt finetune --qa (required)' },
    'max-answer': { type: 'int', min: 1, max: 10_000, default: 80, help: 'the most characters an answer may take' },
  },
});

export function chatCorpus(argv: string[], io: CliIO = consoleIO): QAPair[] {
  const o = parseOptions(CHAT_CORPUS, argv);
  if (!o.out) throw new UsageError('chat corpus: --out FILE is required');
  const pairs = qaCorpus(o.seed);
  writeFileAtomic(o.out, formatQA(pairs));
  io.log(`wrote ${pairs.length} question-and-answer pairs to ${o.out}`);
  return pairs;
}

/** The model's answer to one question: the most likely completion of the Q/A prompt, to the end of the answer's line. */
export const answer = (model: TrainableLM, tokenizer: CharTokenizer, question: string, maxLength = 80): string =>
  completeLine(model, tokenizer, qaPrompt(question), maxLength);

/** Each stdin line is a question; its answer is printed as soon as it is read. Returns the answers. */
export function gptChat(argv: string[], io: CliIO = consoleIO, eachLine: (onLine: (line: string) => void) => void = forEachInputLine): string[] {
  const o = parseOptions(GPT_CHAT, argv);
  if (!o.checkpoint) throw new UsageError('gpt chat: --checkpoint DIR is required');
  const maxLength = o['max-answer'];
  const { model, tokenizer } = loadCharModel(o.checkpoint, 'gpt', GPT_CHAT.name, gptFromConfig);
  const known = new Set(tokenizer.itos);
  const missing = [...new Set(qaPrompt('') + '\n')].filter((c) => !known.has(c));
  if (missing.length) throw new UsageError(`gpt chat: ${o.checkpoint} cannot write the Q&A format: its vocabulary lacks ${missing.map((c) => JSON.stringify(c)).join(', ')}`);
  const answers: string[] = [];
  let line = 0;
  eachLine((raw) => {
    line++;
    const question = raw.trim();
    if (!question) return;
    const unknown = [...question].find((c) => !known.has(c));
    if (unknown !== undefined) {
      warnOn(io)(`stdin line ${line}: character ${JSON.stringify(unknown)} is not in the model's vocabulary; skipped`);
      return;
    }
    const reply = answer(model, tokenizer, question, maxLength);
    answers.push(reply);
    io.log(reply);
  });
  return answers;
}
