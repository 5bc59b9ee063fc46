"""dtype objects under R torch's names (``torch_float()``, ``torch_long()``, ...) and the default dtype."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._core import dtype as D  # noqa: N812
from ._core.dtype import as_dtype, dtype

if TYPE_CHECKING:
    from ._core.tensor import Tensor

__all__ = ["torch_float", "torch_float32", "torch_double", "torch_float64", "torch_half", "torch_float16",
           "torch_long", "torch_int64", "torch_int", "torch_int32", "torch_short", "torch_int16",
           "torch_int8", "torch_uint8", "torch_bool", "torch_get_default_dtype", "torch_set_default_dtype",
           "torch_is_floating_point", "is_torch_dtype"]


def _getter(d: dtype, name: str):  # noqa: ANN202
    def get() -> dtype:
        return d

    get.__name__ = name
    get.__doc__ = f"The {d.name} dtype (``{d!r}``)."
    return get


torch_float = torch_float32 = _getter(D.float32, "torch_float32")
torch_double = torch_float64 = _getter(D.float64, "torch_float64")
torch_half = torch_float16 = _getter(D.float16, "torch_float16")
torch_long = torch_int64 = _getter(D.int64, "torch_int64")
torch_int = torch_int32 = _getter(D.int32, "torch_int32")
torch_short = torch_int16 = _getter(D.int16, "torch_int16")
torch_int8 = _getter(D.int8, "torch_int8")
torch_uint8 = _getter(D.uint8, "torch_uint8")
torch_bool = _getter(D.bool_, "torch_bool")


def torch_get_default_dtype() -> dtype:
    """The dtype of new floating-point tensors (float32 unless changed)."""
    return D.get_default_dtype()


def torch_set_default_dtype(d: dtype) -> None:
    """Set the dtype of new floating-point tensors (a floating dtype, e.g. ``torch_float64()``)."""
    D.set_default_dtype(as_dtype(d))


def torch_is_floating_point(x: Tensor) -> bool:
    """Whether ``x``'s dtype is a floating-point one.

    Example:
        >>> torch_is_floating_point(torch_tensor(1))
        False
    """
    return x.dtype.is_floating_point


def is_torch_dtype(x: object) -> bool:
    """Whether ``x`` is a torch dtype object (``torch_float()``, ...)."""
    return isinstance(x, dtype)
