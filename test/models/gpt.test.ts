import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Generator, cat, noGrad, randn, tensor } from '../../src/index.js';
import { getBatch, splitTokens } from '../../src/data/textDataset.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { CausalSelfAttention, MultiHeadAttention } from '../../src/models/gpt/attention.js';
import { generate } from '../../src/models/gpt/generate.js';
import { BigramLanguageModel, GPT, type GPTConfig, lectureGPTConfig } from '../../src/models/gpt/gpt.js';
import { fromNanoGPTStateDict, toNanoGPTStateDict } from '../../src/models/gpt/nanogptLayout.js';
import { gptTrainConfig, startGPTRun } from '../../src/models/gpt/recipe.js';
import { sampleLM, trainGPT } from '../../src/models/gpt/train.js';
import { CharTokenizer } from '../../src/data/charTokenizer.js';
import { assertClose, ints, projectRoot } from '../helpers.js';
import { FIXTURE_GPT_CONFIG, zerogradFixtureModel } from './gptFixtureModel.js';

const fixtures = join(projectRoot(), 'test', 'fixtures');
const torchResult = JSON.parse(readFileSync(join(fixtures, 'torch_gpt.json'), 'utf8')) as {
  idx: number[][]; torch_weights_logits: number[]; zerograd_weights_logits: number[]; state_dict_keys: string[]; torch_version: string;
};
const idx = tensor(Int32Array.from(torchResult.idx.flat()), { shape: [2, 6] });
const logitsOf = (model: GPT) => noGrad(() => model.forward(idx).logits.toFlatArray());

describe(`GPT checkpoints interoperate with nanoGPT's model.py (PyTorch ${torchResult.torch_version})`, () => {
  test('a state dict saved by nanoGPT (tied head, causal-mask buffers) loads here and gives the same logits (1e-4)', () => {
    const model = new GPT({ ...FIXTURE_GPT_CONFIG });
    const saved = parseSafetensors(readFileSync(join(fixtures, 'torch_gpt.safetensors')), 'torch_gpt.safetensors').tensors;
    assert.ok(saved.has('transformer.h.0.attn.bias') && saved.has('lm_head.weight'), 'nanoGPT on PyTorch < 2.0 saves mask buffers and the tied head');
    model.loadStateDict(fromNanoGPTStateDict(saved));
    assertClose(logitsOf(model), torchResult.torch_weights_logits, { rtol: 1e-4, atol: 1e-4, what: 'logits' });
  });

  test('a model saved here loads into nanoGPT with load_state_dict(strict=True) and gives the same logits (1e-4)', () => {
    const model = zerogradFixtureModel();
    assertClose(logitsOf(model), torchResult.zerograd_weights_logits, { rtol: 1e-4, atol: 1e-4, what: 'logits' });
    const state = toNanoGPTStateDict(model);
    assert.deepEqual([...state.keys()].sort(), [...torchResult.state_dict_keys].sort(), "exactly nanoGPT's state_dict keys");
    // The committed file nanoGPT read is exactly what the serializer writes today.
    const committed = readFileSync(join(fixtures, 'zerograd_gpt.safetensors'));
    assert.deepEqual(Buffer.from(serializeSafetensors(state)), committed);
  });

  test('models nanoGPT cannot represent are refused with the reason', () => {
    const cases: [Partial<typeof FIXTURE_GPT_CONFIG> | Record<string, unknown>, RegExp][] = [
      [{ tieWeights: false }, /nanoGPT always ties lm_head to wte/],
      [{ activation: 'relu' }, /its MLP uses relu, and nanoGPT's uses GELU/],
      [{ attention: 'heads' }, /nanoGPT's fuses q, k and v into c_attn/],
    ];
    for (const [change, message] of cases) {
      assert.throws(() => toNanoGPTStateDict(new GPT({ ...FIXTURE_GPT_CONFIG, ...change } as GPTConfig)), message);
    }
  });

  test('parameter names are nanoGPT\'s', () => {
    const names = new GPT({ ...FIXTURE_GPT_CONFIG, nLayer: 1 }).namedParameters().map(([n]) => n);
    assert.deepEqual(names, [
      'transformer.wte.weight', 'transformer.wpe.weight',
      'transformer.h.0.ln_1.weight', 'transformer.h.0.ln_1.bias',
      'transformer.h.0.attn.c_attn.weight', 'transformer.h.0.attn.c_attn.bias',
      'transformer.h.0.attn.c_proj.weight', 'transformer.h.0.attn.c_proj.bias',
      'transformer.h.0.ln_2.weight', 'transformer.h.0.ln_2.bias',
      'transformer.h.0.mlp.c_fc.weight', 'transformer.h.0.mlp.c_fc.bias',
      'transformer.h.0.mlp.c_proj.weight', 'transformer.h.0.mlp.c_proj.bias',
      'transformer.ln_f.weight', 'transformer.ln_f.bias', 'lm_head.weight',
    ]);
  });

  test('tied weights share one tensor and are counted once', () => {
    const tied = new GPT({ ...FIXTURE_GPT_CONFIG, tieWeights: true });
    assert.equal(tied.lm_head.weight, tied.transformer.wte.weight);
    const untied = new GPT({ ...FIXTURE_GPT_CONFIG, tieWeights: false });
    assert.equal(untied.numParameters() - tied.numParameters(), 11 * 12);
  });
});

describe('attention', () => {
  test('the fused implementation equals the per-head one with stacked weights', () => {
    const [C, H, hs] = [12, 3, 4];
    const perHead = new MultiHeadAttention(C, H, { generator: new Generator(1) });
    const fused = new CausalSelfAttention(C, H, { generator: new Generator(2) });
    noGrad(() => {
      const stack = (pick: 'query' | 'key' | 'value') => cat(perHead.heads.map((h) => h[pick].weight), 0);
      fused.c_attn.weight.copy_(cat([stack('query'), stack('key'), stack('value')], 0));
      fused.c_attn.bias!.copy_(fused.c_attn.bias!.mul(0));
      fused.c_proj.weight.copy_(perHead.proj.weight);
      fused.c_proj.bias!.copy_(perHead.proj.bias!);
    });
    const x = randn([2, 5, C], { generator: new Generator(3) });
    assertClose(fused.forward(x).toFlatArray(), perHead.forward(x).toFlatArray(), { rtol: 1e-5, atol: 1e-6 });
    assert.equal(hs * H, C);
  });

  test('causal: a position is unaffected by later tokens', () => {
    const attn = new CausalSelfAttention(8, 2, { generator: new Generator(4) });
    const x = randn([1, 4, 8], { generator: new Generator(5) });
    const changed = cat([x.slice(1, 0, 3), randn([1, 1, 8])], 1);
    assertClose(attn.forward(changed).slice(1, 0, 3).toFlatArray(), attn.forward(x).slice(1, 0, 3).toFlatArray());
  });

  test('the number of heads must divide the embedding size', () => {
    assert.throws(() => new CausalSelfAttention(10, 3), /embedding size 10 must be divisible by the number of heads 3/);
  });
});

describe('GPT training pieces', () => {
  test('getBatch: y is x shifted by one; too little data is a clear error', () => {
    const data = Int32Array.from({ length: 50 }, (_, i) => i);
    const { x, y } = getBatch(data, 8, 4, new Generator(0));
    assert.deepEqual(x.shape, [4, 8]);
    assert.deepEqual(y.toFlatArray(), x.toFlatArray().map((v) => v + 1));
    assert.throws(() => getBatch(data.subarray(0, 8), 8, 1), /the data has 8 tokens, fewer than block size 8 \+ 1/);
    const { train, val } = splitTokens([...data]);
    assert.deepEqual([train.length, val.length], [45, 5]);
  });

  test('forward returns (B, T, vocab) logits and a loss near ln(vocab) at init', () => {
    const model = new GPT({ ...FIXTURE_GPT_CONFIG }, new Generator(1));
    const { logits, loss } = model.forward(idx, idx);
    assert.deepEqual(logits.shape, [2, 6, 11]);
    assert.ok(Math.abs(loss!.item() - Math.log(11)) < 0.2, `loss ${loss!.item()}`);
    assert.throws(() => model.forward(ints(new Array(7).fill(0), [1, 7])), /sequence length 7 exceeds the block size 6/);
  });

  test('generate appends tokens, crops the context to the block size, and top-k 1 is greedy', () => {
    const model = new GPT({ ...FIXTURE_GPT_CONFIG }, new Generator(2));
    const out = generate(model, ints([1, 2], [1, 2]), 10, { generator: new Generator(3) });
    assert.deepEqual(out.shape, [1, 12]);
    const greedy = generate(model, ints([1, 2], [1, 2]), 3, { topK: 1, generator: new Generator(4) }).toFlatArray();
    const expectedNext = noGrad(() => model.forward(ints([1, 2], [1, 2])).logits.slice(1, -1).argmax().item());
    assert.equal(greedy[2], expectedNext);
    assert.deepEqual(greedy, generate(model, ints([1, 2], [1, 2]), 3, { topK: 1, generator: new Generator(99) }).toFlatArray());
    assert.throws(() => generate(model, ints([1], [1, 1]), 1, { temperature: 0 }), /temperature must be positive/);
  });

  test('weight decay applies to Linear matrices only, not to embeddings, biases or LayerNorm', () => {
    const run = startGPTRun({ ...FIXTURE_GPT_CONFIG, tieWeights: false }, { steps: 1, batchSize: 1, lr: 0.1, schedule: 'constant', warmupSteps: 0, decaySteps: 1, minLr: 0.1, weightDecay: 0.5, clipNorm: 1, evalEvery: 1, evalIters: 1, seed: 0 });
    const before = new Map(run.model.namedParameters().map(([n, p]) => [n, p.toFlatArray()]));
    for (const p of run.model.parameters()) p.grad = p.zerosLike();
    run.optimizer.step();
    const changed = run.model.namedParameters().filter(([n, p]) => p.toFlatArray().some((v, i) => v !== before.get(n)![i])).map(([n]) => n);
    assert.deepEqual(changed, [
      'transformer.h.0.attn.c_attn.weight', 'transformer.h.0.attn.c_proj.weight', 'transformer.h.0.mlp.c_fc.weight', 'transformer.h.0.mlp.c_proj.weight',
      'transformer.h.1.attn.c_attn.weight', 'transformer.h.1.attn.c_proj.weight', 'transformer.h.1.mlp.c_fc.weight', 'transformer.h.1.mlp.c_proj.weight',
      'lm_head.weight',
    ]);
  });

  test('trainGPT, the driver: evaluations every evalEvery steps and at the end, a checkpoint every checkpointEvery steps after that step\'s evaluation, then the final one and a sample', () => {
    const text = 'the cat sat on the mat\nthe dog sat on the log\n'.repeat(4);
    const tokenizer = CharTokenizer.forText(text);
    const train = gptTrainConfig({ batchSize: 2, lr: 1e-2, steps: 7, schedule: 'cosine' }, { evalEvery: 3, evalIters: 1, seed: 5 });
    const run = startGPTRun(lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: 4, nEmbd: 8, nHead: 2, nLayer: 1, dropout: 0 }), train);
    const saves: [number, number | undefined][] = [];
    const evals: number[] = [];
    const result = trainGPT(run, splitTokens(tokenizer.encode(text)), train, {
      checkpointEvery: 2, sample: { tokenizer, tokens: 5 },
      onEval: (step) => evals.push(step),
      save: () => {
        saves.push([run.optimizer.stepCount, run.evals.at(-1)?.[0]]);
        return `saved at ${run.optimizer.stepCount}`;
      },
    });
    assert.deepEqual(evals, [3, 6, 7]);
    assert.deepEqual(saves, [[2, undefined], [4, 3], [6, 6], [7, 7]]);
    assert.equal(result.checkpoint, 'saved at 7');
    assert.equal(result.val, run.evals.at(-1)![2]);
    assert.equal(run.losses.length, 7);
    assert.equal(result.sample, sampleLM(run.model, tokenizer, 5, new Generator(train.seed + 2)));
    assert.equal(result.sample.length, 6);
  });

  test('the lecture bigram language model', () => {
    const model = new BigramLanguageModel(65, new Generator(1337));
    const { logits, loss } = model.forward(ints([0, 5, 9, 1], [2, 2]), ints([5, 9, 1, 0], [2, 2]));
    assert.deepEqual(logits.shape, [2, 2, 65]);
    assert.ok(loss!.item() > Math.log(65));
    assert.deepEqual(generate(model, ints([0], [1, 1]), 5).shape, [1, 6]);
  });
});
