import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { autograd, grad, tensor } from '../../src/index.js';
import { assertClose } from '../helpers.js';

const f64 = (values: number[]) => tensor(values, { dtype: 'float64', requiresGrad: true });

describe('autograd.grad and gradient hooks', () => {
  test('grad returns d(output)/d(inputs) and leaves .grad alone; createGraph gives second derivatives', () => {
    const x = f64([1, -2, 0.5]);
    const y = x.pow(3).sum();
    const [dx] = autograd.grad(y, [x], { createGraph: true });
    assertClose(dx!.toFlatArray(), [3, 12, 0.75]);
    assert.equal(x.grad, null);
    const [d2x] = grad(dx!.sum(), [x]);
    assertClose(d2x!.toFlatArray(), [6, -12, 3]);
  });

  test('several outputs with their gradients; an unused input is an error, or null with allowUnused', () => {
    const [a, b, unused] = [f64([2]), f64([3]), f64([4])];
    const [da, db] = grad([a.mul(b), a.square()], [a, b], { gradOutputs: [tensor([1], { dtype: 'float64' }), tensor([10], { dtype: 'float64' })] });
    assertClose(da!.toFlatArray(), [3 + 10 * 4]);
    assertClose(db!.toFlatArray(), [2]);
    assert.throws(() => grad(a.mul(b), [a, unused]), /grad: input 1 of shape \[1\] was not used to compute the outputs; pass allowUnused: true/);
    assert.equal(grad(a.mul(b), [a, unused], { allowUnused: true })[1], null);
    assert.throws(() => grad(a.mul(b), [tensor([1])]), /grad: input 0 of shape \[1\] does not require grad/);
  });

  test('without createGraph the graph is freed, as backward frees it', () => {
    const x = f64([1, 2]);
    const y = x.square().sum();
    grad(y, [x]);
    assert.throws(() => grad(y, [x]), /backward through the graph a second time/);
    const z = x.square().sum();
    grad(z, [x], { retainGraph: true });
    assertClose(grad(z, [x])[0]!.toFlatArray(), [2, 4]);
  });

  test("registerHook sees an intermediate's gradient and may replace it; remove() takes it off", () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    const seen: number[][] = [];
    const handle = h.registerHook((g) => { seen.push(g.toFlatArray()); return g.mul(2); });
    h.square().sum().backward();
    assert.deepEqual(seen, [[6, 12]]);
    assertClose(x.grad!.toFlatArray(), [36, 72]);
    handle.remove();
    x.grad = null;
    x.mul(3).square().sum().backward();
    assertClose(x.grad!.toFlatArray(), [18, 36]);
    const leafHook = x.registerHook((g) => g.neg());
    x.grad = null;
    x.sum().backward();
    assertClose(x.grad!.toFlatArray(), [-1, -1]);
    leafHook.remove();
  });
});
