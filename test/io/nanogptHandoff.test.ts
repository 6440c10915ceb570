// The hand-off to PyTorch, end to end: zerograd trains, nanoGPT's own train.py resumes the run, zerograd takes it
// back. nanoGPT's code is third-party and stays outside the repository, in ../shared/reference/nanoGPT; this is the
// one test that reads there. It skips when that code or torch is absent, unless ZEROGRAD_REQUIRE_TORCH=1 (.ci/run).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { setBackend } from '../../src/backend/registry.js';
import { gptSample, gptTrain } from '../../src/cli/gpt.js';
import { gptExport, gptImport } from '../../src/cli/nanogpt.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { corpusPath, projectRoot } from '../helpers.js';

const NANOGPT = resolve(projectRoot(), '..', 'shared', 'reference', 'nanoGPT');
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const missing = !existsSync(join(NANOGPT, 'train.py')) ? `nanoGPT's code is not at ${NANOGPT}` : !hasTorch ? '/usr/bin/python3 has no torch (Debian: python3-torch)' : null;
if (missing && process.env.ZEROGRAD_REQUIRE_TORCH) throw new Error(`the nanoGPT hand-off test must run here, but ${missing}`);

const quiet = { log: () => {}, progress: null };

describe('the hand-off to nanoGPT and back', { skip: missing ?? false }, () => {
  test('50 steps here, 20 more in nanoGPT\'s train.py (same loss at resume), then back for sampling', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-nanogpt-'));
    // 90 characters: the validation split (last 10%) is 9 tokens, one block of 8 and its targets, so both
    // nanoGPT's and zerograd's evaluation read exactly that window and their losses can be compared to 1e-3.
    const data = join(dir, 'text.txt');
    writeFileSync(data, readFileSync(corpusPath('tinyshakespeare.txt'), 'utf8').slice(0, 90));
    const run = join(dir, 'run');
    const lines: string[] = [];
    const previous = setBackend(createWasmBackend({ threads: 1 }));
    try {
      gptTrain(['--data', data, '--tie-weights', '--steps', '50', '--batch-size', '4', '--eval-every', '50', '--eval-iters', '2',
        '--schedule', 'cosine', '--lr', '1e-2', '--out', run, '--sample-tokens', '1'], { ...quiet, log: (l) => lines.push(l) });
    } finally {
      setBackend(previous);
    }
    const zerogradVal = Number(/^step 50: train loss [\d.]+, val loss ([\d.]+)$/m.exec(lines.join('\n'))![1]);

    const exported = join(dir, 'export');
    const said: string[] = [];
    gptExport(['--checkpoint', run, '--format', 'nanogpt', '--out', exported], { ...quiet, log: (l) => said.push(l) });
    for (const file of ['ckpt.pt', 'meta.pkl', 'train.bin', 'val.bin']) assert.ok(existsSync(join(exported, file)), file);
    assert.match(said.join('\n'), /python train\.py --init_from=resume --out_dir=\S+ --dataset=\S+/);
    assert.match(said.join('\n'), /torchrun --standalone --nproc_per_node=8 train\.py --init_from=resume/);

    // nanoGPT's own train.py, from a scratch copy (it reads configurator.py from its working directory).
    const work = mkdtempSync(join(tmpdir(), 'nanogpt-work-'));
    for (const file of ['train.py', 'model.py', 'configurator.py']) copyFileSync(join(NANOGPT, file), join(work, file));
    const nanogpt = spawnSync('/usr/bin/python3', ['train.py', '--init_from=resume', `--out_dir=${exported}`, `--dataset=${exported}`,
      '--device=cpu', '--compile=False', '--dtype=float32', '--batch_size=4', '--block_size=8', '--eval_interval=10', '--eval_iters=2',
      '--max_iters=70', '--learning_rate=0.01', '--min_lr=0.001', '--warmup_iters=5', '--lr_decay_iters=50', '--beta2=0.99',
      '--dropout=0.0', '--gradient_accumulation_steps=1', '--always_save_checkpoint=True', '--log_interval=10'],
    { cwd: work, encoding: 'utf8', env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    assert.equal(nanogpt.status, 0, nanogpt.stderr);
    const resumed = /^step 50: train loss [\d.]+, val loss ([\d.]+)$/m.exec(nanogpt.stdout);
    assert.ok(resumed, nanogpt.stdout);
    assert.ok(Math.abs(Number(resumed[1]) - zerogradVal) < 1e-3, `nanoGPT's loss at resume ${resumed[1]} vs zerograd's ${zerogradVal}`);
    assert.match(nanogpt.stdout, /^step 70: train loss [\d.]+, val loss [\d.]+$/m, 'nanoGPT trained on to step 70');
    assert.match(nanogpt.stdout, /^iter 60: loss [\d.]+/m);

    const back = join(dir, 'back');
    gptImport(['--from', 'nanogpt', join(exported, 'ckpt.pt'), '--out', back, '--data', data], quiet);
    const imported = loadCheckpoint(back);
    assert.equal(imported.trainer.step, 70);
    // wte, wpe, ln_f (2) and 12 tensors in each of 3 blocks: 40 parameters, two moments each.
    assert.equal(imported.optimizer.size, 2 * 40, 'AdamW moments of every parameter came back');
    const text = gptSample(['--checkpoint', back, '--prompt', 'First', '--max-new-tokens', '20'], quiet);
    assert.equal(text.length, 25);
    assert.ok(text.startsWith('First'));
  });
});
