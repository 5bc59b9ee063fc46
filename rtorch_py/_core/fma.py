"""Fused multiply-add emulation, once: libtorch's CPU kernels compute ``a * b + c`` with one rounding (an fma)
in the vectorised code of the RNG transforms (rng.py) and of ``lerp_`` / ``addcmul_`` / ``add_(alpha=)`` that
optimizers run (optim/_kernels.py). numpy has no fma ufunc; this is what the emulation does, exactly:

float32, :func:`fma32`:
1. ``s = float64(a) * float64(b) + float64(c)``: the product of two float32 values is exact in float64 (24 + 24
   bits < 53), so only the float64 sum rounds;
2. ``float32(s)``: the second rounding. Two roundings give the correctly rounded (one-rounding) result except
   when the float64 sum lands exactly on a float32 midpoint (its 29 low significand bits are ``1 << 28``;
   about one value in 2**29): then the first rounding may have moved the exact value onto the midpoint and
   the second resolves the tie the wrong way.
3. ``exact=True`` (the default) fixes those values: their exact rounding error (TwoSum of the product and
   ``c``) tells on which side of the midpoint the exact value lies, and the sum is moved one float64 ulp
   towards it, so step 2 rounds correctly: ONE rounding, as a hardware fma (for normal float32 results).
   ``exact=False`` skips the check (two roundings; about 1.8x faster on large arrays): optimizers use it,
   their fixtures (PyTorch's trajectories) match it bit for bit.

float64, :func:`fma64`: no wider type to borrow; the product is split exactly (Veltkamp/Dekker) and the tail sum
is rounded to odd before the final round to nearest (Boldo-Melquiond): one rounding, valid away from overflow
and the subnormal range.

Example:
    >>> a = np.float32([1 + 2**-12]); c = np.float32([-1])
    >>> float(fma32(a, a, c)[0]) == 2**-11 + 2**-24   # exact: 2**-11 + 2**-24, representable
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fma32", "fma32_rounded_twice", "fma64", "on_midpoint"]

LOW29 = np.uint64(2**29 - 1)  # the float64 significand bits below float32's precision
MID29 = np.uint64(2**28)  # ... equal to this: the float64 value is a float32 midpoint


def on_midpoint(s: np.ndarray) -> np.ndarray:
    """Where a float64 array's values sit exactly on a float32 midpoint (where two roundings may differ from
    one)."""
    return (s.view(np.uint64) & LOW29) == MID29


def fma32(a: Any, b: Any, c: Any, *, out: np.ndarray | None = None, scratch: np.ndarray | None = None,
          exact: bool = True) -> np.ndarray:
    """float32 ``a * b + c`` (a, b, c float32 arrays or scalars, broadcasting): see the module's text.

    ``scratch``: a float64 array of the result's shape for the sum (allocated when None); ``out``: the float32
    result (may be ``a`` or ``c``; allocated when None). Returns ``out``.
    """
    if not exact and out is not None:
        return fma32_rounded_twice(a, b, c, out, scratch)
    s = np.multiply(a, b, out=scratch, dtype=np.float64)
    np.add(s, c, out=s)
    if exact:
        mid = on_midpoint(s)
        if mid.any():
            idx = np.nonzero(mid)
            p = np.multiply(np.broadcast_to(a, s.shape)[idx], np.broadcast_to(b, s.shape)[idx], dtype=np.float64)
            cc = np.broadcast_to(np.asarray(c, dtype=np.float64), s.shape)[idx]
            ss = s[idx]
            bb = ss - p
            err = (p - (ss - bb)) + (cc - bb)  # TwoSum: the exact error of the float64 sum
            s[idx] = np.where(err != 0, np.nextafter(ss, np.copysign(np.inf, err)), ss)
    if out is None:
        return s.astype(np.float32)
    np.copyto(out, s, casting="same_kind")  # the rounding to float32
    return out


def fma32_rounded_twice(a: Any, b: Any, c: Any, out: np.ndarray, scratch: np.ndarray | None) -> np.ndarray:
    """``fma32(a, b, c, out=out, scratch=scratch, exact=False)`` (the optimizers' kernels call it per step):
    the exact float64 product, the float64 sum rounded to float32 as it is written to ``out``.

    Example:
        >>> out = np.empty(1, np.float32)
        >>> float(fma32_rounded_twice(np.float32([3]), np.float32([0.5]), np.float32([1]), out, None)[0])
        2.5
    """
    n = out.size
    if n < 2 * _BLOCK or scratch is None or not _flat_ok(out, a, b, c, scratch):
        s = np.multiply(a, b, out=scratch, dtype=np.float64)
        return np.add(s, c, out=out, dtype=np.float64, casting="same_kind")
    # Large arrays by blocks whose float64 sum stays in cache (the start of ``scratch``, reused): numpy's
    # mixed-dtype ufuncs cast through small buffers at a fraction of memory speed, and a whole-array float64
    # temporary is 2x the float32 traffic (measured, 1.18M elements, 1 thread: 1.8x faster). The same
    # operations elementwise (f32 -> f64 copies are exact), so the same bits.
    fa, fo, t = a.reshape(-1), out.reshape(-1), scratch.reshape(-1)[:_BLOCK]
    fb = b.reshape(-1) if b.ndim else b
    fc = c.reshape(-1) if c.ndim else c
    for i in range(0, n, _BLOCK):
        blk = slice(i, i + _BLOCK)
        ti = t[:min(_BLOCK, n - i)]
        np.copyto(ti, fa[blk])
        np.multiply(ti, fb[blk] if b.ndim else fb, out=ti)
        np.add(ti, fc[blk] if c.ndim else fc, out=ti)
        np.copyto(fo[blk], ti, casting="same_kind")
    return out


_BLOCK = 1 << 16  # elements per block of fma32_rounded_twice: 512 KB of float64 sums (within L2; measured best
# of 2**15 .. 2**18)


def _flat_ok(out: np.ndarray, a: Any, b: Any, c: Any, scratch: np.ndarray) -> bool:
    """Whether every operand is a C-contiguous array of out's shape or a 0-d array (so blocks of the flat
    arrays line up), and the scratch is float64 and contiguous."""
    shape = out.shape
    for v in (out, a, b, c, scratch):
        if v.__class__ is not np.ndarray or not v.flags.c_contiguous or (v.ndim and v.shape != shape):
            return False
    return a.ndim != 0 and scratch.dtype == np.float64


_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter for float64


def _two_sum(a: Any, b: Any) -> tuple[Any, Any]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fma64(a: Any, b: Any, c: Any) -> np.ndarray:
    """float64 ``a * b + c`` with one rounding (see the module's text)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    ph = a * b
    ta = _SPLIT * a
    ah = ta - (ta - a)
    al = a - ah
    tb = _SPLIT * b
    bh = tb - (tb - b)
    bl = b - bh
    pl = ((ah * bh - ph) + ah * bl + al * bh) + al * bl
    th, tl = _two_sum(c, ph)
    v, ve = _two_sum(tl, pl)
    # Round v to odd: if inexact and its last bit is even, step to the neighbour on the side of the error.
    fix = (ve != 0) & ((np.asarray(v).view(np.uint64) & np.uint64(1)) == 0)
    if np.any(fix):
        v = np.where(fix, np.nextafter(v, np.copysign(np.inf, ve)), v)
    return np.asarray(th + v)
