// The tensor module first, so its op modules load in dependency order (as src/index.ts does); no Node imports,
// so the WebGPU page can bundle this file.
import type { Tensor } from '../../src/tensor/tensor.js';
import { grad } from '../../src/tensor/autograd.js';
import { arange, ones, tensor } from '../../src/tensor/creation.js';
import { binaryCrossEntropy } from '../../src/tensor/ops/binaryCrossEntropy.js';
import { avgPool2d, conv2d, im2col, maxPool2d, unfold } from '../../src/tensor/ops/conv.js';
import { einsum } from '../../src/tensor/ops/einsum.js';
import { clamp, gelu, maximum, minimum, where } from '../../src/tensor/ops/elementwise.js';
import { oneHot } from '../../src/tensor/ops/indexing.js';
import { cat, split, stack } from '../../src/tensor/ops/join.js';
import { outer } from '../../src/tensor/ops/linalg.js';
import { bceWithLogits, crossEntropyLoss, mseLoss, nllLoss } from '../../src/tensor/ops/losses.js';
import { batchNorm, layerNorm as fusedLayerNorm } from '../../src/tensor/ops/normalization.js';
import { pad } from '../../src/tensor/ops/pad.js';
import { attentionSoftmax, crossEntropy } from '../../src/tensor/ops/softmax.js';
import { BatchNorm2d } from '../../src/nn/batchnorm.js';

const ints = (values: number[], shape?: number[]): Tensor => tensor(Int32Array.from(values), shape ? { shape } : {});

/**
 * The PyTorch golden suite's cases (test/fixtures/torch_ops.json) as zerograd computations, shared by the Node
 * test on the CPU backends and the WebGPU page, which runs them in a browser.
 */
export interface Encoded { shape: number[]; data: (number | string)[] }
export interface FixtureCase { inputs: Encoded[]; output: Encoded; grad_output?: Encoded; grads?: (Encoded | null)[] }

export const decode = (e: Encoded): number[] => e.data.map((v) => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity'))));
export const load = (e: Encoded): Tensor => tensor(Float32Array.from(decode(e)), { shape: e.shape });

const causalMask = (n: number) => ones([n, n]).tril().eq(0);

function layerNorm(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const mean = x.mean(-1, true);
  const variance = x.var(-1, true, 0);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(w).add(b);
}

function batchNormTrain(x: Tensor, gain: Tensor, bias: Tensor): Tensor {
  const mean = x.mean(0, true);
  const variance = x.var(0, true);
  return gain.mul(x.sub(mean)).div(variance.add(1e-5).sqrt()).add(bias);
}

function makemoreMlp(C: Tensor, W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor): Tensor {
  const X = ints([0, 0, 5, 0, 5, 13, 5, 13, 13, 13, 13, 1], [4, 3]);
  const Y = ints([5, 13, 13, 1]);
  const emb = C.index(X);
  const h = emb.view(-1, 6).matmul(W1).add(b1).tanh();
  return crossEntropy(h.matmul(W2).add(b2), Y);
}

function causalAttention(x: Tensor, Wk: Tensor, Wq: Tensor, Wv: Tensor): Tensor {
  const T = x.shape[1];
  const [k, q, v] = [Wk, Wq, Wv].map((w) => x.matmul(w));
  let wei = q.matmul(k.transpose(-2, -1)).mul(k.shape[2] ** -0.5);
  wei = wei.maskedFill(causalMask(T), -Infinity);
  return wei.softmax(-1).matmul(v);
}

/** The zerograd computation for each fixture, written as a user would write it. */
export const implementations: Record<string, (...xs: Tensor[]) => Tensor> = {
  neg: (x) => x.neg(), exp: (x) => x.exp(), tanh: (x) => x.tanh(), sigmoid: (x) => x.sigmoid(),
  relu: (x) => x.relu(), abs: (x) => x.abs(), sin: (x) => x.sin(), cos: (x) => x.cos(), square: (x) => x.square(),
  log: (x) => x.log(), sqrt: (x) => x.sqrt(), rsqrt: (x) => x.rsqrt(), reciprocal: (x) => x.reciprocal(),
  gelu: (x) => gelu(x),
  erf: (x) => x.erf(),
  gelu_second_derivative: (x) => grad(gelu(x).sum(), [x], { createGraph: true })[0]!,
  pow_scalar: (x) => x.pow(3),
  pow_negative_half: (x) => x.pow(-0.5),
  add_broadcast: (a, b) => a.add(b),
  sub_broadcast: (a, b) => a.sub(b),
  mul_broadcast: (a, b) => a.mul(b),
  div_broadcast: (a, b) => a.div(b),
  pow_tensor: (a, b) => a.pow(b),
  maximum: (a, b) => maximum(a, b),
  minimum: (a, b) => minimum(a, b),
  where: (a, b) => where(a.gt(0), a, b),
  clamp: (x) => clamp(x, -0.5, 0.7),
  masked_fill_causal: (x) => x.maskedFill(causalMask(4), -Infinity).softmax(-1),
  sum_all: (x) => x.sum(),
  sum_dim_keepdim: (x) => x.sum(1, true),
  sum_dims: (x) => x.sum([0, 2]),
  mean_dim: (x) => x.mean(-1),
  var_unbiased: (x) => x.var(1),
  var_population_dims_keepdim: (x) => x.var([0, 1], true, 0),
  std_all: (x) => x.std(),
  max_all: (x) => x.max(),
  max_dim: (x) => x.max(1),
  min_dim_keepdim: (x) => x.min(0, true),
  argmax_dim: (x) => x.argmax(1),
  transpose_contiguous: (x) => x.transpose(0, 2).contiguous(),
  permute: (x) => x.permute(2, 0, 1).mul(arange(0, 24).float().reshape(4, 2, 3)),
  slice_step: (x) => x.slice(0, 1, 6, 2),
  expand: (x) => x.expand(3, 4).mul(arange(0, 12).float().reshape(3, 4)),
  view_unsqueeze_squeeze: (x) => x.squeeze(1).view(2, 3, 4).unsqueeze(0),
  flatten: (x) => x.flatten(1),
  matmul_2d: (a, b) => a.matmul(b),
  matmul_batched_broadcast: (a, b) => a.matmul(b),
  matmul_transposed: (a, b) => a.T.matmul(b.T),
  matmul_vectors: (v, m) => v.matmul(m),
  index_embedding: (c) => c.index(ints([0, 4, 4, 2, 0, 1], [2, 3])),
  gather_dim1: (x) => x.gather(1, ints([0, 3, 3, 1, 2, 0], [3, 2])),
  pick_rows: (x) => x.softmax(1).pick(ints([3, 0, 4, 1])).log().mean().neg(),
  tril: (x) => x.tril(),
  triu_offset: (x) => x.triu(1),
  cat_dim1: (a, b) => cat([a, b, a], 1),
  stack_last: (a, b) => stack([a, b], -1),
  split_uneven: (x) => cat(split(x, 2, 0).map((p, i) => p.mul(i + 1)), 0),
  softmax_last: (x) => x.softmax(-1),
  softmax_dim0: (x) => x.softmax(0),
  log_softmax: (x) => x.logSoftmax(-1),
  cross_entropy_mean: (x) => crossEntropy(x, ints([5, 0, 2, 2])),
  cross_entropy_ignore_sum: (x) => crossEntropy(x, ints([1, -100, 3, 0, -100, 2]), { reduction: 'sum' }),
  cross_entropy_large_logits: (x) => crossEntropy(x, ints([0, 1, 3])),
  one_hot: () => oneHot(ints([2, 0, 1]), 4),
  layer_norm_composite: layerNorm,
  layer_norm_fused: (x, w, b) => fusedLayerNorm(x, w, b),
  attention_softmax_fused: (x) => attentionSoftmax(x, 0.7, true),
  binary_cross_entropy: (x) => binaryCrossEntropy(x.sigmoid(), tensor([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]])),
  batch_norm_composite: batchNormTrain,
  conv2d_stride2_pad1: (x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1 }),
  conv2d_dilation_no_bias: (x, w) => conv2d(x, w, null, { dilation: [2, 1] }),
  unfold_pad1: (x) => unfold(x, 3, { padding: 1 }),
  mse_loss: (a, b) => mseLoss(a, b),
  mse_loss_none: (a, b) => mseLoss(a, b, { reduction: 'none' }),
  bce_with_logits: (x) => bceWithLogits(x, tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 0]])),
  bce_with_logits_pos_weight_sum: (x) => bceWithLogits(x, tensor([[1, 0, 1], [0, 1, 1]]), { posWeight: tensor([2, 0.5, 1]), reduction: 'sum' }),
  nll_loss_weighted_ignore: (x) => nllLoss(x.logSoftmax(-1), ints([3, -100, 0, 4]), { weight: tensor([1, 2, 0.5, 1, 3]) }),
  cross_entropy_label_smoothing: (x) => crossEntropyLoss(x, ints([3, 1, 0, 4]), { labelSmoothing: 0.1 }),
  cross_entropy_weight_smoothing_ignore: (x) => crossEntropyLoss(x, ints([2, -100, 0, 1]), { weight: tensor([0.5, 2, 1]), labelSmoothing: 0.2 }),
  cross_entropy_none: (x) => crossEntropyLoss(x, ints([0, 3, 2]), { reduction: 'none' }),
  chunk_recombined: (x) => { const [a, b, c] = x.chunk(3); return cat([c, a.mul(2), b.exp()], 0); },
  movedim: (x) => x.movedim(0, -1).mul(arange(0, 24).float().reshape(3, 4, 2)),
  unflatten: (x) => x.unflatten(1, [2, -1]).mul(arange(0, 18).float().reshape(3, 2, 3)),
  repeat: (x) => x.repeat(2, 1, 2).mul(arange(0, 24).float().reshape(2, 2, 6)),
  tile: (x) => x.tile(3).mul(arange(0, 18).float().reshape(2, 9)),
  roll: (x) => x.roll(1, 1).mul(arange(0, 12).float().reshape(3, 4)).add(x.roll(-5)),
  cumsum: (x) => x.cumsum(1),
  sort_descending: (x) => x.sort(-1, true).values,
  argsort: (x) => x.argsort(-1).float(),
  topk: (x) => x.topk(2).values,
  topk_smallest_dim0: (x) => x.topk(1, 0, false).values,
  outer: (a, b) => outer(a, b),
  norm_all: (x) => x.norm(),
  norm_1_dim_keepdim: (x) => x.norm(1, 1, true),
  norm_inf_dim0: (x) => x.norm(Infinity, 0),
  round_decimals: (x) => x.mul(10).round(2),
  round_half_even: (x) => x.round(),
  cumprod: (x) => x.cumprod(1),
  cumprod_with_zeros: (x) => x.cumprod(1),
  scatter_add: (x, s) => x.scatterAdd(1, ints([0, 4, 2, 2, 1, 3], [3, 2]), s),
  scatter: (x, s) => x.scatter(1, ints([0, 4, 2, 1, 1, 3], [3, 2]), s),
  index_add: (x, s) => x.indexAdd(0, ints([4, 1]), s),
  masked_select: (x) => x.maskedSelect(ints([1, 0, 1, 1])).mul(arange(1, 10).float()),
  pad_constant: (x) => pad(x, [1, 2], 'constant', 0.5).mul(arange(0, 12).float().reshape(2, 6)),
  pad_reflect: (x) => pad(x, [2, 1], 'reflect').mul(arange(0, 16).float().reshape(1, 2, 8)),
  pad_replicate: (x) => pad(x, [1, 1, 2, 0], 'replicate').mul(arange(0, 60).float().reshape(1, 2, 5, 6)),
  einsum_bmm: (a, b) => einsum('bij,bjk->bik', a, b),
  einsum_attention_scores: (q, k) => einsum('bhqd,bhkd->bhqk', q, k),
  einsum_transpose: (x) => einsum('ij->ji', x).mul(arange(0, 12).float().reshape(4, 3)),
  einsum_outer_implicit: (a, b) => einsum('i,j', a, b),
  // The first derivative, made with createGraph; its own gradient (the fixture's) is then the second derivative.
  autograd_grad_create_graph: (x) => grad(x.tanh().mul(x.exp()).sum(), [x], { createGraph: true })[0]!,
  autograd_grad_two_inputs: (a, b) => grad(a.mul(b).sigmoid().square().sum(), [a, b], { createGraph: true })[1]!.mul(3),
  im2col_batch: (x) => im2col(x, [3, 2], { padding: 1, stride: [2, 1] }),
  max_pool2d_2x2: (x) => maxPool2d(x, 2),
  max_pool2d_3x3_stride2_pad1: (x) => maxPool2d(x, 3, { stride: 2, padding: 1 }),
  avg_pool2d_3x3_stride2_pad1: (x) => avgPool2d(x, 3, { stride: 2, padding: 1 }),
  // The module with the case's inputs as its weight and bias, so their gradients are the ones compared.
  batch_norm_features_last: (x, w, b) => batchNorm(x, -1, w, b),
  batch_norm_features_last_vector: (x, w, b) => batchNorm(x, -1, w, b),
  batch_norm2d_train: (x, w, b) => Object.assign(new BatchNorm2d(2), { weight: w, bias: b }).forward(x),
  lenet_forward_backward: (x, w1, b1, w2, b2) => crossEntropy(maxPool2d(conv2d(x, w1, b1).relu(), 2).flatten(1).matmul(w2.T).add(b2), ints([3, 7])),
  mlp_forward_backward: makemoreMlp,
  attention_head_forward_backward: causalAttention,
};

/**
 * float32 on both sides, differing in summation order: 1e-5 relative, plus an absolute floor of 1e-6
 * times the tensor's largest magnitude, since rounding error in a sum scales with the terms summed,
 * not with a result that cancelled to near zero (checked against float64 torch for such elements).
 */
export function tolerance(expected: number[]) {
  const scale = expected.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 1);
  return { rtol: 1e-5, atol: 1e-6 * scale };
}


/** One comparison of a case: its output, or an input's gradient (null where PyTorch gave that input none). */
export interface Comparison {
  what: string;
  actual: Tensor | null;
  expected: number[] | null;
}

/** Runs case `name` forward and, when the fixture has a gradient, backward: what to compare, in order. */
export function runCase(name: string, fixture: FixtureCase): { shape: readonly number[]; comparisons: Comparison[] } {
  const inputs = fixture.inputs.map((e) => load(e).requiresGrad_());
  const out = implementations[name](...inputs);
  const comparisons: Comparison[] = [{ what: `${name} output`, actual: out, expected: decode(fixture.output) }];
  if (fixture.grad_output) {
    out.backward(load(fixture.grad_output));
    fixture.grads!.forEach((expected, k) => comparisons.push({ what: `${name} grad of input ${k}`, actual: inputs[k].grad, expected: expected && decode(expected) }));
  }
  return { shape: out.shape, comparisons };
}

/**
 * Case `name` on the backend set now, its values read back asynchronously (a GPU's): undefined when every output and
 * gradient is within PyTorch's tolerance, else what differs first. Every intermediate is float32 on a GPU (WGSL has no
 * f64 accumulators, where the CPU kernels keep some), so the absolute floor is 4x the Node suite's.
 */
export async function deviceCaseMismatch(name: string, fixture: FixtureCase): Promise<string | undefined> {
  const { shape, comparisons } = runCase(name, fixture);
  if (shape.join() !== fixture.output.shape.join()) return `output shape [${shape}], PyTorch's [${fixture.output.shape}]`;
  for (const { what, actual, expected } of comparisons) {
    if (!expected || !actual) {
      if (actual || expected) return `${what}: ${actual ? 'a gradient PyTorch does not give' : 'no gradient'}`;
      continue;
    }
    const values = await actual.toArrayAsync();
    const { rtol, atol } = tolerance(expected);
    const floor = 4 * atol;
    const bad = expected.findIndex((e, i) => !(Math.abs(values[i] - e) <= floor + rtol * Math.abs(e) || (Number.isNaN(e) && Number.isNaN(values[i]))));
    if (bad >= 0 || values.length !== expected.length) {
      return `${what}[${bad}]: got ${values[bad]}, PyTorch ${expected[bad]} (tolerance ${(floor + rtol * Math.abs(expected[bad])).toExponential(2)})`;
    }
  }
  return undefined;
}
