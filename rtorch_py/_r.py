"""R torch's conventions, converted in one place: 1-based dims and indices, sizes given as separate arguments
or one vector, R's numbers (whole doubles) where integers are meant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._core.tensor import Tensor

__all__ = ["dim0", "dims0", "size_arg", "index0", "to_int", "first_index"]


def to_int(x: Any, what: str = "value") -> int:
    """An integer from an int, a whole float (R's numbers are doubles) or a one-element tensor."""
    if isinstance(x, (bool, np.bool_)):
        return int(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return int(x)
    if isinstance(x, Tensor) and x._data.size == 1 and x._data.dtype.kind in "iu":
        return int(x._data.reshape(()))
    if isinstance(x, np.ndarray) and x.size == 1:
        return to_int(x.reshape(()).item(), what)
    raise TypeError(f"{what} must be a whole number, got {x!r}")


def dim0(dim: Any, ndim: int) -> int:
    """A 1-based R dim (negative counts from the end) as a 0-based axis, with R torch's errors."""
    d = to_int(dim, "dim")
    if d == 0:
        raise IndexError("Indexing starts at 1 but found a 0.")
    n = max(ndim, 1)
    if d > n or d < -n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n}], but got {d})"
        )
    return d - 1 if d > 0 else d + n


def dims0(dim: Any, ndim: int) -> tuple[int, ...]:
    """One dim or a vector of dims, 1-based, as a tuple of 0-based axes."""
    if isinstance(dim, (list, tuple, np.ndarray)):
        axes = tuple(dim0(d, ndim) for d in dim)
        if len(set(axes)) != len(axes):
            dup = next(a for a in axes if axes.count(a) > 1)
            raise RuntimeError(f"dim {dup + 1} appears multiple times in the list of dims")
        return axes
    return (dim0(dim, ndim),)


def size_arg(size: Sequence[Any], fn: str = "size") -> tuple[int, ...]:
    """Sizes as separate arguments (``torch_randn(2, 3)``) or one vector (``torch_randn(c(2, 3))``)."""
    if len(size) == 1 and isinstance(size[0], (list, tuple, np.ndarray, Tensor)):
        size = list(np.asarray(size[0]._data if isinstance(size[0], Tensor) else size[0]).reshape(-1))
    out = []
    for s in size:
        n = to_int(s, f"{fn}: size")
        if n < 0:
            raise RuntimeError(f"{fn}: Trying to create tensor with negative dimension {n}: "
                               f"[{', '.join(str(to_int(v)) for v in size)}]")
        out.append(n)
    return tuple(out)


def index0(index: Any, fn: str, size: int | None = None) -> np.ndarray:
    """A 1-based index tensor (gather, index_select, scatter, embedding) as a 0-based int64 array.

    Negative indices count from the end when ``size`` is given; 0 is an error, as in R torch.
    """
    arr = index._data if isinstance(index, Tensor) else np.asarray(index)
    if arr.dtype.kind == "f":
        if not np.all(np.mod(arr, 1) == 0):
            raise TypeError(f"{fn}: index must hold whole numbers")
    elif arr.dtype.kind not in "iu":
        raise RuntimeError(f"{fn}(): Expected dtype int64 for index, got {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and (arr == 0).any():
        raise IndexError("Indexing starts at 1 but found a 0.")
    if size is not None and arr.size and (arr < 0).any():
        return np.where(arr < 0, arr + size, arr - 1)
    return arr - 1


def first_index(x: Any) -> Any:
    """Python-side 0-based indices turned into R torch's 1-based ones (results of argmax, sort, ...)."""
    return x + 1
