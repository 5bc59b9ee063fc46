"""Named dimensions, as R torch's named tensors: ``torch_randn(2, 2, names = c("W", "H"))``, ``x$names``,
``x$has_names()``, ``x$rename(W = "a")``, and a dim given by name (``torch_cat(list(x, y), dim = "B")``,
``torch_var(x, dim = "a")``).

A tensor's names are metadata (``Tensor._names``: a tuple with a string or None per dim, or None when the
tensor has none). What this module carries: the factories' ``names =``, ``$names`` / ``$has_names()`` /
``$rename()`` / ``$rename_()``, dims looked up by name in every ``Dim``/``Dims`` argument (rtorch_py/_r.py),
and ``torch_cat`` keeping matching names. Other ops return unnamed results (libtorch propagates names through
most ops; rtorch_py does not, yet). An unnamed dim reads ``"*"``, libtorch's wildcard name.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._core import ops as O
from ._core.tensor import Tensor

__all__: list[str] = []

WILDCARD = "*"


def _describe(names: tuple | None, ndim: int) -> str:
    """libtorch's rendering of a tensor's names in errors: ``Tensor[W, None]``."""
    shown = names if names is not None else (None,) * ndim
    return "Tensor[" + ", ".join("None" if n is None else n for n in shown) + "]"


def _as_names(names: Any, ndim: int, fn: str) -> tuple | None:
    if names is None:
        return None
    if isinstance(names, str):
        names = [names]
    if isinstance(names, np.ndarray):
        names = names.tolist()
    if not isinstance(names, (list, tuple)) or not all(n is None or isinstance(n, str) for n in names):
        raise TypeError(f"{fn}: names must be a character vector, got {names!r}")
    out = tuple(None if n is None or n == WILDCARD else n for n in names)
    if len(out) != ndim:
        raise RuntimeError(f"{fn}: Number of names ({len(out)}) and number of dimensions in tensor ({ndim}) "
                           "do not match.")
    given = [n for n in out if n is not None]
    if len(set(given)) != len(given):
        dup = next(n for n in given if given.count(n) > 1)
        raise RuntimeError(f"{fn}: Cannot construct a tensor with duplicate names. Got names: "
                           f"[{', '.join('None' if n is None else n for n in out)}] (duplicate '{dup}').")
    return out if given else None


def set_names(t: Tensor, names: Any, fn: str) -> Tensor:
    """``t`` with its dims named ``names`` (a character vector, one per dim; ``"*"`` or NULL leaves a dim
    unnamed); returns ``t``.

    Example:
        >>> set_names(torch_zeros(2, 3), ["W", "H"], "torch_zeros")._names
        ('W', 'H')
    """
    t._names = _as_names(names, t._data.ndim, fn)
    return t


def axis_of_name(t: Any, name: str, fn: str) -> int:
    """The 0-based axis of ``t`` named ``name``, with libtorch's error when there is none.

    Example:
        >>> axis_of_name(torch_zeros(2, 3, names = ["W", "H"]), "H", "torch_sum")
        1
    """
    if isinstance(t, (list, tuple)) and t and isinstance(t[0], Tensor):
        t = t[0]  # a list of tensors: dims are those of the first, as for numbered dims
    names = getattr(t, "_names", None)
    if names is not None and name in names:
        return names.index(name)
    ndim = t._data.ndim if isinstance(t, Tensor) else 0
    raise RuntimeError(f"{fn}: Name '{name}' not found in {_describe(names, ndim)}.")


def reject_names(fn: str, op: str, dims: Any) -> None:
    """Raise libtorch's error for ops that take no named dims when ``dims`` names one (e.g. ``torch_norm``).

    Example:
        >>> reject_names("torch_norm", "norm", 1)  # a number passes
    """
    values = dims if isinstance(dims, (list, tuple)) else [dims]
    if any(isinstance(d, str) for d in values):
        raise RuntimeError(f"{fn}: {op} is not yet supported with named tensors. Please drop names via "
                           "`tensor$rename(NULL)`, call the op with an unnamed tensor, and set names on the result "
                           "of the operation.")


def common_names(tensors: list[Tensor], fn: str) -> tuple | None:
    """The names a result joining ``tensors`` keeps: theirs when they agree (unnamed dims match any name),
    None when none is named; an error when two name the same position differently.

    Example:
        >>> a = torch_zeros(2, names = ["A"]); common_names([a, torch_zeros(3)], "torch_cat")
        ('A',)
    """
    named = [t._names for t in tensors if getattr(t, "_names", None) is not None]
    if not named:
        return None
    out = list(named[0])
    for names in named[1:]:
        if len(names) != len(out):
            return None  # shapes differ in rank: the op reports that itself
        for i, n in enumerate(names):
            if n is None:
                continue
            if out[i] is None:
                out[i] = n
            elif out[i] != n:
                raise RuntimeError(f"{fn}: Error when attempting to broadcast dims [{', '.join(map(str, named[0]))}]"
                                   f" and dims [{', '.join(map(str, names))}]: dim '{n}' and dim '{out[i]}' are at "
                                   "the same position but do not match.")
    return tuple(out)


# -- Tensor members ------------------------------------------------------------------------------------------------

def tensor_names(self: Tensor) -> list[str] | None:
    """The dims' names (``"*"`` for an unnamed dim), or NULL when the tensor has none."""
    names = getattr(self, "_names", None)
    return None if names is None else [WILDCARD if n is None else n for n in names]


def tensor_has_names(self: Tensor) -> bool:
    """Whether any dim is named.

    Example:
        >>> torch_zeros(2, names = ["A"]).has_names(), torch_zeros(2).has_names()
        (True, False)
    """
    return getattr(self, "_names", None) is not None


def _renamed(self: Tensor, names: tuple, mapping: dict, fn: str) -> tuple | None:
    if names and mapping:
        raise RuntimeError(f"{fn}: give either the new names in order or old = new pairs, not both")
    if mapping:
        current = list(getattr(self, "_names", None) or (None,) * self._data.ndim)
        for old, new in mapping.items():
            if old not in current:
                raise RuntimeError(f"{fn}: Tried to rename dim '{old}' to dim '{new}' in "
                                   f"{_describe(getattr(self, '_names', None), self._data.ndim)} but dim '{old}' "
                                   "does not exist")
            current[current.index(old)] = new
        return _as_names(current, self._data.ndim, fn)
    if len(names) == 1 and (names[0] is None or isinstance(names[0], (list, tuple, np.ndarray))):
        names = names[0]  # rename(NULL) drops the names; rename(c("a", "b")) as one vector
    return _as_names(None if names is None else list(names), self._data.ndim, fn)


def tensor_rename(self: Tensor, *names: Any, **mapping: Any) -> Tensor:
    """A view of ``self`` with renamed dims: new names in order (``rename("a", "b")``), ``old = new`` pairs
    (``rename(W = "a")``), or NULL to drop them.

    Example:
        >>> torch_zeros(2, 2, names = ["W", "H"]).rename(W = "a").names
        ['a', 'H']
    """
    new = _renamed(self, names, mapping, "rename")
    out = O.view(self, self._data.shape)
    out._names = new
    return out


def tensor_rename_(self: Tensor, *names: Any, **mapping: Any) -> Tensor:
    """Rename ``self``'s dims in place (as :func:`tensor_rename`); returns ``self``.

    Example:
        >>> x = torch_zeros(2, names = ["W"]); _ = x.rename_("a"); x.names
        ['a']
    """
    self._names = _renamed(self, names, mapping, "rename_")
    return self
