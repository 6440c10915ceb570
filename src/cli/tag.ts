import { join } from 'node:path';
import { type TaggedSentence, formatConll } from '../data/labelled.js';
import { readConll } from '../data/labelledFiles.js';
import { slotFillingCorpus } from '../data/slotFilling.js';
import { Vocabulary } from '../data/vocabulary.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { hasCheckpoint, loadCheckpoint } from '../io/checkpoint.js';
import { classificationReport, taggingAccuracy } from '../models/classify/metrics.js';
import { startSupervisedRun } from '../models/classify/supervised.js';
import {
  type TaggerConfig, buildTagger, encodeTags, encodeTokens, mostFrequentTagBaseline, predictTags, taggerLoss, taggerWords,
} from '../models/classify/tagging.js';
import type { TokenTagger } from '../models/classify/encoder.js';
import { Generator } from '../tensor/random.js';
import { type CliIO, UsageError, consoleIO, intOption, parseOptions } from './args.js';
import {
  type ModelDefaults, SUPERVISED_OPTIONS, SUPERVISED_USAGE_OPTIONS, evaluationSet, formatReport, heldOutSplits, loadTrainedModel,
  readStdinLines, runSupervised, shapeFrom, trainConfigFrom,
} from './supervised.js';

export const TAG_USAGE = `zerograd tag train [--data FILE.conll] ${SUPERVISED_USAGE_OPTIONS}
zerograd tag eval --checkpoint DIR [--data FILE.conll]
zerograd tag predict --checkpoint DIR            sentences on stdin, one a line; prints token, tag, probability
zerograd tag corpus --out FILE.conll [--sentences N] [--seed N]   writes the generated slot-filling corpus`;

const DEFAULTS: ModelDefaults = { steps: 1500, batchSize: 32, lr: 1e-3, maxLength: 64, nEmbd: 64, nHead: 4, nLayer: 2, dropout: 0.1 };
const GENERATED_SIZE = 4000;
const GENERATED = `generated slot-filling corpus (${GENERATED_SIZE} travel requests)`;

function loadSentences(file: string | undefined): { sentences: TaggedSentence[]; source: string } {
  return file ? { sentences: readConll(file), source: file } : { sentences: slotFillingCorpus(GENERATED_SIZE), source: GENERATED };
}

const loadTagger = (path: string | undefined, command: string) =>
  loadTrainedModel(path, command, 'tag', 'a tagger', (config: TaggerConfig, g) => buildTagger(config, g));

export interface TaggingResult {
  /** Accuracy over all tokens, and over tokens whose true tag is not "O". */
  all: number;
  entities: number;
  macroF1: number;
}

function evaluate(model: TokenTagger, config: TaggerConfig, sentences: readonly TaggedSentence[], source: string, title: string, io?: CliIO): TaggingResult {
  // Fails on a tag the model never saw, naming the sentence, before any prediction is made.
  encodeTags(config, sentences, source);
  const predicted = predictTags(model, config, encodeTokens(config, sentences.map((s) => s.tokens), source)).map((tags) => tags.map((t) => t.tag));
  const accuracy = taggingAccuracy(sentences.map((s) => s.tags), predicted);
  const report = classificationReport(sentences.flatMap((s) => s.tags), predicted.flat(), config.tags);
  if (io) {
    io.log(`${title}: token accuracy ${accuracy.all.toFixed(4)} | accuracy on non-O tokens ${accuracy.entities.toFixed(4)}`);
    formatReport(report, 'per tag').forEach((line) => io.log(line));
  }
  return { ...accuracy, macroF1: report.macroF1 };
}

export function tagTrain(argv: string[], io: CliIO = consoleIO): TaggingResult {
  const o = parseOptions('tag train', argv, SUPERVISED_OPTIONS);
  const { sentences, source } = loadSentences(o.data);
  const out = o.out ?? join('runs', 'tag');
  const resume = o.resume && hasCheckpoint(out) ? loadCheckpoint(out) : undefined;
  const splits = heldOutSplits(sentences);
  if (splits.val.length === 0 || splits.test.length === 0) throw new UsageError(`${source}: ${sentences.length} sentences are too few to hold out validation and test sentences (10% each)`);
  const train = trainConfigFrom(o, DEFAULTS);
  const shape = shapeFrom(o, DEFAULTS);
  const longest = Math.max(...sentences.map((s) => s.tokens.length));
  const config: TaggerConfig = resume ? (resume.config.model as TaggerConfig) : {
    ...shape,
    maxLength: Math.max(shape.maxLength, longest),
    // Words seen once become <unk> in training, so the model learns to tag unseen words from context.
    vocab: [...Vocabulary.build(splits.train.map((s) => taggerWords(s.tokens)), { minCount: intOption('min-count', o['min-count'], 2, { min: 1 }) }).tokens],
    tags: [...new Set(sentences.flatMap((s) => s.tags))].sort(),
  };
  io.log(`data: ${sentences.length} sentences from ${source}; ${config.tags.length} tags; split ${splits.train.length}/${splits.val.length}/${splits.test.length}`);
  const ids = encodeTokens(config, splits.train.map((s) => s.tokens), source);
  const tagIds = encodeTags(config, splits.train, source);
  const run = startSupervisedRun(buildTagger(config, new Generator(train.seed)), train, resume);
  io.log(`model: transformer encoder tagger (${config.nLayer} layers, ${config.nHead} heads, n_embd ${config.nEmbd}), vocabulary ${config.vocab.length}, ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step}` : ''}`);
  const meanLength = ids.reduce((s, e) => s + e.length, 0) / ids.length;
  runSupervised({
    run, train, out, trainCount: ids.length, tokensPerStep: Math.round(train.batchSize * meanLength),
    config: { recipe: 'tag', model: config, train, data: o.data ?? null },
    batchLoss: (indices) => taggerLoss(run.model, ids, tagIds, indices),
    evaluate: () => evaluate(run.model, config, splits.val, source, 'val').entities,
    scoreName: 'non-O accuracy',
  }, io);
  const result = evaluate(run.model, config, splits.test, source, `test (${splits.test.length} held-out sentences)`, io);
  const baseline = mostFrequentTagBaseline(splits.train);
  const baselineAccuracy = taggingAccuracy(splits.test.map((s) => s.tags), splits.test.map((s) => baseline(s.tokens)));
  io.log(`context-free baseline (most frequent tag per word): token accuracy ${baselineAccuracy.all.toFixed(4)} | non-O ${baselineAccuracy.entities.toFixed(4)}`);
  return result;
}

export function tagEval(argv: string[], io: CliIO = consoleIO): TaggingResult {
  const o = parseOptions('tag eval', argv, { checkpoint: { type: 'string' }, data: { type: 'string' } });
  const { model, config, data } = loadTagger(o.checkpoint, 'tag eval');
  const { sentences, source } = loadSentences(o.data ?? data ?? undefined);
  const evaluated = evaluationSet(sentences, source, o.data !== undefined, 'sentences');
  return evaluate(model, config, evaluated.items, source, evaluated.title, io);
}

export function tagPredict(argv: string[], io: CliIO = consoleIO, lines: () => string[] = readStdinLines): string[] {
  const o = parseOptions('tag predict', argv, { checkpoint: { type: 'string' } });
  const { model, config } = loadTagger(o.checkpoint, 'tag predict');
  const sentences = lines().map((line) => line.trim().split(/\s+/));
  const predictions = predictTags(model, config, encodeTokens(config, sentences, 'stdin'));
  // CoNLL-shaped output: `token tag probability`, a blank line after each sentence.
  const printed = sentences.flatMap((tokens, s) => [...tokens.map((token, t) => `${token} ${predictions[s][t].tag} ${predictions[s][t].probability.toFixed(4)}`), '']);
  printed.forEach((line) => io.log(line));
  return printed;
}

export function tagCorpus(argv: string[], io: CliIO = consoleIO): string {
  const o = parseOptions('tag corpus', argv, { out: { type: 'string' }, sentences: { type: 'string' }, seed: { type: 'string' } });
  if (!o.out) throw new UsageError('tag corpus: --out FILE is required');
  const sentences = slotFillingCorpus(intOption('sentences', o.sentences, GENERATED_SIZE, { min: 1 }), intOption('seed', o.seed, 42));
  writeFileAtomic(o.out, formatConll(sentences));
  io.log(`wrote ${sentences.length} tagged sentences to ${o.out}`);
  return o.out;
}
