import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, crossEntropy, randint, randn } from '../../src/index.js';
import { CharTokenizer } from '../../src/data/charTokenizer.js';
import {
  UpdateRatioTracker, activationStats, embeddingPoints, gradientStats, histogram, retainActivationGrads, weightGradStats,
} from '../../src/models/makemore/diagnostics.js';
import { batchNormMlp } from '../../src/models/makemore/batchNormMlp.js';
import {
  type NinjaParams, forwardAtoms, fusedBatchNormBackward, fusedCrossEntropyBackward, manualBackward,
} from '../../src/models/makemore/manualBackprop.js';
import { lineChart } from '../../src/viz/lineChart.js';
import { labelledScatter } from '../../src/viz/scatter.js';

describe('lecture diagnostics', () => {
  const g = new Generator(42);
  const model = batchNormMlp({ vocabSize: 27, blockSize: 3, nEmbd: 10, nHidden: 100 }, g);
  const X = randint(0, 27, [32, 3], { generator: g });
  const Y = randint(0, 27, [32], { generator: g });
  const logits = model.forward(X);
  retainActivationGrads(model);
  crossEntropy(logits, Y).backward();

  test('activation stats per Tanh layer: with BatchNorm and gain 5/3 little is saturated', () => {
    const stats = activationStats(model);
    assert.equal(stats.length, 5);
    assert.deepEqual(stats.map((s) => s.layer), ['layers.4', 'layers.7', 'layers.10', 'layers.13', 'layers.16']);
    for (const s of stats) {
      assert.ok(s.std > 0.5 && s.std < 0.9, `${s.layer} std ${s.std}`);
      assert.ok(s.saturated < 0.15, `${s.layer} saturated ${s.saturated}`);
      assert.equal(s.histogram.counts.reduce((a, b) => a + b, 0), 32 * 100);
    }
  });

  test('gradient stats exist for every Tanh output once retained; weight grad:data ratios are small', () => {
    assert.equal(gradientStats(model).length, 5);
    const weights = weightGradStats(model);
    assert.deepEqual(weights[0].shape, [27, 10]);
    assert.ok(weights.every((w) => Number.isFinite(w.gradToData) && w.gradToData > 0));
    // As in the lecture, the output layer (scaled down 10x at init) stands out with the largest ratio.
    const ratios = weights.map((w) => w.gradToData);
    assert.equal(weights[ratios.indexOf(Math.max(...ratios))].name, 'layers.17.weight');
  });

  test('update:data ratios are recorded per matrix parameter per step', () => {
    const tracker = new UpdateRatioTracker();
    tracker.record(model, 0.1);
    tracker.record(model, 0.1);
    assert.equal(tracker.history.get('layers.2.weight')!.length, 2);
    assert.ok(tracker.history.get('layers.2.weight')!.every((r) => r > -6 && r < 0));
  });

  test('histogram counts, embedding points and SVG renderers', () => {
    assert.deepEqual(histogram([0, 0.1, 0.9, 1], 2).counts, [2, 2]);
    const tokenizer = CharTokenizer.forItems(['abc']);
    const points = embeddingPoints(randn([4, 2]), tokenizer);
    assert.deepEqual(points.map((p) => p.label), ['.', 'a', 'b', 'c']);
    assert.match(labelledScatter(points, { title: 'embedding' }), /<svg[\s\S]*>a<\/text>[\s\S]*<\/svg>/);
    const svg = lineChart([{ name: 'layers.2.weight', points: [[0, -2.5], [1, -3.1]] }], { guides: [-3], title: 'update:data' });
    assert.match(svg, /stroke-dasharray/);
    assert.match(svg, /layers\.2\.weight/);
  });
});

describe('backprop ninja: manual gradients of every atom match autograd', () => {
  const g = new Generator(2147483647);
  const [V, nEmbd, blockSize, nHidden, n] = [27, 10, 3, 64, 32];
  const init = (shape: number[], scale: number) => randn(shape, { generator: g }).mul(scale).detach().requiresGrad_();
  const p: NinjaParams = {
    C: init([V, nEmbd], 1),
    W1: init([nEmbd * blockSize, nHidden], 5 / 3 / Math.sqrt(nEmbd * blockSize)),
    b1: init([nHidden], 0.1),
    W2: init([nHidden, V], 0.1),
    b2: init([V], 0.1),
    bngain: init([1, nHidden], 0.1).detach().add(1).requiresGrad_(),
    bnbias: init([1, nHidden], 0.1),
  };
  const Xb = randint(0, V, [n, blockSize], { generator: g });
  const Yb = randint(0, V, [n], { generator: g });
  const atoms = forwardAtoms(p, Xb, Yb);
  atoms.loss.backward();
  const manual = manualBackward(p, Xb, Yb, atoms);
  const autograd: Record<string, { grad: unknown }> = { ...atoms, ...p };

  for (const name of Object.keys(manual)) {
    test(`cmp ${name}`, () => {
      const expected = (autograd[name].grad as { toFlatArray(): number[] }).toFlatArray();
      const got = manual[name].toFlatArray();
      const maxDiff = Math.max(...got.map((v, i) => Math.abs(v - expected[i])));
      assert.ok(maxDiff < 1e-6, `${name}: max diff ${maxDiff}`);
    });
  }

  test('fused cross-entropy and BatchNorm backward equal the atom-by-atom results', () => {
    const dlogits = fusedCrossEntropyBackward(atoms.logits, Yb).toFlatArray();
    const dlogitsAtoms = atoms.logits.grad!.toFlatArray();
    assert.ok(Math.max(...dlogits.map((v, i) => Math.abs(v - dlogitsAtoms[i]))) < 1e-6);
    const dhprebn = fusedBatchNormBackward(p, atoms, atoms.hpreact.grad!).toFlatArray();
    const dhprebnAtoms = atoms.hprebn.grad!.toFlatArray();
    assert.ok(Math.max(...dhprebn.map((v, i) => Math.abs(v - dhprebnAtoms[i]))) < 1e-6);
  });
});
