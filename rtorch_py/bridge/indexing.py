"""R torch's ``[`` and ``[<-`` on tensors, translated to the core's 0-based subscripts.

The C side evaluates R's index syntax and hands over one item per position: :data:`._hooks.MISSING` for an
empty index (``x[, 1]``), ``Ellipsis`` for ``..``, ``slice(start, end, step)`` holding R's values for ``a:b``
and ``a:b:c`` (1-based, end inclusive, ``N`` = ``.Machine$integer.max`` = the last), ``None`` for ``NULL`` /
``newaxis``, and evaluated values otherwise: numbers (1-based; negative counts from the end, ``x[-1]`` is the
last element), R vectors (numpy arrays: numeric ones index, logical ones mask), tensors (long: 1-based
indices, bool: masks).

Several vector indices select their outer product, as in R (``x[c(1, 2), c(1, 3)]`` is 2x2), not numpy's
pairwise selection; R torch treats numeric and logical vectors, long tensors and 1-d bool tensors alike there
(``x[c(1, 3), c(TRUE, FALSE, TRUE)]``). A bool tensor of several dims is a mask over those dims.
``drop = FALSE`` keeps the dimensions indexed by a number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core.tensor import Tensor
from .._r import position_of, positions_of, r_api, stop_of
from . import _hooks

__all__ = ["r_subset", "r_subassign", "r_key"]

_INT_MAX = 2**31 - 1


def _whole(v: Any, what: str = "index") -> int:
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"a logical {what} must be a vector the size of the dimension")
    f = float(v)
    if not f.is_integer():
        raise TypeError(f"{what} must be a whole number, got {v}")
    if abs(f) > _INT_MAX:
        raise IndexError(f"{what} {v:g} is out of bounds (R indices are at most {_INT_MAX})")
    return int(f)


def _scalar(v: Any, drop: bool) -> Any:
    k = _whole(v)
    k0 = -1 if k == _INT_MAX else position_of(k)
    if drop:
        return k0
    return slice(k0, stop_of(k if k != _INT_MAX else -1) if k0 != -1 else None)


def _slice(s: slice) -> slice:
    start = 1 if s.start is None else _whole(s.start, "slice start")
    end = -1 if s.stop is None else _whole(s.stop, "slice end")
    step = 1 if s.step is None else _whole(s.step, "slice step")
    if end == 0:
        raise IndexError("Indexing starts at 1 but found a 0.")
    if step < 1:
        raise ValueError(f"slice step must be positive, got {step}")
    a = -1 if start == _INT_MAX else position_of(start)
    return slice(a, stop_of(-1 if end == _INT_MAX else end), None if step == 1 else step)


def _vector(v: np.ndarray) -> np.ndarray:
    """An R numeric vector of 1-based indices (negative from the end) as 0-based indices."""
    flat = np.asarray(v).reshape(-1)
    if flat.dtype.kind == "f":
        if np.isnan(flat).any():
            raise IndexError("NA is not a valid index: indices must be whole numbers without missing values")
        if not np.all(np.mod(flat, 1) == 0):
            raise TypeError("indices must be whole numbers")
        if flat.size and np.abs(flat).max() > _INT_MAX:
            raise IndexError(f"index {np.abs(flat).max():g} is out of bounds (R indices are at most {_INT_MAX})")
    return positions_of(flat.astype(np.int64))


def _item(v: Any, drop: bool) -> tuple[Any, bool]:
    """One R index as a 0-based subscript, and whether it is advanced (a vector or mask)."""
    if v is _hooks.MISSING:
        return slice(None), False
    if _hooks._has_na(v):
        raise IndexError("NA is not a valid index: indices must be whole numbers, logical vectors or tensors "
                         "without missing values")
    if v is Ellipsis or v is None:
        return v, False
    if isinstance(v, slice):
        return _slice(v), False
    if isinstance(v, Tensor):
        d = v._data
        if d.dtype == np.bool_:
            return v, True
        if d.dtype.kind not in "iu":
            raise TypeError(f"tensors used as indices must be long or bool, not {v.dtype!r}")
        return positions_of(d), True
    if isinstance(v, np.ndarray):
        if v.dtype == np.bool_:
            return v.reshape(-1), True
        return _vector(v), True
    if isinstance(v, (bool, np.bool_)):
        return np.array([bool(v)]), True
    if isinstance(v, (int, float, np.integer, np.floating)):
        return _scalar(v, drop), False
    raise TypeError(f"cannot index a tensor with an object of class {type(v).__name__}")


def r_key(items: list[Any], drop: bool = True) -> tuple[list[Any], list[int]]:
    """The 0-based subscripts for R's index items, and the positions of the advanced ones."""
    key, advanced = [], []
    for i, v in enumerate(items):
        k, adv = _item(v, drop)
        key.append(k)
        if adv:
            advanced.append(i)
    return key, advanced


def _out_position(key: list[Any], upto: int, ndim: int) -> int:
    """The output dimension that key[upto] (an advanced index, others basic) maps to."""
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    pos = 0
    for k in key[:upto]:
        if k is Ellipsis:
            pos += ndim - consumed
        elif isinstance(k, (int, np.integer)):
            continue
        else:
            pos += 1
    return pos


def _per_dim(k: Any) -> bool:
    """Whether an advanced index selects along one dimension (a 1-d index vector or mask)."""
    vector_like = isinstance(k, np.ndarray) or (isinstance(k, Tensor) and k._data.dtype == np.bool_)
    return vector_like and len(k.shape) == 1


def _positions(k: Any, size: int) -> np.ndarray:
    """A per-dimension index as 0-based positions (a mask must have the dimension's size)."""
    d = k._data if isinstance(k, Tensor) else k
    if d.dtype != np.bool_:
        return d
    if d.shape[0] != size:
        raise IndexError(f"a logical index of length {d.shape[0]} does not match the dimension's size {size}")
    return np.flatnonzero(d)


@r_api  # no declared arguments: R's subscripts are converted by r_key; errors are reworded 1-based
def r_subset(x: Tensor, items: list[Any], drop: Any = True) -> Tensor:
    """R's ``x[...]``."""
    key, advanced = r_key(items, bool(drop))
    if len(advanced) <= 1 or not all(_per_dim(key[i]) for i in advanced):
        return x[tuple(key)]
    # outer product of several vector indices: basic indexing first, then one index_select-like step each
    basic = list(key)
    for i in advanced:
        basic[i] = slice(None)
    out = x[tuple(basic)]
    for i in advanced:
        pos = _out_position(basic, i, x.ndim)
        out = out[(slice(None),) * pos + (key[i],)]
    return out


def _value(v: Any) -> Any:
    if v is None:
        raise TypeError("`[<-`: the replacement value is NULL: assign a number, an R vector or a tensor")
    if isinstance(v, str) or (isinstance(v, list) and any(isinstance(e, str) for e in v)):
        raise TypeError("`[<-`: cannot assign a character value to a tensor: assign a number, an R vector or "
                        "a tensor")
    if _hooks._has_na(v):
        raise TypeError("`[<-`: the replacement value is NA or contains NA (a double NA is NaN)")
    if isinstance(v, (list, dict)) or not isinstance(v, (Tensor, np.ndarray, bool, int, float, np.generic)):
        raise TypeError(f"`[<-`: cannot assign a value of class {type(v).__name__} to a tensor")
    if isinstance(v, np.ndarray):
        from .rsemantics import r_tensor  # noqa: PLC0415

        return r_tensor(v)
    return v


@r_api
def r_subassign(x: Tensor, items: list[Any], value: Any) -> None:
    """R's ``x[...] <- value`` (in place, as R torch)."""
    key, advanced = r_key(items, True)
    if len(advanced) > 1 and all(_per_dim(key[i]) for i in advanced) \
            and not any(k is Ellipsis or k is None or isinstance(k, (int, np.integer)) for k in key):
        # outer product: every index as an index vector, combined with np.ix_
        shape = x.shape
        vecs = [_positions(k, shape[d]) if d in advanced else np.arange(shape[d])[k] for d, k in enumerate(key)]
        x[np.ix_(*vecs)] = _value(value)
        return
    x[tuple(key)] = _value(value)


def r_slc(start: Any, end: Any, step: Any = 1) -> slice:
    """R torch's ``slc(start, end, step)``: the subscript ``start:end`` by ``step`` (1-based, ``end`` included;
    negative counts from the end, ``Inf`` is the end), checked when it is used in ``x[...]``.

    Example:
        >>> r_slc(1, 5, 2)
        slice(1, 5, 2)
    """
    if isinstance(end, float) and end == float("inf"):
        end = -1  # slc(2, Inf): to the end
    return slice(start, end, step)
