import { noGrad } from '../../tensor/autograd.js';
import { randint, tensor } from '../../tensor/creation.js';
import { crossEntropy } from '../../tensor/ops/softmax.js';
import { multinomial } from '../../tensor/ops/sampling.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CharTokenizer } from '../../data/charTokenizer.js';
import type { Module } from '../../nn/module.js';
import { trainLoop } from '../trainer.js';
import { SGD } from '../../optim/sgd.js';
import { linspace } from '../../tensor/creation.js';

/** A character model over fixed contexts: (B, blockSize) int32 ids -> (B, vocab) logits. */
export type CharModel = Module & { forward(X: Tensor): Tensor };

export interface Batch {
  X: Tensor;
  Y: Tensor;
}

/** batchSize random rows of a (context, next) dataset. */
export function randomBatch(data: Batch, batchSize: number, generator: Generator = defaultGenerator): Batch {
  const ix = randint(0, data.X.shape[0], [batchSize], { generator });
  return { X: data.X.index(ix), Y: data.Y.index(ix) };
}

/** Mean cross-entropy over a whole split in evaluation mode, in chunks so memory stays flat. */
export function splitLoss(model: CharModel, data: Batch, chunk = 8192): number {
  const wasTraining = model.training;
  model.eval();
  let total = 0;
  const n = data.X.shape[0];
  noGrad(() => {
    for (let at = 0; at < n; at += chunk) {
      const end = Math.min(at + chunk, n);
      const logits = model.forward(data.X.slice(0, at, end));
      total += crossEntropy(logits, data.Y.slice(0, at, end), { reduction: 'sum' }).item();
    }
  });
  model.train(wasTraining);
  return total / n;
}

/** Draws one item character by character until the boundary token, feeding back a sliding context. */
/** `prefix` (ids) seeds the context, so samples continue it; it is not part of the returned text. */
export function sampleItem(model: CharModel, tokenizer: CharTokenizer, blockSize: number,
  generator: Generator = defaultGenerator, maxLength = 50, prefix: readonly number[] = []): string {
  const wasTraining = model.training;
  model.eval();
  const context = [...new Array<number>(blockSize).fill(0), ...prefix].slice(-blockSize);
  const out: number[] = [];
  noGrad(() => {
    while (out.length < maxLength) {
      const logits = model.forward(tensor(Int32Array.from(context), { shape: [1, blockSize] }));
      const next = multinomial(logits.softmax(-1).squeeze(0), 1, { replacement: true, generator }).item();
      if (next === 0) break;
      out.push(next);
      context.shift();
      context.push(next);
    }
  });
  model.train(wasTraining);
  return tokenizer.decode(out);
}

export interface LrFinderPoint {
  lr: number;
  loss: number;
}

/**
 * The lecture's learning-rate sweep: one SGD step at each of `steps` rates spaced exponentially between
 * 10^minExponent and 10^maxExponent, recording the batch loss; the valley before the blow-up is a good rate.
 */
export function lrFinder(model: CharModel, data: Batch, { steps = 1000, minExponent = -3, maxExponent = 0, batchSize = 32,
  generator = defaultGenerator } = {}): LrFinderPoint[] {
  const lrs = linspace(minExponent, maxExponent, steps, { dtype: 'float64' }).toFlatArray().map((e) => 10 ** e);
  const losses = trainLoop({
    optimizer: new SGD(model.parameters(), lrs[0]),
    schedule: (step) => lrs[step],
    steps,
    batchLoss: () => {
      const batch = randomBatch(data, batchSize, generator);
      return crossEntropy(model.forward(batch.X), batch.Y);
    },
  });
  return lrs.map((lr, i) => ({ lr, loss: losses[i] }));
}
