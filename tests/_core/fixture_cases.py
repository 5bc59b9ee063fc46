"""Load tests/fixtures/core_*.json (written from PyTorch by tools/make_core_fixtures.py) and run its R-style
calls on rtorch_py."""

from __future__ import annotations

import json
import operator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

import rtorch_py
from rtorch_py import Tensor

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NP = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "int64": np.int64,
      "int32": np.int32, "int16": np.int16, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_}

OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
             "**": operator.pow, "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
             ">": operator.gt, ">=": operator.ge, "&": operator.and_, "|": operator.or_, "^": operator.xor,
             "%": operator.mod, "//": operator.floordiv, "neg": operator.neg, "~": operator.invert,
             "@": operator.matmul}


@cache
def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def array(spec: dict) -> np.ndarray:
    return np.array(spec["t"], dtype=NP[spec["dtype"]]).reshape(spec["shape"])


def decode(spec: Any, leaves: list, requires_grad: bool = True) -> Any:
    """Fixture input -> rtorch_py value; tensors marked ``grad`` require grad (when requires_grad)."""
    if isinstance(spec, dict) and "t" in spec:
        t = Tensor._wrap(array(spec))
        if spec["grad"] and requires_grad:
            t.requires_grad_(True)
        leaves.append(t)
        return t
    if isinstance(spec, dict) and "tl" in spec:
        return [decode(s, leaves, requires_grad) for s in spec["tl"]]
    return spec


def call(fn: str, args: list, kwargs: dict) -> Any:
    if fn.startswith("op"):
        return OPERATORS[fn[2:]](*args, **kwargs)
    if fn.startswith("method_"):
        return getattr(args[0], fn[len("method_"):])(*args[1:], **kwargs)
    return getattr(rtorch_py, fn)(*args, **kwargs)


def run(case: dict, requires_grad: bool = True) -> tuple[Any, list]:
    leaves: list = []
    args = [decode(a, leaves, requires_grad) for a in case["args"]]
    kwargs = {k: decode(v, leaves, requires_grad) for k, v in case["kwargs"].items()}
    return call(case["fn"], args, kwargs), leaves


def tolerance(dtype: str) -> dict:
    if dtype == "float64":
        return {"rtol": 1e-10, "atol": 1e-12}
    if dtype == "float16":
        return {"rtol": 1e-3, "atol": 1e-3}
    return {"rtol": 2e-6, "atol": 1e-6}


def check_value(ours: Any, expected: Any, what: str) -> None:
    if isinstance(expected, list):
        assert isinstance(ours, (list, tuple)), f"{what}: expected a list of {len(expected)}, got {ours!r}"
        assert len(ours) == len(expected), f"{what}: {len(ours)} results, expected {len(expected)}"
        for i, (o, e) in enumerate(zip(ours, expected)):
            check_value(o, e, f"{what}[{i}]")
        return
    if not isinstance(expected, dict):
        assert ours == expected and type(ours) is type(expected), f"{what}: {ours!r} != {expected!r}"
        return
    assert isinstance(ours, Tensor), f"{what}: expected a tensor, got {type(ours).__name__}"
    exp = array(expected)
    got = ours._data
    assert got.dtype == exp.dtype, f"{what}: dtype {got.dtype}, expected {exp.dtype}"
    assert got.shape == exp.shape, f"{what}: shape {got.shape}, expected {exp.shape}"
    if exp.dtype.kind == "f":
        np.testing.assert_allclose(got, exp, equal_nan=True, err_msg=what, **tolerance(expected["dtype"]))
    else:
        np.testing.assert_array_equal(got, exp, err_msg=what)
