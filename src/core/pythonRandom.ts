// Python's random module (CPython 3): the makemore lectures shuffle names.txt with random.seed(42) and
// random.shuffle(words), so these draws give the lectures' own train/dev/test split.
import { ZerogradError } from './errors.js';
import { MT19937 } from './mt19937.js';

/** The largest k for getrandbits here: the result must stay an exact JavaScript integer. */
const MAX_BITS = 53;

/** `new PythonRandom(42)` is Python's `random.seed(42)`: the same random(), randint and shuffle. */
export class PythonRandom {
  private readonly mt = new MT19937();

  constructor(seed: number | bigint = 0) {
    this.seed(seed);
  }

  /** random.seed(n) for an integer n: init_by_array over |n|'s 32-bit words, least significant first. */
  seed(seed: number | bigint): void {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
      throw new ZerogradError('PythonRandom.seed', `seed must be an integer (a bigint past 2^53), got ${seed}`);
    }
    let rest = BigInt(seed);
    if (rest < 0n) rest = -rest;
    const key: number[] = [];
    do {
      key.push(Number(rest & 0xffffffffn));
      rest >>= 32n;
    } while (rest > 0n);
    this.mt.seedByArray(key);
  }

  /** A float in [0, 1) with 53 random bits: 27 from one draw and 26 from the next, as CPython builds it. */
  random(): number {
    const a = this.mt.nextUint32() >>> 5;
    const b = this.mt.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** An integer of k random bits; words are drawn least significant first and the last one keeps its top bits. */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > MAX_BITS) {
      throw new ZerogradError('PythonRandom.getrandbits', `k must be an integer from 0 to ${MAX_BITS}, got ${k}`);
    }
    if (k === 0) return 0;
    if (k <= 32) return this.mt.nextUint32() >>> (32 - k);
    const low = this.mt.nextUint32();
    const high = this.mt.nextUint32() >>> (64 - k);
    return high * 2 ** 32 + low;
  }

  /** An integer in [0, n): draws of n's bit length, rejected until one falls below n (no modulo bias). */
  randbelow(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) throw new ZerogradError('PythonRandom.randbelow', `n must be a positive integer, got ${n}`);
    const bits = n.toString(2).length;
    let r = this.getrandbits(bits);
    while (r >= n) r = this.getrandbits(bits);
    return r;
  }

  /** An integer in [a, b], both ends included. */
  randint(a: number, b: number): number {
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b < a) {
      throw new ZerogradError('PythonRandom.randint', `needs integers a <= b, got (${a}, ${b})`);
    }
    return a + this.randbelow(b - a + 1);
  }

  /** Shuffles `items` in place (Fisher-Yates from the end), drawing exactly what random.shuffle draws. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
