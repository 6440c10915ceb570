// How every column of `npm run bench` is timed, zerograd's and the peers' alike.

/**
 * Mean seconds per call over >= `repeats` calls and >= 1 s, after warming up for two calls and >= 0.5 s:
 * V8 tiers hot code up gradually, and a small step measured in its first fraction of a second runs half
 * optimised.
 */
export function seconds(fn: () => void, repeats: number): number {
  const warmup = performance.now();
  for (let calls = 0; calls < 2 || performance.now() - warmup < 500; calls++) fn();
  const start = performance.now();
  let calls = 0;
  while (calls < repeats || performance.now() - start < 1000) {
    fn();
    calls++;
  }
  return (performance.now() - start) / 1000 / calls;
}
