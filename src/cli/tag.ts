import { resolve } from 'node:path';
import { type TaggedSentence, formatConll } from '../data/labelled.js';
import { readConll } from '../data/labelledFiles.js';
import { slotFillingCorpus } from '../data/slotFilling.js';
import { Vocabulary } from '../data/vocabulary.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { classificationReport, taggingAccuracy } from '../models/classify/metrics.js';
import { type SpanReport, isBioTag, spanF1 } from '../models/classify/spanF1.js';
import { startSupervisedRun } from '../models/classify/supervised.js';
import {
  type TaggerConfig, type TokenPrediction, buildTagger, encodeTags, encodeTokens, mostFrequentTagBaseline, predictTags, taggerLoss, taggerWords,
} from '../models/classify/tagging.js';
import { encoderTrainingMemory } from '../models/classify/encoder.js';
import { initEncoder } from '../models/classify/pretrain.js';
import { checkMemory } from '../models/memory.js';
import type { TokenTagger } from '../models/classify/encoder.js';
import { Generator } from '../core/random.js';
import { type CliIO, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';
import { DEVICE, SEED } from './commonOptions.js';
import { loadPretrained } from './mlm.js';
import { checkResume, logNextSteps, memoryLimit, openRun, runFolder } from './run.js';
import { checkedDataFile, warnUnsavedDropout } from './dataCheck.js';
import {
  type ModelDefaults, SUPERVISED_OPTIONS, evalOptions, evaluationSet, formatReport, labelsWithUnseen, loadTrainedModel,
  pretrainedShape, readStdinLines, runSupervised, shapeFrom, trainSettings, trainingSplits,
} from './supervised.js';

const DEFAULTS: ModelDefaults = { steps: 1500, batchSize: 32, lr: 1e-3, maxLength: 64, nEmbd: 64, nHead: 4, nLayer: 2, dropout: 0.1 };
/** Without --max-length the model's positions grow to the longest training sentence, up to this. */
const AUTO_MAX_LENGTH = 256;
const GENERATED_SIZE = 4000;
const RUN = runFolder('tag');
const GENERATED = `generated slot-filling corpus (${GENERATED_SIZE} travel requests)`;

export const TAG_TRAIN = defineCommand({
  name: 'tag train',
  summary: 'train a transformer-encoder tagger (one tag per token) on a CoNLL file; default: the generated slot-filling corpus',
  options: {
    device: DEVICE,
    data: { type: 'path', value: 'FILE.conll', key: 'data', shown: 'generated corpus', none: 'the embedded corpus', help: '`token ... tag` per line, a blank line between sentences' },
    init: { type: 'path', value: 'DIR', key: 'init', help: "start the encoder from a 'zerograd mlm pretrain' run: its weights, vocabulary and sizes" },
    ...SUPERVISED_OPTIONS,
    ...RUN.options,
    'max-length': { ...SUPERVISED_OPTIONS['max-length'], shown: `longest sentence, up to ${AUTO_MAX_LENGTH}`, help: 'token positions; longer sentences are split into pieces of this many tokens' },
  },
});

export const TAG_EVAL = defineCommand({
  name: 'tag eval',
  summary: 'span (entity) precision/recall/F1, token accuracy, per-tag precision/recall and the confusion matrix of a tagger',
  options: evalOptions('a tagger', 'FILE.conll', 'tags'),
});

export const TAG_PREDICT = defineCommand({
  name: 'tag predict',
  summary: 'tag sentences read from stdin, one a line; prints token, tag and probability',
  options: { checkpoint: { type: 'path', value: 'DIR', help: 'run folder of a tagger (required)' } },
});

export const TAG_CORPUS = defineCommand({
  name: 'tag corpus',
  summary: 'write the generated slot-filling corpus (ATIS-style travel requests) as a CoNLL file',
  options: {
    out: { type: 'path', value: 'FILE.conll', help: 'where to write it (required)' },
    sentences: { type: 'int', min: 1, max: 10_000_000, default: GENERATED_SIZE, help: 'how many sentences' },
    seed: { ...SEED, default: 42 },
  },
});

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
  /** Span precision/recall/F1; null when the tags are not BIO, so there are no spans to read. */
  spans: SpanReport | null;
}

/**
 * Scores the model on `sentences`. Tags the model never saw count as errors (one warning counts them), and
 * sentences longer than its positions are tagged piece by piece.
 */
function evaluate(model: TokenTagger, config: TaggerConfig, sentences: readonly TaggedSentence[], source: string, title: string,
  io: CliIO, reportDir?: string): TaggingResult {
  const predicted = predictLongTags(model, config, sentences.map((s) => s.tokens), source).map((tags) => tags.map((t) => t.tag));
  const accuracy = taggingAccuracy(sentences.map((s) => s.tags), predicted);
  const truth = sentences.flatMap((s) => s.tags);
  const labels = reportDir ? labelsWithUnseen(config.tags, truth, source, 'tokens', io) : [...new Set([...config.tags, ...truth])];
  const report = classificationReport(truth, predicted.flat(), labels);
  const notBio = labels.filter((tag) => !isBioTag(tag));
  const spans = notBio.length ? null : spanF1(sentences.map((s) => s.tags), predicted);
  if (reportDir) {
    const tokens = `token accuracy ${accuracy.all.toFixed(4)} | accuracy on non-O tokens ${accuracy.entities.toFixed(4)}`;
    if (spans) formatSpans(spans, title).forEach((line) => io.log(line));
    else io.log(`${title}: no span scores, as tags ${notBio.slice(0, 3).join(', ')}${notBio.length > 3 ? ', ...' : ''} are not BIO (O, B-type, I-type)`);
    io.log(spans ? tokens : `${title}: ${tokens}`);
    formatReport(report, 'per tag', reportDir).forEach((line) => io.log(line));
  }
  return { ...accuracy, macroF1: report.macroF1, spans };
}

/** The slot-filling headline (micro span F1, as conlleval prints it), the macro averages and a row per span type. */
function formatSpans(spans: SpanReport, title: string): string[] {
  const num = (x: number) => x.toFixed(4);
  const width = Math.max(9, ...spans.perType.map((t) => t.type.length));
  const cell = (x: number) => num(x).padStart(9);
  return [
    `${title}: span F1 ${num(spans.micro.f1)} (micro: precision ${num(spans.micro.precision)}, recall ${num(spans.micro.recall)}; `
      + `${spans.correctSpans} of ${spans.trueSpans} true spans found exactly, ${spans.predictedSpans} predicted)`,
    `span macro average over ${spans.perType.length} types: precision ${num(spans.macro.precision)}, recall ${num(spans.macro.recall)}, F1 ${num(spans.macro.f1)}`,
    `${'span type'.padEnd(width)} precision    recall        F1   support`,
    ...spans.perType.map((t) => `${t.type.padEnd(width)} ${cell(t.precision)} ${cell(t.recall)} ${cell(t.f1)} ${String(t.support).padStart(9)}`),
  ];
}

/** Tags of sentences of any length: those longer than the model's positions are cut into pieces that fit. */
function predictLongTags(model: TokenTagger, config: TaggerConfig, sentences: readonly (readonly string[])[], source: string): TokenPrediction[][] {
  const pieces = sentences.map((tokens) => windows(tokens, config.maxLength));
  const flat = predictTags(model, config, encodeTokens(config, pieces.flat(), source));
  let next = 0;
  return pieces.map((parts) => parts.flatMap(() => flat[next++]));
}

/** `items` cut into consecutive pieces of at most `size` (one empty piece for an empty list). */
const windows = <T>(items: readonly T[], size: number): T[][] =>
  items.length === 0 ? [[]] : Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export function tagTrain(argv: string[], io: CliIO = consoleIO): TaggingResult {
  const command = TAG_TRAIN.name;
  const o = parseOptions(TAG_TRAIN, argv);
  const out = o.out ?? RUN.folder();
  const opened = openRun(command, out, o, 'tag');
  try {
    const { resume } = opened;
    // A flag that contradicts the run being resumed is the first thing said, before anything is loaded.
    if (resume) checkResume(TAG_TRAIN, out, o, resume.config);
    const dataFile = resume ? (resume.config.data as string | null) ?? undefined : o.data;
    const fingerprint = checkedDataFile(command, out, dataFile, resume, o.strict ?? false, io);
    const { sentences, source } = loadSentences(dataFile);
    const splits = trainingSplits(sentences, o, readConll);
    if (splits.val.length === 0 || splits.test.length === 0) throw new UsageError(`${source}: ${sentences.length} sentences are too few to hold out validation and test sentences (10% each); give --val and --test files`);
    const train = trainSettings(TAG_TRAIN, out, o, DEFAULTS, resume);
    const shape = shapeFrom(o, DEFAULTS);
    const longest = Math.max(...splits.train.map((s) => s.tokens.length));
    const pretrained = !resume && o.init ? loadPretrained(o.init, command) : null;
    const config: TaggerConfig = resume ? (resume.config.model as TaggerConfig) : pretrained ? {
      ...pretrainedShape(command, o.init!, pretrained, o), dropout: shape.dropout, tags: [...new Set(splits.train.flatMap((s) => s.tags))].sort(),
    } : {
      ...shape,
      maxLength: o['max-length'] === undefined ? Math.min(AUTO_MAX_LENGTH, Math.max(shape.maxLength, longest)) : shape.maxLength,
      // Words seen once become <unk> in training, so the model learns to tag unseen words from context.
      vocab: [...Vocabulary.build(splits.train.map((s) => taggerWords(s.tokens)), { minCount: o['min-count'] }).tokens],
      tags: [...new Set(splits.train.flatMap((s) => s.tags))].sort(),
    };
    io.log(`data: ${sentences.length} sentences from ${source}; ${config.tags.length} tags; split ${splits.train.length}/${splits.val.length}/${splits.test.length}`);
    // Sentences longer than the model's positions train as consecutive pieces that fit.
    const pieces = splits.train.flatMap((s) => windows(s.tokens.map((token, i) => [token, s.tags[i]] as const), config.maxLength)
      .map((part) => ({ tokens: part.map(([t]) => t), tags: part.map(([, tag]) => tag) })));
    if (pieces.length > splits.train.length) io.log(`note: sentences longer than ${config.maxLength} tokens are split into pieces of ${config.maxLength} (${pieces.length - splits.train.length} extra pieces)`);
    const ids = encodeTokens(config, pieces.map((s) => s.tokens), source);
    const tagIds = encodeTags(config, pieces, source);
    const limit = memoryLimit(o['max-memory']);
    checkMemory(`${command}: encoder n_embd ${config.nEmbd}, ${config.nLayer} layers, ${config.maxLength} positions, batch ${train.batchSize}`,
      encoderTrainingMemory({ ...config, vocabSize: config.vocab.length, outputs: config.tags.length }, train.batchSize), limit.bytes, limit.name);
    const dropout = new Generator(train.seed);
    const model = buildTagger(config, dropout);
    if (pretrained) initEncoder(model, pretrained, o.init!);
    const run = startSupervisedRun(model, train, resume, dropout);
    warnUnsavedDropout(command, out, resume, config.dropout, io);
    io.log(`model: transformer encoder tagger (${config.nLayer} layers, ${config.nHead} heads, n_embd ${config.nEmbd}), vocabulary ${config.vocab.length}, ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step} of ${train.steps}` : ''}`);
    const meanLength = ids.reduce((s, e) => s + e.length, 0) / ids.length;
    runSupervised({
      run, train, out, trainCount: ids.length, tokensPerStep: Math.round(train.batchSize * meanLength), keep: opened.keep,
      config: { recipe: 'tag', model: config, train, data: dataFile === undefined ? null : resolve(dataFile), dataFile: fingerprint,
        init: resume ? resume.config.init ?? null : o.init ? resolve(o.init) : null },
      batchLoss: (indices) => taggerLoss(run.model, ids, tagIds, indices),
      evaluate: () => evaluate(run.model, config, splits.val, o.val ?? source, 'val', io).entities,
      scoreName: 'non-O accuracy',
    }, io);
    const result = evaluate(run.model, config, splits.test, o.test ?? source, `test (${splits.test.length} held-out sentences)`, io, out);
    const baseline = mostFrequentTagBaseline(splits.train);
    const baselineTags = splits.test.map((s) => baseline(s.tokens));
    const baselineAccuracy = taggingAccuracy(splits.test.map((s) => s.tags), baselineTags);
    const baselineSpans = result.spans && spanF1(splits.test.map((s) => s.tags), baselineTags);
    const spanScores = baselineSpans ? `span F1 ${baselineSpans.micro.f1.toFixed(4)} (macro ${baselineSpans.macro.f1.toFixed(4)}) | ` : '';
    io.log(`context-free baseline (most frequent tag per word): ${spanScores}token accuracy ${baselineAccuracy.all.toFixed(4)} | non-O ${baselineAccuracy.entities.toFixed(4)}`);
    logNextSteps(io, out, 'tag predict --checkpoint', { stdin: 'show me flights from boston to denver on monday' });
    return result;
  } finally {
    opened.release();
  }
}

export function tagEval(argv: string[], io: CliIO = consoleIO): TaggingResult {
  const o = parseOptions(TAG_EVAL, argv);
  const { model, config, data } = loadTagger(o.checkpoint, TAG_EVAL.name);
  const { sentences, source } = loadSentences(o.data ?? data ?? undefined);
  const evaluated = evaluationSet(sentences, source, o.data !== undefined, 'sentences');
  return evaluate(model, config, evaluated.items, source, evaluated.title, io, o['report-dir'] ?? o.checkpoint!);
}

export function tagPredict(argv: string[], io: CliIO = consoleIO, lines: () => string[] = readStdinLines): string[] {
  const o = parseOptions(TAG_PREDICT, argv);
  const { model, config } = loadTagger(o.checkpoint, TAG_PREDICT.name);
  const sentences = lines().map((line) => line.trim().split(/\s+/));
  const predictions = predictLongTags(model, config, sentences, 'stdin');
  // CoNLL-shaped output: `token tag probability`, a blank line after each sentence.
  const printed = sentences.flatMap((tokens, s) => [...tokens.map((token, t) => `${token} ${predictions[s][t].tag} ${predictions[s][t].probability.toFixed(4)}`), '']);
  printed.forEach((line) => io.log(line));
  return printed;
}

export function tagCorpus(argv: string[], io: CliIO = consoleIO): string {
  const o = parseOptions(TAG_CORPUS, argv);
  if (!o.out) throw new UsageError('tag corpus: --out FILE is required');
  const sentences = slotFillingCorpus(o.sentences, o.seed);
  writeFileAtomic(o.out, formatConll(sentences));
  io.log(`wrote ${sentences.length} tagged sentences to ${o.out}`);
  return o.out;
}
