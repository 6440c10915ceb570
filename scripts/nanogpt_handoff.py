#!/usr/bin/python3
"""The Python half of zerograd's hand-off to nanoGPT (Karpathy's nanoGPT, train.py and sample.py).

  nanogpt_handoff.py export DIR   DIR holds what `zerograd gpt export --format nanogpt` wrote (model.safetensors,
                                  optimizer.safetensors, nanogpt.json): writes DIR/ckpt.pt, as nanoGPT's train.py
                                  saves it, and DIR/meta.pkl, as its data/*/prepare.py writes it.
  nanogpt_handoff.py import CKPT OUT [META]
                                  reads nanoGPT's ckpt.pt (and meta.pkl for the vocabulary) and writes OUT/model.safetensors,
                                  OUT/optimizer.safetensors and OUT/nanogpt.json for `zerograd gpt import`.

Needs torch (Debian: python3-torch). zerograd runs it; it is not meant to be called by hand.
"""
import json
import os
import pickle
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def export(directory):
    with open(os.path.join(directory, "nanogpt.json")) as f:
        spec = json.load(f)
    weights, _ = safetensors_io.load(os.path.join(directory, "model.safetensors"))
    moments, _ = safetensors_io.load(os.path.join(directory, "optimizer.safetensors"))
    model = {name: torch.from_numpy(array) for name, array in weights.items()}
    # nanoGPT ties lm_head to wte: one tensor under both names, as GPT.state_dict() returns it.
    model["lm_head.weight"] = model["transformer.wte.weight"]
    state = {}
    for i in range(len(spec["parameter_names"])):
        if f"state.{i}.exp_avg" in moments:
            state[i] = {
                "step": torch.tensor(float(spec["step"])),
                "exp_avg": torch.from_numpy(moments[f"state.{i}.exp_avg"]),
                "exp_avg_sq": torch.from_numpy(moments[f"state.{i}.exp_avg_sq"]),
            }
    groups = []
    start = 0
    for group in spec["param_groups"]:
        count = group["count"]
        groups.append({"lr": group["lr"], "betas": tuple(group["betas"]), "eps": group["eps"], "weight_decay": group["weight_decay"],
                       "amsgrad": False, "maximize": False, "foreach": None, "capturable": False, "params": list(range(start, start + count))})
        start += count
    checkpoint = {
        "model": model,
        "optimizer": {"state": state, "param_groups": groups},
        "model_args": spec["model_args"],
        "iter_num": spec["iter_num"],
        "best_val_loss": torch.tensor(spec["best_val_loss"]),
        "config": spec["config"],
    }
    torch.save(checkpoint, os.path.join(directory, "ckpt.pt"))
    itos = spec["vocab"]
    meta = {"vocab_size": len(itos), "itos": dict(enumerate(itos)), "stoi": {ch: i for i, ch in enumerate(itos)}}
    with open(os.path.join(directory, "meta.pkl"), "wb") as f:
        pickle.dump(meta, f)


def to_numpy(tensor):
    return tensor.detach().cpu().float().numpy()


def import_(ckpt_path, out, meta_path=None):
    checkpoint = torch.load(ckpt_path, map_location="cpu")
    os.makedirs(out, exist_ok=True)
    model = {name: to_numpy(t) for name, t in checkpoint["model"].items()}
    safetensors_io.save(model, os.path.join(out, "model.safetensors"))
    optimizer = checkpoint.get("optimizer") or {"state": {}, "param_groups": []}
    moments, step = {}, 0
    for i, entry in optimizer["state"].items():
        moments[f"state.{i}.exp_avg"] = to_numpy(entry["exp_avg"])
        moments[f"state.{i}.exp_avg_sq"] = to_numpy(entry["exp_avg_sq"])
        step = int(float(entry["step"]))
    safetensors_io.save(moments, os.path.join(out, "optimizer.safetensors"))
    vocab = None
    if meta_path:
        with open(meta_path, "rb") as f:
            meta = pickle.load(f)
        vocab = [meta["itos"][i] for i in range(meta["vocab_size"])]
    best = checkpoint.get("best_val_loss", float("nan"))
    spec = {
        "model_args": checkpoint["model_args"],
        "iter_num": int(checkpoint.get("iter_num", 0)),
        "best_val_loss": float(best),
        "step": step,
        "param_groups": [{"count": len(g["params"]), "lr": g["lr"], "betas": list(g["betas"]), "eps": g["eps"],
                          "weight_decay": g["weight_decay"]} for g in optimizer["param_groups"]],
        "vocab": vocab,
    }
    with open(os.path.join(out, "nanogpt.json"), "w") as f:
        json.dump(spec, f)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "export":
        export(sys.argv[2])
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "import":
        import_(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) == 5 else None)
    else:
        sys.exit(__doc__)
