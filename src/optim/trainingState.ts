import type { Tensor } from '../tensor/tensor.js';

// What a training run saves and resumes from, as plain data: the recipes fill it in and read it back, and io/checkpoint.ts
// writes it to disk, so neither needs the other.

/** The loop's own state: where it stands and the random streams that decide what it draws next. */
export interface TrainerState {
  step: number;
  /** Generator state, so a resumed run draws the same batches it would have. */
  rng: number[];
  losses: number[];
  /** Other random streams of the run by name (the evaluation batches' `eval`), restored like `rng`. */
  streams?: Record<string, number[]>;
}

/** Everything a checkpoint holds: the settings that rebuild the model, its weights, the optimizer state and the loop state. */
export interface Checkpoint {
  /** Everything needed to rebuild the model and tokenizer: recipe, model config, vocabulary. */
  config: Record<string, unknown>;
  model: Map<string, Tensor>;
  optimizer: Map<string, Float32Array | Float64Array>;
  trainer: TrainerState;
}
