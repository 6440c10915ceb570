import { randperm } from '../tensor/creation.js';
import { Generator } from '../core/random.js';

export interface Splits<T> {
  train: T[];
  val: T[];
  test: T[];
}

/** A copy of items in a seeded random order (randperm's Fisher-Yates swaps). */
export function shuffled<T>(items: readonly T[], seed = 42): T[] {
  return Array.from(randperm(items.length, { generator: new Generator(seed) }).hostData(), (i) => items[i]);
}

/** Shuffles with a seeded generator, then cuts 80/10/10 (or the given fractions), as the makemore lectures do. */
export function splitItems<T>(items: readonly T[], { seed = 42, train = 0.8, val = 0.1 } = {}): Splits<T> {
  const order = shuffled(items, seed);
  const n1 = Math.floor(train * order.length);
  const n2 = Math.floor((train + val) * order.length);
  return { train: order.slice(0, n1), val: order.slice(n1, n2), test: order.slice(n2) };
}
