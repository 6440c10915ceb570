// The training driver of the character language models (GPT, char-rnn), in the spirit of nanoGPT's train.py: batches,
// schedule, evaluation cadence, checkpoints and the closing sample, top to bottom. What touches the outside world is
// handed in (`save` writes a checkpoint, `onStep` shows progress). The command line runs it (trainGPT on the CPU,
// trainGPTAsync on a GPU) and so does the playground's worker (runAsync, with the page's hooks).
import type { CharTokenizer } from '../../data/charTokenizer.js';
import { getBatch, type TokenSplits } from '../../data/textDataset.js';
import { constantLr, cosineWithWarmup } from '../../optim/schedule.js';
import { noGrad } from '../../tensor/autograd.js';
import { tensor } from '../../tensor/creation.js';
import { Generator } from '../../core/random.js';
import { afterStep } from '../runGuard.js';
import { type Loop, type RunAsyncOptions, call, read, runAsync, runSync } from '../driver.js';
import { type StepInfo, type TrainStep, trainingStep } from '../trainer.js';
import { generate } from './generate.js';
import type { GPTTrainConfig, LMRun, TrainableLM } from './recipe.js';

/** What a caller of trainGPT sees and supplies; every field is optional (the lessons pass none or one). */
export interface LMTrainHooks {
  /** After each step, once its evaluation (if due) is done: a progress bar; may be async under runAsync. */
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Asked after each step: true ends the loop there, and the final checkpoint and sample follow (the page's stop button). */
  stop?: () => boolean;
  /** After each evaluation, with the step count and the mean train and val losses. */
  onEval?: (step: number, losses: { train: number; val: number }) => void;
  /** Writes a checkpoint of the run and says where: every `checkpointEvery` steps (default evalEvery) and at the end. */
  save?: () => string | Promise<string>;
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
export function* gptTraining(run: LMRun, splits: TokenSplits, train: GPTTrainConfig, hooks: LMTrainHooks = {}): Loop<LMTrainResult> {
  const { onStep, onEval, save, checkpointEvery = train.evalEvery, sample, stop } = hooks;
  const training = lmTrainStep(run, splits, train);
  let val = NaN;
  for (let step = run.optimizer.stepCount; step < train.steps; step++) {
    const loss = yield* trainingStep(training, step);
    run.losses.push(loss);
    const done = step + 1;
    // Evaluate before the checkpoint, so a checkpoint written at this step already holds this evaluation.
    // evalIters 0 skips them (the playground shows samples instead).
    if (train.evalIters > 0 && (done % train.evalEvery === 0 || done === train.steps)) {
      const losses = yield* lossEstimate(run.model, splits, train.batchSize, train.evalIters, run.evalGenerator);
      run.evals.push([done, losses.train, losses.val]);
      val = losses.val;
      onEval?.(done, losses);
    }
    if (onStep) yield* call(() => onStep({ step, loss, lr: run.optimizer.lr }));
    // The last step's checkpoint is the final one, below.
    if (save && done % checkpointEvery === 0 && done < train.steps) yield* call(save);
    // In a guarded run (runGuard.ts): a checkpoint every few minutes, and a stop when one is asked for.
    yield* call(() => afterStep(done));
    if (stop?.()) break;
  }
  const checkpoint = save ? yield* call(save) : undefined;
  const text = sample ? sampleLM(run.model, sample.tokenizer, sample.tokens, new Generator(train.seed + 2)) : '';
  return { val, checkpoint, sample: text };
}

/** gptTraining on a CPU backend, as one synchronous loop. */
export const trainGPT = (run: LMRun, splits: TokenSplits, train: GPTTrainConfig, hooks: LMTrainHooks = {}): LMTrainResult =>
  runSync(gptTraining(run, splits, train, hooks));

/** gptTraining on every backend (a GPU's reads and checkpoints awaited); sample on the CPU, after the weights are read back. */
export const trainGPTAsync = (run: LMRun, splits: TokenSplits, train: GPTTrainConfig, hooks: LMTrainHooks = {}, options?: RunAsyncOptions): Promise<LMTrainResult> =>
  runAsync(gptTraining(run, splits, train, hooks), options);

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
export function* lossEstimate(model: TrainableLM, splits: TokenSplits, batchSize: number, iters: number, generator: Generator): Loop<{ train: number; val: number }> {
  model.eval();
  try {
    const mean = function* (data: Int32Array): Loop<number> {
      let total = 0;
      for (let i = 0; i < iters; i++) {
        const { x, y } = getBatch(data, model.config.blockSize, batchSize, generator);
        total += yield* read(noGrad(() => model.forward(x, y).loss!));
      }
      return total / iters;
    };
    return { train: yield* mean(splits.train), val: yield* mean(splits.val) };
  } finally {
    model.train();
  }
}

/** lossEstimate on a CPU backend. */
export const estimateLoss = (model: TrainableLM, splits: TokenSplits, batchSize: number, iters: number, generator: Generator): { train: number; val: number } =>
  runSync(lossEstimate(model, splits, batchSize, iters, generator));

/** Where a sample without a prompt starts: a newline (what a text starts after), or the first character when the text has none. */
export const newlineId = (tokenizer: CharTokenizer): number => Math.max(0, tokenizer.itos.indexOf('\n'));

/** `tokens` characters the model writes after a newline, drawn from `generator`. */
export function sampleLM(model: TrainableLM, tokenizer: CharTokenizer, tokens: number, generator: Generator): string {
  const out = generate(model, tensor(Int32Array.from([newlineId(tokenizer)]), { shape: [1, 1] }), tokens, { generator });
  return tokenizer.decode(out.toFlatArray());
}
