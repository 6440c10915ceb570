"""PyTorch's float16 and bfloat16, for zerograd's 16-bit float dtypes (test/tensor/half.test.ts).

Writes test/fixtures/torch_half.json: the bits torch.Tensor.half() and .bfloat16() give for float32 values chosen at
the formats' edges (ties, subnormals, overflow, NaN) and for 1,000 values over twenty orders of magnitude, and the
bits of elementwise ops computed in each dtype. Writes test/fixtures/torch_half.safetensors: a state dict with float16
and bfloat16 tensors as PyTorch stores them, to load without widening. PyTorch 1.13 from Debian's python3-torch.

Run: /usr/bin/python3 scripts/make_torch_half_fixture.py
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from safetensors_io import save  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "test", "fixtures")


def bits(t):
    return [int(v) & 0xFFFF for v in t.reshape(-1).view(torch.int16).tolist()]


def floats(t):
    """Values as JSON allows them: NaN and the infinities as strings."""
    return [v if v == v and abs(v) != float("inf") else str(v) for v in t.reshape(-1).float().tolist()]


edges = [0.0, -0.0, 1.0, -2.5, 1 / 3, 3.14159265, 65504.0, 65519.0, 65520.0, 1e5, 6.103515625e-05, 6.0e-05,
         5.960464477539063e-08, 2.9802322387695312e-08, 2.99e-08, 8.940696716308594e-08, 1e-10, -1e-10,
         1.00048828125, 1.00146484375, 1.0009765625 + 2**-13, 3.3895313892515355e38, 3.4e38, 1.0078125, 1.00390625,
         1.01171875, -1.00390625, 9.183549615799121e-41, float("inf"), float("-inf"), float("nan")]
g = torch.Generator().manual_seed(0)
spread = torch.randn(1000, generator=g) * torch.pow(10.0, torch.rand(1000, generator=g) * 20 - 12)
values = torch.cat([torch.tensor(edges, dtype=torch.float32), spread])

a = torch.randn(24, generator=g) * 3
b = torch.randn(24, generator=g) * 3
cases = {"values": floats(values), "conversions": {}, "ops": {"a": floats(a), "b": floats(b)}}
for name, dtype in (("float16", torch.float16), ("bfloat16", torch.bfloat16)):
    cases["conversions"][name] = bits(values.to(dtype))
    ha, hb = a.to(dtype), b.to(dtype)
    ops = {
        "add": lambda: bits(ha + hb), "mul": lambda: bits(ha * hb), "div": lambda: bits(ha / hb),
        "mulScalar": lambda: bits(ha * 0.1), "exp": lambda: bits(torch.exp(ha)), "tanh": lambda: bits(torch.tanh(ha)),
        "gelu": lambda: bits(torch.nn.functional.gelu(ha)), "relu": lambda: bits(torch.relu(ha)),
        "ltScalar": lambda: [int(v) for v in (ha < 0.1).int().tolist()], "addFloat32": lambda: floats(ha + b),
        "whereZero": lambda: bits(torch.where(ha > 0, ha, torch.zeros((), dtype=dtype))),
    }
    cases["ops"][name] = {}
    for op, run in ops.items():
        try:
            cases["ops"][name][op] = run()
        except RuntimeError as error:  # PyTorch 1.13 has no CPU kernel for some ops in some 16-bit dtypes
            print(f"{name} {op}: {error}")

with open(os.path.join(FIXTURES, "torch_half.json"), "w") as f:
    json.dump(cases, f)

torch.manual_seed(0)
state = {"embedding.weight": torch.randn(5, 3).half(), "linear.weight": torch.randn(2, 3).bfloat16(),
         "linear.bias": torch.randn(2)}
save(state, os.path.join(FIXTURES, "torch_half.safetensors"), {"format": "pt"})
with open(os.path.join(FIXTURES, "torch_half_state.json"), "w") as f:
    json.dump({k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "values": floats(v)} for k, v in state.items()}, f)
print("wrote torch_half.json, torch_half.safetensors and torch_half_state.json")
