import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { corpusPath } from '../data/corpora.js';
import { type ImageSet, readDigitsCsv, readIdxDir } from '../data/images.js';
import { readImageFile, toModelInput } from '../data/imageFiles.js';
import { makeDirectory, writeFileAtomic } from '../io/atomicWrite.js';
import { type Checkpoint, loadRecipeCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { classificationReport } from '../models/classify/metrics.js';
import { KMeans, clusterPurity } from '../models/cluster/kmeans.js';
import { checkMemory } from '../models/memory.js';
import { LeNet } from '../models/vision/cnn.js';
import { noGrad } from '../tensor/autograd.js';
import { tensor } from '../tensor/creation.js';
import { imageGrid } from '../viz/imageGrid.js';
import {
  VISION_KINDS, type VisionModelConfig, type VisionTrainConfig, accuracy, buildVisionModel, predictImages, startVisionRun,
  stepsPerEpoch, stratifiedSplit, subset, trainVision, visionCheckpoint, visionModelConfig,
} from '../models/vision/recipe.js';
import { Generator } from '../core/random.js';
import { heatmap } from '../viz/heatmap.js';
import { lineChart } from '../viz/lineChart.js';
import { type CliIO, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';
import { BATCH_SIZE, DEVICE, LR, N_EMBD, N_LAYER, SEED, STRICT_RESUME, TRAIN_SEED } from './commonOptions.js';
import { settingsFrom } from './options.js';
import { ProgressBar } from './progress.js';
import { guardedSave } from '../models/runGuard.js';
import { checkResume, logNextSteps, memoryLimit, openRun, resumedSteps, runFolder } from './run.js';
import { formatReport } from './supervised.js';
import { checkedDataFile } from './dataCheck.js';

const RUN = runFolder('vision', { option: 'model', fallback: 'mlp' });
const EMBEDDED = 'embedded UCI digits (data/digits.csv.gz, 1,797 images of 8x8)';
const DATA_HELP = 'a digits CSV (64 pixels 0..16 and a label a line, .gz or not) or a folder of MNIST-format IDX files (MNIST, Fashion-MNIST)';

export const VISION_TRAIN = defineCommand({
  name: 'vision train',
  summary: "train an image classifier: the course's digit MLP (sigmoid outputs), its logits variant, a LeNet-style CNN or a vision transformer",
  options: {
    device: DEVICE,
    model: {
      type: 'choice', choices: VISION_KINDS, default: 'mlp', key: 'model.kind',
      help: "mlp: the course's MLP (one hidden layer of --hidden units, ReLU, dropout) with sigmoid outputs; mlp-logits: the same with plain logits; "
        + 'cnn: a LeNet-style network of convolutions and pooling; vit: a vision transformer (strided-convolution patches, CLS token, learned positions, encoder blocks)',
    },
    data: { type: 'path', value: 'FILE|DIR', key: 'data', shown: 'the embedded 8x8 digits', none: 'the embedded digits', help: DATA_HELP },
    epochs: { type: 'int', min: 1, max: 100_000, key: 'train.epochs', shown: '30 (IDX folders: 5)', help: 'passes over the training images' },
    'batch-size': { ...BATCH_SIZE, default: 64, help: 'images per step' },
    lr: { ...LR, default: 1e-3, help: "Adam's learning rate (constant, as the course)" },
    seed: { ...TRAIN_SEED, help: 'random seed (weights, batch order, dropout)' },
    hidden: { type: 'int', min: 1, max: 1e6, key: 'model.hidden', shown: '512', help: 'mlp: hidden units' },
    patch: { type: 'int', min: 1, max: 1e4, key: 'model.patch', shown: '7 for 28x28, 4 or 2 for 8x8', help: 'vit: patch side in pixels' },
    'n-embd': { ...N_EMBD, shown: '64', help: 'vit: embedding width' },
    'n-layer': { ...N_LAYER, max: 1e3, shown: '4', help: 'vit: encoder blocks' },
    strict: STRICT_RESUME,
    ...RUN.options,
  },
});

export const VISION_EVAL = defineCommand({
  name: 'vision eval',
  summary: 'accuracy, per-class precision and recall, and a confusion-matrix SVG of an image classifier',
  options: {
    device: DEVICE,
    checkpoint: { type: 'path', value: 'DIR', help: 'run folder of a vision model (required)' },
    data: { type: 'path', value: 'FILE|DIR', shown: "the training data's test split", help: DATA_HELP },
  },
});

export const VISION_PREDICT = defineCommand({
  name: 'vision predict',
  summary: "classify PNG or PGM pictures of up to 64 megapixels: each is made grey, resized to the model's input and, when light, inverted",
  argument: { name: 'FILE...', required: true, help: 'PNG or PGM images, each at most 64 megapixels (its header is checked before it is decoded)' },
  options: { checkpoint: { type: 'path', value: 'DIR', help: 'run folder of a vision model (required)' } },
});

interface VisionData {
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
  source: string;
  /** A folder of IDX files (MNIST-sized, with a test set of its own) or a digits CSV. */
  format: 'idx' | 'digits';
  /** Which rows of the file (digits) or of the training file (IDX) each split took, for PyTorch twins to reuse. */
  indices: { train: number[]; val: number[]; test: number[] | 'idx test file' };
}

/**
 * A digits CSV is cut 80/10/10, stratified by label (seed 42); an IDX folder keeps its test set and holds out
 * 10% of its training set for validation, stratified likewise.
 */
function loadVisionData(path: string | undefined): VisionData {
  if (path !== undefined && statIsDirectory(path)) {
    const { train, test } = readIdxDir(path);
    const [rest, val] = stratifiedSplit(train.labels, [0.9, 0.1]);
    return { train: subset(train, rest), val: subset(train, val), test, source: path, format: 'idx', indices: { train: rest, val, test: 'idx test file' } };
  }
  const set = readDigitsCsv(path ?? corpusPath('digits.csv.gz'));
  const [train, val, test] = stratifiedSplit(set.labels, [0.8, 0.1, 0.1]);
  return { train: subset(set, train), val: subset(set, val), test: subset(set, test), source: path ?? EMBEDDED, format: 'digits', indices: { train, val, test } };
}

function statIsDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    throw new Error(`${path}: no such file or folder`);
  }
}

export function visionTrain(argv: string[], io: CliIO = consoleIO): { testAccuracy: number } {
  const command = VISION_TRAIN.name;
  const o = parseOptions(VISION_TRAIN, argv);
  const kind = o.model;
  const out = o.out ?? RUN.folder(kind);
  const opened = openRun(command, out, o, 'vision');
  try {
    const { resume } = opened;
    const dataPath = resume ? (resume.config.data as string | null) ?? undefined : o.data;
    const fingerprint = checkedDataFile(command, out, dataPath, resume, o.strict ?? false, io);
    const data = loadVisionData(dataPath);
    const flags = settingsFrom(VISION_TRAIN.options, o, 'train') as Partial<VisionTrainConfig>;
    let train: VisionTrainConfig;
    let config: VisionModelConfig;
    if (resume) {
      const saved = resume.config.train as VisionTrainConfig;
      config = resume.config.model as VisionModelConfig;
      checkResume(VISION_TRAIN, out, o, resume.config);
      // --extend counts epochs here.
      const epochs = resumedSteps(command, out, saved.epochs, Math.floor(resume.trainer.step / stepsPerEpoch(data.train.count, saved.batchSize)), o.extend, 'epochs');
      train = { ...saved, epochs };
    } else {
      train = { epochs: flags.epochs ?? (data.format === 'idx' ? 5 : 30), batchSize: o['batch-size'], lr: o.lr, seed: o.seed };
      const base = visionModelConfig(kind, data.train.height, data.train.width, Math.max(...data.train.labels) + 1);
      config = { ...base, ...settingsFrom(VISION_TRAIN.options, o, 'model') };
    }
    const limit = memoryLimit(o['max-memory']);
    const pixels = config.height * config.width;
    const widest = Math.max(config.hidden * pixels, config.nEmbd * 4 * config.nEmbd, 16 * 6 * 25);
    checkMemory(`${command}: ${config.kind} on ${config.height}x${config.width} images, batch ${train.batchSize}`, {
      parameters: config.kind.startsWith('mlp') ? config.hidden * (pixels + config.classes) : 12 * config.nLayer * config.nEmbd ** 2 + widest,
      activations: train.batchSize * pixels * Math.max(64, 24 * config.nLayer * config.nEmbd / Math.max(1, config.patch ** 2)),
      largestWeight: widest,
    }, limit.bytes, limit.name);

    io.log(`data: ${data.train.count + data.val.count + data.test.count} images of ${config.height}x${config.width} from ${data.source}; split ${data.train.count}/${data.val.count}/${data.test.count} (stratified)`);
    writeFileAtomic(join(out, 'split.json'), `${JSON.stringify({ data: dataPath === undefined ? corpusPath('digits.csv.gz') : resolve(dataPath), ...data.indices })}\n`);
    const run = startVisionRun(config, train, resume);
    io.log(`model: ${config.kind}, ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step}` : ''}`);
    const perEpoch = stepsPerEpoch(data.train.count, train.batchSize);
    const bar = new ProgressBar(train.epochs * perEpoch, 'train', run.optimizer.stepCount, io.progress);
    const save = guardedSave(() => {
      const dir = saveCheckpoint(out, visionCheckpoint(run, config, train, { data: dataPath === undefined ? null : resolve(dataPath), dataFile: fingerprint }), { keep: opened.keep });
      writeFileAtomic(join(out, 'loss.svg'), lineChart([
        { name: 'train loss (epoch mean)', points: run.evals.map(([e, l]) => [e, l] as const) },
        { name: 'val accuracy', points: run.evals.map(([e, , a]) => [e, a] as const) },
      ], { title: `vision ${kind}`, xLabel: 'epoch', yLabel: 'loss (nats) / accuracy' }));
      return dir;
    });
    const started = performance.now();
    const dir = trainVision(run, data, train, {
      save,
      onStep: ({ step, loss }) => bar.update(step, loss, train.batchSize),
      onEpoch: (epoch, loss, valAccuracy) => {
        io.log(`epoch ${epoch}: train loss ${loss.toFixed(4)}, val accuracy ${valAccuracy.toFixed(4)} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      },
    });
    io.log(`checkpoint: ${dir} (curves: ${join(out, 'loss.svg')})`);
    const testAccuracy = report(run.model, config, data.test, `test (${data.test.count} held-out images)`, out, io);
    logNextSteps(io, out, 'vision predict --checkpoint', { args: 'my-digit.png' });
    return { testAccuracy };
  } finally {
    opened.release();
  }
}

/** Accuracy and per-class precision/recall printed; the confusion matrix written as confusion.svg in `dir`. */
function report(model: ReturnType<typeof buildVisionModel>, config: VisionModelConfig, set: ImageSet, title: string, dir: string, io: CliIO): number {
  const predicted = predictImages(model, set).classes;
  const labels = Array.from({ length: config.classes }, (_, c) => String(c));
  const result = classificationReport(Array.from(set.labels, String), Array.from(predicted, String), labels);
  formatReport(result, title, dir).forEach((line) => io.log(line));
  const svg = join(dir, 'confusion.svg');
  writeFileAtomic(svg, heatmap(labels, labels, result.confusion, {
    title: `${title}: rows true, columns predicted`, digits: 0, max: Math.max(1, ...result.confusion.flat()),
  }));
  io.log(`confusion matrix: ${svg}`);
  return accuracy(predicted, set.labels);
}

function loadVisionModel(path: string | undefined, command: string): { model: ReturnType<typeof buildVisionModel>; config: VisionModelConfig; checkpoint: Checkpoint } {
  if (!path) throw new UsageError(`${command}: --checkpoint DIR is required`);
  const checkpoint = loadRecipeCheckpoint(path, 'vision', command, 'a vision model');
  const config = checkpoint.config.model as VisionModelConfig;
  const model = buildVisionModel(config, new Generator(0));
  model.loadStateDict(checkpoint.model);
  model.eval();
  return { model, config, checkpoint };
}

export function visionEval(argv: string[], io: CliIO = consoleIO): number {
  const o = parseOptions(VISION_EVAL, argv);
  const { model, config, checkpoint } = loadVisionModel(o.checkpoint, VISION_EVAL.name);
  const data = loadVisionData(o.data ?? (checkpoint.config.data as string | null) ?? undefined);
  if (data.test.height !== config.height || data.test.width !== config.width) {
    throw new Error(`${data.source}: images are ${data.test.height}x${data.test.width}, the model reads ${config.height}x${config.width}`);
  }
  return report(model, config, data.test, `${data.source}: test split (${data.test.count} images)`, o.checkpoint!, io);
}

export function visionPredict(argv: string[], io: CliIO = consoleIO): string[] {
  const o = parseOptions(VISION_PREDICT, argv);
  const files = o.arguments;
  if (files.length === 0) throw new UsageError('vision predict: name one or more PNG or PGM files');
  const { model, config } = loadVisionModel(o.checkpoint, VISION_PREDICT.name);
  const pixels = files.map((file) => toModelInput(readImageFile(file), config.height, config.width));
  const images = new Float32Array(files.length * config.height * config.width);
  pixels.forEach((p, i) => images.set(p, i * p.length));
  const set: ImageSet = { images, labels: new Int32Array(files.length), count: files.length, height: config.height, width: config.width, source: 'files' };
  const { classes, probabilities } = predictImages(model, set);
  const lines = files.map((file, i) => `${file}\t${classes[i]}\t${probabilities[i][classes[i]].toFixed(4)}`);
  lines.forEach((line) => io.log(line));
  return lines;
}

export const KMEANS = defineCommand({
  name: 'kmeans',
  summary: "cluster images with K-means (raw pixels, or a trained CNN's embeddings); prints cluster purity, writes the clusters' mean images",
  options: {
    data: { type: 'path', value: 'FILE|DIR', shown: 'the embedded 8x8 digits', help: `${DATA_HELP} (an IDX folder's test set is clustered)` },
    k: { type: 'int', min: 1, max: 10_000, default: 10, help: 'clusters' },
    checkpoint: { type: 'path', value: 'DIR', shown: 'none: raw pixels', help: "a cnn from vision train: cluster its penultimate layer's embeddings instead" },
    restarts: { type: 'int', min: 1, max: 1000, default: 10, help: 'k-means++ restarts; the lowest inertia is kept' },
    seed: { ...SEED, default: 0 },
    out: { type: 'path', value: 'DIR', default: join('runs', 'kmeans'), help: 'where centroids.svg goes' },
  },
});

export function kmeansCommand(argv: string[], io: CliIO = consoleIO): { purity: number; inertia: number } {
  const o = parseOptions(KMEANS, argv);
  const { k } = o;
  const data = loadVisionData(o.data);
  const set = data.format === 'idx' ? data.test : allOf(data);
  let features = tensor(set.images, { shape: [set.count, set.height * set.width] });
  let what = 'raw pixels';
  if (o.checkpoint) {
    const { model, config } = loadVisionModel(o.checkpoint, KMEANS.name);
    if (!(model instanceof LeNet)) throw new UsageError(`kmeans: ${o.checkpoint} holds a '${config.kind}' model; --checkpoint takes a cnn`);
    features = noGrad(() => model.embed(features.view(set.count, 1, set.height, set.width)));
    what = `the CNN's ${features.shape[1]}-unit penultimate layer (${o.checkpoint})`;
  }
  const km = new KMeans(k, { nInit: o.restarts, generator: new Generator(o.seed) });
  const assignment = km.fit(features).toFlatArray();
  const purity = clusterPurity(assignment, set.labels);
  io.log(`kmeans: ${set.count} images from ${data.source}, features: ${what}; k ${k}, inertia ${km.inertia.toFixed(2)}, ${km.iterations} Lloyd iterations`);
  io.log(`cluster purity against the true labels: ${purity.toFixed(4)} (each cluster counted as its most common label)`);
  // Each cluster's mean image (for raw pixels, its centroid), captioned with its size and commonest label.
  const size = set.height * set.width;
  const means = Array.from({ length: k }, () => new Float64Array(size));
  const members = Array.from({ length: k }, () => [] as number[]);
  assignment.forEach((c, i) => {
    members[c].push(set.labels[i]);
    for (let p = 0; p < size; p++) means[c][p] += set.images[i * size + p];
  });
  const captions = members.map((labels) => {
    const counts = new Map<number, number>();
    labels.forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
    const [label, count] = [...counts].reduce((best, e) => (e[1] > best[1] ? e : best), [-1, 0]);
    return `${label}: ${count}/${labels.length}`;
  });
  means.forEach((m, c) => m.forEach((v, p) => { m[p] = v / Math.max(1, members[c].length); }));
  const { out } = o;
  makeDirectory(out);
  writeFileAtomic(join(out, 'centroids.svg'), imageGrid(means, set.height, set.width, { captions, title: `K-means on ${what}: mean image of each cluster (commonest label: count/size)` }));
  io.log(`cluster images: ${join(out, 'centroids.svg')}`);
  return { purity, inertia: km.inertia };
}

/** All of a digits file's images together (what a clustering lesson reads). */
function allOf(data: VisionData): ImageSet {
  const parts = [data.train, data.val, data.test];
  const images = new Float32Array(parts.reduce((s, p) => s + p.images.length, 0));
  let at = 0;
  for (const p of parts) { images.set(p.images, at); at += p.images.length; }
  return { ...data.train, images, labels: Int32Array.from(parts.flatMap((p) => Array.from(p.labels))), count: parts.reduce((s, p) => s + p.count, 0) };
}
