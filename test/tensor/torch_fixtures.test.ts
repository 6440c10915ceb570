import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type KernelBuild, createWasmBackend } from '../../src/backend/wasm/index.js';
import { type Backend, arenaStep, referenceBackend, setBackend } from '../../src/index.js';
import { assertClose, projectRoot } from '../helpers.js';
import { type FixtureCase, implementations, runCase, tolerance } from './torchCases.js';

const fixtures = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_ops.json'), 'utf8')) as {
  torch_version: string;
  script_sha256: string;
  cases: Record<string, FixtureCase>;
};

// Without Python: a script edited after the fixture was written (a case changed, moved or added) shows here.
test('the fixture was written by the current scripts/make_torch_fixtures.py', () => {
  const script = readFileSync(join(projectRoot(), 'scripts', 'make_torch_fixtures.py'), 'utf8').replaceAll('\r\n', '\n');
  assert.equal(createHash('sha256').update(script).digest('hex'), fixtures.script_sha256,
    'scripts/make_torch_fixtures.py changed since test/fixtures/torch_ops.json was written: run /usr/bin/python3 scripts/make_torch_fixtures.py');
});

test('fixtures and implementations name the same cases', () => {
  assert.deepEqual(Object.keys(implementations).sort(), Object.keys(fixtures.cases).sort());
});

/**
 * The same golden suite runs on every backend, so a fast kernel is held to PyTorch's numbers too: each
 * WebAssembly build (SIMD128, and relaxed SIMD with fused multiply-adds) twice, since its own kernels run on
 * tensors made inside arenaStep (in its memory) and the reference kernels on ordinary arrays.
 */
const builds: KernelBuild[] = ['simd128', 'relaxed-simd'];
const runs: { label: string; kernels: Backend; wrap: (body: () => void) => void }[] = [
  { label: 'reference backend', kernels: referenceBackend, wrap: (body) => body() },
  ...builds.flatMap((build) => {
    const wasm = createWasmBackend({ build });
    /** The same kernels with `empty` storage full of NaN (-1 for integers), so an op that leaves part of it unwritten fails. */
    const poisoned: Backend = { ...wasm, empty: (dtype, size) => wasm.empty(dtype, size).fill(dtype === 'int32' ? -1 : NaN) };
    return [
      { label: `wasm ${build} build on JavaScript arrays`, kernels: wasm, wrap: (body: () => void) => body() },
      { label: `wasm ${build} build inside arenaStep`, kernels: wasm, wrap: (body: () => void) => arenaStep(body) },
      { label: `wasm ${build} build inside arenaStep, empty storage poisoned`, kernels: poisoned, wrap: (body: () => void) => arenaStep(body) },
    ];
  }),
];
for (const { label, kernels, wrap } of runs) describe(`golden values from PyTorch ${fixtures.torch_version} on the ${label}`, () => {
  let previous: Backend;
  before(() => { previous = setBackend(kernels); });
  after(() => { setBackend(previous); });

  for (const [name, fixture] of Object.entries(fixtures.cases)) {
    test(name, () => wrap(() => {
      const { shape, comparisons } = runCase(name, fixture);
      assert.deepEqual(shape, fixture.output.shape, 'output shape');
      for (const { what, actual, expected } of comparisons) {
        // PyTorch gave this input no gradient (an index, a mask, an input the output does not depend on).
        if (!expected) {
          assert.equal(actual, null, `${what}: none in PyTorch but zerograd made one`);
          continue;
        }
        assert.ok(actual, `${what}: missing`);
        assertClose(actual.toFlatArray(), expected, { ...tolerance(expected), what });
      }
    }));
  }
});
