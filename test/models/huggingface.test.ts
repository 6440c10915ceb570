import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Generator, Tensor, noGrad, randint, tensor } from '../../src/index.js';
import { parseSafetensors } from '../../src/io/safetensors.js';
import { assertClose, projectRoot } from '../helpers.js';
import { fromHuggingFaceGPT2, gpt2Config } from '../../src/models/gpt/huggingface.js';
import { GPT } from '../../src/models/gpt/gpt.js';

describe('GPT-2 weights in Hugging Face layout', () => {
  test('convert to nanoGPT names and layouts, and give the same logits', () => {
    const config = { vocabSize: 50, blockSize: 16, nEmbd: 128, nHead: 2, nLayer: 2, dropout: 0, bias: true, tieWeights: true, activation: 'gelu', attention: 'fused' } as const;
    const source = new GPT({ ...config }, new Generator(1));
    // Write the model out the way Hugging Face stores GPT-2: no prefix, Conv1D (in, out) weights, mask buffers, no lm_head.
    const hf = new Map<string, Tensor>();
    for (const [name, t] of source.stateDict()) {
      if (name === 'lm_head.weight') continue;
      const bare = name.replace(/^transformer\./, '');
      hf.set(bare, /(c_attn|c_proj|c_fc)\.weight$/.test(bare) ? t.T.contiguous() : t);
    }
    hf.set('h.0.attn.bias', new GPT({ ...config }).transformer.wte.weight);
    const state = fromHuggingFaceGPT2(hf);
    const derived = gpt2Config(state);
    assert.deepEqual({ ...derived, nHead: config.nHead }, { ...config });
    assert.equal(derived.nHead, 2, 'head size 64');
    const target = new GPT(derived, new Generator(2));
    target.loadStateDict(state);
    const idx = randint(0, 50, [2, 16], { generator: new Generator(3) });
    const logits = (m: GPT) => noGrad(() => m.forward(idx).logits.toFlatArray());
    assert.deepEqual(logits(target), logits(source));
    assert.equal(target.lm_head.weight, target.transformer.wte.weight);
  });

  test('a Hugging Face GPT-2 file made by PyTorch converts as nanoGPT\'s from_pretrained converts it: the same logits (1e-4)', () => {
    const fixtures = join(projectRoot(), 'test', 'fixtures');
    const { hf_gpt2: expected } = JSON.parse(readFileSync(join(fixtures, 'torch_gpt.json'), 'utf8')) as
      { hf_gpt2: { idx: number[][]; logits: number[] } };
    const hf = parseSafetensors(readFileSync(join(fixtures, 'hf_gpt2.safetensors')), 'hf_gpt2.safetensors').tensors;
    assert.ok(!hf.has('lm_head.weight') && hf.has('h.0.attn.c_attn.weight') && hf.get('h.0.attn.c_attn.weight')!.shape.join() === '128,384', 'the Hugging Face layout');
    const state = fromHuggingFaceGPT2(hf);
    const model = new GPT(gpt2Config(state), new Generator(0));
    model.loadStateDict(state);
    const idx = tensor(Int32Array.from(expected.idx.flat()), { shape: [2, 16] });
    assertClose(noGrad(() => model.forward(idx).logits.toFlatArray()), expected.logits, { rtol: 1e-4, atol: 1e-4, what: 'logits' });
  });

  test('a file without GPT-2 tensors is a clear error', () => {
    assert.throws(() => fromHuggingFaceGPT2(new Map()), /no wte\.weight tensor; is this a GPT-2 checkpoint\?/);
  });
});
