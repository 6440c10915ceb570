import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CharTokenizer } from '../../src/data/charTokenizer.js';
import { splitTokens } from '../../src/data/textDataset.js';
import { call, runAsync, runSync } from '../../src/models/driver.js';
import { lectureGPTConfig } from '../../src/models/gpt/gpt.js';
import { gptTrainConfig, startGPTRun } from '../../src/models/gpt/recipe.js';
import { trainGPT, trainGPTAsync } from '../../src/models/gpt/train.js';

const text = 'To be, or not to be, that is the question:\nwhether tis nobler in the mind to suffer\nthe slings and arrows\n'.repeat(3);
const tokenizer = CharTokenizer.forText(text);
const splits = splitTokens(tokenizer.encode(text));

/** A tiny GPT run of 6 steps, evaluated every 2, the same for every call. */
function tinyRun() {
  const config = lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: 8, nEmbd: 16, nHead: 2, nLayer: 1, dropout: 0.1 });
  const train = gptTrainConfig({ batchSize: 4, lr: 1e-2, steps: 6, schedule: 'cosine' }, { evalEvery: 2, evalIters: 2 });
  return { run: startGPTRun(config, train), train };
}

describe('one training loop, run synchronously or asynchronously', () => {
  test("trainGPTAsync gives trainGPT's losses, evaluations, checkpoints and sample exactly, awaiting async hooks in order", async () => {
    const a = tinyRun();
    const saves: number[] = [];
    const sync = trainGPT(a.run, splits, a.train, { save: () => { saves.push(a.run.optimizer.stepCount); return `s${saves.length}`; }, sample: { tokenizer, tokens: 20 } });

    const b = tinyRun();
    const events: string[] = [];
    const asyncSaves: number[] = [];
    const result = await trainGPTAsync(b.run, splits, b.train, {
      onStep: async ({ step }) => { await new Promise((resolve) => setTimeout(resolve, 1)); events.push(`step ${step}`); },
      onEval: (step) => events.push(`eval ${step}`),
      save: async () => { asyncSaves.push(b.run.optimizer.stepCount); return `s${asyncSaves.length}`; },
      sample: { tokenizer, tokens: 20 },
    });
    assert.deepEqual(b.run.losses, a.run.losses);
    assert.deepEqual(b.run.evals, a.run.evals);
    assert.deepEqual(result, sync);
    assert.deepEqual(asyncSaves, saves);
    assert.deepEqual(saves, [2, 4, 6]);
    // Each step's hook finished before the next step began; an evaluation comes before its step's progress.
    assert.deepEqual(events, ['step 0', 'eval 2', 'step 1', 'step 2', 'eval 4', 'step 3', 'step 4', 'eval 6', 'step 5']);
  });

  test('a stop hook ends the loop after the step that asked, and the final checkpoint follows', async () => {
    const { run, train } = tinyRun();
    let asked = 0;
    const result = await trainGPTAsync(run, splits, train, { stop: () => ++asked === 3, save: () => `step ${run.optimizer.stepCount}` });
    assert.equal(run.losses.length, 3);
    assert.equal(result.checkpoint, 'step 3');
  });

  test('runSync refuses an async hook; under runAsync a failed hook is thrown into the loop, whose finally blocks run', async () => {
    let cleaned = false;
    const loop = function* () {
      try {
        yield* call(() => Promise.reject(new Error('the device was lost')));
        return 'not reached';
      } finally {
        cleaned = true;
      }
    };
    await assert.rejects(runAsync(loop()), /the device was lost/);
    assert.ok(cleaned);
    assert.throws(() => runSync(function* () { yield* call(async () => 1); }()), /returned a promise; run the loop with runAsync/);
  });
});
