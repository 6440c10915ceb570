#!/usr/bin/python3
"""Applies a zerograd LoRA adapter (Hugging Face PEFT layout) to the same base model in PyTorch, with a plain
re-implementation of LoRA, and checks that the outputs equal zerograd's. Run by test/nn/lora.test.ts:

    /usr/bin/python3 scripts/peft_lora_check.py DIR

DIR holds base.safetensors (the base model's state dict), adapter_model.safetensors and adapter_config.json, and
io.json with an input x and zerograd's output y for the two-layer model below (fc1, tanh, fc2).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from safetensors_io import load  # noqa: E402


def load_safetensors(path):
    return {k: torch.from_numpy(v) for k, v in load(path)[0].items()}


class LoRALinear(torch.nn.Module):
    """y = base(x) + (alpha / r) * x A^T B^T, A (r, in), B (out, r): the LoRA paper's layer, nothing of PEFT."""
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base_layer = base
        self.lora_A = torch.nn.Linear(base.in_features, r, bias=False)
        self.lora_B = torch.nn.Linear(r, base.out_features, bias=False)
        self.scaling = alpha / r

    def forward(self, x):
        return self.base_layer(x) + self.lora_B(self.lora_A(x)) * self.scaling


class TwoLayer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(6, 10)
        self.fc2 = torch.nn.Linear(10, 3)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def main():
    d = sys.argv[1]
    model = TwoLayer()
    model.load_state_dict(load_safetensors(os.path.join(d, "base.safetensors")))
    config = json.load(open(os.path.join(d, "adapter_config.json")))
    for name in config["target_modules"]:
        setattr(model, name, LoRALinear(getattr(model, name), config["r"], config["lora_alpha"]))
    adapter = load_safetensors(os.path.join(d, "adapter_model.safetensors"))
    state = {k[len("base_model.model."):]: v for k, v in adapter.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected, unexpected
    assert all("base_layer" in k for k in missing), missing
    io = json.load(open(os.path.join(d, "io.json")))
    with torch.no_grad():
        y = model(torch.tensor(io["x"], dtype=torch.float32))
    diff = (y - torch.tensor(io["y"], dtype=torch.float32)).abs().max().item()
    print(f"max |difference| {diff:.2e}")
    sys.exit(0 if diff < 1e-5 else 1)


if __name__ == "__main__":
    main()
