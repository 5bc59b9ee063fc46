"""Argument checks, once: every R-named function checks its arguments with these, so that a bad argument gets
one wording and one exception type everywhere.

Wording: ``"<function>: argument '<arg>' must be <what>, got <value>"`` (R torch's own wording where it has one:
``reduction``). The value is shown as R would see it: numbers and strings by value, other objects by class.

Exception policy:
- TypeError: the argument has the wrong type (a string for a number, a list for a tensor, an integer tensor
  where a floating one is needed);
- ValueError: the type is right, the value is not (out of range, not one of the choices).
Each check returns the value converted (a Python float / int / bool / str, the dtype object), so callers use
what the check saw.

Example:
    >>> number(0.1, "optim_sgd", "lr", min=0)
    0.1
    >>> number("a", "optim_adam", "lr")
    Traceback (most recent call last):
    TypeError: optim_adam: argument 'lr' must be a number, got "a"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._core.dtype import as_dtype
from ._core.dtype import dtype as Dtype  # noqa: N812
from ._core.tensor import Tensor

__all__ = ["show", "fail_type", "tensor", "floating", "number", "integer", "flag", "choice", "reduction",
           "dtype", "probability"]

REDUCTIONS = ("mean", "sum", "none")


def show(x: Any) -> str:
    """A value as an error message shows it: numbers and strings by value (R's way: ``"a"``, ``TRUE``,
    ``NULL``), a tensor by dtype and shape, anything else by its class."""
    if x is None:
        return "NULL"
    if isinstance(x, (bool, np.bool_)):
        return "TRUE" if x else "FALSE"
    if isinstance(x, (int, float, np.integer, np.floating)):
        return repr(x.item() if isinstance(x, np.generic) else x)
    if isinstance(x, str):
        return '"' + x.replace('"', '\\"') + '"'
    if isinstance(x, Tensor):
        return f"a {x.dtype.name} tensor of shape {list(x.shape)}"
    return f"an object of class {type(x).__name__}"


def fail_type(fn: str, arg: str, what: str, x: Any) -> TypeError:
    """The TypeError for argument ``arg`` of ``fn`` that is not ``what``."""
    return TypeError(f"{fn}: argument '{arg}' must be {what}, got {show(x)}")


def fail_value(fn: str, arg: str, what: str, x: Any) -> ValueError:
    """The ValueError for argument ``arg`` of ``fn`` whose value is not ``what``."""
    return ValueError(f"{fn}: argument '{arg}' must be {what}, got {show(x)}")


def tensor(x: Any, fn: str, arg: str) -> Tensor:
    """``x`` when it is a tensor.

    Example:
        >>> tensor([1, 2], "nn_init_normal_", "tensor")
        Traceback (most recent call last):
        TypeError: nn_init_normal_: argument 'tensor' must be a torch_tensor, got an object of class list
    """
    if x.__class__ is Tensor or isinstance(x, Tensor):
        return x
    raise fail_type(fn, arg, "a torch_tensor", x)


def floating(x: Any, fn: str, arg: str) -> Tensor:
    """``x`` when it is a tensor of a floating point dtype."""
    t = tensor(x, fn, arg)
    if t._data.dtype.kind != "f":
        raise fail_type(fn, arg, "a floating point tensor", t)
    return t


def _scalar(x: Any) -> Any:
    """A Python scalar from a number, a numpy scalar or a one-element tensor (R's numbers may arrive as
    length-1 vectors); None when ``x`` is none of these."""
    if isinstance(x, (bool, np.bool_)):
        return None
    if isinstance(x, (int, float)):
        return x
    if isinstance(x, (np.integer, np.floating)):
        return x.item()
    if isinstance(x, Tensor) and x._data.size == 1 and x._data.dtype.kind in "iuf":
        return x._data.reshape(()).item()
    if isinstance(x, np.ndarray) and x.size == 1 and x.dtype.kind in "iuf":
        return x.reshape(()).item()
    return None


def _bounds(v: float, fn: str, arg: str, x: Any, min: float | None, max: float | None) -> None:  # noqa: A002
    if (min is not None and v < min) or (max is not None and v > max):
        lo = "-Inf" if min is None else repr(min)
        hi = "Inf" if max is None else repr(max)
        raise fail_value(fn, arg, f"in [{lo}, {hi}]", x)


def number(x: Any, fn: str, arg: str, *, min: float | None = None, max: float | None = None) -> float:  # noqa: A002
    """``x`` as a float: a number (not a logical), optionally within ``[min, max]``.

    Example:
        >>> number(-1, "nn_dropout", "p", min=0, max=1)
        Traceback (most recent call last):
        ValueError: nn_dropout: argument 'p' must be in [0, 1], got -1
    """
    v = _scalar(x)
    if v is None:
        raise fail_type(fn, arg, "a number", x)
    v = float(v)
    _bounds(v, fn, arg, x, min, max)
    return v


def integer(x: Any, fn: str, arg: str, *, min: int | None = None, max: int | None = None) -> int:  # noqa: A002
    """``x`` as an int: an integer or a whole double (R's numbers are doubles), optionally within bounds."""
    v = _scalar(x)
    if v is None or (isinstance(v, float) and not v.is_integer()):
        raise fail_type(fn, arg, "a whole number", x)
    v = int(v)
    _bounds(v, fn, arg, x, min, max)
    return v


def probability(x: Any, fn: str, arg: str) -> float:
    """A number in [0, 1]."""
    return number(x, fn, arg, min=0, max=1)


def flag(x: Any, fn: str, arg: str) -> bool:
    """``x`` as a bool: R's TRUE / FALSE (a Python or numpy bool)."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    raise fail_type(fn, arg, "TRUE or FALSE", x)


def choice(x: Any, fn: str, arg: str, options: Iterable[str]) -> str:
    """``x`` when it is one of ``options`` (R's ``c("a", "b")`` default: its first element).

    Example:
        >>> choice("max", "nn_lr_plateau", "mode", ("min", "max"))
        'max'
    """
    options = tuple(options)
    if isinstance(x, (list, tuple)) and x and all(isinstance(e, str) for e in x):
        x = x[0]
    if not isinstance(x, str):
        raise fail_type(fn, arg, "one of " + ", ".join(show(o) for o in options), x)
    if x not in options:
        raise fail_value(fn, arg, "one of " + ", ".join(show(o) for o in options), x)
    return x


def reduction(x: Any, fn: str, allowed: tuple[str, ...] = REDUCTIONS) -> str:
    """A loss's ``reduction``, with libtorch's wording.

    Example:
        >>> reduction("avg", "nnf_l1_loss")
        Traceback (most recent call last):
        ValueError: nnf_l1_loss: 'avg' is not a valid value for reduction (expected one of 'mean', 'sum', 'none')
    """
    if isinstance(x, (list, tuple)) and x:  # R's `reduction = c("mean", "sum", "none")`: the first one
        x = x[0]
    if x not in allowed:
        raise ValueError(f"{fn}: {x!r} is not a valid value for reduction (expected one of "
                         f"{', '.join(repr(a) for a in allowed)})")
    return x


def dtype(x: Any, fn: str, arg: str = "dtype") -> Dtype:
    """``x`` as a dtype object (a dtype, its name or a numpy dtype)."""
    try:
        return as_dtype(x)
    except (TypeError, ValueError):
        raise fail_type(fn, arg, "a torch_dtype (such as torch_float())", x) from None
