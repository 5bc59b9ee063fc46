"""Indexing functions (``torch_take``, ``torch_index_put``, ``torch_index_add``, ``torch_scatter_reduce``,
``torch_repeat_interleave``, ``torch_tril_indices`` ...): index tensors and returned indices 1-based, dims
1-based. All are written on the core's differentiable index primitives (index, index_put, gather, scatter,
index_select), so gradients come from their rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._core import ops as O  # noqa: N812
from ._core.autograd import is_grad_enabled
from ._core.errors import Axis, Pos, worded
from ._core.tensor import Tensor
from ._r import Dim, Index1, Indices1, Int, index_of, r_api, to_int

_wrap = Tensor._wrap

__all__ = [
    "torch_take", "torch_take_along_dim", "torch_index", "torch_index_put", "torch_index_put_",
    "torch_index_add", "torch_index_fill", "torch_index_copy", "torch_index_reduce", "torch_scatter_reduce",
    "torch_put", "torch_tril_indices", "torch_triu_indices", "torch_repeat_interleave",
]


def _tensor(x: Any, fn: str, arg: str = "self") -> Tensor:
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{fn}: argument '{arg}' must be a torch_tensor, got {type(x).__name__}")


def _key(indices: Sequence[Any], fn: str, shape: tuple) -> tuple:
    """A tuple index from a list of 1-based index tensors (bool masks as they are; NULL keeps a whole dim)."""
    key: list[Any] = []
    dim = 0
    for i, t in enumerate(indices):
        if t is None:
            key.append(slice(None))
            dim += 1
            continue
        t = _tensor(t, fn, f"indices[[{i + 1}]]")
        if t._data.dtype == np.bool_ or t._data.dtype == np.uint8:
            key.append(t._data.astype(bool))
            dim += t._data.ndim
            continue
        size = shape[dim] if dim < len(shape) else None
        key.append(index_of(t, fn.removeprefix("torch_"), size)._data)
        dim += 1
    if dim > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)} (got {dim})")
    return tuple(key)


@r_api
def torch_take(self: Tensor, index: Index1) -> Tensor:
    """The elements at the 1-based positions ``index`` of the flattened tensor, in ``index``'s shape.

    Example:
        >>> torch_take(torch_tensor([[4, 5], [6, 7]]), torch_tensor([1, 4]))._data.tolist()
        [4, 7]
    """
    x = _tensor(self, "torch_take")
    n = x._data.size
    i = index._data
    if i.size and (i.max() >= n or i.min() < -n):
        bad = int(i[(i >= n) | (i < -n)].reshape(-1)[0])
        raise IndexError(f"out of range: tried to access index {bad + 1} on a tensor of {n} elements.")
    return O.index(O.reshape(x, (-1,)), (_wrap(np.where(i < 0, i + 1 + n, i)),))


def torch_take_along_dim(self: Tensor, indices: Tensor, dim: Any = None) -> Tensor:
    """Values along ``dim`` at the 1-based ``indices`` (broadcast against ``self`` outside ``dim``); without
    ``dim``, of the flattened tensor.

    Example:
        >>> x = torch_tensor([[10, 30, 20], [60, 40, 50]])
        >>> torch_take_along_dim(x, torch_argmax(x, dim = 2, keepdim = True), dim = 2)._data.tolist()
        [[30], [60]]
    """
    x = _tensor(self, "torch_take_along_dim")
    idx = index_of(_tensor(indices, "torch_take_along_dim", "indices"), "take_along_dim")
    if dim is None:
        return O.gather(O.reshape(x, (-1,)), 0, O.reshape(idx, (-1,)))
    return _take_along(x, idx, dim)


@r_api
def _take_along(self: Tensor, idx: Tensor, dim: Dim) -> Tensor:
    xs, is_ = list(self.shape), list(idx.shape)
    if len(xs) != len(is_):
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of "
                           f"dimensions, but got {len(xs)} dimensions for input, and {len(is_)} dimensions for "
                           "indices")
    xs[dim], is_[dim] = 1, 1
    shape = np.broadcast_shapes(tuple(xs), tuple(is_))
    xb = O.expand(self, tuple(self.shape[dim] if a == dim else s for a, s in enumerate(shape)))
    ib = _wrap(np.broadcast_to(idx._data, tuple(idx.shape[dim] if a == dim else s for a, s in enumerate(shape))))
    return O.gather(xb, dim, ib)


def torch_index(self: Tensor, indices: Sequence[Any]) -> Tensor:
    """``self`` indexed by a list of 1-based index tensors (one per leading dim, advanced indexing).

    Example:
        >>> x = torch_tensor([[1, 2], [3, 4]])
        >>> torch_index(x, [torch_tensor([1, 2]), torch_tensor([2, 1])])._data.tolist()
        [2, 3]
    """
    x = _tensor(self, "torch_index")
    return O.index(x, _key(list(indices), "torch_index", x.shape))


def torch_index_put(self: Tensor, indices: Sequence[Any], values: Any, accumulate: bool = False) -> Tensor:
    """A copy of ``self`` with ``values`` written (added, with ``accumulate``) at the 1-based ``indices``.

    Example:
        >>> x = torch_zeros(2, 2)
        >>> torch_index_put(x, [torch_tensor([1, 2]), torch_tensor([1, 2])], torch_tensor(1))._data.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    x = _tensor(self, "torch_index_put")
    return O.index_put(x, _key(list(indices), "torch_index_put", x.shape), values, bool(accumulate))


def torch_index_put_(self: Tensor, indices: Sequence[Any], values: Any, accumulate: bool = False) -> Tensor:
    """In-place :func:`torch_index_put`: writes into ``self`` and returns it.

    Example:
        >>> x = torch_zeros(3)
        >>> _ = torch_index_put_(x, [torch_tensor([2])], torch_tensor(5))
        >>> x._data.tolist()
        [0.0, 5.0, 0.0]
    """
    x = _tensor(self, "torch_index_put_")
    return x._inplace(lambda t, v: torch_index_put(t, indices, v, accumulate), values, name="index_put_")


def _along(dim: int, idx: Tensor) -> tuple:
    return (slice(None),) * dim + (idx,)


def _check_along(self: Tensor, dim: int, index: Tensor, source: Any, fn: str) -> None:
    i = index._data
    if i.ndim > 1:
        raise IndexError(f"{fn}(): Index is supposed to be a vector")
    n = self.shape[dim] if self._data.ndim else 1
    if i.size and (i.max() >= n or i.min() < 0):
        bad = int(i[(i >= n) | (i < 0)].reshape(-1)[0])
        raise worded(IndexError, "{fn}(): index {i} is out of bounds for dimension {d} with size {n}", fn=fn,
                     i=Pos(bad), d=Axis(dim), n=n)
    if isinstance(source, Tensor) and source._data.ndim and self._data.ndim:
        want = self.shape[:dim] + (i.size,) + self.shape[dim + 1:]
        if source.shape != want:
            raise worded(RuntimeError, "{fn}(): source/value of shape {src} does not match the indexed shape "
                         "{want} of self {shape} along dim {d}", fn=fn, src=list(source.shape), want=list(want),
                         shape=list(self.shape), d=Axis(dim))


@r_api
def torch_index_add(self: Tensor, dim: Dim, index: Index1, source: Tensor, alpha: Any = 1) -> Tensor:
    """A copy of ``self`` with ``alpha * source`` added at the 1-based ``index`` along ``dim`` (repeated
    indices accumulate).

    Example:
        >>> torch_index_add(torch_zeros(3), 1, torch_tensor([1, 1, 3]), torch_tensor([1.0, 2.0, 5.0]))._data.tolist()
        [3.0, 0.0, 5.0]
    """
    x = _tensor(self, "torch_index_add")
    _check_along(x, dim, index, source, "index_add")
    src = source if alpha == 1 else O.mul(source, alpha)
    return O.index_put(x, _along(dim, index), src, accumulate=True)


@r_api
def torch_index_fill(self: Tensor, dim: Dim, index: Index1, value: Any) -> Tensor:
    """A copy of ``self`` with ``value`` (a number or 0-d tensor) in the slices at 1-based ``index`` along
    ``dim``.

    Example:
        >>> torch_index_fill(torch_ones(2, 2), 2, torch_tensor([2]), -1)._data.tolist()
        [[1.0, -1.0], [1.0, -1.0]]
    """
    x = _tensor(self, "torch_index_fill")
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value._data.ndim} dimension(s).")
    _check_along(x, dim, index, None, "index_fill")
    return O.index_put(x, _along(dim, index), value)


@r_api
def torch_index_copy(self: Tensor, dim: Dim, index: Index1, source: Tensor) -> Tensor:
    """A copy of ``self`` with the slices of ``source`` written at the 1-based ``index`` along ``dim``.

    Example:
        >>> torch_index_copy(torch_zeros(3), 1, torch_tensor([3, 1]), torch_tensor([7.0, 8.0]))._data.tolist()
        [8.0, 0.0, 7.0]
    """
    x = _tensor(self, "torch_index_copy")
    _check_along(x, dim, index, source, "index_copy")
    return O.index_put(x, _along(dim, index), source)


_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _reduce_np(out: np.ndarray, coords: Any, s: np.ndarray, reduce: str, include_self: bool,
               shape_i: tuple) -> np.ndarray:
    if not include_self:
        fill = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}[reduce]
        touched = np.zeros(out.shape, bool)
        touched[coords] = True
        out = np.where(touched, np.asarray(fill).astype(out.dtype) if out.dtype.kind == "f" or fill in (0, 1)
                       else (np.iinfo(out.dtype).min if reduce == "amax" else np.iinfo(out.dtype).max), out)
    if reduce in ("sum", "mean"):
        np.add.at(out, coords, s)
        if reduce == "mean":
            cnt = np.zeros(out.shape, np.int64) + (1 if include_self else 0)
            np.add.at(cnt, coords, 1)
            cnt = np.maximum(cnt, 1)
            out = out // cnt if out.dtype.kind in "iu" else out / cnt.astype(out.dtype)
    elif reduce == "prod":
        np.multiply.at(out, coords, s)
    elif reduce == "amax":
        np.maximum.at(out, coords, s)
    else:
        np.minimum.at(out, coords, s)
    return out


@r_api
def torch_scatter_reduce(self: Tensor, dim: Dim, index: Index1, src: Tensor, reduce: str,
                         include_self: bool = True) -> Tensor:
    """A copy of ``self`` where ``src``'s values are reduced (``reduce``: "sum", "prod", "mean", "amax",
    "amin") into the positions given by 1-based ``index`` along ``dim``; ``include_self = FALSE`` leaves
    ``self``'s own values out of the reduction at the positions written. Differentiable for "sum" and "mean".

    Example:
        >>> torch_scatter_reduce(torch_zeros(2), 1, torch_tensor([1, 1, 2]), torch_tensor([1.0, 3.0, 5.0]),
        ...                      "amax")._data.tolist()
        [3.0, 5.0]
    """
    x = _tensor(self, "torch_scatter_reduce")
    s = _tensor(src, "torch_scatter_reduce", "src")
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if reduce == "sum" and include_self:
        return O.scatter(x, dim, index, s, "add")
    if reduce in ("sum", "mean"):
        # written from differentiable pieces: the sum of what lands, divided by how many
        i = index._data
        O._check_index_shape(i, x._data, s._data, dim, "scatter_reduce")
        O._check_index_range(i, x._data.shape[dim], "scatter_reduce")
        coords = O._scatter_coords(i, dim)
        touched = np.zeros(x.shape, bool)
        touched[coords] = True
        base = x if include_self else O.where(_wrap(touched), 0, x)
        total = O.scatter(base, dim, index, O.index(s, tuple(slice(0, n) for n in i.shape)), "add")
        if reduce == "sum":
            return total
        cnt = np.zeros(x.shape, np.int64) + (1 if include_self else 0)
        np.add.at(cnt, coords, 1)
        cnt = np.where(touched, np.maximum(cnt, 1), 1)
        if x._data.dtype.kind in "iu":
            return O.div(total, _wrap(cnt), "floor")
        return O.div(total, _wrap(cnt.astype(x._data.dtype)))
    if is_grad_enabled() and (x._requires_grad or s._requires_grad):
        raise RuntimeError(f"torch_scatter_reduce: reduce = \"{reduce}\" is not differentiable in rtorch_py "
                           "(\"sum\" and \"mean\" are)")
    i = index._data
    O._check_index_shape(i, x._data, s._data, dim, "scatter_reduce")
    O._check_index_range(i, x._data.shape[dim], "scatter_reduce")
    coords = O._scatter_coords(i, dim)
    sv = s._data[tuple(slice(0, n) for n in i.shape)].astype(x._data.dtype)
    return _wrap(_reduce_np(x._data.copy(), coords, sv, reduce, include_self, i.shape))


@r_api
def torch_index_reduce(self: Tensor, dim: Dim, index: Index1, source: Tensor, reduce: str,
                       include_self: bool = True) -> Tensor:
    """As :func:`torch_scatter_reduce` for whole slices: slice ``k`` of ``source`` along ``dim`` is reduced
    into slice ``index[k]`` of ``self`` (``reduce``: "prod", "mean", "amax", "amin").

    Example:
        >>> torch_index_reduce(torch_ones(2), 1, torch_tensor([1, 1]), torch_tensor([2.0, 3.0]),
        ...                    "prod")._data.tolist()
        [6.0, 1.0]
    """
    x = _tensor(self, "torch_index_reduce")
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
                           f"{reduce}.")
    _check_along(x, dim, index, source, "index_reduce")
    shape = list(source.shape)
    view = [1] * len(shape)
    view[dim] = -1
    full = _wrap(np.ascontiguousarray(np.broadcast_to(index._data.reshape(view), shape)))
    # scatter_reduce's 0-based body: dim and full are 0-based here
    return torch_scatter_reduce.__r_impl__(x, dim, full, source, reduce, include_self)


def torch_put(self: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``self`` with ``source``'s elements written (added, with ``accumulate``) at the 1-based
    positions ``index`` of the flattened tensor.

    Example:
        >>> torch_put(torch_zeros(2, 2), torch_tensor([4, 1]), torch_tensor([9.0, 8.0]))._data.tolist()
        [[8.0, 0.0], [0.0, 9.0]]
    """
    x = _tensor(self, "torch_put")
    n = x._data.size
    i = index_of(_tensor(index, "torch_put", "index"), "put", n)
    if i._data.size and (i._data.max() >= n or i._data.min() < 0):
        raise IndexError(f"put(): index out of range for tensor of {n} elements")
    flat = O.index_put(O.reshape(x, (-1,)), (i._data.reshape(-1),), O.reshape(source, (-1,)), bool(accumulate))
    return O.reshape(flat, x.shape)


def _tri_indices(row: Any, col: Any, offset: Any, upper: bool, dtype: Any) -> Tensor:
    r, c, k = to_int(row, "row"), to_int(col, "col"), to_int(offset, "offset")
    if r < 0 or c < 0:
        raise RuntimeError(f"row must be non-negative, got {r}" if r < 0 else f"col must be non-negative, got {c}")
    i, j = np.triu_indices(r, k, c) if upper else np.tril_indices(r, k, c)
    from ._core.dtype import as_dtype
    return _wrap(np.stack([i, j]).astype(as_dtype(dtype).np if dtype is not None else np.int64))


@r_api
def torch_tril_indices(row: Int, col: Int, offset: Int = 0, dtype: Any = None, device: Any = None,
                       layout: Any = None) -> Indices1:
    """The 1-based (row, column) coordinates of the lower triangle of a ``row`` x ``col`` matrix (on and
    below diagonal ``offset``), as a 2 x N long tensor.

    Example:
        >>> torch_tril_indices(2, 2)._data.tolist()
        [[1, 2, 2], [1, 1, 2]]
    """
    return _tri_indices(row, col, offset, False, dtype)


@r_api
def torch_triu_indices(row: Int, col: Int, offset: Int = 0, dtype: Any = None, device: Any = None,
                       layout: Any = None) -> Indices1:
    """The 1-based (row, column) coordinates of the upper triangle of a ``row`` x ``col`` matrix (on and
    above diagonal ``offset``), as a 2 x N long tensor.

    Example:
        >>> torch_triu_indices(2, 2)._data.tolist()
        [[1, 1, 2], [1, 2, 2]]
    """
    return _tri_indices(row, col, offset, True, dtype)


def torch_repeat_interleave(self: Tensor, repeats: Any = None, dim: Any = None,
                            output_size: Any = None) -> Tensor:
    """Each element (each slice along ``dim``; of the flattened tensor without ``dim``) repeated ``repeats``
    times (a number, or one count per element). With only a tensor of counts, the 1-based positions repeated
    by their counts.

    Example:
        >>> torch_repeat_interleave(torch_tensor([1, 2]), 2)._data.tolist()
        [1, 1, 2, 2]
        >>> torch_repeat_interleave(torch_tensor([2, 1]))._data.tolist()
        [1, 1, 2]
    """
    x = _tensor(self, "torch_repeat_interleave")
    if repeats is None:
        counts = x._data
        if counts.ndim > 1 or counts.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave: repeats must be 0-dim or 1-dim integer tensor")
        if counts.size and counts.min() < 0:
            raise RuntimeError("repeats can not be negative")
        return _wrap(np.repeat(np.arange(1, counts.size + 1, dtype=np.int64), counts.reshape(-1)))
    if dim is None:
        return _repeat_along(O.reshape(x, (-1,)), repeats, 1, output_size)
    return _repeat_along(x, repeats, dim, output_size)


@r_api
def _repeat_along(self: Tensor, repeats: Any, dim: Dim, output_size: Any) -> Tensor:
    n = self.shape[dim] if self._data.ndim else 1
    reps = repeats._data.reshape(-1) if isinstance(repeats, Tensor) else np.asarray(repeats).reshape(-1)
    if reps.size == 1:
        reps = np.full(n, int(reps[0]))
    elif reps.size != n:
        raise worded(RuntimeError, "repeats must have the same size as input along dim, but got "
                     "repeats.size(0) = {r} and input.size({d}) = {n}", r=reps.size, d=Axis(dim), n=n)
    reps = reps.astype(np.int64)
    if reps.size and reps.min() < 0:
        raise RuntimeError("repeats can not be negative")
    idx = np.repeat(np.arange(n, dtype=np.int64), reps)
    if output_size is not None and to_int(output_size, "output_size") != idx.size:
        raise RuntimeError(f"allocated size does not match required size: output_size = {output_size}, "
                           f"required {idx.size}")
    src = self if self._data.ndim else O.reshape(self, (1,))
    return O.index_select(src, dim if self._data.ndim else 0, _wrap(idx))
