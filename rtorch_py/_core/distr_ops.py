"""Primitives the probability distributions need: log-gamma and its derivatives, ``xlogy``, the gamma and
Poisson samplers (libtorch's, through :mod:`.rng`), the gamma sampler's reparameterised gradient. 0-based, numpy
forward + one rule each in ``derivatives.py`` (section "distributions"). Cholesky factors and triangular solves
are linear algebra's (:mod:`.linalg_ops`, one implementation).

The special functions come from scipy.special (double precision, computed in float64 and rounded to the
input's dtype). The R-named torch_lgamma / linalg_cholesky ... wrappers belong to the tensor-API issue; they
can call these.
"""

from __future__ import annotations

import numpy as np
from scipy import special as _sp

from . import derivatives as D
from . import rng
from .ops import OUT, _float_data, _wrap, record
from .special_ops import digamma, erfinv, lgamma, polygamma  # the one implementation (special.py's)
from .tensor import Tensor

__all__ = ["lgamma", "digamma", "erfinv", "gammainc", "polygamma", "xlogy", "standard_gamma", "standard_gamma_grad",
           "poisson"]


def xlogy(x: Tensor, y: Tensor) -> Tensor:
    """``x * log(y)``, 0 where x is 0 (even for y 0 or inf), nan where y is nan (XlogyBackward0)."""
    a, b = _float_data(x), _float_data(y)
    dt = np.result_type(a, b)
    with np.errstate(all="ignore"):
        out = np.where(a == 0, dt.type(0), a * np.log(b)).astype(dt, copy=False)
    out = np.where(np.isnan(b), b.dtype.type(np.nan), out).astype(dt, copy=False)
    return record(out, "XlogyBackward0", D.xlogy, (x, y), (x, y))


def standard_gamma(alpha: Tensor, generator: rng.Generator | None = None) -> Tensor:
    """Gamma(alpha, 1) draws, libtorch's sampler bit for bit (StandardGammaBackward0: reparameterised)."""
    d = alpha._data
    if d.dtype.kind != "f" or d.dtype == np.float16:
        raise RuntimeError(f'"gamma_cpu" not implemented for \'{alpha.dtype.name}\'')
    g = generator or rng.default_generator
    return record(g.gamma(np.ascontiguousarray(d)), "StandardGammaBackward0", D.standard_gamma, (alpha,),
                  (alpha, OUT))


def poisson(rate: Tensor, generator: rng.Generator | None = None) -> Tensor:
    """Poisson(rate) draws, libtorch's sampler bit for bit; as libtorch, a ``PoissonBackward0`` node whose
    gradient is zero (draws are not reparameterised)."""
    d = rate._data
    if d.dtype.kind != "f" or d.dtype == np.float16:
        raise RuntimeError(f'"poisson_cpu" not implemented for \'{rate.dtype.name}\'')
    if d.size and not np.all(d >= 0):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    g = generator or rng.default_generator
    return record(g.poisson(np.ascontiguousarray(d)), "PoissonBackward0", D.zero_grad1, (rate,))


_COEF_UV = np.array([
    [0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084],
    [0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915, -0.00058392623],
    [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367,
     -1.5247877e-07],
])


def _gamma_grad(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    """d x / d alpha of a Gamma(alpha, 1) draw x along constant cdf (libtorch's standard_gamma_grad_one, in
    float64): a Taylor series for x < 0.8, Rice's saddle point expansion for alpha > 8, else a bivariate
    rational approximation."""
    a = alpha.astype(np.float64)
    x = x.astype(np.float64)
    out = np.empty(np.broadcast_shapes(a.shape, x.shape))
    a, x = np.broadcast_to(a, out.shape), np.broadcast_to(x, out.shape)
    with np.errstate(all="ignore"):
        small = x < 0.8
        if small.any():
            xs, as_ = x[small], a[small]
            numer, denom = np.ones_like(xs), as_.copy()
            s1, s2 = numer / denom, numer / (denom * denom)
            for i in range(1, 6):
                numer = numer * (-xs / i)
                denom = denom + 1
                s1 = s1 + numer / denom
                s2 = s2 + numer / (denom * denom)
            pow_xa = np.power(xs, as_)
            pdf = np.power(xs, as_ - 1) * np.exp(-xs)
            cdf = pow_xa * s1
            cdf_alpha = (np.log(xs) - _sp.digamma(as_)) * cdf - pow_xa * s2
            r = -cdf_alpha / pdf
            out[small] = np.where(np.isnan(r), 0.0, r)
        large = ~small & (a > 8.0)
        if large.any():
            al, xl = a[large], x[large]
            near = (0.9 * al <= xl) & (xl <= 1.1 * al)
            n1 = 1 + 24 * al * (1 + 12 * al)
            n2 = 1440 * (al * al) + 6 * xl * (53 - 120 * xl) - 65 * xl * xl / al + al * (107 + 3600 * xl)
            saddle = n1 * n2 / (1244160 * (al * al) * (al * al))
            den = np.sqrt(8 * al)
            term2 = den / (al - xl)
            term3 = np.power(xl - al - al * np.log(xl / al), -1.5)
            term23 = np.where(xl < al, term2 - term3, term2 + term3)
            term1 = np.log(xl / al) * term23 - np.sqrt(2 / al) * (al + xl) / ((al - xl) * (al - xl))
            stirling = 1 + 1 / (12 * al) * (1 + 1 / (24 * al))
            out[large] = np.where(near, saddle, -stirling * (xl * term1) / den)
        mid = ~small & ~(a > 8.0)
        if mid.any():
            u = np.log(x[mid] / a[mid])
            v = np.log(a[mid])
            cv = _COEF_UV[0][:, None] + u * (_COEF_UV[1][:, None] + u * _COEF_UV[2][:, None])
            p = cv[0] + v * (cv[1] + v * (cv[2] + v * cv[3]))
            q = cv[4] + v * (cv[5] + v * (cv[6] + v * cv[7]))
            out[mid] = np.exp(p / q)
    return out


def standard_gamma_grad(alpha: Tensor, x: Tensor) -> Tensor:
    """The reparameterised gradient of :func:`standard_gamma` (not differentiable again, as libtorch)."""
    return _wrap(_gamma_grad(alpha._data, x._data).astype(alpha._data.dtype))


def gammainc(a: Tensor, x: Tensor) -> Tensor:
    """The regularised lower incomplete gamma function P(a, x) (IgammaBackward0: differentiable in x only,
    as libtorch)."""
    da, dx = _float_data(a), _float_data(x)
    dt = np.result_type(da, dx)
    with np.errstate(all="ignore"):
        out = _sp.gammainc(da.astype(np.float64), dx.astype(np.float64)).astype(dt, copy=False)
    return record(out, "IgammaBackward0", D.gammainc, (a, x), (a, x))
