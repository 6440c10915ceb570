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
