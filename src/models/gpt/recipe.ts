import type { CharTokenizer } from '../../data/charTokenizer.js';
import { getBatch, type TokenSplits } from '../../data/textDataset.js';
import type { Checkpoint } from '../../io/checkpoint.js';
import { AdamW } from '../../optim/adamw.js';
import { cosineWithWarmup } from '../../optim/schedule.js';
import { noGrad } from '../../tensor/autograd.js';
import { Generator } from '../../tensor/random.js';
import { type StepInfo, checkpointOf, restoreRun, trainLoop } from '../trainer.js';
import { GPT, type GPTConfig } from './gpt.js';

export interface GPTTrainConfig {
  steps: number;
  batchSize: number;
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  clipNorm: number;
  evalEvery: number;
  evalIters: number;
  seed: number;
}

type Preset = Pick<GPTConfig, 'nEmbd' | 'nHead' | 'nLayer' | 'blockSize' | 'dropout'> & Pick<GPTTrainConfig, 'batchSize' | 'lr' | 'steps'>;

/** Model sizes by name: the lecture's small model, CPU-sized ones, and the lecture's final 10.8M model. */
export const GPT_PRESETS: Record<string, Preset> = {
  tiny: { nEmbd: 32, nHead: 4, nLayer: 3, blockSize: 8, dropout: 0, batchSize: 32, lr: 1e-3, steps: 5000 },
  small: { nEmbd: 64, nHead: 4, nLayer: 4, blockSize: 32, dropout: 0, batchSize: 16, lr: 1e-3, steps: 5000 },
  cpu: { nEmbd: 128, nHead: 4, nLayer: 4, blockSize: 64, dropout: 0.1, batchSize: 32, lr: 1e-3, steps: 5000 },
  seed: { nEmbd: 384, nHead: 6, nLayer: 6, blockSize: 256, dropout: 0.2, batchSize: 64, lr: 3e-4, steps: 5000 },
};

export interface GPTRun {
  model: GPT;
  optimizer: AdamW;
  generator: Generator;
  losses: number[];
  /** (step, train loss, val loss) at each evaluation. */
  evals: [number, number, number][];
}

export function startGPTRun(config: GPTConfig, train: GPTTrainConfig, resume?: Checkpoint): GPTRun {
  const generator = new Generator(train.seed);
  const model = new GPT(config, generator);
  // nanoGPT's grouping: decay the matrices of Linear layers only; biases, LayerNorm gains and embeddings keep their scale.
  const embeddings = new Set([model.transformer.wte.weight, model.transformer.wpe.weight]);
  const optimizer = new AdamW(model.parameters(), train.lr, { betas: [0.9, 0.99], weightDecay: train.weightDecay },
    (p) => p.ndim >= 2 && !embeddings.has(p));
  const run: GPTRun = { model, optimizer, generator, losses: [], evals: [] };
  if (resume) {
    restoreRun(run, resume);
    run.evals = (resume.config.evals as [number, number, number][] | undefined) ?? [];
  }
  return run;
}

/** Mean loss over `iters` random batches of each split, in eval mode (no dropout), as the lecture's estimate_loss. */
export function estimateLoss(model: GPT, splits: TokenSplits, batchSize: number, iters: number, generator: Generator): { train: number; val: number } {
  model.eval();
  const mean = (data: Int32Array) => noGrad(() => {
    let total = 0;
    for (let i = 0; i < iters; i++) {
      const { x, y } = getBatch(data, model.config.blockSize, batchSize, generator);
      total += model.forward(x, y).loss!.item();
    }
    return total / iters;
  });
  const result = { train: mean(splits.train), val: mean(splits.val) };
  model.train();
  return result;
}

/** AdamW with nanoGPT's schedule (warmup, cosine to lr/10) and gradient clipping at 1.0; evaluates periodically. */
export function trainGPT(run: GPTRun, splits: TokenSplits, train: GPTTrainConfig,
  hooks: { onStep?: (info: StepInfo) => void; onEval?: (step: number, losses: { train: number; val: number }) => void } = {}): void {
  // A separate stream for evaluation batches keeps training batches identical whether or not a run resumed.
  const evalGenerator = new Generator(train.seed + 1);
  trainLoop({
    optimizer: run.optimizer,
    schedule: cosineWithWarmup(train.lr, train.warmupSteps, train.steps, train.lr / 10),
    startStep: run.optimizer.stepCount,
    steps: train.steps,
    clipNorm: train.clipNorm,
    batchLoss: () => {
      const { x, y } = getBatch(splits.train, run.model.config.blockSize, train.batchSize, run.generator);
      return run.model.forward(x, y).loss!;
    },
    onStep: (info) => {
      run.losses.push(info.loss);
      const done = info.step + 1;
      // Evaluate before the step hook, so a checkpoint written there already holds this evaluation.
      if (done % train.evalEvery === 0 || done === train.steps) {
        const losses = estimateLoss(run.model, splits, train.batchSize, train.evalIters, evalGenerator);
        run.evals.push([done, losses.train, losses.val]);
        hooks.onEval?.(done, losses);
      }
      hooks.onStep?.(info);
    },
  });
}

export function gptCheckpoint(run: GPTRun, tokenizer: CharTokenizer, train: GPTTrainConfig): Checkpoint {
  return checkpointOf(run, { recipe: 'gpt', model: run.model.config, vocab: [...tokenizer.itos], train, evals: run.evals });
}
