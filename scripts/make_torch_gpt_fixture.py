#!/usr/bin/python3
"""GPT checkpoint round trip with PyTorch, in both directions.

1. Builds a small nanoGPT-structured model in torch, saves it as test/fixtures/torch_gpt.safetensors
   and records its logits for fixed token ids.
2. Loads test/fixtures/zerograd_gpt.safetensors (written by zerograd: `npm run build &&
   node dist/scripts/make_zerograd_gpt_fixture.js`) into the same torch model with strict key
   checking and records torch's logits for it.
Both go to test/fixtures/torch_gpt.json. Run with Debian's torch: /usr/bin/python3 scripts/make_torch_gpt_fixture.py
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "test", "fixtures")
CONFIG = dict(vocab_size=11, block_size=6, n_embd=12, n_head=3, n_layer=2)


class CausalSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_attn = nn.Linear(c["n_embd"], 3 * c["n_embd"])
        self.c_proj = nn.Linear(c["n_embd"], c["n_embd"])
        self.n_head = c["n_head"]

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(torch.tril(torch.ones(T, T)) == 0, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = nn.Linear(c["n_embd"], 4 * c["n_embd"])
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * c["n_embd"], c["n_embd"])

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c["n_embd"])
        self.attn = CausalSelfAttention(c)
        self.ln_2 = nn.LayerNorm(c["n_embd"])
        self.mlp = MLP(c)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """nanoGPT's module tree (no dropout, untied head), so its state_dict keys are nanoGPT's."""

    def __init__(self, c):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(c["vocab_size"], c["n_embd"]),
            wpe=nn.Embedding(c["block_size"], c["n_embd"]),
            h=nn.ModuleList([Block(c) for _ in range(c["n_layer"])]),
            ln_f=nn.LayerNorm(c["n_embd"]),
        ))
        self.lm_head = nn.Linear(c["n_embd"], c["vocab_size"], bias=False)

    def forward(self, idx):
        T = idx.size(1)
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(T))
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


def save_safetensors(tensors, path):
    header, offset, chunks = {}, 0, []
    for name in sorted(tensors):
        data = tensors[name].detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    blob = json.dumps(header).encode()
    blob += b" " * ((8 - (8 + len(blob)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)) + blob + b"".join(chunks))


def load_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, e in header.items():
        assert e["dtype"] == "F32", (name, e["dtype"])
        begin, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[8 + n + begin:8 + n + end], dtype="<f4").copy()).reshape(e["shape"])
    return out


def main():
    torch.manual_seed(0)
    model = GPT(CONFIG)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
    idx = torch.randint(0, CONFIG["vocab_size"], (2, CONFIG["block_size"]))
    save_safetensors(model.state_dict(), os.path.join(FIXTURES, "torch_gpt.safetensors"))
    result = {"torch_version": torch.__version__, "config": CONFIG, "idx": idx.tolist(),
              "torch_weights_logits": model(idx).detach().reshape(-1).tolist()}
    zerograd_file = os.path.join(FIXTURES, "zerograd_gpt.safetensors")
    if os.path.exists(zerograd_file):
        model.load_state_dict(load_safetensors(zerograd_file), strict=True)
        result["zerograd_weights_logits"] = model(idx).detach().reshape(-1).tolist()
    with open(os.path.join(FIXTURES, "torch_gpt.json"), "w") as f:
        json.dump(result, f)
        f.write("\n")
    print("wrote torch_gpt.safetensors and torch_gpt.json", "(with zerograd weights)" if "zerograd_weights_logits" in result else "")


if __name__ == "__main__":
    main()
