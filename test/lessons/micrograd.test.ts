import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TINY_TARGETS, fitTinyMlp, tanhNeuron } from '../../src/lessons/micrograd.js';
import { assertClose } from '../helpers.js';

describe('micrograd lesson', () => {
  test('the tanh neuron has the lecture values: o = 0.7071, dx1 = -1.5, dw1 = 1, dx2 = 0.5, dw2 = 0', () => {
    const { x1, x2, w1, w2, o } = tanhNeuron();
    assertClose([o.data, x1.grad, w1.grad, x2.grad, w2.grad], [Math.SQRT1_2, -1.5, 1, 0.5, 0], { atol: 1e-6 });
  });

  test('the tiny MLP drives its squared error down and its predictions toward the targets', () => {
    const losses: number[] = [];
    const { model, predictions } = fitTinyMlp(100, (_, loss) => losses.push(loss));
    assert.equal(model.parameters().length, 41);
    assert.equal(losses.length, 100);
    assert.ok(losses[99] < losses[0] / 10, `loss ${losses[0]} -> ${losses[99]}`);
    predictions.forEach((p, i) => assert.ok(Math.sign(p) === TINY_TARGETS[i], `prediction ${p} for target ${TINY_TARGETS[i]}`));
  });
});
