"""In-place numpy versions of the libtorch CPU kernels that optimizers use, rounding as libtorch rounds.

PyTorch's single-tensor optimizers are sequences of ``lerp_``, ``addcmul_``, ``add_(x, alpha=)``, ``addcdiv_``
... on float32 tensors. Their CPU kernels cast Python scalars to the tensor's dtype and, in the vectorised
(AVX2/AVX-512) code path that x86 builds run, some of them use a fused multiply-add (one rounding). Checked
against PyTorch 2.13 element by element on arrays of every length 1..1000:
- ``lerp_(end, w)``: ``fma(w, end - self, self)`` when ``|w| < 0.5``, else ``fma(w - 1, end - self, end)``;
- ``addcmul_(t1, t2, value=v)``: ``fma(v * t1, t2, self)``;
- ``add_(other, alpha=a)``: ``fma(other, a, self)``;
- ``addcdiv_(t1, t2, value=v)``: ``self + (v * t1) / t2`` (no fusion); ``t / s``: a true division.
numpy has no fma ufunc; for float32 operands the product is exact in float64, so computing ``a * b + c`` in
float64 and rounding once to float32 gives the fused result: three numpy calls (multiply with dtype=float64,
add, copy back) into the first of the ``wide`` float64 scratch arrays; other dtypes pass ``wide=None`` and
take the plain two-rounding path.

Scalars are 0-d arrays (numpy's fast path for array-scalar ufuncs), made once per step by the optimizers:
:func:`scalar` for float32 arithmetic, :func:`wide_scalar` for the multiplier of an :func:`fma`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["scalar", "wide_scalar", "lerp_weight", "fma", "lerp_", "addcmul_", "addcdiv_"]

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
    """``out = a * b + c`` rounded once (float32 with ``wide`` buffers), else rounded twice. ``b``: an array
    like ``a`` or a :func:`wide_scalar`; ``out`` may be ``a`` or ``c``.

    Example:
        >>> a = np.float32([1 + 2**-12]); out = np.empty(1, np.float32); wide = (np.empty(1), np.empty(1))
        >>> fma(a, a, np.float32([-1]), out, wide); float(out[0]) == 2**-11 + 2**-24
        True
    """
    if wide is None:
        np.add(a * b, c, out=out)
        return
    w = wide[0]
    np.multiply(a, b, out=w, dtype=np.float64)  # exact: a product of two float32 values fits in float64
    np.add(w, c, out=w)
    np.copyto(out, w, casting="same_kind")  # the one rounding to float32


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


def addcdiv_(self: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: np.ndarray | None, tmp: np.ndarray) -> None:
    """``self.addcdiv_(t1, t2, value=v)`` in place; ``value``: a :func:`scalar`, None for 1; ``tmp`` may be
    ``t1``."""
    if value is None:
        np.divide(t1, t2, out=tmp)
    else:
        np.multiply(t1, value, out=tmp)
        np.divide(tmp, t2, out=tmp)
    np.add(self, tmp, out=self)
