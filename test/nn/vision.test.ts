import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, Sequential, crossEntropy, noGrad, randn } from '../../src/index.js';
import { ReLU, Sigmoid, Softmax } from '../../src/nn/activations.js';
import { BatchNorm2d } from '../../src/nn/batchnorm.js';
import { AvgPool2d, Conv2d, MaxPool2d } from '../../src/nn/conv.js';
import { Flatten } from '../../src/nn/flatten.js';
import { Linear } from '../../src/nn/linear.js';
import { SGD } from '../../src/optim/sgd.js';
import { conv2d, maxPool2d } from '../../src/tensor/ops/conv.js';
import { assertClose, ints } from '../helpers.js';

describe('vision modules', () => {
  test('Conv2d: PyTorch\'s parameter names and shapes, uniform init within 1/sqrt(fan_in), and the functional result', () => {
    const conv = new Conv2d(3, 4, [3, 5], { padding: 1, generator: new Generator(0) });
    assert.deepEqual(conv.namedParameters().map(([n, p]) => [n, p.shape]), [['weight', [4, 3, 3, 5]], ['bias', [4]]]);
    const bound = 1 / Math.sqrt(3 * 3 * 5);
    assert.ok(conv.weight.toFlatArray().every((v) => Math.abs(v) <= bound) && conv.bias!.toFlatArray().every((v) => Math.abs(v) <= bound));
    const x = randn([2, 3, 6, 7], { generator: new Generator(1) });
    assert.deepEqual(conv.forward(x).shape, [2, 4, 6, 5]);
    assertClose(conv.forward(x).toFlatArray(), conv2d(x, conv.weight, conv.bias, { padding: 1 }).toFlatArray());
    assert.equal(new Conv2d(1, 1, 3, { bias: false }).bias, null);
  });

  test('BatchNorm2d normalises each channel over batch and space, and tracks running statistics', () => {
    const bn = new BatchNorm2d(2);
    const x = randn([4, 2, 3, 3], { generator: new Generator(2) }).mul(3).add(1);
    const y = bn.forward(x);
    const mean = y.mean([0, 2, 3]).toFlatArray();
    const variance = y.var([0, 2, 3], false, 0).toFlatArray();
    assertClose(mean, [0, 0], { atol: 1e-5 });
    assertClose(variance, [1, 1], { atol: 1e-3 });
    const batchMean = x.mean([0, 2, 3]).toFlatArray();
    assertClose(bn.running_mean.toFlatArray(), batchMean.map((m) => 0.1 * m), { atol: 1e-6 });
    bn.eval();
    assertClose(bn.forward(x).toFlatArray(), x.sub(bn.running_mean.view(1, 2, 1, 1)).div(bn.running_var.view(1, 2, 1, 1).add(1e-5).sqrt()).toFlatArray(), { atol: 1e-5 });
    assert.throws(() => bn.forward(randn([2, 3, 4, 4])), /BatchNorm2d: expected \(N, 2, H, W\) input, got shape \[2, 3, 4, 4\]/);
    assert.deepEqual(bn.namedBuffers().map(([n]) => n), ['running_mean', 'running_var']);
  });

  test('a LeNet-style network of these modules learns a batch', () => {
    const g = new Generator(3);
    const model = new Sequential([
      new Conv2d(1, 4, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
      new Conv2d(4, 8, 3, { padding: 1, generator: g }), new ReLU(), new AvgPool2d(2),
      new Flatten(), new Linear(8 * 2 * 2, 10, { generator: g }),
    ]);
    const x = randn([6, 1, 8, 8], { generator: g });
    const y = ints([0, 1, 2, 3, 4, 5]);
    const optimizer = new SGD(model.parameters(), 0.5);
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const loss = crossEntropy(model.forward(x), y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    assert.ok(losses.at(-1)! < losses[0] * 0.5, `${losses[0]} -> ${losses.at(-1)}`);
  });

  test('Flatten(start, end), Sigmoid and Softmax as modules', () => {
    const x = randn([2, 3, 4, 5], { generator: new Generator(4) });
    assert.deepEqual(new Flatten().forward(x).shape, [2, 60]);
    assert.deepEqual(new Flatten(1, 2).forward(x).shape, [2, 12, 5]);
    assertClose(new Sigmoid().forward(x).toFlatArray(), x.sigmoid().toFlatArray());
    const p = new Softmax(1).forward(x);
    assertClose(p.sum(1).toFlatArray(), new Array(40).fill(1), { atol: 1e-6 });
  });

  test('pooling and convolution refuse what does not fit, naming shapes', () => {
    const x = randn([1, 1, 3, 3]);
    assert.throws(() => maxPool2d(x, 4), /maxPool2d: a 4x4 kernel .* does not fit input \[1, 1, 3, 3\]/);
    assert.throws(() => maxPool2d(x, 2, { padding: 2 }), /padding 2 must be at most half the kernel size 2/);
    assert.throws(() => conv2d(x, randn([2, 3, 1, 1])), /conv2d: weight \[2, 3, 1, 1\] must be \(out, 1, kh, kw\) for input \[1, 1, 3, 3\]/);
    assert.throws(() => conv2d(randn([3, 3]), randn([1, 1, 1, 1])), /must be \(out, C, kh, kw\)/);
    assert.throws(() => maxPool2d(x, 0), /kernel size must be an integer or a pair of integers >= 1, got 0/);
    noGrad(() => assert.deepEqual(maxPool2d(x, 3, { stride: 1, padding: 1 }).shape, [1, 1, 3, 3]));
  });
});
