import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScalarMLP, Value, toDot, toSvg } from '../../src/index.js';
import { assertClose } from '../helpers.js';

describe('Value (scalar autograd)', () => {
  test("the lecture's a=-4, b=2 expression: g=24.7041, dg/da=138.8338, dg/db=645.5773", () => {
    const a = new Value(-4.0);
    const b = new Value(2.0);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(c.add(1).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(d.mul(3).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2.0);
    g = g.add(new Value(10.0).div(f));
    g.backward();
    assertClose(g.data, 24.7041, { atol: 5e-5, rtol: 0 });
    assertClose(a.grad, 138.8338, { atol: 5e-5, rtol: 0 });
    assertClose(b.grad, 645.5773, { atol: 5e-5, rtol: 0 });
  });

  test('the tanh neuron: o=0.7071, grads x1=-1.5, w1=1.0, x2=0.5, w2=0', () => {
    const x1 = new Value(2.0, [], '', 'x1');
    const x2 = new Value(0.0, [], '', 'x2');
    const w1 = new Value(-3.0, [], '', 'w1');
    const w2 = new Value(1.0, [], '', 'w2');
    const b = new Value(6.8813735870195432, [], '', 'b');
    const n = x1.mul(w1).add(x2.mul(w2)).add(b);
    const o = n.tanh();
    o.backward();
    assertClose(o.data, 0.7071, { atol: 5e-5, rtol: 0 });
    assertClose([x1.grad, w1.grad, x2.grad, w2.grad], [-1.5, 1.0, 0.5, 0], { atol: 1e-4, rtol: 0 });
  });

  test('tanh written through exp gives the same value and gradients as tanh', () => {
    const build = (viaExp: boolean) => {
      const x = new Value(0.8813735870195432);
      const w = new Value(0.5);
      const n = x.mul(w).mul(2);
      const o = viaExp ? n.mul(2).exp().sub(1).div(n.mul(2).exp().add(1)) : n.tanh();
      o.backward();
      return [o.data, x.grad, w.grad];
    };
    assertClose(build(true), build(false), { rtol: 1e-12 });
  });

  test('a node used twice accumulates both gradient paths', () => {
    const a = new Value(3);
    const b = a.add(a);
    b.backward();
    assert.equal(a.grad, 2);
    const x = new Value(-2);
    const y = new Value(3);
    const z = x.mul(y).mul(x.add(y));
    z.backward();
    assertClose([x.grad, y.grad], [y.data * (2 * x.data + y.data), x.data * (x.data + 2 * y.data)]);
  });

  test('log, sigmoid and subtraction/division derivatives match finite differences', () => {
    const f = (v: number) => {
      const x = new Value(v);
      const out = x.log().mul(x.sigmoid()).sub(x.div(3));
      out.backward();
      return [out.data, x.grad];
    };
    const [, analytic] = f(1.7);
    const numeric = (f(1.7 + 1e-6)[0] - f(1.7 - 1e-6)[0]) / 2e-6;
    assertClose(analytic, numeric, { rtol: 1e-6 });
  });

  test('backward of a deep chain does not overflow the call stack', () => {
    let x = new Value(1);
    const start = x;
    for (let i = 0; i < 50_000; i++) x = x.mul(1);
    x.backward();
    assert.equal(start.grad, 1);
  });
});

describe('scalar MLP', () => {
  test('MLP(3, [4, 4, 1]) has 41 parameters', () => {
    assert.equal(new ScalarMLP(3, [4, 4, 1]).parameters().length, 41);
  });

  test('trains the 4-example toy set to loss < 0.01', () => {
    const model = new ScalarMLP(3, [4, 4, 1], { seed: 1337 });
    const xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]];
    const ys = [1.0, -1.0, -1.0, 1.0];
    let loss = new Value(Infinity);
    for (let step = 0; step < 200; step++) {
      const preds = xs.map((x) => model.call(x)[0]);
      loss = preds.reduce((sum, p, i) => sum.add(p.sub(ys[i]).pow(2)), new Value(0));
      model.zeroGrad();
      loss.backward();
      for (const p of model.parameters()) p.data -= 0.05 * p.grad;
    }
    assert.ok(loss.data < 0.01, `final loss ${loss.data}`);
  });

  test('zeroGrad resets every parameter gradient', () => {
    const model = new ScalarMLP(2, [3, 1]);
    model.call([1, 2])[0].backward();
    assert.ok(model.parameters().some((p) => p.grad !== 0));
    model.zeroGrad();
    assert.ok(model.parameters().every((p) => p.grad === 0));
  });
});

describe('graph export', () => {
  const expression = () => {
    const a = new Value(2, [], '', 'a');
    const b = new Value(-3, [], '', 'b');
    const c = a.mul(b).withLabel('c');
    const d = c.add(a).tanh().withLabel('d');
    d.backward();
    return d;
  };

  test('DOT has a record per value, an op node per operation, and edges between them', () => {
    const dot = toDot(expression());
    assert.match(dot, /^digraph G \{/);
    assert.equal((dot.match(/shape=record/g) ?? []).length, 5);
    assert.equal((dot.match(/_op \[label=/g) ?? []).length, 3);
    assert.match(dot, /\{ c \| data -6\.0000 \| grad /);
    assert.match(dot, /label="tanh"/);
  });

  test('SVG is rendered through wasm Graphviz', async () => {
    const svg = await toSvg(expression());
    assert.match(svg, /<svg[\s\S]*<\/svg>/);
    assert.match(svg, /tanh/);
    assert.match(svg, /data (-|&#45;)6\.0000/); // Graphviz escapes the minus sign
  });
});
