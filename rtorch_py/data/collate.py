"""Collation as R torch's: items of a batch merged into tensors.

Rules (``default_collate``), by the first item's kind, every item being of that kind: tensors are stacked on a
new first dim; R vectors of length > 1, matrices and arrays (numpy arrays here) become tensors with R's rules
(double -> float, integer -> long, logical -> bool) and are stacked; length-1 integers -> a long tensor, doubles ->
a float tensor, logicals -> a bool tensor; strings stay a character vector (a list of str); named lists (dicts)
and lists recurse per element. ``default_convert`` (batches from ``.getbatch``, or ``batch_size = NULL``) keeps
tensors, recurses into lists and converts other values with ``torch_tensor``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import creation as _C
from .._core import ops as _O
from .._core.tensor import Tensor

__all__ = ["default_collate", "default_convert"]


def _kind(x: Any) -> str:
    """R's view of a value's type: the name used in errors and to check that a batch is uniform."""
    if isinstance(x, Tensor):
        return "torch_tensor"
    if isinstance(x, (bool, np.bool_)):
        return "logical"
    if isinstance(x, (int, np.integer)):
        return "integer"
    if isinstance(x, (float, np.floating)):
        return "numeric"
    if isinstance(x, str):
        return "character"
    if isinstance(x, np.ndarray):
        return "array"
    if isinstance(x, dict):
        return "named list"
    if isinstance(x, (list, tuple)):
        return "list"
    return type(x).__name__


def _check_uniform(batch: list, kind: str) -> None:
    for i, b in enumerate(batch):
        k = _kind(b)
        if k != kind:
            raise ValueError(f"Can't collate a batch mixing item types: item 1 is {kind!r} but item {i + 1} is "
                             f"{k!r}")


def _stack_tensors(batch: list) -> Tensor:
    first = batch[0]
    shape = first.shape
    for i, t in enumerate(batch):
        if t.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                               f"and {list(t.shape)} at entry {i}")
    if any(t._requires_grad for t in batch):
        return _O.stack(batch, 0)
    return Tensor._wrap(np.stack([t._data for t in batch]))


def default_collate(batch: list) -> Any:
    """Merge a list of items into a batch (R torch's utils_data_default_collate).

    Example:
        >>> b = default_collate([{"x": torch_ones(2), "y": 1, "s": "a"}, {"x": torch_zeros(2), "y": 2, "s": "b"}])
        >>> b["x"].shape, b["y"].dtype, b["s"]
        ((2, 2), torch_Long, ['a', 'b'])
    """
    if not isinstance(batch, (list, tuple)) or len(batch) == 0:
        raise ValueError("Can't collate an empty batch")
    elem = batch[0]
    kind = _kind(elem)
    _check_uniform(batch, kind)
    if kind == "torch_tensor":
        return _stack_tensors(list(batch))
    if kind == "array":
        shape = elem.shape
        if any(b.shape != shape for b in batch):
            raise RuntimeError(f"stack expects each item to be equal size, got {list(shape)} and "
                               f"{next(list(b.shape) for b in batch if b.shape != shape)}")
        from ..bridge.rsemantics import r_tensor  # noqa: PLC0415 - R's conversion rules, one place

        return r_tensor(np.stack(batch))
    if kind == "logical":
        return _C.torch_tensor(np.asarray(batch, dtype=np.bool_))
    if kind == "integer":
        return _C.torch_tensor(np.asarray(batch, dtype=np.int64))
    if kind == "numeric":
        return _C.torch_tensor(np.asarray(batch, dtype=np.float32))
    if kind == "character":
        return list(batch)
    if kind == "named list":
        keys = list(elem)
        for i, b in enumerate(batch):
            if list(b) != keys:
                raise ValueError(f"Can't collate named lists with different names: item 1 has {keys}, item "
                                 f"{i + 1} has {list(b)}")
        return {k: default_collate([b[k] for b in batch]) for k in keys}
    if kind == "list":
        n = len(elem)
        for i, b in enumerate(batch):
            if len(b) != n:
                raise ValueError(f"Can't collate lists of different lengths: item 1 has {n} elements, item "
                                 f"{i + 1} has {len(b)}")
        return [default_collate([b[j] for b in batch]) for j in range(n)]
    raise ValueError(f"Can't collate data of class: '{kind}'")


def default_convert(data: Any) -> Any:
    """A batch that needs no collation as tensors (R torch's utils_data_default_convert).

    Example:
        >>> default_convert([torch_ones(2), np.zeros((2, 3))])[1].shape
        (2, 3)
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, dict):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)) and not all(isinstance(v, str) for v in data):
        return [default_convert(v) for v in data]
    if isinstance(data, (str, list, tuple)) or data is None:
        raise ValueError(f"Can't convert data of class: '{_kind(data) if data is not None else 'NULL'}'")
    from ..bridge.rsemantics import r_tensor  # noqa: PLC0415

    try:
        return r_tensor(data)
    except (TypeError, ValueError) as e:
        raise ValueError(f"Can't convert data of class: '{_kind(data)}' ({e})") from None
