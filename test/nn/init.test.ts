import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generator, Linear, ModuleDict, ModuleList, Identity, init, randn, zeros } from '../../src/index.js';
import { Conv2d } from '../../src/nn/conv.js';

const stats = (values: ArrayLike<number>) => {
  const xs = Array.from(values);
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length), min: xs.reduce((a, b) => Math.min(a, b)), max: xs.reduce((a, b) => Math.max(a, b)) };
};

describe('nn.init and container modules', () => {
  test('calculateGain and fans follow PyTorch', () => {
    assert.equal(init.calculateGain('tanh'), 5 / 3);
    assert.equal(init.calculateGain('relu'), Math.SQRT2);
    assert.equal(init.calculateGain('leaky_relu', 0.2), Math.sqrt(2 / 1.04));
    assert.equal(init.calculateGain('conv2d'), 1);
    assert.deepEqual(init.fans(zeros([16, 6, 5, 5])), { fanIn: 150, fanOut: 400 });
    assert.throws(() => init.fans(zeros([3])), /fan in and fan out need a tensor of 2 or more dims, got \[3\]/);
  });

  test('the initialisers fill in place with the right spread', () => {
    const g = new Generator(0);
    const w = zeros([256, 512]);
    init.kaimingNormal_(w, { nonlinearity: 'relu', generator: g });
    assert.ok(Math.abs(stats(w.toFlatArray()).std - Math.SQRT2 / Math.sqrt(512)) < 0.002);
    init.kaimingUniform_(w, { mode: 'fanOut', nonlinearity: 'relu', generator: g });
    const bound = Math.sqrt(3) * Math.SQRT2 / Math.sqrt(256);
    const u = stats(w.toFlatArray());
    assert.ok(u.max <= bound * (1 + 1e-6) && u.min >= -bound * (1 + 1e-6) && u.max > 0.98 * bound, JSON.stringify({ ...u, bound }));
    init.xavierUniform_(w, 1, g);
    assert.ok(stats(w.toFlatArray()).max <= Math.sqrt(6 / 768));
    init.xavierNormal_(w, 2, g);
    assert.ok(Math.abs(stats(w.toFlatArray()).std - 2 * Math.sqrt(2 / 768)) < 0.002);
    init.normal_(w, 3, 0.5, g);
    assert.ok(Math.abs(stats(w.toFlatArray()).mean - 3) < 0.01);
    init.uniform_(w, -2, -1, g);
    assert.ok(stats(w.toFlatArray()).max <= -1 && stats(w.toFlatArray()).min >= -2);
    init.ones_(w);
    assert.ok(w.toFlatArray().every((v) => v === 1));
    init.zeros_(w);
    assert.ok(w.toFlatArray().every((v) => v === 0));
    // In place on a parameter, without recording a graph.
    const layer = new Linear(4, 3);
    init.constant_(layer.weight, 0.5);
    assert.equal(layer.weight.gradFn, null);
    assert.ok(layer.weight.requiresGrad);
  });

  test('ModuleList and ModuleDict register their modules under PyTorch\'s names; Identity passes its input', () => {
    const g = new Generator(1);
    const list = new ModuleList<Linear | Identity>([new Linear(2, 3, { generator: g }), new Linear(3, 1, { generator: g })]);
    list.append(new Identity());
    assert.equal(list.length, 3);
    assert.deepEqual(list.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.equal([...list].length, 3);
    assert.ok(list.at(-1) instanceof Identity);
    assert.throws(() => list.at(3), /index 3 is out of range for 3 modules/);
    const dict = new ModuleDict({ encoder: new Linear(2, 2, { generator: g }), head: new Conv2d(1, 2, 3, { generator: g }) });
    assert.deepEqual(dict.namedParameters().map(([n]) => n), ['encoder.weight', 'encoder.bias', 'head.weight', 'head.bias']);
    assert.deepEqual(dict.keys(), ['encoder', 'head']);
    assert.ok(dict.get('head') instanceof Conv2d);
    assert.equal(dict.get('nothing'), undefined);
    const x = randn([2, 2]);
    assert.equal(new Identity().forward(x), x);
    assert.equal(list.parameters().length, 4);
  });
});
