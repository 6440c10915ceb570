import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, manualSeed, multinomial, rand, randint, randn, randperm, tensor } from '../../src/index.js';

describe('seeded random numbers', () => {
  test('the same seed reproduces the same stream; different seeds differ', () => {
    const a = randn([5], { generator: new Generator(2147483647) }).toFlatArray();
    const b = randn([5], { generator: new Generator(2147483647) }).toFlatArray();
    const c = randn([5], { generator: new Generator(42) }).toFlatArray();
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test('manualSeed resets the default generator', () => {
    manualSeed(7);
    const first = rand([3]).toFlatArray();
    manualSeed(7);
    assert.deepEqual(rand([3]).toFlatArray(), first);
  });

  test('getState/setState resumes the exact stream (checkpoint resume)', () => {
    const g = new Generator(3);
    g.normal();
    const state = g.getState();
    const expected = [g.normal(), g.random(), g.normal()];
    const resumed = new Generator(0).setState(state);
    assert.deepEqual([resumed.normal(), resumed.random(), resumed.normal()], expected);
  });

  test('randn has mean ~0 and std ~1; rand lies in [0, 1)', () => {
    const n = randn([200_000], { generator: new Generator(1) });
    assert.ok(Math.abs(n.mean().item()) < 0.01);
    assert.ok(Math.abs(n.std().item() - 1) < 0.01);
    const u = rand([10_000], { generator: new Generator(2) });
    assert.ok(u.min().item() >= 0 && u.max().item() < 1);
  });

  test('randint covers [low, high) uniformly; randperm is a permutation', () => {
    const counts = new Array(4).fill(0);
    randint(0, 4, [40_000], { generator: new Generator(5) }).toFlatArray().forEach((v) => counts[v]++);
    assert.ok(counts.every((c) => Math.abs(c - 10_000) < 500), `counts ${counts}`);
    assert.deepEqual(randperm(10, { generator: new Generator(1) }).toFlatArray().sort((a, b) => a - b), [...Array(10).keys()]);
  });

  test('multinomial follows the weights, with and without replacement', () => {
    const probs = tensor([0.1, 0.6, 0.0, 0.3]);
    const counts = new Array(4).fill(0);
    multinomial(probs, 20_000, { replacement: true, generator: new Generator(9) }).toFlatArray().forEach((v) => counts[v]++);
    assert.equal(counts[2], 0);
    [0.1, 0.6, 0, 0.3].forEach((p, i) => assert.ok(Math.abs(counts[i] / 20_000 - p) < 0.015, `category ${i}: ${counts[i]}`));
    const draw = multinomial(tensor([[1, 1, 1], [0, 5, 1]]), 2, { generator: new Generator(3) });
    assert.deepEqual(draw.shape, [2, 2]);
    const rows = draw.tolist() as number[][];
    assert.notEqual(rows[0][0], rows[0][1]);
    assert.deepEqual([...rows[1]].sort(), [1, 2]);
  });
});
