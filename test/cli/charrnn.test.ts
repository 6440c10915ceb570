import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CHARRNN_TRAIN, charrnnSample, charrnnTrain } from '../../src/cli/charrnn.js';
import { gptSample, gptTrain } from '../../src/cli/gpt.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { CharLSTM, charLstmParameterCount } from '../../src/models/charrnn/charLstm.js';
import { CHARRNN_PRESETS } from '../../src/models/charrnn/recipe.js';
import { Generator } from '../../src/index.js';
import { corpusPath } from '../helpers.js';
import { assertSameRun, crashResumeAndReference } from './crash.js';
import '../cliBackend.js';

const quiet = { log: () => {}, progress: null };
/** The first 40,000 characters of Tiny Shakespeare: enough for short runs, small enough to load fast. */
function shortText(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'zerograd-charrnn-data-')), 'shakespeare.txt');
  writeFileSync(file, readFileSync(corpusPath('tinyshakespeare.txt'), 'utf8').slice(0, 40_000));
  return file;
}

describe('zerograd charrnn CLI (a char-level LSTM language model)', () => {
  test("the small preset has the PyTorch twin's 217,465 parameters on Tiny Shakespeare's 65 characters", () => {
    const config = { arch: 'lstm' as const, vocabSize: 65, ...CHARRNN_PRESETS.small };
    // scripts/charrnn_torch_twin.py prints 217465 for the same Embedding, nn.LSTM and Linear.
    assert.equal(charLstmParameterCount(config), 217_465);
    assert.equal(new CharLSTM(config, new Generator(0)).numParameters(), 217_465);
  });

  test('trains below a uniform guess and samples a continuation', () => {
    const out = mkdtempSync(join(tmpdir(), 'zerograd-charrnn-'));
    const { val } = charrnnTrain(['--data', shortText(), '--config', 'tiny', '--steps', '60', '--eval-iters', '5', '--sample-tokens', '10',
      '--lr', '1e-2', '--out', out], quiet);
    assert.ok(val < Math.log(60), `val ${val} should beat a uniform guess`);
    const text = charrnnSample(['--checkpoint', out, '--prompt', 'ROMEO:', '--max-new-tokens', '30', '--top-k', '5'], quiet);
    assert.ok(text.startsWith('ROMEO:'));
    assert.equal(text.length, 36);
    assert.ok(loadCheckpoint(out).model.has('lstm.weight_hh_l0'));
  });

  test('a run killed (SIGKILL) after a checkpoint resumes to exactly the weights and evaluations of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-charrnn-resume-'));
    const common = ['--data', shortText(), '--config', 'tiny', '--steps', '120', '--eval-every', '30', '--eval-iters', '2',
      '--checkpoint-every', '30', '--sample-tokens', '40', '--dropout', '0.1', '--n-layer', '2'];
    const run = await crashResumeAndReference(CHARRNN_TRAIN, common, dir, (argv) => charrnnTrain(argv, quiet));
    assert.ok(run.killedAt < 120, `the run was interrupted at step ${run.killedAt}`);
    assertSameRun(run.reference, run.crashed);
    assert.equal(run.resumed.sample, run.straight.sample);
  });

  test('a GPT checkpoint given to charrnn sample (and the reverse) is an error naming both recipes', () => {
    const data = shortText();
    const gpt = mkdtempSync(join(tmpdir(), 'zerograd-charrnn-gpt-'));
    gptTrain(['--data', data, '--config', 'tiny', '--steps', '2', '--eval-iters', '1', '--sample-tokens', '1', '--out', gpt], quiet);
    assert.throws(() => charrnnSample(['--checkpoint', gpt], quiet), /holds a 'gpt' checkpoint, not a 'charrnn' one/);
    const lstm = mkdtempSync(join(tmpdir(), 'zerograd-charrnn-lstm-'));
    charrnnTrain(['--data', data, '--config', 'tiny', '--steps', '2', '--eval-iters', '1', '--sample-tokens', '1', '--out', lstm], quiet);
    assert.throws(() => gptSample(['--checkpoint', lstm], quiet), /holds a 'charrnn' checkpoint, not a 'gpt' one/);
    assert.throws(() => charrnnTrain(['--data', data, '--n-layer', '0', '--out', `${lstm}-bad`], quiet), /--n-layer/);
  });
});
