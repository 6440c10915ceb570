import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { Generator, noGrad, randint, setBackend, tensor } from '../../src/index.js';
import { generate, select } from '../../src/models/gpt/generate.js';
import { GPT, lectureGPTConfig } from '../../src/models/gpt/gpt.js';
import { assertClose } from '../helpers.js';

const model = () => new GPT(lectureGPTConfig({ vocabSize: 11, blockSize: 16, nEmbd: 24, nHead: 4, nLayer: 2, dropout: 0 }), new Generator(3)).eval();

describe('KV cache for GPT generation', () => {
  for (const [label, backend] of [['reference', null], ['wasm', createWasmBackend()]] as const) {
    test(`${label}: a cached pass gives the logits of a full pass, position by position`, () => {
      const previous = backend ? setBackend(backend) : null;
      try {
        const gpt = model();
        const idx = randint(0, 11, [2, 12], { generator: new Generator(5) });
        noGrad(() => {
          const full = gpt.forward(idx).logits;
          const cache = gpt.newCache()!;
          const prompt = gpt.forwardCached(idx.slice(1, 0, 5), cache);
          assertClose(prompt.toFlatArray(), full.slice(1, 0, 5).toFlatArray(), { atol: 1e-5, what: 'prompt' });
          for (let t = 5; t < 12; t++) {
            const step = gpt.forwardCached(idx.slice(1, t, t + 1), cache);
            assertClose(step.toFlatArray(), full.slice(1, t, t + 1).toFlatArray(), { atol: 1e-5, what: `position ${t}` });
          }
          assert.equal(cache.length, 12);
          assert.throws(() => gpt.forwardCached(randint(0, 11, [2, 5]), cache), /sequence length 17 exceeds the block size 16/);
        });
      } finally {
        if (previous) setBackend(previous);
      }
    });
  }

  test('generation with the cache samples what generation without it samples, across the end of the block', () => {
    const gpt = model();
    const prompt = tensor(Int32Array.from([1, 2, 3]), { shape: [1, 3] });
    for (const options of [{}, { topK: 3 }, { temperature: 0.7 }]) {
      const cached = generate(gpt, prompt, 30, { ...options, generator: new Generator(9) }).toFlatArray();
      const plain = generate(gpt, prompt, 30, { ...options, generator: new Generator(9), cache: false }).toFlatArray();
      assert.deepEqual(cached, plain, JSON.stringify(options));
    }
  });

  test('top-k selects the k-th largest without sorting, duplicates included', () => {
    const g = new Generator(1);
    for (let n = 1; n < 40; n += 3) {
      const values = Array.from({ length: n }, () => Math.round(g.random() * 8));
      const sorted = [...values].sort((a, b) => b - a);
      for (let rank = 0; rank < n; rank++) assert.equal(select([...values], rank), sorted[rank], `${values} rank ${rank}`);
    }
  });
});
