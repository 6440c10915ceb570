#!/usr/bin/python3
"""The Python half of zerograd's hand-off to nanoGPT (Karpathy's nanoGPT, train.py and sample.py).

  nanogpt_handoff.py export STAGING OUT
                                  STAGING holds what `zerograd gpt export --format nanogpt` wrote (model.safetensors,
                                  optimizer.safetensors, nanogpt.json): writes OUT/ckpt.pt, as nanoGPT's train.py
                                  saves it, and OUT/meta.pkl, as its data/*/prepare.py writes it.
  nanogpt_handoff.py import CKPT OUT [META]
                                  reads nanoGPT's ckpt.pt (and meta.pkl for the vocabulary) and writes OUT/model.safetensors,
                                  OUT/optimizer.safetensors and OUT/nanogpt.json for `zerograd gpt import`.

Needs torch (Debian: python3-torch). zerograd runs it; it is not meant to be called by hand.

Nothing read from a file is executed: a pickle can name any function for the loader to call, so ckpt.pt is read
with torch's weights_only unpickler (in PyTorch 1.13, TensorsAndDataUnpickler) and meta.pkl with one that admits no
class. A file that needs more is refused in one line naming it (exit status 3, which zerograd shows as it is).
"""
import json
import os
import pickle
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


class Refused(Exception):
    """A file that is not what nanoGPT writes, or that would run code to load."""


class DataOnlyUnpickler(pickle.Unpickler):
    # meta.pkl is dicts, lists, strings and numbers, which need no class; every way for a pickle to call
    # a function starts by naming it here.
    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"it names {module}.{name}; a vocabulary is plain data and needs no class or function")


class TensorsAndDataUnpickler(pickle.Unpickler):
    """PyTorch 1.13's weights_only unpickler cannot read a float, and every nanoGPT config holds some: there this
    one takes its place, admitting only the names a state dict's tensors need (torch.load resolves storages itself)."""

    NAMES = {("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_parameter"), ("collections", "OrderedDict")}

    def find_class(self, module, name):
        if (module, name) in self.NAMES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"Unsupported class {module}.{name}")


def first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def load_checkpoint(path):
    version = tuple(int(n) for n in torch.__version__.split(".")[:2])
    if version < (1, 13):
        sys.exit(f"PyTorch {torch.__version__} cannot load a checkpoint without running code from it; it needs 1.13 or later")
    if version < (2, 0):
        # torch.load ignores pickle_module when weights_only is off, so the replacement goes where weights_only looks.
        torch._weights_only_unpickler.Unpickler = TensorsAndDataUnpickler
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        # Each torch version words this differently, around advice to load with weights_only=False; only the reason is kept.
        named = re.search(r"(?:GLOBAL|Unsupported class) ([\w.]+)", str(error))
        reason = f"it names {named[1]}" if named else first_line(str(error).rpartition("WeightsUnpickler error:")[2])
        raise Refused(f"{path}: refused ({reason}; a nanoGPT checkpoint is tensors and plain data)") from None
    except Exception as error:
        raise Refused(f"{path}: not a PyTorch checkpoint ({type(error).__name__}: {first_line(error)})") from None


def load_vocabulary(path):
    try:
        with open(path, "rb") as f:
            meta = DataOnlyUnpickler(f).load()
    except Exception as error:
        raise Refused(f"{path}: refused ({first_line(error)})") from None
    try:
        return [meta["itos"][i] for i in range(meta["vocab_size"])]
    except Exception:
        raise Refused(f"{path}: not nanoGPT's meta.pkl, whose vocab_size and itos (index to character) give the vocabulary") from None


def export(staging, out):
    with open(os.path.join(staging, "nanogpt.json")) as f:
        spec = json.load(f)
    weights, _ = safetensors_io.load(os.path.join(staging, "model.safetensors"))
    moments, _ = safetensors_io.load(os.path.join(staging, "optimizer.safetensors"))
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
    # Written beside the target and renamed over it, so a failed write never leaves a torn ckpt.pt where
    # nanoGPT's --out_dir expects one.
    staged = os.path.join(out, f"ckpt.pt.tmp-{os.getpid()}")
    torch.save(checkpoint, staged)
    os.replace(staged, os.path.join(out, "ckpt.pt"))
    itos = spec["vocab"]
    meta = {"vocab_size": len(itos), "itos": dict(enumerate(itos)), "stoi": {ch: i for i, ch in enumerate(itos)}}
    staged = os.path.join(out, f"meta.pkl.tmp-{os.getpid()}")
    with open(staged, "wb") as f:
        pickle.dump(meta, f)
    os.replace(staged, os.path.join(out, "meta.pkl"))


def to_numpy(tensor):
    return tensor.detach().cpu().float().numpy()


def import_(ckpt_path, out, meta_path=None):
    # Both pickles are read before anything is written, so a refused file leaves nothing behind.
    checkpoint = load_checkpoint(ckpt_path)
    vocab = load_vocabulary(meta_path) if meta_path else None
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
    try:
        if len(sys.argv) == 4 and sys.argv[1] == "export":
            export(sys.argv[2], sys.argv[3])
        elif len(sys.argv) in (4, 5) and sys.argv[1] == "import":
            import_(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) == 5 else None)
        else:
            sys.exit(__doc__)
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        sys.exit(3)
