import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Generator, Linear, Module, randint, randn } from '../../src/index.js';
import { loadLoRAAdapter, saveLoRAAdapter } from '../../src/io/peft.js';
import { serializeSafetensors } from '../../src/io/safetensors.js';
import { GPT, lectureGPTConfig } from '../../src/models/gpt/gpt.js';
import { LoRALinear, applyLoRA, loraLayers, mergeLoRA, unmergeLoRA } from '../../src/nn/lora.js';
import { AdamW } from '../../src/optim/adamw.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, projectRoot } from '../helpers.js';

const config = lectureGPTConfig({ vocabSize: 20, blockSize: 8, nEmbd: 16, nHead: 2, nLayer: 2, dropout: 0 });
const base = () => new GPT(config, new Generator(11));
const batch = () => {
  const g = new Generator(12);
  return { x: randint(0, 20, [4, 8], { generator: g }), y: randint(0, 20, [4, 8], { generator: g }) };
};
const snapshot = (m: Module) => new Map([...m.stateDict()].map(([k, v]) => [k, v.toFlatArray()]));

/** A base GPT with LoRA on c_attn and c_proj, trained 30 steps on one batch. */
function trained() {
  const model = base();
  const frozen = snapshot(model);
  const wrapped = applyLoRA(model, { targets: ['c_attn', 'c_proj'], rank: 4, alpha: 8, generator: new Generator(13) });
  const { x, y } = batch();
  // Every parameter goes to the optimizer, as a user would pass model.parameters(): the frozen ones get no gradient.
  const optimizer = new AdamW(model.parameters(), 1e-2, { weightDecay: 0.1 }, () => true);
  const losses: number[] = [];
  for (let i = 0; i < 30; i++) {
    const { loss } = model.forward(x, y);
    optimizer.zeroGrad();
    loss!.backward();
    optimizer.step();
    losses.push(loss!.item());
  }
  return { model, frozen, wrapped, losses };
}

describe('LoRA: W0 frozen, only A and B train', () => {
  test('applyLoRA wraps every target in every block; the model starts exactly as the base (B = 0)', () => {
    const model = base();
    const { x } = batch();
    const before = model.forward(x).logits.toFlatArray();
    const wrapped = applyLoRA(model, { targets: ['c_attn', 'c_proj'], rank: 4 });
    assert.deepEqual(wrapped, ['transformer.h.0.attn.c_attn', 'transformer.h.0.attn.c_proj', 'transformer.h.0.mlp.c_proj',
      'transformer.h.1.attn.c_attn', 'transformer.h.1.attn.c_proj', 'transformer.h.1.mlp.c_proj']);
    assert.deepEqual(model.forward(x).logits.toFlatArray(), before);
    // Trainable: r (in + out) per wrapped layer: c_attn 4 (16 + 48), each c_proj 4 (16 + 16) or 4 (64 + 16).
    assert.equal(model.trainableParameters().reduce((n, p) => n + p.size, 0), 2 * (4 * 64 + 4 * 32 + 4 * 80));
    assert.ok(model.trainableParameters().length === 12 && model.trainableParameters().every((p) => p.shape.includes(4)));
    // Frozen parameters stay parameters: in the state dict under PEFT's base_layer name.
    assert.ok(model.stateDict().has('transformer.h.0.attn.c_attn.base_layer.weight'));
    assert.ok(model.stateDict().has('transformer.h.0.attn.c_attn.lora_A.weight'));
  });

  test('training moves A and B only: every frozen weight is bit-identical afterwards, and the loss falls', () => {
    const { model, frozen, losses } = trained();
    assert.ok(losses.at(-1)! < losses[0] - 0.15, `loss ${losses[0]} -> ${losses.at(-1)}`);
    const after = snapshot(model);
    for (const [name, values] of frozen) {
      const key = after.has(name) ? name : name.replace(/\.(weight|bias)$/, '.base_layer.$1');
      assert.deepEqual(after.get(key), values, `${name} changed`);
    }
    for (const [, layer] of loraLayers(model)) assert.ok(layer.lora_B.weight.abs().max().item() > 0);
  });

  test('merging folds the update in with the same logits; unmerging restores the base weights', () => {
    const { model, frozen } = trained();
    const { x } = batch();
    const unmerged = model.forward(x).logits.toFlatArray();
    mergeLoRA(model);
    assertClose(model.forward(x).logits.toFlatArray(), unmerged, { rtol: 1e-5, atol: 1e-5, what: 'merged logits' });
    unmergeLoRA(model);
    assertClose(model.forward(x).logits.toFlatArray(), unmerged, { rtol: 1e-5, atol: 1e-5, what: 'unmerged logits' });
    const w = (model.stateDict().get('transformer.h.0.attn.c_attn.base_layer.weight') as Tensor).toFlatArray();
    assertClose(w, frozen.get('transformer.h.0.attn.c_attn.weight')!, { atol: 1e-6, what: 'base weight after unmerge' });
  });

  test('adapters save in PEFT layout and load into a fresh base model with the same logits', () => {
    const { model } = trained();
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-lora-'));
    saveLoRAAdapter(model, dir, 'zerograd GPT');
    const adapterConfig = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
    assert.deepEqual([adapterConfig.r, adapterConfig.lora_alpha, adapterConfig.lora_dropout, adapterConfig.target_modules, adapterConfig.peft_type],
      [4, 8, 0, ['c_attn', 'c_proj'], 'LORA']);
    const fresh = base();
    loadLoRAAdapter(fresh, dir);
    const { x } = batch();
    assert.deepEqual(fresh.forward(x).logits.toFlatArray(), model.forward(x).logits.toFlatArray());
  });

  test('an adapter that does not fit the model is an error naming the file and what is wrong', () => {
    const { model } = trained();
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-lora-bad-'));
    saveLoRAAdapter(model, dir);
    const configFile = join(dir, 'adapter_config.json');
    const good = readFileSync(configFile, 'utf8');
    const withConfig = (edit: (c: Record<string, unknown>) => void) => {
      const c = JSON.parse(good);
      edit(c);
      writeFileSync(configFile, JSON.stringify(c));
    };
    withConfig((c) => { c.target_modules = ['q_proj']; });
    assert.throws(() => loadLoRAAdapter(base(), dir), /adapter_config\.json: target module 'q_proj' not in the model; its Linear layers are named 'c_attn', 'c_proj', 'c_fc', 'lm_head'/);
    withConfig((c) => { c.r = 2; });
    assert.throws(() => loadLoRAAdapter(base(), dir), /adapter_model\.safetensors: 'base_model\.model\.transformer\.h\.0\.attn\.c_attn\.lora_A\.weight' is \[4, 16\] but transformer\.h\.0\.attn\.c_attn with r 2 needs \[2, 16\]/);
    withConfig((c) => { c.r = 40; });
    assert.throws(() => loadLoRAAdapter(base(), dir), /adapter_config\.json: rank must be an integer from 1 to min\(in, out\) = 16, got 40/);
    withConfig((c) => { c.target_modules = ['c_attn']; });
    assert.throws(() => loadLoRAAdapter(base(), dir), /tensors for layers the config does not target or the model lacks: base_model\.model\.transformer\.h\.0\.attn\.c_proj/);
    writeFileSync(configFile, '{ "r": ');
    assert.throws(() => loadLoRAAdapter(base(), dir), /adapter_config\.json: not JSON/);
    assert.throws(() => applyLoRA(base(), { targets: ['c_attn'], rank: 0 }), /rank must be an integer from 1/);
  });
});

/** Two Linear layers: the model scripts/peft_lora_check.py builds in PyTorch with the same names. */
class TwoLayer extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(g: Generator) {
    super();
    this.fc1 = new Linear(6, 10, { generator: g });
    this.fc2 = new Linear(10, 3, { generator: g });
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).tanh());
  }
}

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch && process.env.ZEROGRAD_REQUIRE_TORCH) throw new Error('the PEFT adapter check must run here, but /usr/bin/python3 has no torch (Debian: python3-torch)');

describe('a zerograd adapter applied in PyTorch', { skip: hasTorch ? false : '/usr/bin/python3 has no torch (Debian: python3-torch)' }, () => {
  test('a plain PyTorch re-implementation of LoRA, given the base weights and the adapter, computes the same outputs', () => {
    const g = new Generator(21);
    const model = new TwoLayer(g);
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-peft-torch-'));
    writeFileSync(join(dir, 'base.safetensors'), serializeSafetensors(model.stateDict()));
    applyLoRA(model, { targets: ['fc1', 'fc2'], rank: 2, alpha: 6, generator: g });
    // Give B values, as training would, so the update is not zero.
    for (const [, layer] of loraLayers(model)) layer.lora_B.weight.copy_(randn(layer.lora_B.weight.shape, { generator: g }).detach());
    saveLoRAAdapter(model, dir);
    const x = randn([5, 6], { generator: g });
    writeFileSync(join(dir, 'io.json'), JSON.stringify({ x: x.tolist(), y: model.forward(x).tolist() }));
    const result = spawnSync('/usr/bin/python3', [join(projectRoot(), 'scripts', 'peft_lora_check.py'), dir], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /max \|difference\| \d\.\d+e-0[7-9]|max \|difference\| 0\.0+e\+00/);
    assert.ok(model instanceof TwoLayer && loraLayers(model).every(([, l]) => l instanceof LoRALinear));
  });
});
