import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, crossEntropy, randn, tensor } from '../../src/index.js';
import { Tanh } from '../../src/nn/activations.js';
import { BatchNorm1d } from '../../src/nn/batchnorm.js';
import { Embedding } from '../../src/nn/embedding.js';
import { Linear } from '../../src/nn/linear.js';
import { FlattenConsecutive, Sequential } from '../../src/nn/sequential.js';
import { assertClose, ints } from '../helpers.js';

describe('nn modules', () => {
  test('Linear stores weight (out, in) like PyTorch and computes x W^T + b for 2-D and 3-D input', () => {
    const layer = new Linear(3, 2, { generator: new Generator(0) });
    assert.deepEqual(layer.weight.shape, [2, 3]);
    const x = randn([4, 5, 3], { generator: new Generator(1) });
    const y = layer.forward(x);
    assert.deepEqual(y.shape, [4, 5, 2]);
    const manual = x.matmul(layer.weight.T).add(layer.bias!);
    assertClose(y.toFlatArray(), manual.toFlatArray());
    assert.deepEqual(new Linear(3, 2, { bias: false }).namedParameters().map(([n]) => n), ['weight']);
  });

  test('Linear init: std = gain / sqrt(fan_in) (Kaiming), overridable', () => {
    const layer = new Linear(400, 300, { gain: 5 / 3, generator: new Generator(2) });
    assertClose(layer.weight.std().item(), 5 / 3 / 20, { rtol: 0.02 });
    assertClose(new Linear(100, 100, { std: 0.02, generator: new Generator(3) }).weight.std().item(), 0.02, { rtol: 0.03 });
  });

  test('Embedding looks up rows for any id shape', () => {
    const emb = new Embedding(5, 3);
    const out = emb.forward(ints([1, 4, 0, 1], [2, 2]));
    assert.deepEqual(out.shape, [2, 2, 3]);
    assert.deepEqual(out.slice(0, 0, 1).slice(1, 0, 1).toFlatArray(), emb.weight.slice(0, 1, 2).toFlatArray());
  });

  test('BatchNorm1d normalises per feature in training and tracks running statistics', () => {
    const bn = new BatchNorm1d(4, { momentum: 0.1 });
    const x = randn([64, 4], { generator: new Generator(4) }).mul(3).add(5);
    const y = bn.forward(x);
    assertClose(y.mean(0).toFlatArray(), [0, 0, 0, 0], { atol: 1e-5 });
    assertClose(y.var(0, false, 0).toFlatArray(), [1, 1, 1, 1], { atol: 1e-3 });
    assertClose(bn.running_mean.toFlatArray(), x.mean(0).mul(0.1).toFlatArray(), { rtol: 1e-5 });
    assertClose(bn.running_var.toFlatArray(), x.var(0).mul(0.1).add(0.9).toFlatArray(), { rtol: 1e-5 });
    bn.eval();
    const single = bn.forward(x.slice(0, 0, 1));
    assert.deepEqual(single.shape, [1, 4]);
    assert.deepEqual(bn.namedBuffers().map(([n]) => n), ['running_mean', 'running_var']);
    assert.deepEqual(bn.namedParameters().map(([n]) => n), ['weight', 'bias']);
  });

  test('BatchNorm1d on 3-D input reduces over batch and time', () => {
    const bn = new BatchNorm1d(3);
    const y = bn.forward(randn([8, 5, 3], { generator: new Generator(5) }).mul(2));
    assertClose(y.mean([0, 1]).toFlatArray(), [0, 0, 0], { atol: 1e-5 });
    assert.throws(() => bn.forward(randn([8, 4])), /BatchNorm1d: expected \(B, 3\) or \(B, T, 3\) input, got shape \[8, 4\]/);
  });

  test('FlattenConsecutive fuses neighbouring time steps and drops a time dim of 1', () => {
    const x = randn([4, 8, 10]);
    assert.deepEqual(new FlattenConsecutive(2).forward(x).shape, [4, 4, 20]);
    assert.deepEqual(new FlattenConsecutive(8).forward(x).shape, [4, 80]);
    assert.throws(() => new FlattenConsecutive(3).forward(x), /T divisible by 3/);
  });

  test('Sequential names parameters and buffers like PyTorch and switches train/eval everywhere', () => {
    const model = new Sequential([new Embedding(27, 4), new FlattenConsecutive(2), new Linear(8, 6, { bias: false }), new BatchNorm1d(6), new Tanh(), new Linear(6, 27)]);
    assert.deepEqual(model.namedParameters().map(([n]) => n), ['layers.0.weight', 'layers.2.weight', 'layers.3.weight', 'layers.3.bias', 'layers.5.weight', 'layers.5.bias']);
    assert.deepEqual(model.namedBuffers().map(([n]) => n), ['layers.3.running_mean', 'layers.3.running_var']);
    model.eval();
    assert.equal((model.layers[3] as BatchNorm1d).training, false);
    model.train();
    const logits = model.forward(ints([1, 2, 3, 4], [2, 2]));
    crossEntropy(logits, ints([0, 1])).backward();
    assert.ok(model.parameters().every((p) => p.grad !== null));
    model.zeroGrad();
    assert.ok(model.parameters().every((p) => p.grad === null));
    // The Tanh layer's saved output requires grad but is not a parameter.
    assert.equal(model.numParameters(), 27 * 4 + 8 * 6 + 12 + 6 * 27 + 27);
  });

  test('loadStateDict copies by name and rejects wrong names or shapes', () => {
    const a = new Linear(3, 2, { generator: new Generator(1) });
    const b = new Linear(3, 2, { generator: new Generator(2) });
    b.loadStateDict(a.stateDict());
    assert.deepEqual(b.weight.toFlatArray(), a.weight.toFlatArray());
    assert.throws(() => b.loadStateDict(new Map([['weight', a.weight]])), /missing keys \[bias\]/);
    assert.throws(() => b.loadStateDict(new Map([['weight', tensor([1])], ['bias', a.bias!]])), /'weight' has shape \[1\] in the checkpoint but \[2,3\] in the model/);
  });
});
