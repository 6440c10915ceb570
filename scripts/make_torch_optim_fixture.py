#!/usr/bin/python3
"""Writes test/fixtures/torch_optim.json: parameter trajectories of torch.optim optimizers and learning-rate
sequences of torch.optim.lr_scheduler schedulers, for test/optim/torch_optim.test.ts.

    /usr/bin/python3 scripts/make_torch_optim_fixture.py
"""
import json
import math
import os

import torch

P0 = [[1.0, -2.0, 0.5], [0.3, 0.8, -1.2]]
W = torch.tensor([[0.5, 1.5, -1.0], [2.0, -0.5, 1.0]], dtype=torch.float64)
T = torch.tensor([[0.2, -0.4, 1.0], [0.0, 0.3, -0.6]], dtype=torch.float64)
STEPS = 6

OPTIMIZERS = {
    "adam": lambda p: torch.optim.Adam([p], lr=0.1, weight_decay=0.01),
    "adam_betas": lambda p: torch.optim.Adam([p], lr=0.05, betas=(0.8, 0.9), eps=1e-6),
    "rmsprop": lambda p: torch.optim.RMSprop([p], lr=0.01),
    "rmsprop_centered_momentum": lambda p: torch.optim.RMSprop([p], lr=0.01, momentum=0.9, centered=True, weight_decay=0.01),
    "adagrad": lambda p: torch.optim.Adagrad([p], lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1),
    "sgd_dampening": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, dampening=0.1),
    "sgd_nesterov": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
}


def trajectory(make):
    p = torch.tensor(P0, dtype=torch.float64, requires_grad=True)
    opt = make(p)
    out = []
    for _ in range(STEPS):
        opt.zero_grad()
        ((p * W - T) ** 2).sum().backward()
        opt.step()
        out.append(p.detach().reshape(-1).tolist())
    return out


SCHEDULERS = {
    "step": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    "cosine": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    "linear": lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8),
    "lambda": lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda t: 0.9 ** t),
    "one_cycle": lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=13, pct_start=0.3, anneal_strategy="cos",
                                                                cycle_momentum=False, div_factor=25, final_div_factor=1e4),
}
PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.5, 0.6, 0.61, 0.62, 0.63, 0.64]


def lrs(make):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = make(opt)
    out = [opt.param_groups[0]["lr"]]
    for _ in range(12):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def plateau():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2, threshold=0.01, cooldown=1)
    out = []
    for m in PLATEAU_METRICS:
        sched.step(m)
        out.append(opt.param_groups[0]["lr"])
    return out


# Parameter groups: the first row of P0 and the second as two tensors, each group with its own settings.
GROUPS = {
    "adamw_groups": lambda a, b: torch.optim.AdamW([{"params": [a], "weight_decay": 0.1}, {"params": [b], "lr": 0.01, "weight_decay": 0.0}], lr=0.1),
    "sgd_groups": lambda a, b: torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.2, "momentum": 0.5}], lr=0.05, momentum=0.9),
    "adam_groups": lambda a, b: torch.optim.Adam([{"params": [a], "betas": (0.5, 0.9)}, {"params": [b]}], lr=0.1),
}


def trajectory_groups(make):
    a = torch.tensor(P0[0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(P0[1], dtype=torch.float64, requires_grad=True)
    opt = make(a, b)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    out = []
    for _ in range(STEPS):
        opt.zero_grad()
        ((torch.stack([a, b]) * W - T) ** 2).sum().backward()
        opt.step()
        sched.step()
        out.append(a.detach().tolist() + b.detach().tolist() + sched.get_last_lr())
    return out


def main():
    fixture = {
        "torch_version": torch.__version__, "p0": P0, "w": W.tolist(), "t": T.tolist(),
        "optimizers": {name: trajectory(make) for name, make in OPTIMIZERS.items()},
        "schedulers": {name: lrs(make) for name, make in SCHEDULERS.items()},
        "plateau": {"metrics": PLATEAU_METRICS, "lrs": plateau()},
        "groups": {name: trajectory_groups(make) for name, make in GROUPS.items()},
    }
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch_optim.json")
    with open(path, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
