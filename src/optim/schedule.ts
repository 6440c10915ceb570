/** Learning rate as a function of the step number (0-based). */
export type Schedule = (step: number) => number;

export const constantLr = (lr: number): Schedule => () => lr;

/** The makemore schedule: `lr` until `at`, then lr * factor (0.1 at 100k of 200k steps in the lectures). */
export const stepDecay = (lr: number, at: number, factor = 0.1): Schedule => (step) => (step < at ? lr : lr * factor);

/** nanoGPT's schedule: linear warmup, cosine decay to `minLr` at `decaySteps`, then flat. */
export function cosineWithWarmup(maxLr: number, warmupSteps: number, decaySteps: number, minLr = maxLr / 10): Schedule {
  return (step) => {
    if (step < warmupSteps) return (maxLr * (step + 1)) / (warmupSteps + 1);
    if (step >= decaySteps) return minLr;
    const progress = (step - warmupSteps) / Math.max(1, decaySteps - warmupSteps);
    return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (maxLr - minLr);
  };
}
