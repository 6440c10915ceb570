// `zerograd mlm pretrain`: BERT's masked-word pre-training of a transformer encoder on unlabelled text, whose
// checkpoint `classify train --init` and `tag train --init` start from.
import { extname, resolve } from 'node:path';
import { readLabelledFile, readConll } from '../data/labelledFiles.js';
import { readTextFile } from '../data/lines.js';
import { spamAssassinCorpus } from '../data/spamAssassin.js';
import { Vocabulary, normalizedWords } from '../data/vocabulary.js';
import { type Checkpoint, loadRecipeCheckpoint } from '../io/checkpoint.js';
import { encoderTrainingMemory } from '../models/classify/encoder.js';
import { type MlmConfig, buildMlm, maskedAccuracy, mlmLoss, mlmSequences } from '../models/classify/pretrain.js';
import { startSupervisedRun } from '../models/classify/supervised.js';
import { taggerWords } from '../models/classify/tagging.js';
import { checkMemory } from '../models/memory.js';
import { Generator } from '../core/random.js';
import { type CliIO, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';
import { DEVICE } from './commonOptions.js';
import { checkResume, logNextSteps, memoryLimit, runFolder, withRun } from './run.js';
import { checkedDataFile, warnUnsavedDropout } from './dataCheck.js';
import { type ModelDefaults, SUPERVISED_OPTIONS, heldOutSplits, runSupervised, shapeFrom, trainSettings } from './supervised.js';

const { val: _val, test: _test, ...options } = SUPERVISED_OPTIONS;
const RUN = runFolder('mlm');
const DEFAULTS: ModelDefaults = { steps: 3000, batchSize: 32, lr: 1e-3, maxLength: 64, nEmbd: 64, nHead: 4, nLayer: 2, dropout: 0.1 };

export const MLM_PRETRAIN = defineCommand({
  name: 'mlm pretrain',
  summary: "pre-train a transformer encoder on unlabelled text with BERT's masked words, for classify/tag train --init",
  options: {
    device: DEVICE,
    data: { type: 'path', value: 'FILE', key: 'data', shown: 'SpamAssassin bodies', none: 'the embedded corpus', help: 'plain text (one text a line), a labelled CSV/TSV/JSONL (its texts) or a CoNLL file (its tokens); labels are not read' },
    ...options,
    ...RUN.options,
  },
});

/** The word sequences of a file, as the command that will fine-tune on it reads them (labels ignored). */
export function unlabelledWords(file: string | undefined): { sequences: string[][]; source: string; tokens: 'words' | 'tokens' } {
  if (!file) return { sequences: spamAssassinCorpus().map((r) => normalizedWords(r.text)), source: 'embedded SpamAssassin corpus, labels ignored', tokens: 'words' };
  const ext = extname(file).toLowerCase();
  if (ext === '.conll') return { sequences: readConll(file).map((s) => taggerWords(s.tokens)), source: file, tokens: 'tokens' };
  if (['.csv', '.tsv', '.jsonl'].includes(ext)) return { sequences: readLabelledFile(file).map((r) => normalizedWords(r.text)), source: file, tokens: 'words' };
  return { sequences: readTextFile(file).split(/\r?\n/).map(normalizedWords).filter((w) => w.length > 0), source: file, tokens: 'words' };
}

export function mlmPretrain(argv: string[], io: CliIO = consoleIO): number {
  const command = MLM_PRETRAIN.name;
  const o = parseOptions(MLM_PRETRAIN, argv);
  const out = o.out ?? RUN.folder();
  const accuracy = withRun(command, out, o, 'mlm', (resume, keep) => {
    // A flag that contradicts the run being resumed is the first thing said, before anything is loaded.
    if (resume) checkResume(MLM_PRETRAIN, out, o, resume.config);
    const dataFile = resume ? (resume.config.data as string | null) ?? undefined : o.data;
    const fingerprint = checkedDataFile(command, out, dataFile, resume, o.strict ?? false, io);
    const { sequences, source } = unlabelledWords(dataFile);
    const splits = heldOutSplits(sequences);
    if (splits.val.length === 0) throw new UsageError(`${source}: ${sequences.length} texts are too few to hold out 10% for validation`);
    const train = trainSettings(MLM_PRETRAIN, out, o, DEFAULTS, resume);
    const config: MlmConfig = resume ? (resume.config.model as MlmConfig) : {
      ...shapeFrom(o, DEFAULTS),
      vocab: [...Vocabulary.build(splits.train, { minCount: o['min-count'], maxSize: 30_000 }).tokens],
    };
    if (config.nLayer < 1) throw new UsageError(`${command}: --n-layer must be at least 1 (an encoder to pre-train)`);
    const vocab = new Vocabulary(config.vocab);
    const [trainIds, valIds] = [splits.train, splits.val].map((s) => mlmSequences(s, vocab, config.maxLength));
    const limit = memoryLimit(o['max-memory']);
    checkMemory(`${command}: n_embd ${config.nEmbd}, ${config.nLayer} layers, ${config.maxLength} positions, batch ${train.batchSize}`,
      encoderTrainingMemory({ ...config, vocabSize: config.vocab.length, outputs: config.vocab.length }, train.batchSize), limit.bytes, limit.name);
    io.log(`data: ${sequences.length} texts from ${source}; vocabulary ${config.vocab.length}; ${trainIds.length} train, ${valIds.length} validation`);
    const dropout = new Generator(train.seed);
    const run = startSupervisedRun(buildMlm(config, dropout), train, resume, dropout);
    warnUnsavedDropout(command, out, resume, config.dropout, io);
    io.log(`model: encoder (${config.nLayer} layers, ${config.nHead} heads, n_embd ${config.nEmbd}) with a masked-word head, ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step} of ${train.steps}` : ''}`);
    const meanLength = trainIds.reduce((s, e) => s + e.length, 0) / trainIds.length;
    runSupervised({
      run, train, out, trainCount: trainIds.length, tokensPerStep: Math.round(train.batchSize * meanLength), keep,
      config: { recipe: 'mlm', model: config, train, data: dataFile === undefined ? null : resolve(dataFile), dataFile: fingerprint },
      batchLoss: (indices) => mlmLoss(run.model, trainIds, indices, run.generator),
      evaluate: () => maskedAccuracy(run.model, valIds),
      scoreName: 'masked-word accuracy',
    }, io);
    const accuracy = maskedAccuracy(run.model, valIds);
    io.log(`validation: ${(100 * accuracy).toFixed(1)}% of corrupted words restored`);
    return accuracy;
  });
  logNextSteps(io, out, 'classify train --init');
  return accuracy;
}

/** The checkpoint --init names, which must be a masked-LM pre-training run. */
export function loadPretrained(path: string, command: string): Checkpoint {
  return loadRecipeCheckpoint(path, 'mlm', `${command} --init`, "a masked-LM pre-training ('mlm') one");
}
