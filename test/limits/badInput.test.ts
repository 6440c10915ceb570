// Bad input of every kind fails fast, with one line naming what is wrong, and allocates nothing large first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { referenceBackend } from '../../src/backend/reference/index.js';
import { setBackend } from '../../src/backend/registry.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { gptTrain } from '../../src/cli/gpt.js';
import { makemoreTrain } from '../../src/cli/makemore.js';
import { tagTrain } from '../../src/cli/tag.js';
import { visionTrain } from '../../src/cli/vision.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { GPT, gptParameterCount, lectureGPTConfig } from '../../src/models/gpt/gpt.js';
import { Linear } from '../../src/nn/linear.js';
import { AdamW } from '../../src/optim/adamw.js';
import { arenaStep } from '../../src/tensor/arena.js';
import { tensor, zeros } from '../../src/tensor/creation.js';
import { ZerogradError } from '../../src/core/errors.js';
import { Generator } from '../../src/core/random.js';
import { projectRoot } from '../helpers.js';

const quiet = { log: () => {}, progress: null };
const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'zerograd-limits-'));

/** Runs the command line, with a memory cap on the process so a runaway allocation fails the test instead of the machine. */
function cli(args: string[]) {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--max-old-space-size=512', bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 20_000 });
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

describe('hard limits on bad input', () => {
  test('sizes far beyond the machine are refused with the estimate before anything is allocated', () => {
    const cases: [string[], RegExp][] = [
      [['makemore', 'train', '--n-embd', '1000000', '--steps', '1'],
        /makemore train: mlp n_embd 1000000, n_hidden 200, block 3: about 6\.27e\+8 parameters; one step's activations and its largest weight \(6\.00e\+8 elements\) need about 7\.1 GiB of kernel memory, more than the 4 GiB WebAssembly addresses/],
      [['makemore', 'train', '--n-embd', '1000', '--n-hidden', '1000', '--steps', '1', '--max-memory', '100M'],
        /about 8\.05e\+6 parameters would need about 125 MiB to train, more than --max-memory 100M \(100 MiB\)/],
      [['gpt', 'train', '--config', 'seed', '--batch-size', '4096'], /gpt train: GPT n_embd 384, 6 layers, block 256, batch 4096: about 1\.08e\+7 parameters would need about .* to train/],
      [['makemore', 'train', '--steps', '1', '--max-memory', 'lots'], /--max-memory: expected a byte count such as 512M or 8G, got 'lots'/],
    ];
    for (const [args, message] of cases) {
      const result = cli(args);
      assert.notEqual(result.status, 0, args.join(' '));
      assert.match(result.stderr, message);
      assert.ok(result.seconds < 5, `${args.join(' ')} took ${result.seconds} s`);
    }
  });

  test('a GPT config is checked field by field before any weight is made', () => {
    const base = lectureGPTConfig({ vocabSize: 65, blockSize: 8, nEmbd: 32, nHead: 4, nLayer: 3, dropout: 0 });
    assert.equal(gptParameterCount(base), new GPT(base, new Generator(0)).numParameters());
    const tied = { ...base, bias: false, tieWeights: true };
    assert.equal(gptParameterCount(tied), new GPT(tied, new Generator(0)).numParameters());
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ nLayer: 1e9 }, /GPT: invalid config: 1\.27e\+13 parameters \(46 TiB of weights\) is beyond any model this library trains/],
      [{ activation: 'swish' }, /GPT: invalid config: activation must be one of gelu, relu, got "swish"/],
      [{ nHead: 5 }, /nEmbd 32 is not divisible by nHead 5/],
      [{ blockSize: 0 }, /blockSize must be a positive integer, got 0/],
      [{ dropout: 1.5 }, /dropout must be in \[0, 1\), got 1\.5/],
    ];
    for (const [change, message] of cases) {
      const started = performance.now();
      assert.throws(() => new GPT({ ...base, ...change } as typeof base, new Generator(0)), message);
      assert.ok(performance.now() - started < 100);
    }
  });

  test('a tensor too large to hold is a ZerogradError naming the shape and bytes', () => {
    assert.throws(() => zeros([1e6, 1e6]), (error: Error) => error instanceof ZerogradError
      && /full: shape \[1000000, 1000000\] has 1000000000000 elements \(4000000000000 bytes\), more than one tensor may hold/.test(error.message));
    assert.throws(() => zeros([3e9], { dtype: 'float64' }), /24000000000 bytes/);
  });

  test('backward() twice through one graph is an error unless the first kept it (retainGraph)', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const loss = w.mul(w).sum();
    loss.backward();
    assert.throws(() => loss.backward(), /backward: trying to backward through the graph a second time/);
    assert.deepEqual(w.grad!.toFlatArray(), [2, 4, 6], 'the refused pass accumulated nothing');
    const again = w.mul(w).sum();
    again.backward({ retainGraph: true });
    again.backward();
    assert.deepEqual(w.grad!.toFlatArray(), [6, 12, 18]);
  });

  for (const [name, make] of [['reference', () => referenceBackend], ['wasm', () => createWasmBackend({ threads: 1 })]] as const) {
    test(`${name} backend: a tensor kept past arenaStep throws the same error`, () => {
      const previous = setBackend(make());
      try {
        const leaf = tensor([1, 2], { requiresGrad: true });
        let escaped = zeros([1]);
        const value = arenaStep(() => {
          escaped = leaf.mul(2).add(1);
          escaped.sum().backward();
          return escaped.sum().item();
        });
        assert.equal(value, 8);
        assert.throws(() => escaped.toFlatArray(), /a tensor of shape \[2\] was made inside arenaStep and released when it returned/);
        assert.deepEqual(leaf.grad!.toFlatArray(), [2, 2], 'leaf gradients outlive the step');
      } finally {
        setBackend(previous);
      }
    });
  }

  test('AdamW keeps float64 moments for float64 parameters', () => {
    const p = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const q = tensor([1, 2], { requiresGrad: true });
    const optimizer = new AdamW([p, q], 0.1);
    p.mul(p).sum().add(q.sum()).backward();
    optimizer.step();
    const state = optimizer.stateTensors();
    assert.ok(state.get('exp_avg.0') instanceof Float64Array);
    assert.ok(state.get('exp_avg_sq.0') instanceof Float64Array);
    assert.ok(state.get('exp_avg.1') instanceof Float32Array);
    assert.equal(state.get('exp_avg.0')![0], (1 - 0.9) * 2, 'float64 arithmetic, not rounded to float32');
  });

  test('safetensors: integers never load into float parameters; repeated keys and wrong arguments are refused', () => {
    const layer = new Linear(2, 1, { generator: new Generator(0) });
    const ints = new Map([['weight', tensor(Int32Array.from([1065353216, 2]), { shape: [1, 2] })], ['bias', zeros([1])]]);
    const file = parseSafetensors(serializeSafetensors(ints), 'ints.safetensors').tensors;
    assert.throws(() => layer.loadStateDict(file), /loadStateDict: 'weight' is int32 in the checkpoint but float32 in the model/);
    const doubles = new Map([['weight', tensor([[0.1, 0.2]], { dtype: 'float64' })], ['bias', zeros([1], { dtype: 'float64' })]]);
    layer.loadStateDict(doubles);
    assert.deepEqual(layer.weight.toFlatArray(), [Math.fround(0.1), Math.fround(0.2)], 'float64 converts by value');

    const bytes = serializeSafetensors(new Map([['a', zeros([1])]]));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));
    const twice = header.replace('{"a":', '{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":');
    const rebuilt = new Uint8Array(8 + twice.length + 4);
    new DataView(rebuilt.buffer).setBigUint64(0, BigInt(twice.length), true);
    rebuilt.set(new TextEncoder().encode(twice), 8);
    assert.throws(() => parseSafetensors(rebuilt, 'twice.safetensors'), /twice\.safetensors: invalid safetensors file: the header names 'a' twice/);
    assert.throws(() => parseSafetensors(null as unknown as Uint8Array), /parseSafetensors: expected the file's bytes as a Uint8Array \(or ArrayBuffer\), got null/);
    assert.throws(() => parseSafetensors('file.safetensors' as unknown as Uint8Array), /got string/);
    assert.equal(parseSafetensors(bytes.slice().buffer).tensors.get('a')!.size, 1, 'an ArrayBuffer is accepted');
  });

  test('vision train --data DIR: a 33-byte .gz whose IDX header claims 7e9 bytes is refused from the header', () => {
    const mnist = join(dir, 'lying-mnist');
    mkdirSync(mnist);
    const header = Buffer.alloc(16);
    [0x0803, 7000, 1000, 1000].forEach((v, i) => header.writeUInt32BE(v, 4 * i));
    writeFileSync(join(mnist, 'train-images-idx3-ubyte.gz'), gzipSync(header));
    writeFileSync(join(mnist, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 0])));
    const started = performance.now();
    assert.throws(() => visionTrain(['--data', mnist, '--out', join(dir, 'lying-run')], quiet),
      /lying-mnist\/train-images-idx3-ubyte\.gz: its header declares 7000 x 1000 x 1000 = 7000000000 bytes of data, more than the limit of 1073741824 \(1 GiB\)/);
    assert.ok(performance.now() - started < 500);
  });

  test('a checkpoint whose config.json was edited to describe a 6 GB model beside 160 KB of weights is refused before the model is built', () => {
    const out = join(dir, 'edited-config');
    gptTrain(['--steps', '2', '--eval-iters', '1', '--sample-tokens', '1', '--out', out], quiet);
    const step = join(out, 'step-00000002');
    const config = JSON.parse(readFileSync(join(step, 'config.json'), 'utf8'));
    config.model = { ...config.model, nEmbd: 8000, nLayer: 2 };
    writeFileSync(join(step, 'config.json'), JSON.stringify(config));
    rmSync(join(step, 'checksums.json'));   // as a crafted checkpoint would come, without them
    const result = cli(['gpt', 'sample', '--checkpoint', out, '--max-new-tokens', '5']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error: .*edited-config: config\.json describes a model of 1\.5\de\+9 parameters, but model\.safetensors holds \d+ values; the checkpoint is inconsistent\n$/);
    assert.ok(result.seconds < 10, `${result.seconds} s`);
  });

  test('a 500-token sentence trains within --max-length 32: it is split, not a 4 GB model', () => {
    const long = Array.from({ length: 500 }, (_, i) => `w${i % 7} ${i % 7 === 0 ? 'B-x' : 'O'}`).join('\n');
    const short = Array.from({ length: 30 }, (_, i) => `fly O\nto O\ncity${i % 3} B-x\n`).join('\n');
    const [file, val, test] = ['long.conll', 'val.conll', 'test.conll'].map((name) => join(dir, name));
    writeFileSync(file, `${long}\n\n${short}`);
    writeFileSync(val, short);
    writeFileSync(test, `${short}\n${long}\n`);
    const lines: string[] = [];
    const result = tagTrain(['--data', file, '--val', val, '--test', test, '--max-length', '32', '--steps', '5', '--n-embd', '16', '--n-layer', '1',
      '--out', join(dir, 'tag-long')], { log: (l) => lines.push(l), progress: null });
    assert.ok(lines.includes('note: sentences longer than 32 tokens are split into pieces of 32 (15 extra pieces)'), lines.join('\n'));
    assert.ok(lines.some((l) => /^data: 31 sentences .*; split 31\/30\/31$/.test(l)), 'all of --data trains when --val and --test are given');
    assert.ok(lines.some((l) => /^model: .*, \d+ parameters$/.test(l)));
    assert.ok(result.all >= 0 && result.all <= 1, 'the test file, with its 500-token sentence, is tagged piece by piece');
  });

  test('text that is not UTF-8 is warned about with a count, and refused under --strict', () => {
    const binary = join(dir, 'binary.txt');
    writeFileSync(binary, Buffer.concat([Buffer.from('anna\nbob\ncarl\ndave\n'), Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x0a]), Buffer.from('eve\nfred\n')]));
    const warnings: string[] = [];
    makemoreTrain(['--data', binary, '--steps', '1', '--samples', '0', '--out', join(dir, 'binary-run')], { ...quiet, warn: (w) => warnings.push(w) });
    assert.deepEqual(warnings, [`${binary}: 3 byte sequence(s) are not valid UTF-8 (read as U+FFFD); is it a binary file or another encoding?`]);
    assert.throws(() => makemoreTrain(['--data', binary, '--strict', '--out', join(dir, 'binary-strict')], quiet), /not valid UTF-8 .*\(refused under --strict\)/);
    const gptWarnings: string[] = [];
    writeFileSync(join(dir, 'binary-gpt.txt'), Buffer.concat([Buffer.alloc(200, 'to be or not to be\n'), Buffer.from([0xc3, 0x28])]));
    assert.throws(() => gptTrain(['--data', join(dir, 'binary-gpt.txt'), '--strict', '--out', join(dir, 'g')], { ...quiet, warn: (w) => gptWarnings.push(w) }),
      /binary-gpt\.txt: 1 byte sequence\(s\) are not valid UTF-8/);
  });
});
