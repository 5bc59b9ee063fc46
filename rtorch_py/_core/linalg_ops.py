"""Linear-algebra primitives (0-based, batched over leading dims as libtorch): numpy/LAPACK forwards, each
recording one node whose rule lives in ``derivatives.py`` ("linear algebra" section). Decompositions with
several outputs record one node per output (the backward formulas are linear in the output gradients, so the
per-output contributions sum to the joint gradient); their saved factors are detached, so gradients of these
are first order. Compound ops (norms, pinv-based lstsq, solve_triangular, ...) live in ``rtorch_py/linalg.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops import (
    OUT,
    D,  # the derivatives table, through ops (which must initialise first)
    record,
)
from .tensor import Tensor

_wrap = Tensor._wrap


def _check_float(x: Tensor, fn: str, arg: str = "A") -> np.ndarray:
    d = x._data
    if d.dtype.kind not in "fc":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got {x.dtype.name}")
    return d


def check_matrix(x: Tensor, fn: str, arg: str = "A", square: bool = False) -> np.ndarray:
    """The array of ``x`` after libtorch's shape checks for a (batch of) matrices."""
    d = _check_float(x, fn, arg)
    if d.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor {arg} must have at least 2 dimensions.")
    if square and d.shape[-1] != d.shape[-2]:
        raise RuntimeError(f"{fn}: {arg} must be batches of square matrices, but they are "
                           f"{d.shape[-2]} by {d.shape[-1]} matrices")
    return d


def _batched(fn: Any, d: np.ndarray, *rest: np.ndarray) -> list:
    """Apply a one-matrix LAPACK routine over the batch dims (one call per matrix, not per element)."""
    batch = d.shape[:-2]
    flat = d.reshape((-1,) + d.shape[-2:])
    others = [r.reshape((-1,) + r.shape[len(batch):]) for r in rest]
    return [fn(flat[i], *(o[i] for o in others)) for i in range(flat.shape[0])], batch


def _singular_error(fn: str, d: np.ndarray) -> RuntimeError:
    """libtorch's message for a singular input: the first zero pivot of its LU factorisation (1-based)."""
    import scipy.linalg as sl
    flat = d.reshape((-1,) + d.shape[-2:])
    for b in range(flat.shape[0]):
        lu, _ = sl.lu_factor(flat[b], check_finite=False)
        zero = np.flatnonzero(np.diagonal(lu) == 0)
        if zero.size:
            where = f"(Batch element {b}): " if d.ndim > 2 else ""
            return RuntimeError(f"{fn}: {where}The diagonal element {zero[0] + 1} is zero, the inversion could not "
                                "be completed because the input matrix is singular.")
    return RuntimeError(f"{fn}: The input matrix is singular.")


def inv(a: Tensor) -> Tensor:
    """Inverse of (a batch of) square matrices (LinalgInvExBackward0)."""
    d = check_matrix(a, "linalg.inv", square=True)
    try:
        out = np.linalg.inv(d)
    except np.linalg.LinAlgError:
        raise _singular_error("linalg.inv", d) from None
    return record(out, "LinalgInvExBackward0", D.linalg_inv, (a,), (OUT,))


def det(a: Tensor) -> Tensor:
    """Determinant of (a batch of) square matrices (LinalgDetBackward0)."""
    d = check_matrix(a, "linalg.det", square=True)
    return record(np.linalg.det(d), "LinalgDetBackward0", D.linalg_det, (a,), (a, OUT))


def slogdet(a: Tensor) -> tuple[Tensor, Tensor]:
    """(sign, log|det|) of square matrices; only log|det| carries a gradient (real inputs)."""
    d = check_matrix(a, "linalg.slogdet", square=True)
    sign, logabs = np.linalg.slogdet(d)
    return _wrap(np.asarray(sign)), record(np.asarray(logabs), "LinalgSlogdetBackward0", D.linalg_slogdet, (a,),
                                           (a,))


def solve(a: Tensor, b: Tensor, vector: bool = False) -> Tensor:
    """X with A X = B for matrices B (batch dims broadcast), or for vectors B when ``vector``
    (LinalgSolveExBackward0)."""
    da = check_matrix(a, "linalg.solve", square=True)
    db = _check_float(b, "linalg.solve", "B")
    if vector:
        db = db[..., None]
    elif db.ndim < 2:
        raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
    if da.shape[-1] != db.shape[-2]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({da.shape[-2]}x{da.shape[-1]} and {db.shape[-2]}x{db.shape[-1]})")
    if da.dtype != db.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{a.dtype.name} and B of type {b.dtype.name} instead")
    batch = np.broadcast_shapes(da.shape[:-2], db.shape[:-2])
    da = np.broadcast_to(da, batch + da.shape[-2:])
    db = np.broadcast_to(db, batch + db.shape[-2:])
    try:
        out = np.linalg.solve(da, db)
    except np.linalg.LinAlgError:
        raise RuntimeError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
    if vector:
        out = out[..., 0]
    return record(out, "LinalgSolveExBackward0", D.linalg_solve, (a, b), (a, OUT, vector))


def cholesky(a: Tensor, upper: bool = False) -> Tensor:
    """Lower (or upper) Cholesky factor of symmetric positive-definite matrices (LinalgCholeskyExBackward0)."""
    d = check_matrix(a, "linalg.cholesky", square=True)
    L, info = cholesky_info(d)
    bad = np.flatnonzero(info)
    if bad.size:
        b = bad[0]
        where = f"(Batch element {b}): " if d.ndim > 2 else ""
        raise RuntimeError(f"linalg.cholesky: {where}The factorization could not be completed because the input is "
                           f"not positive-definite (the leading minor of order {int(info.reshape(-1)[b])} is not "
                           "positive-definite).")
    out = np.swapaxes(L, -1, -2).conj() if upper else L
    return record(out, "LinalgCholeskyExBackward0", D.linalg_cholesky, (a,), (OUT, upper))


def cholesky_info(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(L, info) as LAPACK potrf: info is 0, or the order of the first leading minor that is not positive."""
    try:
        return np.linalg.cholesky(d), np.zeros(d.shape[:-2], dtype=np.int32)
    except np.linalg.LinAlgError:
        pass
    import scipy.linalg.lapack as lp
    flat = d.reshape((-1,) + d.shape[-2:])
    Ls, infos = np.zeros_like(flat), np.zeros(flat.shape[0], dtype=np.int32)
    for i in range(flat.shape[0]):
        potrf = lp.get_lapack_funcs("potrf", (flat[i],))
        c, info = potrf(flat[i], lower=True, clean=True)
        Ls[i], infos[i] = np.tril(c), max(info, 0)
    return Ls.reshape(d.shape), infos.reshape(d.shape[:-2])


def solve_triangular(a: Tensor, b: Tensor, upper: bool, left: bool = True, unitriangular: bool = False) -> Tensor:
    """X with A X = B (``left``) or X A = B, A triangular (only its ``upper`` or lower triangle is read)
    (LinalgSolveTriangularBackward0); the distributions use it too."""
    da = check_matrix(a, "linalg.solve_triangular", square=True)
    db = _check_float(b, "linalg.solve_triangular", "B")
    if da.dtype != db.dtype:
        raise RuntimeError(f"linalg.solve_triangular: Expected A and B to have the same dtype, but found A of type "
                           f"{a.dtype.name} and B of type {b.dtype.name} instead")
    if db.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions, got "
                           f"{db.ndim}")
    n = da.shape[-1]
    if (db.shape[-2] if left else db.shape[-1]) != n:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({da.shape[-2]}x{n} and {db.shape[-2]}x{db.shape[-1]})")
    dt = da.dtype
    tri = np.triu(da) if upper else np.tril(da)
    if unitriangular:
        tri = tri.copy()
        idx = np.arange(n)
        tri[..., idx, idx] = 1
    with np.errstate(all="ignore"):
        if left:
            batch = np.broadcast_shapes(tri.shape[:-2], db.shape[:-2])
            out = np.linalg.solve(np.broadcast_to(tri, batch + tri.shape[-2:]),
                                  np.broadcast_to(db, batch + db.shape[-2:]))
        else:  # X A = B  <=>  A^T X^T = B^T
            batch = np.broadcast_shapes(tri.shape[:-2], db.shape[:-2])
            out = np.swapaxes(np.linalg.solve(np.broadcast_to(np.swapaxes(tri, -1, -2), batch + tri.shape[-2:]),
                                              np.broadcast_to(np.swapaxes(db, -1, -2),
                                                              batch + db.shape[-2:][::-1])), -1, -2)
    out = np.ascontiguousarray(out).astype(dt, copy=False)
    return record(out, "LinalgSolveTriangularBackward0", D.linalg_solve_triangular, (a, b),
                  (a, OUT, bool(upper), bool(left), bool(unitriangular)))


def eigh(a: Tensor, uplo: str = "L") -> tuple[Tensor, Tensor]:
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric matrices, from the ``uplo`` triangle."""
    d = check_matrix(a, "linalg.eigh", square=True)
    if uplo not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")
    w, v = np.linalg.eigh(d, UPLO=uplo)
    wt, vt = _wrap(w), _wrap(v)
    return (record(w, "LinalgEighBackward0", D.linalg_eigh_w, (a,), (wt, vt)),
            record(v, "LinalgEighBackward0", D.linalg_eigh_v, (a,), (wt, vt)))


def svd(a: Tensor, full_matrices: bool = True) -> tuple[Tensor, Tensor, Tensor]:
    """U, S, Vh of (a batch of) matrices (LinalgSvdBackward0); S descending."""
    d = check_matrix(a, "linalg.svd")
    u, s, vh = np.linalg.svd(d, full_matrices=full_matrices)
    k = s.shape[-1]
    ut, st, vht = _wrap(u[..., :k]), _wrap(s), _wrap(vh[..., :k, :])
    saved = (ut, st, vht)
    return (record(u, "LinalgSvdBackward0", D.linalg_svd_u, (a,), saved),
            record(s, "LinalgSvdBackward0", D.linalg_svd_s, (a,), saved),
            record(vh, "LinalgSvdBackward0", D.linalg_svd_vh, (a,), saved))


def svdvals(a: Tensor) -> Tensor:
    """Singular values (descending); the gradient is U diag(g) Vh."""
    d = check_matrix(a, "linalg.svdvals")
    u, s, vh = np.linalg.svd(d, full_matrices=False)
    return record(s, "LinalgSvdBackward0", D.linalg_svd_s, (a,), (_wrap(u), _wrap(s), _wrap(vh)))


def qr(a: Tensor, mode: str = "reduced") -> tuple[Tensor, Tensor]:
    """Q, R of (a batch of) matrices; ``mode``: 'reduced', 'complete' or 'r' (Q empty)."""
    d = check_matrix(a, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           "'r', or 'complete'")
    # geqrf + orgqr (LAPACK), the same path as geqrf/householder_product, so their Q agree to the bit
    m, n = d.shape[-2:]
    k = min(m, n)
    h, tau = geqrf(a)
    r = np.triu(h._data[..., :m, :] if mode == "complete" else h._data[..., :k, :])
    if mode == "r":
        q = np.zeros((0,), d.dtype)
    else:
        cols = m if mode == "complete" else k
        v = h._data[..., :, :cols]
        if cols > n:  # complete Q of a tall matrix: the extra reflectors are identities (tau = 0)
            v = np.concatenate([v, np.zeros(v.shape[:-1] + (cols - n,), d.dtype)], axis=-1)
        q = householder_product(_wrap(np.ascontiguousarray(v)), tau)._data
    qt, rt = _wrap(q), _wrap(r)
    if mode == "r":
        return _wrap(np.zeros((0,), d.dtype)), record(r, "LinalgQrBackward0", D.linalg_qr_mode_r, (a,))
    if mode == "complete" and m > n:  # recorded, but (as libtorch) not differentiable
        return (record(q, "LinalgQrBackward0", D.linalg_qr_complete, (a,)),
                record(r, "LinalgQrBackward0", D.linalg_qr_complete, (a,)))
    return (record(q, "LinalgQrBackward0", D.linalg_qr_q, (a,), (qt, rt)),
            record(r, "LinalgQrBackward0", D.linalg_qr_r, (a,), (qt, rt)))


def pinv(a: Tensor, atol: Any = 0.0, rtol: Any = None, hermitian: bool = False) -> Tensor:
    """Moore-Penrose pseudoinverse: singular values at or below max(atol, rtol * s_max) count as zero."""
    d = check_matrix(a, "linalg.pinv")
    m, n = d.shape[-2:]
    if rtol is None:
        rtol = np.finfo(d.dtype).eps * max(m, n) if atol is None or np.all(np.asarray(atol) == 0) else 0.0
    atol = 0.0 if atol is None else atol
    if hermitian:
        w, v = np.linalg.eigh(d)
        s = np.abs(w)
        smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else s
        keep = s > np.maximum(np.asarray(atol)[..., None] if np.ndim(atol) else atol,
                              (np.asarray(rtol)[..., None] if np.ndim(rtol) else rtol) * smax)
        winv = np.where(keep, 1.0 / np.where(keep, w, 1), 0).astype(d.dtype)
        out = (v * winv[..., None, :]) @ np.swapaxes(v, -1, -2).conj()
    else:
        u, s, vh = np.linalg.svd(d, full_matrices=False)
        smax = s[..., :1] if s.shape[-1] else s
        tol = np.maximum(np.asarray(atol)[..., None] if np.ndim(atol) else atol,
                         (np.asarray(rtol)[..., None] if np.ndim(rtol) else rtol) * smax)
        keep = s > tol
        sinv = np.where(keep, 1.0 / np.where(keep, s, 1), 0).astype(d.dtype)
        out = (np.swapaxes(vh, -1, -2).conj() * sinv[..., None, :]) @ np.swapaxes(u, -1, -2).conj()
    return record(out.astype(d.dtype, copy=False), "LinalgPinvBackward0", D.linalg_pinv, (a,), (a, OUT))


def lstsq(a: Tensor, b: Tensor, rcond: float | None = None) -> tuple[Tensor, Tensor]:
    """Least-squares solution X of A X = B (matrices, batch dims broadcast) and the numerical ranks, as
    LAPACK gelsy; the gradient is that of pinv(A) @ B."""
    da = check_matrix(a, "linalg.lstsq")
    db = check_matrix(b, "linalg.lstsq", "B")
    if da.shape[-2] != db.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    if da.dtype != db.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input's dtype {a.dtype.name} and other's dtype {b.dtype.name}")
    batch = np.broadcast_shapes(da.shape[:-2], db.shape[:-2])
    fa = np.broadcast_to(da, batch + da.shape[-2:]).reshape((-1,) + da.shape[-2:])
    fb = np.broadcast_to(db, batch + db.shape[-2:]).reshape((-1,) + db.shape[-2:])
    if rcond is None:
        rcond = float(np.finfo(da.dtype).eps) * max(da.shape[-2:])
    import scipy.linalg as sl
    xs, ranks = [], []
    for i in range(fa.shape[0]):
        x, _, rank, _ = sl.lstsq(fa[i], fb[i], cond=rcond, lapack_driver="gelsy", check_finite=False)
        xs.append(x)
        ranks.append(rank)
    out = np.stack(xs).reshape(batch + (da.shape[-1], db.shape[-1])) if xs else \
        np.zeros(batch + (da.shape[-1], db.shape[-1]), da.dtype)
    sol = record(out.astype(da.dtype, copy=False), "LinalgLstsqBackward0", D.linalg_lstsq, (a, b), (a, b))
    return sol, _wrap(np.asarray(ranks, dtype=np.int64).reshape(batch))


def matrix_exp(a: Tensor) -> Tensor:
    """exp(A) of (a batch of) square matrices (scipy's Pade approximation), LinalgMatrixExpBackward0."""
    import scipy.linalg as sl
    d = check_matrix(a, "linalg.matrix_exp", square=True)
    out = sl.expm(d) if d.size else d.copy()
    return record(np.asarray(out, dtype=d.dtype), "LinalgMatrixExpBackward0", D.linalg_matrix_exp, (a,), (a,))


def eig(a: Tensor) -> tuple[Tensor, Tensor]:
    """Complex eigenvalues and eigenvectors (columns of norm 1) of square matrices; no gradient."""
    d = check_matrix(a, "linalg.eig", square=True)
    w, v = np.linalg.eig(d)
    ct = np.complex64 if d.dtype in (np.float32, np.complex64) else np.complex128
    return _wrap(w.astype(ct)), _wrap(v.astype(ct))


def geqrf(a: Tensor) -> tuple[Tensor, Tensor]:
    """LAPACK geqrf: R above the diagonal and Householder vectors below it, and the scalars tau."""
    import scipy.linalg.lapack as lp
    d = check_matrix(a, "geqrf")

    def one(m: np.ndarray) -> tuple:
        f = lp.get_lapack_funcs("geqrf", (m,))
        qr, tau, _, _ = f(m)
        return qr, tau
    res, batch = _batched(one, d)
    k = min(d.shape[-2:])
    if not res:
        return _wrap(d.copy()), _wrap(np.zeros(batch + (k,), d.dtype))
    return (_wrap(np.stack([r[0] for r in res]).reshape(d.shape)),
            _wrap(np.stack([r[1] for r in res]).reshape(batch + (k,))))


def householder_product(a: Tensor, tau: Tensor) -> Tensor:
    """The first n columns of H_1 ... H_k from Householder vectors below the diagonal of A (LAPACK orgqr)."""
    import scipy.linalg.lapack as lp
    d = check_matrix(a, "torch.linalg.householder_product")
    t = tau._data
    m, n = d.shape[-2:]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if t.shape[-1] > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if t.shape[:-1] != d.shape[:-2]:
        raise RuntimeError(f"torch.linalg.householder_product: Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {list(t.shape[:-1])}")
    k = t.shape[-1]

    def one(m_: np.ndarray, t_: np.ndarray) -> np.ndarray:
        f = lp.get_lapack_funcs("orgqr" if d.dtype.kind == "f" else "ungqr", (m_,))
        tt = np.concatenate([t_, np.zeros(n - k, d.dtype)]) if k < n else t_
        # orgqr applies all n reflectors: the missing tau are zero, i.e. identity reflectors
        q, _, _ = f(m_, tt.astype(d.dtype))
        return q
    res, batch = _batched(one, d, t)
    return _wrap(np.stack(res).reshape(d.shape) if res else d.copy())


def lu_factor(a: Tensor, pivot: bool = True) -> tuple[Tensor, Tensor, Tensor]:
    """LAPACK getrf: packed LU, 1-based int32 pivots (as LAPACK and libtorch), info."""
    import scipy.linalg.lapack as lp
    d = check_matrix(a, "torch.linalg.lu_factor")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")

    def one(m_: np.ndarray) -> tuple:
        f = lp.get_lapack_funcs("getrf", (m_,))
        lu, piv, info = f(m_)
        return lu, piv, info
    res, batch = _batched(one, d)
    k = min(d.shape[-2:])
    if not res:
        return _wrap(d.copy()), _wrap(np.zeros(batch + (k,), np.int32)), _wrap(np.zeros(batch, np.int32))
    return (_wrap(np.stack([r[0] for r in res]).reshape(d.shape)),
            _wrap((np.stack([r[1] for r in res]) + 1).astype(np.int32).reshape(batch + (k,))),
            _wrap(np.asarray([max(r[2], 0) for r in res], np.int32).reshape(batch)))


def lu_unpack(lu: np.ndarray, piv: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(P, L, U) arrays from a packed LU and 1-based pivots: A = P L U."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=lu.dtype)
    U = np.triu(lu[..., :k, :])
    batch = lu.shape[:-2]
    perm = np.broadcast_to(np.arange(m), batch + (m,)).copy()
    fp = perm.reshape(-1, m)
    fpiv = piv.reshape(-1, piv.shape[-1]).astype(np.int64) - 1
    rows = np.arange(fp.shape[0])
    for i in range(fpiv.shape[-1]):  # one vectorised swap per pivot (over the whole batch)
        j = fpiv[:, i]
        a, b = fp[rows, i].copy(), fp[rows, j].copy()
        fp[rows, i], fp[rows, j] = b, a
    P = np.zeros(batch + (m, m), lu.dtype)
    fP = P.reshape(-1, m, m)
    for r in range(fp.shape[0]):
        fP[r, fp[r], np.arange(m)] = 1
    return P, L, U
