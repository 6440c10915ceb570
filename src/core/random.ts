import { MT19937 } from './mt19937.js';

/**
 * Which numbers a Generator makes: 'xoshiro' (xoshiro128**, zerograd's own stream, which every documented run
 * so far used) or 'torch' (PyTorch's CPU generator: mt19937 and PyTorch's sampling arithmetic, so a seed gives
 * the values the lectures show).
 */
export type RandomStream = 'xoshiro' | 'torch';

/**
 * A seedable random stream. Every random op takes an optional Generator so experiments reproduce exactly.
 * `new Generator(2147483647, { stream: 'torch' })` is torch.Generator().manual_seed(2147483647).
 */
export class Generator {
  private state = new Uint32Array(4);
  private mt: MT19937 | null = null;
  private spareNormal: number | null = null;

  constructor(seed = 0, { stream = 'xoshiro' }: { stream?: RandomStream } = {}) {
    this.manualSeed(seed, { stream });
  }

  get stream(): RandomStream {
    return this.mt ? 'torch' : 'xoshiro';
  }

  /** Restarts the stream from `seed`; `stream` switches between zerograd's and PyTorch's numbers. */
  manualSeed(seed: number, { stream = this.stream }: { stream?: RandomStream } = {}): this {
    this.spareNormal = null;
    if (stream === 'torch') this.mt ??= new MT19937();
    else this.mt = null;
    if (this.mt) {
      this.mt.seed(seed);
      return this;
    }
    // splitmix32 spreads any integer seed (the lectures use 2147483647) over all 128 state bits.
    let s = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
    for (let i = 0; i < 4; i++) {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[i] = (z ^ (z >>> 16)) >>> 0;
    }
    return this;
  }

  nextUint32(): number {
    if (this.mt) return this.mt.nextUint32();
    const s = this.state;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits (torch: the low 53 bits of two words, the first one high). */
  random(): number {
    if (this.mt) return ((this.nextUint32() & 0x1fffff) * 4294967296 + this.nextUint32()) / 9007199254740992;
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** Standard normal by Box-Muller, caching the second value of each pair. */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    if (this.mt) {
      // PyTorch's scalar normal_distribution<double>: the angle from the first uniform, the radius from the second.
      const u1 = this.random();
      const radius = Math.sqrt(-2 * Math.log(1 - this.random()));
      this.spareNormal = radius * Math.sin(2 * Math.PI * u1);
      return radius * Math.cos(2 * Math.PI * u1);
    }
    let u = 0;
    while (u === 0) u = this.random();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * this.random();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Uniform integer in [low, high) (torch: one word modulo the range, for ranges below 2^32). */
  randint(low: number, high: number): number {
    if (this.mt && high - low < 2 ** 32) return low + (this.nextUint32() % (high - low));
    return low + Math.floor(this.random() * (high - low));
  }

  /** The full state, so a checkpoint can resume the exact stream (5 numbers for xoshiro, 626 for torch). */
  getState(): number[] {
    const spare = this.spareNormal === null ? NaN : this.spareNormal;
    return this.mt ? [...this.mt.getState(), spare] : [...this.state, spare];
  }

  setState(state: readonly number[]): this {
    const size = this.mt ? 626 : 5;
    if (state.length !== size) throw new Error(`Generator.setState: a '${this.stream}' generator's state has ${size} numbers, got ${state.length}`);
    if (this.mt) this.mt.setState(state);
    else this.state.set(state.slice(0, 4));
    this.spareNormal = Number.isNaN(state[size - 1]) ? null : state[size - 1];
    return this;
  }
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** The stream used when an op is given no generator. */
export const defaultGenerator = new Generator(0);

/** Reseeds the default generator (torch.manual_seed); `{ stream: 'torch' }` makes it give PyTorch's numbers. */
export function manualSeed(seed: number, options: { stream?: RandomStream } = {}): Generator {
  return defaultGenerator.manualSeed(seed, options);
}
