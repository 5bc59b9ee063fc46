"""R6's object model, once: the base class :class:`R6` and the class factory :func:`r6_class` that nn_module(),
optimizer(), lr_scheduler() (and the R-side versions of them) build their classes with, plus R6's printed form
(:func:`r6_format`) and the one Python-to-R literal writer (:func:`r_literal`).

R6 semantics kept here, for every family:

- ``initialize``: ``Class(...)`` runs ``self.initialize(...)``; the class's signature is initialize's.
- ``self.super`` inside a method is the parent of the class that DEFINED the running method (R6's ``super$``),
  so ``super`` chains over several levels of ``inherit`` work. Methods made by :func:`r6_class` (and Python
  methods of subclasses that mention ``super``) record their defining class while they run; outside a method
  ``self.super`` is the parent of ``type(self)``.
- ``private``: private member ``name`` is stored as ``_name`` (class-level methods and fields, listed in
  ``_r_private``); ``self.private.name`` reads and writes it, as R6's ``private$name``.
- ``active``: an active binding is a function of ``self`` and an optional ``value``: reading calls it with
  ``self`` only, assigning calls it with the value; a function without a ``value`` is read-only.
- the R class: ``_r_class`` is the class's own R name (None: unnamed, R shows its parent), ``_classname`` the
  nearest named class along the MRO (R's ``class(x)[1]``).
- ``print``/``format``: :func:`r6_format`, R6's ``format.R6`` (families with R torch's own print override
  ``__repr__``, as nn_Module).

Python-to-R conventions used by printing and by the wrapper generator:
- a method's R formals are its positional-or-keyword parameters after ``self`` (``*args`` is R's ``...``);
  keyword-only parameters and ``**kwargs`` are Python-side additions and are not shown;
- ``lambd`` / a trailing underscore (Python keyword clashes) print as R's name (``lambda``);
- ``None`` is ``NULL``, booleans ``TRUE``/``FALSE``, tuples of scalars ``c(...)``, dicts ``list(...)``.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import math
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["R6", "r6_class", "r6_format", "r6_classes", "r_literal", "r_num", "deparse_signature", "r_arg_name"]


# -- the running methods: R6's super ------------------------------------------------------------------------------

# (instance, defining class) of the R6 methods running now, innermost last. `self.super` resolves from the class
# that defined the running method, as R6's `super$` (type(self) would recurse forever in a 3-level chain).
_RUNNING: list[tuple[Any, type]] = []


def _method(fn: Callable, owner: list[type]) -> Callable:
    """``fn`` recording ``(self, owner[0])`` while it runs (``owner`` is filled once the class exists)."""

    @functools.wraps(fn)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        _RUNNING.append((self, owner[0]))
        try:
            return fn(self, *args, **kwargs)
        finally:
            _RUNNING.pop()

    method._r6_owner = owner  # type: ignore[attr-defined]
    return method


def _mentions_super(code: types.CodeType) -> bool:
    return "super" in code.co_names or any(isinstance(c, types.CodeType) and _mentions_super(c)
                                           for c in code.co_consts)


class _Private:
    """``self.private.name`` reads and writes ``self._name``: R6's ``private$name``."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any) -> None:
        object.__setattr__(self, "_obj", obj)

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._obj, "_" + name)
        except AttributeError:
            raise AttributeError(f"<{type(self._obj)._classname}> has no private member '{name}'") from None

    def __setattr__(self, name: str, value: Any) -> None:
        # Past the object's own __setattr__: a private tensor is not registered as a module's parameter.
        object.__setattr__(self._obj, "_" + name, value)

    def __dir__(self) -> list[str]:
        return list(_declared_private(type(self._obj)))


def _declared_private(cls: type) -> list[str]:
    names: list[str] = []
    for c in reversed(cls.__mro__):
        for name in c.__dict__.get("_r_private", ()):
            if name not in names:
                names.append(name)
    return names


def _active(fn: Callable, owner: list[type], name: str) -> property:
    """An R6 active binding: ``fn(self)`` reads, ``fn(self, value)`` assigns."""
    bound = _method(fn, owner)
    try:
        settable = len(inspect.signature(fn).parameters) >= 2
    except (TypeError, ValueError):
        settable = True

    def get(self: Any) -> Any:
        return bound(self)

    def put(self: Any, value: Any) -> None:
        if not settable:
            raise AttributeError(f"active binding '{name}' of <{type(self)._classname}> is read-only: its "
                                 "function takes no `value`")
        bound(self, value)

    return property(get, put, doc=getattr(fn, "__doc__", None))


# -- the base class ------------------------------------------------------------------------------------------------

class R6:
    """Base of R6-style classes: ``Class(...)`` runs ``initialize``; ``self.super`` and ``self.private`` as R6.

    Example:
        >>> class Counter(R6):
        ...     _r_private = ("n",)
        ...     def initialize(self, start=0):
        ...         self.private.n = start
        ...     def add(self):
        ...         self.private.n += 1
        ...         return self.private.n
        >>> c = Counter(5); c.add()
        6
    """

    _r_class: str | None = None  # the R6 base itself is not an R class ("R6" is appended by printing)
    _classname: str = "R6"
    _r_private: tuple[str, ...] = ()
    _r6_hidden: frozenset[str] = frozenset()  # public members left out of the printed form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.initialize(*args, **kwargs)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        d = cls.__dict__
        if "_r_class" not in d:
            type.__setattr__(cls, "_r_class", d.get("_classname", cls.__name__))
        if "_classname" not in d:
            type.__setattr__(cls, "_classname", next((n for n in r6_classes(cls)), "R6"))
        # Python methods that use `super` record their defining class too, so that a Python subclass of a
        # generated class (or the reverse) resolves `self.super` from the right place.
        for name, v in list(d.items()):
            if (inspect.isfunction(v) and not (name.startswith("__") and name.endswith("__"))
                    and not hasattr(v, "_r6_owner") and _mentions_super(v.__code__)):
                type.__setattr__(cls, name, _method(v, [cls]))
        # help() and inspect show the constructor's real arguments (those of `initialize`).
        try:
            sig = inspect.signature(cls.initialize)
            cls.__signature__ = sig.replace(parameters=list(sig.parameters.values())[1:])
        except (TypeError, ValueError):
            pass

    def initialize(self) -> None:
        """Set up a new object (override it)."""

    @property
    def super(self) -> Any:
        """R6's ``super``: the methods of the parent of the class defining the running method, bound to
        ``self`` (``self.super.initialize(...)``)."""
        for obj, cls in reversed(_RUNNING):
            if obj is self:
                return builtins.super(cls, self)
        return builtins.super(type(self), self)

    @property
    def private(self) -> _Private:
        """R6's ``private``: ``self.private.name`` is the private member ``name`` (stored as ``self._name``)."""
        return _Private(self)

    def __repr__(self) -> str:
        return r6_format(self)


def r6_class(classname: str | None, inherit: type | None, base: type, public: Mapping[str, Any],
             private: Mapping[str, Any] | None = None, active: Mapping[str, Any] | None = None) -> type:
    """A new R6 class (R's ``R6Class``), the one factory behind nn_module(), optimizer(), lr_scheduler().

    ``base`` is the family's base class (a subclass of :class:`R6`); ``inherit`` (default ``base``) must be a
    subclass of it. ``public`` members that are functions become methods taking ``self`` (they may call
    ``self.super.<method>(...)`` and use ``self.private.<name>``), other values class-level fields;
    ``private`` members are stored as ``_name``; ``active`` functions of ``self`` and an optional ``value``
    become active bindings. ``classname`` None makes an unnamed class (R shows its parent's name).

    Example:
        >>> class Animal(R6):
        ...     def initialize(self, name): self.name = name
        ...     def speak(self): return f"{self.name} makes a sound"
        >>> Dog = r6_class("Dog", Animal, R6, {"speak": lambda self: self.super.speak() + ": woof"},
        ...                active={"loud": lambda self: self.speak().upper()})
        >>> Dog("Rex").loud
        'REX MAKES A SOUND: WOOF'
    """
    parent = base if inherit is None else inherit
    if not (isinstance(parent, type) and issubclass(parent, base)):
        raise TypeError(f"r6_class: `inherit` must be a class derived from {base.__name__}, got "
                        f"{getattr(parent, '__name__', type(parent).__name__)}")
    if classname is not None and not isinstance(classname, str):
        raise TypeError(f"r6_class: `classname` must be a string or NULL, got {type(classname).__name__}")
    owner: list[type] = []
    ns: dict[str, Any] = {"_r_class": classname, "__module__": parent.__module__}
    if classname is None:
        ns["_classname"] = parent._classname
    for name, v in public.items():
        ns[name] = _method(v, owner) if inspect.isfunction(v) else v
    if private:
        ns["_r_private"] = tuple(private)
        for name, v in private.items():
            ns["_" + name] = _method(v, owner) if inspect.isfunction(v) else v
    for name, fn in (active or {}).items():
        if not callable(fn):
            raise TypeError(f"r6_class: active binding '{name}' must be a function, got {type(fn).__name__}")
        ns[name] = _active(fn, owner, name)
    cls = type(classname or parent.__name__, (parent,), ns)
    owner.append(cls)
    return cls


# -- Python values as R source -------------------------------------------------------------------------------------

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


def _r_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def r_literal(v: Any, exact: bool = False) -> str | None:
    """R source for a Python value, or None when R cannot write it.

    ``exact=False`` is R's ``deparse()`` as printing shows it: numbers with 15 significant digits (``20``,
    ``1e-08``), dicts as ``list(...)``, functions by name, objects by their ``_r_source()`` or repr.
    ``exact=True`` writes code that gives back the same value and type (the wrapper generator's defaults):
    integers as ``5L``, doubles round-tripping (``0.001``), only NULL, logicals, numbers, strings and
    vectors of them; anything else is None.

    Example:
        >>> r_literal((0.5, 1.2)), r_literal(None), r_literal(3, exact=True), r_literal("a\\"b")
        ('c(0.5, 1.2)', 'NULL', '3L', '"a\\\\"b"')
    """
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        if exact:
            return f"{v}L" if abs(v) < 2**31 else repr(float(v))
        return r_num(v)
    if isinstance(v, float):
        if not exact:
            return r_num(v)
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Inf" if v > 0 else "-Inf"
        return repr(v)
    if isinstance(v, str):
        return _r_string(v)
    if isinstance(v, tuple | list) and v and all(isinstance(e, bool | int | float | str) for e in v):
        return "c(" + ", ".join(r_literal(e, exact) for e in v) + ")"  # type: ignore[misc]
    if exact:
        return None
    source = getattr(v, "_r_source", None)
    if callable(source):
        return source()
    if isinstance(v, dict):
        return "list(" + ", ".join(f"{k} = {r_literal(e)}" for k, e in v.items()) + ")"
    if callable(v):
        return getattr(v, "__name__", "function")
    return repr(v)


# -- R6's printed form ---------------------------------------------------------------------------------------------

# deparse()'s default width.cutoff: a line is broken after the argument that takes it past this many chars.
_CUTOFF = 60


def r_arg_name(name: str) -> str:
    """The R name of a Python parameter: ``lambd`` (PyTorch's spelling) and ``lambda_`` are R's ``lambda``."""
    if name == "lambd":
        return "lambda"
    return name[:-1] if name.endswith("_") and not name.startswith("_") else name


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
            out.append(name if p.default is p.empty else f"{name} = {r_literal(p.default)}")
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
    from ._core.tensor import Tensor  # noqa: PLC0415

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
    if isinstance(v, dict | list | tuple):
        return "list"
    if isinstance(v, Tensor):
        return "torch_tensor, R7"
    if isinstance(v, R6) and not callable(v):  # R6 objects; modules are functions in R
        return ", ".join([*r6_classes(type(v)), "R6"])
    if callable(v):
        return deparse_signature(v)
    return type(v).__name__


def r6_classes(cls: type) -> list[str]:
    """R's ``class(x)`` minus "R6": the R class names along the Python MRO (``_r_class``; None = unnamed)."""
    out = []
    for c in cls.__mro__:
        if c is object or c is R6:
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
    """(public, private) members of an R6 object: public fields are the instance's and the classes'
    non-underscore attributes, public methods the classes' non-underscore functions (R6's own machinery,
    ``super`` and ``private``, is not a member); private members are the names listed in ``_r_private``."""
    cls = type(obj)
    hidden: set[str] = set()
    for c in reversed(cls.__mro__):
        hidden |= set(c.__dict__.get("_r6_hidden", ()))
    public: dict[str, Any] = {}
    for c in reversed(cls.__mro__):
        if c is object or c is R6:
            continue
        for name, v in c.__dict__.items():
            if name.startswith("_") or name in hidden:
                continue
            public[name] = _Active if isinstance(v, property) else getattr(obj, name)
    for name, v in vars(obj).items():
        if not name.startswith("_") and name not in hidden:
            public[name] = v
    private = {name: getattr(obj, "_" + name) for name in _declared_private(cls) if hasattr(obj, "_" + name)}
    return public, private


def _lines(members: dict[str, Any]) -> Iterable[str]:
    for name in sorted(members, key=_collation_key):
        yield f"    {name}: {summary(members[name])}"


def r6_format(obj: Any) -> str:
    """R6's default printed form of ``obj`` (``format.R6``), trailing whitespace removed as in a rendered
    document: its class, the class it inherits from, then its public and private members, one line each,
    sorted by name, with a short summary (a function's signature as R's ``deparse(args(f))[[1]]``: first
    line only, broken after the argument that passes 60 characters; ``list`` for lists; atomic values).

    Example:
        >>> print(r6_format(optim_sgd([torch_zeros(1, requires_grad=True)], lr=0.1)).splitlines()[0])
        <optim_sgd>
    """
    classes = r6_classes(type(obj))
    lines = [f"<{classes[0] if classes else 'R6'}>"]
    if len(classes) >= 2:
        lines.append(f"  Inherits from: <{classes[1]}>")
    public, private = _members(obj)
    lines.append("  Public:")
    lines.extend(_lines(public))
    if private:
        lines.append("  Private:")
        lines.extend(_lines(private))
    return "\n".join(lines).rstrip()
