import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CharTokenizer } from './charTokenizer.js';

export interface ContextDataset {
  /** (N, blockSize) int32: the previous blockSize characters, padded with the boundary id 0. */
  X: Tensor;
  /** (N) int32: the character that follows. */
  Y: Tensor;
}

/** makemore's build_dataset: every position of every item (and its end) becomes one (context, next) pair. */
export function buildContextDataset(items: readonly string[], blockSize: number, tokenizer: CharTokenizer): ContextDataset {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new Error(`buildContextDataset: blockSize must be a positive integer, got ${blockSize}`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const item of items) {
    let context = new Array<number>(blockSize).fill(0);
    for (const id of [...tokenizer.encode(item), 0]) {
      xs.push(...context);
      ys.push(id);
      context = [...context.slice(1), id];
    }
  }
  return {
    X: tensor(Int32Array.from(xs), { shape: [ys.length, blockSize] }),
    Y: tensor(Int32Array.from(ys)),
  };
}
