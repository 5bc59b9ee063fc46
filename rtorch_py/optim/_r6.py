"""R6's printed form of an object, generated from its members (R6's ``format.R6`` / ``object_summaries``).

R torch's optimizers are R6 objects; printing one lists its class, the class it inherits from, then its public
and private members, one line each, sorted by name, with a short summary: a function's signature as R's
``deparse(args(f))[[1]]`` writes it (first line only: R breaks the line after an argument once it passes 60
characters), ``list`` for lists, the values for atomic vectors. Here the members are read from the Python
object, so user-defined optimizers print the same way.

Python-to-R conventions used for the summaries:
- a method's R formals are its positional-or-keyword parameters after ``self`` (``*args`` is R's ``...``);
  keyword-only parameters and ``**kwargs`` are Python-side additions and are not shown;
- ``lambd`` / a trailing underscore (Python keyword clashes) print as R's name (``lambda``);
- ``None`` is ``NULL``, booleans ``TRUE``/``FALSE``, tuples of scalars ``c(...)``, dicts and lists ``list``.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["r6_format", "r_num", "deparse_signature", "r_arg_name"]

# deparse()'s default width.cutoff: a line is broken after the argument that takes it past this many chars.
_CUTOFF = 60


def r_num(x: float, digits: int = 15) -> str:
    """A double as R writes it with ``digits`` significant digits (15: deparse/as.character; 7: print and
    cat): the fewest digits that show the value to that precision, in the shorter of fixed and scientific
    notation (fixed on a tie), e.g. ``0.001``, ``1e-08``, ``1e+06``, ``20``.

    Example:
        >>> r_num(1e-8), r_num(0.001), r_num(100000), r_num(41.468501, 7)
        ('1e-08', '0.001', '1e+05', '41.4685')
    """
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if x == 0:
        return "0"
    # The fewest significant digits that give the same number at R's `digits`-digit precision.
    target = float(f"{x:.{digits - 1}e}")
    for sig in range(1, digits + 1):
        if float(f"{x:.{sig - 1}e}") == target:
            break
    mantissa, exp = f"{x:.{sig - 1}e}".split("e")
    e = int(exp)
    sci = f"{mantissa}e{'-' if e < 0 else '+'}{abs(e):02d}"
    fixed = f"{x:.{max(0, sig - 1 - e)}f}"
    return fixed if len(fixed) <= len(sci) else sci


def r_arg_name(name: str) -> str:
    """The R name of a Python parameter: ``lambd`` (PyTorch's spelling) and ``lambda_`` are R's ``lambda``."""
    if name == "lambd":
        return "lambda"
    return name[:-1] if name.endswith("_") and not name.startswith("_") else name


def _r_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def deparse_value(v: Any) -> str:
    """A default value as R's deparse() writes it."""
    from .optimizer import optim_required  # noqa: PLC0415 - the sentinel lives with the optimizer base

    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int | float):
        return r_num(v)
    if isinstance(v, str):
        return _r_string(v)
    if isinstance(v, optim_required):
        return "optim_required()"
    if isinstance(v, tuple | list) and all(isinstance(e, bool | int | float | str) for e in v):
        return "c(" + ", ".join(deparse_value(e) for e in v) + ")"
    if isinstance(v, dict):
        return "list(" + ", ".join(f"{k} = {deparse_value(e)}" for k, e in v.items()) + ")"
    if callable(v):
        return getattr(v, "__name__", "function")
    return repr(v)


def _r_formals(fn: Callable) -> list[str]:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return ["..."]
    out = []
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            out.append("...")
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            name = r_arg_name(p.name)
            out.append(name if p.default is p.empty else f"{name} = {deparse_value(p.default)}")
    return out


def deparse_signature(fn: Callable) -> str:
    """The first line of R's ``deparse(args(fn))`` for a Python function or bound method.

    Example:
        >>> def step(self, closure=None): ...
        >>> deparse_signature(step.__get__(object()))
        'function (closure = NULL) '
    """
    args = _r_formals(fn)
    line = "function ("
    for i, a in enumerate(args):
        line += a
        if i < len(args) - 1:
            line += ", "
            if len(line) > _CUTOFF:  # deparse's linebreak(): the rest goes on the next lines
                return line
    return line + ") "


def _trim(s: str, n: int = 60) -> str:
    return s[: n - 4] + " ..." if len(s) > n else s


def _atomic(v: Any) -> str | None:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int | float):
        return r_num(v)
    if isinstance(v, str):
        return v
    return None


class _Active:
    """Marks an R6 active binding (a Python property) in a member list."""


def summary(v: Any) -> str:
    """One member's summary, as R6's ``object_summaries``."""
    from .._core.tensor import Tensor  # noqa: PLC0415

    if v is _Active:
        return "active binding"
    if v is None:
        return "NULL"
    if inspect.ismethod(v) or inspect.isfunction(v):
        return deparse_signature(v)
    a = _atomic(v)
    if a is not None:
        return _trim(a)
    if isinstance(v, tuple) and v and all(_atomic(e) is not None for e in v):
        return _trim(" ".join(_atomic(e) for e in v))  # type: ignore[misc]
    if isinstance(v, Mapping | list | tuple):  # the optimizer's state too: R torch printed it as a list
        return "list"
    if isinstance(v, Tensor):
        return "torch_tensor, R7"
    classes = r6_classes(type(v)) if hasattr(type(v), "_r6_hidden") else []
    if classes:
        return ", ".join([*classes, "R6"])
    if callable(v):
        return deparse_signature(v)
    return type(v).__name__


def r6_classes(cls: type) -> list[str]:
    """R's ``class(x)`` minus "R6": the R class names along the Python MRO (``_r_class``; None = unnamed)."""
    out = []
    for c in cls.__mro__:
        if c is object:
            continue
        name = c.__dict__.get("_r_class", c.__name__)
        if name is not None:
            out.append(name)
    return out


def _collation_key(name: str) -> tuple:
    # R's ls() sorts with the locale's collation (strcoll); in the usual en_US.UTF-8 locale punctuation such
    # as "_" and "." is ignored at first, letters compare case-insensitively, lowercase before uppercase.
    core = "".join(ch for ch in name if ch.isalnum())
    return core.lower(), core.swapcase(), name


def _members(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(public, private) members of an R6-like object: public fields are the instance's and the class's
    non-underscore attributes, public methods the class's non-underscore functions; private members are
    the names listed in the classes' ``_r_private`` (stored as ``_name``)."""
    cls = type(obj)
    hidden: set[str] = set()
    private_names: list[str] = []
    for c in reversed(cls.__mro__):
        hidden |= set(c.__dict__.get("_r6_hidden", ()))
        for name in c.__dict__.get("_r_private", ()):
            if name not in private_names:
                private_names.append(name)
    public: dict[str, Any] = {}
    for c in reversed(cls.__mro__):
        if c is object:
            continue
        for name, v in c.__dict__.items():
            if name.startswith("_") or name in hidden:
                continue
            public[name] = _Active if isinstance(v, property) else getattr(obj, name)
    for name, v in vars(obj).items():
        if not name.startswith("_") and name not in hidden:
            public[name] = v
    private = {name: getattr(obj, "_" + name) for name in private_names if hasattr(obj, "_" + name)}
    return public, private


def _lines(members: dict[str, Any]) -> Iterable[str]:
    for name in sorted(members, key=_collation_key):
        yield f"    {name}: {summary(members[name])}"


def r6_format(obj: Any) -> str:
    """R6's default printed form of ``obj`` (``format.R6``), trailing whitespace removed as in a rendered
    document.

    Example:
        >>> print(r6_format(optim_sgd([torch_zeros(1, requires_grad=True)], lr=0.1)).splitlines()[0])
        <optim_sgd>
    """
    classes = r6_classes(type(obj))
    lines = [f"<{classes[0]}>"]
    if len(classes) >= 2:
        lines.append(f"  Inherits from: <{classes[1]}>")
    public, private = _members(obj)
    lines.append("  Public:")
    lines.extend(_lines(public))
    if private:
        lines.append("  Private:")
        lines.extend(_lines(private))
    return "\n".join(lines).rstrip()
