import type { CharTokenizer } from '../../data/charTokenizer.js';
import type { Checkpoint } from '../../optim/trainingState.js';
import { AdamW } from '../../optim/adamw.js';
import { Generator } from '../../core/random.js';
import { restoreStreams, streamStates } from '../streams.js';
import { checkpointOf, checkpointOfAsync, restoreRun } from '../trainer.js';
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { GPT, type GPTConfig, type LMOutput } from './gpt.js';

export interface GPTTrainConfig {
  steps: number;
  batchSize: number;
  lr: number;
  /** 'cosine': nanoGPT's warmup then cosine decay to minLr at decaySteps, flat after; 'constant': lr throughout (the lecture). */
  schedule: 'cosine' | 'constant';
  warmupSteps: number;
  /** Where the cosine reaches minLr: the planned step count (steps extended past it train at minLr). */
  decaySteps: number;
  minLr: number;
  weightDecay: number;
  clipNorm: number;
  evalEvery: number;
  evalIters: number;
  seed: number;
}

type Preset = Pick<GPTConfig, 'nEmbd' | 'nHead' | 'nLayer' | 'blockSize' | 'dropout'> & Pick<GPTTrainConfig, 'batchSize' | 'lr' | 'steps' | 'schedule'>;

/** Model sizes by name: the lecture's small model, CPU-sized ones, and the lecture's final 10.8M model. */
export const GPT_PRESETS: Record<string, Preset> = {
  // The lecture's small model. The lecture's constant 1e-3 reaches val 2.12 in 5,000 steps with this nanoGPT-style
  // block (GELU, N(0, 0.02) init, weight decay 0.1); a 2e-3 peak decaying to 2e-4 reaches the lecture's 2.08 (docs/results.md).
  tiny: { nEmbd: 32, nHead: 4, nLayer: 3, blockSize: 8, dropout: 0, batchSize: 32, lr: 2e-3, steps: 5000, schedule: 'cosine' },
  small: { nEmbd: 64, nHead: 4, nLayer: 4, blockSize: 32, dropout: 0, batchSize: 16, lr: 1e-3, steps: 5000, schedule: 'cosine' },
  cpu: { nEmbd: 128, nHead: 4, nLayer: 4, blockSize: 64, dropout: 0.1, batchSize: 32, lr: 1e-3, steps: 5000, schedule: 'cosine' },
  seed: { nEmbd: 384, nHead: 6, nLayer: 6, blockSize: 256, dropout: 0.2, batchSize: 64, lr: 3e-4, steps: 5000, schedule: 'cosine' },
};

/** What this recipe trains: a character-level model mapping (B, T) ids to next-token logits and their loss (a GPT, a char-rnn). */
export type TrainableLM = Module & { readonly config: { blockSize: number }; forward(idx: Tensor, targets?: Tensor): LMOutput };

export interface LMRun<M extends TrainableLM = TrainableLM> {
  model: M;
  optimizer: AdamW;
  generator: Generator;
  /** Draws the evaluation batches; saved with the run, so a resumed run's evaluations equal an uninterrupted one's. */
  evalGenerator: Generator;
  /** The random streams saved with the run besides `generator`: `eval`, and `dropout` where the model's Dropout layers draw from a generator of their own. */
  streams: Record<string, Generator>;
  losses: number[];
  /** (step, train loss, val loss) at each evaluation. */
  evals: [number, number, number][];
}

export type GPTRun = LMRun<GPT>;

/**
 * A run around a freshly built model (made from `generator`, seeded with train.seed), or the checkpoint's state.
 * nanoGPT's grouping: decay the matrices of Linear layers only; biases, LayerNorm gains and `embeddings` keep their scale.
 * `dropout` is the generator the model's Dropout layers draw from when it is not `generator` (a model built elsewhere,
 * as a fine-tune's), saved and restored with the run.
 */
export function startLMRun<M extends TrainableLM>(model: M, generator: Generator, embeddings: readonly Tensor[], train: GPTTrainConfig,
  resume?: Checkpoint, dropout?: Generator): LMRun<M> {
  const skip = new Set(embeddings);
  // Frozen parameters (a LoRA base) get no optimizer state: AdamW's memory is for what trains.
  const optimizer = new AdamW(model.trainableParameters(), train.lr, { betas: [0.9, 0.99], weightDecay: train.weightDecay },
    (p) => p.ndim >= 2 && !skip.has(p));
  // A separate stream for evaluation batches keeps training batches identical whether or not a run evaluates.
  const evalGenerator = new Generator(train.seed + 1);
  const streams: Record<string, Generator> = dropout && dropout !== generator ? { eval: evalGenerator, dropout } : { eval: evalGenerator };
  const run: LMRun<M> = { model, optimizer, generator, evalGenerator, streams, losses: [], evals: [] };
  if (resume) {
    restoreRun(run, resume);
    run.evals = (resume.config.evals as [number, number, number][] | undefined) ?? [];
    restoreStreams(run.streams, resume);
  }
  return run;
}

export function startGPTRun(config: GPTConfig, train: GPTTrainConfig, resume?: Checkpoint): GPTRun {
  const generator = new Generator(train.seed);
  const model = new GPT(config, generator);
  return startLMRun(model, generator, [model.transformer.wte.weight, model.transformer.wpe.weight], train, resume);
}

/** `extra` records what else rebuilds the run (the data file, the preset's name); `recipe` names the model family. */
export function gptCheckpoint(run: LMRun, tokenizer: CharTokenizer, train: GPTTrainConfig, extra: Record<string, unknown> = {},
  recipe = 'gpt'): Checkpoint {
  return withStreams(run, checkpointOf(run, lmConfig(run, tokenizer, train, extra, recipe)));
}

/** gptCheckpoint of a run on a GPU: its weights and optimizer state read back, after the steps queued before the call. */
export async function gptCheckpointAsync(run: LMRun, tokenizer: CharTokenizer, train: GPTTrainConfig, extra: Record<string, unknown> = {},
  recipe = 'gpt'): Promise<Checkpoint> {
  return withStreams(run, await checkpointOfAsync(run, lmConfig(run, tokenizer, train, extra, recipe)));
}

const lmConfig = (run: LMRun, tokenizer: CharTokenizer, train: GPTTrainConfig, extra: Record<string, unknown>, recipe: string) =>
  ({ recipe, ...extra, model: run.model.config, vocab: [...tokenizer.itos], train, evals: [...run.evals] });

function withStreams(run: LMRun, checkpoint: Checkpoint): Checkpoint {
  checkpoint.trainer.streams = streamStates(run.streams);
  return checkpoint;
}

/** The training settings of a fresh run: `overrides` on top of the preset's, with nanoGPT's AdamW, warmup and clipping. */
export function gptTrainConfig(preset: Pick<GPTTrainConfig, 'batchSize' | 'lr' | 'steps' | 'schedule'>, overrides: Partial<GPTTrainConfig> = {}): GPTTrainConfig {
  const steps = overrides.steps ?? preset.steps;
  const lr = overrides.lr ?? preset.lr;
  return {
    steps, batchSize: preset.batchSize, lr, schedule: preset.schedule, warmupSteps: Math.min(100, Math.floor(steps / 10)),
    decaySteps: steps, minLr: lr / 10, weightDecay: 0.1, clipNorm: 1, evalEvery: Math.max(1, Math.floor(steps / 10)), evalIters: 50, seed: 1337,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
}
