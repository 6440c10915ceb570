#!/usr/bin/python3
"""Writes test/fixtures/torch_silu.json: SiLU's values, gradients and second derivative computed by PyTorch.

Run with Debian's torch (apt-get install python3-torch libopenblas0-pthread):
    /usr/bin/python3 scripts/make_torch_silu_fixture.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
# Both tails (where sigmoid saturates) and the curve's minimum near -1.28.
x = torch.cat([torch.randn(10) * 3, torch.tensor([-30.0, -1.2785, 0.0, 30.0])]).requires_grad_()
y = F.silu(x)
upstream = torch.randn(x.shape)
(grad,) = torch.autograd.grad(y, x, upstream, create_graph=True)
(second,) = torch.autograd.grad(grad.sum(), x)
fixture = {
    "torch_version": torch.__version__,
    "x": x.tolist(),
    "silu": y.tolist(),
    "upstream": upstream.tolist(),
    "grad": grad.tolist(),
    "second_derivative": second.tolist(),
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch_silu.json")
with open(path, "w") as f:
    json.dump(fixture, f)
    f.write("\n")
print(f"wrote {os.path.normpath(path)}")
