"""Small objects of R torch's namespace that wrap libtorch values: ``torch_scalar`` (a Scalar),
``torch_dimname`` / ``torch_dimname_list`` (names of dims), ``torch_variable_list`` (a list of tensors), and
``torch_tanh_backward`` (libtorch's tanh_backward, which R torch's ``call_torch_function`` example calls).
Their R printing and ``as.character`` methods are in r_shim/R/attributes.R."""

from __future__ import annotations

import re
from typing import Any

from ._core.dtype import as_dtype
from ._core.dtype import dtype as Dtype  # noqa: N812
from ._core.tensor import Tensor

__all__ = ["torch_scalar", "is_torch_scalar", "torch_dimname", "is_torch_dimname", "torch_dimname_list",
           "is_torch_dimname_list", "torch_variable_list", "is_torch_variable_list", "torch_tanh_backward"]


class torch_scalar_obj:  # noqa: N801 - R torch's class name is torch_scalar
    """A libtorch Scalar: one bool, integer or double (R torch's ``torch_scalar(x)``); ``type`` is its dtype
    (double -> torch_double, integer -> torch_long, logical -> torch_bool, as libtorch's Scalar)."""

    __slots__ = ("value",)
    __r_class__ = ("torch_scalar", "R7")

    def __init__(self, x: Any) -> None:
        if isinstance(x, Tensor):
            if x._data.size != 1:
                raise ValueError(f"torch_scalar: argument 'x' must have one element, got a tensor of shape "
                                 f"{list(x.shape)}")
            x = x.item()
        if not isinstance(x, (bool, int, float)):
            raise TypeError(f"torch_scalar: argument 'x' must be a single number or logical, got "
                            f"{type(x).__name__}")
        self.value = x

    @property
    def type(self) -> Dtype:
        """The Scalar's dtype."""
        v = self.value
        return as_dtype("bool" if isinstance(v, bool) else "int64" if isinstance(v, int) else "float64")

    def to_r(self) -> bool | int | float:
        """The value (an R logical, integer or double)."""
        return self.value

    def r_format(self) -> str:
        return "torch_scalar\n"

    __repr__ = r_format


def torch_scalar(x: Any) -> torch_scalar_obj:
    """A Scalar object holding ``x`` (one number or logical).

    Example:
        >>> s = torch_scalar(2.5); s.type, s.to_r()
        (torch_Double, 2.5)
    """
    return torch_scalar_obj(x)


def is_torch_scalar(x: Any) -> bool:
    """Whether ``x`` is a ``torch_scalar``."""
    return isinstance(x, torch_scalar_obj)


# libtorch's Dimname::isValidName: an identifier (or the wildcard "*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class torch_dimname_obj:  # noqa: N801
    """The name of one dim (libtorch's Dimname)."""

    __slots__ = ("name",)
    __r_class__ = ("torch_dimname", "R7")

    def __init__(self, name: Any) -> None:
        if isinstance(name, torch_dimname_obj):
            name = name.name
        if not isinstance(name, str):
            raise TypeError(f"torch_dimname: argument 'name' must be a string, got {type(name).__name__}")
        if name != "*" and not _IDENTIFIER.match(name):
            raise RuntimeError(f"Invalid name: a valid identifier contains only digits, alphabetical characters, "
                               f"and/or underscore and starts with a non-digit. got: '{name}'.")
        self.name = name

    def __str__(self) -> str:
        return self.name

    def r_format(self) -> str:
        return f'[1] "{self.name}"\n'


def torch_dimname(name: str) -> torch_dimname_obj:
    """A dim name (a valid identifier, or "*").

    Example:
        >>> str(torch_dimname("hello"))
        'hello'
    """
    return torch_dimname_obj(name)


def is_torch_dimname(x: Any) -> bool:
    """Whether ``x`` is a ``torch_dimname``."""
    return isinstance(x, torch_dimname_obj)


class torch_dimname_list_obj:  # noqa: N801
    """Names of several dims (libtorch's DimnameList)."""

    __slots__ = ("names",)
    __r_class__ = ("torch_dimname_list", "R7")

    def __init__(self, names: Any) -> None:
        if isinstance(names, (str, torch_dimname_obj)):
            names = [names]
        if not isinstance(names, (list, tuple)):
            raise TypeError(f"torch_dimname_list: argument 'names' must be a character vector, got "
                            f"{type(names).__name__}")
        self.names = [torch_dimname_obj(n) for n in names]

    def to_r(self) -> list[str]:
        """The names (an R character vector)."""
        return [d.name for d in self.names]

    def __len__(self) -> int:
        return len(self.names)

    def r_format(self) -> str:
        return "[1] " + " ".join(f'"{n}"' for n in self.to_r()) + "\n"


def torch_dimname_list(names: Any) -> torch_dimname_list_obj:
    """A list of dim names.

    Example:
        >>> torch_dimname_list(["hello", "world"]).to_r()
        ['hello', 'world']
    """
    return torch_dimname_list_obj(names)


def is_torch_dimname_list(x: Any) -> bool:
    """Whether ``x`` is a ``torch_dimname_list``."""
    return isinstance(x, torch_dimname_list_obj)


class torch_variable_list_obj:  # noqa: N801
    """A list of tensors (libtorch's variable_list)."""

    __slots__ = ("tensors",)
    __r_class__ = ("torch_variable_list", "R7")

    def __init__(self, x: Any) -> None:
        items = list(x.values()) if isinstance(x, dict) else list(x) if isinstance(x, (list, tuple)) else [x]
        for i, t in enumerate(items):
            if not isinstance(t, Tensor):
                raise TypeError(f"torch_variable_list: element {i + 1} of 'x' must be a tensor, got "
                                f"{type(t).__name__}")
        self.tensors = items

    def to_r(self) -> list[Tensor]:
        """The tensors (an R list)."""
        return list(self.tensors)

    def __len__(self) -> int:
        return len(self.tensors)

    def r_format(self) -> str:
        return f"torch_variable_list of {len(self.tensors)} tensors\n"


def torch_variable_list(x: Any) -> torch_variable_list_obj:
    """A variable list holding the tensors of ``x`` (a list).

    Example:
        >>> len(torch_variable_list([torch_ones(1), torch_zeros(2)]).to_r())
        2
    """
    return torch_variable_list_obj(x)


def is_torch_variable_list(x: Any) -> bool:
    """Whether ``x`` is a ``torch_variable_list``."""
    return isinstance(x, torch_variable_list_obj)


def torch_tanh_backward(grad_output: Any, output: Tensor) -> Tensor:
    """libtorch's ``tanh_backward``: the gradient of ``tanh`` given its output, ``grad_output * (1 -
    output^2)`` (differentiable: a compound of primitives).

    Example:
        >>> y = torch_tanh(torch_tensor([0.5]))
        >>> round(torch_tanh_backward(1, y).item(), 6)
        0.786448
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"torch_tanh_backward: argument 'output' must be a tensor, got {type(output).__name__}")
    return grad_output * (1 - output * output)
