import { resolve } from 'node:path';
import type { Checkpoint } from '../io/checkpoint.js';
import { CharLSTM, type CharLSTMConfig, charLstmParameterCount, charLstmTrainingMemory } from '../models/charrnn/charLstm.js';
import { CHARRNN_PRESETS, startCharLSTMRun } from '../models/charrnn/recipe.js';
import { type GPTTrainConfig, gptTrainConfig } from '../models/gpt/recipe.js';
import { checkMemory } from '../models/memory.js';
import { Generator } from '../core/random.js';
import { type CliIO, type ParsedOptions, consoleIO, defineCommand, parseOptions } from './args.js';
import { N_EMBD, N_LAYER } from './commonOptions.js';
import { GPT_SAMPLE, GPT_TRAIN, type LMTrainArgs, checkValidationSplit, lmText, lmTrainFlags, sampleCheckpoint, trainLanguageModel, trainLanguageModelAsync } from './gpt.js';
import { checkResume, logNextSteps, memoryLimit, resumedSteps, runFolder, withRun } from './run.js';
import { checkedDataFile } from './dataCheck.js';

const PRESETS = Object.keys(CHARRNN_PRESETS);
const { config: _gptPreset, 'tie-weights': _tie, ...shared } = GPT_TRAIN.options;
const RUN = runFolder('charrnn', { option: 'config', fallback: 'small' });

export const CHARRNN_TRAIN = defineCommand({
  name: 'charrnn train',
  summary: 'train a character-level LSTM language model (the classic char-rnn) on a text file, with checkpoints and exact --resume',
  options: {
    ...shared,
    ...RUN.options,
    config: { type: 'choice', choices: PRESETS, default: 'small', key: 'preset', help: "model size preset (small: about the GPT small preset's parameters)" },
    'n-embd': { ...N_EMBD, shown: "preset's", help: 'character embedding size' },
    'n-hidden': { ...N_EMBD, key: 'model.nHidden', shown: "preset's", help: 'LSTM state size' },
    'n-layer': { ...N_LAYER, shown: "preset's", help: 'stacked LSTM layers' },
  },
});

export const CHARRNN_SAMPLE = defineCommand({ ...GPT_SAMPLE, name: 'charrnn sample', summary: 'generate text from a char-rnn checkpoint, streaming each character as it is sampled',
  options: { ...GPT_SAMPLE.options, checkpoint: { ...GPT_SAMPLE.options.checkpoint, help: 'run folder or step folder of a char-rnn checkpoint (required)' } },
});

export function charrnnTrain(argv: string[], io: CliIO = consoleIO): { val: number; sample: string } {
  const o = parseOptions(CHARRNN_TRAIN, argv);
  const out = o.out ?? RUN.folder(o.config);
  const result = withRun(CHARRNN_TRAIN.name, out, o, 'charrnn', (resume, keep) => trainLanguageModel(prepareRun(o, out, resume, keep, io)));
  logNextSteps(io, out, 'charrnn sample --checkpoint');
  return result;
}

/** charrnnTrain on a GPU (the backend set by --device): the same run, with each read-back awaited. */
export async function charrnnTrainAsync(argv: string[], io: CliIO = consoleIO): Promise<{ val: number; sample: string }> {
  const o = parseOptions(CHARRNN_TRAIN, argv);
  const out = o.out ?? RUN.folder(o.config);
  const result = await withRun(CHARRNN_TRAIN.name, out, o, 'charrnn', (resume, keep) => trainLanguageModelAsync(prepareRun(o, out, resume, keep, io), charLstmFromConfig));
  logNextSteps(io, out, 'charrnn sample --checkpoint');
  return result;
}

/** Builds the char-rnn the flags describe, or takes the checkpoint's settings and state on --resume, to train into `out`. */
function prepareRun(o: ParsedOptions<typeof CHARRNN_TRAIN.options>, out: string, resume: Checkpoint | undefined, keep: number, io: CliIO): LMTrainArgs {
  const command = CHARRNN_TRAIN.name;
  const presetName = o.config;
  const preset = CHARRNN_PRESETS[presetName];
  const { flags, blockSize, dropout } = lmTrainFlags(CHARRNN_TRAIN, o);
  const { 'n-embd': nEmbd, 'n-hidden': nHidden, 'n-layer': nLayer } = o;
  let train: GPTTrainConfig;
  let config: CharLSTMConfig | undefined;
  let dataFile = o.data;
  if (resume) {
    const saved = resume.config.train as GPTTrainConfig;
    config = resume.config.model as CharLSTMConfig;
    const savedData = (resume.config.data as string | null | undefined) ?? undefined;
    checkResume(CHARRNN_TRAIN, out, o, resume.config);
    train = { ...saved, steps: resumedSteps(command, out, saved.steps, resume.trainer.step, o.extend) };
    dataFile = savedData;
  } else {
    train = gptTrainConfig(preset, flags);
  }
  const fingerprint = checkedDataFile(command, out, dataFile, resume, o.strict ?? false, io);
  const { text, source, tokenizer, splits } = lmText(dataFile, resume, o.strict ?? false, io);
  config ??= {
    arch: 'lstm', vocabSize: tokenizer.vocabSize, blockSize: blockSize ?? preset.blockSize, nEmbd: nEmbd ?? preset.nEmbd,
    nHidden: nHidden ?? preset.nHidden, nLayer: nLayer ?? preset.nLayer, dropout: dropout ?? preset.dropout,
  };
  checkValidationSplit(splits, config.blockSize, source);
  const limit = memoryLimit(o['max-memory']);
  checkMemory(`${command}: LSTM n_embd ${config.nEmbd}, n_hidden ${config.nHidden}, ${config.nLayer} layers, block ${config.blockSize}, batch ${train.batchSize}`,
    charLstmTrainingMemory(config, train.batchSize), limit.bytes, limit.name);
  io.log(`data: ${text.length} characters, vocabulary ${tokenizer.vocabSize}, from ${source}`);
  const run = startCharLSTMRun(config, train, resume);
  io.log(`model: char-rnn ${presetName} (n_embd ${config.nEmbd}, LSTM ${config.nLayer} x ${config.nHidden}, block ${config.blockSize}), ${run.model.numParameters()} parameters${resume ? `, resuming at step ${resume.trainer.step} of ${train.steps}` : ''}`);
  const extra = { preset: resume ? resume.config.preset : presetName, data: dataFile === undefined ? null : resolve(dataFile), dataFile: fingerprint };
  return { o, out, keep, io, run, splits, tokenizer, train, extra, recipe: 'charrnn' };
}

const charLstmFromConfig = (config: Record<string, unknown>) => new CharLSTM(config.model as CharLSTMConfig, new Generator(0));

export function charrnnSample(argv: string[], io: CliIO = consoleIO): string {
  return sampleCheckpoint(CHARRNN_SAMPLE, argv, 'charrnn', charLstmFromConfig, io,
    (config) => charLstmParameterCount(config.model as CharLSTMConfig));
}
