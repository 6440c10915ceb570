import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Tensor, batchNorm, einsum, pad, attentionSoftmax, avgPool2d, bceWithLogits, binaryCrossEntropy, crossEntropyLoss, mseLoss, nllLoss, outer, cat, clamp, conv2d, crossEntropy, im2col, layerNorm, maxPool2d, registeredOps, split, stack,
  silu, sumToShape, tensor, unfold, where,
} from '../../src/index.js';
import { type GradcheckOptions, gradcheck } from '../../src/testing/gradcheck.js';
import { ints, rnd } from '../helpers.js';

interface Case {
  label: string;
  inputs: () => Tensor[];
  fn: (...xs: Tensor[]) => Tensor;
  options?: GradcheckOptions;
}

const one = (label: string, inputs: () => Tensor[], fn: Case['fn'], options?: GradcheckOptions): Case => ({ label, inputs, fn, options });
const unaryCases = (fn: Case['fn'], positive = false): Case[] => [
  one('matrix', () => [rnd([3, 4], 1, { positive })], fn),
  one('transposed view', () => [rnd([4, 3], 2, { positive })], (x) => fn(x.T)),
  one('0-d', () => [rnd([], 3, { positive })], fn),
];
const binaryCases = (fn: Case['fn'], positiveB = false): Case[] => [
  one('same shape', () => [rnd([2, 3], 1), rnd([2, 3], 2, { positive: positiveB })], fn),
  one('broadcast row and column', () => [rnd([3, 1], 3), rnd([1, 4], 4, { positive: positiveB })], fn),
  one('broadcast leading dims', () => [rnd([2, 3, 4], 5), rnd([4], 6, { positive: positiveB })], fn),
  one('non-contiguous operand', () => [rnd([4, 3], 7), rnd([3, 4], 8, { positive: positiveB })], (a, b) => fn(a.T, b)),
];

/** Every differentiable op in the registry needs an entry here; the first test enforces it. */
const cases: Record<string, Case[]> = {
  neg: unaryCases((x) => x.neg()),
  exp: unaryCases((x) => x.exp()),
  log: unaryCases((x) => x.log(), true),
  sqrt: unaryCases((x) => x.sqrt(), true),
  rsqrt: unaryCases((x) => x.rsqrt(), true),
  tanh: unaryCases((x) => x.tanh()),
  sigmoid: unaryCases((x) => x.sigmoid()),
  relu: unaryCases((x) => x.relu()),
  silu: [...unaryCases((x) => silu(x)), one('saturated tails', () => [rnd([8], 29).mul(6)], (x) => silu(x))],
  erf: [...unaryCases((x) => x.erf()), one('large magnitudes', () => [rnd([8], 19).mul(3)], (x) => x.erf())],
  gelu: [...unaryCases((x) => x.gelu()), one('large magnitudes', () => [rnd([8], 9).mul(4)], (x) => x.gelu())],
  abs: unaryCases((x) => x.abs()),
  sin: unaryCases((x) => x.sin()),
  cos: unaryCases((x) => x.cos()),
  square: unaryCases((x) => x.square()),
  reciprocal: unaryCases((x) => x.reciprocal(), true),
  powScalar: [...unaryCases((x) => x.pow(3)), ...unaryCases((x) => x.pow(-0.5), true)],
  add: binaryCases((a, b) => a.add(b)),
  sub: binaryCases((a, b) => a.sub(b)),
  mul: binaryCases((a, b) => a.mul(b)),
  div: binaryCases((a, b) => a.div(b), true),
  pow: [
    one('tensor exponent', () => [rnd([2, 3], 1, { positive: true }), rnd([2, 3], 2)], (a, b) => a.pow(b)),
    one('broadcast exponent', () => [rnd([2, 3], 3, { positive: true }), rnd([3], 4)], (a, b) => a.pow(b)),
  ],
  maximum: binaryCases((a, b) => a.maximum(b)),
  minimum: binaryCases((a, b) => a.minimum(b)),
  where: [
    one('broadcast condition', () => [rnd([3, 4], 1), rnd([3, 4], 2)], (a, b) => where(ints([1, 0, 1, 1], [1, 4]), a, b)),
    one('scalar branch', () => [rnd([2, 3], 3)], (a) => where(a.detach().gt(0), a, 0.5)),
  ],
  clamp: [one('both bounds', () => [rnd([4, 5], 1)], (x) => clamp(x, -0.5, 0.7)), one('lower only', () => [rnd([6], 2)], (x) => x.clamp(0))],
  sum: [
    one('all', () => [rnd([3, 4], 1)], (x) => x.sum()),
    one('dim keepdim', () => [rnd([3, 4, 2], 2)], (x) => x.sum(1, true)),
    one('several dims of a view', () => [rnd([3, 4, 2], 3)], (x) => x.permute(2, 0, 1).sum([0, 2])),
  ],
  mean: [one('all', () => [rnd([3, 4], 1)], (x) => x.mean()), one('negative dim', () => [rnd([3, 4], 2)], (x) => x.mean(-1))],
  var: [
    one('unbiased over dim', () => [rnd([4, 5], 1)], (x) => x.var(1)),
    one('population over dims (0,1) keepdim', () => [rnd([3, 4, 2], 2)], (x) => x.var([0, 1], true, 0)),
  ],
  std: [one('unbiased all', () => [rnd([4, 5], 1)], (x) => x.std()), one('dim 0', () => [rnd([4, 5], 2)], (x) => x.std(0))],
  max: [one('all', () => [rnd([3, 4], 1)], (x) => x.max()), one('dim', () => [rnd([3, 4], 2)], (x) => x.max(1)), one('dim keepdim view', () => [rnd([3, 4], 3)], (x) => x.T.max(0, true))],
  min: [one('all', () => [rnd([3, 4], 1)], (x) => x.min()), one('dim', () => [rnd([3, 4], 2)], (x) => x.min(0))],
  sumToShape: [one('to broadcast source', () => [rnd([2, 3, 4], 1)], (x) => sumToShape(x, [3, 1]))],
  contiguous: [one('of transpose', () => [rnd([3, 4], 1)], (x) => x.T.contiguous().mul(rnd([4, 3], 9)))],
  view: [
    one('split dims', () => [rnd([6, 4], 1)], (x) => x.view(2, 3, -1).mul(rnd([2, 3, 4], 9))),
    one('split the last dim of a column slice', () => [rnd([3, 8], 2)], (x) => x.slice(1, 2, 6).view(3, 2, 2).mul(rnd([3, 2, 2], 9))),
  ],
  reshape: [one('of non-contiguous', () => [rnd([4, 6], 1)], (x) => x.T.reshape(-1).mul(rnd([24], 9)))],
  flatten: [one('middle dims', () => [rnd([2, 3, 4], 1)], (x) => x.flatten(1).mul(rnd([2, 12], 9)))],
  permute: [one('3-d', () => [rnd([2, 3, 4], 1)], (x) => x.permute(2, 0, 1).mul(rnd([4, 2, 3], 9)))],
  transpose: [one('dims 0,2', () => [rnd([2, 3, 4], 1)], (x) => x.transpose(0, 2).mul(rnd([4, 3, 2], 9)))],
  unsqueeze: [one('middle', () => [rnd([3, 4], 1)], (x) => x.unsqueeze(1).mul(rnd([3, 2, 4], 9)))],
  squeeze: [one('all size-1 dims', () => [rnd([3, 1, 4, 1], 1)], (x) => x.squeeze().mul(rnd([3, 4], 9)))],
  slice: [
    one('rows with step', () => [rnd([7, 3], 1)], (x) => x.slice(0, 1, 6, 2)),
    one('negative bounds on a view', () => [rnd([4, 5], 2)], (x) => x.T.slice(1, -3, -1)),
  ],
  expand: [one('row to matrix', () => [rnd([1, 4], 1)], (x) => x.expand(3, -1).mul(rnd([3, 4], 9)))],
  clone: [one('of view', () => [rnd([3, 4], 1)], (x) => x.T.clone())],
  // A float32 round trip is linear but quantised at ~1e-7, so it needs a step far above that.
  to: [one('float64 -> float32 -> float64', () => [rnd([3, 4], 1)], (x) => x.to('float32').double().mul(2), { eps: 1e-2, atol: 1e-4 })],
  matmul: [
    one('2-d', () => [rnd([3, 4], 1), rnd([4, 5], 2)], (a, b) => a.matmul(b)),
    one('transposed operands', () => [rnd([4, 3], 3), rnd([5, 4], 4)], (a, b) => a.T.matmul(b.T)),
    one('batched with broadcast', () => [rnd([2, 3, 4], 5), rnd([4, 2], 6)], (a, b) => a.matmul(b)),
    one('1-d @ 2-d and 2-d @ 1-d', () => [rnd([4], 7), rnd([4, 3], 8)], (v, m) => v.matmul(m).add(m.T.matmul(v))),
    one('vector dot', () => [rnd([5], 9), rnd([5], 10)], (a, b) => a.matmul(b)),
    one('4-d attention shapes', () => [rnd([2, 2, 3, 4], 11), rnd([2, 2, 3, 4], 12)], (q, k) => q.matmul(k.transpose(-2, -1))),
    one('heads sliced from a fused projection (leading dimension > width)', () => [rnd([2, 3, 12], 13)], (qkv) => {
      const [q, k] = qkv.split(4, 2).map((t) => t.view(2, 3, 2, 2).transpose(1, 2));
      return q.matmul(k.transpose(-2, -1));
    }),
    one('broadcast (stride 0) operand', () => [rnd([1, 4], 14), rnd([4, 2], 15)], (a, b) => a.expand(3, 4).matmul(b)),
  ],
  index: [
    one('embedding lookup with repeats', () => [rnd([5, 3], 1)], (c) => c.index(ints([0, 4, 4, 2, 0, 1], [2, 3]))),
    one('negative index', () => [rnd([4], 2)], (c) => c.index(ints([-1, 0]))),
  ],
  gather: [one('dim 1', () => [rnd([3, 4], 1)], (x) => x.gather(1, ints([0, 3, 3, 1, 2, 0], [3, 2]))), one('dim 0', () => [rnd([3, 2], 2)], (x) => x.gather(0, ints([2, 1, 0, 0], [2, 2])))],
  pick: [one('probs[arange(n), Y]', () => [rnd([4, 5], 1)], (x) => x.softmax(1).pick(ints([3, 0, 4, 1])).log().mean().neg())],
  maskedFill: [one('causal mask', () => [rnd([4, 4], 1)], (x) => x.maskedFill(ints(new Array(16).fill(0).map((_, i) => +(i % 4 > Math.floor(i / 4))), [4, 4]), -1e9).softmax(-1))],
  tril: [one('batched', () => [rnd([2, 3, 3], 1)], (x) => x.tril()), one('offset diagonal', () => [rnd([3, 4], 2)], (x) => x.tril(1))],
  triu: [one('main diagonal', () => [rnd([3, 3], 1)], (x) => x.triu())],
  cat: [one('dim 1 mixed widths', () => [rnd([2, 3], 1), rnd([2, 1], 2)], (a, b) => cat([a, b, a], 1))],
  stack: [one('new last dim', () => [rnd([2, 3], 1), rnd([2, 3], 2)], (a, b) => stack([a, b], -1))],
  split: [one('uneven pieces recombined', () => [rnd([5, 2], 1)], (x) => { const [p, q, r] = split(x, 2, 0); return cat([r, p.mul(2), q.exp()], 0); })],
  softmax: [one('last dim', () => [rnd([3, 5], 1)], (x) => x.softmax()), one('dim 0 of 3-d', () => [rnd([3, 2, 4], 2)], (x) => x.softmax(0))],
  logSoftmax: [one('last dim', () => [rnd([3, 5], 1)], (x) => x.logSoftmax()), one('middle dim', () => [rnd([2, 3, 4], 2)], (x) => x.logSoftmax(1))],
  attentionSoftmax: [
    one('causal with scale, batched heads', () => [rnd([2, 2, 4, 4], 1)], (x) => attentionSoftmax(x, 0.5, true)),
    one('bidirectional on a transposed view', () => [rnd([3, 3], 2)], (x) => attentionSoftmax(x.T, 2, false)),
  ],
  binaryCrossEntropy: [
    one('probabilities against 0/1 targets', () => [rnd([3, 2], 1)], (x) => binaryCrossEntropy(x.sigmoid(), tensor([[1, 0], [0, 1], [1, 1]], { dtype: 'float64' }))),
  ],
  batchNorm: [
    one('features last, with weight and bias', () => [rnd([4, 3, 5], 1), rnd([5], 2), rnd([5], 3)], (x, w, b) => batchNorm(x, -1, w, b)),
    one('image channels, no affine, non-contiguous input', () => [rnd([3, 2, 4, 2], 4)], (x) => batchNorm(x.transpose(2, 3), 1)),
  ],
  layerNorm: [
    one('with weight and bias', () => [rnd([2, 3, 5], 1), rnd([5], 2), rnd([5], 3)], (x, w, b) => layerNorm(x, w, b)),
    one('without affine, non-contiguous input', () => [rnd([5, 4], 4)], (x) => layerNorm(x.T)),
  ],
  unfold: [
    one('3x3, padding 1, 2 channels, batch 2', () => [rnd([2, 2, 4, 5], 1)], (x) => unfold(x, 3, { padding: 1 })),
    one('non-square kernel, stride 2, dilation 2', () => [rnd([1, 3, 7, 6], 2)], (x) => unfold(x, [3, 2], { stride: 2, dilation: [2, 1] })),
    one('conv2d: stride 2, padding 1, bias, non-square input', () => [rnd([2, 3, 5, 7], 3), rnd([4, 3, 3, 3], 4), rnd([4], 5)],
      (x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1 })),
    one('conv2d on a permuted view, no bias', () => [rnd([2, 4, 5, 3], 6), rnd([2, 3, 2, 2], 7)], (x, w) => conv2d(x.permute(0, 3, 1, 2), w)),
    one('avgPool2d: 3x3, stride 2, padding 1', () => [rnd([2, 2, 5, 6], 8)], (x) => avgPool2d(x, 3, { stride: 2, padding: 1 })),
  ],
  im2col: [
    one('3x3, padding 1, batch 2', () => [rnd([2, 2, 4, 5], 1)], (x) => im2col(x, 3, { padding: 1 })),
    one('stride 2, dilation 2, non-square kernel', () => [rnd([2, 3, 7, 6], 2)], (x) => im2col(x, [3, 2], { stride: 2, dilation: [2, 1] })),
  ],
  mseLoss: [
    one('mean', () => [rnd([3, 4], 1), rnd([3, 4], 2)], (a, b) => mseLoss(a, b)),
    one('none, on a transposed view', () => [rnd([4, 3], 3), rnd([3, 4], 4)], (a, b) => mseLoss(a.T, b, { reduction: 'none' })),
  ],
  bceWithLogits: [
    one('mean, large logits', () => [rnd([3, 4], 1).mul(5)], (x) => bceWithLogits(x, tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 0]], { dtype: 'float64' }))),
    one('sum with a positive weight per class', () => [rnd([2, 3], 2)], (x) => bceWithLogits(x, tensor([[1, 0, 1], [0, 1, 1]], { dtype: 'float64' }), { reduction: 'sum', posWeight: tensor([2, 0.5, 1], { dtype: 'float64' }) })),
  ],
  nllLoss: [
    one('weighted mean with an ignored target', () => [rnd([4, 5], 1)], (x) => nllLoss(x.logSoftmax(-1), ints([3, -100, 0, 4]), { weight: tensor([1, 2, 0.5, 1, 3], { dtype: 'float64' }) })),
  ],
  crossEntropyLoss: [
    one('label smoothing 0.1', () => [rnd([4, 5], 1)], (x) => crossEntropyLoss(x, ints([3, 1, 0, 4]), { labelSmoothing: 0.1 })),
    one('class weights, smoothing and an ignored target', () => [rnd([4, 3], 2)], (x) => crossEntropyLoss(x, ints([2, -100, 0, 1]), { weight: tensor([0.5, 2, 1], { dtype: 'float64' }), labelSmoothing: 0.2 })),
    one('reduction none', () => [rnd([3, 4], 3)], (x) => crossEntropyLoss(x, ints([0, 3, 2]), { reduction: 'none' })),
  ],
  chunk: [one('3 pieces of 7 rows, recombined', () => [rnd([7, 2], 1)], (x) => { const [a, b, c] = x.chunk(3); return cat([c, a.mul(2), b.exp()], 0); })],
  movedim: [one('dim 0 to the end', () => [rnd([2, 3, 4], 1)], (x) => x.movedim(0, -1).mul(rnd([3, 4, 2], 9)))],
  unflatten: [one('last dim into (2, -1)', () => [rnd([3, 6], 1)], (x) => x.unflatten(1, [2, -1]).mul(rnd([3, 2, 3], 9)))],
  repeat: [one('(2, 3) repeated (2, 1, 2)', () => [rnd([2, 3], 1)], (x) => x.repeat(2, 1, 2).mul(rnd([2, 2, 6], 9)))],
  tile: [one('one count for a matrix', () => [rnd([2, 3], 1)], (x) => x.tile(3).mul(rnd([2, 9], 9)))],
  roll: [one('along dim 1 and flattened', () => [rnd([3, 4], 1)], (x) => x.roll(1, 1).mul(rnd([3, 4], 8)).add(x.roll(-5).mul(rnd([3, 4], 9))))],
  cumsum: [one('dim 1', () => [rnd([3, 4], 1)], (x) => x.cumsum(1)), one('dim 0 of a view', () => [rnd([4, 3], 2)], (x) => x.T.cumsum(0))],
  sort: [one('descending values', () => [rnd([3, 5], 1)], (x) => x.sort(-1, true).values)],
  topk: [one('2 largest of each row', () => [rnd([3, 5], 1)], (x) => x.topk(2).values), one('smallest along dim 0', () => [rnd([4, 3], 2)], (x) => x.topk(1, 0, false).values)],
  cumprod: [one('dim 1', () => [rnd([3, 4], 1)], (x) => x.cumprod(1)), one('dim 0 of a view, with a zero', () => [rnd([4, 3], 2)], (x) => x.T.mul(tensor([[1, 0, 1, 1]], { dtype: 'float64' })).cumprod(1))],
  scatterAdd: [one('repeated indices', () => [rnd([3, 5], 1), rnd([3, 2], 2)], (x, s) => x.scatterAdd(1, ints([0, 4, 2, 2, 1, 3], [3, 2]), s))],
  scatter: [one('distinct indices', () => [rnd([3, 5], 1), rnd([3, 2], 2)], (x, s) => x.scatter(1, ints([0, 4, 2, 1, 1, 3], [3, 2]), s).mul(rnd([3, 5], 9)))],
  indexAdd: [one('rows 4 and 1', () => [rnd([5, 3], 1), rnd([2, 3], 2)], (x, s) => x.indexAdd(0, ints([4, 1]), s).mul(rnd([5, 3], 9)))],
  maskedSelect: [one('a broadcast mask', () => [rnd([3, 4], 1)], (x) => x.maskedSelect(ints([1, 0, 1, 1])).mul(rnd([9], 9)))],
  pad: [
    one('constant', () => [rnd([2, 3], 1)], (x) => pad(x, [1, 2], 'constant', 0.5).mul(rnd([2, 6], 9))),
    one('reflect', () => [rnd([1, 2, 5], 2)], (x) => pad(x, [2, 1], 'reflect').mul(rnd([1, 2, 8], 9))),
    one('replicate, two dims', () => [rnd([1, 2, 3, 4], 3)], (x) => pad(x, [1, 1, 2, 0], 'replicate').mul(rnd([1, 2, 5, 6], 9))),
  ],
  einsum: [
    one('batched matrix product', () => [rnd([2, 3, 4], 1), rnd([2, 4, 5], 2)], (a, b) => einsum('bij,bjk->bik', a, b)),
    one('attention scores', () => [rnd([2, 2, 3, 4], 3), rnd([2, 2, 5, 4], 4)], (q, k) => einsum('bhqd,bhkd->bhqk', q, k)),
    one('transpose', () => [rnd([3, 4], 5)], (x) => einsum('ij->ji', x).mul(rnd([4, 3], 9))),
  ],
  round: [one('2 decimals: a zero gradient', () => [rnd([3, 4], 1)], (x) => x.round(2).add(x.mul(0.5)))],
  outer: [one('vectors', () => [rnd([3], 1), rnd([4], 2)], (a, b) => outer(a, b))],
  norm: [
    one('2-norm of all', () => [rnd([3, 4], 1)], (x) => x.norm()),
    one('1-norm over dim 1, keepdim', () => [rnd([3, 4], 2)], (x) => x.norm(1, 1, true)),
    one('max norm over dim 0', () => [rnd([3, 4], 3)], (x) => x.norm(Infinity, 0)),
  ],
  maxPool2d: [
    one('2x2, stride 2', () => [rnd([2, 3, 4, 6], 1)], (x) => maxPool2d(x, 2)),
    one('3x3, stride 2, padding 1, non-square', () => [rnd([1, 2, 5, 7], 2)], (x) => maxPool2d(x, 3, { stride: 2, padding: 1 })),
    one('overlapping windows, dilation 2', () => [rnd([2, 1, 6, 6], 3)], (x) => maxPool2d(x, 2, { stride: 1, dilation: 2 })),
  ],
  crossEntropy: [
    one('mean', () => [rnd([4, 6], 1)], (x) => crossEntropy(x, ints([5, 0, 2, 2]))),
    one('sum with ignored rows, 3-d logits', () => [rnd([2, 3, 4], 2)], (x) => crossEntropy(x, ints([1, -100, 3, 0, -100, 2], [2, 3]), { reduction: 'sum' })),
    one('large logits', () => [rnd([3, 4], 3).mul(100)], (x) => crossEntropy(x, ints([0, 1, 3]))),
  ],
};

describe('gradcheck (float64 central differences) over the op registry', () => {
  test('every registered differentiable op has at least one gradcheck case', () => {
    const missing = registeredOps().filter((op) => op.differentiable && !(op.name in cases)).map((op) => op.name);
    assert.deepEqual(missing, [], `ops without a gradcheck case: ${missing.join(', ')}`);
    const unknown = Object.keys(cases).filter((name) => !registeredOps().some((op) => op.name === name));
    assert.deepEqual(unknown, [], `cases for ops that are not registered: ${unknown.join(', ')}`);
  });

  for (const [op, opCases] of Object.entries(cases)) {
    for (const c of opCases) {
      test(`${op}: ${c.label}`, () => {
        const { maxAbsError } = gradcheck(c.fn, c.inputs(), c.options);
        assert.ok(maxAbsError < 1e-3, `max error ${maxAbsError}`);
      });
    }
  }

  test('gradcheck itself catches a wrong backward rule', () => {
    const wrongDouble = (x: Tensor) => x.mul(2).add(x.detach().mul(0.001));
    assert.throws(() => gradcheck((x) => x.detach().requiresGrad_().mul(2), [tensor([1, 2])]), /does not require grad|gradcheck failed/);
    assert.throws(() => gradcheck(wrongDouble, [tensor([1, 2, 3])], { atol: 1e-9, rtol: 1e-9 }), /gradcheck failed/);
  });
});
