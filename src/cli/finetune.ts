// `zerograd gpt finetune`: a pre-trained GPT trained on on a new text, all of it or through LoRA adapters, reporting
// what each costs (trainable parameters, optimizer memory, step time) and what it forgets (the old text's loss).
import { resolve } from 'node:path';
import { CharTokenizer } from '../data/charTokenizer.js';
import { readQA } from '../data/qaCorpus.js';
import { splitTokens } from '../data/textDataset.js';
import { type Checkpoint, loadRecipeCheckpoint } from '../io/checkpoint.js';
import { saveLoRAAdapter } from '../io/peft.js';
import { type GPTTrainConfig, gptTrainConfig, startLMRun } from '../models/gpt/recipe.js';
import { estimateLoss } from '../models/gpt/train.js';
import { gptTrainingMemory } from '../models/gpt/gpt.js';
import { checkMemory, formatBytes } from '../models/memory.js';
import { applyLoRA } from '../nn/lora.js';
import { Generator } from '../core/random.js';
import { type CliIO, type ParsedOptions, UsageError, consoleIO, defineCommand, parseOptions } from './args.js';
import {
  GPT_TRAIN, checkConfigAgainstWeights, checkValidationSplit, gptConfigParameters, gptFromConfig, lmTrainFlags, loadText, trainLanguageModel,
} from './gpt.js';
import { checkResume, logNextSteps, memoryLimit, resumedSteps, runFolder, withRun } from './run.js';
import { checkedDataFile, warnUnsavedDropout } from './dataCheck.js';

const { config: _preset, 'tie-weights': _tie, 'block-size': _block, data: _data, ...shared } = GPT_TRAIN.options;
const RUN = runFolder('gpt-finetune');

export const GPT_FINETUNE = defineCommand({
  name: 'gpt finetune',
  summary: 'fine-tune a GPT checkpoint on a new text, fully or with LoRA adapters, and report what it costs and forgets',
  options: {
    checkpoint: { type: 'path', value: 'DIR', key: 'base', help: 'the pre-trained GPT run (required for a new run)' },
    data: { type: 'path', value: 'FILE', key: 'data', help: "the new text (required for a new run); its characters must be in the checkpoint's vocabulary" },
    lora: { type: 'int', min: 1, max: 1e5, value: 'RANK', key: 'lora.rank', shown: 'none: every weight trains', help: 'train rank-RANK LoRA adapters on --targets, the rest frozen' },
    'lora-alpha': { type: 'float', key: 'lora.alpha', shown: '8 (PEFT\'s)', help: 'LoRA scale: the update is multiplied by alpha / rank' },
    targets: { type: 'list', value: 'NAMES', key: 'lora.targets', shown: 'c_attn', help: 'comma-separated Linear layer names LoRA wraps (c_attn, c_proj, c_fc, lm_head)' },
    'adapter-out': { type: 'path', value: 'DIR', help: 'also write the LoRA adapter there in Hugging Face PEFT layout' },
    qa: { type: 'flag', help: "--data is a question-and-answer file ('Q: ...' and 'A: ...' lines, as chat corpus writes), checked line by line" },
    ...shared,
    ...RUN.options,
  },
});

interface LoRASettings { rank: number; alpha: number; targets: string[] }

/** The characters of `text` the vocabulary lacks, as an error naming the first one's file and line. */
function checkVocabulary(text: string, vocab: readonly string[], file: string): void {
  const known = new Set(vocab);
  const at = [...text].findIndex((c) => !known.has(c));
  if (at < 0) return;
  const before = [...text].slice(0, at).join('');
  const line = before.split('\n').length;
  throw new UsageError(`${file} line ${line}: character ${JSON.stringify([...text][at])} is not in the pre-trained model's vocabulary of ${vocab.length} characters; fine-tuning keeps the model's vocabulary`);
}

export function gptFinetune(argv: string[], io: CliIO = consoleIO): { val: number; oldVal: number; trainable: number; sample: string } {
  const command = GPT_FINETUNE.name;
  const o = parseOptions(GPT_FINETUNE, argv);
  const out = o.out ?? RUN.folder();
  const result = withRun(command, out, o, 'gpt', (resume, keep) => finetuneInto(o, out, resume, keep, io));
  logNextSteps(io, out, 'gpt sample --checkpoint');
  return result;
}

function finetuneInto(o: ParsedOptions<typeof GPT_FINETUNE.options>, out: string, resume: Checkpoint | undefined,
  keep: number, io: CliIO): { val: number; oldVal: number; trainable: number; sample: string } {
  const command = GPT_FINETUNE.name;
  const { flags, dropout } = lmTrainFlags(GPT_FINETUNE, o);
  const { lora: rank, 'lora-alpha': alphaFlag, targets: targetsFlag } = o;
  let base: Checkpoint;
  let basePath: string;
  let dataFile: string;
  let lora: LoRASettings | null;
  let train: GPTTrainConfig;
  if (resume) {
    if (!resume.config.base) throw new UsageError(`${command}: ${out} is a 'gpt train' run, not a fine-tuning one; continue it with 'zerograd gpt train --resume'`);
    const saved = resume.config.train as GPTTrainConfig;
    lora = (resume.config.lora as LoRASettings | null) ?? null;
    basePath = resume.config.base as string;
    dataFile = resume.config.data as string;
    checkResume(GPT_FINETUNE, out, o, resume.config);
    train = { ...saved, steps: resumedSteps(command, out, saved.steps, resume.trainer.step, o.extend) };
    base = loadRecipeCheckpoint(basePath, 'gpt', command);
    checkConfigAgainstWeights(basePath, base, gptConfigParameters(base.config));
  } else {
    if (!o.checkpoint) throw new UsageError(`${command}: --checkpoint DIR (the pre-trained GPT) is required`);
    if (!o.data) throw new UsageError(`${command}: --data FILE (the new text) is required`);
    if (dropout !== undefined) throw new UsageError(`${command}: --dropout is the pre-trained model's; it cannot change in fine-tuning`);
    base = loadRecipeCheckpoint(o.checkpoint, 'gpt', command);
    checkConfigAgainstWeights(o.checkpoint, base, gptConfigParameters(base.config));
    if (base.config.lora) throw new UsageError(`${command}: ${o.checkpoint} is itself a LoRA fine-tune; fine-tune its base, or merge it first`);
    basePath = resolve(o.checkpoint);
    dataFile = resolve(o.data);
    lora = rank === undefined ? null : { rank, alpha: alphaFlag ?? 8, targets: targetsFlag ?? ['c_attn'] };
    if (rank === undefined && (alphaFlag !== undefined || targetsFlag)) throw new UsageError(`${command}: --lora-alpha and --targets go with --lora RANK`);
    const pretrained = base.config.train as GPTTrainConfig;
    train = gptTrainConfig({ batchSize: pretrained.batchSize, lr: lora ? 1e-3 : 3e-4, steps: 1000, schedule: 'cosine' }, flags);
  }
  if (o['adapter-out'] && !lora) throw new UsageError(`${command}: --adapter-out writes LoRA adapters; give --lora RANK`);
  const vocab = base.config.vocab as string[];
  const tokenizer = new CharTokenizer(vocab);
  const fingerprint = checkedDataFile(command, out, dataFile, resume, o.strict ?? false, io);
  const { text, source } = loadText(dataFile, o.strict ?? false, io);
  if (o.qa ?? resume?.config.qa) readQA(dataFile);
  checkVocabulary(text, vocab, source);
  const splits = splitTokens(tokenizer.encode(text));
  const baseConfig = { ...base.config, lora: null };
  // The weights come from the checkpoint; this generator is the one the model's Dropout layers draw from.
  const dropoutGenerator = new Generator(0);
  const model = gptFromConfig(baseConfig, dropoutGenerator);
  checkValidationSplit(splits, model.config.blockSize, source);
  model.loadStateDict(base.model);
  const limit = memoryLimit(o['max-memory']);
  checkMemory(`${command}: GPT n_embd ${model.config.nEmbd}, ${model.config.nLayer} layers, block ${model.config.blockSize}, batch ${train.batchSize}`,
    gptTrainingMemory(model.config, train.batchSize), limit.bytes, limit.name);
  const { text: oldText, source: oldSource } = loadText((base.config.data as string | null | undefined) ?? undefined, false, { ...io, warn: () => {} });
  const oldSplits = splitTokens(tokenizer.encode(oldText));
  const forgetting = () => estimateLoss(model, oldSplits, train.batchSize, train.evalIters, new Generator(train.seed + 3)).val;
  const oldBefore = resume ? (resume.config.oldValBefore as number) : forgetting();
  if (lora) {
    try {
      applyLoRA(model, { ...lora, generator: new Generator(train.seed) });
    } catch (error) {
      throw new UsageError(`${command}: ${(error as Error).message}`);
    }
  }
  const run = startLMRun(model, new Generator(train.seed), [model.transformer.wte.weight, model.transformer.wpe.weight], train, resume, dropoutGenerator);
  warnUnsavedDropout(command, out, resume, model.config.dropout, io);
  const trainable = model.trainableParameters().reduce((n, p) => n + p.size, 0);
  io.log(`data: ${text.length} characters from ${source}; the pre-trained model's text: ${oldSource}`);
  io.log(`fine-tuning ${lora ? `with LoRA rank ${lora.rank}, alpha ${lora.alpha}, on ${lora.targets.join(', ')}` : 'every weight'}: ${trainable} of ${model.numParameters()} parameters train; AdamW state ${formatBytes(2 * 4 * trainable)}${resume ? `; resuming at step ${resume.trainer.step} of ${train.steps}` : ''}`);
  const started = performance.now();
  const startStep = run.optimizer.stepCount;
  const extra = { base: basePath, data: dataFile, dataFile: fingerprint, lora, preset: 'finetune', oldValBefore: oldBefore, qa: o.qa ?? resume?.config.qa ?? false };
  const { val, sample } = trainLanguageModel({ o, out, keep, io, run, splits, tokenizer, train, extra, recipe: 'gpt' });
  const stepMs = (performance.now() - started) / Math.max(1, train.steps - startStep);
  const oldVal = forgetting();
  io.log(`new text val loss ${val.toFixed(4)}; the pre-trained text's val loss ${oldBefore.toFixed(4)} before, ${oldVal.toFixed(4)} after; ${stepMs.toFixed(1)} ms per step (with evaluations)`);
  if (o['adapter-out'] && lora) {
    saveLoRAAdapter(model, o['adapter-out'], basePath);
    io.log(`adapter: ${o['adapter-out']} (adapter_model.safetensors, adapter_config.json)`);
  }
  return { val, oldVal, trainable, sample };
}
