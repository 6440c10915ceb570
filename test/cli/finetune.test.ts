import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { GPT_FINETUNE, gptFinetune } from '../../src/cli/finetune.js';
import { gptSample, gptTrain } from '../../src/cli/gpt.js';
import { makemoreTrain } from '../../src/cli/makemore.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { corpusPath } from '../helpers.js';
import { assertSameRun, crashResumeAndReference } from './crash.js';
import '../cliBackend.js';

const quiet = { log: () => {}, progress: null };

/** A GPT pre-trained briefly on the start of Tiny Shakespeare (with `extra` flags), and a names file to fine-tune it on. */
function setup(extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'zerograd-finetune-'));
  const old = join(dir, 'shakespeare.txt');
  writeFileSync(old, readFileSync(corpusPath('tinyshakespeare.txt'), 'utf8').slice(0, 30_000));
  const names = join(dir, 'names.txt');
  writeFileSync(names, `${readFileSync(corpusPath('names.txt'), 'utf8').split('\n').slice(0, 3000).join('\n')}\n`);
  const pre = join(dir, 'pre');
  gptTrain(['--data', old, '--config', 'tiny', '--steps', '60', '--eval-iters', '2', '--sample-tokens', '1', '--lr', '1e-2', '--out', pre, ...extra], quiet);
  return { dir, old, names, pre };
}

describe('zerograd gpt finetune', () => {
  test('full and LoRA fine-tunes learn the new text; LoRA trains r (in + out) per layer and leaves the base weights bit-identical', () => {
    const { dir, names, pre } = setup();
    const common = ['--checkpoint', pre, '--data', names, '--steps', '60', '--eval-every', '60', '--eval-iters', '4', '--sample-tokens', '1'];
    const lines: string[] = [];
    const full = gptFinetune([...common, '--lr', '3e-3', '--out', join(dir, 'full')], { ...quiet, log: (l) => lines.push(l) });
    assert.equal(full.trainable, [...loadCheckpoint(pre).model.values()].reduce((n, t) => n + t.size, 0), 'every weight trains');
    assert.match(lines.join('\n'), /fine-tuning every weight: \d+ of \d+ parameters train; AdamW state [\d.]+ KiB/);
    assert.match(lines.join('\n'), /new text val loss \d\.\d{4}; the pre-trained text's val loss \d\.\d{4} before, \d\.\d{4} after/);

    const adapter = join(dir, 'adapter');
    const lora = gptFinetune([...common, '--lr', '1e-2', '--lora', '2', '--targets', 'c_attn,c_fc', '--out', join(dir, 'lora'), '--adapter-out', adapter], quiet);
    // c_attn (32 -> 96) and c_fc (32 -> 128) in each of 3 blocks, rank 2.
    assert.equal(lora.trainable, 3 * 2 * ((32 + 96) + (32 + 128)));
    assert.ok(lora.val < Math.log(65), `LoRA val ${lora.val}`);
    const before = loadCheckpoint(pre).model;
    const after = loadCheckpoint(join(dir, 'lora')).model;
    for (const [name, t] of before) {
      const key = after.has(name) ? name : name.replace(/\.(weight|bias)$/, '.base_layer.$1');
      assert.deepEqual(after.get(key)!.toFlatArray(), t.toFlatArray(), `${name} moved`);
    }
    assert.ok(existsSync(join(adapter, 'adapter_model.safetensors')));
    assert.deepEqual(JSON.parse(readFileSync(join(adapter, 'adapter_config.json'), 'utf8')).target_modules, ['c_attn', 'c_fc']);
    // gpt sample rebuilds the LoRA layers from the checkpoint.
    assert.equal(gptSample(['--checkpoint', join(dir, 'lora'), '--prompt', 'an', '--max-new-tokens', '10'], quiet).length, 12);
  });

  test('a LoRA fine-tune of a model with dropout, killed (SIGKILL) after a checkpoint, resumes to exactly the weights and sample of an uninterrupted one', async () => {
    // The pre-trained model's dropout draws from a generator of the fine-tune's own, which the checkpoint must carry.
    const { dir, names, pre } = setup(['--dropout', '0.2']);
    const common = ['--checkpoint', pre, '--data', names, '--lora', '4', '--steps', '80', '--eval-every', '20', '--eval-iters', '2',
      '--checkpoint-every', '20', '--sample-tokens', '40'];
    const run = await crashResumeAndReference(GPT_FINETUNE, common, dir, (argv) => gptFinetune(argv, quiet));
    assert.ok(run.killedAt < 80, `the run was interrupted at step ${run.killedAt}`);
    assertSameRun(run.reference, run.crashed);
    assert.equal(run.resumed.sample, run.straight.sample);
  });

  test('bad input: a character outside the vocabulary names file and line; a checkpoint of the wrong kind; targets the model lacks', () => {
    const { dir, names, pre } = setup();
    const odd = join(dir, 'odd.txt');
    writeFileSync(odd, 'anna\nbob\nzoë\n');
    assert.throws(() => gptFinetune(['--checkpoint', pre, '--data', odd, '--out', join(dir, 'x')], quiet), /odd\.txt line 3: character "ë" is not in the pre-trained model's vocabulary/);
    const makemore = join(dir, 'makemore');
    makemoreTrain(['--model', 'mlp', '--steps', '2', '--samples', '0', '--out', makemore], quiet);
    assert.throws(() => gptFinetune(['--checkpoint', makemore, '--data', names, '--out', join(dir, 'y')], quiet), /holds a 'makemore' checkpoint, not a 'gpt' one/);
    assert.throws(() => gptFinetune(['--checkpoint', pre, '--data', names, '--lora', '2', '--targets', 'q_proj', '--out', join(dir, 'z')], quiet),
      /target module 'q_proj' not in the model; its Linear layers are named 'c_attn', 'c_proj', 'c_fc', 'lm_head'/);
    assert.throws(() => gptFinetune(['--checkpoint', pre, '--data', names, '--lora', '64', '--out', join(dir, 'w')], quiet), /rank must be an integer from 1 to min\(in, out\) = 32, got 64/);
    assert.throws(() => gptFinetune(['--checkpoint', pre, '--data', names, '--targets', 'c_attn', '--out', join(dir, 'v')], quiet), /--lora-alpha and --targets go with --lora RANK/);
  });
});
