import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  Dropout, Embedding, Generator, Linear, crossEntropy, defaultGenerator, init, manualSeed, multinomial, rand, randint, randn, randperm, tensor, zeros,
} from '../../src/index.js';
import { MT19937 } from '../../src/core/mt19937.js';
import { projectRoot } from '../helpers.js';

interface Case { shape: number[]; dtype: string; values: number[] }
const fixture = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_random.json'), 'utf8')) as { seed: number; cases: Record<string, Case> };
const expected = (name: string) => fixture.cases[name].values;
const torch = (seed = fixture.seed) => new Generator(seed, { stream: 'torch' });

/** Equal bit for bit: every float32 (or float64, or integer) the same, position by position. */
function assertBitwise(actual: ArrayLike<number>, want: readonly number[], label: string): void {
  assert.equal(actual.length, want.length, `${label}: length`);
  const differ = want.map((v, i) => (Object.is(actual[i], v) ? -1 : i)).filter((i) => i >= 0);
  assert.deepEqual(differ.slice(0, 5).map((i) => [i, actual[i], want[i]]), [], `${label}: ${differ.length} of ${want.length} values differ`);
}

describe("Generator on the 'torch' stream: PyTorch's CPU numbers, bit for bit", () => {
  test('the mt19937 engine gives the words std::mt19937 (and numpy) give for the seed', () => {
    const engine = new MT19937(fixture.seed);
    assertBitwise(Array.from({ length: 1000 }, () => engine.nextUint32()), expected('mt19937_words'), 'words');
  });

  test("torch.rand (float32 and float64): the lectures' [0.7081, 0.3542, 0.1054] and the next 997", () => {
    const values = rand([1000], { generator: torch() }).hostData();
    assert.deepEqual(Array.from(values.slice(0, 3), (v) => v.toFixed(4)), ['0.7081', '0.3542', '0.1054']);
    assertBitwise(values, expected('rand_1000'), 'rand');
    assertBitwise(rand([1000], { generator: torch(), dtype: 'float64' }).hostData(), expected('rand_float64_1000'), 'rand float64');
  });

  test('torch.randn: the scalar path below 16 values, the vectorised one from 16, float64, and draws across calls', () => {
    for (const n of [7, 15, 16, 37, 1000]) assertBitwise(randn([n], { generator: torch() }).hostData(), expected(`randn_${n}`), `randn ${n}`);
    assertBitwise(randn([27, 27], { generator: torch() }).hostData(), expected('randn_27x27'), 'randn 27x27');
    // float64 from 16 values on goes through Math.log/cos/sin, which may differ from glibc's in the last bit.
    const f64 = randn([1000], { generator: torch(), dtype: 'float64' }).hostData();
    expected('randn_float64_1000').forEach((v, i) => assert.ok(Math.abs(f64[i] - v) <= 2 * Math.abs(v) * 2 ** -52, `randn float64 ${i}: ${f64[i]} vs ${v}`));
    assertBitwise(randn([7], { generator: torch(), dtype: 'float64' }).hostData(), expected('randn_float64_7'), 'randn float64 7');
    const g = torch();
    const drawn = [...randn([3], { generator: g }).hostData(), ...randn([3], { generator: g }).hostData(), ...rand([2], { generator: g }).hostData()];
    assertBitwise(drawn, expected('randn_3_then_3_then_rand_2'), 'successive calls');
  });

  test('torch.randint, including a range past 2^32, and torch.randperm', () => {
    assertBitwise(randint(0, 27, [1000], { generator: torch() }).hostData(), expected('randint_0_27_1000'), 'randint');
    assertBitwise(randint(5, 17, [100], { generator: torch(7) }).hostData(), expected('randint_5_17_100'), 'randint 5..17');
    assertBitwise(randint(0, 2 ** 33, [20], { generator: torch(), dtype: 'float64' }).hostData(), expected('randint_huge_range_20'), 'randint 2^33');
    assertBitwise(randperm(10, { generator: torch() }).hostData(), expected('randperm_10'), 'randperm 10');
    assertBitwise(randperm(1000, { generator: torch() }).hostData(), expected('randperm_1000'), 'randperm 1000');
  });

  test('torch.multinomial with and without replacement, one sample and several', () => {
    const probs = tensor(Float32Array.from(expected('multinomial_probs')), { shape: [5, 7] });
    assertBitwise(multinomial(probs, 1, { replacement: true, generator: torch() }).hostData(), expected('multinomial_1_with_replacement'), '1 with');
    assertBitwise(multinomial(probs.slice(0, 0, 1).squeeze(0), 1000, { replacement: true, generator: torch() }).hostData(), expected('multinomial_1000_with_replacement'), '1000 with');
    assertBitwise(multinomial(probs, 1, { generator: torch() }).hostData(), expected('multinomial_1_without_replacement'), '1 without');
    assertBitwise(multinomial(probs, 4, { generator: torch() }).hostData(), expected('multinomial_4_without_replacement'), '4 without');
    assert.throws(() => multinomial(tensor([0, 0]), 1, { replacement: true, generator: torch() }), /row 0 has no positive weight to sample from/);
    assert.throws(() => multinomial(tensor([1, 0, 0]), 2, { generator: torch() }), /row 0 has 1 positive weights, too few for 2 samples without replacement/);
    assert.throws(() => multinomial(tensor([0.5, -0.1]), 1, { generator: torch() }), /row 0 has a negative, infinite or NaN weight/);
  });

  test('normal_, uniform_ and bernoulli_; dropout masks and nn.Linear / nn.Embedding initialisation after manual_seed', () => {
    assertBitwise(init.normal_(zeros([1000]), 0.5, 2, torch()).hostData(), expected('normal_mean_half_std_2_1000'), 'normal_ 1000');
    assertBitwise(init.normal_(zeros([9]), 0.5, 2, torch()).hostData(), expected('normal_mean_half_std_2_9'), 'normal_ 9');
    assertBitwise(init.uniform_(zeros([1000]), -0.3, 0.7, torch()).hostData(), expected('uniform_minus_0.3_0.7_1000'), 'uniform_');
    try {
      manualSeed(fixture.seed, { stream: 'torch' });
      assertBitwise(new Dropout(0.2).forward(zeros([1000]).add(1)).hostData(), expected('dropout_0.2_ones_1000'), 'dropout');
      for (const [fanIn, fanOut] of [[5, 3], [64, 32]]) {
        manualSeed(fixture.seed, { stream: 'torch' });
        const layer = new Linear(fanIn, fanOut);
        assertBitwise(layer.weight.hostData(), expected(`linear_${fanIn}_${fanOut}_weight`), `Linear(${fanIn}, ${fanOut}) weight`);
        assertBitwise(layer.bias!.hostData(), expected(`linear_${fanIn}_${fanOut}_bias`), `Linear(${fanIn}, ${fanOut}) bias`);
      }
      manualSeed(fixture.seed, { stream: 'torch' });
      assertBitwise(new Embedding(10, 8).weight.hostData(), expected('embedding_10_8'), 'Embedding(10, 8)');
    } finally {
      manualSeed(0, { stream: 'xoshiro' });
    }
    assert.equal(defaultGenerator.stream, 'xoshiro');
  });

  test("the bigram lecture's sampled names, in order, and the README example's loss", () => {
    const words = readFileSync(join(projectRoot(), 'data', 'names.txt'), 'utf8').split('\n').filter(Boolean);
    const chars = ['.', ...[...new Set(words.join(''))].sort()];
    const counts = new Float32Array(27 * 27).fill(1);
    for (const w of words) {
      const ids = [0, ...[...w].map((c) => chars.indexOf(c)), 0];
      for (let i = 0; i + 1 < ids.length; i++) counts[ids[i] * 27 + ids[i + 1]]++;
    }
    const N = tensor(counts, { shape: [27, 27] });
    const P = N.div(N.sum(1, true));
    const g = torch();
    const names = Array.from({ length: 5 }, () => {
      let [ix, out] = [0, ''];
      do {
        ix = multinomial(P.slice(0, ix, ix + 1).squeeze(0), 1, { replacement: true, generator: g }).item();
        out += chars[ix];
      } while (ix !== 0);
      return out;
    });
    assert.deepEqual(names, ['mor.', 'axx.', 'minaymoryles.', 'kondlaisah.', 'anchshizarie.']);
    assert.deepEqual(names, expected('bigram_names'));
    const W = randn([27, 27], { generator: torch(2147483647), requiresGrad: true });
    const loss = crossEntropy(W.index(tensor(Int32Array.from([0, 5, 13, 13, 1]))), tensor(Int32Array.from([5, 13, 13, 1, 0]))).item();
    assert.ok(Math.abs(loss - expected('readme_loss')[0]) < 1e-6, `${loss}`);
  });

  test("a torch generator's state round-trips (checkpoints), and the wrong kind of state is refused", () => {
    const g = torch(5);
    randn([3], { generator: g });
    const state = g.getState();
    const next = rand([4], { generator: g }).toFlatArray();
    assert.deepEqual(torch(0).setState(state) && rand([4], { generator: torch(0).setState(state) }).toFlatArray(), next);
    assert.throws(() => new Generator(1).setState(state), /a 'xoshiro' generator's state has 5 numbers, got 626/);
  });
});
