// How every column of `npm run bench` is timed, zerograd's and the peers' alike (bench/torch_bench.py's
// `timed` is the same in Python).

const ROUNDS = 3;

/**
 * Seconds per call: after warming up for two calls and >= 0.5 s (V8 tiers hot code up gradually), the
 * fastest of three rounds, each the mean over >= repeats / 3 calls and >= 0.33 s. On a shared VM one
 * hiccup then spoils a round, not the measurement.
 */
export function seconds(fn: () => void, repeats: number): number {
  const warmup = performance.now();
  for (let calls = 0; calls < 2 || performance.now() - warmup < 500; calls++) fn();
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    let calls = 0;
    while (calls < Math.ceil(repeats / ROUNDS) || performance.now() - start < 1000 / ROUNDS) {
      fn();
      calls++;
    }
    best = Math.min(best, (performance.now() - start) / 1000 / calls);
  }
  return best;
}
