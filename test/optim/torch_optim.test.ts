import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stack, tensor } from '../../src/index.js';
import { AdamW } from '../../src/optim/adamw.js';
import { Adagrad } from '../../src/optim/adagrad.js';
import { Adam } from '../../src/optim/adam.js';
import { CosineAnnealingLR, LRScheduler, LambdaLR, LinearLR, OneCycleLR, ReduceLROnPlateau, StepLR } from '../../src/optim/lrScheduler.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { RMSprop } from '../../src/optim/rmsprop.js';
import { SGD } from '../../src/optim/sgd.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, projectRoot } from '../helpers.js';

const fixture = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_optim.json'), 'utf8')) as {
  torch_version: string; p0: number[][]; w: number[][]; t: number[][];
  optimizers: Record<string, number[][]>; schedulers: Record<string, number[]>; plateau: { metrics: number[]; lrs: number[] };
  groups: Record<string, number[][]>;
};
const f64 = (x: number[][]) => tensor(x, { dtype: 'float64' });

const optimizers: Record<string, (p: Tensor) => Optimizer> = {
  adam: (p) => new Adam([p], 0.1, { weightDecay: 0.01 }),
  adam_betas: (p) => new Adam([p], 0.05, { betas: [0.8, 0.9], eps: 1e-6 }),
  rmsprop: (p) => new RMSprop([p], 0.01),
  rmsprop_centered_momentum: (p) => new RMSprop([p], 0.01, { momentum: 0.9, centered: true, weightDecay: 0.01 }),
  adagrad: (p) => new Adagrad([p], 0.1, { lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1 }),
  sgd_dampening: (p) => new SGD([p], 0.05, { momentum: 0.9, dampening: 0.1 }),
  sgd_nesterov: (p) => new SGD([p], 0.05, { momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
};

/** Two tensors (the rows of p0), each in its own parameter group. */
const grouped: Record<string, (a: Tensor, b: Tensor) => Optimizer> = {
  adamw_groups: (a, b) => new AdamW([{ params: [a], weightDecay: 0.1 }, { params: [b], lr: 0.01, weightDecay: 0 }], 0.1),
  sgd_groups: (a, b) => new SGD([{ params: [a] }, { params: [b], lr: 0.2, momentum: 0.5 }], 0.05, { momentum: 0.9 }),
  adam_groups: (a, b) => new Adam([{ params: [a], betas: [0.5, 0.9] }, { params: [b] }], 0.1),
};

const schedulers: Record<string, (o: Optimizer) => LRScheduler> = {
  step: (o) => new StepLR(o, 3, 0.5),
  cosine: (o) => new CosineAnnealingLR(o, 10, 0.001),
  linear: (o) => new LinearLR(o, 0.25, 1, 8),
  lambda: (o) => new LambdaLR(o, (t) => 0.9 ** t),
  one_cycle: (o) => new OneCycleLR(o, 1, 13, { pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4 }),
};

describe(`optimizers and schedulers against torch.optim ${fixture.torch_version}`, () => {
  test('fixture and implementations name the same cases', () => {
    assert.deepEqual(Object.keys(optimizers).sort(), Object.keys(fixture.optimizers).sort());
    assert.deepEqual(Object.keys(schedulers).sort(), Object.keys(fixture.schedulers).sort());
  });

  for (const [name, make] of Object.entries(optimizers)) {
    test(`${name}: six steps on sum((p w - t)^2) follow PyTorch's parameters (float64)`, () => {
      const p = f64(fixture.p0).requiresGrad_();
      const opt = make(p);
      fixture.optimizers[name].forEach((expected, step) => {
        opt.zeroGrad();
        p.mul(f64(fixture.w)).sub(f64(fixture.t)).square().sum().backward();
        opt.step();
        assertClose(p.toFlatArray(), expected, { rtol: 1e-9, atol: 1e-12, what: `${name} step ${step + 1}` });
      });
    });
  }

  for (const [name, make] of Object.entries(schedulers)) {
    test(`${name}: twelve steps give PyTorch's learning rates`, () => {
      const opt = new SGD([tensor([0], { requiresGrad: true })], 0.1);
      const scheduler = make(opt);
      const rates = [opt.lr];
      for (let i = 0; i < 12; i++) {
        opt.step();
        scheduler.step();
        rates.push(scheduler.getLastLr()[0]);
      }
      assertClose(rates, fixture.schedulers[name], { rtol: 1e-12, atol: 1e-15, what: name });
    });
  }

  for (const [name, make] of Object.entries(grouped)) {
    test(`${name}: parameter groups with their own settings, under StepLR, follow PyTorch's parameters and rates`, () => {
      const [a, b] = fixture.p0.map((row) => tensor(row, { dtype: 'float64', requiresGrad: true }));
      const opt = make(a, b);
      const scheduler = new StepLR(opt, 2, 0.5);
      fixture.groups[name].forEach((expected, step) => {
        opt.zeroGrad();
        stack([a, b]).mul(f64(fixture.w)).sub(f64(fixture.t)).square().sum().backward();
        opt.step();
        scheduler.step();
        assertClose([...a.toFlatArray(), ...b.toFlatArray(), ...scheduler.getLastLr()], expected, { rtol: 1e-9, atol: 1e-12, what: `${name} step ${step + 1}` });
      });
    });
  }

  test('a parameter in two groups is refused', () => {
    const p = tensor([1], { requiresGrad: true });
    assert.throws(() => new SGD([{ params: [p] }, { params: [p], lr: 1 }], 0.1), /a parameter of shape \[1\] is in parameter groups 0 and 1/);
  });

  test('ReduceLROnPlateau halves the rate when the metric stalls past its patience, then cools down', () => {
    const opt = new SGD([tensor([0], { requiresGrad: true })], 0.1);
    const scheduler = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 2, threshold: 0.01, cooldown: 1 });
    const rates = fixture.plateau.metrics.map((m) => { scheduler.step(m); return scheduler.getLastLr()[0]; });
    assertClose(rates, fixture.plateau.lrs, { rtol: 1e-12 });
  });

  test('zeroGrad({ setToNone: false }) keeps zero-filled gradients', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([p], 0.1);
    p.sum().backward();
    opt.zeroGrad({ setToNone: false });
    assert.deepEqual(p.grad!.toFlatArray(), [0, 0]);
    opt.zeroGrad();
    assert.equal(p.grad, null);
  });
});
