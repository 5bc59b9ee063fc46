"""Write tests/fixtures/optim_*.json from PyTorch (the development-only oracle; the suite never imports torch).

* ``optim_trajectories.json``: every optimizer with its key options on three problems (an elementwise weighted
  quadratic with two parameter groups, the 2-d Rosenbrock function, a small tanh network fitted by mean squared
  error, two groups), 25 steps each: the loss before every step and the parameters after every step (float32
  values); L-BFGS (one group only) 6 steps on the quadratic, Rosenbrock and linear least squares.
  The problems' data (initial values, targets, inputs) are stored too, so the tests rebuild them without torch.
  PyTorch runs its single-tensor implementations (``foreach=False``), the ones rtorch_py follows.
* ``optim_schedulers.json``: learning-rate (and momentum) sequences of every scheduler, two parameter groups.
* ``optim_vignette.json``: the losses of the seed document's final program (its 200 Adam steps on the
  100 x 3 regression problem) after ``torch.manual_seed(s)``, as PyTorch computes them.

Run: ``.venv/bin/python tools/make_optim_fixtures.py`` (deterministic).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from _fixture_util import FIXTURES

STEPS = 25
torch.set_num_threads(1)

# name -> (PyTorch class, list of (R-style keyword arguments, override for the second group or None))
CONFIGS: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("optim_sgd", "SGD", {"lr": 0.02}, {"lr": 0.01}),
    ("optim_sgd", "SGD", {"lr": 0.02, "momentum": 0.9, "weight_decay": 0.01}, {"momentum": 0.5}),
    ("optim_sgd", "SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True}, {"lr": 0.01}),
    ("optim_sgd", "SGD", {"lr": 0.02, "momentum": 0.5, "dampening": 0.3}, {"dampening": 0.0}),
    ("optim_adam", "Adam", {"lr": 0.05}, {"lr": 0.02}),
    ("optim_adam", "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.01, "amsgrad": True},
     {"amsgrad": False}),
    ("optim_adam", "Adam", {"lr": 0.05, "eps": 1e-6}, {"betas": (0.5, 0.9)}),
    ("optim_adamw", "AdamW", {"lr": 0.05}, {"weight_decay": 0.1}),
    ("optim_adamw", "AdamW", {"lr": 0.05, "weight_decay": 0.05, "amsgrad": True}, {"lr": 0.01}),
    ("optim_adagrad", "Adagrad", {"lr": 0.1}, {"lr": 0.05}),
    ("optim_adagrad", "Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.01,
                                  "initial_accumulator_value": 0.1, "eps": 1e-8}, {"lr_decay": 0.0}),
    ("optim_adadelta", "Adadelta", {"lr": 1.0}, {"rho": 0.5}),
    ("optim_adadelta", "Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.01}, {"lr": 1.0}),
    ("optim_rmsprop", "RMSprop", {"lr": 0.01}, {"alpha": 0.9}),
    ("optim_rmsprop", "RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.01},
     {"centered": False}),
    ("optim_rmsprop", "RMSprop", {"lr": 0.005, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5}, {"momentum": 0.0}),
    ("optim_rprop", "Rprop", {"lr": 0.01}, {"lr": 0.02}),
    ("optim_rprop", "Rprop", {"lr": 0.01, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.05)}, {"etas": (0.5, 1.1)}),
    ("optim_asgd", "ASGD", {"lr": 0.02}, {"lr": 0.01}),
    ("optim_asgd", "ASGD", {"lr": 0.02, "lambda": 1e-2, "alpha": 0.6, "t0": 5, "weight_decay": 0.01},
     {"t0": 10}),
]

LBFGS_CONFIGS: list[dict[str, Any]] = [
    {},
    {"line_search_fn": "strong_wolfe"},
    {"lr": 0.5, "max_iter": 5, "history_size": 3},
    {"max_iter": 4, "history_size": 2, "line_search_fn": "strong_wolfe"},
]

_rng = np.random.default_rng(20241127)


def f32(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def enc(a: Any) -> list:
    """float32 values as JSON numbers: 9 significant digits round-trip every float32."""
    return [float(f"{float(v):.9g}") for v in np.asarray(a, dtype=np.float32).reshape(-1)]


# -- problems ---------------------------------------------------------------------------------------------------

def problem_data() -> dict[str, dict[str, list]]:
    quad = {"w": _rng.standard_normal((4, 3)), "b": _rng.standard_normal(3),
            "tw": _rng.standard_normal((4, 3)), "tb": _rng.standard_normal(3),
            "aw": _rng.uniform(0.2, 2.0, (4, 3)), "ab": _rng.uniform(0.2, 2.0, 3)}
    rosen = {"x": [-1.2, 1.0]}
    xl = _rng.standard_normal((20, 4))
    lsq = {"w": _rng.uniform(-0.5, 0.5, (1, 4)), "b": [0.0], "x": xl,
           "y": xl @ np.array([[0.5], [-1.0], [0.25], [2.0]]) + 0.3 + 0.1 * _rng.standard_normal((20, 1))}
    x = _rng.standard_normal((16, 3))
    mlp = {"w1": _rng.uniform(-0.5, 0.5, (8, 3)), "b1": _rng.uniform(-0.5, 0.5, 8),
           "w2": _rng.uniform(-0.35, 0.35, (1, 8)), "b2": _rng.uniform(-0.35, 0.35, 1),
           "x": x, "y": x[:, :1] * 0.5 - x[:, 1:2] + 0.1 * _rng.standard_normal((16, 1))}
    out = {}
    for name, d in (("quad", quad), ("rosen", rosen), ("lsq", lsq), ("mlp", mlp)):
        out[name] = {k: {"shape": list(np.shape(v)), "values": enc(v)} for k, v in d.items()}
    return out


def _t(spec: dict, grad: bool = False) -> torch.Tensor:
    return torch.tensor(f32(spec["values"]).reshape(spec["shape"]), requires_grad=grad)


# Each builder returns (parameters as [group 1 list, group 2 list or None], loss function).
def build(name: str, data: dict) -> tuple[list[list[torch.Tensor]], Callable[[], torch.Tensor]]:
    d = data[name]
    if name == "quad":
        w, b = _t(d["w"], True), _t(d["b"], True)
        tw, tb, aw, ab = _t(d["tw"]), _t(d["tb"]), _t(d["aw"]), _t(d["ab"])
        return [[w], [b]], lambda: ((w - tw) ** 2 * aw).sum() + ((b - tb) ** 2 * ab).sum()
    if name == "rosen":  # Rosenbrock's function with b = 5 (R torch's optim_lbfgs example)
        x = _t(d["x"], True)
        return [[x]], lambda: (1 - x[0]) ** 2 + 5 * (x[1] - x[0] ** 2) ** 2
    if name == "lsq":  # linear least squares
        w, b, x, y = _t(d["w"], True), _t(d["b"], True), _t(d["x"]), _t(d["y"])
        return [[w, b]], lambda: ((x.mm(w.t()) + b - y) ** 2).mean()
    w1, b1, w2, b2 = (_t(d[k], True) for k in ("w1", "b1", "w2", "b2"))
    x, y = _t(d["x"]), _t(d["y"])

    def loss() -> torch.Tensor:
        h = torch.tanh(x.mm(w1.t()) + b1)
        return ((h.mm(w2.t()) + b2 - y) ** 2).mean()

    return [[w1, b1], [w2, b2]], loss


def torch_kwargs(kw: dict[str, Any]) -> dict[str, Any]:
    kw = dict(kw)
    if "lambda" in kw:  # R torch's argument name; PyTorch's is lambd
        kw["lambd"] = kw.pop("lambda")
    return kw


def run_config(tname: str, kw: dict, override: dict, problem: str, data: dict) -> dict:
    groups, loss_fn = build(problem, data)
    params = [p for g in groups for p in g]
    tgroups = [{"params": groups[0]}]
    if len(groups) > 1:
        tgroups.append({"params": groups[1], **torch_kwargs(override)})
    opt = getattr(torch.optim, tname)(tgroups, foreach=False, **torch_kwargs(kw))
    losses, traj = [], []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=False)
        loss = loss_fn()
        loss.backward()
        losses.append(loss.item())
        opt.step()
        traj.append(enc(torch.cat([p.detach().reshape(-1) for p in params])))
    return {"losses": enc(losses), "params": traj}


def run_lbfgs(kw: dict, problem: str, data: dict) -> dict:
    groups, loss_fn = build(problem, data)
    params = [p for g in groups for p in g]
    opt = torch.optim.LBFGS(params, **kw)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    losses, traj, evals = [], [], []
    for _ in range(6):
        losses.append(opt.step(closure).item())
        traj.append(enc(torch.cat([p.detach().reshape(-1) for p in params])))
        evals.append(opt.state[params[0]]["func_evals"])
    return {"losses": enc(losses), "params": traj, "func_evals": evals}


def trajectories() -> dict:
    data = problem_data()
    cases = []
    for rname, tname, kw, override in CONFIGS:
        for problem in ("quad", "rosen", "mlp"):
            cases.append({"optimizer": rname, "kwargs": kw, "group2": override, "problem": problem,
                          **run_config(tname, kw, override, problem, data)})
    for kw in LBFGS_CONFIGS:
        for problem in ("quad", "rosen", "lsq"):
            cases.append({"optimizer": "optim_lbfgs", "kwargs": kw, "group2": None, "problem": problem,
                          **run_lbfgs(kw, problem, data)})
    return {"steps": STEPS, "problems": data, "cases": cases}


# -- schedulers -------------------------------------------------------------------------------------------------

def _two_group_optimizer(kind: str) -> torch.optim.Optimizer:
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(1, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=0.1, momentum=0.9)
    return torch.optim.Adam(groups, lr=0.1)


def _lr_seq(sched: Any, opt: torch.optim.Optimizer, n: int, metrics: list[float] | None = None) -> dict:
    lrs = [list(sched.get_last_lr())]
    moms = []

    def momentum() -> list[float]:
        return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]

    moms.append(momentum())
    for i in range(n):
        opt.step()
        sched.step(metrics[i]) if metrics is not None else sched.step()
        lrs.append(list(sched.get_last_lr()))
        moms.append(momentum())
    return {"lr": lrs, "momentum": moms}


def schedulers() -> list[dict]:
    import warnings

    warnings.filterwarnings("ignore")
    S = torch.optim.lr_scheduler  # noqa: N806
    n = 30
    metrics = [5.0, 4.0, 4.0, 3.9999, 4.1, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5,
               1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    specs: list[tuple[str, str, dict, Callable]] = [
        ("lr_lambda", "sgd", {"lr_lambda": "0.95 ** epoch"}, lambda o: S.LambdaLR(o, lambda e: 0.95 ** e)),
        ("lr_multiplicative", "sgd", {"lr_lambda": "0.9"}, lambda o: S.MultiplicativeLR(o, lambda e: 0.9)),
        ("lr_step", "sgd", {"step_size": 7, "gamma": 0.5}, lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
        ("lr_step", "adam", {"step_size": 3}, lambda o: S.StepLR(o, step_size=3)),
        ("lr_cosine_annealing", "sgd", {"T_max": 10}, lambda o: S.CosineAnnealingLR(o, T_max=10)),
        ("lr_cosine_annealing", "adam", {"T_max": 7, "eta_min": 0.001},
         lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.001)),
        ("lr_one_cycle", "sgd", {"max_lr": 1.0, "total_steps": 30},
         lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30)),
        ("lr_one_cycle", "adam", {"max_lr": [0.5, 0.2], "epochs": 5, "steps_per_epoch": 6, "pct_start": 0.25,
                                  "anneal_strategy": "linear", "div_factor": 10.0},
         lambda o: S.OneCycleLR(o, max_lr=[0.5, 0.2], epochs=5, steps_per_epoch=6, pct_start=0.25,
                                anneal_strategy="linear", div_factor=10.0)),
        ("lr_one_cycle", "sgd", {"max_lr": 0.3, "total_steps": 30, "three_phase": True, "cycle_momentum": False},
         lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=30, three_phase=True, cycle_momentum=False)),
        ("lr_reduce_on_plateau", "sgd", {"patience": 2, "factor": 0.5},
         lambda o: S.ReduceLROnPlateau(o, patience=2, factor=0.5)),
        ("lr_reduce_on_plateau", "adam", {"mode": "max", "patience": 1, "threshold": 0.1, "threshold_mode": "abs",
                                          "cooldown": 2, "min_lr": [0.02, 0.001]},
         lambda o: S.ReduceLROnPlateau(o, mode="max", patience=1, threshold=0.1, threshold_mode="abs",
                                       cooldown=2, min_lr=[0.02, 0.001])),
    ]
    out = []
    for name, kind, kw, make in specs:
        opt = _two_group_optimizer(kind)
        sched = make(opt)
        m = metrics if name == "lr_reduce_on_plateau" else None
        if name == "lr_reduce_on_plateau" and kw.get("mode") == "max":
            m = [-v for v in metrics]
        out.append({"scheduler": name, "optimizer": kind, "kwargs": kw, "metrics": m, **_lr_seq(sched, opt, n, m)})
    return out


# -- the seed document's final program --------------------------------------------------------------------------

def vignette(seed: int) -> list[float]:
    torch.manual_seed(seed)
    d_in, d_out, n, d_hidden = 3, 1, 100, 32
    x = torch.randn(n, d_in)
    y = x[:, 0:1] * 0.2 - x[:, 1:2] * 1.3 - x[:, 2:3] * 0.5 + torch.randn(n, 1)
    model = torch.nn.Sequential(torch.nn.Linear(d_in, d_hidden), torch.nn.ReLU(), torch.nn.Linear(d_hidden, d_out))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.08)
    losses = []
    for _ in range(200):
        loss = torch.nn.functional.mse_loss(model(x), y, reduction="sum")
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    files = {
        "optim_trajectories.json": trajectories(),
        "optim_schedulers.json": {"steps": 30, "cases": schedulers()},
        "optim_vignette.json": {"seeds": {str(s): enc(vignette(s)) for s in (1, 42)},
                                "torch": torch.__version__},
    }
    for name, content in files.items():
        text = json.dumps(content, separators=(",", ":"))
        (FIXTURES / name).write_text(text + "\n")
        print(f"{name}: {len(text) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
