"""Helpers shared by the fixture writers (tools/make_*_fixtures.py; development only, they import torch).

A tensor argument of a recorded R-style call is a JSON spec ``{"t": values, "dtype", "shape", "grad"}``;
``{"tl": [spec, ...]}`` is a list of tensors. :func:`call_torch` rebuilds the arguments as torch tensors,
calls the oracle and returns the tensors that require grad, so the writer can record their gradients.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"

NP = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "int64": np.int64,
      "int32": np.int32, "int16": np.int16, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_}


def spec(arr: np.ndarray, dtype: str, grad: bool) -> dict:
    """The JSON spec of a tensor argument holding ``arr`` (already of ``dtype``)."""
    return {"t": arr.tolist(), "dtype": dtype, "shape": list(arr.shape), "grad": bool(grad)}


def I(values: Any, dtype: str = "int64") -> dict:  # noqa: N802, E743
    """A fixed (index, mask or class) tensor argument, never requiring grad."""
    return spec(np.asarray(values, dtype=NP[dtype]), dtype, False)


def to_torch(s: Any, leaves: list) -> Any:
    """A spec as a torch tensor (appended to ``leaves`` with its spec); a tensor list as a list; else as is."""
    if isinstance(s, dict) and "t" in s:
        arr = np.array(s["t"], dtype=NP[s["dtype"]]).reshape(s["shape"])
        t = torch.from_numpy(arr)
        if s["grad"]:
            t.requires_grad_(True)
        leaves.append((s, t))
        return t
    if isinstance(s, dict) and "tl" in s:
        return [to_torch(x, leaves) for x in s["tl"]]
    return s


def call_torch(fn: Callable, args: list, kwargs: dict) -> tuple[Any, list]:
    """``fn`` on the arguments rebuilt as torch tensors: (its output, [(spec, tensor), ...] of the tensors)."""
    leaves: list = []
    targs = [to_torch(a, leaves) for a in args]
    tkw = {k: to_torch(v, leaves) for k, v in kwargs.items()}
    return fn(*targs, **tkw), leaves
