// The two halves of a RAG setup that the index does not give: `rag corpus` writes the generated facts' passages
// (what `rag index` reads), and `rag train` teaches a GPT the reader's format, "context: ... question: ... answer:".
import { join } from 'node:path';
import { CharTokenizer } from '../data/charTokenizer.js';
import { type Fact, factCorpus, ragPrompt } from '../data/factCorpus.js';
import { splitTokens } from '../data/textDataset.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import type { Checkpoint } from '../io/checkpoint.js';
import { type GPTConfig, gptTrainingMemory, lectureGPTConfig } from '../models/gpt/gpt.js';
import { type GPTTrainConfig, gptTrainConfig, startGPTRun } from '../models/gpt/recipe.js';
import { checkMemory } from '../models/memory.js';
import { type CliIO, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';
import { RUN_OPTIONS, SEED } from './commonOptions.js';
import { settingsFrom } from './options.js';
import { GPT_TRAIN, checkValidationSplit, gptFromConfig, lmTrainFlags, loadCharModel, trainLanguageModel } from './gpt.js';
import { checkResume, memoryLimit, resumedSteps, withRun } from './run.js';

/** What marks a checkpoint as a reader in its config.json: `rag ask` reads only these. */
export const READER_TASK = 'reader';
const FACTS = 2000;
const HELD_OUT = 200;
const CORPUS_SEED = 7;
/** The lesson's reader (examples/15-rag.ts): a prompt and its answer fit in 128 characters. */
const READER = { nEmbd: 96, nHead: 4, nLayer: 4, blockSize: 128, batchSize: 16, lr: 2e-3, steps: 5000, schedule: 'cosine' as const };

const { config: _preset, 'tie-weights': _tie, data: _data, strict: _strict, dropout: _dropout, ...shared } = GPT_TRAIN.options;

export const RAG_CORPUS = defineCommand({
  name: 'rag corpus',
  summary: "write the generated facts' passages, one a line (made-up places and people no model can know), for rag index",
  options: {
    out: { type: 'path', value: 'FILE', help: 'where to write them (required)' },
    facts: { type: 'int', min: 1, max: 1_000_000, default: FACTS, help: 'how many facts' },
    seed: { ...SEED, default: CORPUS_SEED, help: 'random seed of the made-up names' },
  },
});

export const RAG_TRAIN = defineCommand({
  name: 'rag train',
  summary: "train a GPT reader: the answer to 'context: PASSAGE question: Q answer:', on the generated facts but the held-out ones",
  options: {
    facts: { type: 'int', min: 2, max: 1_000_000, default: FACTS, key: 'reader.facts', help: 'the generated facts (as rag corpus --facts writes them)' },
    'held-out': { type: 'int', default: HELD_OUT, key: 'reader.heldOut', help: 'the first N facts are never trained on: the reader must read their passage' },
    'corpus-seed': { type: 'int', default: CORPUS_SEED, key: 'reader.corpusSeed', help: 'the facts\' seed (as rag corpus --seed)' },
    ...shared,
    steps: { ...shared.steps, shown: String(READER.steps) },
    'block-size': { ...shared['block-size'], shown: String(READER.blockSize) },
    out: { ...RUN_OPTIONS.out, default: join('runs', 'reader') },
  },
});

export function ragCorpus(argv: string[], io: CliIO = consoleIO): Fact[] {
  const o = parseOptions(RAG_CORPUS, argv);
  if (!o.out) throw new UsageError('rag corpus: --out FILE is required');
  const facts = factCorpus(o.facts, o.seed);
  writeFileAtomic(o.out, facts.map((f) => `${f.passage}\n`).join(''));
  io.log(`wrote ${facts.length} passages to ${o.out}; e.g. "${facts[0].passage}" answers "${facts[0].question}"`);
  return facts;
}

interface ReaderCorpus { facts: number; heldOut: number; corpusSeed: number }

/** The reader's training text: each fact but the held-out ones, with its gold passage as context, then its answer. */
export const readerText = (facts: Fact[]): string => facts.map((f) => `${ragPrompt(f.passage, f.question)} ${f.answer}\n`).join('');

export function ragTrain(argv: string[], io: CliIO = consoleIO): { val: number; sample: string } {
  const command = RAG_TRAIN.name;
  const o = parseOptions(RAG_TRAIN, argv);
  const { out } = o;
  return withRun(command, out, o, 'gpt', (resume, keep) => {
    const { flags, blockSize } = lmTrainFlags(RAG_TRAIN, o);
    let corpus = settingsFrom(RAG_TRAIN.options, o, 'reader') as unknown as ReaderCorpus;
    let train: GPTTrainConfig;
    let config: GPTConfig | undefined;
    if (resume) {
      if (resume.config.task !== READER_TASK) throw new UsageError(`${command}: ${out} holds a GPT that is not a reader; continue it with the command that trained it`);
      const saved = resume.config.train as GPTTrainConfig;
      corpus = resume.config.reader as ReaderCorpus;
      config = resume.config.model as GPTConfig;
      checkResume(RAG_TRAIN, out, o, resume.config);
      train = { ...saved, steps: resumedSteps(command, out, saved.steps, resume.trainer.step, o.extend) };
    } else {
      train = gptTrainConfig(READER, flags);
    }
    if (corpus.heldOut >= corpus.facts) throw new UsageError(`${command}: --held-out ${corpus.heldOut} leaves none of the ${corpus.facts} facts to train on`);
    const facts = factCorpus(corpus.facts, corpus.corpusSeed);
    const text = readerText(facts.slice(corpus.heldOut));
    // The held-out passages' characters too: the reader must copy an answer it never trained on.
    const tokenizer = resume ? new CharTokenizer(resume.config.vocab as string[]) : CharTokenizer.forText(text + facts.map((f) => f.passage).join(''));
    config ??= lectureGPTConfig({
      vocabSize: tokenizer.vocabSize, blockSize: blockSize ?? READER.blockSize, nEmbd: READER.nEmbd, nHead: READER.nHead, nLayer: READER.nLayer, dropout: 0,
    });
    const splits = splitTokens(tokenizer.encode(text));
    const source = `${corpus.facts - corpus.heldOut} generated facts`;
    checkValidationSplit(splits, config.blockSize, source);
    const limit = memoryLimit(o['max-memory']);
    checkMemory(`${command}: GPT n_embd ${config.nEmbd}, ${config.nLayer} layers, block ${config.blockSize}, batch ${train.batchSize}`,
      gptTrainingMemory(config, train.batchSize), limit.bytes, limit.name);
    const run = startGPTRun(config, train, resume);
    io.log(`data: ${source} as 'context: ... question: ... answer: ...' lines (${text.length} characters); the first ${corpus.heldOut} facts held out`);
    io.log(`model: GPT reader (n_embd ${config.nEmbd}, ${config.nHead} heads, ${config.nLayer} layers, block ${config.blockSize}), ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step} of ${train.steps}` : ''}`);
    const extra = { task: READER_TASK, reader: corpus, preset: 'reader', data: null, dataFile: null };
    return trainLanguageModel({ o, out, keep, io, run, splits, tokenizer, train, extra, recipe: 'gpt' });
  });
}

/** The reader GPT of a checkpoint; a GPT that was never taught the reader's format is refused with the reason. */
export function loadReader(path: string, command: string) {
  const loaded = loadCharModel(path, 'gpt', command, gptFromConfig);
  const { config } = loaded.checkpoint as Checkpoint;
  if (config.task !== READER_TASK) {
    const trainedOn = config.data ? ` on ${String(config.data)}` : config.base ? ` (fine-tuned from ${String(config.base)})` : '';
    throw new UsageError(`${command}: ${path} is a GPT trained${trainedOn}, not a reader: it never learnt to answer 'context: ... question: ... answer:' prompts, `
      + "so its answers would be empty or made up; train one with 'zerograd rag train'");
  }
  return loaded;
}
