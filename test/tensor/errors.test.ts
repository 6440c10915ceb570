import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ZerogradError, arange, einsum, pad, binaryCrossEntropy, cat, crossEntropy, layerNorm, multinomial, ones, randint, randn, stack, tensor, zeros,
} from '../../src/index.js';
import { ints } from '../helpers.js';

/** Each bad input must raise a ZerogradError whose message names the op, the shapes and the argument. */
const cases: [string, () => unknown, RegExp][] = [
  ['broadcast mismatch', () => ones([2, 3]).add(ones([4])), /^add: shapes \[2, 3\] and \[4\] cannot be broadcast together \(dim 1: 3 vs 4\)/],
  ['matmul inner dims', () => ones([2, 3]).matmul(ones([4, 5])), /^matmul: shapes \[2, 3\] and \[4, 5\] cannot be multiplied .* a\.shape\[-1\]=3 must equal b\.shape\[-2\]=4/],
  ['matmul of a 0-d tensor', () => tensor(2).matmul(ones([2])), /^matmul: both arguments need at least 1 dim/],
  ['dim out of range', () => ones([2, 3]).sum(5), /^sum: dim 5 is out of range for a tensor of shape \[2, 3\] \(ndim 2\)/],
  ['negative dim out of range', () => ones([2, 3]).softmax(-3), /^softmax: dim -3 is out of range/],
  ['index out of range', () => ones([5, 3]).index(ints([1, 7])), /^index: index 7 at position 1 is out of range for dim 0 of shape \[5, 3\] of size 5/],
  ['float indices', () => ones([5, 3]).index(tensor([1])), /^index: indices must be an int32 tensor, got float32/],
  ['gather shape', () => ones([3, 4]).gather(1, ints([0, 1], [2, 1])), /^gather: index shape \[2, 1\] must match input shape \[3, 4\] in every dim but 1/],
  ['cross-entropy target range', () => crossEntropy(ones([2, 3]), ints([0, 3])), /^crossEntropy: target 3 at position 1 is out of range for 3 classes/],
  ['cross-entropy target shape', () => crossEntropy(ones([2, 3]), ints([0, 1, 2])), /^crossEntropy: targets of shape \[3\] must match logits \[2, 3\]/],
  ['cross-entropy float targets', () => crossEntropy(ones([2, 3]), tensor([0, 1])), /^crossEntropy: targets must be int32/],
  ['backward on a non-scalar', () => ones([2, 3], { requiresGrad: true }).mul(2).backward(), /^backward: grad can be implicitly created only for scalar outputs, got shape \[2, 3\]/],
  ['backward gradient shape', () => ones([2], { requiresGrad: true }).mul(2).backward(ones([3])), /^backward: gradient shape \[3\] does not match output shape \[2\]/],
  ['backward without grad', () => ones([1]).backward(), /^backward: the tensor does not require grad/],
  ['view of a non-contiguous tensor', () => ones([2, 3]).T.view(6), /^view: input of shape \[3, 2\] with strides \[1, 3\] cannot be viewed as \[6\] without a copy; use reshape\(\)/],
  ['reshape element count', () => ones([2, 3]).reshape(4, 4), /^reshape: shape \[4, 4\] is invalid for input of shape \[2, 3\] \(6 elements\)/],
  ['two -1 in a shape', () => ones([2, 3]).view(-1, -1), /^view: only one dimension can be -1/],
  ['permute not a permutation', () => ones([2, 3]).permute(0, 0), /^permute: dims \[0,0\] are not a permutation of the 2 dims of shape \[2, 3\]/],
  ['expand a non-1 dim', () => ones([2, 3]).expand(4, 3), /^expand: cannot expand shape \[2, 3\] to \[4, 3\]: dim 0 has size 2, not 1/],
  ['cat shape mismatch', () => cat([ones([2, 3]), ones([2, 4])], 0), /^cat: tensor 1 has shape \[2, 4\], which differs from tensor 0's \[2, 3\] outside dim 0/],
  ['stack shape mismatch', () => stack([ones([2]), ones([3])]), /^stack: tensor 1 has shape \[3\], but tensor 0 has \[2\]/],
  ['ragged nested array', () => tensor([[1, 2], [3]]), /^tensor: ragged nested array: data\[1\] has shape \[1\] but data\[0\] has \[2\]/],
  ['typed array size', () => tensor(new Float32Array(5), { shape: [2, 3] }), /^tensor: shape \[2, 3\] needs 6 elements, the array has 5/],
  ['negative shape', () => zeros([2, -1]), /^full: invalid shape \[2, -1\]/],
  ['float op on an int tensor', () => arange(3).log(), /^log: expected a floating-point tensor, got int32; convert it with \.float\(\)/],
  ['item of many elements', () => ones([2]).item(), /^item: only one-element tensors can be converted to a number, got shape \[2\]/],
  ['variance of one element', () => ones([1]).var(), /^var: needs more than 1 element\(s\) per reduction, shape \[1\]/],
  ['multinomial negative weight', () => multinomial(tensor([0.5, -0.1]), 1), /^multinomial: row 0 has a negative, infinite or NaN weight/],
  ['multinomial too many without replacement', () => multinomial(tensor([1, 1]), 3), /^multinomial: cannot draw 3 samples without replacement from 2 categories/],
  ['randint empty range', () => randint(3, 3, [2]), /^randint: high \(3\) must be greater than low \(3\)/],
  ['max of an empty tensor', () => randn([0]).max(), /^max: cannot reduce an empty tensor of shape \[0\]/],
  ['tril of a vector', () => ones([3]).tril(), /^tril: needs at least 2 dims, got shape \[3\]/],
  ['binary cross-entropy target shape', () => binaryCrossEntropy(ones([2, 1]), ones([2])), /^binaryCrossEntropy: targets of shape \[2\] must match probabilities of shape \[2, 1\]/],
  ['layerNorm weight shape', () => layerNorm(ones([2, 4]), ones([3])), /^layerNorm: weight of shape \[3\] must be \[4\] to match the last dim of \[2, 4\]/],
  ['scatter index out of range', () => ones([2, 3]).scatter(1, ints([0, 3], [2, 1]), ones([2, 1])), /^scatter: index 3 at position 1 is out of range for dim 1 of shape \[2, 3\] of size 3/],
  ['scatterAdd src shape', () => ones([2, 3]).scatterAdd(1, ints([0, 1], [2, 1]), ones([2, 2])), /^scatterAdd: src shape \[2, 2\] must equal the index shape \[2, 1\]/],
  ['indexAdd src shape', () => ones([4, 3]).indexAdd(0, ints([1, 2]), ones([3, 3])), /^indexAdd: src must have shape \[2, 3\], got \[3, 3\]/],
  ['maskedSelect mask shape', () => ones([2, 3]).maskedSelect(ints([1, 0])), /^maskedSelect: shapes \[2, 3\] and \[2\]|^maskedSelect: .*broadcast/],
  ['pad reflect too wide', () => pad(ones([1, 3]), [3, 0], 'reflect'), /^pad: reflect padding of 3 needs dim 1 of \[1, 3\] to be longer than that/],
  ['einsum operand dims', () => einsum('ij,jk->ik', ones([2, 3]), ones([3])), /^einsum: operand 1 has 1 dims but 'jk' names 2/],
  ['einsum letter sizes', () => einsum('ij,jk->ik', ones([2, 3]), ones([4, 5])), /^einsum: letter 'j' is 3 in one operand and 4 in another/],
];

describe('bad input raises errors that name the op, shapes and argument', () => {
  for (const [label, run, message] of cases) {
    test(label, () => {
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof ZerogradError, `expected a ZerogradError, got ${String(error)}`);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
