"""Discrete Fourier transform primitives over 0-based axes (numpy's pocketfft), as libtorch's three kernels:
complex-to-complex, real-to-complex (one-sided, last transformed axis) and complex-to-real. Each records a
node whose rule is the adjoint transform (``derivatives.py``, "fft" section). Sizes (``n``/``s``: padding or
cropping) and the composite transforms (fft2, rfftn, hfft, ...) are in ``rtorch_py/fft.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .dtype import complex_of, get_default_dtype
from .ops import (
    D,  # the derivatives table, through ops (which must initialise first)
    record,
)
from .tensor import Tensor

NORMS = ("backward", "forward", "ortho")
DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _complex_data(x: Tensor) -> np.ndarray:
    d = x._data
    if d.dtype.kind == "c":
        return d
    if d.dtype.kind != "f":
        d = d.astype(get_default_dtype().np)
    return d.astype(complex_of(d.dtype))


def _real_data(x: Tensor, fn: str) -> np.ndarray:
    d = x._data
    if d.dtype.kind == "c":
        raise RuntimeError(f"{fn} expects a real input tensor, but got {x.dtype.name}")
    return d if d.dtype.kind == "f" else d.astype(get_default_dtype().np)


def c2c(x: Tensor, axes: Sequence[int], norm: str, forward: bool) -> Tensor:
    """The n-dimensional complex DFT over ``axes`` (``forward``: exp(-i...), else the inverse)."""
    d = _complex_data(x)
    axes = tuple(axes)
    f = np.fft.fftn if forward else np.fft.ifftn
    out = f(d, axes=axes, norm=norm).astype(d.dtype, copy=False)
    return record(out, "FftC2CBackward0", D.fft_c2c, (x,), (axes, norm, forward))


def r2c(x: Tensor, axis: int, norm: str, onesided: bool = True) -> Tensor:
    """The DFT of a real input along ``axis``; ``onesided`` keeps the n // 2 + 1 non-redundant entries."""
    d = _real_data(x, "r2c")
    n = d.shape[axis]
    out = np.fft.rfft(d, axis=axis, norm=norm) if onesided else np.fft.fft(d, axis=axis, norm=norm)
    out = out.astype(complex_of(d.dtype), copy=False)
    return record(out, "FftR2CBackward0", D.fft_r2c, (x,), (axis, norm, n, onesided))


def c2r(x: Tensor, axis: int, n: int, norm: str) -> Tensor:
    """The real inverse DFT along ``axis`` of a one-sided spectrum, to ``n`` points (the input holds
    n // 2 + 1 entries; the imaginary parts of the DC and Nyquist entries are ignored)."""
    d = _complex_data(x)
    out = np.fft.irfft(d, n=n, axis=axis, norm=norm).astype(d.real.dtype, copy=False)
    return record(out, "FftC2RBackward0", D.fft_c2r, (x,), (axis, norm, n))
