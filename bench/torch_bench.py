#!/usr/bin/python3
"""PyTorch side of `npm run bench`: the same sgemm sizes and training steps, timed the same way.

Reads a JSON request on argv[1]; prints JSON results. Threads are pinned to the count zerograd uses.
"""
import json
import os
import sys
import time

# OpenBLAS, which Debian's torch calls for its products, runs its own threads whatever torch.set_num_threads says,
# and reads how many once, when it loads: a one-thread run has to say so before torch is imported.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = str(json.loads(sys.argv[1])["threads"])

import torch  # noqa: E402 (after the thread count is in the environment)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def timed(fn, repeats, rounds=3):
    """As bench/timing.ts: warm up for two calls and 0.5 s, then the fastest of three rounds, each the mean
    over >= repeats / 3 calls and >= 0.33 s."""
    warmup, calls = time.perf_counter(), 0
    while calls < 2 or time.perf_counter() - warmup < 0.5:
        fn()
        calls += 1
    best = float('inf')
    for _ in range(rounds):
        start, calls = time.perf_counter(), 0
        while calls < -(-repeats // rounds) or time.perf_counter() - start < 1.0 / rounds:
            fn()
            calls += 1
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def sgemm(n, repeats):
    a, b = torch.randn(n, n), torch.randn(n, n)
    return 2 * n ** 3 / timed(lambda: a @ b, repeats) / 1e9


class FlattenConsecutive(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        B, T, C = x.shape
        x = x.reshape(B, T // self.n, C * self.n)
        return x.squeeze(1) if x.shape[1] == 1 else x


class BatchNorm3d(nn.Module):
    """The lecture's BatchNorm1d over (B, T, C) inputs (reduces over dims 0 and 1)."""

    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm1d(c)

    def forward(self, x):
        return self.bn(x.transpose(1, 2)).transpose(1, 2) if x.dim() == 3 else self.bn(x)


def model_for(name):
    if name == "mlp":
        return nn.Sequential(nn.Embedding(27, 10), nn.Flatten(), nn.Linear(30, 200), nn.Tanh(), nn.Linear(200, 27)), 3
    if name == "wavenet":
        layers = [nn.Embedding(27, 24)]
        width = 24
        for _ in range(3):
            layers += [FlattenConsecutive(2), nn.Linear(width * 2, 128, bias=False), BatchNorm3d(128), nn.Tanh()]
            width = 128
        return nn.Sequential(*layers, nn.Linear(128, 27)), 8
    raise ValueError(name)


def classifier_step(model, opt, x, y, repeats):
    """Times forward, cross-entropy, backward and the optimizer step of a model that maps x to class logits."""
    def step():
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return timed(step, repeats)


def names_step(name, batch, repeats):
    model, block = model_for(name)
    x, y = torch.randint(0, 27, (batch, block)), torch.randint(0, 27, (batch,))
    return classifier_step(model, torch.optim.SGD(model.parameters(), lr=0.1), x, y, repeats)


class Block(nn.Module):
    """nanoGPT's block: pre-norm, fused QKV, the causal mask kept as a buffer, exact GELU."""

    def __init__(self, c, h, block):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(c), nn.LayerNorm(c)
        self.c_attn, self.c_proj = nn.Linear(c, 3 * c), nn.Linear(c, c)
        self.mlp = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c))
        self.h = h
        self.register_buffer("bias", torch.tril(torch.ones(block, block)).view(1, 1, block, block))

    def forward(self, x, cache=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, 2)
        q, k, v = (t.view(B, T, self.h, C // self.h).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            # The generation loop's KV cache: earlier positions' keys and values, one new position per call.
            if cache:
                k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
            cache[:] = [k, v]
        att = (q @ k.transpose(-2, -1)) * (C // self.h) ** -0.5
        if cache is None or T > 1:
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        x = x + self.c_proj((att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C))
        return x + self.mlp(self.ln_2(x))


class TinyGPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c, h, layers, self.block = cfg["nEmbd"], cfg["nHead"], cfg["nLayer"], cfg["blockSize"]
        self.wte, self.wpe = nn.Embedding(65, c), nn.Embedding(self.block, c)
        self.blocks = nn.ModuleList([Block(c, h, self.block) for _ in range(layers)])
        self.ln_f, self.head = nn.LayerNorm(c), nn.Linear(c, 65, bias=False)

    def forward(self, idx, caches=None, start=0):
        T = idx.shape[1]
        hdn = self.wte(idx) + self.wpe(torch.arange(start, start + T))
        for i, b in enumerate(self.blocks):
            hdn = b(hdn, None if caches is None else caches[i])
        return self.head(self.ln_f(hdn))


def gpt_step(cfg, repeats):
    model = TinyGPT(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    batch, block = cfg["batch"], cfg["blockSize"]
    x, y = torch.randint(0, 65, (batch, block)), torch.randint(0, 65, (batch, block))

    def step():
        loss = F.cross_entropy(model(x).view(-1, 65), y.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return timed(step, repeats)


def generation(cfg, tokens, cached):
    """Tokens per second sampling `tokens` tokens after one, as nanoGPT's generate does (the whole cropped context
    each step) or with a KV cache (one position each step); one warm-up of 8 tokens, then one timed run."""
    model = TinyGPT(cfg).eval()

    def run(n):
        idx = torch.zeros((1, 1), dtype=torch.long)
        caches = [[] for _ in model.blocks] if cached else None
        with torch.no_grad():
            for _ in range(n):
                logits = model(idx[:, -1:], caches, idx.shape[1] - 1) if cached else model(idx[:, -model.block:])
                nxt = torch.multinomial(F.softmax(logits[:, -1, :], dim=-1), 1)
                idx = torch.cat([idx, nxt], 1)
    run(8)
    start = time.perf_counter()
    run(tokens)
    return tokens / (time.perf_counter() - start)


def cnn_step(batch, repeats):
    # zerograd's LeNet (src/models/vision/cnn.ts) for 28x28 inputs, Adam as `zerograd vision train`.
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(16 * 7 * 7, 120), nn.ReLU(), nn.Linear(120, 10))
    x, y = torch.rand(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
    return classifier_step(model, torch.optim.Adam(model.parameters(), lr=1e-3), x, y, repeats)


def main():
    request = json.loads(sys.argv[1])
    torch.set_num_threads(request["threads"])
    torch.manual_seed(0)
    out = {"version": torch.__version__, "sgemm": {}, "steps": {}}
    for n in request["sgemm"]:
        out["sgemm"][str(n)] = sgemm(n, max(3, int(2e9 / (2 * n ** 3))))
    for case in request.get("generation", []):
        out.setdefault("generation", {})[case["label"]] = {mode: generation(case, case["tokens"], mode == "cache") for mode in ("cache", "nocache")}
    for case in request["steps"]:
        if case["kind"] == "names":
            out["steps"][case["label"]] = names_step(case["model"], case["batch"], case["repeats"])
        elif case["kind"] == "cnn":
            out["steps"][case["label"]] = cnn_step(case["batch"], case["repeats"])
        else:
            out["steps"][case["label"]] = gpt_step(case, case["repeats"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
