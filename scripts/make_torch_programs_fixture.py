"""Random op programs for the differential test (test/tensor/programs.test.ts).

A seeded generator builds short chains of tensor ops on random shapes: elementwise ops with broadcasting, views
that make inputs non-contiguous (transpose, permute, strided slices, expand), reshapes, reductions, matrix
products, softmax and concatenation. Each program is stored as its inputs and steps; PyTorch runs it and records
the output and the gradients of every input for a random upstream gradient. zerograd replays the same steps on
each backend, inside and outside arenaStep.

Run: /usr/bin/python3 scripts/make_torch_programs_fixture.py
"""
import json
import os
import random

import torch

PROGRAMS = 300
rng = random.Random(20261201)
torch.manual_seed(20261201)


def encode(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def random_shape(ndim=None):
    ndim = rng.randint(1, 4) if ndim is None else ndim
    return [rng.randint(1, 5) for _ in range(ndim)]


class Program:
    def __init__(self):
        self.inputs, self.values, self.steps = [], [], []

    def new_input(self, shape, positive=False):
        t = torch.randn(shape)
        if positive:
            t = t.abs() + 0.5
        t = t.requires_grad_()
        self.inputs.append(t)
        self.values.append(t)
        self.steps.append(["input", len(self.inputs) - 1, positive])
        return len(self.values) - 1

    def apply(self, step, value):
        self.values.append(value)
        self.steps.append(step)
        return len(self.values) - 1


def broadcastable_shape(shape):
    """A shape that broadcasts against `shape`: trailing dims kept or set to 1, leading ones maybe dropped."""
    if not shape:
        return random_shape(rng.randint(0, 2))
    out = [s if rng.random() < 0.6 else 1 for s in shape]
    drop = rng.randint(0, len(out) - 1) if len(out) > 1 and rng.random() < 0.4 else 0
    return out[drop:]


def step(p):
    i = rng.randrange(len(p.values))
    x = p.values[i]
    shape = list(x.shape)
    kinds = ["unary", "unary", "binary", "binary", "div", "view", "view", "reshape", "reduce", "matmul", "softmax", "cat"]
    kind = rng.choice(kinds if x.ndim > 0 else ["unary", "binary", "div", "view"])
    if kind == "unary":
        op = rng.choice(["tanh", "sigmoid", "relu", "neg", "square", "sin", "exp"])
        if op == "exp" and x.abs().max().item() > 4:
            op = "tanh"
        if op == "square" and x.abs().max().item() > 10:
            op = "sigmoid"
        return p.apply([op, i], getattr(torch, op)(x))
    if kind in ("binary", "div"):
        j = p.new_input(broadcastable_shape(shape), positive=kind == "div")
        y = p.values[j]
        op = "div" if kind == "div" else rng.choice(["add", "sub", "mul"])
        a, b = (i, j) if rng.random() < 0.7 or kind == "div" else (j, i)
        fn = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}[op]
        return p.apply([op, a, b], fn(p.values[a], p.values[b]))
    if kind == "view":
        choices = ["unsqueeze_expand"] + (["slice"] if x.ndim >= 1 else []) + (["transpose", "permute"] if x.ndim >= 2 else [])
        op = rng.choice(choices)
        if op == "transpose":
            d0, d1 = rng.sample(range(x.ndim), 2)
            return p.apply(["transpose", i, d0, d1], x.transpose(d0, d1))
        if op == "permute":
            dims = list(range(x.ndim))
            rng.shuffle(dims)
            return p.apply(["permute", i, dims], x.permute(*dims))
        if op == "slice":
            d = rng.randrange(x.ndim)
            n = shape[d]
            start = rng.randint(0, n - 1)
            end = rng.randint(start + 1, n)
            stride = rng.choice([1, 1, 2])
            index = [slice(None)] * x.ndim
            index[d] = slice(start, end, stride)
            return p.apply(["slice", i, d, start, end, stride], x[tuple(index)])
        d = rng.randint(0, x.ndim)
        target = shape[:d] + [rng.randint(2, 3)] + shape[d:]
        return p.apply(["unsqueeze_expand", i, d, target], x.unsqueeze(d).expand(*target))
    if kind == "reshape":
        n = x.numel()
        factors = [f for f in range(1, n + 1) if n % f == 0]
        a = rng.choice(factors)
        target = [a, n // a] if rng.random() < 0.7 else [n]
        return p.apply(["reshape", i, target], x.reshape(*target))
    if kind == "reduce":
        op = rng.choice(["sum", "mean"])
        d = rng.randrange(x.ndim)
        keep = rng.random() < 0.5
        return p.apply([op, i, d, keep], getattr(x, op)(d, keepdim=keep))
    if kind == "matmul":
        k = shape[-1]
        j = p.new_input([k, rng.randint(1, 4)] if rng.random() < 0.7 else [k])
        return p.apply(["matmul", i, j], torch.matmul(x, p.values[j]))
    if kind == "softmax":
        op = rng.choice(["softmax", "log_softmax"])
        d = rng.randrange(x.ndim)
        return p.apply([op, i, d], getattr(torch, op)(x, d))
    d = rng.randrange(x.ndim)
    other = shape[:d] + [rng.randint(1, 3)] + shape[d + 1:]
    j = p.new_input(other)
    return p.apply(["cat", i, j, d], torch.cat([x, p.values[j]], d))


def program():
    p = Program()
    p.new_input(random_shape())
    for _ in range(rng.randint(3, 8)):
        step(p)
    out = p.values[-1]
    grad_output = torch.randn(out.shape)
    out.backward(grad_output)
    return {
        "inputs": [{**encode(t), "positive": False} for t in p.inputs],
        "steps": p.steps,
        "output": encode(out),
        "grad_output": encode(grad_output),
        "grads": [encode(t.grad) if t.grad is not None else None for t in p.inputs],
    }


def main():
    programs = [program() for _ in range(PROGRAMS)]
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch_programs.json")
    with open(path, "w") as f:
        json.dump({"torch_version": torch.__version__, "programs": programs}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(programs)} programs to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
