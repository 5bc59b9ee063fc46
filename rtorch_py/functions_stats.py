"""Order statistics, counting and running reductions (``torch_median``, ``torch_quantile``, ``torch_mode``,
``torch_unique_consecutive``, ``torch_cummax``, ``torch_histc``, ``torch_bincount``, ``torch_diff`` ...):
R names, 1-based dims and returned indices.

Values chosen from the input (median, kthvalue, mode, cummax, quantile's neighbours) are recorded with the
gather rule, so their gradient flows back to the chosen elements; sums and differences are written from
primitives."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import functions as F  # noqa: N812
from ._core import derivatives as D  # noqa: N812
from ._core import ops as O  # noqa: N812
from ._core.errors import Axis, worded
from ._core.tensor import Tensor
from ._r import Dim, Dims, Int, InverseCounts1, ValuesIndices1, index_of, r_api, to_int

_wrap = Tensor._wrap

__all__ = [
    "torch_median", "torch_nanmedian", "torch_kthvalue", "torch_mode", "torch_quantile", "torch_nanquantile",
    "torch_unique", "torch_unique_consecutive", "torch_cummax", "torch_cummin", "torch_logcumsumexp",
    "torch_nansum", "torch_nanmean", "torch_histc", "torch_bincount", "torch_bucketize", "torch_searchsorted",
    "torch_diff", "torch_trapz", "torch_trapezoid", "torch_cumulative_trapezoid", "torch_renorm",
    "torch_aminmax",
]


def _tensor(x: Any, fn: str, arg: str = "self") -> Tensor:
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{fn}: argument '{arg}' must be a torch_tensor, got {type(x).__name__}")


def _pick(x: Tensor, axis: int, idx: np.ndarray, keepdim: bool, name: str) -> tuple[Tensor, Tensor]:
    """The elements of ``x`` at ``idx`` (int64, x's shape with size 1 along ``axis``) and those indices, the
    axis dropped unless ``keepdim``; the values' gradient goes back to the chosen elements."""
    d = x._data
    vals = np.take_along_axis(d, idx, axis)
    v = O.record(vals if keepdim else np.squeeze(vals, axis), name, _pick_rule, (x,),
                 (d.shape, axis, idx, keepdim))
    return v, _wrap(idx if keepdim else np.squeeze(idx, axis))


def _pick_rule(g: Tensor, shape: tuple, axis: int, idx: np.ndarray, keepdim: bool) -> Tensor:
    if not keepdim:
        g = O.unsqueeze(g, axis)
    return D.gather(g, shape, axis, idx)


def _scalar_pick(x: Tensor, flat_pos: int, name: str) -> Tensor:
    """One element of ``x`` (by its position in the flattened tensor) as a 0-d tensor with a gradient."""
    flat = O.reshape(x, (-1,))
    v, _ = _pick(flat, 0, np.array([flat_pos], dtype=np.int64), False, name)
    return v


def _nonempty(x: Tensor, axis: int | None, fn: str) -> None:
    if axis is None:
        if x._data.size == 0:
            raise RuntimeError(f"{fn}() input tensor cannot be empty")
    elif x._data.ndim and x._data.shape[axis] == 0:
        raise worded(IndexError, "{fn}(): Expected reduction dim {d} to have non-zero size.", fn=fn, d=Axis(axis))


def _sorted_idx(d: np.ndarray, axis: int) -> np.ndarray:
    return np.argsort(d, axis=axis, kind="stable")


def _median_pos(d: np.ndarray, axis: int, ignore_nan: bool) -> np.ndarray:
    """Per slice along ``axis``: the position in sorted order of the lower median (NaN sorts last)."""
    n = d.shape[axis]
    nans = np.isnan(d).sum(axis=axis, keepdims=True) if d.dtype.kind == "f" else np.zeros(1, np.int64)
    if ignore_nan:
        k = n - nans
        return np.maximum((k - 1) // 2, 0)
    # any NaN: the result is NaN, the first NaN in sorted order
    return np.where(nans > 0, n - nans, (n - 1) // 2)


def _median(self: Tensor, dim: Any, keepdim: bool, ignore_nan: bool, fn: str) -> Any:
    x = _tensor(self, fn)
    if dim is None:
        _nonempty(x, None, fn.removeprefix("torch_"))
        flat = x._data.reshape(-1)
        order = _sorted_idx(flat, 0)
        pos = int(_median_pos(flat, 0, ignore_nan).reshape(()))
        return _scalar_pick(x, int(order[pos]), "MedianBackward0" if not ignore_nan else "NanmedianBackward0")
    return _median_dim(x, dim, keepdim, ignore_nan, fn)


@r_api
def _median_dim(self: Tensor, dim: Dim, keepdim: bool, ignore_nan: bool, fn: str) -> ValuesIndices1:
    d = self._data
    if d.ndim == 0:
        return _pick(O.reshape(self, (1,)), 0, np.zeros(1, np.int64), False, "MedianBackward1")
    _nonempty(self, dim, fn.removeprefix("torch_"))
    order = _sorted_idx(d, dim)
    pos = _median_pos(d, dim, ignore_nan)
    idx = np.take_along_axis(order, np.broadcast_to(pos, _keep_shape(d.shape, dim)), dim)
    return _pick(self, dim, idx.astype(np.int64), keepdim, "MedianBackward1")


def _keep_shape(shape: tuple, axis: int) -> tuple:
    return shape[:axis] + (1,) + shape[axis + 1:]


def torch_median(self: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median of all elements (a 0-d tensor), or along ``dim``: ``list(values, indices)`` with
    1-based indices. NaN propagates.

    Example:
        >>> torch_median(torch_tensor([3.0, 1.0, 2.0, 4.0])).item()
        2.0
        >>> torch_median(torch_tensor([[3.0, 1.0], [2.0, 4.0]]), dim = 2)[1]
        torch_tensor
         2
         1
        [ CPULongType{2} ]
    """
    return _median(self, dim, keepdim, False, "torch_median")


def torch_nanmedian(self: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """As :func:`torch_median`, ignoring NaN (NaN only where a slice is all NaN).

    Example:
        >>> torch_nanmedian(torch_tensor([float('nan'), 1.0, 3.0, 2.0])).item()
        2.0
    """
    return _median(self, dim, keepdim, True, "torch_nanmedian")


@r_api
def torch_kthvalue(self: Tensor, k: Int, dim: Dim = -1, keepdim: bool = False) -> ValuesIndices1:
    """The ``k``-th smallest value along ``dim`` and its 1-based index.

    Example:
        >>> torch_kthvalue(torch_tensor([5.0, 1.0, 4.0]), 2)[0].item()
        4.0
    """
    x = _tensor(self, "torch_kthvalue")
    d = x._data
    if d.ndim == 0:
        x, d, dim = O.reshape(x, (1,)), d.reshape(1), 0
    n = d.shape[dim]
    if not 1 <= k <= n:
        raise worded(RuntimeError, "kthvalue(): selected number k out of range for dimension {d} (k = {k}, "
                     "size = {n})", d=Axis(dim), k=k, n=n)
    order = _sorted_idx(d, dim)
    idx = np.take(order, [k - 1], axis=dim).astype(np.int64)
    v, i = _pick(x, dim, idx, keepdim or self._data.ndim == 0, "KthvalueBackward0")
    if self._data.ndim == 0:
        v, i = O.reshape(v, ()), _wrap(i._data.reshape(()))
    return v, i


@r_api
def torch_mode(self: Tensor, dim: Dim = -1, keepdim: bool = False) -> ValuesIndices1:
    """The most frequent value along ``dim`` (the smallest among ties) and the 1-based index of its last
    occurrence.

    Example:
        >>> v, i = torch_mode(torch_tensor([2, 1, 2, 3, 1, 2]))
        >>> v.item(), i.item()
        (2, 6)
    """
    x = _tensor(self, "torch_mode")
    d = x._data
    if d.ndim == 0:
        v, i = _pick(O.reshape(x, (1,)), 0, np.zeros(1, np.int64), False, "ModeBackward0")
        return O.reshape(v, ()), _wrap(np.zeros((), np.int64))
    _nonempty(x, dim, "mode")
    moved = np.moveaxis(d, dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    s = np.sort(rows, axis=-1)
    eq = s[:, :, None] == s[:, None, :]
    if s.dtype.kind == "f":
        nan = np.isnan(s)
        eq |= nan[:, :, None] & nan[:, None, :]
    counts = eq.sum(-1)
    value = s[np.arange(len(s)), np.argmax(counts, axis=-1)]  # the first maximum: the smallest value
    same = (rows == value[:, None]) | ((rows != rows) & (value[:, None] != value[:, None]))
    last = rows.shape[-1] - 1 - np.argmax(same[:, ::-1], axis=-1)
    idx = np.moveaxis(last.reshape(moved.shape[:-1] + (1,)), -1, dim).astype(np.int64)
    return _pick(x, dim, idx, keepdim, "ModeBackward0")


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(self: Tensor, q: Any, dim: Any, keepdim: bool, interpolation: str, ignore_nan: bool,
              fn: str) -> Tensor:
    x = _tensor(self, fn)
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{fn.removeprefix('torch_')}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{fn}: interpolation must be one of {', '.join(_INTERPOLATIONS)}, got {interpolation!r}")
    qd = q._data if isinstance(q, Tensor) else np.asarray(q, dtype=np.float64)
    scalar_q = qd.ndim == 0
    qv = qd.reshape(-1).astype(np.float64)
    if qv.size and (np.any(qv < 0) or np.any(qv > 1)):
        raise RuntimeError(f"{fn.removeprefix('torch_')}() q values must be in the range [0, 1]")
    if isinstance(q, Tensor) and q._data.ndim > 1:
        raise RuntimeError(f"{fn.removeprefix('torch_')}() q must be a scalar or 1D tensor")
    if dim is None:
        src, axis = O.reshape(x, (-1,)), 0
    else:
        axis = _axis(x, dim, fn)
        src = x if x._data.ndim else O.reshape(x, (1,))
    d = src._data
    if d.shape[axis] == 0:
        raise RuntimeError(f"{fn.removeprefix('torch_')}() input tensor must be non-empty")
    sorted_v, order = O.sort(src, axis)
    n = d.shape[axis]
    nans = np.isnan(d).sum(axis=axis, keepdims=True)
    count = (n - nans) if ignore_nan else np.full_like(nans, n)
    outs = []
    for qi in qv:
        pos = qi * (np.maximum(count, 1) - 1).astype(np.float64)
        if interpolation == "lower":
            pos = np.floor(pos)
        elif interpolation == "higher":
            pos = np.ceil(pos)
        elif interpolation == "nearest":
            pos = np.round(pos)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, n - 1)
        w = pos - lo
        if interpolation == "midpoint":
            w = np.where(pos > lo, 0.5, 0.0) if False else np.full_like(pos, 0.5)
            hi = np.where(np.ceil(qi * (np.maximum(count, 1) - 1)) > lo, hi, lo)
        v_lo = O.gather(sorted_v, axis, _wrap(lo))
        v_hi = O.gather(sorted_v, axis, _wrap(hi))
        val = O.lerp(v_lo, v_hi, _wrap(w.astype(d.dtype)))
        # A slice with a NaN (or all NaN when ignoring them) gives NaN.
        bad = (nans > 0) if not ignore_nan else (count == 0)
        if bad.any():
            val = O.where(_wrap(bad), float("nan"), val)
        if not keepdim:
            val = O.squeeze(val, axis)
        elif dim is None:
            val = O.reshape(val, (1,) * x._data.ndim)
        outs.append(val)
    if scalar_q:
        return outs[0]
    return O.stack(outs, 0)


@r_api
def _axis(self: Tensor, dim: Dim, fn: str) -> int:
    return dim


def torch_quantile(self: Tensor, q: Any, dim: Any = None, keepdim: bool = False,
                   interpolation: str = "linear") -> Tensor:
    """The ``q``-quantiles (q in [0, 1], a number or a vector: the result then has a first dim per q) of all
    elements or along ``dim``; ``interpolation`` between neighbours: linear, lower, higher, midpoint, nearest.

    Example:
        >>> torch_quantile(torch_tensor([1.0, 2.0, 3.0, 4.0]), 0.5).item()
        2.5
    """
    return _quantile(self, q, dim, keepdim, interpolation, False, "torch_quantile")


def torch_nanquantile(self: Tensor, q: Any, dim: Any = None, keepdim: bool = False,
                      interpolation: str = "linear") -> Tensor:
    """As :func:`torch_quantile`, ignoring NaN.

    Example:
        >>> torch_nanquantile(torch_tensor([1.0, float('nan'), 3.0]), 0.5).item()
        2.0
    """
    return _quantile(self, q, dim, keepdim, interpolation, True, "torch_nanquantile")


def _unique_rows(d: np.ndarray, axis: int | None, consecutive: bool, sorted_: bool = True
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if axis is None:
        flat = d.reshape(-1)
        if consecutive:
            if flat.size == 0:
                return flat.copy(), np.zeros(d.shape, np.int64), np.zeros(0, np.int64)
            new = np.concatenate([[True], flat[1:] != flat[:-1]])
            starts = np.flatnonzero(new)
            inv = (np.cumsum(new) - 1).reshape(d.shape)
            counts = np.diff(np.append(starts, flat.size))
            return flat[starts], inv, counts
        vals, inv, counts = np.unique(flat, return_inverse=True, return_counts=True)
        return vals, inv.reshape(d.shape), counts
    moved = np.moveaxis(d, axis, 0)
    rows = moved.reshape(moved.shape[0], -1)
    if consecutive:
        if rows.shape[0] == 0:
            return d.copy(), np.zeros(0, np.int64), np.zeros(0, np.int64)
        new = np.concatenate([[True], np.any(rows[1:] != rows[:-1], axis=1)])
        starts = np.flatnonzero(new)
        inv = np.cumsum(new) - 1
        counts = np.diff(np.append(starts, rows.shape[0]))
        out = moved[starts]
    else:
        _, first, inv, counts = np.unique(rows, axis=0, return_index=True, return_inverse=True,
                                          return_counts=True)
        out = moved[first]
    return np.moveaxis(out, 0, axis), inv.reshape(-1), counts


def torch_unique_consecutive(self: Tensor, return_inverse: bool = False, return_counts: bool = False,
                             dim: Any = None) -> list:
    """The first element of every run of equal consecutive elements (of the flattened tensor, or slices
    along ``dim``): ``list(output, inverse_indices, counts)``, the inverse 1-based (empty unless asked for).

    Example:
        >>> out, inv, counts = torch_unique_consecutive(torch_tensor([1, 1, 2, 2, 3, 1]), True, True)
        >>> out._data.tolist(), inv._data.tolist(), counts._data.tolist()
        ([1, 2, 3, 1], [1, 1, 2, 2, 3, 4], [2, 2, 1, 1])
    """
    x = _tensor(self, "torch_unique_consecutive")
    return _unique(x, dim, True, return_inverse, return_counts)


def torch_unique(self: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
                 return_counts: bool = False, dim: Any = None) -> Any:
    """The distinct elements in ascending order (or distinct slices along ``dim``); with ``return_inverse``
    or ``return_counts``, ``list(output, inverse_indices, counts)`` with 1-based inverse indices.

    Example:
        >>> torch_unique(torch_tensor([3, 1, 3, 2]))._data.tolist()
        [1, 2, 3]
    """
    x = _tensor(self, "torch_unique")
    out = _unique(x, dim, False, return_inverse, return_counts)
    return out if (return_inverse or return_counts) else out[0]


def _unique(x: Tensor, dim: Any, consecutive: bool, return_inverse: bool, return_counts: bool) -> list:
    if dim is None:
        return _unique_impl(x, None, consecutive, return_inverse, return_counts)
    return _unique_dim(x, dim, consecutive, return_inverse, return_counts)


@r_api
def _unique_dim(self: Tensor, dim: Dim, consecutive: bool, return_inverse: bool, return_counts: bool
                ) -> InverseCounts1:
    return _unique_impl(self, dim, consecutive, return_inverse, return_counts, one_based=False)


def _unique_impl(x: Tensor, axis: int | None, consecutive: bool, return_inverse: bool, return_counts: bool,
                 one_based: bool = True) -> list:
    vals, inv, counts = _unique_rows(x._data, axis, consecutive)
    inv = inv.astype(np.int64) if return_inverse else np.zeros(0, np.int64)
    counts = counts.astype(np.int64) if return_counts else np.zeros(0, np.int64)
    if one_based and return_inverse:
        inv = inv + 1
    return [_wrap(np.ascontiguousarray(vals)), _wrap(inv), _wrap(counts)]


def _cumextreme(self: Tensor, dim: int, largest: bool, name: str) -> tuple[Tensor, Tensor]:
    d = self._data
    if d.ndim == 0:
        v, _ = _pick(O.reshape(self, (1,)), 0, np.zeros(1, np.int64), False, name)
        return O.reshape(v, ()), _wrap(np.zeros((), np.int64))
    moved = np.moveaxis(d, dim, -1)
    acc = np.maximum.accumulate(moved, axis=-1) if largest else np.minimum.accumulate(moved, axis=-1)
    # A new running extreme (ties included: libtorch reports the latest) or a NaN restarts the index.
    hit = moved == acc
    if moved.dtype.kind == "f":
        hit |= np.isnan(moved) & ~np.isnan(np.concatenate([np.full(moved.shape[:-1] + (1,), 0, moved.dtype),
                                                             acc[..., :-1]], axis=-1))
    pos = np.where(hit, np.arange(moved.shape[-1]), 0)
    idx = np.moveaxis(np.maximum.accumulate(pos, axis=-1), -1, dim).astype(np.int64)
    vals = np.take_along_axis(d, idx, dim)
    v = O.record(vals, name, D.gather, (self,), (d.shape, dim, idx))
    return v, _wrap(idx)


@r_api
def torch_cummax(self: Tensor, dim: Dim) -> ValuesIndices1:
    """The running maximum along ``dim`` and the 1-based index where each was reached (the latest among ties).

    Example:
        >>> v, i = torch_cummax(torch_tensor([1.0, 3.0, 2.0, 3.0]), 1)
        >>> v._data.tolist(), i._data.tolist()
        ([1.0, 3.0, 3.0, 3.0], [1, 2, 2, 4])
    """
    return _cumextreme(_tensor(self, "torch_cummax"), dim, True, "CummaxBackward0")


@r_api
def torch_cummin(self: Tensor, dim: Dim) -> ValuesIndices1:
    """The running minimum along ``dim`` and the 1-based index where each was reached (the latest among ties).

    Example:
        >>> torch_cummin(torch_tensor([3.0, 1.0, 2.0]), 1)[1]._data.tolist()
        [1, 2, 2]
    """
    return _cumextreme(_tensor(self, "torch_cummin"), dim, False, "CumminBackward0")


@r_api
def torch_logcumsumexp(self: Tensor, dim: Dim) -> Tensor:
    """``log(cumsum(exp(self)))`` along ``dim``, computed without overflow.

    Example:
        >>> round(torch_logcumsumexp(torch_tensor([1000.0, 1000.0]), 1)[-1].item(), 3)
        1000.693
    """
    x = _tensor(self, "torch_logcumsumexp")
    if x._data.ndim == 0:
        return O.clone(x)
    with np.errstate(invalid="ignore"):
        m = np.max(x._data, axis=dim, keepdims=True) if x._data.size else np.zeros(_keep_shape(x.shape, dim))
    m = np.where(np.isfinite(m), m, 0).astype(O._float_data(x).dtype)
    shift = _wrap(m)
    with np.errstate(divide="ignore"):
        return O.add(O.log(O.cumsum(O.exp(O.sub(x, shift)), dim)), shift)


@r_api
def torch_nansum(self: Tensor, dim: Dims | None = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """The sum treating NaN as 0 (over ``dim`` or all elements).

    Example:
        >>> torch_nansum(torch_tensor([1.0, float('nan'), 2.0])).item()
        3.0
    """
    x = F._cast(_tensor(self, "torch_nansum"), dtype)
    if x._data.dtype.kind == "f":
        x = O.where(_wrap(np.asarray(np.isnan(x._data))), 0.0, x)
    return O.sum(x, dim, keepdim)


@r_api
def torch_nanmean(self: Tensor, dim: Dims | None = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """The mean of the non-NaN elements (over ``dim`` or all elements).

    Example:
        >>> torch_nanmean(torch_tensor([1.0, float('nan'), 2.0])).item()
        1.5
    """
    x = F._cast(_tensor(self, "torch_nanmean"), dtype)
    ok = _wrap(np.asarray(~np.isnan(x._data)))
    total = O.sum(O.where(ok, x, 0.0), dim, keepdim)
    return O.div(total, O.sum(O.to_dtype(ok, x._data.dtype), dim, keepdim))


@r_api
def torch_aminmax(self: Tensor, dim: Dim | None = None, keepdim: bool = False) -> list:
    """``list(min, max)`` of all elements or along ``dim``.

    Example:
        >>> [t.item() for t in torch_aminmax(torch_tensor([2.0, -1.0, 5.0]))]
        [-1.0, 5.0]
    """
    axes = None if dim is None else (dim,)
    return [O.amin(self, axes, keepdim), O.amax(self, axes, keepdim)]


def torch_histc(self: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """A histogram of ``bins`` equal-width bins over ``[min, max]`` (the data's range when both are 0);
    elements outside are ignored. Same dtype as the input.

    Example:
        >>> torch_histc(torch_tensor([1.0, 2.0, 1.0]), bins = 4, min = 0, max = 3)._data.tolist()
        [0.0, 2.0, 1.0, 0.0]
    """
    x = _tensor(self, "torch_histc")
    nb = to_int(bins, "bins")
    if nb <= 0:
        raise RuntimeError(f"torch.histc: bins must be > 0, but got {nb} for dimension 0")
    d = x._data
    if d.dtype.kind != "f":
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{x.dtype.name}'")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError(f"torch.histc: max must be larger than min, but got min {lo} max {hi}")
    if lo == hi and d.size:
        lo, hi = float(d.min()), float(d.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    counts, _ = np.histogram(d[(d >= lo) & (d <= hi)], bins=nb, range=(lo, hi))
    return _wrap(counts.astype(d.dtype))


def torch_bincount(self: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """Counts of each value of a 1-d tensor of 1-based non-negative integers: element ``k`` counts the
    occurrences of ``k`` (weighted sums with ``weights``).

    Example:
        >>> torch_bincount(torch_tensor([1, 2, 3, 1]))._data.tolist()
        [2, 1, 1]
    """
    x = _tensor(self, "torch_bincount")
    if x._data.ndim != 1 or x._data.dtype.kind not in "iu":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    idx = index_of(x, "bincount")._data
    if idx.size and idx.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    w = None if weights is None else _tensor(weights, "torch_bincount", "weights")._data
    if w is not None and w.shape != x._data.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out = np.bincount(idx, weights=w, minlength=to_int(minlength, "minlength"))
    if w is None:
        return _wrap(out.astype(np.int64))
    return _wrap(out.astype(w.dtype if w.dtype.kind == "f" else np.float64))


def torch_bucketize(self: Any, boundaries: Tensor, out_int32: bool = False, right: bool = False) -> Tensor:
    """For each element, the number of ``boundaries`` (sorted, 1-d) below it (``right = TRUE``: at or below
    it); with R's 1-based indexing this is the 1-based index of the bucket's right boundary minus one.

    Example:
        >>> torch_bucketize(torch_tensor([1, 5, 9]), torch_tensor([1, 3, 5, 7]))._data.tolist()
        [0, 2, 4]
    """
    b = _tensor(boundaries, "torch_bucketize", "boundaries")
    if b._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b._data.ndim})")
    v = self._data if isinstance(self, Tensor) else np.asarray(self)
    out = np.searchsorted(b._data, v, side="right" if right else "left")
    return _wrap(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))


def torch_searchsorted(sorted_sequence: Tensor, self: Any, out_int32: bool = False, right: bool = False,
                       side: str | None = None, sorter: Tensor | None = None) -> Tensor:
    """Insertion points of ``self`` into the innermost dim of ``sorted_sequence`` (the count of elements below,
    or at or below with ``right = TRUE`` / ``side = "right"``), row by row for n-d sequences.

    Example:
        >>> torch_searchsorted(torch_tensor([1, 3, 5, 7]), torch_tensor([3, 6]))._data.tolist()
        [1, 3]
    """
    seq = _tensor(sorted_sequence, "torch_searchsorted", "sorted_sequence")._data
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("side and right can't be set to opposites, got side of left while right was True")
        right = side == "right"
    if sorter is not None:
        seq = np.take_along_axis(seq, index_of(sorter, "searchsorted")._data, -1)
    v = self._data if isinstance(self, Tensor) else np.asarray(self)
    how = "right" if right else "left"
    if seq.ndim <= 1:
        out = np.searchsorted(seq, v, side=how)
    else:
        if v.shape[:-1] != seq.shape[:-1]:
            raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               f"dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {list(seq.shape)} and input value tensor {list(v.shape)}")
        s2, v2 = seq.reshape(-1, seq.shape[-1]), v.reshape(-1, v.shape[-1])
        # one searchsorted over rows shifted apart: row r's values only meet row r's sequence
        span = np.maximum(np.nanmax(np.abs(s2)) if s2.size else 0, np.nanmax(np.abs(v2)) if v2.size else 0)
        offs = (np.arange(len(s2)) * (2 * span + 1)).reshape(-1, 1)
        flat = np.searchsorted((s2.astype(np.float64) + offs).reshape(-1),
                               (v2.astype(np.float64) + offs).reshape(-1), side=how)
        out = (flat.reshape(v2.shape) - np.arange(len(s2)).reshape(-1, 1) * s2.shape[-1]).reshape(v.shape)
    return _wrap(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))


@r_api
def torch_diff(self: Tensor, n: Int = 1, dim: Dim = -1, prepend: Tensor | None = None,
               append: Tensor | None = None) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (after joining ``prepend`` and ``append``).

    Example:
        >>> torch_diff(torch_tensor([1.0, 4.0, 9.0]))._data.tolist()
        [3.0, 5.0]
    """
    x = _tensor(self, "torch_diff")
    if x._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    parts = [p for p in (prepend, x, append) if p is not None]
    if len(parts) > 1:
        x = O.cat([p if p._data.ndim == x._data.ndim else O.expand(O.unsqueeze(p, dim) if p._data.ndim == 0
                   else p, _keep_shape(x.shape, dim)) for p in parts], dim)
    for _ in range(n):
        m = x.shape[dim]
        if m == 0:
            break
        hi, lo = O.narrow(x, dim, 1, m - 1), O.narrow(x, dim, 0, m - 1)
        x = O.logical_xor(hi, lo) if x._data.dtype == np.bool_ else O.sub(hi, lo)
    return x


@r_api
def torch_trapz(y: Tensor, x: Tensor | None = None, dx: float | None = None, dim: Dim = -1) -> Tensor:
    """The trapezoidal rule along ``dim``: with sample points ``x`` or a constant spacing ``dx`` (default 1).

    Example:
        >>> torch_trapz(torch_tensor([1.0, 2.0, 3.0])).item()
        4.0
    """
    yt = _tensor(y, "torch_trapz", "y")
    n = yt.shape[dim]
    if n == 0:
        return O.sum(yt, (dim,))
    mid = O.add(O.narrow(yt, dim, 1, n - 1), O.narrow(yt, dim, 0, n - 1))
    if x is not None:
        xt = _tensor(x, "torch_trapz", "x")
        xd = dim if xt._data.ndim == yt._data.ndim else xt._data.ndim - 1
        m = xt.shape[xd]
        if m != n:
            raise RuntimeError(f"trapezoid: There must be one `x` value for each sample point, got {m} x values "
                               f"and {n} y values")
        step = O.sub(O.narrow(xt, xd, 1, m - 1), O.narrow(xt, xd, 0, m - 1))
        if xt._data.ndim == 1 and yt._data.ndim > 1:
            step = O.reshape(step, tuple(m - 1 if i == dim else 1 for i in range(yt._data.ndim)))
        return O.div(O.sum(O.mul(mid, step), (dim,)), 2)
    return O.mul(O.sum(mid, (dim,)), (1.0 if dx is None else float(dx)) / 2)


torch_trapezoid = torch_trapz


@r_api
def torch_cumulative_trapezoid(y: Tensor, x: Tensor | None = None, dx: float | None = None,
                               dim: Dim = -1) -> Tensor:
    """The running trapezoidal integral along ``dim`` (one element fewer than ``y``).

    Example:
        >>> torch_cumulative_trapezoid(torch_tensor([1.0, 2.0, 3.0]))._data.tolist()
        [1.5, 4.0]
    """
    yt = _tensor(y, "torch_cumulative_trapezoid", "y")
    n = yt.shape[dim]
    mid = O.add(O.narrow(yt, dim, 1, n - 1), O.narrow(yt, dim, 0, n - 1))
    if x is not None:
        xt = _tensor(x, "torch_cumulative_trapezoid", "x")
        step = O.sub(O.narrow(xt, -1, 1, n - 1), O.narrow(xt, -1, 0, n - 1))
        return O.div(O.cumsum(O.mul(mid, step), dim), 2)
    return O.mul(O.cumsum(mid, dim), (1.0 if dx is None else float(dx)) / 2)


@r_api
def torch_renorm(self: Tensor, p: float, dim: Dim, maxnorm: float) -> Tensor:
    """Each slice along ``dim`` rescaled so that its ``p``-norm is at most ``maxnorm``.

    Example:
        >>> x = torch_tensor([[3.0, 4.0], [0.3, 0.4]], dtype = torch_float64())
        >>> torch_renorm(x, 2, 1, 1)._data.round(4).tolist()
        [[0.6, 0.8], [0.3, 0.4]]
    """
    x = _tensor(self, "torch_renorm")
    if float(p) <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported, got p = {p}")
    if float(maxnorm) < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    others = tuple(a for a in range(x._data.ndim) if a != dim)
    norms = O.norm(x, float(p), others, True)
    # libtorch's factor: maxnorm / (norm + 1e-7) where the norm exceeds maxnorm, else 1 (no gradient there)
    scale = O.where(O.gt(norms, float(maxnorm)), O.div(float(maxnorm), O.add(norms, 1e-7)), 1.0)
    return O.mul(x, scale)
