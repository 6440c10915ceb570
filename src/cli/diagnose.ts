import { writeFileSync } from 'node:fs';
import { makeDirectory } from '../io/atomicWrite.js';
import { join } from 'node:path';
import { corpusPath } from '../data/corpora.js';
import { readLines } from '../data/lines.js';
import { Embedding } from '../nn/embedding.js';
import { SGD } from '../optim/sgd.js';
import { randomBatch } from '../models/makemore/charModel.js';
import {
  UpdateRatioTracker, activationStats, embeddingPoints, gradientStats, retainActivationGrads, weightGradStats,
} from '../models/makemore/diagnostics.js';
import { batchNormMlp } from '../models/makemore/batchNormMlp.js';
import { lrFinder } from '../models/makemore/charModel.js';
import { prepareMakemoreData } from '../models/makemore/recipe.js';
import { trainLoop } from '../models/trainer.js';
import { crossEntropy } from '../tensor/ops/softmax.js';
import { Generator } from '../core/random.js';
import { lineChart } from '../viz/lineChart.js';
import { labelledScatter } from '../viz/scatter.js';
import { type CliIO, consoleIO, defineCommand, parseOptions } from './args.js';
import { SEED } from './commonOptions.js';

export const MAKEMORE_DIAGNOSE = defineCommand({
  name: 'makemore diagnose',
  summary: "train lecture 4's deep BatchNorm MLP briefly and write its diagnostic plots as SVG",
  options: {
    data: { type: 'path', value: 'FILE', shown: "names (data/names.txt, the lectures' 32,033 names)", help: 'one item per line' },
    steps: { type: 'int', min: 1, default: 1000, help: 'optimizer steps' },
    seed: { ...SEED, default: 2147483647 },
    out: { type: 'path', value: 'DIR', default: join('runs', 'diagnostics'), help: 'where the SVG files go' },
  },
});

/**
 * Trains lecture 4's deep BatchNorm MLP briefly and writes its diagnostics as SVG files: tanh
 * activation and gradient histograms, weight-gradient histograms, the update:data ratio over time,
 * the 2-D character embedding and a learning-rate sweep.
 */
export function makemoreDiagnose(argv: string[], io: CliIO = consoleIO): string[] {
  const o = parseOptions(MAKEMORE_DIAGNOSE, argv);
  const items = readLines(o.data ?? corpusPath('names.txt'), { minLines: 3 });
  const { steps, out } = o;
  const generator = new Generator(o.seed);
  const data = prepareMakemoreData(items, 3);
  const shape = { vocabSize: data.tokenizer.vocabSize, blockSize: 3, nEmbd: 2, nHidden: 100 };
  const model = batchNormMlp(shape, generator);
  const tracker = new UpdateRatioTracker();
  const optimizer = new SGD(model.parameters(), 0.1);
  trainLoop({
    optimizer, steps, schedule: () => 0.1,
    batchLoss: () => {
      const batch = randomBatch(data.train, 32, generator);
      const logits = model.forward(batch.X);
      retainActivationGrads(model);
      return crossEntropy(logits, batch.Y);
    },
    onStep: () => tracker.record(model, optimizer.lr),
    // The activation and gradient histograms below read the last step's tensors.
    reuseMemory: false,
  });
  makeDirectory(out);
  const write = (name: string, svg: string) => {
    writeFileSync(join(out, name), svg);
    return join(out, name);
  };
  const histogramSeries = (stats: { layer?: string; name?: string; histogram: { centers: number[]; counts: number[] } }[]) =>
    stats.map((s) => ({ name: s.layer ?? s.name ?? '', points: s.histogram.centers.map((c, i) => [c, s.histogram.counts[i]] as const) }));
  const activations = activationStats(model);
  activations.forEach((s) => io.log(`${s.layer} (Tanh): mean ${s.mean.toFixed(2)}, std ${s.std.toFixed(2)}, saturated ${(100 * s.saturated).toFixed(2)}%`));
  const weights = weightGradStats(model);
  weights.forEach((w) => io.log(`weight ${w.name} [${w.shape}] | grad std ${w.gradStd.toExponential(3)} | grad:data ratio ${w.gradToData.toExponential(3)}`));
  const embedding = model.layers[0] as Embedding;
  const sweep = lrFinder(batchNormMlp(shape, new Generator(1)), data.train, { steps: 1000, generator: new Generator(2) });
  const files = [
    write('activations.svg', lineChart(histogramSeries(activations), { title: 'activation distribution (tanh outputs)', xLabel: 'value', yLabel: 'count' })),
    write('gradients.svg', lineChart(histogramSeries(gradientStats(model)), { title: 'gradient distribution (at tanh outputs)', xLabel: 'value', yLabel: 'count' })),
    write('weight-gradients.svg', lineChart(histogramSeries(weights), { title: 'weight gradient distribution', xLabel: 'value', yLabel: 'count' })),
    write('update-ratio.svg', lineChart([...tracker.history].map(([name, ratios]) => ({ name, points: ratios.map((r, i) => [i, r] as const) })),
      { title: 'log10 update:data ratio', xLabel: 'step', yLabel: 'log10 ratio', guides: [-3] })),
    write('embedding.svg', labelledScatter(embeddingPoints(embedding.weight, data.tokenizer), { title: '2-D character embedding' })),
    write('lr-finder.svg', lineChart([{ name: 'batch loss', points: sweep.map((p) => [Math.log10(p.lr), p.loss] as const) }],
      { title: 'learning-rate sweep', xLabel: 'log10 learning rate', yLabel: 'loss' })),
  ];
  io.log(`wrote ${files.join(', ')}`);
  return files;
}
