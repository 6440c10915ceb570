import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, Tensor, noGrad, randint } from '../../src/index.js';
import { fromHuggingFaceGPT2, gpt2Config } from '../../src/io/gpt2.js';
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

  test('a file without GPT-2 tensors is a clear error', () => {
    assert.throws(() => fromHuggingFaceGPT2(new Map()), /no wte\.weight tensor; is this a GPT-2 checkpoint\?/);
  });
});
