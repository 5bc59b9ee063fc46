"""Shared helpers of the optimizer tests: fixtures and the fixture problems rebuilt with rtorch_py."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

import rtorch_py as rt

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@cache
def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def tensor(spec: dict, grad: bool = False) -> rt.Tensor:
    return rt.torch_tensor(np.asarray(spec["values"], np.float32).reshape(spec["shape"]), requires_grad=grad)


def build(name: str, data: dict) -> tuple[list[list[rt.Tensor]], Callable[[], rt.Tensor]]:
    """The problem ``name`` of optim_trajectories.json: (parameters per group, loss function); the same
    expressions as tools/make_optim_fixtures.py writes with PyTorch."""
    d = data[name]
    if name == "quad":
        w, b = tensor(d["w"], True), tensor(d["b"], True)
        tw, tb, aw, ab = tensor(d["tw"]), tensor(d["tb"]), tensor(d["aw"]), tensor(d["ab"])
        return [[w], [b]], lambda: ((w - tw) ** 2 * aw).sum() + ((b - tb) ** 2 * ab).sum()
    if name == "rosen":  # Rosenbrock's function with b = 5
        x = tensor(d["x"], True)
        return [[x]], lambda: (1 - x[0]) ** 2 + 5 * (x[1] - x[0] ** 2) ** 2
    if name == "lsq":  # linear least squares
        w, b, x, y = tensor(d["w"], True), tensor(d["b"], True), tensor(d["x"]), tensor(d["y"])
        return [[w, b]], lambda: ((x.mm(w.t()) + b - y) ** 2).mean()
    w1, b1, w2, b2 = (tensor(d[k], True) for k in ("w1", "b1", "w2", "b2"))
    x, y = tensor(d["x"]), tensor(d["y"])

    def loss() -> rt.Tensor:
        h = rt.torch_tanh(x.mm(w1.t()) + b1)
        return ((h.mm(w2.t()) + b2 - y) ** 2).mean()

    return [[w1, b1], [w2, b2]], loss


def flat(params: list[rt.Tensor]) -> np.ndarray:
    return np.concatenate([p._data.reshape(-1) for p in params])
