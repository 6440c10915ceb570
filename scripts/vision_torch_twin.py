#!/usr/bin/python3
"""Trains the PyTorch twin of a `zerograd vision train` run: the same images and split (the run's split.json),
architecture, optimizer (Adam, constant rate), batch size and epochs, on one thread as zerograd's comparison runs.
Prints the twin's test accuracy and seconds per epoch, for docs/results.md.

    /usr/bin/python3 scripts/vision_torch_twin.py runs/vision-cnn [--threads N] [--seed N]

--seed replaces the run's seed (weights and batch order), to see how much a result moves from seed to seed.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_checkpoint_config(run):
    with open(os.path.join(run, "latest.json")) as f:
        latest = json.load(f)["checkpoint"]
    with open(os.path.join(run, latest, "config.json")) as f:
        return json.load(f)


def read_idx(path):
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


def find(folder, split, kind):
    for name in (f"{split}-{kind}-ubyte", f"{split}-{kind}-ubyte.gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise SystemExit(f"{folder}: no {split}-{kind}-ubyte[.gz]")


def load(split):
    """(train, val, test) as (images (N, 1, H, W) float32 in [0, 1], labels) with zerograd's split."""
    path = split["data"]
    if os.path.isdir(path):
        x = read_idx(find(path, "train", "images-idx3")).astype(np.float32) / 255
        y = read_idx(find(path, "train", "labels-idx1")).astype(np.int64)
        xt = read_idx(find(path, "t10k", "images-idx3")).astype(np.float32) / 255
        yt = read_idx(find(path, "t10k", "labels-idx1")).astype(np.int64)
        parts = [(x[split["train"]], y[split["train"]]), (x[split["val"]], y[split["val"]]), (xt, yt)]
    else:
        rows = np.loadtxt(gzip.open(path) if path.endswith(".gz") else path, delimiter=",", dtype=np.float32)
        x, y = (rows[:, :64] / 16).reshape(-1, 8, 8), rows[:, 64].astype(np.int64)
        parts = [(x[split[k]], y[split[k]]) for k in ("train", "val", "test")]
    return [(torch.from_numpy(np.ascontiguousarray(a)).unsqueeze(1), torch.from_numpy(np.ascontiguousarray(b))) for a, b in parts]


class ViT(nn.Module):
    def __init__(self, c):
        super().__init__()
        patches = (c["height"] // c["patch"]) * (c["width"] // c["patch"])
        self.patch_embed = nn.Conv2d(1, c["nEmbd"], c["patch"], stride=c["patch"])
        self.cls_token = nn.Parameter(torch.randn(1, 1, c["nEmbd"]) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, patches + 1, c["nEmbd"]) * 0.02)
        layer = nn.TransformerEncoderLayer(c["nEmbd"], c["nHead"], 4 * c["nEmbd"], dropout=c["dropout"], activation="gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, c["nLayer"])
        self.ln_f = nn.LayerNorm(c["nEmbd"])
        self.head = nn.Linear(c["nEmbd"], c["classes"])

    def forward(self, x):
        p = self.patch_embed(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), p], 1) + self.pos_embed
        return self.head(self.ln_f(self.blocks(x))[:, 0])


def build(c):
    if c["kind"] in ("mlp", "mlp-logits"):
        layers = [nn.Flatten(), nn.Linear(c["height"] * c["width"], c["hidden"]), nn.ReLU(), nn.Dropout(c["dropout"]), nn.Linear(c["hidden"], c["classes"])]
        return nn.Sequential(*layers, *([nn.Sigmoid()] if c["kind"] == "mlp" else []))
    if c["kind"] == "cnn":
        k = 5 if min(c["height"], c["width"]) >= 16 else 3
        features = 16 * (c["height"] // 4) * (c["width"] // 4)
        return nn.Sequential(nn.Conv2d(1, 6, k, padding=k // 2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, k, padding=k // 2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(features, 120), nn.ReLU(), nn.Linear(120, c["classes"]))
    return ViT(c)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(y), 1000))
    model.train()
    return correct / len(y)


def main():
    run = sys.argv[1]
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
    torch.set_num_threads(threads)
    config = read_checkpoint_config(run)
    with open(os.path.join(run, "split.json")) as f:
        split = json.load(f)
    (x, y), (xv, yv), (xt, yt) = load(split)
    c, t = config["model"], config["train"]
    torch.manual_seed(int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else t["seed"])
    model = build(c)
    optimizer = torch.optim.Adam(model.parameters(), lr=t["lr"])
    seconds = []
    for epoch in range(t["epochs"]):
        start = time.time()
        order = torch.randperm(len(y))
        for i in range(0, len(y), t["batchSize"]):
            idx = order[i:i + t["batchSize"]]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(time.time() - start)
        print(f"epoch {epoch + 1}: train loss {loss.item():.4f}, val accuracy {accuracy(model, xv, yv):.4f} ({sum(seconds):.1f} s)", flush=True)
    print(f"pytorch {torch.__version__} twin of {run} ({c['kind']}, {sum(p.numel() for p in model.parameters())} parameters, {threads} thread{'s' if threads > 1 else ''}): "
          f"test accuracy {accuracy(model, xt, yt):.4f}, {np.mean(seconds):.1f} s per epoch")


if __name__ == "__main__":
    main()
