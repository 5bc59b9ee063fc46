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
float64 and rounding once to float32 gives the fused result (``wide`` is a float64 scratch array). Other dtypes
take the plain two-rounding path.

Every function writes into arrays it is given: no allocation on the float32 path.
"""

from __future__ import annotations

import numpy as np

__all__ = ["scalar", "fma", "lerp_", "addcmul_", "addcdiv_"]

_F32 = np.dtype(np.float32)


def scalar(v: float, like: np.ndarray) -> np.ndarray:
    """``v`` cast to ``like``'s dtype, as libtorch casts a Scalar argument (a 0-d array: numpy's fast path)."""
    return np.array(v, dtype=like.dtype)


def fma(a: np.ndarray, b: np.ndarray, c: np.ndarray, out: np.ndarray, wide: np.ndarray | None) -> None:
    """``out = a * b + c`` rounded once (float32 with a float64 ``wide`` buffer), else rounded twice.

    Example:
        >>> a = np.float32([1 + 2**-12]); out = np.empty(1, np.float32)
        >>> fma(a, a, np.float32([-1]), out, np.empty(1)); float(out[0]) == 2**-11 + 2**-24
        True
    """
    if wide is None:
        np.add(a * b, c, out=out)
    else:
        np.multiply(a, b, out=wide, dtype=np.float64)
        np.add(wide, c, out=wide)
        out[...] = wide


def lerp_(start: np.ndarray, end: np.ndarray, weight: float, tmp: np.ndarray, wide: np.ndarray | None) -> None:
    """``start.lerp_(end, weight)`` with a scalar weight, in place (``tmp``: scratch like ``start``)."""
    w = start.dtype.type(weight)
    np.subtract(end, start, out=tmp)
    if abs(w) < 0.5:
        fma(tmp, np.array(w), start, start, wide)
    else:
        fma(tmp, np.array(w - start.dtype.type(1)), end, start, wide)


def addcmul_(self: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float, tmp: np.ndarray,
             wide: np.ndarray | None) -> None:
    """``self.addcmul_(t1, t2, value=value)`` in place (``tmp``: scratch like ``self``)."""
    if value == 1:
        fma(t1, t2, self, self, wide)
    else:
        np.multiply(t1, scalar(value, self), out=tmp)
        fma(tmp, t2, self, self, wide)


def addcdiv_(self: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float, tmp: np.ndarray) -> None:
    """``self.addcdiv_(t1, t2, value=value)`` in place (``tmp``: scratch like ``self``, may be ``t1``)."""
    if value == 1:
        np.divide(t1, t2, out=tmp)
    else:
        np.multiply(t1, scalar(value, self), out=tmp)
        np.divide(tmp, t2, out=tmp)
    np.add(self, tmp, out=self)
