// The random streams a run draws from besides its batch generator (dropout masks, evaluation batches). Each one
// travels in the checkpoint by name (trainer.json's `streams`), so a resumed run draws what an uninterrupted one would.
import type { Checkpoint } from '../optim/trainingState.js';
import type { Generator } from '../core/random.js';

/** The states of `streams`, for TrainerState.streams. */
export const streamStates = (streams: Record<string, Generator>): Record<string, number[]> =>
  Object.fromEntries(Object.entries(streams).map(([name, generator]) => [name, generator.getState()]));

/**
 * Puts each of `streams` back to the state `resume` saved; returns the names it lacks (a checkpoint written before
 * that stream was saved), whose draws will differ from an uninterrupted run's.
 */
export function restoreStreams(streams: Record<string, Generator>, resume: Checkpoint): string[] {
  const missing: string[] = [];
  for (const [name, generator] of Object.entries(streams)) {
    const state = resume.trainer.streams?.[name];
    if (state && state.length > 0) generator.setState(state);
    else missing.push(name);
  }
  return missing;
}
