import type { CharTokenizer } from '../../data/charTokenizer.js';
import { Tanh } from '../../nn/activations.js';
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface Histogram {
  /** Bin centres and how many values fell in each bin. */
  centers: number[];
  counts: number[];
}

export function histogram(values: ArrayLike<number>, bins = 100, range?: [number, number]): Histogram {
  let [lo, hi] = range ?? [Infinity, -Infinity];
  if (!range) for (let i = 0; i < values.length; i++) [lo, hi] = [Math.min(lo, values[i]), Math.max(hi, values[i])];
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const bin = Math.min(bins - 1, Math.floor((values[i] - lo) / width));
    if (bin >= 0) counts[bin]++;
  }
  return { centers: counts.map((_, i) => lo + (i + 0.5) * width), counts };
}

export interface LayerStats {
  layer: string;
  mean: number;
  std: number;
  /** Fraction of |tanh| > 0.97: units in the flat tails, where gradients vanish. */
  saturated: number;
  histogram: Histogram;
}

function meanStd(values: ArrayLike<number>): [number, number] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return [mean, Math.sqrt(sq / Math.max(1, values.length - 1))];
}

const tanhLayers = (model: Module) => namedModules(model).filter(([, m]) => m instanceof Tanh) as [string, Tanh][];

function namedModules(model: Module, prefix = ''): [string, Module][] {
  return model.namedChildren().flatMap(([name, child]) => [[prefix + name, child] as [string, Module], ...namedModules(child, `${prefix}${name}.`)]);
}

/** The lecture's forward-pass histograms: each Tanh layer's last output, with its saturation. */
export function activationStats(model: Module): LayerStats[] {
  return tanhLayers(model).filter(([, t]) => t.out).map(([layer, t]) => {
    const values = t.out!.hostData();
    const [mean, std] = meanStd(values);
    let saturated = 0;
    for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) > 0.97) saturated++;
    return { layer, mean, std, saturated: saturated / values.length, histogram: histogram(values, 100, [-1, 1]) };
  });
}

/** Call between forward and backward so gradientStats() can read the Tanh outputs' gradients. */
export function retainActivationGrads(model: Module): void {
  for (const [, t] of tanhLayers(model)) t.out?.retainGrad();
}

/** The backward-pass histograms: gradients at each Tanh output (needs retainActivationGrads). */
export function gradientStats(model: Module): Omit<LayerStats, 'saturated'>[] {
  return tanhLayers(model).filter(([, t]) => t.out?.grad).map(([layer, t]) => {
    const values = t.out!.grad!.hostData();
    const [mean, std] = meanStd(values);
    return { layer, mean, std, histogram: histogram(values) };
  });
}

export interface WeightStats {
  name: string;
  shape: readonly number[];
  gradMean: number;
  gradStd: number;
  /** std(grad) / std(data): how large a step the gradient suggests relative to the weights. */
  gradToData: number;
  histogram: Histogram;
}

/** Gradient statistics of every matrix parameter (2-D), as in the lecture's weight-gradient plot. */
export function weightGradStats(model: Module): WeightStats[] {
  return model.namedParameters().filter(([, p]) => p.ndim === 2 && p.grad).map(([name, p]) => {
    const grad = p.grad!.hostData();
    const [gradMean, gradStd] = meanStd(grad);
    const [, dataStd] = meanStd(p.hostData());
    return { name, shape: p.shape, gradMean, gradStd, gradToData: gradStd / dataStd, histogram: histogram(grad) };
  });
}

/**
 * log10(std(lr * grad) / std(data)) per matrix parameter and step: the update:data ratio the lecture
 * tracks, which should settle around -3 (updates a thousandth of the weights' scale).
 */
export class UpdateRatioTracker {
  readonly history = new Map<string, number[]>();

  record(model: Module, lr: number): void {
    for (const [name, p] of model.namedParameters()) {
      if (p.ndim !== 2 || !p.grad) continue;
      const ratio = Math.log10((lr * meanStd(p.grad.hostData())[1]) / meanStd(p.hostData())[1]);
      if (!this.history.has(name)) this.history.set(name, []);
      this.history.get(name)!.push(ratio);
    }
  }
}

/** The first two embedding dimensions of every character, labelled: the lecture's 2-D embedding plot. */
export function embeddingPoints(C: Tensor, tokenizer: CharTokenizer): { label: string; x: number; y: number }[] {
  const rows = C.tolist() as number[][];
  return rows.map((row, i) => ({ label: tokenizer.itos[i], x: row[0], y: row[1] ?? 0 }));
}
