import { Generator } from '../tensor/random.js';

export interface Splits<T> {
  train: T[];
  val: T[];
  test: T[];
}

/** Shuffles with a seeded generator, then cuts 80/10/10 (or the given fractions), as the makemore lectures do. */
export function splitItems<T>(items: readonly T[], { seed = 42, train = 0.8, val = 0.1 } = {}): Splits<T> {
  const shuffled = [...items];
  const g = new Generator(seed);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const n1 = Math.floor(train * shuffled.length);
  const n2 = Math.floor((train + val) * shuffled.length);
  return { train: shuffled.slice(0, n1), val: shuffled.slice(n1, n2), test: shuffled.slice(n2) };
}
