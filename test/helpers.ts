import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator, Tensor, randn, tensor } from '../src/index.js';

/** The repository root, found from the compiled test's location (dist/test/...). */
export function projectRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}: run the compiled tests from inside the project`);
    dir = dirname(dir);
  }
  return dir;
}

/** A corpus shipped in data/ (names.txt, tinyshakespeare.txt). */
export { corpusPath } from '../src/data/corpora.js';

/** allclose: |actual - expected| <= atol + rtol * |expected| element by element, naming the first failure. */
export function assertClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number,
  { rtol = 1e-5, atol = 1e-6, what = 'value' }: { rtol?: number; atol?: number; what?: string } = {}): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  assert.equal(a.length, e.length, `${what}: length ${a.length} vs expected ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]) || (Number.isNaN(a[i]) && Number.isNaN(e[i]));
    if (!ok) assert.fail(`${what}[${i}]: got ${a[i]}, expected ${e[i]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Seeded float64 normal samples, optionally shifted into a positive range. */
export function rnd(shape: number[], seed: number, { positive = false } = {}): Tensor {
  const t = randn(shape, { generator: new Generator(seed), dtype: 'float64' });
  return positive ? t.abs().add(0.5).detach() : t;
}

export const ints = (values: number[], shape?: number[]): Tensor =>
  tensor(Int32Array.from(values), shape ? { shape } : {});
