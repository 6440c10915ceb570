import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readDigitsCsv } from '../../src/data/images.js';
import { KMeans, clusterPurity } from '../../src/models/cluster/kmeans.js';
import { tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/core/random.js';
import { corpusPath } from '../helpers.js';

describe('KMeans', () => {
  test('finds three well separated blobs exactly, from any seed', () => {
    const g = new Generator(5);
    const points = [[0, 0], [10, 0], [0, 10]].flatMap(([x, y]) => Array.from({ length: 20 }, () => [x + g.normal() * 0.3, y + g.normal() * 0.3]));
    const x = tensor(points);
    const labels = points.map((_, i) => Math.floor(i / 20));
    for (const seed of [1, 2, 3]) {
      const km = new KMeans(3, { generator: new Generator(seed), nInit: 2 });
      const assignment = km.fit(x);
      assert.equal(clusterPurity(assignment.toFlatArray(), labels), 1);
      assert.deepEqual(km.predict(x).toFlatArray(), assignment.toFlatArray());
      assert.ok(km.inertia < 60 * 0.3 * 0.3 * 2 * 2, `inertia ${km.inertia}`);
    }
  });

  test('on the 8x8 digits\' raw pixels: reproducible, purity well above chance, and more clusters fit tighter', () => {
    const digits = readDigitsCsv(corpusPath('digits.csv.gz'));
    const x = tensor(digits.images, { shape: [digits.count, 64] });
    const fit = (k: number) => {
      const km = new KMeans(k, { generator: new Generator(0), nInit: 2, maxIter: 100 });
      return { km, assignment: km.fit(x).toFlatArray() };
    };
    const a = fit(10);
    assert.deepEqual(fit(10).assignment, a.assignment, 'the same seed gives the same clusters');
    const purity = clusterPurity(a.assignment, digits.labels);
    assert.ok(purity > 0.6, `purity ${purity}`);
    assert.deepEqual(a.km.centroids!.shape, [10, 64]);
    assert.ok(fit(20).km.inertia < a.km.inertia);
  });

  test('bad input is named', () => {
    assert.throws(() => new KMeans(0), /k must be a positive integer, got 0/);
    assert.throws(() => new KMeans(3).fit(tensor([[1, 2], [3, 4]])), /2 points cannot make 3 clusters/);
    assert.throws(() => new KMeans(2).fit(tensor([1, 2, 3])), /expected an \(N, D\) tensor, got shape \[3\]/);
    assert.throws(() => new KMeans(2).predict(tensor([[1]])), /call fit\(\) first/);
  });
});
