import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PythonRandom, ZerogradError } from '../../src/index.js';
import { corpusPath, projectRoot } from '../helpers.js';
import { readLines } from '../../src/data/lines.js';

interface Draws {
  seed: string; random: number[]; randint_0_9: number[]; randint_1_1000000: number[];
  getrandbits: Record<string, number[]>; shuffle_range_20: number[];
}
const fixture = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'python_random.json'), 'utf8')) as {
  draws: Draws[]; names: { count: number; n1: number; n2: number; first1000: string[] };
};

/** A fixture seed as PythonRandom takes it: a number where exact, else a bigint (2**100 + 12345). */
const seedOf = (text: string): number | bigint => (Number.isSafeInteger(Number(text)) ? Number(text) : BigInt(text));

describe('PythonRandom draws what CPython 3 random draws (scripts/make_python_random_fixture.py)', () => {
  for (const draws of fixture.draws) {
    test(`random.seed(${draws.seed})`, () => {
      const rng = new PythonRandom(seedOf(draws.seed));
      // Exact equality: random() must be the same double, bit for bit.
      assert.deepEqual(Array.from({ length: 5 }, () => rng.random()), draws.random);
      assert.deepEqual(Array.from({ length: 20 }, () => rng.randint(0, 9)), draws.randint_0_9);
      assert.deepEqual(Array.from({ length: 10 }, () => rng.randint(1, 1_000_000)), draws.randint_1_1000000);
      for (const [k, want] of Object.entries(draws.getrandbits)) {
        assert.deepEqual(Array.from({ length: 3 }, () => rng.getrandbits(Number(k))), want, `getrandbits(${k})`);
      }
      assert.deepEqual(rng.shuffle(Array.from({ length: 20 }, (_, i) => i)), draws.shuffle_range_20);
    });
  }

  test("the lectures' names split: random.seed(42); random.shuffle(words); n1, n2 at 80% and 90%", () => {
    const words = readLines(corpusPath('names.txt'));
    const shuffled = new PythonRandom(42).shuffle(words);
    assert.equal(shuffled, words, 'shuffles in place');
    assert.equal(words.length, fixture.names.count);
    assert.deepEqual(words.slice(0, 1000), fixture.names.first1000);
    assert.equal(Math.floor(0.8 * words.length), fixture.names.n1);
    assert.equal(Math.floor(0.9 * words.length), fixture.names.n2);
  });

  test('a negative seed seeds as its absolute value, as CPython does', () => {
    assert.equal(new PythonRandom(-42).random(), new PythonRandom(42).random());
  });

  test('refuses what it cannot draw exactly', () => {
    assert.throws(() => new PythonRandom(0.5), ZerogradError);
    assert.throws(() => new PythonRandom().getrandbits(54), /k must be an integer from 0 to 53/);
    assert.throws(() => new PythonRandom().randint(3, 2), /needs integers a <= b/);
  });
});
