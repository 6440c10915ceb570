// trainGPT for a GPU, where a value is read back only by awaiting it: each step's loss (takeStepAsync), each
// evaluation's losses, and the run before a checkpoint is written. The same schedule, batches, evaluations and
// checkpoints as trainGPT, so a run trained here resumes on the CPU and the other way round.
import { getBatch, type TokenSplits } from '../../data/textDataset.js';
import { backend } from '../../backend/registry.js';
import { isDevice } from '../../core/dtype.js';
import { arenaStep } from '../../tensor/arena.js';
import { noGrad, ownedCopy } from '../../tensor/autograd.js';
import type { Generator } from '../../core/random.js';
import { afterStepAsync } from '../runGuard.js';
import { takeStepAsync } from '../trainer.js';
import type { GPTTrainConfig, LMRun, TrainableLM } from './recipe.js';
import { type LMTrainHooks, type LMTrainResult, lmTrainStep } from './train.js';

/** trainGPT's hooks, with `readBack`, which reads the run from the device for the next `save` to write. */
export interface LMTrainHooksAsync extends Omit<LMTrainHooks, 'sample'> {
  readBack?: () => Promise<void>;
  /** The closing sample, from the trained run (a GPU run samples where values are read one at a time: the caller decides). */
  sample?: () => string;
}

/** trainGPT on any backend, each read-back awaited. */
export async function trainGPTAsync(run: LMRun, splits: TokenSplits, train: GPTTrainConfig, hooks: LMTrainHooksAsync = {}): Promise<LMTrainResult> {
  const { onStep, onEval, save, readBack = async () => {}, checkpointEvery = train.evalEvery, sample } = hooks;
  const training = lmTrainStep(run, splits, train);
  let val = NaN;
  for (let step = run.optimizer.stepCount; step < train.steps; step++) {
    const loss = await takeStepAsync(training, step);
    run.losses.push(loss);
    const done = step + 1;
    if (done % train.evalEvery === 0 || done === train.steps) {
      const losses = await estimateLossAsync(run.model, splits, train.batchSize, train.evalIters, run.evalGenerator);
      run.evals.push([done, losses.train, losses.val]);
      val = losses.val;
      onEval?.(done, losses);
    }
    onStep?.({ step, loss, lr: run.optimizer.lr });
    if (save && done % checkpointEvery === 0 && done < train.steps) {
      await readBack();
      save();
    }
    await afterStepAsync(done, readBack);
  }
  let checkpoint: string | undefined;
  if (save) {
    await readBack();
    checkpoint = save();
  }
  return { val, checkpoint, sample: sample?.() ?? '' };
}

/** estimateLoss with each batch's loss awaited: the same batches, drawn from `generator`, in eval mode. */
export async function estimateLossAsync(model: TrainableLM, splits: TokenSplits, batchSize: number, iters: number, generator: Generator): Promise<{ train: number; val: number }> {
  model.eval();
  const mean = async (data: Int32Array) => {
    let total = 0;
    for (let i = 0; i < iters; i++) {
      const { x, y } = getBatch(data, model.config.blockSize, batchSize, generator);
      // The batch's tensors go back to the pool at once; only its loss is kept, until it is read.
      const loss = arenaStep(() => ownedCopy(noGrad(() => model.forward(x, y).loss!)));
      total += await loss.itemAsync();
      if (isDevice(loss.data)) backend().free?.(loss.data);
    }
    return total / iters;
  };
  const result = { train: await mean(splits.train), val: await mean(splits.val) };
  model.train();
  return result;
}
