import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { type Backend, GRU, Generator, LSTM, RNN, arenaStep, referenceBackend, setBackend, tensor } from '../../src/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, projectRoot } from '../helpers.js';

interface Values { shape: number[]; values: number[] }
interface RecurrentCase {
  module: 'RNN' | 'LSTM' | 'GRU';
  inputSize: number; hiddenSize: number; numLayers: number; bias: boolean; batchFirst: boolean; nonlinearity: 'tanh' | 'relu' | null;
  state: Record<string, Values>;
  x: Values; h0: number[]; c0?: number[]; stateShape: number[];
  output: Values; hn: number[]; cn?: number[];
  grads: Record<string, number[]>;
}
const fixture = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_rnn.json'), 'utf8')) as { torch: string; cases: Record<string, RecurrentCase> };

const values = (v: Values) => tensor(v.values).view(...v.shape);

function build(c: RecurrentCase): RNN | LSTM | GRU {
  const options = { numLayers: c.numLayers, bias: c.bias, batchFirst: c.batchFirst, generator: new Generator(0) };
  const module = c.module === 'LSTM' ? new LSTM(c.inputSize, c.hiddenSize, options)
    : c.module === 'GRU' ? new GRU(c.inputSize, c.hiddenSize, options)
      : new RNN(c.inputSize, c.hiddenSize, { ...options, nonlinearity: c.nonlinearity ?? 'tanh' });
  module.loadStateDict(new Map(Object.entries(c.state).map(([k, v]) => [k, values(v)])));
  return module;
}

/** Forward and backward of the fixture's loss; every result as a flat array. */
function run(c: RecurrentCase): Record<string, number[]> {
  const module = build(c);
  const x = values(c.x).requiresGrad_();
  const h0 = tensor(c.h0).view(...c.stateShape).requiresGrad_();
  const c0 = c.c0 ? tensor(c.c0).view(...c.stateShape).requiresGrad_() : null;
  let output: Tensor, hn: Tensor, cn: Tensor | null = null;
  if (module instanceof LSTM) [output, [hn, cn]] = module.forward(x, [h0, c0!]);
  else [output, hn] = module.forward(x, h0);
  const weights = tensor(Array.from({ length: output.size }, (_, i) => -1 + (2 * i) / (output.size - 1))).view(...output.shape);
  let loss = output.mul(weights).sum().add(hn.square().sum());
  if (cn) loss = loss.add(cn.mul(0.5).sum());
  loss.backward();
  const result: Record<string, number[]> = { output: output.toFlatArray(), hn: hn.toFlatArray(), x: x.grad!.toFlatArray(), h0: h0.grad!.toFlatArray() };
  assert.deepEqual(output.shape, c.output.shape);
  if (cn) Object.assign(result, { cn: cn.toFlatArray(), c0: c0!.grad!.toFlatArray() });
  for (const [name, p] of module.namedParameters()) result[`grad ${name}`] = p.grad!.toFlatArray();
  return result;
}

describe(`recurrent layers against PyTorch ${fixture.torch}'s nn.RNN, LSTM and GRU`, () => {
  const backends: [string, Backend, boolean][] = [
    ['reference', referenceBackend, false], ['wasm-simd', createWasmBackend({ threads: 1 }), false], ['wasm-simd in arenaStep', createWasmBackend({ threads: 2 }), true],
  ];
  for (const [name, c] of Object.entries(fixture.cases)) {
    for (const [label, backend, inArena] of backends) {
      test(`${name} on ${label}: outputs, final states and every gradient`, () => {
        const previous = setBackend(backend);
        try {
          const got = inArena ? arenaStep(() => run(c)) : run(c);
          const tolerance = { rtol: 1e-4, atol: 1e-5 };
          assertClose(got.output, c.output.values, { ...tolerance, what: 'output' });
          assertClose(got.hn, c.hn, { ...tolerance, what: 'h_n' });
          if (c.cn) assertClose(got.cn, c.cn, { ...tolerance, what: 'c_n' });
          for (const [key, expected] of Object.entries(c.grads)) {
            const actual = key === 'x' || key === 'h0' || key === 'c0' ? got[key] : got[`grad ${key}`];
            assert.ok(actual, `no gradient for ${key}`);
            assertClose(actual, expected, { ...tolerance, what: `d loss / d ${key}` });
          }
        } finally {
          setBackend(previous);
        }
      });
    }
  }

  test('parameter names, shapes and order are PyTorch\'s, so a state dict loads as it is', () => {
    const lstm = new LSTM(3, 5, { numLayers: 2 });
    assert.deepEqual(lstm.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`), [
      'weight_ih_l0 20x3', 'weight_hh_l0 20x5', 'bias_ih_l0 20', 'bias_hh_l0 20',
      'weight_ih_l1 20x5', 'weight_hh_l1 20x5', 'bias_ih_l1 20', 'bias_hh_l1 20',
    ]);
    assert.deepEqual(new GRU(2, 4, { bias: false }).namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`), ['weight_ih_l0 12x2', 'weight_hh_l0 12x4']);
    // PyTorch draws every weight from U(-1/sqrt(hidden), 1/sqrt(hidden)).
    const bound = 1 / Math.sqrt(5);
    for (const [, p] of lstm.namedParameters()) assert.ok(p.toFlatArray().every((v) => Math.abs(v) <= bound));
  });

  test('dropout acts between layers only while training; zero initial states by default', () => {
    const gru = new GRU(3, 4, { numLayers: 2, dropout: 0.5, generator: new Generator(1) });
    const x = tensor(Array.from({ length: 2 * 3 * 3 }, (_, i) => Math.sin(i))).view(2, 3, 3);
    gru.eval();
    const [a] = gru.forward(x);
    const [b] = gru.forward(x, tensor(new Array(2 * 3 * 4).fill(0)).view(2, 3, 4));
    assert.deepEqual(a.toFlatArray(), b.toFlatArray());
    gru.train();
    const [c] = gru.forward(x);
    assert.notDeepEqual(c.toFlatArray(), a.toFlatArray());
  });

  test('bad shapes name the module, the expected and the given shape', () => {
    const lstm = new LSTM(3, 5, { numLayers: 2, batchFirst: true });
    assert.throws(() => lstm.forward(tensor([[[1, 2]]])), /LSTM: expected input \(batch, time, 3\) or \(time, 3\), got \[1, 1, 2\]/);
    const x = tensor(new Array(2 * 4 * 3).fill(0.1)).view(2, 4, 3);
    assert.throws(() => lstm.forward(x, [tensor(new Array(10).fill(0)).view(2, 5), tensor(new Array(10).fill(0)).view(2, 5)]), /LSTM: h0 must be \[2, 2, 5\], got \[2, 5\]/);
    assert.throws(() => new RNN(3, 0), /RNN: hiddenSize must be a positive integer, got 0/);
  });
});
