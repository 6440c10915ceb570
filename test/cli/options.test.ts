// One declaration per option: the parser's typed values, defaults and bounds, a run's settings and --resume's
// contradiction check all come from it.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { UsageError, commandHelp, parseOptions } from '../../src/cli/args.js';
import { CHARRNN_TRAIN } from '../../src/cli/charrnn.js';
import { GPT_FINETUNE } from '../../src/cli/finetune.js';
import { GPT_TRAIN } from '../../src/cli/gpt.js';
import { settingsFrom } from '../../src/cli/options.js';
import { checkResume } from '../../src/cli/run.js';
import { VISION_TRAIN } from '../../src/cli/vision.js';

describe('option declarations', () => {
  test('parsing gives typed values within their bounds, with the declared defaults, and says which options were given', () => {
    const o = parseOptions(GPT_TRAIN, ['--lr', '2e-3', '--steps', '40', '--tie-weights']);
    assert.deepEqual([o.lr, o.steps, o['tie-weights'], o.config, o.seed, o.keep, o['block-size']], [0.002, 40, true, 'tiny', 1337, 2, undefined]);
    assert.deepEqual([...o.given].sort(), ['lr', 'steps', 'tie-weights']);
    assert.deepEqual(parseOptions(GPT_FINETUNE, ['--targets', 'c_attn, c_proj,']).targets, ['c_attn', 'c_proj']);
    assert.throws(() => parseOptions(GPT_TRAIN, ['--keep', '0']), (e) => e instanceof UsageError && e.message === "--keep: expected a decimal integer from 1 to 1000, got '0'");
    assert.throws(() => parseOptions(GPT_TRAIN, ['--dropout', '1']), /--dropout: expected a number up to 0.99, got '1'/);
    assert.throws(() => parseOptions(GPT_TRAIN, ['--schedule', 'linear']), /--schedule: expected one of cosine, constant, got 'linear'/);
    assert.match(commandHelp(VISION_TRAIN, 200), /--lr <X> +Adam's learning rate \(constant, as the course\) \(default: 0\.001\)/);
  });

  test("a run's settings are read from the options by their keys", () => {
    const o = parseOptions(GPT_TRAIN, ['--steps', '40', '--block-size', '16', '--sample-tokens', '5']);
    assert.deepEqual(settingsFrom(GPT_TRAIN.options, o, 'train'), { steps: 40, schedule: 'cosine', evalIters: 50, seed: 1337 });
    assert.deepEqual(settingsFrom(GPT_TRAIN.options, o, 'model'), { blockSize: 16 });
  });

  test('--resume refuses a given option that contradicts the setting its key names, and nothing else', () => {
    const saved = { preset: 'small', data: resolve('text.txt'), train: { steps: 20, seed: 7 }, model: { nEmbd: 32, nHidden: 64, nLayer: 1 } };
    const check = (argv: string[]) => checkResume(CHARRNN_TRAIN, 'run', parseOptions(CHARRNN_TRAIN, argv), saved);
    assert.throws(() => check(['--n-hidden', '99']), /^Error: charrnn train: --n-hidden 99 contradicts the checkpoint in run, which has 64; drop the flag/);
    assert.throws(() => check(['--config', 'tiny']), /--config tiny contradicts the checkpoint in run, which has small/);
    assert.throws(() => check(['--data', 'other.txt']), /--data .*other\.txt contradicts the checkpoint in run, which has .*text\.txt/);
    assert.throws(() => checkResume(CHARRNN_TRAIN, 'run', parseOptions(CHARRNN_TRAIN, ['--data', 'text.txt']), { ...saved, data: null }),
      /--data .*text\.txt contradicts the checkpoint in run, which has the embedded names;/);
    // Repeating a setting is fine, a relative path is compared resolved, and a default the user did not give (seed 1337) is not checked.
    check(['--n-hidden', '64', '--steps', '20', '--data', 'text.txt', '--config', 'small', '--keep', '5']);
  });
});
