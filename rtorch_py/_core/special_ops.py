"""Special-function primitives (scipy.special forward, rules in derivatives.py's "special functions" section):
lgamma, digamma, polygamma, erfc, erfinv, i0, i1. Each works in the input's floating dtype (integers promote to
the default dtype), as libtorch's."""

from __future__ import annotations

import numpy as np
from scipy import special as sp

from . import derivatives as D
from .ops import _float_data, record
from .tensor import Tensor


def _eval(fn: object, d: np.ndarray) -> np.ndarray:
    # evaluated in float64 and rounded once to the input's dtype (scipy's float32 loops are less accurate)
    with np.errstate(all="ignore"):
        return np.asarray(fn(d.astype(np.float64, copy=False)), dtype=d.dtype)


def lgamma(x: Tensor) -> Tensor:
    """``log(|gamma(x)|)`` (LgammaBackward0)."""
    d = _float_data(x)
    return record(_eval(sp.gammaln, d), "LgammaBackward0", D.lgamma, (x,), (x,))


def digamma(x: Tensor) -> Tensor:
    """The logarithmic derivative of gamma (DigammaBackward0); ``digamma(0)`` is ``-Inf`` as in libtorch."""
    d = _float_data(x)
    out = _eval(sp.digamma, d)
    out[d == 0] = -np.inf
    return record(out, "DigammaBackward0", D.digamma, (x,), (x,))


def polygamma(n: int, x: Tensor) -> Tensor:
    """The ``n``-th derivative of digamma (PolygammaBackward0)."""
    if n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative n, got n = {n}")
    if n == 0:
        return digamma(x)
    d = _float_data(x)
    out = np.asarray(sp.polygamma(n, d.astype(np.float64)), dtype=d.dtype)
    return record(out, "PolygammaBackward0", D.polygamma, (x,), (n, x))


def erfc(x: Tensor) -> Tensor:
    """``1 - erf(x)`` without cancellation for large x (ErfcBackward0)."""
    d = _float_data(x)
    return record(_eval(sp.erfc, d), "ErfcBackward0", D.erfc, (x,), (x,))


def erfinv(x: Tensor) -> Tensor:
    """The inverse of erf on (-1, 1) (ErfinvBackward0)."""
    d = _float_data(x)
    from .ops import OUT
    return record(_eval(sp.erfinv, d), "ErfinvBackward0", D.erfinv, (x,), (OUT,))


def i0(x: Tensor) -> Tensor:
    """The modified Bessel function of the first kind, order 0 (I0Backward0)."""
    d = _float_data(x)
    return record(_eval(sp.i0, d), "I0Backward0", D.i0, (x,), (x,))


def i1(x: Tensor) -> Tensor:
    """The modified Bessel function of the first kind, order 1 (SpecialI1Backward0)."""
    d = _float_data(x)
    return record(_eval(sp.i1, d), "SpecialI1Backward0", D.i1, (x,), (x,))
