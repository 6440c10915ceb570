import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeNames } from '../../src/data/names.js';
import { attentionHeatmap } from '../../src/viz/heatmap.js';
import { project2d } from '../../src/viz/project2d.js';
import { assertClose } from '../helpers.js';

describe('2-D projection and SVG plots', () => {
  test('project2d finds the axes of largest spread: points on a tilted line land on the first axis', () => {
    const rows = [[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]];
    const points = project2d(rows.flat(), 4, 3);
    const spacing = Math.sqrt(3);
    assertClose(points.map(([x]) => Math.abs(x)), [1.5 * spacing, 0.5 * spacing, 0.5 * spacing, 1.5 * spacing], { atol: 1e-9 });
    assertClose(points.map(([, y]) => y), [0, 0, 0, 0], { atol: 1e-9 });
  });

  test('project2d of 2-D data keeps pairwise distances (a rotation of the centred points)', () => {
    const data = [0, 0, 3, 1, -1, 2, 5, -4];
    const points = project2d(data, 4, 2);
    const distance = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
    const original = [[0, 0], [3, 1], [-1, 2], [5, -4]];
    for (let i = 0; i < 4; i++) for (let j = 0; j < i; j++) assertClose(distance(points[i], points[j]), distance(original[i], original[j]));
  });

  test('attentionHeatmap: one cell per (query, key) pair, darker for larger weights, tokens escaped', () => {
    const svg = attentionHeatmap(['a', '<'], [[1, 0], [0.25, 0.75]], { title: 'head 0' });
    assert.equal(svg.match(/<rect /g)?.length, 4);
    assert.match(svg, /fill="rgb\(0,0,255\)"><title>a → a: 1\.000/);
    assert.match(svg, /fill="rgb\(255,255,255\)"><title>a → &#60;: 0\.000/);
    assert.ok(!svg.includes('>a → <'));
  });

  test('normalizeNames lowercases, keeps a-z only and removes duplicates in order', () => {
    assert.deepEqual(normalizeNames(['Anna', 'Bo', "O'Neil"], ['anna', 'Zoë', 'cy']), ['anna', 'bo', 'cy']);
  });
});
