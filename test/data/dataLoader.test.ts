import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DataLoader, Generator, TensorDataset, arange, defaultCollate, manualSeed, tensor } from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { projectRoot } from '../helpers.js';

const fixture = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_random.json'), 'utf8')) as { cases: Record<string, { values: unknown }> };
const expected = (name: string) => fixture.cases[name].values;
const torch = (seed: number) => new Generator(seed, { stream: 'torch' });
const dataset = new TensorDataset(arange(0, 10), arange(0, 10).mul(10));
const epochs = (loader: DataLoader<Tensor[], Tensor[]>, n = 2) => Array.from({ length: n }, () => [...loader].map((batch) => batch[0].toFlatArray()));

describe("DataLoader: PyTorch's batches, in PyTorch's order for the same seed", () => {
  test('shuffled with a generator, two epochs, with and without the short last batch', () => {
    assert.deepEqual(epochs(new DataLoader(dataset, { batchSize: 4, shuffle: true, generator: torch(42) })), expected('dataloader_generator_42_batch_4'));
    const dropping = new DataLoader(dataset, { batchSize: 4, shuffle: true, generator: torch(42), dropLast: true });
    assert.equal(dropping.length, 2);
    assert.deepEqual(epochs(dropping), expected('dataloader_generator_42_batch_4_drop_last'));
  });

  test("shuffled from the default generator after manualSeed(7) (torch.manual_seed(7))", () => {
    try {
      manualSeed(7, { stream: 'torch' });
      assert.deepEqual(epochs(new DataLoader(dataset, { batchSize: 3, shuffle: true })), expected('dataloader_default_generator_seed_7'));
    } finally {
      manualSeed(0, { stream: 'xoshiro' });
    }
  });

  test('the default collate stacks each position of a TensorDataset item; batches keep the rows together', () => {
    const loader = new DataLoader(new TensorDataset(arange(0, 12).float().reshape(6, 2), arange(0, 6)), { batchSize: 4, shuffle: true, generator: torch(3) });
    const [x, y] = [...loader][0];
    assert.deepEqual([x.tolist(), y.tolist()], expected('dataloader_first_batch_collated'));
    assert.deepEqual(x.shape, [4, 2]);
    const words = new DataLoader({ length: 3, get: (i: number) => ({ id: i, text: ['a', 'b', 'c'][i] }) }, { batchSize: 2, collate: (items) => items.map((w) => w.text).join('') });
    assert.deepEqual([...words], ['ab', 'c']);
    assert.deepEqual((defaultCollate([{ a: 1, b: [2.5, tensor([1, 2])] }, { a: 3, b: [0.5, tensor([3, 4])] }]) as { a: Tensor }).a.toFlatArray(), [1, 3]);
  });

  test('in order without shuffle; bad sizes are named', () => {
    assert.deepEqual([...new DataLoader(dataset, { batchSize: 4 })].map((b) => b[1].toFlatArray()), [[0, 10, 20, 30], [40, 50, 60, 70], [80, 90]]);
    assert.throws(() => new DataLoader(dataset, { batchSize: 0 }), /DataLoader: batchSize must be a positive integer, got 0/);
    assert.throws(() => new TensorDataset(arange(0, 3), arange(0, 4)), /TensorDataset: tensor 1 has 4 rows but tensor 0 has 3/);
  });
});
