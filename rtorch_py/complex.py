"""Complex tensors under R torch's names: the dtypes (``torch_cfloat()`` ...), assembling (``torch_complex``,
``torch_polar``, ``torch_view_as_complex``) and taking apart (``torch_real``, ``torch_imag``, ``torch_abs``,
``torch_angle``, ``torch_conj``, ``torch_view_as_real``). R complex vectors become complex tensors through the
bridge (``torch_tensor(complex(real = 1, imaginary = 2))``) and come back as R complex vectors (``as_array``).
"""

from __future__ import annotations

from typing import Any

from ._core import complex_ops as C  # noqa: N812
from ._core import dtype as D  # noqa: N812
from ._core import ops as O  # noqa: N812
from ._core.dtype import dtype
from ._core.tensor import Tensor

__all__ = ["torch_cfloat", "torch_cfloat64", "torch_complex64", "torch_cdouble", "torch_cfloat128", "torch_chalf",
           "torch_cfloat32",
           "torch_complex128", "torch_complex", "torch_polar", "torch_real", "torch_imag", "torch_conj",
           "torch_angle", "torch_view_as_real", "torch_view_as_complex", "torch_is_complex"]


def torch_cfloat() -> dtype:
    """The complex64 dtype (``torch_ComplexFloat``), float32 components.

    Example:
        >>> torch_cfloat()
        torch_ComplexFloat
    """
    return D.complex64


def torch_cdouble() -> dtype:
    """The complex128 dtype (``torch_ComplexDouble``), float64 components.

    Example:
        >>> torch_cdouble()
        torch_ComplexDouble
    """
    return D.complex128


torch_complex64 = torch_cfloat64 = torch_cfloat  # R torch's cfloat64 counts the bits of both parts
torch_complex128 = torch_cfloat128 = torch_cdouble


def torch_chalf() -> dtype:
    """complex32 (``ComplexHalf``): not supported in rtorch_py (numpy has no complex32 type).

    Example:
        >>> torch_chalf()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: torch_chalf: complex32 (ComplexHalf) is not supported in rtorch_py: ...
    """
    raise TypeError("torch_chalf: complex32 (ComplexHalf) is not supported in rtorch_py: numpy has no complex32 "
                    "type; use torch_cfloat()")


torch_cfloat32 = torch_chalf


def _as_t(x: Any) -> Tensor:
    if isinstance(x, Tensor):
        return x
    from .creation import torch_tensor  # noqa: PLC0415
    return torch_tensor(x)


def torch_complex(real: Any, imag: Any) -> Tensor:
    """``real + i imag`` from two real tensors (or numbers) of one floating dtype.

    Example:
        >>> torch_imag(torch_complex(torch_ones(2), torch_zeros(2) + 3))[0].item()
        3.0
    """
    return C.complex_(_as_t(real), _as_t(imag))


def torch_polar(abs: Any, angle: Any) -> Tensor:  # noqa: A002
    """``abs * (cos(angle) + i sin(angle))``.

    Example:
        >>> round(torch_real(torch_polar(torch_tensor([2.0]), torch_tensor([0.0])))[0].item(), 4)
        2.0
    """
    r, a = _as_t(abs), _as_t(angle)
    return C.complex_(r * O.cos(a), r * O.sin(a))


def torch_real(self: Tensor) -> Tensor:
    """The real part (a view); a real tensor is returned as it is.

    Example:
        >>> torch_real(torch_tensor([1 + 2j]))[0].item()
        1.0
    """
    return C.real(self)


def torch_imag(self: Tensor) -> Tensor:
    """The imaginary part of a complex tensor (a view).

    Example:
        >>> torch_imag(torch_tensor([1 + 2j]))[0].item()
        2.0
    """
    return C.imag(self)


def torch_conj(self: Tensor) -> Tensor:
    """The complex conjugate (a real tensor is returned as it is).

    Example:
        >>> torch_imag(torch_conj(torch_tensor([1 + 2j])))[0].item()
        -2.0
    """
    return C.conj(self)


def torch_angle(self: Tensor) -> Tensor:
    """The argument of each element, in radians (real inputs: 0, or pi for negatives).

    Example:
        >>> round(torch_angle(torch_tensor([1j]))[0].item(), 4)
        1.5708
    """
    return C.angle(self)


def torch_view_as_real(self: Tensor) -> Tensor:
    """A real tensor with a last dim of size 2: the real and imaginary parts.

    Example:
        >>> torch_view_as_real(torch_tensor([1 + 2j])).shape
        (1, 2)
    """
    return C.view_as_real(self)


def torch_view_as_complex(self: Tensor) -> Tensor:
    """A complex tensor from a real one whose last dim has size 2.

    Example:
        >>> torch_view_as_complex(torch_tensor([[1.0, 2.0]])).dtype
        torch_ComplexFloat
    """
    return C.view_as_complex(self)


def torch_is_complex(self: Tensor) -> bool:
    """Whether ``self`` has a complex dtype.

    Example:
        >>> torch_is_complex(torch_tensor([1j]))
        True
    """
    return self._data.dtype.kind == "c"



def _assign_part(self: Tensor, value: Any, part: str) -> None:
    """``x$real <- v`` / ``x$imag <- v``: writes that part in place (as R torch, through the view)."""
    v = value._data if isinstance(value, Tensor) else value
    if self._data.dtype.kind != "c":
        raise RuntimeError(f"{part}: expected a complex tensor, got {self.dtype.name}")
    self._check_inplace()
    new = self._data.copy()
    setattr(new, part, v)
    self._assign_result(Tensor._wrap(new))


Tensor.real = property(torch_real, lambda self, v: _assign_part(self, v, "real"),
                       doc="The real part (``x$real``; ``x$real <- v`` writes it).")
Tensor.imag = property(torch_imag, lambda self, v: _assign_part(self, v, "imag"),
                       doc="The imaginary part (``x$imag``; ``x$imag <- v`` writes it).")
