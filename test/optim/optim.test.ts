import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tensor } from '../../src/index.js';
import { AdamW } from '../../src/optim/adamw.js';
import { clipGradNorm } from '../../src/optim/clip.js';
import { SGD } from '../../src/optim/sgd.js';
import { cosineWithWarmup, stepDecay } from '../../src/optim/schedule.js';
import { assertClose } from '../helpers.js';

describe('optimizers', () => {
  test('SGD: p -= lr * g', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    p.mul(tensor([3, 4])).sum().backward();
    new SGD([p], 0.5).step();
    assert.deepEqual(p.toFlatArray(), [-0.5, 0]);
  });

  test('SGD minimises x^2 from 5 with lr 0.01 over 10 steps to 4.08536 (the Dev G problem)', () => {
    const x = tensor([5], { requiresGrad: true, dtype: 'float64' });
    const opt = new SGD([x], 0.01);
    for (let i = 0; i < 10; i++) {
      opt.zeroGrad();
      x.square().sum().backward();
      opt.step();
    }
    assertClose(x.item(), 5 * 0.98 ** 10, { rtol: 1e-6 });
    assert.equal(Number(x.item().toFixed(5)), 4.08536);
  });

  test('AdamW matches torch.optim.AdamW for two steps (values from PyTorch 1.13)', () => {
    // torch: p=[1,-2] (2-D, decayed), lr=0.1, wd=0.1, grads from loss = sum(p * [0.5, 3]) then sum(p^2).
    const p = tensor([[1, -2]], { requiresGrad: true, dtype: 'float64' });
    const opt = new AdamW([p], 0.1, { weightDecay: 0.1 });
    p.mul(tensor([[0.5, 3]], { dtype: 'float64' })).sum().backward();
    opt.step();
    assertClose(p.toFlatArray(), [0.890000002, -2.0799999996666667], { rtol: 1e-9 });
    opt.zeroGrad();
    p.square().sum().backward();
    opt.step();
    assertClose(p.toFlatArray(), [0.7913442898192297, -2.038013663924696], { rtol: 1e-8 });
  });

  test('AdamW does not decay 1-D parameters by default (biases, LayerNorm gains)', () => {
    const bias = tensor([1, 1], { requiresGrad: true });
    const opt = new AdamW([bias], 0.1, { weightDecay: 0.5 });
    bias.mul(0).sum().backward();
    opt.step();
    assert.deepEqual(bias.toFlatArray(), [1, 1]);
  });

  test('tied parameters are updated once', () => {
    const p = tensor([1], { requiresGrad: true });
    p.sum().backward();
    const opt = new SGD([p, p], 1);
    opt.step();
    assert.deepEqual(p.toFlatArray(), [0]);
  });

  test('clipGradNorm scales all gradients to the max norm and returns the norm before', () => {
    const a = tensor([3], { requiresGrad: true });
    const b = tensor([4], { requiresGrad: true });
    a.mul(b).backward();
    const norm = clipGradNorm([a, b], 1);
    assertClose(norm, 5);
    assertClose([a.grad!.item(), b.grad!.item()], [0.8, 0.6], { rtol: 1e-5 });
  });

  test('schedules: step decay and cosine with warmup', () => {
    const decay = stepDecay(0.1, 100);
    assert.deepEqual([decay(0), decay(99), decay(100)], [0.1, 0.1, 0.1 * 0.1]);
    const cosine = cosineWithWarmup(1e-3, 10, 110, 1e-4);
    assert.ok(cosine(0) < cosine(5) && cosine(5) < cosine(9));
    assertClose(cosine(10), 1e-3);
    assertClose(cosine(60), 5.5e-4);
    assertClose(cosine(200), 1e-4);
  });

  test('optimizer state round-trips for resume', () => {
    const p = tensor([[1, 2]], { requiresGrad: true });
    const opt = new AdamW([p], 0.1);
    p.sum().backward();
    opt.step();
    const copy = new AdamW([tensor([[0, 0]], { requiresGrad: true })], 0.1);
    copy.loadStateTensors(opt.stateTensors(), opt.stepCount);
    assert.deepEqual([...copy.stateTensors().get('exp_avg.0')!], [...opt.stateTensors().get('exp_avg.0')!]);
    assert.equal(copy.stepCount, 1);
    assert.throws(() => copy.loadStateTensors(new Map(), 1), /optimizer state 'exp_avg.0' is missing in the checkpoint/);
  });
});
