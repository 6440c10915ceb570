// The options several commands share, each declared once. A command takes one as it is, or with its own default or
// help on top ({ ...SEED, default: 42 }); `key` says where a training run saves the setting (options.ts).
import { DEFAULT_KEEP } from '../io/checkpoint.js';
import type { OptionDef } from './options.js';

export const STEPS = { type: 'int', min: 1, max: 1e9, key: 'train.steps', help: 'optimizer steps' } as const satisfies OptionDef;
export const BATCH_SIZE = { type: 'int', min: 1, max: 1e6, key: 'train.batchSize', help: 'examples per step' } as const satisfies OptionDef;
export const LR = { type: 'float', key: 'train.lr', help: 'peak learning rate' } as const satisfies OptionDef;
export const EVAL_EVERY = { type: 'int', min: 1, key: 'train.evalEvery', shown: 'steps/10', help: 'steps between train/val loss estimates' } as const satisfies OptionDef;
/** The seed of a training run: its weights, batches and dropout. */
export const TRAIN_SEED = { type: 'int', key: 'train.seed', default: 1337, help: 'random seed (weights, batches, dropout)' } as const satisfies OptionDef;
/** The seed of anything else drawn at random: samples, a generated corpus. */
export const SEED = { type: 'int', help: 'random seed' } as const satisfies OptionDef;

export const BLOCK_SIZE = { type: 'int', min: 1, max: 1e6, key: 'model.blockSize', help: 'context length in characters' } as const satisfies OptionDef;
export const N_EMBD = { type: 'int', min: 1, max: 1e5, key: 'model.nEmbd', help: 'embedding size' } as const satisfies OptionDef;
export const N_LAYER = { type: 'int', min: 1, max: 1e5, key: 'model.nLayer', help: 'stacked layers' } as const satisfies OptionDef;
export const DROPOUT = { type: 'float', positive: false, max: 0.99, key: 'model.dropout', help: 'dropout probability' } as const satisfies OptionDef;

export const STRICT = {
  type: 'flag', help: 'refuse data that is not valid UTF-8, and on --resume a data file changed since the checkpoint, instead of warning',
} as const satisfies OptionDef;
/** --strict on a training command that has no other use for it. */
export const STRICT_RESUME = { type: 'flag', help: 'with --resume: refuse a --data file that changed since the checkpoint instead of warning' } as const satisfies OptionDef;

/** The options of a run folder, shared by every `train` command. */
export const RUN_OPTIONS = {
  out: { type: 'path', value: 'DIR', help: 'run folder: checkpoints, latest.json, loss.svg (locked while training)' },
  resume: { type: 'flag', help: "continue the run in --out from its latest checkpoint, with the checkpoint's settings" },
  extend: { type: 'int', min: 1, help: 'with --resume: train N steps past the run\'s planned end, at the schedule\'s final learning rate' },
  overwrite: { type: 'flag', help: 'start a new run in an --out that holds one, replacing its checkpoints' },
  keep: { type: 'int', min: 1, max: 1000, default: DEFAULT_KEEP, help: 'checkpoints kept in --out (older ones are removed once a newer one is complete)' },
  'save-every-minutes': { type: 'float', max: 1e6, default: 10, help: 'also save a checkpoint whenever this long has passed since the last one' },
  'max-memory': { type: 'string', value: 'BYTES', shown: '80% of RAM', help: 'refuse a model whose estimated training memory exceeds this (e.g. 512M, 8G)' },
} as const satisfies Record<string, OptionDef>;

/**
 * Where a command computes (cli/device.ts). No `key`: a run trained on one device resumes on another. `auto` takes a
 * hardware GPU when the optional webgpu package finds one, and says so on the first line; otherwise the CPU, silently.
 */
export const DEVICE = {
  type: 'choice', choices: ['auto', 'cpu', 'webgpu'], default: 'auto',
  help: 'auto: a hardware GPU through WebGPU when the webgpu package (npm install webgpu) finds one, else the CPU; webgpu: any adapter, software ones included',
} as const satisfies OptionDef;
