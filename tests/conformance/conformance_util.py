"""Encoding Python values as tests/conformance/emit.R encodes R values: the helpers the expectation files
(tests/conformance/<script>.py, beside <script>.R) build their expected values with."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

import rtorch_py as rt
from rtorch_py.bridge.rsemantics import r_format


def _num(v: float) -> Any:
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    return v


def _rvalues(arr: np.ndarray) -> list:
    kind = arr.dtype.kind
    flat = arr.ravel(order="F")
    if kind == "c":
        return [[_num(v.real), _num(v.imag)] for v in flat]
    if kind == "b":
        return [bool(v) for v in flat]
    if kind in "iu":
        return [int(v) for v in flat]
    return [_num(v) for v in flat]


def T(t: rt.Tensor) -> dict:
    """A tensor (its dtype, shape, requires_grad and values in row-major order)."""
    d = np.ascontiguousarray(t.detach().numpy()).ravel()
    if d.dtype.kind == "c":  # (re, im) pairs, as emit.R writes complex tensors
        d = np.stack([d.real, d.imag], axis=-1).ravel()
    return {"r": "tensor", "dtype": t.dtype.name, "shape": list(t.shape), "requires_grad": bool(t.requires_grad),
            "values": _rvalues(d)}


def V(kind: str, values: Any, dim: Any = None, names: Any = None) -> dict:
    """An R atomic vector of type ``kind`` (double, integer, logical, character)."""
    if isinstance(values, np.ndarray):
        values = values.ravel(order="F").tolist()
    elif not isinstance(values, (list, tuple)):
        values = [values]
    conv = {"double": _num, "integer": int, "logical": bool, "character": str,
            "complex": lambda c: [_num(complex(c).real), _num(complex(c).imag)]}[kind]
    return {"r": kind, "dim": None if dim is None else list(dim), "names": None if names is None else list(names),
            "values": [conv(v) for v in values]}


def D(*values: Any, dim: Any = None, names: Any = None) -> dict:
    return V("double", list(values), dim, names)


def I(*values: Any, dim: Any = None, names: Any = None) -> dict:  # noqa: E743 - R's integer
    return V("integer", list(values), dim, names)


def L(*values: Any, dim: Any = None, names: Any = None) -> dict:
    return V("logical", list(values), dim, names)


def S(*values: Any, names: Any = None) -> dict:
    return V("character", list(values), None, names)


def A(arr: Any) -> dict:
    """What as_array() gives for a numpy array / tensor: an R vector (<= 1 dims) or matrix/array."""
    if isinstance(arr, rt.Tensor):
        arr = arr.detach().numpy()
    arr = np.asarray(arr)
    if arr.dtype.kind in "iu" and arr.size and (arr.min() < -(2**31 - 1) or arr.max() > 2**31 - 1):
        arr = arr.astype(np.float64)  # a long beyond R's integers comes back as a double
    kind = {"b": "logical", "i": "integer", "u": "integer", "c": "complex"}.get(arr.dtype.kind, "double")
    return V(kind, arr.ravel(order="F").tolist(), arr.shape if arr.ndim >= 2 else None)


def item(v: Any) -> dict:
    """A Python scalar as R gets it ($item(), a length-1 result)."""
    if isinstance(v, (bool, np.bool_)):
        return L(v)
    if isinstance(v, (int, np.integer)):
        return I(v)
    return D(v)


def LIST(*values: dict, names: Any = None) -> dict:
    return {"r": "list", "names": None if names is None else list(names), "values": list(values)}


def TLIST(ts: Any) -> dict:
    """A Python list of tensors (R: an unnamed list) or dict of tensors (R: a named list)."""
    if isinstance(ts, dict):
        return LIST(*[T(t) for t in ts.values()], names=list(ts.keys()))
    return LIST(*[T(t) for t in ts])


NULL = {"r": "NULL"}


def E(fn: Callable[[], Any]) -> dict:
    """The error message the Python API raises for ``fn()`` (an R error carries it unchanged)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any Python error is an R error
        return {"r": "error", "message": str(e)}
    return {"r": "no error"}


def P(obj: Any, *args: Any) -> dict:
    """What print() writes for a Python object (r_format: the same text R torch prints)."""
    return S(r_format(obj, *args))


def rarray(values: Any, dim: tuple[int, ...]) -> list:
    """R's array(values, dim), filled column-major, as nested Python lists (so that torch_tensor() gives floats
    float32 and ints int64, as from R)."""
    return np.asarray(values).reshape(dim[::-1]).T.tolist()


def rmat(values: list, nrow: int) -> list:
    """R's matrix(values, nrow)."""
    return rarray(values, (nrow, len(values) // nrow))


