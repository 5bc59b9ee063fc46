"""Shape-building and product functions (``torch_meshgrid``, ``torch_tensordot``, ``torch_kron``,
``torch_cross``, ``torch_diag_embed``, ``torch_block_diag``, ``torch_rot90``, ``torch_atleast_2d``,
``torch_addbmm`` ...), 1-based dims, written from differentiable primitives (so their gradients come from
those), plus R torch's ``torch_conv*`` / pooling aliases of the ``nnf_*`` functions."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import functions as F  # noqa: N812
from ._core import ops as O  # noqa: N812
from ._core.errors import Axis, worded
from ._core.tensor import Tensor
from ._r import Dim, DimNew, Dims, Int, axes_of, axis_of, r_api, to_int

_wrap = Tensor._wrap

__all__ = [
    "torch_meshgrid", "torch_tensordot", "torch_kron", "torch_cross", "torch_pdist", "torch_diag_embed",
    "torch_diagflat", "torch_block_diag", "torch_cartesian_prod", "torch_combinations", "torch_rot90",
    "torch_flipud", "torch_fliplr", "torch_vander", "torch_atleast_1d", "torch_atleast_2d", "torch_atleast_3d",
    "torch_dstack", "torch_column_stack", "torch_row_stack", "torch_addbmm", "torch_baddbmm", "torch_addmv",
    "torch_addr", "torch_vdot", "torch_inner", "torch_tile", "torch_narrow_copy", "torch_unsafe_chunk",
    "torch_unsafe_split", "torch_broadcast_shapes", "torch_broadcast_to", "torch_swapaxes", "torch_swapdims",
    "torch_moveaxis", "torch_conv1d", "torch_conv2d", "torch_conv_transpose1d", "torch_conv_transpose2d",
    "torch_avg_pool1d", "torch_max_pool1d", "torch_max_pool2d", "torch_adaptive_avg_pool1d",
    "torch_cosine_similarity", "torch_pixel_shuffle", "torch_celu", "torch_selu", "torch_relu_", "torch_selu_",
    "torch_celu_", "torch_rrelu_", "torch_threshold_", "torch_channel_shuffle", "torch_as_strided", "torch_size",
    "torch_conv3d", "torch_conv_transpose3d", "torch_conv_tbc",
]


@r_api
def torch_size(self: Tensor, dim: Dim) -> int:
    """The size of (1-based) ``dim``.

    Example:
        >>> torch_size(torch_ones(2, 3), 2)
        3
    """
    return _tensor(self, "torch_size").shape[dim]


def _tensor(x: Any, fn: str, arg: str = "self") -> Tensor:
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{fn}: argument '{arg}' must be a torch_tensor, got {type(x).__name__}")


def _tensors(xs: Any, fn: str) -> list[Tensor]:
    seq = [xs] if isinstance(xs, Tensor) else list(xs)
    return [_tensor(t, fn, f"tensors[[{i + 1}]]") for i, t in enumerate(seq)]


def torch_meshgrid(tensors: Sequence[Tensor], indexing: str = "ij") -> list[Tensor]:
    """Coordinate grids from 1-d tensors: with ``indexing = "ij"`` output ``k`` varies along dim ``k``;
    ``"xy"`` swaps the first two dims (as numpy's meshgrid).

    Example:
        >>> g = torch_meshgrid([torch_tensor([1, 2]), torch_tensor([3, 4, 5])])
        >>> g[0].shape, g[1]._data[0].tolist()
        ((2, 3), [3, 4, 5])
    """
    ts = _tensors(tensors, "torch_meshgrid")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in ts:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t._data.ndim}"
                               "D tensor")
    flat = [O.reshape(t, (-1,)) for t in ts]
    swap = indexing == "xy" and len(flat) >= 2
    if swap:
        flat[0], flat[1] = flat[1], flat[0]
    shape = tuple(t.shape[0] for t in flat)
    out = []
    for k, t in enumerate(flat):
        view = [1] * len(flat)
        view[k] = shape[k]
        out.append(O.expand(O.reshape(t, tuple(view)), shape))
    if swap:
        out[0], out[1] = out[1], out[0]
    return out


def torch_tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Sum of products over dims of ``a`` and ``b``: ``dims`` a number (the last ``dims`` of ``a`` with the
    first of ``b``) or ``list(dims_a, dims_b)`` (1-based).

    Example:
        >>> torch_tensordot(torch_ones(3, 4, 5), torch_ones(4, 3, 2), [[2, 1], [1, 2]]).shape
        (5, 2)
    """
    x, y = _tensor(a, "torch_tensordot", "a"), _tensor(b, "torch_tensordot", "b")
    if isinstance(dims, (list, tuple)) and len(dims) == 2:
        da = axes_of(_seq(dims[0]), x._data.ndim) or ()
        db = axes_of(_seq(dims[1]), y._data.ndim) or ()
    else:
        n = to_int(dims[0] if isinstance(dims, (list, tuple)) else dims, "dims")
        if n < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={n}")
        if n > min(x._data.ndim, y._data.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={n}")
        da, db = tuple(range(x._data.ndim - n, x._data.ndim)), tuple(range(n))
    if len(da) != len(db):
        raise RuntimeError(f"both dimension lists should have same length, got {len(da)} and {len(db)}")
    for i, j in zip(da, db):
        if x.shape[i] != y.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {x.shape[i]} in dim "
                               f"{i + 1} and second has size {y.shape[j]} in dim {j + 1}")
    ka = [i for i in range(x._data.ndim) if i not in da]
    kb = [j for j in range(y._data.ndim) if j not in db]
    m = int(np.prod([x.shape[i] for i in da], dtype=np.int64))
    xa = O.reshape(O.permute(x, ka + list(da)), (-1, m))
    yb = O.reshape(O.permute(y, list(db) + kb), (m, -1))
    return O.reshape(O.matmul(xa, yb), tuple(x.shape[i] for i in ka) + tuple(y.shape[j] for j in kb))


def _seq(v: Any) -> list:
    if isinstance(v, Tensor):
        return v._data.reshape(-1).tolist()
    return list(v) if isinstance(v, (list, tuple, np.ndarray)) else [v]


def torch_kron(self: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: every element of ``self`` times the whole of ``other``.

    Example:
        >>> torch_kron(torch_eye(2), torch_tensor([[1.0, 2.0]]))._data.tolist()
        [[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 1.0, 2.0]]
    """
    a, b = _tensor(self, "torch_kron"), _tensor(other, "torch_kron", "other")
    nd = max(a._data.ndim, b._data.ndim)
    a = O.reshape(a, (1,) * (nd - a._data.ndim) + a.shape)
    b = O.reshape(b, (1,) * (nd - b._data.ndim) + b.shape)
    # interleave: a's dims at even positions, b's at odd, then merge each pair
    ia = O.reshape(a, tuple(itertools.chain.from_iterable((s, 1) for s in a.shape)))
    ib = O.reshape(b, tuple(itertools.chain.from_iterable((1, s) for s in b.shape)))
    return O.reshape(O.mul(ia, ib), tuple(p * q for p, q in zip(a.shape, b.shape)))


def torch_cross(self: Tensor, other: Tensor, dim: Any = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (1-based; without it, the first dim of size 3).

    Example:
        >>> torch_cross(torch_tensor([1.0, 0.0, 0.0]), torch_tensor([0.0, 1.0, 0.0]))._data.tolist()
        [0.0, 0.0, 1.0]
    """
    a, b = _tensor(self, "torch_cross"), _tensor(other, "torch_cross", "other")
    if a._data.ndim != b._data.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions, got {a._data.ndim} "
                           f"and {b._data.ndim}")
    shape = np.broadcast_shapes(a.shape, b.shape)
    if dim is None:
        ax = next((i for i, s in enumerate(shape) if s == 3), None)
        if ax is None:
            raise RuntimeError("no dimension of size 3 in input")
    else:
        ax = axis_of(dim, len(shape))
        if a.shape[ax] != 3 or b.shape[ax] != 3:
            raise worded(RuntimeError, "linalg.cross: inputs dimension {d} must have length 3. Got {a} and {b}",
                         d=Axis(ax), a=a.shape[ax], b=b.shape[ax]).one_based()
    a, b = O.expand(a, shape), O.expand(b, shape)

    def c(t: Tensor, i: int) -> Tensor:
        return O.select(t, ax, i)

    parts = [O.sub(O.mul(c(a, 1), c(b, 2)), O.mul(c(a, 2), c(b, 1))),
             O.sub(O.mul(c(a, 2), c(b, 0)), O.mul(c(a, 0), c(b, 2))),
             O.sub(O.mul(c(a, 0), c(b, 1)), O.mul(c(a, 1), c(b, 0)))]
    return O.stack(parts, ax)


def torch_pdist(input: Tensor, p: float = 2) -> Tensor:  # noqa: A002
    """The p-norm distances between every pair of rows of an N x M matrix (row i before row j), N(N-1)/2
    values.

    Example:
        >>> torch_pdist(torch_tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))._data.tolist()
        [5.0, 1.0, 4.242640495300293]
    """
    x = _tensor(input, "torch_pdist", "input")
    if x._data.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x._data.ndim}D")
    if float(p) < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    i, j = np.triu_indices(x.shape[0], 1)
    diff = O.sub(O.index(x, (i,)), O.index(x, (j,)))
    return O.norm(diff, float(p), (1,))


@r_api(ref="self")
def _diag_embed(self: Tensor, offset: int, dim1: DimNew, dim2: DimNew) -> Tensor:
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1 + 1}, {dim2 + 1}")
    n = self.shape[-1] + abs(offset)
    rest = self.shape[:-1]
    out_nd = len(rest) + 2
    z = _wrap(np.zeros(rest + (n, n), dtype=self._data.dtype))
    k = np.arange(self.shape[-1])
    r, c = (k, k + offset) if offset >= 0 else (k - offset, k)
    full = O.index_put(z, (Ellipsis, r, c), self)
    # full has the diagonal in its last two dims; move them to dim1, dim2
    others = [d for d in range(out_nd) if d not in (dim1, dim2)]
    perm = [0] * out_nd
    for src, dst in enumerate(others):
        perm[dst] = src
    perm[dim1], perm[dim2] = out_nd - 2, out_nd - 1
    return O.permute(full, perm)


def torch_diag_embed(self: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices (in dims ``dim1``, ``dim2`` of the result, 1-based) whose diagonal ``offset`` holds the last
    dim of ``self``.

    Example:
        >>> torch_diag_embed(torch_tensor([[1.0, 2.0]])).shape
        (1, 2, 2)
    """
    x = _tensor(self, "torch_diag_embed")
    return _diag_embed(x, to_int(offset, "offset"), dim1, dim2)


def torch_diagflat(self: Tensor, offset: int = 0) -> Tensor:
    """The flattened ``self`` on diagonal ``offset`` of a square matrix.

    Example:
        >>> torch_diagflat(torch_tensor([[1.0, 2.0]]))._data.tolist()
        [[1.0, 0.0], [0.0, 2.0]]
    """
    return F.torch_diag(O.reshape(_tensor(self, "torch_diagflat"), (-1,)), to_int(offset, "offset"))


def torch_block_diag(tensors: Sequence[Tensor]) -> Tensor:
    """A block-diagonal matrix from the given matrices (vectors are rows, scalars 1 x 1).

    Example:
        >>> torch_block_diag([torch_ones(1, 1), torch_ones(1, 2) * 2])._data.tolist()
        [[1.0, 0.0, 0.0], [0.0, 2.0, 2.0]]
    """
    ts = _tensors(tensors, "torch_block_diag")
    mats = []
    for i, t in enumerate(ts):
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i + 1} "
                               f"has {t._data.ndim} dimensions")
        mats.append(O.reshape(t, (1,) * (2 - t._data.ndim) + t.shape) if t._data.ndim < 2 else t)
    if not mats:
        return _wrap(np.zeros((0, 0), np.float32))
    from ._core.dtype import result_type
    dt = result_type(*[m._data for m in mats])
    width = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        h, w = m.shape
        parts = [_wrap(np.zeros((h, left), dt)), O.to_dtype(m, dt), _wrap(np.zeros((h, width - left - w), dt))]
        rows.append(O.cat(parts, 1))
        left += w
    return O.cat(rows, 0)


def torch_cartesian_prod(tensors: Sequence[Tensor]) -> Tensor:
    """All combinations of the elements of 1-d tensors, one per row (a vector for one input).

    Example:
        >>> torch_cartesian_prod([torch_tensor([1, 2]), torch_tensor([3, 4])])._data.tolist()
        [[1, 3], [1, 4], [2, 3], [2, 4]]
    """
    ts = _tensors(tensors, "torch_cartesian_prod")
    if len(ts) == 1:
        return O.reshape(ts[0], (-1,))
    grids = torch_meshgrid(ts, "ij")
    return O.stack([O.reshape(g, (-1,)) for g in grids], 1)


def torch_combinations(self: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The length-``r`` combinations of a 1-d tensor's elements, one per row (in order, as itertools).

    Example:
        >>> torch_combinations(torch_tensor([1, 2, 3]))._data.tolist()
        [[1, 2], [1, 3], [2, 3]]
    """
    x = _tensor(self, "torch_combinations")
    if x._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    k = to_int(r, "r")
    if k < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {k}")
    if k == 0:
        return _wrap(np.zeros((0,), x._data.dtype))
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(gen(range(x.shape[0]), k)), dtype=np.int64).reshape(-1, k)
    if idx.size == 0:
        return _wrap(np.zeros((0, k), x._data.dtype))
    return O.index(x, (idx,))


@r_api
def torch_rot90(self: Tensor, k: Int = 1, dims: Dims = (1, 2)) -> Tensor:
    """Rotation by 90 degrees ``k`` times in the plane of ``dims`` (1-based), from the first towards the
    second.

    Example:
        >>> torch_rot90(torch_tensor([[1, 2], [3, 4]]))._data.tolist()
        [[2, 4], [1, 3]]
    """
    x = _tensor(self, "torch_rot90")
    if dims is None or len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {0 if dims is None else len(dims)}")
    if x._data.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {x._data.ndim}")
    d0, d1 = dims
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0 + 1} and dim1 = {d1 + 1}")
    k %= 4
    if k == 1:
        return O.transpose(O.flip(x, (d1,)), d0, d1)
    if k == 2:
        return O.flip(x, (d0, d1))
    if k == 3:
        return O.flip(O.transpose(x, d0, d1), (d1,))
    return O.clone(x)


def torch_flipud(self: Tensor) -> Tensor:
    """The rows in reverse order (flip along dim 1).

    Example:
        >>> torch_flipud(torch_tensor([[1, 2], [3, 4]]))._data.tolist()
        [[3, 4], [1, 2]]
    """
    x = _tensor(self, "torch_flipud")
    if x._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return O.flip(x, (0,))


def torch_fliplr(self: Tensor) -> Tensor:
    """The columns in reverse order (flip along dim 2).

    Example:
        >>> torch_fliplr(torch_tensor([[1, 2], [3, 4]]))._data.tolist()
        [[2, 1], [4, 3]]
    """
    x = _tensor(self, "torch_fliplr")
    if x._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return O.flip(x, (1,))


def torch_vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """The Vandermonde matrix of a vector: columns are powers ``x^(N-1), ..., x^0`` (ascending with
    ``increasing``); ``N`` defaults to the length.

    Example:
        >>> torch_vander(torch_tensor([1, 2, 3]))._data.tolist()
        [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
    """
    t = _tensor(x, "torch_vander", "x")
    if t._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = t.shape[0] if N is None else to_int(N, "N")
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if t._data.dtype == np.bool_ or t._data.dtype.kind in "iu":
        t = O.to_dtype(t, np.dtype(np.int64))
    powers = np.arange(n, dtype=np.int64)
    if not increasing:
        powers = powers[::-1].copy()
    if n == 0:
        return _wrap(np.zeros((t.shape[0], 0), t._data.dtype))
    cols = O.pow(O.unsqueeze(t, 1), _wrap(powers.astype(t._data.dtype)))
    return cols


def _atleast(ts: Any, nd: int, fn: str) -> Any:
    def one(t: Tensor) -> Tensor:
        t = _tensor(t, fn)
        s = t.shape
        if t._data.ndim >= nd:
            return t
        if nd == 3 and t._data.ndim == 2:
            return O.reshape(t, s + (1,))
        if nd == 3 and t._data.ndim == 1:
            return O.reshape(t, (1,) + s + (1,))
        return O.reshape(t, (1,) * (nd - t._data.ndim) + s)

    if isinstance(ts, Tensor):
        return one(ts)
    return [one(t) for t in ts]


def torch_atleast_1d(self: Any) -> Any:
    """``self`` (or each tensor of a list) viewed with at least 1 dim.

    Example:
        >>> torch_atleast_1d(torch_tensor(1.0)).shape
        (1,)
    """
    return _atleast(self, 1, "torch_atleast_1d")


def torch_atleast_2d(self: Any) -> Any:
    """``self`` (or each tensor of a list) viewed with at least 2 dims (a vector becomes a row).

    Example:
        >>> torch_atleast_2d(torch_tensor([1.0, 2.0])).shape
        (1, 2)
    """
    return _atleast(self, 2, "torch_atleast_2d")


def torch_atleast_3d(self: Any) -> Any:
    """``self`` (or each tensor of a list) viewed with at least 3 dims (n -> 1 x n x 1, m x n -> m x n x 1).

    Example:
        >>> torch_atleast_3d(torch_ones(2, 3)).shape
        (2, 3, 1)
    """
    return _atleast(self, 3, "torch_atleast_3d")


def torch_dstack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors stacked depth-wise (along dim 3, after :func:`torch_atleast_3d`).

    Example:
        >>> torch_dstack([torch_ones(2), torch_zeros(2)]).shape
        (1, 2, 2)
    """
    return O.cat(_atleast(_tensors(tensors, "torch_dstack"), 3, "torch_dstack"), 2)


def torch_column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors side by side as columns (vectors become columns).

    Example:
        >>> torch_column_stack([torch_ones(2), torch_zeros(2)]).shape
        (2, 2)
    """
    ts = _tensors(tensors, "torch_column_stack")
    return O.cat([O.reshape(t, (-1, 1)) if t._data.ndim <= 1 else t for t in ts], 1)


def torch_row_stack(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors stacked row-wise (``torch_vstack``).

    Example:
        >>> torch_row_stack([torch_ones(2), torch_zeros(2)]).shape
        (2, 2)
    """
    return F.torch_vstack(_tensors(tensors, "torch_row_stack"))


def _check_batch(b1: Tensor, b2: Tensor, fn: str) -> None:
    if b1._data.ndim != 3 or b2._data.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor (got {b1._data.ndim}-d) and batch2 too (got "
                           f"{b2._data.ndim}-d)")
    if b1.shape[0] != b2.shape[0] or b1.shape[2] != b2.shape[1]:
        raise RuntimeError(f"{fn}: shapes {list(b1.shape)} and {list(b2.shape)} cannot be multiplied batch-wise")


def _scaled(self: Tensor, prod: Tensor, beta: Any, alpha: Any) -> Tensor:
    p = prod if alpha == 1 else O.mul(prod, alpha)
    if beta == 0:  # libtorch: beta = 0 ignores self (NaN included)
        return O.add(O.mul(O.expand(self, np.broadcast_shapes(self.shape, p.shape)), 0), p) \
            if not np.isnan(self._data).any() else p
    return O.add(self if beta == 1 else O.mul(self, beta), p)


def torch_addbmm(self: Tensor, batch1: Tensor, batch2: Tensor, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * self + alpha * sum_b(batch1[b] %*% batch2[b])``.

    Example:
        >>> torch_addbmm(torch_zeros(2, 2), torch_ones(3, 2, 4), torch_ones(3, 4, 2))._data.tolist()
        [[12.0, 12.0], [12.0, 12.0]]
    """
    b1, b2 = _tensor(batch1, "torch_addbmm", "batch1"), _tensor(batch2, "torch_addbmm", "batch2")
    _check_batch(b1, b2, "addbmm")
    return _scaled(_tensor(self, "torch_addbmm"), O.sum(O.matmul(b1, b2), (0,)), beta, alpha)


def torch_baddbmm(self: Tensor, batch1: Tensor, batch2: Tensor, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * self + alpha * (batch1 %*% batch2)`` per batch.

    Example:
        >>> torch_baddbmm(torch_ones(3, 2, 2), torch_ones(3, 2, 4), torch_ones(3, 4, 2)).shape
        (3, 2, 2)
    """
    b1, b2 = _tensor(batch1, "torch_baddbmm", "batch1"), _tensor(batch2, "torch_baddbmm", "batch2")
    _check_batch(b1, b2, "baddbmm")
    return _scaled(_tensor(self, "torch_baddbmm"), O.matmul(b1, b2), beta, alpha)


def torch_addmv(self: Tensor, mat: Tensor, vec: Tensor, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * self + alpha * (mat %*% vec)``.

    Example:
        >>> torch_addmv(torch_ones(2), torch_ones(2, 3), torch_ones(3))._data.tolist()
        [4.0, 4.0]
    """
    return _scaled(_tensor(self, "torch_addmv"), F.torch_mv(mat, vec), beta, alpha)


def torch_addr(self: Tensor, vec1: Tensor, vec2: Tensor, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * self + alpha * outer(vec1, vec2)``.

    Example:
        >>> torch_addr(torch_zeros(2, 2), torch_tensor([1.0, 2.0]), torch_tensor([3.0, 4.0]))._data.tolist()
        [[3.0, 4.0], [6.0, 8.0]]
    """
    return _scaled(_tensor(self, "torch_addr"), F.torch_outer(vec1, vec2), beta, alpha)


def torch_vdot(self: Tensor, other: Tensor) -> Tensor:
    """The dot product of two vectors (the first conjugated; real tensors here).

    Example:
        >>> torch_vdot(torch_tensor([1.0, 2.0]), torch_tensor([3.0, 4.0])).item()
        11.0
    """
    return F.torch_dot(self, other)


def torch_inner(self: Tensor, other: Tensor) -> Tensor:
    """Sum of products over the last dims (a product for scalars).

    Example:
        >>> torch_inner(torch_ones(2, 3), torch_ones(4, 3)).shape
        (2, 4)
    """
    a, b = _tensor(self, "torch_inner"), _tensor(other, "torch_inner", "other")
    if a._data.ndim == 0 or b._data.ndim == 0:
        return O.mul(a, b)
    return torch_tensordot(a, b, [[-1], [-1]])


def torch_tile(self: Tensor, dims: Any) -> Tensor:
    """``self`` repeated ``dims`` times along each dim (leading 1s added to the shorter of the two).

    Example:
        >>> torch_tile(torch_tensor([1, 2]), 2)._data.tolist()
        [1, 2, 1, 2]
    """
    x = _tensor(self, "torch_tile")
    reps = [to_int(r, "dims") for r in _seq(dims)]
    if len(reps) < x._data.ndim:
        reps = [1] * (x._data.ndim - len(reps)) + reps
    return O.repeat(x, tuple(reps))


@r_api
def torch_narrow_copy(self: Tensor, dim: Dim, start: Any, length: Int) -> Tensor:
    """A copy of ``length`` elements along ``dim`` from 1-based ``start``.

    Example:
        >>> torch_narrow_copy(torch_tensor([1, 2, 3, 4]), 1, 2, 2)._data.tolist()
        [2, 3]
    """
    from ._r import position_of
    return O.clone(O.narrow(self, dim, position_of(start, "start"), length))


torch_unsafe_chunk, torch_unsafe_split = F.torch_chunk, F.torch_split


def torch_broadcast_shapes(*shapes: Any) -> list[int]:
    """The shape that tensors of the given shapes broadcast to.

    Example:
        >>> torch_broadcast_shapes([2, 1], [1, 3])
        [2, 3]
    """
    try:
        return list(np.broadcast_shapes(*[tuple(to_int(s) for s in _seq(sh)) for sh in shapes]))
    except ValueError:
        raise RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single shape: "
                           f"{[list(_seq(s)) for s in shapes]}") from None


def torch_broadcast_to(self: Tensor, size: Any) -> Tensor:
    """``self`` expanded (a view) to ``size``.

    Example:
        >>> torch_broadcast_to(torch_ones(3), [2, 3]).shape
        (2, 3)
    """
    return O.expand(_tensor(self, "torch_broadcast_to"), tuple(to_int(s) for s in _seq(size)))


torch_swapaxes = torch_swapdims = F.torch_transpose
torch_moveaxis = F.torch_movedim


def _nnf(name: str) -> Any:
    from . import nn
    return getattr(nn, name)


def torch_conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
                 padding: Any = 0, dilation: Any = 1, groups: Any = 1) -> Tensor:
    """``nnf_conv1d``: 1-d convolution."""
    return _nnf("nnf_conv1d")(input, weight, bias, stride, padding, dilation, groups)


def torch_conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
                 padding: Any = 0, dilation: Any = 1, groups: Any = 1) -> Tensor:
    """``nnf_conv2d``: 2-d convolution."""
    return _nnf("nnf_conv2d")(input, weight, bias, stride, padding, dilation, groups)


def torch_conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
                 padding: Any = 0, dilation: Any = 1, groups: Any = 1) -> Tensor:
    """``nnf_conv3d``: 3-d convolution of (N, C_in, D, H, W) with weight (C_out, C_in / groups, kD, kH, kW).

    Example:
        >>> torch_conv3d(torch_ones(1, 2, 4, 5, 5), torch_ones(3, 2, 2, 3, 3), padding = 1).shape
        (1, 3, 5, 5, 5)
    """
    return _nnf("nnf_conv3d")(input, weight, bias, stride, padding, dilation, groups)


def torch_conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
                           stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: Any = 1,
                           dilation: Any = 1) -> Tensor:
    """``nnf_conv_transpose3d``: 3-d transposed convolution, weight (C_in, C_out / groups, kD, kH, kW).

    Example:
        >>> torch_conv_transpose3d(torch_ones(1, 2, 2, 2, 2), torch_ones(2, 3, 2, 2, 2), stride = 2).shape
        (1, 3, 4, 4, 4)
    """
    return _nnf("nnf_conv_transpose3d")(input, weight, bias, stride, padding, output_padding, groups, dilation)


def torch_conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
                           stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: Any = 1,
                           dilation: Any = 1) -> Tensor:
    """``nnf_conv_transpose1d``: 1-d transposed convolution."""
    return _nnf("nnf_conv_transpose1d")(input, weight, bias, stride, padding, output_padding, groups, dilation)


def torch_conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
                           stride: Any = 1, padding: Any = 0, output_padding: Any = 0, groups: Any = 1,
                           dilation: Any = 1) -> Tensor:
    """``nnf_conv_transpose2d``: 2-d transposed convolution."""
    return _nnf("nnf_conv_transpose2d")(input, weight, bias, stride, padding, output_padding, groups, dilation)


def torch_conv_tbc(self: Tensor, weight: Tensor, bias: Tensor, pad: Any = 0) -> Tensor:
    """``nnf_conv_tbc``: 1-d convolution of a (time, batch, channel) input."""
    return _nnf("nnf_conv_tbc")(self, weight, bias, pad)


def torch_avg_pool1d(self: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                     ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """``nnf_avg_pool1d``: average over sliding windows of (N, C, L)."""
    return _nnf("nnf_avg_pool1d")(self, kernel_size, stride, padding, ceil_mode, count_include_pad)


def torch_max_pool1d(self: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                     ceil_mode: bool = False) -> Tensor:
    """``nnf_max_pool1d``: max over sliding windows of (N, C, L)."""
    return _nnf("nnf_max_pool1d")(self, kernel_size, stride, padding, dilation, ceil_mode)


def torch_max_pool2d(self: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                     ceil_mode: bool = False) -> Tensor:
    """``nnf_max_pool2d``: max over sliding windows of (N, C, H, W)."""
    return _nnf("nnf_max_pool2d")(self, kernel_size, stride, padding, dilation, ceil_mode)


def torch_adaptive_avg_pool1d(self: Tensor, output_size: Any) -> Tensor:
    """``nnf_adaptive_avg_pool1d``."""
    return _nnf("nnf_adaptive_avg_pool1d")(self, output_size)


def torch_cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 2, eps: float = 1e-8) -> Tensor:
    """``nnf_cosine_similarity``: cosine of the angle between ``x1`` and ``x2`` along ``dim``."""
    return _nnf("nnf_cosine_similarity")(x1, x2, dim, eps)


def torch_pixel_shuffle(self: Tensor, upscale_factor: int) -> Tensor:
    """(N, C r^2, H, W) -> (N, C, H r, W r).

    Example:
        >>> torch_pixel_shuffle(torch_ones(1, 4, 2, 2), 2).shape
        (1, 1, 4, 4)
    """
    x = _tensor(self, "torch_pixel_shuffle")
    r = to_int(upscale_factor, "upscale_factor")
    *b, c, h, w = x.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    y = O.reshape(x, tuple(b) + (c // (r * r), r, r, h, w))
    n = len(b)
    y = O.permute(y, list(range(n)) + [n, n + 3, n + 1, n + 4, n + 2])
    return O.reshape(y, tuple(b) + (c // (r * r), h * r, w * r))


def torch_channel_shuffle(self: Tensor, groups: int) -> Tensor:
    """Channels (dim 2) regrouped: (N, g * k, ...) read as (N, g, k, ...) and transposed to (N, k, g, ...).

    Example:
        >>> torch_channel_shuffle(torch_tensor([[1, 2, 3, 4]]), 2)._data.tolist()
        [[1, 3, 2, 4]]
    """
    x = _tensor(self, "torch_channel_shuffle")
    g = to_int(groups, "groups")
    n, c = x.shape[0], x.shape[1]
    if g <= 0 or c % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {g} groups.")
    rest = x.shape[2:]
    y = O.reshape(x, (n, g, c // g) + rest)
    return O.reshape(O.transpose(y, 1, 2), x.shape)


def torch_celu(self: Tensor, alpha: float = 1.0) -> Tensor:
    """``nnf_celu``."""
    return _nnf("nnf_celu")(self, alpha)


def torch_selu(self: Tensor) -> Tensor:
    """``nnf_selu``."""
    return _nnf("nnf_selu")(self)


def _inplace_of(fn: Any, name: str) -> Any:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return _tensor(self, name)._inplace(fn, *args, name=name[6:], **kwargs)

    method.__name__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: writes into ``self`` and returns it."
    return method


torch_relu_ = _inplace_of(O.relu, "torch_relu_")
torch_selu_ = _inplace_of(lambda t: _nnf("nnf_selu")(t), "torch_selu_")
torch_celu_ = _inplace_of(lambda t, alpha=1.0: _nnf("nnf_celu")(t, alpha), "torch_celu_")
torch_rrelu_ = _inplace_of(lambda t, lower=1 / 8, upper=1 / 3, training=False:
                           _nnf("nnf_rrelu")(t, lower, upper, training), "torch_rrelu_")
torch_threshold_ = _inplace_of(lambda t, threshold, value: _nnf("nnf_threshold")(t, threshold, value),
                               "torch_threshold_")


def torch_as_strided(self: Tensor, size: Any, stride: Any, storage_offset: int = 0) -> Tensor:
    """A view of ``self``'s elements with the given sizes and strides (in elements) from ``storage_offset``
    (a copy here, with gradients back to the elements read).

    Example:
        >>> torch_as_strided(torch_arange(1, 6), [2, 2], [1, 2])._data.tolist()
        [[1, 3], [2, 4]]
    """
    x = _tensor(self, "torch_as_strided")
    sz = [to_int(s) for s in _seq(size)]
    st = [to_int(s) for s in _seq(stride)]
    if len(sz) != len(st):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(sz)} and {len(st)}")
    pos = np.full(sz, to_int(storage_offset, "storage_offset"), dtype=np.int64)
    for k, (n, s) in enumerate(zip(sz, st)):
        view = [1] * len(sz)
        view[k] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(view)
    flat = O.reshape(O.contiguous(x), (-1,))
    if pos.size and pos.max() >= flat.shape[0]:
        raise RuntimeError(f"setStorage: sizes {sz}, strides {st}, storage offset {storage_offset} require "
                           f"more elements than the {flat.shape[0]} available")
    return O.index(flat, (pos,))
