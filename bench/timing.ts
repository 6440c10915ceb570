// How every column of `npm run bench` is timed, zerograd's and the peers' alike.

/** Mean seconds per call after two warm-up calls (V8 tiers hot code up), over >= `repeats` calls and >= 0.3 s. */
export function seconds(fn: () => void, repeats: number): number {
  fn();
  fn();
  const start = performance.now();
  let calls = 0;
  while (calls < repeats || performance.now() - start < 300) {
    fn();
    calls++;
  }
  return (performance.now() - start) / 1000 / calls;
}
