#!/usr/bin/python3
"""Writes test/fixtures/torch_ops.json: inputs, outputs and gradients computed by PyTorch.

Run with Debian's torch on the reference BLAS (apt-get install --no-install-recommends python3-torch, since
the recommended OpenBLAS picks its kernels by CPU and so changes matrix products' last bits between machines):
    /usr/bin/python3 scripts/make_torch_fixtures.py [OUT.json]
OUT.json defaults to the committed fixture. Every case name must have a matching implementation in
test/tensor/torchCases.ts. The fixture records this file's SHA-256, so editing it without regenerating fails
test/tensor/torch_fixtures.test.ts.
"""
import hashlib
import json
import math
import os
import sys
import zlib

import torch
import torch.nn.functional as F

torch.manual_seed(0)


def randn(*shape, positive=False):
    t = torch.randn(*shape)
    return (t.abs() + 0.5) if positive else t


def ints(values, shape=None):
    t = torch.tensor(values, dtype=torch.int64)
    return t.reshape(shape) if shape else t


CASES = {}


def case(name, inputs, fn):
    CASES[name] = (inputs, fn)


for op in ["neg", "exp", "tanh", "sigmoid", "relu", "abs", "sin", "cos", "square"]:
    case(op, [randn(3, 4)], getattr(torch, op))
for op in ["log", "sqrt", "rsqrt", "reciprocal"]:
    case(op, [randn(3, 4, positive=True)], getattr(torch, op))
case("gelu", [randn(3, 4) * 3], F.gelu)
case("pow_scalar", [randn(3, 4)], lambda x: x ** 3)
case("pow_negative_half", [randn(3, 4, positive=True)], lambda x: x ** -0.5)
case("add_broadcast", [randn(2, 3, 4), randn(4)], torch.add)
case("sub_broadcast", [randn(3, 1), randn(1, 4)], torch.sub)
case("mul_broadcast", [randn(2, 3, 4), randn(3, 1)], torch.mul)
case("div_broadcast", [randn(2, 3), randn(3, positive=True)], torch.div)
case("pow_tensor", [randn(2, 3, positive=True), randn(2, 3)], torch.pow)
case("maximum", [randn(3, 4), randn(4)], torch.maximum)
case("minimum", [randn(3, 4), randn(3, 1)], torch.minimum)
case("where", [randn(3, 4), randn(3, 4)], lambda a, b: torch.where(a > 0, a, b))
case("clamp", [randn(4, 5)], lambda x: x.clamp(-0.5, 0.7))
case("masked_fill_causal", [randn(4, 4)],
     lambda x: x.masked_fill(torch.tril(torch.ones(4, 4)) == 0, float("-inf")).softmax(-1))
case("sum_all", [randn(3, 4)], lambda x: x.sum())
case("sum_dim_keepdim", [randn(3, 4, 2)], lambda x: x.sum(1, keepdim=True))
case("sum_dims", [randn(3, 4, 2)], lambda x: x.sum((0, 2)))
case("mean_dim", [randn(3, 4)], lambda x: x.mean(-1))
case("var_unbiased", [randn(4, 5)], lambda x: x.var(1))
case("var_population_dims_keepdim", [randn(3, 4, 2)], lambda x: x.var((0, 1), keepdim=True, unbiased=False))
case("std_all", [randn(4, 5)], lambda x: x.std())
case("max_all", [randn(3, 4)], lambda x: x.max())
case("max_dim", [randn(3, 4)], lambda x: x.max(1).values)
case("min_dim_keepdim", [randn(3, 4)], lambda x: x.min(0, keepdim=True).values)
case("argmax_dim", [randn(3, 4)], lambda x: x.argmax(1))
case("transpose_contiguous", [randn(2, 3, 4)], lambda x: x.transpose(0, 2).contiguous())
case("permute", [randn(2, 3, 4)], lambda x: x.permute(2, 0, 1) * torch.arange(24.0).reshape(4, 2, 3))
case("slice_step", [randn(7, 3)], lambda x: x[1:6:2])
case("expand", [randn(1, 4)], lambda x: x.expand(3, 4) * torch.arange(12.0).reshape(3, 4))
case("view_unsqueeze_squeeze", [randn(6, 1, 4)], lambda x: x.squeeze(1).view(2, 3, 4).unsqueeze(0))
case("flatten", [randn(2, 3, 4)], lambda x: x.flatten(1))
case("matmul_2d", [randn(3, 4), randn(4, 5)], torch.matmul)
case("matmul_batched_broadcast", [randn(2, 3, 4), randn(4, 2)], torch.matmul)
case("matmul_transposed", [randn(4, 3), randn(5, 4)], lambda a, b: a.T @ b.T)
case("matmul_vectors", [randn(4), randn(4, 3)], lambda v, m: v @ m)
case("index_embedding", [randn(5, 3)], lambda c: c[ints([0, 4, 4, 2, 0, 1], (2, 3))])
case("gather_dim1", [randn(3, 4)], lambda x: x.gather(1, ints([0, 3, 3, 1, 2, 0], (3, 2))))
case("pick_rows", [randn(4, 5)], lambda x: x.softmax(1)[torch.arange(4), ints([3, 0, 4, 1])].log().mean().neg())
case("tril", [randn(2, 3, 3)], torch.tril)
case("triu_offset", [randn(3, 4)], lambda x: torch.triu(x, 1))
case("cat_dim1", [randn(2, 3), randn(2, 1)], lambda a, b: torch.cat([a, b, a], 1))
case("stack_last", [randn(2, 3), randn(2, 3)], lambda a, b: torch.stack([a, b], -1))
case("split_uneven", [randn(5, 2)], lambda x: torch.cat([p * (i + 1) for i, p in enumerate(x.split(2, 0))], 0))
case("softmax_last", [randn(3, 5)], lambda x: x.softmax(-1))
case("softmax_dim0", [randn(3, 2, 4)], lambda x: x.softmax(0))
case("log_softmax", [randn(3, 5)], lambda x: x.log_softmax(-1))
case("cross_entropy_mean", [randn(4, 6)], lambda x: F.cross_entropy(x, ints([5, 0, 2, 2])))
case("cross_entropy_ignore_sum", [randn(6, 4)],
     lambda x: F.cross_entropy(x, ints([1, -100, 3, 0, -100, 2]), reduction="sum"))
case("cross_entropy_large_logits", [randn(3, 4) * 100], lambda x: F.cross_entropy(x, ints([0, 1, 3])))
case("one_hot", [], lambda: F.one_hot(ints([2, 0, 1]), 4).float())


def layer_norm(x, w, b):
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, keepdim=True, unbiased=False)
    return (x - mean) / torch.sqrt(var + 1e-5) * w + b


case("layer_norm_composite", [randn(2, 3, 8), randn(8), randn(8)], layer_norm)


def batch_norm_train(x, gain, bias):
    mean = x.mean(0, keepdim=True)
    var = x.var(0, keepdim=True)  # the lecture's unbiased batch variance
    return gain * (x - mean) / torch.sqrt(var + 1e-5) + bias


case("batch_norm_composite", [randn(6, 5), randn(1, 5), randn(1, 5)], batch_norm_train)


def makemore_mlp(C, W1, b1, W2, b2):
    X = ints([0, 0, 5, 0, 5, 13, 5, 13, 13, 13, 13, 1], (4, 3))
    Y = ints([5, 13, 13, 1])
    emb = C[X]
    h = torch.tanh(emb.view(-1, 6) @ W1 + b1)
    return F.cross_entropy(h @ W2 + b2, Y)


case("mlp_forward_backward", [randn(27, 2), randn(6, 10) * 0.3, randn(10) * 0.1, randn(10, 27) * 0.1, randn(27) * 0],
     makemore_mlp)


def causal_attention(x, Wk, Wq, Wv):
    B, T, C = x.shape
    k, q, v = x @ Wk, x @ Wq, x @ Wv
    wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
    wei = wei.masked_fill(torch.tril(torch.ones(T, T)) == 0, float("-inf"))
    return F.softmax(wei, dim=-1) @ v


case("attention_head_forward_backward", [randn(2, 5, 8), randn(8, 4), randn(8, 4), randn(8, 4)], causal_attention)

# New cases go at the end: inputs come from one seeded stream in definition order, so a case inserted
# anywhere else shifts the inputs of every case after it (or draw its inputs inside torch.random.fork_rng()).
# test/tensor/torchFixturesRegenerate.test.ts fails when the committed JSON is not this script's output.
case("layer_norm_fused", [randn(2, 3, 8) * 2 + 1, randn(8), randn(8)], lambda x, w, b: F.layer_norm(x, (8,), w, b))
case("attention_softmax_fused", [randn(2, 3, 5, 5)],
     lambda x: (x * 0.7).masked_fill(torch.tril(torch.ones(5, 5)) == 0, float("-inf")).softmax(-1))
case("binary_cross_entropy", [randn(4, 3)],
     lambda x: F.binary_cross_entropy(torch.sigmoid(x), torch.tensor([[1., 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]])))
# Convolution and pooling: non-square inputs, stride 2, padding 1, several input channels, batches of 2.
case("conv2d_stride2_pad1", [randn(2, 3, 5, 7), randn(4, 3, 3, 3), randn(4)], lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1))
case("conv2d_dilation_no_bias", [randn(2, 2, 6, 5), randn(3, 2, 2, 3)], lambda x, w: F.conv2d(x, w, dilation=(2, 1)))
case("unfold_pad1", [randn(2, 2, 4, 5)], lambda x: F.unfold(x, 3, padding=1))
case("max_pool2d_2x2", [randn(2, 3, 4, 6)], lambda x: F.max_pool2d(x, 2))
case("max_pool2d_3x3_stride2_pad1", [randn(2, 2, 5, 7)], lambda x: F.max_pool2d(x, 3, stride=2, padding=1))
case("avg_pool2d_3x3_stride2_pad1", [randn(2, 2, 5, 6)], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1))
case("batch_norm2d_train", [randn(3, 2, 4, 5), randn(2), randn(2)],
     lambda x, w, b: F.batch_norm(x, torch.zeros(2), torch.ones(2), w, b, training=True))
case("lenet_forward_backward", [randn(2, 1, 8, 8), randn(4, 1, 3, 3) * 0.5, randn(4) * 0.1, randn(10, 4 * 3 * 3) * 0.3, randn(10) * 0.1],
     lambda x, w1, b1, w2, b2: F.cross_entropy(F.linear(F.max_pool2d(F.relu(F.conv2d(x, w1, b1)), 2).flatten(1), w2, b2), ints([3, 7])))
case("im2col_batch", [randn(2, 3, 5, 4)], lambda x: F.unfold(x, (3, 2), padding=1, stride=(2, 1)).permute(1, 0, 2).reshape(18, -1))
case("mse_loss", [randn(3, 4), randn(3, 4)], F.mse_loss)
case("mse_loss_none", [randn(3, 4), randn(3, 4)], lambda a, b: F.mse_loss(a, b, reduction="none"))
case("bce_with_logits", [randn(3, 4) * 4], lambda x: F.binary_cross_entropy_with_logits(x, torch.tensor([[1., 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 0]])))
case("bce_with_logits_pos_weight_sum", [randn(2, 3)], lambda x: F.binary_cross_entropy_with_logits(
    x, torch.tensor([[1., 0, 1], [0, 1, 1]]), pos_weight=torch.tensor([2., 0.5, 1]), reduction="sum"))
case("nll_loss_weighted_ignore", [randn(4, 5)], lambda x: F.nll_loss(F.log_softmax(x, -1), ints([3, -100, 0, 4]), weight=torch.tensor([1., 2, 0.5, 1, 3])))
case("cross_entropy_label_smoothing", [randn(4, 5)], lambda x: F.cross_entropy(x, ints([3, 1, 0, 4]), label_smoothing=0.1))
case("cross_entropy_weight_smoothing_ignore", [randn(4, 3)], lambda x: F.cross_entropy(
    x, ints([2, -100, 0, 1]), weight=torch.tensor([0.5, 2, 1]), label_smoothing=0.2))
case("cross_entropy_none", [randn(3, 4)], lambda x: F.cross_entropy(x, ints([0, 3, 2]), reduction="none"))
case("chunk_recombined", [randn(7, 2)], lambda x: torch.cat([x.chunk(3)[2], x.chunk(3)[0] * 2, x.chunk(3)[1].exp()], 0))
case("movedim", [randn(2, 3, 4)], lambda x: x.movedim(0, -1) * torch.arange(24.0).reshape(3, 4, 2))
case("unflatten", [randn(3, 6)], lambda x: x.unflatten(1, (2, -1)) * torch.arange(18.0).reshape(3, 2, 3))
case("repeat", [randn(2, 3)], lambda x: x.repeat(2, 1, 2) * torch.arange(24.0).reshape(2, 2, 6))
case("tile", [randn(2, 3)], lambda x: x.tile((3,)) * torch.arange(18.0).reshape(2, 9))
case("roll", [randn(3, 4)], lambda x: x.roll(1, 1) * torch.arange(12.0).reshape(3, 4) + x.roll(-5))
case("cumsum", [randn(3, 4)], lambda x: x.cumsum(1))
case("sort_descending", [randn(3, 5)], lambda x: x.sort(-1, descending=True).values)
case("argsort", [randn(3, 5)], lambda x: x.argsort(-1).float())
case("topk", [randn(3, 5)], lambda x: x.topk(2).values)
case("topk_smallest_dim0", [randn(4, 3)], lambda x: x.topk(1, 0, largest=False).values)
case("outer", [randn(3), randn(4)], torch.outer)
case("norm_all", [randn(3, 4)], lambda x: x.norm())
case("norm_1_dim_keepdim", [randn(3, 4)], lambda x: x.norm(1, 1, keepdim=True))
case("norm_inf_dim0", [randn(3, 4)], lambda x: torch.linalg.vector_norm(x, float("inf"), 0))
case("round_decimals", [randn(3, 4)], lambda x: torch.round(x * 10, decimals=2))
case("round_half_even", [torch.tensor([0.5, 1.5, 2.5, -0.5, -2.5, 0.49, 3.7, -3.2])], lambda x: torch.round(x))
case("cumprod", [randn(3, 4)], lambda x: x.cumprod(1))
case("cumprod_with_zeros", [torch.tensor([[1.5, 0.0, -2.0, 0.5], [0.3, 2.0, 0.0, 0.0]])], lambda x: x.cumprod(1))
case("scatter_add", [randn(3, 5), randn(3, 2)], lambda x, s: x.scatter_add(1, ints([[0, 4], [2, 2], [1, 3]]), s))
case("scatter", [randn(3, 5), randn(3, 2)], lambda x, s: x.scatter(1, ints([[0, 4], [2, 1], [1, 3]]), s))
case("index_add", [randn(5, 3), randn(2, 3)], lambda x, s: x.index_add(0, ints([4, 1]), s))
case("masked_select", [randn(3, 4)], lambda x: x.masked_select(torch.tensor([True, False, True, True])) * torch.arange(1.0, 10.0))
case("pad_constant", [randn(2, 3)], lambda x: F.pad(x, (1, 2), value=0.5) * torch.arange(12.0).reshape(2, 6))
case("pad_reflect", [randn(1, 2, 5)], lambda x: F.pad(x, (2, 1), mode="reflect") * torch.arange(16.0).reshape(1, 2, 8))
case("pad_replicate", [randn(1, 2, 3, 4)], lambda x: F.pad(x, (1, 1, 2, 0), mode="replicate") * torch.arange(60.0).reshape(1, 2, 5, 6))
case("einsum_bmm", [randn(2, 3, 4), randn(2, 4, 5)], lambda a, b: torch.einsum("bij,bjk->bik", a, b))
case("einsum_attention_scores", [randn(2, 2, 3, 4), randn(2, 2, 5, 4)], lambda q, k: torch.einsum("bhqd,bhkd->bhqk", q, k))
case("einsum_transpose", [randn(3, 4)], lambda x: torch.einsum("ij->ji", x) * torch.arange(12.0).reshape(4, 3))
case("einsum_outer_implicit", [randn(3), randn(4)], lambda a, b: torch.einsum("i,j", a, b))
case("autograd_grad_create_graph", [randn(5)], lambda x: torch.autograd.grad((x.tanh() * x.exp()).sum(), x, create_graph=True)[0])
case("autograd_grad_two_inputs", [randn(2, 3), randn(3)], lambda a, b: torch.autograd.grad(((a * b).sigmoid() ** 2).sum(), [a, b], create_graph=True)[1] * 3)
case("erf", [randn(3, 4) * 2], torch.erf)
case("gelu_second_derivative", [randn(6) * 2], lambda x: torch.autograd.grad(F.gelu(x).sum(), x, create_graph=True)[0])
# BatchNorm1d as the makemore lecture applies it to (B, T, C): features last, so PyTorch's channel dim is moved.
case("batch_norm_features_last", [randn(4, 3, 5), randn(5), randn(5)],
     lambda x, w, b: F.batch_norm(x.permute(0, 2, 1), torch.zeros(5), torch.ones(5), w, b, training=True).permute(0, 2, 1))
# Features a multiple of four: the WebAssembly kernel's vector path.
case("batch_norm_features_last_vector", [randn(6, 3, 8), randn(8), randn(8)],
     lambda x, w, b: F.batch_norm(x.permute(0, 2, 1), torch.zeros(8), torch.ones(8), w, b, training=True).permute(0, 2, 1))


def encode(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def run_case(name, inputs, fn):
    leaves = [t.clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*leaves)
    record = {"inputs": [encode(t) for t in inputs], "output": encode(out)}
    if out.requires_grad:
        # A generator of the case's own, so adding a case never changes another's upstream gradient.
        grad_output = torch.randn(out.shape, generator=torch.Generator().manual_seed(zlib.crc32(name.encode())))
        out.backward(grad_output)
        record["grad_output"] = encode(grad_output)
        record["grads"] = [encode(t.grad) if t.grad is not None else None for t in leaves]
    return record


def main():
    with open(__file__, "rb") as f:
        script_sha256 = hashlib.sha256(f.read().replace(b"\r\n", b"\n")).hexdigest()
    fixtures = {"torch_version": torch.__version__, "script_sha256": script_sha256, "cases": {name: run_case(name, *spec) for name, spec in CASES.items()}}
    for record in fixtures["cases"].values():
        for t in [record["output"], *record.get("grads", [])]:
            if t is not None:
                t["data"] = [v if math.isfinite(v) else str(v) for v in t["data"]]
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch_ops.json")
    with open(path, "w") as f:
        json.dump(fixtures, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
