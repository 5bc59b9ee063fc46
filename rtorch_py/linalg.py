"""R torch's linear algebra: ``linalg_*`` and the older ``torch_det``/``torch_qr``/``torch_lu``/... names.

Batched over leading dims as libtorch; dims are 1-based. Decompositions and solvers are primitives of
``_core/linalg_ops.py`` (gradients in ``derivatives.py``); norms, ``pinv``-based least squares,
``solve_triangular``, ``cond``, ``matrix_power``, ``tensorinv``/``tensorsolve`` are compound ops.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._core import linalg_ops as L  # noqa: N812
from ._core import ops as O  # noqa: N812
from ._core.dtype import as_dtype
from ._core.tensor import Tensor
from ._r import Dims, Int, Pos1, r_api, to_int

__all__ = [
    "linalg_cholesky", "linalg_cholesky_ex", "linalg_cond", "linalg_det", "linalg_slogdet", "linalg_eig",
    "linalg_eigh", "linalg_eigvals", "linalg_eigvalsh", "linalg_householder_product", "linalg_inv",
    "linalg_inv_ex", "linalg_lstsq", "linalg_matrix_norm", "linalg_matrix_power", "linalg_matrix_rank",
    "linalg_multi_dot", "linalg_norm", "linalg_pinv", "linalg_qr", "linalg_solve", "linalg_solve_triangular",
    "linalg_svd", "linalg_svdvals", "linalg_tensorinv", "linalg_tensorsolve", "linalg_vector_norm",
    "torch_det", "torch_logdet", "torch_slogdet", "torch_inverse", "torch_cholesky", "torch_cholesky_solve",
    "torch_cholesky_inverse", "torch__cholesky_solve_helper", "torch_lu", "torch_lu_solve", "torch_lu_unpack",
    "torch_qr", "torch_svd", "torch_triangular_solve", "torch_matrix_power", "torch_matrix_exp",
    "torch_chain_matmul", "torch_pinverse", "torch_geqrf", "torch_orgqr", "torch_ormqr", "torch_linalg_matrix_exp",
]

_wrap = Tensor._wrap


def _t(x: Any, fn: str, arg: str = "A") -> Tensor:
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{fn}: argument '{arg}' must be a torch_tensor, got {type(x).__name__}")


def _mT(x: Tensor) -> Tensor:  # noqa: N802
    return O.transpose(x, x.ndim - 1, x.ndim - 2)


def _cast(x: Tensor, dtype: Any) -> Tensor:
    return x if dtype is None else O.to_dtype(x, as_dtype(dtype).np)


def _deprecated(message: str) -> None:
    """A warning on every call, as R torch's (Python's default filter would show it once per place)."""
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(message, UserWarning, stacklevel=3)


def _ord(ord: Any) -> Any:  # noqa: A002
    """R's ord: a number (Inf/-Inf included) or "fro"/"nuc"."""
    if ord is None or isinstance(ord, str):
        return ord
    if isinstance(ord, Tensor):
        ord = ord.item()  # noqa: A001
    return float(ord)


# -- norms -------------------------------------------------------------------------------------------------

@r_api
def linalg_vector_norm(A: Tensor, ord: Any = 2, dim: Dims = None, keepdim: bool = False,  # noqa: N803, A002
                       dtype: Any = None) -> Tensor:
    """The ``ord``-norm of the elements of ``A`` (all of them, or over ``dim``); Inf is max |x|.

    Example:
        >>> linalg_vector_norm(torch_tensor([3.0, -4.0])).item()
        5.0
    """
    A = _cast(_t(A, "linalg_vector_norm"), dtype)  # noqa: N806
    return _vector_norm(A, _ord(ord), dim, keepdim)


def _vector_norm(A: Tensor, p: Any, axes: tuple | None, keepdim: bool) -> Tensor:  # noqa: N803
    if isinstance(p, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got '{p}'")
    if not A.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{A.dtype.name}")
    with np.errstate(divide="ignore"):  # negative orders: an element 0 makes the norm 0 (1 / inf)
        return O.norm(A, p, axes, keepdim)


@r_api
def linalg_matrix_norm(A: Tensor, ord: Any = "fro", dim: Dims = (-2, -1), keepdim: bool = False,  # noqa: N803, A002
                       dtype: Any = None) -> Tensor:
    """A matrix norm over the two dims ``dim``: 'fro', 'nuc', Inf/-Inf (max/min row sum), 1/-1 (max/min
    column sum), 2/-2 (largest/smallest singular value).

    Example:
        >>> linalg_matrix_norm(torch_eye(3), ord = 1).item()
        1.0
    """
    A = _cast(_t(A, "linalg_matrix_norm"), dtype)  # noqa: N806
    return _matrix_norm(A, _ord(ord), dim, keepdim)


def _matrix_norm(A: Tensor, p: Any, axes: tuple | None, keepdim: bool) -> Tensor:  # noqa: N803
    if axes is None or len(axes) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {axes}")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    r, c = axes
    if p == "fro":
        return O.norm(A, 2, axes, keepdim)
    if p in ("nuc", 2.0, -2.0):
        m = O.permute(A, [i for i in range(A.ndim) if i not in axes] + [r, c])
        s = L.svdvals(m)
        out = O.sum(s, (-1 + s.ndim,)) if p == "nuc" else (O.amax if p == 2 else O.amin)(s, (s.ndim - 1,))
        if keepdim:
            for ax in sorted(axes):
                out = O.unsqueeze(out, ax)
        return out
    if p in (math.inf, -math.inf, 1.0, -1.0):
        sum_ax, red_ax = (c, r) if p in (math.inf, -math.inf) else (r, c)
        s = O.sum(O.abs(A), (sum_ax,), keepdim=True)
        out = (O.amax if p > 0 else O.amin)(s, (red_ax,), True)
        return out if keepdim else O.squeeze(O.squeeze(out, max(axes)), min(axes))
    shown = int(p) if isinstance(p, float) and p.is_integer() else p
    raise RuntimeError(f"linalg.matrix_norm: Order {shown} not supported.")


@r_api
def linalg_norm(A: Tensor, ord: Any = None, dim: Dims = None, keepdim: bool = False,  # noqa: N803, A002
                dtype: Any = None) -> Tensor:
    """A vector norm (one ``dim``, or a 1-D input) or a matrix norm (two dims, or a 2-D input); with neither
    ``ord`` nor ``dim``, the 2-norm of all elements.

    Example:
        >>> linalg_norm(torch_tensor([[1.0, 2.0], [2.0, 4.0]])).item()
        5.0
    """
    A = _cast(_t(A, "linalg_norm"), dtype)  # noqa: N806
    p = _ord(ord)
    if dim is not None and len(dim) == 2 or dim is None and p is not None and A.ndim == 2:
        axes = dim if dim is not None else (0, 1)
        return _matrix_norm(A, "fro" if p is None else p, axes, keepdim)
    if dim is None and p is not None and A.ndim != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.ndim}D.")
    if isinstance(p, str):
        raise RuntimeError(f"linalg.norm: ord '{p}' needs a matrix (two dims)")
    return _vector_norm(A, 2.0 if p is None else p, dim, keepdim)


# -- determinants, inverses, solvers ---------------------------------------------------------------------

def linalg_det(A: Tensor) -> Tensor:  # noqa: N803
    """Determinant of (a batch of) square matrices.

    Example:
        >>> linalg_det(torch_eye(3) * 2).item()
        8.0
    """
    return L.det(_t(A, "linalg_det"))


def linalg_slogdet(A: Tensor) -> list:  # noqa: N803
    """``list(sign, logabsdet)`` of the determinant of (a batch of) square matrices.

    Example:
        >>> [t.item() for t in linalg_slogdet(-torch_eye(3))]
        [-1.0, 0.0]
    """
    return list(L.slogdet(_t(A, "linalg_slogdet")))


def linalg_inv(A: Tensor) -> Tensor:  # noqa: N803
    """Inverse of (a batch of) square matrices; a singular input is an error.

    Example:
        >>> linalg_inv(torch_eye(2) * 4)[1, 1].item()
        0.25
    """
    return L.inv(_t(A, "linalg_inv"))


def linalg_inv_ex(A: Tensor, check_errors: bool = False) -> dict:  # noqa: N803
    """``list(inverse, info)``: info is 0 where the matrix was inverted, else the 1-based index of the zero
    pivot of its LU factorisation (the inverse then holds inf/nan).

    Example:
        >>> linalg_inv_ex(torch_eye(2))["info"].item()
        0
    """
    A = _t(A, "linalg_inv_ex")  # noqa: N806
    d = L.check_matrix(A, "linalg.inv_ex", square=True)
    lu, piv, info = L.lu_factor(_wrap(d))
    if not info._data.any():
        return {"inverse": L.inv(A), "info": _wrap(info._data)}
    if check_errors:
        L.inv(A)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = _inv_nocheck(d)
    return {"inverse": _wrap(out), "info": _wrap(info._data)}


def _inv_nocheck(d: np.ndarray) -> np.ndarray:
    import scipy.linalg as sl
    flat = d.reshape((-1,) + d.shape[-2:])
    eye = np.eye(d.shape[-1], dtype=d.dtype)
    outs = []
    for m in flat:
        lu, piv = sl.lu_factor(m, check_finite=False)
        outs.append(sl.lu_solve((lu, piv), eye, check_finite=False))
    return np.stack(outs).reshape(d.shape) if outs else d.copy()


def _is_vector_rhs(A: Tensor, B: Tensor) -> bool:  # noqa: N803
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def linalg_solve(A: Tensor, B: Tensor, left: bool = True) -> Tensor:  # noqa: N803
    """X with ``A X = B`` (``X A = B`` when ``left = FALSE``); B may be a (batch of) vector(s).

    Example:
        >>> linalg_solve(torch_eye(2) * 2, torch_tensor([2.0, 4.0]))[1].item()
        2.0
    """
    A, B = _t(A, "linalg_solve"), _t(B, "linalg_solve", "B")  # noqa: N806
    if not left:
        return _mT(linalg_solve(_mT(A), _mT(B)))
    return L.solve(A, B, _is_vector_rhs(A, B))


def linalg_solve_triangular(A: Tensor, B: Tensor, upper: bool, left: bool = True,  # noqa: N803
                            unitriangular: bool = False) -> Tensor:
    """X with ``A X = B`` (or ``X A = B``) for triangular A: only its ``upper`` or lower triangle is read
    (and not its diagonal when ``unitriangular``).

    Example:
        >>> linalg_solve_triangular(torch_eye(2) * 2, torch_ones(2, 1), upper=True)[0, 0].item()
        0.5
    """
    A, B = _t(A, "linalg_solve_triangular"), _t(B, "linalg_solve_triangular", "B")  # noqa: N806
    if A.ndim < 2 or B.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    return L.solve_triangular(A, B, bool(upper), bool(left), bool(unitriangular))


def linalg_cholesky(A: Tensor, upper: bool = False) -> Tensor:  # noqa: N803
    """The lower (or ``upper``) Cholesky factor of symmetric positive-definite matrices.

    Example:
        >>> linalg_cholesky(torch_eye(2) * 4)[1, 1].item()
        2.0
    """
    return L.cholesky(_t(A, "linalg_cholesky"), upper)


def linalg_cholesky_ex(A: Tensor, check_errors: bool = False, upper: bool = False) -> dict:  # noqa: N803
    """``list(L, info)``: info is 0, or the order of the leading minor that is not positive-definite.

    Example:
        >>> list(linalg_cholesky_ex(torch_eye(2)))
        ['L', 'info']
    """
    A = _t(A, "linalg_cholesky_ex")  # noqa: N806
    d = L.check_matrix(A, "linalg.cholesky_ex", square=True)
    Lf, info = L.cholesky_info(d)  # noqa: N806
    if not info.any():
        return {"L": L.cholesky(A, upper), "info": _wrap(info)}
    if check_errors:
        L.cholesky(A)
    if upper:
        Lf = np.swapaxes(Lf, -1, -2)  # noqa: N806
    return {"L": _wrap(Lf), "info": _wrap(info)}


def linalg_lstsq(A: Tensor, B: Tensor, rcond: Any = None, driver: str | None = None) -> dict:  # noqa: N803
    """Least-squares solution of ``A X = B`` (batch dims broadcast): ``list(solution, residuals, rank,
    singular_values)`` as libtorch's CPU default driver 'gelsy' (residuals and singular values empty).

    Example:
        >>> linalg_lstsq(torch_eye(2), torch_ones(2, 1))["solution"].shape
        (2, 1)
    """
    A, B = _t(A, "linalg_lstsq"), _t(B, "linalg_lstsq", "B")  # noqa: N806
    if driver not in (None, "gelsy", "gelsd", "gelss", "gels"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss), "
                           f"got {driver}")
    vec = B.ndim == A.ndim - 1
    Bm = O.unsqueeze(B, B.ndim) if vec else B  # noqa: N806
    sol, rank = L.lstsq(A, Bm, None if rcond is None else float(rcond))
    if vec:
        sol = O.squeeze(sol, sol.ndim - 1)
    dt = A._data.dtype
    resid = _wrap(np.zeros((0,), dt))
    sv = _wrap(np.zeros((0,), dt))
    if driver in ("gelsd", "gelss"):
        sv = _wrap(np.linalg.svd(A._data, compute_uv=False))
    full_rank = bool((rank._data == A.shape[-1]).all())
    if driver not in (None, "gelsy") and A.shape[-2] > A.shape[-1] and full_rank:
        r = O.matmul(A, sol if not vec else O.unsqueeze(sol, sol.ndim)) - Bm
        resid = O.sum(r * r, (r.ndim - 2,))
    if driver == "gels":
        rank = _wrap(np.zeros((0,), np.int64))
    return {"solution": sol, "residuals": resid, "rank": rank, "singular_values": sv}


def linalg_pinv(A: Tensor, rcond: Any = None, hermitian: bool = False, atol: Any = None,  # noqa: N803
                rtol: Any = None) -> Tensor:
    """Pseudoinverse of (a batch of) matrices; singular values at or below ``max(atol, rtol * s_max)`` count
    as zero (``rcond``, deprecated, is ``rtol``).

    Example:
        >>> linalg_pinv(torch_eye(2) * 2)[1, 1].item()
        0.5
    """
    A = _t(A, "linalg_pinv")  # noqa: N806
    if rcond is not None:
        _deprecated("`rcond` is deprecated in favor of `rtol`.")
        rtol = rcond
    return L.pinv(A, _tol(atol), _tol(rtol) if rtol is not None else None, hermitian)


def _tol(x: Any) -> Any:
    if x is None:
        return None
    return x._data if isinstance(x, Tensor) and x.ndim else float(x.item() if isinstance(x, Tensor) else x)


def linalg_matrix_rank(A: Tensor, atol: Any = None, rtol: Any = None, tol: Any = None,  # noqa: N803
                       hermitian: bool = False) -> Tensor:
    """Number of singular values (|eigenvalues| when ``hermitian``) above ``max(atol, rtol * s_max)``;
    ``rtol`` defaults to eps * max(m, n) when neither is given (``tol``, deprecated, is ``atol``).

    Example:
        >>> linalg_matrix_rank(torch_eye(4)).item()
        4
    """
    A = _t(A, "linalg_matrix_rank")  # noqa: N806
    if tol is not None:
        _deprecated("`tol` argument is deprecated in favor of `atol` and `rtol`.")
        atol = tol
    d = L.check_matrix(A, "linalg.matrix_rank")
    s = np.abs(np.linalg.eigvalsh(d)) if hermitian else np.linalg.svd(d, compute_uv=False)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    a, r = _tol(atol), _tol(rtol)
    if a is None and r is None or (r is None and a is not None and np.all(np.asarray(a) == 0)):
        r = np.finfo(d.dtype).eps * max(d.shape[-2:])
    a = 0.0 if a is None else np.asarray(a)[..., None] if np.ndim(a) else a
    r = 0.0 if r is None else np.asarray(r)[..., None] if np.ndim(r) else r
    return _wrap(np.sum(s > np.maximum(a, r * smax), axis=-1).astype(np.int64))


def linalg_cond(A: Tensor, p: Any = None) -> Tensor:  # noqa: N803
    """Condition number ``norm(A, p) * norm(inv(A), p)``; for p = NULL, 2 or -2 a ratio of singular values.

    Example:
        >>> linalg_cond(torch_eye(3) * 2).item()
        1.0
    """
    A = _t(A, "linalg_cond")  # noqa: N806
    q = _ord(p)
    if q is None or q in (2.0, -2.0):
        s = L.svdvals(A)
        hi, lo = O.narrow(s, s.ndim - 1, 0, 1), O.narrow(s, s.ndim - 1, s.shape[-1] - 1, 1)
        out = hi / lo if q != -2.0 else lo / hi
        return O.squeeze(out, out.ndim - 1)
    axes = (A.ndim - 2, A.ndim - 1)
    return _matrix_norm(A, q, axes, False) * _matrix_norm(L.inv(A), q, axes, False)


def linalg_matrix_power(A: Tensor, n: Int) -> Tensor:  # noqa: N803
    """``A`` to the integer power ``n`` by repeated squaring (n = 0: identity; negative: of the inverse).

    Example:
        >>> linalg_matrix_power(torch_eye(2) * 2, 3)[1, 1].item()
        8.0
    """
    A = _t(A, "linalg_matrix_power")  # noqa: N806
    n = to_int(n, "n")
    L.check_matrix(A, "linalg.matrix_power", square=True) if A._data.dtype.kind in "fc" else None
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError("linalg.matrix_power: A must be batches of square matrices")
    if n == 0:
        return _wrap(np.broadcast_to(np.eye(A.shape[-1], dtype=A._data.dtype), A.shape).copy())
    if n < 0:
        A, n = L.inv(A), -n  # noqa: N806
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else O.matmul(result, base)
        n >>= 1
        if n:
            base = O.matmul(base, base)
    return result


def linalg_multi_dot(tensors: Sequence[Tensor]) -> Tensor:
    """The product of several matrices (the first and last may be vectors), in the cheapest order.

    Example:
        >>> linalg_multi_dot([torch_tensor([1.0, 2.0]), torch_tensor([2.0, 3.0])]).item()
        8.0
    """
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    first_vec, last_vec = ts[0].ndim == 1, ts[-1].ndim == 1
    mats = [O.unsqueeze(ts[0], 0) if first_vec else ts[0]] + ts[1:-1] + \
           [O.unsqueeze(ts[-1], 1) if last_vec else ts[-1]]
    for i, m in enumerate(mats):
        if m.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {ts[i].ndim}D")
    dims = [m.shape[0] for m in mats] + [mats[-1].shape[1]]
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(ts[i].shape)} and "
                               f"{list(ts[i + 1].shape)} cannot be multiplied")
    out = _chain(mats, _order(dims), 0, len(mats) - 1)
    if first_vec:
        out = O.squeeze(out, 0)
    if last_vec:
        out = O.squeeze(out, out.ndim - 1)
    return out


def _order(p: list[int]) -> list[list[int]]:
    """The classic matrix-chain dynamic programme: split[i][j] of the cheapest parenthesisation."""
    n = len(p) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(mats: list, split: list, i: int, j: int) -> Tensor:
    if i == j:
        return mats[i]
    k = split[i][j]
    return O.matmul(_chain(mats, split, i, k), _chain(mats, split, k + 1, j))


# -- decompositions ----------------------------------------------------------------------------------------

def linalg_qr(A: Tensor, mode: str = "reduced") -> list:  # noqa: N803
    """``list(Q, R)`` with ``A = Q R``; ``mode`` 'reduced', 'complete' or 'r' (then Q is empty).

    Example:
        >>> q, r = linalg_qr(torch_eye(2))
        >>> abs(r[1, 1].item())
        1.0
    """
    return list(L.qr(_t(A, "linalg_qr"), mode))


def linalg_eigh(A: Tensor, UPLO: str = "L") -> list:  # noqa: N803
    """``list(eigenvalues, eigenvectors)`` of symmetric matrices (ascending), from the ``UPLO`` triangle.

    Example:
        >>> linalg_eigh(torch_eye(2) * 3)[0][1].item()
        3.0
    """
    return list(L.eigh(_t(A, "linalg_eigh"), UPLO))


def linalg_eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """Eigenvalues (ascending) of symmetric matrices.

    Example:
        >>> linalg_eigvalsh(torch_eye(2))[1].item()
        1.0
    """
    return L.eigh(_t(A, "linalg_eigvalsh"), UPLO)[0]


def linalg_eig(A: Tensor) -> list:  # noqa: N803
    """``list(eigenvalues, eigenvectors)`` (complex) of square matrices.

    Example:
        >>> linalg_eig(torch_eye(2))[0].dtype
        torch_ComplexFloat
    """
    return list(L.eig(_t(A, "linalg_eig")))


def linalg_eigvals(A: Tensor) -> Tensor:  # noqa: N803
    """Eigenvalues (complex) of square matrices.

    Example:
        >>> linalg_eigvals(torch_eye(2)).shape
        (2,)
    """
    return L.eig(_t(A, "linalg_eigvals"))[0]


def linalg_svd(A: Tensor, full_matrices: bool = True) -> list:  # noqa: N803
    """``list(U, S, Vh)`` with ``A = U diag(S) Vh``, S descending.

    Example:
        >>> [t.shape for t in linalg_svd(torch_ones(3, 2), full_matrices=False)]
        [(3, 2), (2,), (2, 2)]
    """
    return list(L.svd(_t(A, "linalg_svd"), full_matrices))


def linalg_svdvals(A: Tensor) -> Tensor:  # noqa: N803
    """Singular values (descending) of (a batch of) matrices.

    Example:
        >>> linalg_svdvals(torch_eye(2) * 2)[1].item()
        2.0
    """
    return L.svdvals(_t(A, "linalg_svdvals"))


def linalg_householder_product(A: Tensor, tau: Tensor) -> Tensor:  # noqa: N803
    """The first n columns of the product of the Householder reflectors stored below A's diagonal.

    Example:
        >>> h = torch_geqrf(torch_eye(2))
        >>> linalg_householder_product(h[0], h[1]).shape
        (2, 2)
    """
    return L.householder_product(_t(A, "linalg_householder_product"), _t(tau, "linalg_householder_product", "tau"))


@r_api
def linalg_tensorinv(A: Tensor, ind: Pos1 = 3) -> Tensor:  # noqa: N803
    """The inverse of ``A`` for ``torch_tensordot``: A's dims before ``ind`` (R's ``ind``: the split
    position, 1-based, as R torch) form the rows, the rest the columns.

    Example:
        >>> linalg_tensorinv(torch_eye(4).reshape([4, 2, 2]), 2).shape
        (2, 2, 4)
    """
    A = _t(A, "linalg_tensorinv")  # noqa: N806
    k = ind  # R's ind is 1-based: the first ind - 1 dims are the rows (libtorch's ind)
    if k <= 0:  # libtorch's message, with libtorch's ind as R torch passes it
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {k}")
    rows, cols = A.shape[:k], A.shape[k:]
    m, n = int(np.prod(rows)), int(np.prod(cols))
    if m != n:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {n} != {m}")
    inv = L.inv(O.reshape(A, (m, n)))
    return O.reshape(inv, tuple(cols) + tuple(rows))


def linalg_tensorsolve(A: Tensor, B: Tensor, dims: Any = None) -> Tensor:  # noqa: N803
    """X with ``torch_tensordot(A, X, dims = X$ndim) == B``; ``dims`` (1-based) of A are moved to the end
    first.

    Example:
        >>> linalg_tensorsolve(torch_eye(4).reshape([2, 2, 4]), torch_ones(2, 2)).shape
        (4,)
    """
    A, B = _t(A, "linalg_tensorsolve"), _t(B, "linalg_tensorsolve", "B")  # noqa: N806
    if dims is not None:
        from ._r import axes_of
        moved = axes_of(dims, A.ndim) or ()
        A = O.permute(A, [i for i in range(A.ndim) if i not in moved] + list(moved))  # noqa: N806
    rhs = A.shape[:B.ndim]
    if tuple(rhs) != tuple(B.shape):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got shapes {list(A.shape)} and {list(B.shape)}")
    rest = A.shape[B.ndim:]
    m, n = int(np.prod(rhs)), int(np.prod(rest))
    if m != n:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {n} != {m}")
    x = linalg_solve(O.reshape(A, (m, n)), O.reshape(B, (m,)))
    return O.reshape(x, tuple(rest))


# -- the older torch_* names ---------------------------------------------------------------------------------

def torch_det(self: Tensor) -> Tensor:
    """Determinant (as :func:`linalg_det`).

    Example:
        >>> torch_det(torch_eye(2)).item()
        1.0
    """
    return L.det(_t(self, "torch_det", "self"))


def torch_logdet(self: Tensor) -> Tensor:
    """log(det(self)): nan for a negative determinant, -Inf for zero.

    Example:
        >>> round(torch_logdet(torch_eye(2) * math.e).item(), 4)
        2.0
    """
    sign, logabs = L.slogdet(_t(self, "torch_logdet", "self"))
    return O.where(O.lt(sign, 0), math.nan, logabs)


def torch_slogdet(self: Tensor) -> list:
    """``list(sign, logabsdet)`` (as :func:`linalg_slogdet`)."""
    return linalg_slogdet(self)


def torch_inverse(self: Tensor) -> Tensor:
    """Inverse of square matrices (as :func:`linalg_inv`)."""
    return L.inv(_t(self, "torch_inverse", "self"))


def torch_cholesky(self: Tensor, upper: bool = False) -> Tensor:
    """Cholesky factor, lower unless ``upper``."""
    return L.cholesky(_t(self, "torch_cholesky", "self"), upper)


def torch_cholesky_solve(self: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """X with ``A X = self`` given A's Cholesky factor ``input2`` (lower unless ``upper``).

    Example:
        >>> torch_cholesky_solve(torch_ones(2, 1), torch_eye(2) * 2)[0, 0].item()
        0.25
    """
    B, F = _t(self, "torch_cholesky_solve", "self"), _t(input2, "torch_cholesky_solve", "input2")  # noqa: N806
    Lf = _mT(F) if upper else F  # noqa: N806
    y = linalg_solve_triangular(Lf, B, upper=False)
    return linalg_solve_triangular(_mT(Lf), y, upper=True)


def torch__cholesky_solve_helper(self: Tensor, A: Tensor, upper: bool) -> Tensor:  # noqa: N803
    """libtorch's internal cholesky_solve kernel (as :func:`torch_cholesky_solve`)."""
    return torch_cholesky_solve(self, A, upper)


def torch_cholesky_inverse(self: Tensor, upper: bool = False) -> Tensor:
    """Inverse of ``A`` from its Cholesky factor ``self`` (lower unless ``upper``).

    Example:
        >>> torch_cholesky_inverse(torch_eye(2) * 2)[1, 1].item()
        0.25
    """
    F = _t(self, "torch_cholesky_inverse", "self")  # noqa: N806
    Lf = _mT(F) if upper else F  # noqa: N806
    eye = _wrap(np.broadcast_to(np.eye(F.shape[-1], dtype=F._data.dtype), F.shape).copy())
    return torch_cholesky_solve(eye, Lf, False)


def torch_lu(A: Tensor, pivot: bool = True, get_infos: bool = False) -> list:  # noqa: N803
    """``list(LU, pivots[, infos])``: the packed LU factorisation and LAPACK's 1-based int32 pivots.

    Example:
        >>> torch_lu(torch_eye(2))[1]._data.tolist()
        [1, 2]
    """
    lu, piv, info = L.lu_factor(_t(A, "torch_lu"), pivot)
    return [lu, piv, info] if get_infos else [lu, piv]


def torch_lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,  # noqa: N803
                    unpack_pivots: bool = True) -> list:
    """``list(P, L, U)`` with ``A = P L U`` from :func:`torch_lu`'s results.

    Example:
        >>> [t.shape for t in torch_lu_unpack(*torch_lu(torch_eye(2)))]
        [(2, 2), (2, 2), (2, 2)]
    """
    P, Lm, U = L.lu_unpack(LU_data._data, LU_pivots._data)  # noqa: N806
    empty = _wrap(np.zeros((0,), LU_data._data.dtype))
    return [_wrap(P) if unpack_pivots else empty, _wrap(Lm) if unpack_data else empty,
            _wrap(U) if unpack_data else empty]


def torch_lu_solve(self: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:  # noqa: N803
    """X with ``A X = self`` from A's :func:`torch_lu` factorisation.

    Example:
        >>> torch_lu_solve(torch_ones(2, 1), *torch_lu(torch_eye(2) * 2))[0, 0].item()
        0.5
    """
    P, Lm, U = L.lu_unpack(LU_data._data, LU_pivots._data)  # noqa: N806
    pb = O.matmul(_wrap(np.swapaxes(P, -1, -2).copy()), _t(self, "torch_lu_solve", "self"))
    y = linalg_solve_triangular(_wrap(Lm), pb, upper=False, unitriangular=True)
    return linalg_solve_triangular(_wrap(U), y, upper=True)


def torch_qr(self: Tensor, some: bool = True) -> list:
    """``list(Q, R)``: reduced when ``some`` (as :func:`linalg_qr`), else complete."""
    return list(L.qr(_t(self, "torch_qr", "self"), "reduced" if some else "complete"))


def torch_svd(self: Tensor, some: bool = True, compute_uv: bool = True) -> list:
    """``list(U, S, V)`` (V, not Vh) with ``self = U diag(S) V^T``; reduced when ``some``; without
    ``compute_uv``, U and V are zero.

    Example:
        >>> [t.shape for t in torch_svd(torch_ones(3, 2))]
        [(3, 2), (2,), (2, 2)]
    """
    A = _t(self, "torch_svd", "self")  # noqa: N806
    if not compute_uv:
        s = L.svdvals(A)
        m, n = A.shape[-2:]
        mu, nv = (min(m, n), min(m, n)) if some else (m, n)
        z = A._data.dtype
        return [_wrap(np.zeros(A.shape[:-2] + (m, mu), z)), s, _wrap(np.zeros(A.shape[:-2] + (n, nv), z))]
    u, s, vh = L.svd(A, not some)
    return [u, s, _mT(vh)]


def torch_triangular_solve(self: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,  # noqa: N803
                           unitriangular: bool = False) -> list:
    """``list(solution, cloned_coefficient)``: X with ``A X = self`` (A^T X when ``transpose``) for triangular
    A.

    Example:
        >>> torch_triangular_solve(torch_ones(2, 1), torch_eye(2) * 2)[0][0, 0].item()
        0.5
    """
    B, A = _t(self, "torch_triangular_solve", "self"), _t(A, "torch_triangular_solve")  # noqa: N806
    M = _mT(A) if transpose else A  # noqa: N806
    x = linalg_solve_triangular(M, B, upper=upper != transpose, unitriangular=unitriangular)
    return [x, O.clone(A)]


def torch_matrix_power(self: Tensor, n: Int) -> Tensor:
    """``self`` to the integer power ``n`` (as :func:`linalg_matrix_power`)."""
    return linalg_matrix_power(self, n)


def torch_matrix_exp(self: Tensor) -> Tensor:
    """Matrix exponential of (a batch of) square matrices.

    Example:
        >>> round(torch_matrix_exp(torch_zeros(2, 2))[1, 1].item(), 4)
        1.0
    """
    return L.matrix_exp(_t(self, "torch_matrix_exp", "self"))


def torch_linalg_matrix_exp(A: Tensor) -> Tensor:  # noqa: N803
    """Matrix exponential (libtorch's linalg_matrix_exp name)."""
    return L.matrix_exp(_t(A, "torch_linalg_matrix_exp"))


def torch_chain_matmul(matrices: Sequence[Tensor]) -> Tensor:
    """The product of a list of matrices, in the cheapest order (as :func:`linalg_multi_dot`)."""
    return linalg_multi_dot(matrices)


def torch_pinverse(self: Tensor, rcond: float = 1e-15) -> Tensor:
    """Pseudoinverse with relative cutoff ``rcond`` (as :func:`linalg_pinv` with ``rtol = rcond``)."""
    return L.pinv(_t(self, "torch_pinverse", "self"), 0.0, float(rcond))


def torch_geqrf(self: Tensor) -> list:
    """``list(a, tau)`` of LAPACK geqrf: R on and above the diagonal, Householder vectors below it.

    Example:
        >>> [t.shape for t in torch_geqrf(torch_eye(3))]
        [(3, 3), (3,)]
    """
    return list(L.geqrf(_t(self, "torch_geqrf", "self")))


def torch_orgqr(self: Tensor, input2: Tensor) -> Tensor:
    """Q from :func:`torch_geqrf`'s results (as :func:`linalg_householder_product`)."""
    return L.householder_product(_t(self, "torch_orgqr", "self"), _t(input2, "torch_orgqr", "input2"))


def torch_ormqr(self: Tensor, input2: Tensor, input3: Tensor, left: bool = True, transpose: bool = False) -> Tensor:
    """``Q %*% input3`` (``input3 %*% Q`` unless ``left``; Q^T when ``transpose``) for the full Q of
    :func:`torch_geqrf`'s results ``self`` (reflectors) and ``input2`` (tau), as LAPACK ormqr.

    Example:
        >>> h = torch_geqrf(torch_eye(3) * 2)
        >>> torch_ormqr(h[0], h[1], torch_eye(3)).abs()[0, 0].item()
        1.0
    """
    A, tau, C = (_t(self, "torch_ormqr", "self"), _t(input2, "torch_ormqr", "input2"),  # noqa: N806
                 _t(input3, "torch_ormqr", "input3"))
    m, n = A.shape[-2:]
    v = A._data if n >= m else np.concatenate([A._data, np.zeros(A.shape[:-2] + (m, m - n), A._data.dtype)], -1)
    q = L.householder_product(_wrap(np.ascontiguousarray(v[..., :m])), tau)
    q = _mT(q) if transpose else q
    return O.matmul(q, C) if left else O.matmul(C, q)
