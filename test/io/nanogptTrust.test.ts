// A pickle can make its loader call any function it names, so `gpt import` reads nanoGPT's ckpt.pt and meta.pkl
// without running code from them; and `gpt export` hands nanoGPT a folder with only the files train.py reads.
// Like the hand-off test, this needs /usr/bin/python3 with torch and skips without it, unless ZEROGRAD_REQUIRE_TORCH=1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { gptTrain } from '../../src/cli/gpt.js';
import { gptExport, gptImport } from '../../src/cli/nanogpt.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { corpusPath, projectRoot } from '../helpers.js';

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch && process.env.ZEROGRAD_REQUIRE_TORCH) throw new Error('the nanoGPT trust test must run here, but /usr/bin/python3 has no torch');
const skip = hasTorch ? false : '/usr/bin/python3 has no torch (Debian: python3-torch)';

const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');
const quiet = { log: () => {}, progress: null };

// In folder ckpt, ckpt.pt runs `touch ckpt/payload-ran` when unpickled; in folder meta, meta.pkl does. The other file is harmless.
const MAKE_FILES = `
import os, pickle, shlex, sys, torch
folder = sys.argv[1]
class Payload:
    def __init__(self, marker):
        self.marker = marker
    def __reduce__(self):
        return (os.system, (f"touch {shlex.quote(self.marker)}",))
meta = {"vocab_size": 2, "itos": {0: "a", 1: "b"}, "stoi": {"a": 0, "b": 1}}
harmless = {"model": {"transformer.wte.weight": torch.zeros(2, 4)}, "iter_num": 0, "best_val_loss": 1e9, "config": {"learning_rate": 6e-4}}
for name in ["ckpt", "meta"]:
    payload = Payload(os.path.join(folder, name, "payload-ran"))
    os.makedirs(os.path.join(folder, name))
    torch.save({**harmless, "model_args": payload} if name == "ckpt" else harmless, os.path.join(folder, name, "ckpt.pt"))
    with open(os.path.join(folder, name, "meta.pkl"), "wb") as f:
        pickle.dump({**meta, "itos": payload} if name == "meta" else meta, f)
`;

describe('nanoGPT files are data, never code', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'zerograd-nanogpt-trust-'));
  const made = hasTorch ? spawnSync('/usr/bin/python3', ['-c', MAKE_FILES, dir], { encoding: 'utf8' }) : null;

  for (const [hostile, refused] of [['ckpt', 'ckpt.pt'], ['meta', 'meta.pkl']]) {
    test(`a ${refused} that would run a command is refused in one line naming it, and the command never runs`, () => {
      assert.equal(made?.status, 0, made?.stderr);
      const out = join(dir, `${hostile}-imported`);
      const result = spawnSync(process.execPath, [bin, 'gpt', 'import', '--from', 'nanogpt', join(dir, hostile, 'ckpt.pt'), '--out', out],
        { encoding: 'utf8' });
      assert.equal(existsSync(join(dir, hostile, 'payload-ran')), false, 'the payload ran');
      assert.equal(result.status, 1, result.stderr);
      assert.ok(result.stderr.startsWith(`error: ${join(dir, hostile, refused)}: refused (`), result.stderr);
      assert.match(result.stderr, /^[^\n]*posix\.system[^\n]*\n$/);
      assert.equal(existsSync(out), false);
    });
  }
});

describe('gpt export --format nanogpt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zerograd-nanogpt-export-'));
  const data = join(dir, 'text.txt');
  writeFileSync(data, readFileSync(corpusPath('tinyshakespeare.txt'), 'utf8').slice(0, 200));
  const run = join(dir, 'run');
  before(() => gptTrain(['--data', data, '--tie-weights', '--steps', '2', '--batch-size', '2', '--eval-every', '2', '--eval-iters', '1',
    '--out', run, '--sample-tokens', '1'], quiet));

  /** Exports with TMPDIR (and ZEROGRAD_PYTHON) set for the call; returns what the call left in TMPDIR. */
  function exportWith(out: string, python?: string): { leftover: string[]; error?: Error } {
    const temporary = join(dir, `tmp-${basename(out)}`);
    mkdirSync(temporary);
    const saved = { TMPDIR: process.env.TMPDIR, ZEROGRAD_PYTHON: process.env.ZEROGRAD_PYTHON };
    process.env.TMPDIR = temporary;
    if (python) process.env.ZEROGRAD_PYTHON = python;
    try {
      gptExport(['--checkpoint', run, '--format', 'nanogpt', '--out', out], quiet);
      return { leftover: readdirSync(temporary) };
    } catch (error) {
      return { leftover: readdirSync(temporary), error: error as Error };
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }

  test('leaves the nanoGPT folder holding only what train.py reads, and no temporary files; the files import back', { skip }, () => {
    const out = join(dir, 'nanogpt');
    const { leftover, error } = exportWith(out);
    assert.equal(error, undefined);
    assert.deepEqual(readdirSync(out).sort(), ['ckpt.pt', 'meta.pkl', 'train.bin', 'val.bin']);
    assert.deepEqual(leftover, []);
    // Honest files, floats and all, pass the restricted loaders.
    gptImport(['--from', 'nanogpt', join(out, 'ckpt.pt'), '--out', join(dir, 'back')], quiet);
    assert.equal(loadCheckpoint(join(dir, 'back')).trainer.step, 2);
  });

  test('removes its temporary files when the converter fails', () => {
    const out = join(dir, 'failed');
    const { leftover, error } = exportWith(out, '/bin/false');
    assert.match(error?.message ?? '', /\/bin\/false .*nanogpt_handoff\.py export .* failed/);
    assert.deepEqual(leftover, []);
    assert.deepEqual(readdirSync(out).sort(), ['train.bin', 'val.bin']);
  });
});
