import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend, BackwardKernelName } from '../../src/backend/backend.js';
import { BACKWARD_KERNELS } from '../../src/backend/kernels/index.js';
import { UNARY_OPS, type UnaryOp } from '../../src/backend/kernels/unaryOps.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import {
  Generator, type Tensor, arenaStep, attentionSoftmax, batchNorm, crossEntropy, layerNorm, logSoftmax, maxPool2d, randn, referenceBackend, setBackend,
  softmax, tensor,
} from '../../src/index.js';
import * as elementwise from '../../src/tensor/ops/elementwise.js';
import { gradcheck } from '../../src/testing/gradcheck.js';
import { assertClose } from '../helpers.js';

/** A case: inputs of the given shapes (positive where asked) and a function of them whose backward uses the kernel. */
interface Case {
  label: string;
  shapes: number[][];
  positive?: boolean;
  fn: (...xs: Tensor[]) => Tensor;
}
const unary = (op: UnaryOp): Case => ({
  label: op, shapes: [[5, 7]], positive: op === 'log' || op === 'sqrt' || op === 'rsqrt' || op === 'reciprocal' || op === 'powScalar',
  fn: op === 'powScalar' ? (x) => elementwise.powScalar(x, 2.5) : (x) => (elementwise[op] as (x: Tensor) => Tensor)(x),
});
const targets = () => tensor([0, 4, -100, 2, 1, 3], { dtype: 'int32' });

/** For each backward kernel, ops whose gradient it computes. */
const CASES: Record<BackwardKernelName, Case[]> = {
  unaryBackward: (Object.keys(UNARY_OPS) as UnaryOp[]).filter((op) => UNARY_OPS[op].df).map(unary),
  softmaxBackward: [{ label: 'softmax', shapes: [[4, 6]], fn: (x) => softmax(x, -1) }, { label: 'logSoftmax along dim 0', shapes: [[4, 6]], fn: (x) => logSoftmax(x, 0) }],
  attentionSoftmaxBackward: [{ label: 'causal', shapes: [[2, 5, 5]], fn: (x) => attentionSoftmax(x, 0.4, true) }],
  crossEntropyBackward: [{ label: 'one row ignored', shapes: [[6, 5]], fn: (x) => crossEntropy(x, targets()) },
    { label: 'summed', shapes: [[6, 5]], fn: (x) => crossEntropy(x, targets(), { reduction: 'sum' }) }],
  layerNormBackward: [{ label: 'weight and bias', shapes: [[4, 6], [6], [6]], fn: (x, w, b) => layerNorm(x, w, b) },
    { label: 'no weight', shapes: [[3, 2, 5]], fn: (x) => layerNorm(x) }],
  batchNormBackward: [{ label: 'channels', shapes: [[5, 3, 4], [3], [3]], fn: (x, w, b) => batchNorm(x, 1, w, b) },
    { label: 'features last, no weight', shapes: [[6, 4]], fn: (x) => batchNorm(x, 1) }],
  maxPool2dBackward: [{ label: '2x2 windows', shapes: [[2, 3, 6, 6]], fn: (x) => maxPool2d(x, 2) }],
};

/** `backend` without one backward kernel (or all of them): the ops then use their gradient rules. */
function without(backend: Backend, kernels: readonly BackwardKernelName[]): Backend {
  const stripped: Backend = { ...backend, name: `${backend.name} without ${kernels.join(', ')}` };
  for (const kernel of kernels) delete stripped[kernel];
  return stripped;
}

/** The case's output and its inputs' gradients (for an upstream gradient of fixed random values), inside a step. */
function run(backend: Backend, c: Case, dtype: 'float32' | 'float64' = 'float32'): number[] {
  const previous = setBackend(backend);
  try {
    return arenaStep(() => {
      const g = new Generator(7);
      const inputs = c.shapes.map((shape) => {
        const x = randn(shape, { generator: g, dtype });
        return (c.positive ? x.abs().add(0.5) : x).detach().requiresGrad_();
      });
      const y = c.fn(...inputs);
      y.backward(randn(y.shape, { generator: g, dtype }));
      return [...y.toFlatArray(), ...inputs.flatMap((x) => x.grad!.toFlatArray())];
    });
  } finally {
    setBackend(previous);
  }
}

describe('backward kernels are optional overrides of the ops\' gradient rules', () => {
  test('every backward kernel has cases here', () => {
    assert.deepEqual(Object.keys(CASES).sort(), [...BACKWARD_KERNELS].sort());
  });

  for (const [label, backend] of [['reference', referenceBackend], ['wasm', createWasmBackend({ threads: 1 })]] as const) {
    for (const kernel of BACKWARD_KERNELS) {
      test(`${label}: ${kernel} agrees with the rule it overrides`, () => {
        assert.ok(backend[kernel], `${label} has no ${kernel}`);
        for (const c of CASES[kernel]) {
          const fused = run(backend, c);
          const rule = run(without(backend, [kernel]), c);
          assertClose(fused, rule, { rtol: 1e-4, atol: 2e-5, what: `${kernel} ${c.label}` });
        }
      });
    }
  }

  test('the rules pass float64 gradchecks on a backend with no backward kernel', () => {
    const previous = setBackend(without(referenceBackend, BACKWARD_KERNELS));
    try {
      for (const [kernel, cases] of Object.entries(CASES)) {
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
