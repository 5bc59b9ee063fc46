"""Errors whose words depend on the caller's counting convention.

The core counts from 0 (Python's ``x[...]`` does too), R torch's functions count from 1. A core function that
mentions a dim or a position in its message raises a *worded* error: the message is a template whose fields
are marked as :class:`Axis` (a dim) or :class:`Pos` (an element position). ``str(err)`` reads 0-based;
the R-named API layer (``rtorch_py._r.r_api``) re-raises ``err.one_based()``, the same exception type with the
marked fields counted from 1, so R users read "dimension 1" where Python users read "dimension 0".

Example:
    >>> e = worded(IndexError, "index {i} is out of bounds for dimension {d} with size {n}", i=Pos(3),
    ...            d=Axis(0), n=3)
    >>> str(e), str(e.one_based())
    ('index 3 is out of bounds for dimension 0 with size 3', 'index 4 is out of bounds for dimension 1 with size 3')
"""

from __future__ import annotations

from typing import Any

__all__ = ["Axis", "Pos", "Worded", "worded"]


class Axis(int):
    """A 0-based dim inside a worded message (negative dims are shown as given)."""

    def one_based(self) -> int:
        return int(self) + 1 if self >= 0 else int(self)


class Pos(Axis):
    """A 0-based element position (an index value) inside a worded message."""


class Worded(Exception):
    """Mixin of worded errors: ``template`` and ``fields`` keep what the message is made of."""

    template: str
    fields: dict[str, Any]

    def one_based(self) -> BaseException:
        """The same error with its dims and positions counted from 1 (R torch's wording)."""
        fields = {k: v.one_based() if isinstance(v, Axis) else v for k, v in self.fields.items()}
        return self._base(self.template.format(**fields))


_CLASSES: dict[type, type] = {}


def worded(kind: type[BaseException], template: str, **fields: Any) -> BaseException:
    """An exception of type ``kind`` (IndexError, RuntimeError, ...) reading 0-based, rewordable 1-based."""
    cls = _CLASSES.get(kind)
    if cls is None:
        cls = _CLASSES[kind] = type(kind.__name__, (Worded, kind), {"_base": kind, "__module__": kind.__module__})
    err = cls(template.format(**fields))
    err.template, err.fields = template, fields
    return err
