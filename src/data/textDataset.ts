import { randintValues, tensor } from '../tensor/creation.js';
import { type Generator, defaultGenerator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';

/** A long token stream cut into train and validation parts (the lecture's first 90% / last 10%). */
export interface TokenSplits {
  train: Int32Array;
  val: Int32Array;
}

export function splitTokens(ids: readonly number[] | Int32Array, trainFraction = 0.9): TokenSplits {
  const all = Int32Array.from(ids);
  const n = Math.floor(trainFraction * all.length);
  return { train: all.subarray(0, n), val: all.subarray(n) };
}

/**
 * batchSize random windows of blockSize tokens: x (B, T) and y, the same windows shifted by one,
 * so every position is a next-token prediction.
 */
export function getBatch(data: Int32Array, blockSize: number, batchSize: number, generator: Generator = defaultGenerator): { x: Tensor; y: Tensor } {
  if (data.length <= blockSize) {
    throw new Error(`getBatch: the data has ${data.length} tokens, fewer than block size ${blockSize} + 1; use a smaller --block-size or more text`);
  }
  const offsets = randintValues(0, data.length - blockSize, batchSize, generator);
  const x = new Int32Array(batchSize * blockSize);
  const y = new Int32Array(batchSize * blockSize);
  offsets.forEach((start, b) => {
    x.set(data.subarray(start, start + blockSize), b * blockSize);
    y.set(data.subarray(start + 1, start + blockSize + 1), b * blockSize);
  });
  return { x: tensor(x, { shape: [batchSize, blockSize] }), y: tensor(y, { shape: [batchSize, blockSize] }) };
}
