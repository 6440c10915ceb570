// The committed test/fixtures/torch_ops.json must be what scripts/make_torch_fixtures.py writes: this reruns the
// script into a temporary file (about 3 s) and compares case by case, so a fixture spliced by hand or a case
// whose inputs shifted shows here. Needs /usr/bin/python3 with torch; skips without it, unless ZEROGRAD_REQUIRE_TORCH=1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../helpers.js';
import type { Encoded, FixtureCase } from './torchCases.js';

interface Fixtures { torch_version: string; cases: Record<string, FixtureCase> }

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch && process.env.ZEROGRAD_REQUIRE_TORCH) throw new Error('the torch_ops.json regeneration check must run here, but /usr/bin/python3 has no torch (Debian: python3-torch)');

/**
 * Outputs and gradients within 1e-5 of the tensor's largest magnitude (at least 1): with OpenBLAS, matrix products
 * differ in their last bits from CPU to CPU (1.3e-6 at most here). Inputs and upstream gradients must be identical.
 */
function assertNear(actual: Encoded | null, expected: Encoded | null, what: string): void {
  if (!actual || !expected) return assert.equal(actual, expected, `${what}: present in one run only`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const scale = Math.max(1, ...expected.data.map((v) => (typeof v === 'number' ? Math.abs(v) : 0)));
  expected.data.forEach((e, i) => {
    const a = actual.data[i];
    const ok = typeof e === 'number' && typeof a === 'number' ? Math.abs(a - e) <= 1e-5 * scale : a === e;
    assert.ok(ok, `${what}[${i}]: regenerated ${a}, committed ${e}`);
  });
}

test('scripts/make_torch_fixtures.py reproduces the committed torch_ops.json', { skip: hasTorch ? false : '/usr/bin/python3 has no torch (Debian: python3-torch)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'zerograd-torch-ops-'));
  try {
    const out = join(dir, 'torch_ops.json');
    const run = spawnSync('/usr/bin/python3', [join(projectRoot(), 'scripts', 'make_torch_fixtures.py'), out], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const fresh = JSON.parse(readFileSync(out, 'utf8')) as Fixtures;
    const committed = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_ops.json'), 'utf8')) as Fixtures;
    const hint = `(committed with PyTorch ${committed.torch_version}, regenerated with ${fresh.torch_version}; rerun the script if its cases changed)`;
    assert.deepEqual(Object.keys(fresh.cases), Object.keys(committed.cases), `case names or order ${hint}`);
    for (const [name, c] of Object.entries(committed.cases)) {
      const f = fresh.cases[name];
      assert.deepEqual(f.inputs, c.inputs, `${name}: inputs ${hint}`);
      assert.deepEqual(f.grad_output, c.grad_output, `${name}: grad_output ${hint}`);
      assertNear(f.output, c.output, `${name}: output`);
      assert.equal(f.grads?.length, c.grads?.length, `${name}: number of gradients`);
      (c.grads ?? []).forEach((g, i) => assertNear(f.grads![i], g, `${name}: grads[${i}]`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
