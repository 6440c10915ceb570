import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Tensor, arange, cat, crossEntropy, eye, full, linspace, noGrad, oneHot, ones, randn, split, stack, tensor, zeros,
} from '../../src/index.js';
import { assertClose, ints } from '../helpers.js';

describe('tensor basics', () => {
  test('nested arrays give shape, dtype float32 by default, and round-trip through tolist', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.tolist(), [[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(tensor(5).shape, []);
    assert.equal(tensor(5).item(), 5);
  });

  test('typed arrays keep their dtype and take an explicit shape', () => {
    const t = tensor(Int32Array.from([1, 2, 3, 4]), { shape: [2, 2] });
    assert.equal(t.dtype, 'int32');
    assert.deepEqual(t.tolist(), [[1, 2], [3, 4]]);
  });

  test('creation helpers', () => {
    assert.deepEqual(arange(5).toFlatArray(), [0, 1, 2, 3, 4]);
    assert.equal(arange(5).dtype, 'int32');
    assert.deepEqual(arange(0, 1, 0.25).toFlatArray(), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(linspace(-1, 1, 5).toFlatArray(), [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(eye(2).tolist(), [[1, 0], [0, 1]]);
    assert.deepEqual(full([2], 7).toFlatArray(), [7, 7]);
    assert.equal(zeros([2, 3]).sum().item(), 0);
    assert.equal(ones([2, 3], { dtype: 'float64' }).dtype, 'float64');
  });

  test('prints like PyTorch', () => {
    assert.equal(tensor([[1, -2.5], [3, 4]]).toString(), 'tensor([[ 1.0000, -2.5000],\n        [ 3.0000,  4.0000]])');
    assert.equal(arange(3).toString(), 'tensor([0, 1, 2], dtype=int32)');
    assert.match(tensor([1, 2], { requiresGrad: true }).mul(2).toString(), /gradFn=mul/);
  });
});

describe('views share storage', () => {
  const x = arange(0, 24).float().reshape(2, 3, 4);

  test('view, transpose, permute, slice, unsqueeze, squeeze and expand copy nothing', () => {
    for (const v of [x.view(6, 4), x.transpose(0, 2), x.permute(1, 2, 0), x.slice(2, 1, 3), x.unsqueeze(0), x.unsqueeze(0).squeeze(), x.slice(0, 0, 1).expand(5, 3, 4)]) {
      assert.equal(v.data, x.data);
    }
  });

  test('transpose and slice read the right elements', () => {
    assert.deepEqual(x.transpose(0, 2).slice(0, 1, 2).squeeze(0).tolist(), [[1, 13], [5, 17], [9, 21]]);
    assert.deepEqual(x.slice(2, -1).squeeze(-1).tolist(), [[3, 7, 11], [15, 19, 23]]);
    assert.deepEqual(x.slice(1, 0, 3, 2).slice(2, 0, 1).flatten().toFlatArray(), [0, 8, 12, 20]);
  });

  test('reshape of a non-contiguous view copies; contiguous() of a contiguous tensor does not', () => {
    const t = x.transpose(1, 2);
    assert.equal(t.isContiguous(), false);
    const r = t.reshape(-1);
    assert.notEqual(r.data, x.data);
    assert.deepEqual(r.toFlatArray().slice(0, 4), [0, 4, 8, 1]);
    assert.equal(x.contiguous(), x);
  });

  test('view re-strides without copying where PyTorch can, and refuses where it cannot', () => {
    const qkv = arange(0, 24).float().reshape(2, 12);
    const q = qkv.slice(1, 4, 8).view(2, 2, 2);
    assert.equal(q.data, qkv.data);
    assert.deepEqual(q.tolist(), [[[4, 5], [6, 7]], [[16, 17], [18, 19]]]);
    assert.throws(() => qkv.T.view(24), /view: input of shape \[12, 2\] with strides \[1, 12\] cannot be viewed as \[24\] without a copy/);
  });

  test('T transposes the last two dims', () => {
    assert.deepEqual(tensor([[1, 2, 3]]).T.shape, [3, 1]);
  });
});

describe('broadcasting and dtypes', () => {
  test('column + row broadcasts to a matrix', () => {
    assert.deepEqual(tensor([[1], [2]]).add(tensor([10, 20, 30])).tolist(), [[11, 21, 31], [12, 22, 32]]);
  });

  test('scalars take the tensor dtype; int + float promotes to float', () => {
    assert.equal(arange(3).add(1).dtype, 'int32');
    assert.equal(arange(3).add(0.5).dtype, 'float32');
    assert.equal(arange(3).add(tensor([1.5])).dtype, 'float32');
    assert.equal(tensor([1]).add(tensor([1], { dtype: 'float64' })).dtype, 'float64');
  });

  test('comparisons give int32 masks', () => {
    const m = tensor([1, 5, 3]).gt(2);
    assert.equal(m.dtype, 'int32');
    assert.deepEqual(m.toFlatArray(), [0, 1, 1]);
  });

  test('a sum of many float32 values is accumulated precisely', () => {
    assert.equal(full([1_000_000], 0.1).sum().item(), Math.fround(100000.00149011612));
  });
});

describe('reductions and linear algebra', () => {
  const t = tensor([[1, 2, 3, 4], [2, 4, 6, 8]]);

  test('var is unbiased by default, std its square root; correction 0 gives the population value', () => {
    assertClose(t.var(1).toFlatArray(), [5 / 3, 20 / 3]);
    assertClose(t.std(1).toFlatArray(), [Math.sqrt(5 / 3), Math.sqrt(20 / 3)]);
    assertClose(t.var(1, false, 0).toFlatArray(), [1.25, 5]);
  });

  test('max/min/argmax with and without dim', () => {
    assert.equal(t.max().item(), 8);
    assert.deepEqual(t.max(0).toFlatArray(), [2, 4, 6, 8]);
    assert.deepEqual(t.argmax(1).toFlatArray(), [3, 3]);
    assert.deepEqual(t.min(1, true).shape, [2, 1]);
    assert.deepEqual(t.argmin().toFlatArray(), [0]);
  });

  test('sum and mean over several dims, with keepdim', () => {
    const x = arange(0, 24).float().reshape(2, 3, 4);
    assert.deepEqual(x.sum([0, 2]).toFlatArray(), [60, 92, 124]);
    assert.deepEqual(x.mean([0, 2], true).shape, [1, 3, 1]);
  });

  test('matmul follows PyTorch shape rules', () => {
    const cases: [number[], number[], number[]][] = [
      [[3], [3], []], [[3], [3, 4], [4]], [[2, 3], [3], [2]], [[5, 2, 3], [3, 4], [5, 2, 4]], [[2, 1, 2, 3], [4, 3, 5], [2, 4, 2, 5]],
    ];
    for (const [a, b, out] of cases) assert.deepEqual(randn(a).matmul(randn(b)).shape, out, `${a} @ ${b}`);
    assert.deepEqual(tensor([[1, 2], [3, 4]]).matmul(tensor([[5, 6], [7, 8]])).tolist(), [[19, 22], [43, 50]]);
  });

  test('softmax rows sum to one and survive logits of +100', () => {
    const p = tensor([[100, 0, -100], [1, 2, 3]]).softmax(-1);
    assertClose(p.sum(1).toFlatArray(), [1, 1]);
    assert.ok(p.toFlatArray().every(Number.isFinite));
  });

  test('crossEntropy is stable for +100 logits and equals -log softmax at the target', () => {
    const logits = tensor([[100, 0, -100], [0, 100, 0]]);
    assertClose(crossEntropy(logits, ints([0, 1])).item(), 0, { atol: 1e-6 });
    const mild = tensor([[0.5, 1.5, -1], [2, 0, 1]]);
    const expected = mild.logSoftmax(-1).pick(ints([1, 0])).mean().neg().item();
    assertClose(crossEntropy(mild, ints([1, 0])).item(), expected);
  });
});

describe('joining and indexing', () => {
  test('cat, stack and split', () => {
    const a = tensor([[1, 2]]);
    const b = tensor([[3, 4]]);
    assert.deepEqual(cat([a, b], 0).tolist(), [[1, 2], [3, 4]]);
    assert.deepEqual(stack([a, b], 0).shape, [2, 1, 2]);
    assert.deepEqual(split(arange(5), 2).map((p) => p.toFlatArray()), [[0, 1], [2, 3], [4]]);
  });

  test('C[X] embeds a batch of contexts', () => {
    const C = arange(0, 6).float().reshape(3, 2);
    const emb = C.index(ints([0, 2, 1, 1], [2, 2]));
    assert.deepEqual(emb.shape, [2, 2, 2]);
    assert.deepEqual(emb.tolist(), [[[0, 1], [4, 5]], [[2, 3], [2, 3]]]);
  });

  test('pick is probs[arange(n), Y]; oneHot builds float rows', () => {
    assert.deepEqual(tensor([[0.1, 0.9], [0.7, 0.3]]).pick(ints([1, 0])).toFlatArray().map((v) => +v.toFixed(2)), [0.9, 0.7]);
    assert.deepEqual(oneHot(ints([2, 0]), 3).tolist(), [[0, 0, 1], [1, 0, 0]]);
  });

  test('tril masks future positions for causal attention', () => {
    assert.deepEqual(ones([3, 3]).tril().tolist(), [[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
    const wei = zeros([3, 3]).maskedFill(ones([3, 3]).tril().eq(0), -Infinity).softmax(-1);
    assertClose(wei.toFlatArray(), [1, 0, 0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3]);
  });
});

describe('autograd semantics', () => {
  test('gradients accumulate across backward calls until grad is set to null', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    w.mul(2).sum().backward();
    w.mul(2).sum().backward();
    assert.deepEqual(w.grad!.toFlatArray(), [4, 4, 4]);
    w.grad = null;
    w.sum().backward();
    assert.deepEqual(w.grad!.toFlatArray(), [1, 1, 1]);
  });

  test('non-leaf gradients are kept only after retainGrad()', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const kept = x.mul(3).retainGrad();
    const dropped = x.mul(3);
    kept.add(dropped).pow(2).sum().backward();
    assert.deepEqual(kept.grad!.toFlatArray(), [12, 24]);
    assert.equal(dropped.grad, null);
    assert.equal(kept.isLeaf, false);
  });

  test('noGrad records nothing; detach cuts the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    const z = x.detach().mul(2);
    assert.equal(z.requiresGrad, false);
    assert.equal(x.mul(2).gradFn?.op, 'mul');
  });

  test('a tensor used in several places receives the sum of its gradients', () => {
    const x = tensor([2, -1], { requiresGrad: true });
    x.mul(x).add(x.exp()).sum().backward();
    assertClose(x.grad!.toFlatArray(), [4 + Math.exp(2), -2 + Math.exp(-1)]);
  });

  test('broadcast operands get gradients of their own shape', () => {
    const b = tensor([1, 2, 3], { requiresGrad: true });
    const W = ones([4, 3], { requiresGrad: true });
    W.mul(b).add(b).sum().backward();
    assert.deepEqual(b.grad!.shape, [3]);
    assert.deepEqual(b.grad!.toFlatArray(), [8, 8, 8]);
  });

  test('backward with an explicit gradient on a non-scalar output', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).backward(tensor([1, 0, 2]));
    assert.deepEqual(x.grad!.toFlatArray(), [2, 0, 12]);
  });

  test('casting to int32 ends the graph; float casts keep it', () => {
    const x = tensor([1.5, 2.5], { requiresGrad: true });
    assert.equal(x.int().requiresGrad, false);
    x.double().mul(2).sum().backward();
    assert.equal(x.grad!.dtype, 'float32');
    assert.deepEqual(x.grad!.toFlatArray(), [2, 2]);
  });

  test('deep graphs backpropagate without stack overflow', () => {
    const x = tensor([1], { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 20_000; i++) y = y.mul(1);
    y.sum().backward();
    assert.deepEqual(x.grad!.toFlatArray(), [1]);
  });
});
