"""libtorch's vectorised float32 math, where its rounding differs from numpy's: on x86-64 CPUs (AVX2)
``Vectorized<float>::exp()`` is SLEEF's ``expf_u10`` (1-ulp accurate, not correctly rounded), so kernels
written with it (silu, its backward) give float32 results that numpy's correctly rounded ``np.exp`` misses by
an ulp on a sizeable share of inputs. :func:`expf_u10` replays SLEEF's algorithm with the fused
multiply-adds of its AVX2 build (``_core/fma.py``), bit for bit (checked against PyTorch on 2e6 inputs).

Example:
    >>> float(expf_u10(np.float32([1.0]))[0])   # np.exp gives 2.7182819843292236
    2.7182817459106445
"""

from __future__ import annotations

import numpy as np

from .fma import fma32

__all__ = ["expf_u10"]

_F = np.float32
_R_LN2 = _F(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2U = _F(-0.693145751953125)  # ln 2 split in two: q * ln2 is subtracted exactly
_L2L = _F(-1.428606765330187045e-06)
# SLEEF's minimax polynomial of (exp(s) - 1 - s) / s**2 on [-ln2/2, ln2/2], highest degree first
_POLY = tuple(_F(c) for c in (0.000198527617612853646278381, 0.00139304355252534151077271,
                              0.00833336077630519866943359, 0.0416664853692054748535156,
                              0.166666671633720397949219, 0.5))


def _pow2(k: np.ndarray) -> np.ndarray:
    """2**k as float32 for int32 k in [-126, 127], built from the exponent bits (np.ldexp is 10x slower);
    expf_u10's halves of q stay within [-76, 73]."""
    return ((k + np.int32(127)) << np.int32(23)).view(_F)


def expf_u10(d: np.ndarray) -> np.ndarray:
    """exp of a float32 array as SLEEF's ``expf_u10`` (AVX2, with fma): q = rint(d / ln2), s = d - q ln2
    (two fmas), exp(s) = 1 + s + s^2 p(s) (Horner, fmas), scaled by 2^q in two steps (no overflow of 2^q);
    0 below -104, inf above 100."""
    d = np.asarray(d, dtype=_F)
    with np.errstate(over="ignore", invalid="ignore"):
        q = np.rint(d * _R_LN2)
        q = np.nan_to_num(q, nan=0.0, posinf=0.0, neginf=0.0).astype(np.int32)
        qf = q.astype(_F)
        scratch = np.empty(d.shape, dtype=np.float64)  # one float64 buffer for every fma's sum
        s = fma32(qf, _L2U, d, scratch=scratch)
        fma32(qf, _L2L, s, out=s, scratch=scratch)
        u = np.empty(d.shape, dtype=_F)
        fma32(_POLY[0], s, _POLY[1], out=u, scratch=scratch)
        for c in _POLY[2:]:
            fma32(u, s, c, out=u, scratch=scratch)
        u = _F(1) + fma32(s * s, u, s, out=u, scratch=scratch)
        h = q >> 1
        u = u * _pow2(h) * _pow2(q - h)
    u = np.where(d < -104, _F(0), u)
    u = np.where(d > 100, _F(np.inf), u)
    return np.where(np.isnan(d), d, u).astype(_F, copy=False)
