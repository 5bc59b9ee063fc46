"""In-place numpy versions of the libtorch CPU kernels that optimizers use, rounding as libtorch rounds.

PyTorch's single-tensor optimizers are sequences of ``lerp_``, ``addcmul_``, ``add_(x, alpha=)``, ``addcdiv_``
... on float32 tensors. Their CPU kernels cast Python scalars to the tensor's dtype and, in the vectorised
(AVX2/AVX-512) code path that x86 builds run, some of them use a fused multiply-add. Checked against PyTorch
2.13 element by element on arrays of every length 1..1000:
- ``lerp_(end, w)``: ``fma(w, end - self, self)`` when ``|w| < 0.5``, else ``fma(w - 1, end - self, end)``;
- ``addcmul_(t1, t2, value=v)``: ``fma(v * t1, t2, self)``;
- ``add_(other, alpha=a)``: ``fma(other, a, self)``;
- ``addcdiv_(t1, t2, value=v)``: ``self + (v * t1) / t2`` (no fusion; :func:`cdiv` is its term); ``t / s``: a true
  division.
:func:`fma` is rtorch_py/_core/fma.py's ``fma32`` with ``exact=False``: the float32 product computed exactly in
float64, the float64 sum, then the rounding to float32 -- TWO roundings, which differ from the hardware fma
only when the float64 sum is exactly a float32 midpoint (about one value in 2**29; the midpoint correction
that makes it one rounding costs about 1.8x per call and is left out here). Float64 parameters (``wide=None``)
take the plain float64 product and sum (two roundings in float64).

Scalars are 0-d arrays (numpy's fast path for array-scalar ufuncs), made once per step by the optimizers:
:func:`scalar` for float32 arithmetic, :func:`wide_scalar` for the multiplier of an :func:`fma`.
"""

from __future__ import annotations

import numpy as np

from .._core import parallel
from .._core.fma import fma32_rounded_twice

__all__ = ["scalar", "wide_scalar", "lerp_weight", "fma", "lerp_", "addcmul_", "cdiv", "addcdiv_"]

Wide = tuple[np.ndarray, np.ndarray] | None


def scalar(v: float, dtype: np.dtype) -> np.ndarray:
    """``v`` cast to ``dtype``, as libtorch casts a Scalar argument to the tensor's dtype (0-d array)."""
    return np.array(v, dtype=dtype)


def wide_scalar(v: float, dtype: np.dtype) -> np.ndarray:
    """``v`` rounded to ``dtype`` and held in float64: the scalar multiplier of :func:`fma`."""
    return np.array(np.array(v, dtype=dtype), dtype=np.float64)


def lerp_weight(weight: float, dtype: np.dtype) -> tuple[np.ndarray, bool]:
    """(multiplier, from_end) for :func:`lerp_`: libtorch interpolates from ``self`` with ``w`` when
    ``|w| < 0.5``, else from ``end`` with ``w - 1`` (both in ``dtype``)."""
    w = np.dtype(dtype).type(weight)
    if abs(w) < 0.5:
        return np.array(w, dtype=np.float64), False
    return np.array(w - w.dtype.type(1), dtype=np.float64), True


def fma(a: np.ndarray, b: np.ndarray, c: np.ndarray, out: np.ndarray, wide: Wide) -> None:
    """``out = a * b + c``: float32 with ``wide`` buffers through ``fma32(exact=False)`` (see the module's
    text), else the plain product and sum. ``b``: an array like ``a`` or a :func:`wide_scalar`; ``out`` may be
    ``a`` or ``c``.

    Example:
        >>> a = np.float32([1 + 2**-12]); out = np.empty(1, np.float32); wide = (np.empty(1), np.empty(1))
        >>> fma(a, a, np.float32([-1]), out, wide); float(out[0]) == 2**-11 + 2**-24
        True
    """
    if b.ndim == 0 and b.item() == 1:
        # a * 1 is exact, and a float32 sum rounded via float64 equals the float32 sum (53 >= 2 * 24 + 2 bits):
        # one add, bit-identical (SGD's buf + (1 - dampening) * grad)
        np.add(a, c, out=out)
        return
    if wide is None:
        np.add(a * b, c, out=out)
        return
    cshape = c.shape if c.__class__ is np.ndarray else np.shape(c)  # (np.shape: ~0.5 us per call, per step)
    if a.ndim == 0 or a.shape != out.shape or (b.ndim and b.shape != out.shape) or (cshape and cshape != out.shape):
        fma32_rounded_twice(a, b, c, out, wide[0])
        return
    scratch = wide[0]
    if scratch.shape != out.shape:
        scratch = scratch.reshape(out.shape)
    if not parallel.splits(out.size):  # one call, as for_slices would make it (no closure per step)
        fma32_rounded_twice(a, b, c, out, scratch)
        return
    bs, cs = b.ndim == 0, not cshape
    # elementwise: large parameters by slices on the threads (parallel.py), the same bits
    parallel.for_slices(lambda s: fma32_rounded_twice(a[s], b if bs else b[s], c if cs else c[s], out[s],
                                                      scratch[s]), out.shape[0], out.size)


def lerp_(start: np.ndarray, end: np.ndarray, weight: tuple[np.ndarray, bool], tmp: np.ndarray,
          wide: Wide) -> None:
    """``start.lerp_(end, w)`` with a scalar weight (``weight``: :func:`lerp_weight`), in place."""
    coef, from_end = weight
    np.subtract(end, start, out=tmp)
    fma(tmp, coef, end if from_end else start, start, wide)


def addcmul_(self: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: np.ndarray | None, tmp: np.ndarray,
             wide: Wide) -> None:
    """``self.addcmul_(t1, t2, value=v)`` in place; ``value``: a :func:`scalar`, None for 1."""
    if value is None:
        fma(t1, t2, self, self, wide)
    else:
        np.multiply(t1, value, out=tmp)
        fma(tmp, t2, self, self, wide)


def cdiv(t1: np.ndarray, t2: np.ndarray, value: np.ndarray | None, out: np.ndarray) -> np.ndarray:
    """``value * t1 / t2`` into ``out`` (may be ``t1``), as libtorch's ``addcdiv_`` forms the term it adds;
    ``value``: a :func:`scalar`, None for 1. Returns ``out``."""
    if value is None:
        np.divide(t1, t2, out=out)
    else:
        np.multiply(t1, value, out=out)
        np.divide(out, t2, out=out)
    return out


def addcdiv_(self: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: np.ndarray | None, tmp: np.ndarray) -> None:
    """``self.addcdiv_(t1, t2, value=v)`` in place; ``value``: a :func:`scalar`, None for 1; ``tmp`` may be
    ``t1``."""
    np.add(self, cdiv(t1, t2, value, tmp), out=self)
