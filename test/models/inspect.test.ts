import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, arange, noGrad, tensor } from '../../src/index.js';
import { GPT, type GPTConfig } from '../../src/models/gpt/gpt.js';
import { attentionWeights } from '../../src/models/gpt/inspect.js';
import { assertClose } from '../helpers.js';

const config = (attention: GPTConfig['attention']): GPTConfig => ({
  vocabSize: 10, blockSize: 6, nEmbd: 8, nHead: 2, nLayer: 2, dropout: 0, bias: true, tieWeights: false, activation: 'gelu', attention,
});

describe('attentionWeights', () => {
  test('weights times values, through c_proj, give exactly what the fused attention layer computes', () => {
    const model = new GPT(config('fused'), new Generator(4));
    const ids = [1, 2, 3, 4, 5];
    const weights = attentionWeights(model, ids, 1);
    assert.deepEqual([weights.length, weights[0].length, weights[0][0].length], [2, 5, 5]);
    noGrad(() => {
      const { wte, wpe, h } = model.transformer;
      const x = h[0].forward(wte.forward(tensor([ids], { dtype: 'int32' })).add(wpe.forward(arange(5))));
      const normed = h[1].ln_1.forward(x);
      const attn = h[1].attn as import('../../src/models/gpt/attention.js').CausalSelfAttention;
      const v = attn.c_attn.forward(normed).split(8, 2)[2].view(5, 2, 4).transpose(0, 1);
      const mixed = tensor(weights).matmul(v).transpose(0, 1).reshape(1, 5, 8);
      assertClose(attn.c_proj.forward(mixed).toFlatArray(), attn.forward(normed).toFlatArray(), { rtol: 1e-4, atol: 1e-6 });
    });
  });

  test('per-head attention: causal rows that sum to 1, and the model keeps its training mode', () => {
    const model = new GPT(config('heads'), new Generator(5));
    const weights = attentionWeights(model, [3, 1, 4], 0);
    for (const head of weights) {
      head.forEach((row, t) => {
        assertClose(row.reduce((s, w) => s + w, 0), 1);
        row.forEach((w, k) => { if (k > t) assert.equal(w, 0); });
      });
    }
    assert.equal(model.training, true);
    assert.throws(() => attentionWeights(model, [1], 2), /layer 2 is outside 0\.\.1/);
    assert.throws(() => attentionWeights(model, [1, 1, 1, 1, 1, 1, 1], 0), /expected 1\.\.6 tokens, got 7/);
  });
});
