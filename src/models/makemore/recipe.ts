import { CharTokenizer } from '../../data/charTokenizer.js';
import { buildContextDataset } from '../../data/contextDataset.js';
import { splitItems } from '../../data/split.js';
import type { Checkpoint } from '../../optim/trainingState.js';
import { AdamW } from '../../optim/adamw.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { SGD } from '../../optim/sgd.js';
import { Generator } from '../../core/random.js';
import { checkpointOf, restoreRun } from '../trainer.js';
import { BigramNeural } from './bigramNeural.js';
import type { Batch, CharModel } from './charModel.js';
import { batchNormMlp } from './batchNormMlp.js';
import { hierarchicalModel } from './hierarchical.js';
import { MLP } from './mlp.js';
import { RecurrentCharModel } from './recurrent.js';
import { TransformerCharModel } from './transformer.js';

export type MakemoreModelKind = 'bigram-nn' | 'mlp' | 'bnmlp' | 'wavenet' | 'rnn' | 'gru' | 'transformer';

/** What defines a makemore model; saved as the checkpoint's config so sampling can rebuild it. */
export interface MakemoreModelConfig {
  kind: MakemoreModelKind;
  vocab: string[];
  blockSize: number;
  nEmbd: number;
  nHidden: number;
  initFixes: boolean;
}

export interface MakemoreTrainConfig {
  steps: number;
  batchSize: number;
  lr: number;
  /** Step at which the learning rate drops by `decayFactor`. */
  decayAt: number;
  decayFactor: number;
  seed: number;
}

type KindDefaults = Omit<MakemoreModelConfig, 'kind' | 'vocab' | 'blockSize'> & {
  /** 'longest': the longest item plus its end marker, which depends on the data (makemore.py's max_word_length + 1). */
  blockSize: number | 'longest';
  lr: number;
  /** 0 trains on the whole training split every step. */
  batchSize: number;
  /** Fraction of the steps after which the rate decays (the lectures: 100k of 200k, 150k of 200k for WaveNet). */
  decayFraction: number;
  /** The lectures' SGD, or makemore.py's AdamW (betas 0.9, 0.99, weight decay 0.01 on every parameter). */
  optimizer: 'sgd' | 'adamw';
};

/**
 * The lecture settings per model kind; the recurrent and transformer models take makemore.py's (n_embd 64,
 * n_embd2 64, the longest name plus its end as context, AdamW 5e-4 without decay). A fixed context would be
 * refused on data whose items are all shorter than it, as the embedded names (13 characters) are for 16.
 */
export const MAKEMORE_DEFAULTS: Record<MakemoreModelKind, KindDefaults> = {
  'bigram-nn': { blockSize: 1, nEmbd: 0, nHidden: 0, initFixes: false, lr: 50, batchSize: 0, decayFraction: 1, optimizer: 'sgd' },
  mlp: { blockSize: 3, nEmbd: 10, nHidden: 200, initFixes: false, lr: 0.1, batchSize: 32, decayFraction: 0.5, optimizer: 'sgd' },
  bnmlp: { blockSize: 3, nEmbd: 10, nHidden: 100, initFixes: true, lr: 0.1, batchSize: 32, decayFraction: 0.5, optimizer: 'sgd' },
  wavenet: { blockSize: 8, nEmbd: 24, nHidden: 128, initFixes: true, lr: 0.1, batchSize: 32, decayFraction: 0.75, optimizer: 'sgd' },
  rnn: { blockSize: 'longest', nEmbd: 64, nHidden: 64, initFixes: false, lr: 5e-4, batchSize: 32, decayFraction: 1, optimizer: 'adamw' },
  gru: { blockSize: 'longest', nEmbd: 64, nHidden: 64, initFixes: false, lr: 5e-4, batchSize: 32, decayFraction: 1, optimizer: 'adamw' },
  transformer: { blockSize: 'longest', nEmbd: 64, nHidden: 0, initFixes: false, lr: 5e-4, batchSize: 32, decayFraction: 1, optimizer: 'adamw' },
};

/** A model kind's default context on these items: its fixed size, or the longest item plus its end marker. */
export function defaultBlockSize(kind: MakemoreModelKind, items: readonly string[]): number {
  const size = MAKEMORE_DEFAULTS[kind].blockSize;
  return size === 'longest' ? items.reduce((longest, item) => Math.max(longest, item.length), 0) + 1 : size;
}

export function buildMakemoreModel(config: MakemoreModelConfig, generator: Generator): CharModel {
  const vocabSize = config.vocab.length;
  const shape = { vocabSize, blockSize: config.blockSize, nEmbd: config.nEmbd, nHidden: config.nHidden };
  switch (config.kind) {
    case 'bigram-nn': return new BigramNeural(vocabSize, generator);
    case 'mlp': return new MLP({ ...shape, initFixes: config.initFixes }, generator);
    case 'bnmlp': return batchNormMlp(shape, generator);
    case 'wavenet': return hierarchicalModel(shape, generator);
    case 'rnn': case 'gru': return new RecurrentCharModel(shape, config.kind, generator);
    case 'transformer': return new TransformerCharModel(shape, generator);
  }
}

export interface MakemoreData {
  tokenizer: CharTokenizer;
  train: Batch;
  val: Batch;
  test: Batch;
}

/** Tokenizer from all items, an 80/10/10 seeded split of the items, and (context, next) pairs for each. */
export function prepareMakemoreData(items: readonly string[], blockSize: number, seed = 42, vocab?: readonly string[]): MakemoreData {
  const tokenizer = vocab ? new CharTokenizer(vocab) : CharTokenizer.forItems(items);
  const splits = splitItems(items, { seed });
  const build = (part: string[]) => buildContextDataset(part, blockSize, tokenizer);
  return { tokenizer, train: build(splits.train), val: build(splits.val), test: build(splits.test) };
}

export interface MakemoreRun {
  model: CharModel;
  modelConfig: MakemoreModelConfig;
  generator: Generator;
  optimizer: Optimizer;
  losses: number[];
}

/** A fresh model, or the one a checkpoint holds with its optimizer, generator and loss history restored. */
export function startMakemoreRun(modelConfig: MakemoreModelConfig, train: MakemoreTrainConfig, resume?: Checkpoint): MakemoreRun {
  const generator = new Generator(train.seed);
  const model = buildMakemoreModel(modelConfig, generator);
  const optimizer = MAKEMORE_DEFAULTS[modelConfig.kind].optimizer === 'adamw'
    ? new AdamW(model.parameters(), train.lr, { betas: [0.9, 0.99], weightDecay: 0.01 }, () => true)
    : new SGD(model.parameters(), train.lr);
  const run: MakemoreRun = { model, modelConfig, generator, optimizer, losses: [] };
  if (resume) restoreRun(run, resume);
  return run;
}

/** `extra` records what else rebuilds the run (the data file). */
export function makemoreCheckpoint(run: MakemoreRun, train: MakemoreTrainConfig, extra: Record<string, unknown> = {}): Checkpoint {
  return checkpointOf(run, { recipe: 'makemore', ...extra, model: run.modelConfig, train });
}
