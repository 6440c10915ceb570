// The Mersenne Twister (MT19937), the engine behind PyTorch's CPU generator: seeded as std::mt19937 is with
// init_genrand, so torch.Generator().manual_seed(s) and new Generator(s, { stream: 'torch' }) give the same words.
const N = 624;
const M = 397;

export class MT19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed = 5489) {
    this.seed(seed);
  }

  /** Seeds from the low 32 bits of `seed`, as PyTorch's mt19937 does. */
  seed(seed: number): void {
    const s = this.state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      // 1812433253 * prev + i, mod 2^32, without losing bits to float64.
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  /** Seeds from a key of 32-bit words with MT19937's init_by_array, as CPython's random.seed does. */
  seedByArray(key: readonly number[]): void {
    this.seed(19650218);
    const s = this.state;
    const length = Math.max(key.length, 1);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, length); k > 0; k--) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      s[i] = ((s[i] ^ Math.imul(prev, 1664525)) + (key[j] ?? 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) { s[0] = s[N - 1]; i = 1; }
      if (j >= length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      s[i] = ((s[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { s[0] = s[N - 1]; i = 1; }
    }
    // The top bit set guarantees a non-zero state whatever the key.
    s[0] = 0x80000000;
    this.index = N;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & 0x80000000) | (s[(i + 1) % N] & 0x7fffffff);
      s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** The 624 state words and the position in them, for checkpoints. */
  getState(): number[] {
    return [...this.state, this.index];
  }

  setState(state: readonly number[]): void {
    this.state.set(state.slice(0, N));
    this.index = state[N];
  }
}
