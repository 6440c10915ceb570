import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { type Backend, arenaStep, grad, referenceBackend, setBackend, silu, tensor } from '../../src/index.js';
import { assertClose, projectRoot } from '../helpers.js';

/** PyTorch's F.silu on both tails, its minimum and 0 (scripts/make_torch_silu_fixture.py). */
const fixture = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_silu.json'), 'utf8')) as
  Record<'x' | 'silu' | 'upstream' | 'grad' | 'second_derivative', number[]>;

describe('SiLU against PyTorch', () => {
  for (const [label, backend] of [['reference', referenceBackend], ['wasm', createWasmBackend()]] as [string, Backend][]) {
    test(`${label}: values, gradient (its fused kernel) and second derivative (its rule over ops)`, () => {
      const previous = setBackend(backend);
      try {
        arenaStep(() => {
          const x = tensor(fixture.x, { requiresGrad: true });
          const y = silu(x);
          assertClose(y.toFlatArray(), fixture.silu, { rtol: 1e-6, atol: 1e-7, what: 'silu' });
          y.backward(tensor(fixture.upstream));
          assertClose(x.grad!.toFlatArray(), fixture.grad, { rtol: 1e-5, atol: 1e-6, what: 'gradient' });
          const [first] = grad(silu(x).mul(tensor(fixture.upstream)).sum(), [x], { createGraph: true });
          const [second] = grad(first!.sum(), [x]);
          assertClose(second!.toFlatArray(), fixture.second_derivative, { rtol: 1e-5, atol: 1e-6, what: 'second derivative' });
        });
      } finally {
        setBackend(previous);
      }
    });
  }
});
