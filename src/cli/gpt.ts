import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CharTokenizer } from '../data/charTokenizer.js';
import { defaultNames } from '../data/defaultNames.js';
import { readTextFile } from '../data/lines.js';
import { shuffled } from '../data/split.js';
import { splitTokens } from '../data/textDataset.js';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { generate } from '../models/gpt/generate.js';
import { GPT, type GPTConfig, lectureGPTConfig } from '../models/gpt/gpt.js';
import { GPT_PRESETS, type GPTTrainConfig, gptCheckpoint, startGPTRun, trainGPT } from '../models/gpt/recipe.js';
import { tensor } from '../tensor/creation.js';
import { Generator } from '../tensor/random.js';
import { lineChart } from '../viz/lineChart.js';
import { type CliIO, UsageError, choiceOption, consoleIO, intOption, numberOption, parseOptions } from './args.js';
import { ProgressBar } from './progress.js';

export const GPT_USAGE = `zerograd gpt train [--data FILE] [--config ${Object.keys(GPT_PRESETS).join('|')}] [--steps N] [--batch-size N]
                  [--block-size N] [--lr X] [--dropout X] [--eval-every N] [--eval-iters N] [--seed N]
                  [--out DIR] [--checkpoint-every N] [--resume] [--sample-tokens N]
zerograd gpt sample --checkpoint DIR [--prompt TEXT] [--max-new-tokens N] [--temperature X] [--top-k N] [--seed N]`;

function loadText(file: string | undefined): { text: string; source: string } {
  if (!file) {
    // The name lists are alphabetical; shuffled, the last 10% (validation) is not just names from S to Z.
    return { text: `${shuffled(defaultNames()).join('\n')}\n`, source: 'embedded names (@stdlib first names), shuffled, one per line' };
  }
  const text = readTextFile(file);
  if (text.length === 0) throw new Error(`${file}: the file is empty`);
  return { text, source: file };
}

export function gptTrain(argv: string[], io: CliIO = consoleIO): { val: number; sample: string } {
  const o = parseOptions('gpt train', argv, {
    data: { type: 'string' }, config: { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' },
    'block-size': { type: 'string' }, lr: { type: 'string' }, dropout: { type: 'string' }, 'eval-every': { type: 'string' },
    'eval-iters': { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, 'checkpoint-every': { type: 'string' },
    resume: { type: 'boolean' }, 'sample-tokens': { type: 'string' },
  });
  const presetName = choiceOption('config', o.config, Object.keys(GPT_PRESETS), 'tiny');
  const preset = GPT_PRESETS[presetName];
  const { text, source } = loadText(o.data);
  const out = o.out ?? join('runs', `gpt-${presetName}`);
  const resume = o.resume && hasCheckpoint(out) ? loadCheckpoint(out) : undefined;
  const tokenizer = resume ? new CharTokenizer(resume.config.vocab as string[]) : CharTokenizer.forText(text);
  const splits = splitTokens(tokenizer.encode(text));
  const steps = intOption('steps', o.steps, preset.steps, { min: 1 });
  const train: GPTTrainConfig = {
    steps,
    batchSize: intOption('batch-size', o['batch-size'], preset.batchSize, { min: 1 }),
    lr: numberOption('lr', o.lr, preset.lr),
    warmupSteps: Math.min(100, Math.floor(steps / 10)),
    weightDecay: 0.1,
    clipNorm: 1,
    evalEvery: intOption('eval-every', o['eval-every'], Math.max(1, Math.floor(steps / 10)), { min: 1 }),
    evalIters: intOption('eval-iters', o['eval-iters'], 50, { min: 1 }),
    seed: intOption('seed', o.seed, 1337),
  };
  const config: GPTConfig = resume ? (resume.config.model as GPTConfig) : lectureGPTConfig({
    vocabSize: tokenizer.vocabSize,
    blockSize: intOption('block-size', o['block-size'], preset.blockSize, { min: 1 }),
    nEmbd: preset.nEmbd, nHead: preset.nHead, nLayer: preset.nLayer,
    dropout: numberOption('dropout', o.dropout, preset.dropout, { positive: false }),
  });
  if (splits.val.length <= config.blockSize) {
    throw new UsageError(`${source}: the validation split (last 10%) has ${splits.val.length} tokens, fewer than block size ${config.blockSize} + 1; use a smaller --block-size or more text`);
  }
  io.log(`data: ${text.length} characters, vocabulary ${tokenizer.vocabSize}, from ${source}`);
  const run = startGPTRun(config, train, resume);
  io.log(`model: GPT ${presetName} (n_embd ${config.nEmbd}, ${config.nHead} heads, ${config.nLayer} layers, block ${config.blockSize}), ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step}` : ''}`);
  const checkpointEvery = intOption('checkpoint-every', o['checkpoint-every'], train.evalEvery, { min: 1 });
  const bar = new ProgressBar(steps, 'train', run.optimizer.stepCount, io.progress);
  let val = NaN;
  trainGPT(run, splits, train, {
    onStep: ({ step, loss }) => {
      bar.update(step, loss, train.batchSize * config.blockSize);
      if ((step + 1) % checkpointEvery === 0 && step + 1 < steps) {
        saveCheckpoint(out, gptCheckpoint(run, tokenizer, train));
        writeCurves(out, run.evals);
      }
    },
    onEval: (step, losses) => {
      val = losses.val;
      io.log(`step ${step}: train loss ${losses.train.toFixed(4)}, val loss ${losses.val.toFixed(4)}`);
    },
  });
  const dir = saveCheckpoint(out, gptCheckpoint(run, tokenizer, train));
  writeCurves(out, run.evals);
  io.log(`checkpoint: ${dir} (loss curve: ${join(out, 'loss.svg')})`);
  const sample = sampleText(run.model, tokenizer, '\n', intOption('sample-tokens', o['sample-tokens'], 300), { generator: new Generator(train.seed + 2) });
  io.log(sample);
  return { val, sample };
}

function writeCurves(out: string, evals: [number, number, number][]): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'loss.svg'), lineChart([
    { name: 'train', points: evals.map(([s, t]) => [s, t] as const) },
    { name: 'val', points: evals.map(([s, , v]) => [s, v] as const) },
  ], { title: 'GPT loss', xLabel: 'step', yLabel: 'loss (nats)' }));
}

function sampleText(model: GPT, tokenizer: CharTokenizer, prompt: string, tokens: number, options: Parameters<typeof generate>[3]): string {
  const ids = tokenizer.encode(prompt);
  const out = generate(model, tensor(Int32Array.from(ids), { shape: [1, ids.length] }), tokens, options);
  return tokenizer.decode(out.toFlatArray());
}

export function gptSample(argv: string[], io: CliIO = consoleIO): string {
  const o = parseOptions('gpt sample', argv, {
    checkpoint: { type: 'string' }, prompt: { type: 'string' }, 'max-new-tokens': { type: 'string' },
    temperature: { type: 'string' }, 'top-k': { type: 'string' }, seed: { type: 'string' },
  });
  if (!o.checkpoint) throw new UsageError('gpt sample: --checkpoint DIR is required');
  const checkpoint = loadCheckpoint(o.checkpoint);
  if (checkpoint.config.recipe !== 'gpt') throw new UsageError(`gpt sample: ${o.checkpoint} holds a '${String(checkpoint.config.recipe)}' checkpoint, not a GPT`);
  const model = new GPT(checkpoint.config.model as GPTConfig, new Generator(0));
  model.loadStateDict(checkpoint.model);
  const tokenizer = new CharTokenizer(checkpoint.config.vocab as string[]);
  const topK = o['top-k'] === undefined ? undefined : intOption('top-k', o['top-k'], 0, { min: 1 });
  const text = sampleText(model, tokenizer, o.prompt ?? '\n', intOption('max-new-tokens', o['max-new-tokens'], 500, { min: 1 }), {
    temperature: numberOption('temperature', o.temperature, 1), topK, generator: new Generator(intOption('seed', o.seed, 1)),
  });
  io.log(text);
  return text;
}
