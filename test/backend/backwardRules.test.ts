import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend } from '../../src/backend/backend.js';
import { BACKWARD_KERNELS } from '../../src/backend/kernels/index.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { Generator, arenaStep, randn, referenceBackend, setBackend } from '../../src/index.js';
import { gradcheck } from '../../src/testing/gradcheck.js';
import { assertClose } from '../helpers.js';
import { BACKWARD_CASES, type BackwardCase, backwardOutputs, withoutKernels } from './backwardCases.js';

/** The case's output and its inputs' gradients on `backend`, inside a step. */
function run(backend: Backend, c: BackwardCase): number[] {
  const previous = setBackend(backend);
  try {
    return arenaStep(() => backwardOutputs(c).flatMap((t) => t.toFlatArray()));
  } finally {
    setBackend(previous);
  }
}

describe('backward kernels are optional overrides of the ops\' gradient rules', () => {
  test('every backward kernel has cases here', () => {
    assert.deepEqual(Object.keys(BACKWARD_CASES).sort(), [...BACKWARD_KERNELS].sort());
  });

  for (const [label, backend] of [['reference', referenceBackend], ['wasm', createWasmBackend({ threads: 1 })]] as const) {
    for (const kernel of BACKWARD_KERNELS) {
      test(`${label}: ${kernel} agrees with the rule it overrides`, () => {
        assert.ok(backend[kernel], `${label} has no ${kernel}`);
        for (const c of BACKWARD_CASES[kernel]) {
          const fused = run(backend, c);
          const rule = run(withoutKernels(backend, [kernel]), c);
          assertClose(fused, rule, { rtol: 1e-4, atol: 2e-5, what: `${kernel} ${c.label}` });
        }
      });
    }
  }

  test('the rules pass float64 gradchecks on a backend with no backward kernel', () => {
    const previous = setBackend(withoutKernels(referenceBackend, BACKWARD_KERNELS));
    try {
      for (const [kernel, cases] of Object.entries(BACKWARD_CASES)) {
        for (const c of cases) {
          const g = new Generator(3);
          const inputs = c.shapes.map((shape) => {
            const x = randn(shape, { generator: g, dtype: 'float64' });
            return c.positive ? x.abs().add(0.5).detach() : x;
          });
          assert.doesNotThrow(() => gradcheck(c.fn, inputs), `${kernel} ${c.label}`);
        }
      }
    } finally {
      setBackend(previous);
    }
  });
});
