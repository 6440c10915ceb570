// The training driver of the character language models (GPT, char-rnn), in the spirit of nanoGPT's train.py: batches,
// schedule, evaluation cadence, checkpoints and the closing sample, top to bottom. What touches the outside world is
// handed in (`save` writes a checkpoint, `onStep` shows progress). The command line runs it; the playground's worker
// keeps its own loop and shares the step and its batches (lmTrainStep).
import type { CharTokenizer } from '../../data/charTokenizer.js';
import { getBatch, type TokenSplits } from '../../data/textDataset.js';
import { constantLr, cosineWithWarmup } from '../../optim/schedule.js';
import { noGrad } from '../../tensor/autograd.js';
import { tensor } from '../../tensor/creation.js';
import { Generator } from '../../core/random.js';
import { afterStep } from '../runGuard.js';
import { type StepInfo, type TrainStep, takeStep } from '../trainer.js';
import { generate } from './generate.js';
import type { GPTTrainConfig, LMRun, TrainableLM } from './recipe.js';

/** What a caller of trainGPT sees and supplies; every field is optional (the lessons pass none or one). */
export interface LMTrainHooks {
  /** After each step, once its evaluation (if due) is done: a progress bar. */
  onStep?: (info: StepInfo) => void;
  /** After each evaluation, with the step count and the mean train and val losses. */
  onEval?: (step: number, losses: { train: number; val: number }) => void;
  /** Writes a checkpoint of the run and says where: every `checkpointEvery` steps (default evalEvery) and at the end. */
  save?: () => string;
  checkpointEvery?: number;
  /** Characters to sample from the trained model, with the run's vocabulary. */
  sample?: { tokenizer: CharTokenizer; tokens: number };
}

/** The last evaluation's val loss (NaN if none ran), the final checkpoint where one was saved, and the sample ('' if none was asked for). */
export interface LMTrainResult {
  val: number;
  checkpoint?: string;
  sample: string;
}

/**
 * AdamW with nanoGPT's schedule (warmup, cosine to lr/10) and gradient clipping at 1.0. Each step: the update, an
 * evaluation when one is due, progress, a checkpoint when one is due; then the final checkpoint and the sample.
 */
export function trainGPT(run: LMRun, splits: TokenSplits, train: GPTTrainConfig, hooks: LMTrainHooks = {}): LMTrainResult {
  const { onStep, onEval, save, checkpointEvery = train.evalEvery, sample } = hooks;
  const training = lmTrainStep(run, splits, train);
  let val = NaN;
  for (let step = run.optimizer.stepCount; step < train.steps; step++) {
    const loss = takeStep(training, step);
    run.losses.push(loss);
    const done = step + 1;
    // Evaluate before the checkpoint, so a checkpoint written at this step already holds this evaluation.
    if (done % train.evalEvery === 0 || done === train.steps) {
      const losses = estimateLoss(run.model, splits, train.batchSize, train.evalIters, run.evalGenerator);
      run.evals.push([done, losses.train, losses.val]);
      val = losses.val;
      onEval?.(done, losses);
    }
    onStep?.({ step, loss, lr: run.optimizer.lr });
    // The last step's checkpoint is the final one, below.
    if (save && done % checkpointEvery === 0 && done < train.steps) save();
    // In a guarded run (runGuard.ts): a checkpoint every few minutes, and a stop when one is asked for.
    afterStep(done);
  }
  const checkpoint = save?.();
  const text = sample ? sampleLM(run.model, sample.tokenizer, sample.tokens, new Generator(train.seed + 2)) : '';
  return { val, checkpoint, sample: text };
}

/**
 * One step of a language model's training: the learning rate from the run's schedule, a random batch of windows from
 * the training split, and the gradients clipped at train.clipNorm. The playground steps with it too.
 */
export function lmTrainStep(run: LMRun, splits: TokenSplits, train: GPTTrainConfig): TrainStep {
  return {
    optimizer: run.optimizer,
    schedule: train.schedule === 'constant' ? constantLr(train.lr) : cosineWithWarmup(train.lr, train.warmupSteps, train.decaySteps, train.minLr),
    clipNorm: train.clipNorm,
    batchLoss: () => {
      const { x, y } = getBatch(splits.train, run.model.config.blockSize, train.batchSize, run.generator);
      return run.model.forward(x, y).loss!;
    },
  };
}

/** Mean loss over `iters` random batches of each split, in eval mode (no dropout), as the lecture's estimate_loss. */
export function estimateLoss(model: TrainableLM, splits: TokenSplits, batchSize: number, iters: number, generator: Generator): { train: number; val: number } {
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

/** Where a sample without a prompt starts: a newline (what a text starts after), or the first character when the text has none. */
export const newlineId = (tokenizer: CharTokenizer): number => Math.max(0, tokenizer.itos.indexOf('\n'));

/** `tokens` characters the model writes after a newline, drawn from `generator`. */
export function sampleLM(model: TrainableLM, tokenizer: CharTokenizer, tokens: number, generator: Generator): string {
  const out = generate(model, tensor(Int32Array.from([newlineId(tokenizer)]), { shape: [1, 1] }), tokens, { generator });
  return tokenizer.decode(out.toFlatArray());
}
