import type { Checkpoint } from '../../optim/trainingState.js';
import { Generator } from '../../core/random.js';
import { type GPTTrainConfig, type LMRun, startLMRun } from '../gpt/recipe.js';
import { CharLSTM, type CharLSTMConfig } from './charLstm.js';

type Preset = Omit<CharLSTMConfig, 'arch' | 'vocabSize'> & Pick<GPTTrainConfig, 'batchSize' | 'lr' | 'steps' | 'schedule'>;

/**
 * Model sizes by name. `small` has about the parameters of the GPT `small` preset (n_embd 64, 4 layers, block 32)
 * and its batches, so docs/results.md compares the two on the same text, steps and size.
 */
export const CHARRNN_PRESETS: Record<string, Preset> = {
  tiny: { nEmbd: 16, nHidden: 32, nLayer: 1, blockSize: 16, dropout: 0, batchSize: 16, lr: 3e-3, steps: 2000, schedule: 'cosine' },
  small: { nEmbd: 64, nHidden: 120, nLayer: 2, blockSize: 32, dropout: 0, batchSize: 16, lr: 2e-3, steps: 5000, schedule: 'cosine' },
};

export type CharLSTMRun = LMRun<CharLSTM>;

/** A fresh char-rnn (weights from train.seed) with the GPT recipe's AdamW, or the checkpoint's state. */
export function startCharLSTMRun(config: CharLSTMConfig, train: GPTTrainConfig, resume?: Checkpoint): CharLSTMRun {
  const generator = new Generator(train.seed);
  const model = new CharLSTM(config, generator);
  return startLMRun(model, generator, [model.wte.weight], train, resume);
}
