"""Complex-number primitives (complex64/complex128 tensors): assembling and taking apart complex values.

Gradients follow PyTorch's convention for real-valued losses: the gradient of a complex input is
dL/d(re) + i dL/d(im) (the conjugate Wirtinger derivative times 2), so a real gradient flowing back into a
complex input is its real-part gradient. Rules are in ``derivatives.py`` ("complex" section).
"""

from __future__ import annotations

import numpy as np

from .dtype import complex_of
from .ops import (
    OUT,
    D,  # the derivatives table, through ops (which must initialise first)
    record,
)
from .tensor import Tensor

_wrap = Tensor._wrap


def _check_complex(x: Tensor, fn: str) -> np.ndarray:
    d = x._data
    if d.dtype.kind != "c":
        raise RuntimeError(f"{fn}: expected a complex tensor, got {x.dtype.name}")
    return d


def complex_(re: Tensor, im: Tensor) -> Tensor:
    """``re + i im`` from two real floating tensors of one dtype (broadcast)."""
    a, b = re._data, im._data
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        raise RuntimeError(f"complex: Expected both inputs to be Half, Float or Double tensors but got "
                           f"{re.dtype.name} and {im.dtype.name}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"Expected object of scalar type {re.dtype.name} but got scalar type "
                           f"{im.dtype.name} for second argument")
    ct = complex_of(a.dtype)
    out = np.empty(np.broadcast_shapes(a.shape, b.shape), ct)
    out.real, out.imag = a, b
    return record(out, "ComplexBackward0", D.complex_, (re, im))


def real(x: Tensor) -> Tensor:
    """The real part (a real tensor of the component type); real tensors return themselves."""
    d = x._data
    if d.dtype.kind != "c":
        return x
    return record(d.real, "RealBackward0", D.real, (x,), view_of=x)


def imag(x: Tensor) -> Tensor:
    """The imaginary part of a complex tensor."""
    d = _check_complex(x, "imag")
    return record(d.imag, "ImagBackward0", D.imag, (x,), view_of=x)


def conj(x: Tensor) -> Tensor:
    """Complex conjugate (real tensors return themselves)."""
    d = x._data
    if d.dtype.kind != "c":
        return x
    return record(np.conj(d), "ConjBackward0", D.conj, (x,))


def abs_(x: Tensor) -> Tensor:
    """|z| of a complex tensor (real result)."""
    d = _check_complex(x, "abs")
    return record(np.abs(d), "AbsBackward0", D.complex_abs, (x,), (x, OUT))


def angle(x: Tensor) -> Tensor:
    """The argument of each element (atan2(im, re)); for real tensors 0 or pi (nan stays nan)."""
    d = x._data
    if d.dtype.kind != "c":
        dd = d if d.dtype.kind == "f" else d.astype(np.float32)
        out = np.where(dd < 0, np.pi, 0.0).astype(dd.dtype)
        out[np.isnan(dd)] = np.nan
        return record(out, "AngleBackward0", D.zero_grad1, (x,))
    return record(np.angle(d), "AngleBackward0", D.complex_angle, (x,), (x,))


def view_as_real(x: Tensor) -> Tensor:
    """A real view with a last dim of 2 (real, imaginary)."""
    d = _check_complex(x, "view_as_real")
    out = np.stack([d.real, d.imag], axis=-1)
    return record(out, "ViewAsRealBackward0", D.view_as_real, (x,))


def view_as_complex(x: Tensor) -> Tensor:
    """A complex tensor from a real one whose last dim is 2."""
    d = x._data
    if d.dtype.kind != "f" or d.dtype == np.float16:
        raise RuntimeError(f"view_as_complex is only supported for float and double tensors, but got a tensor of "
                           f"scalar type: {x.dtype.name}")
    if d.ndim == 0 or d.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    out = np.empty(d.shape[:-1], complex_of(d.dtype))
    out.real, out.imag = d[..., 0], d[..., 1]
    return record(out, "ViewAsComplexBackward0", D.view_as_complex, (x,))
