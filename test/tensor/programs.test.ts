// The differential test: 300 random op programs (scripts/make_torch_programs_fixture.py), replayed on every backend
// and compared with PyTorch's outputs and input gradients.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { type Backend, Tensor, arenaStep, cat, referenceBackend, setBackend, tensor } from '../../src/index.js';
import { assertClose, projectRoot } from '../helpers.js';

interface Encoded { shape: number[]; data: number[] }
interface Program { inputs: Encoded[]; steps: unknown[][]; output: Encoded; grad_output: Encoded; grads: (Encoded | null)[] }
const fixture = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_programs.json'), 'utf8')) as { torch_version: string; programs: Program[] };
const load = (e: Encoded) => tensor(Float32Array.from(e.data), { shape: e.shape });

/** One step of a program, as zerograd spells it; `v` are the values so far (inputs among them). */
function apply(step: unknown[], v: Tensor[], inputs: Tensor[]): Tensor {
  const [op, ...args] = step as [string, ...number[]];
  const x = v[args[0]];
  switch (op) {
    case 'input': return inputs[args[0]];
    case 'tanh': case 'sigmoid': case 'relu': case 'neg': case 'square': case 'sin': case 'exp': return x[op]();
    case 'add': case 'sub': case 'mul': case 'div': return x[op](v[args[1]]);
    case 'transpose': return x.transpose(args[1], args[2]);
    case 'permute': return x.permute(...(step[2] as number[]));
    case 'slice': return x.slice(args[1], args[2], args[3], args[4]);
    case 'unsqueeze_expand': return x.unsqueeze(args[1]).expand(...(step[3] as number[]));
    case 'reshape': return x.reshape(...(step[2] as number[]));
    case 'sum': return x.sum(args[1], Boolean(step[3]));
    case 'mean': return x.mean(args[1], Boolean(step[3]));
    case 'matmul': return x.matmul(v[args[1]]);
    case 'softmax': return x.softmax(args[1]);
    case 'log_softmax': return x.logSoftmax(args[1]);
    case 'cat': return cat([x, v[args[1]]], args[2]);
    default: throw new Error(`unknown step ${op}`);
  }
}

/** float32 with different summation orders: relative 1e-4, and an absolute floor scaled by the largest magnitude. */
const tolerance = (values: number[]) => ({ rtol: 1e-4, atol: 1e-5 * values.reduce((m, x) => Math.max(m, Math.abs(x)), 1) });

const runs: { label: string; kernels: Backend; wrap: (body: () => void) => void }[] = [
  { label: 'reference backend', kernels: referenceBackend, wrap: (body) => body() },
  ...(['simd128', 'relaxed-simd'] as const).flatMap((build) => {
    const wasm = createWasmBackend({ build });
    return [
      { label: `wasm ${build} build on JavaScript arrays`, kernels: wasm, wrap: (body: () => void) => body() },
      { label: `wasm ${build} build inside arenaStep`, kernels: wasm, wrap: (body: () => void) => arenaStep(body) },
    ];
  }),
];

for (const { label, kernels, wrap } of runs) describe(`${fixture.programs.length} random programs against PyTorch ${fixture.torch_version} on the ${label}`, () => {
  let previous: Backend;
  before(() => { previous = setBackend(kernels); });
  after(() => { setBackend(previous); });

  test('every program: output and every input gradient', () => {
    fixture.programs.forEach((program, p) => wrap(() => {
      const inputs = program.inputs.map((e) => load(e).requiresGrad_());
      const values: Tensor[] = [];
      for (const step of program.steps) values.push(apply(step, values, inputs));
      const out = values[values.length - 1];
      const what = `program ${p} (${program.steps.filter((s) => s[0] !== 'input').map((s) => s[0]).join(' → ')})`;
      assert.deepEqual(out.shape, program.output.shape, `${what}: output shape`);
      assertClose(out.toFlatArray(), program.output.data, { ...tolerance(program.output.data), what: `${what} output` });
      out.backward(load(program.grad_output));
      program.grads.forEach((expected, k) => {
        if (!expected) return;
        assertClose(inputs[k].grad!.toFlatArray(), expected.data, { ...tolerance(expected.data), what: `${what}: grad of input ${k}` });
      });
    }));
  });
});
