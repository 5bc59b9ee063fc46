"""What the C bridge (``r_shim/src/bridge.c``) calls: the dispatch table, ``$``, the R classes of Python objects.

The C side imports this module once, when the first R call reaches Python, and keeps the objects that
:func:`c_api` returns. Everything R-specific that is not syntax lives in Python (:mod:`.rsemantics`,
:mod:`.indexing`); the C side only converts values:

- R -> Python: ``NULL`` -> ``None``; a length-1 plain double/integer/logical -> ``float``/``int``/``bool``
  (a double ``NA`` is NaN; a logical/integer/character value holding ``NA`` stays an ``RObject``, and as an
  argument of a Python function it is refused by :func:`reject_na`, naming the argument); other numeric
  vectors -> numpy arrays of R's own types (float64, int32, bool), Fortran-ordered with R's ``dim``;
  character -> ``str`` or list of ``str``; lists -> ``list``,
  named lists -> ``dict``; our tensors and objects -> the same Python objects; other R functions and values ->
  ``_rnative.RObject`` (callable for functions); an empty argument -> :data:`MISSING`; factors are refused.
- Python -> R: ``None`` -> ``NULL``; scalars -> length-1 vectors; numpy arrays -> vectors/matrices/arrays
  (int64 -> integer when it fits); lists/tuples of scalars -> atomic vectors, other lists -> lists, dicts ->
  named lists; ``RObject`` -> the R value; anything else -> an external pointer with the R class that
  :func:`r_class` gives (kind 1: an R function that calls the object, e.g. modules).
"""

from __future__ import annotations

import inspect
import os
import re
import sys
import sysconfig
import warnings as _warnings
from collections.abc import Callable
from typing import Any

__all__ = ["c_api", "METHOD", "METHOD_INVISIBLE", "MISSING", "RError", "register_r_class", "DISPATCH"]


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


METHOD = _Sentinel("METHOD")
"""Returned by :func:`dollar` when ``x$name`` is a method: R then builds ``function(...)`` calling it."""

METHOD_INVISIBLE = _Sentinel("METHOD_INVISIBLE")
"""As :data:`METHOD`, for methods whose result R torch returns invisibly (``x$backward()``, in-place ``x$add_()``,
methods annotated ``-> None``): at top level they print nothing."""

MISSING = _Sentinel("MISSING")
"""An empty R argument, as in ``x[, 1]``."""


class RError(RuntimeError):
    """An error raised by R code that Python called (an R callback); the message is R's."""


WARNINGS: list[str] = []
"""Python warnings raised during a bridge call; the C side turns them into R warnings afterwards."""


_python_showwarning = _warnings.showwarning


def _showwarning(message: Any, category: Any, filename: str, lineno: int, file: Any = None,
                 line: Any = None) -> None:
    """During a call from R, a Python warning becomes an R warning (R prints it its own way); otherwise
    Python shows it as usual."""
    from . import _rnative  # noqa: PLC0415 - created by the C side

    if _rnative.in_call():
        WARNINGS.append(str(message))
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


MESSAGE_MARK = "\x01"
"""A WARNINGS entry starting with it is an R message (rtorch_py._inform.inform), not a warning."""


def _r_message(text: str) -> bool:
    from . import _rnative  # noqa: PLC0415 - created by the C side

    if not _rnative.in_call():
        return False
    WARNINGS.append(MESSAGE_MARK + text)
    return True


def install_warning_hook() -> None:
    """Python warnings raised during calls from R become R warnings (done at start; call it again inside a
    ``warnings.catch_warnings()`` block, e.g. under pytest, which records warnings its own way); messages
    (rtorch_py._inform.inform) become R messages."""
    from .. import _inform  # noqa: PLC0415

    if _r_message not in _inform.HOOKS:
        _inform.HOOKS.append(_r_message)
    _warnings.showwarning = _showwarning
    # every time, as R's warning(): Python's default action shows a warning once per code location, so a
    # second call from R (same Python line) would warn silently
    for category in (UserWarning, RuntimeWarning):
        _warnings.filterwarnings("always", category=category)


# -- dispatch by name ----------------------------------------------------------------------------------------

class _Dispatch(dict):
    """R function name -> Python callable. Unknown names resolve once: first the bridge's R-specific
    implementations (:mod:`.rsemantics`), then ``rtorch_py``'s exported functions of that name."""

    def __missing__(self, name: str) -> Any:
        from . import rsemantics  # noqa: PLC0415

        fn = rsemantics.TABLE.get(name)
        if fn is None:
            import rtorch_py  # noqa: PLC0415

            fn = getattr(rtorch_py, name, None)
            if fn is None:
                for mod in ("nn", "optim"):
                    sub = sys.modules.get(f"rtorch_py.{mod}")
                    fn = getattr(sub, name, None) if sub else None
                    if fn is not None:
                        break
        if fn is None or not callable(fn):
            raise NotImplementedError(f"'{name}' is not available in rtorch_py yet")
        self[name] = fn
        return fn


DISPATCH = _Dispatch()


# -- NA ------------------------------------------------------------------------------------------------------

def takes_r_values(fn: Any) -> Any:
    """Marks a callable that takes R values as they are, NA included (R-defined methods, hand-offs)."""
    fn._r_values = True
    return fn


def _has_na(v: Any) -> bool:
    from . import _rnative  # noqa: PLC0415 - created by the C side

    if isinstance(v, _rnative.RObject):
        return v.rtype in ("logical", "integer", "character")  # other such values arrive converted
    if isinstance(v, (list, tuple)):
        return any(_has_na(x) for x in v)
    if isinstance(v, dict):
        return any(_has_na(x) for x in v.values())
    return False


def reject_na(fn: Any, args: tuple, kwargs: dict) -> None:
    """Called by the C side when an argument is or holds R's NA (logical, integer or character; a double NA
    is NaN and passes): an error naming the argument, as no torch function takes a missing value. Callables
    that take R values as they are (R functions, R-defined methods and modules) get them unchanged."""
    from . import _rnative  # noqa: PLC0415

    target = fn
    if not callable(target) or isinstance(target, _rnative.RObject):
        return
    if isinstance(target, type):  # a class (a module generator): its initialize
        if getattr(getattr(target, "initialize", None), "_r_values", False):
            return
    elif not inspect.isroutine(target) and hasattr(target, "forward"):
        target = target.forward  # a module called as a function
    if getattr(getattr(target, "__func__", target), "_r_values", False):
        return
    name = getattr(fn, "__name__", None) or type(fn).__name__
    name = name[2:] if name.startswith("r_") else name  # the bridge's r_torch_tensor is torch_tensor
    try:
        bound = inspect.signature(target).bind_partial(*args, **kwargs).arguments.items()
    except (TypeError, ValueError):
        bound = [*((f"#{i + 1}", a) for i, a in enumerate(args)), *kwargs.items()]
    for pname, value in bound:
        if _has_na(value):
            raise ValueError(f"{name}(): argument '{pname}' is NA or contains NA: torch functions take no "
                             "missing values (a double NA is NaN; use NaN or a value)")
    raise ValueError(f"{name}(): an argument is NA or contains NA: torch functions take no missing values")


# -- Python's words -> R's ------------------------------------------------------------------------------------

_R_TYPE = {"NoneType": "NULL", "str": "a character string", "RObject": "an R value of another kind",
           "float": "a number", "int": "an integer",
           "bool": "a logical", "list": "a list", "dict": "a named list", "tuple": "a list",
           "Tensor": "a torch_tensor", "function": "a function",
           "ndarray": "an R vector", "method": "a function"}


def _r_type(name: str) -> str:
    name = name.strip("'").rsplit(".", 1)[-1]
    return _R_TYPE.get(name, f"a value of class {name}")


def _shorten_arrays(text: str) -> str:
    """numpy's repr of an R vector (``array([1, 2, ...], dtype=int32)``) as R would name it."""
    out, i = [], 0
    while True:
        j = text.find("array(", i)
        if j < 0:
            return "".join(out) + text[i:]
        depth, k = 0, j + 5
        while k < len(text):
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            if depth == 0:
                break
            k += 1
        n = text.count(",", j, k) + 1 - text.count("dtype", j, k)
        out.append(text[i:j] + ("an R vector" if n > 1 else "an R value"))
        i = k + 1


_REWORD: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"^(\w+)\(\) got an unexpected keyword argument '(\w+)'"),
     lambda m: f"{m[1]}(): unused argument ({m[2]})"),
    (re.compile(r"^(\w+)\(\) got multiple values for argument '(\w+)'"),
     lambda m: f"{m[1]}(): formal argument \"{m[2]}\" matched by multiple actual arguments"),
    (re.compile(r"^(\w+)\(\) missing \d+ required (?:positional|keyword-only) arguments?: (.*)"),
     lambda m: f"{m[1]}(): argument {m[2].replace(chr(39), chr(34)).replace(' and ', ', ')} is missing, "
               "with no default"),
    (re.compile(r"^(\w+)\(\) takes (?:from \d+ to )?(\d+) positional arguments? but (\d+) (?:were|was) given"),
     lambda m: f"{m[1]}(): unused argument(s): {m[3]} given, at most {m[2]} allowed"),
    (re.compile(r"^'[<>=!]+' not supported between instances of '(\w+)' and '(\w+)'"),
     lambda m: f"invalid argument: {_r_type(m[1])} where {_r_type(m[2])} is expected"),
    (re.compile(r"^'([\w.]+)' object has no attribute '_data'"),
     lambda m: f"expected a torch_tensor, got {_r_type(m[1])}"),
    (re.compile(r"^maximum supported dimension for an ndarray is currently (\d+), found (\d+)"),
     lambda m: f"too many dimensions: at most {m[1]} are supported, got {m[2]}"),
    (re.compile(r"^'([\w.]+)' object is not (?:iterable|subscriptable)"),
     lambda m: f"invalid argument: {_r_type(m[1])} where a list or vector is expected"),
    (re.compile(r"^'([\w.]+)' object is not callable"),
     lambda m: f"invalid argument: {_r_type(m[1])} where a function is expected"),
    (re.compile(r"^object of type '(\w+)' has no len\(\)"),
     lambda m: f"invalid argument: {_r_type(m[1])} where a vector is expected"),
    (re.compile(r"^unsupported operand type\(s\) for .*"), lambda m: "non-numeric argument to binary operator"),
    (re.compile(r"^operands must be tensors or numbers, not (\w+)"),
     lambda m: f"non-numeric argument to binary operator ({_r_type(m[1])})"),
    (re.compile(r"^bad operand type for .*"), lambda m: "invalid argument to unary operator"),
    (re.compile(r"^could not convert string to float: (.*)"), lambda m: f"invalid argument: {m[1]} is not a number"),
    (re.compile(r"^invalid literal for int\(\) with base 10: (.*)"),
     lambda m: f"invalid argument: {m[1]} is not a whole number"),
    (re.compile(r"^(?:int|float)\(\) argument must be .*, not '([\w.]+)'"),
     lambda m: f"invalid argument: {_r_type(m[1])} where a number is expected"),
    (re.compile(r"^must be real number, not (\w+)"),
     lambda m: f"invalid argument: {_r_type(m[1])} where a number is expected"),
    (re.compile(r"^'([\w.]+)' object cannot be interpreted as an integer"),
     lambda m: f"invalid argument: {_r_type(m[1])} where a whole number is expected"),
    (re.compile(r"^'([\w.]+)' object has no attribute '(\w+)'"),
     lambda m: f"invalid argument: {_r_type(m[1])} (it has no field or method '{m[2]}')"),
    (re.compile(r"^unhashable type: '(\w+)'"), lambda m: f"invalid argument: {_r_type(m[1])} cannot be a key"),
    (re.compile(r"^zero-size array to reduction operation (\w+) which has no identity"),
     lambda m: f"cannot compute the {m[1]} of an empty tensor (a dimension of size 0)"),
    (re.compile(r"^maximum recursion depth exceeded.*"),
     lambda m: "evaluation nested too deeply: infinite recursion / options(expressions=)?"),
]


_GOT = re.compile(r"\b(got|not|of class) '?(NoneType|RObject|str|float|int|bool|dict|tuple|function|ndarray)\b'?")


def _r_words(text: str) -> str:
    """Python type names in an otherwise clear message, said in R's terms."""
    return _GOT.sub(lambda m: f"{m[1]} {_r_type(m[2])}", text)


def error_text(exc: BaseException, fn: Any = None) -> str:
    """The R error message for a Python exception raised in a call from R: the exception's own text, except
    where it is Python's wording (argument binding, type errors of builtins), which is said in R's terms and
    prefixed with the called function's name."""
    text = str(exc) or type(exc).__name__
    for pat, say in _REWORD:
        m = pat.match(text)
        if m:
            out = say(m)
            name = getattr(fn, "__name__", None)
            if name and not out.startswith(name) and re.match(r"^\w+\(\)", out) is None:
                name = name[2:] if name.startswith("r_") else name
                out = f"{name}(): {out}"
            return out
    text = _r_words(_shorten_arrays(text))
    if len(text) > 1500:  # a long list of values: its start and end say enough
        text = f"{text[:700]} ... {text[-300:]}"
    return text


# -- `$` -------------------------------------------------------------------------------------------------------

_FIELD, _METHOD_KIND, _METHOD_INVISIBLE_KIND = 0, 1, 2
_KINDS: dict[tuple[type, str], int] = {}
_NOTHING = object()


# Methods that R torch returns invisibly although they return a value here (`model$eval()` at top level prints
# nothing): module methods ending in invisible(self) or an assignment in its nn_Module; Tensor's retain_grad.
_MODULE_INVISIBLE = frozenset({"train", "eval", "to", "cpu", "cuda", "apply", "load_state_dict", "zero_grad",
                               "add_module", "register_module", "register_parameter", "register_buffer"})
_TENSOR_INVISIBLE = frozenset({"retain_grad"})


def _kind(obj: Any, name: str) -> tuple[int, bool]:
    """Whether ``obj.name`` is a method (R: ``x$name(...)``) or a field, and whether the answer holds for
    the whole class (instance attributes do not)."""
    cls = type(obj)
    attr = inspect.getattr_static(cls, name, _NOTHING)
    if attr is _NOTHING:
        return _FIELD, False  # instance attribute (or absent): its value, e.g. a submodule
    if isinstance(attr, property) and getattr(attr.fget, "r_method", False):
        return _METHOD_KIND, True  # a property whose value is callable, a method in R (grad_fn$name())
    if isinstance(attr, (property, staticmethod)) or not callable(attr):
        return _FIELD, True
    if isinstance(attr, type):
        return _FIELD, True
    invisible = returns_invisibly(attr, name) or _invisible_in_r(cls, name)
    return (_METHOD_INVISIBLE_KIND if invisible else _METHOD_KIND), True


def _invisible_in_r(cls: type, name: str) -> bool:
    if name in _TENSOR_INVISIBLE and issubclass(cls, _tensor_type() or ()):
        return True
    nn = sys.modules.get("rtorch_py.nn.module")
    return name in _MODULE_INVISIBLE and nn is not None and issubclass(cls, nn.nn_Module)


def returns_invisibly(fn: Any, name: str) -> bool:
    """Whether R torch returns this function's value invisibly: in-place methods (``add_``) and functions
    annotated ``-> None`` (``backward``, ``torch_manual_seed``)."""
    if name.endswith("_") and not name.endswith("__"):
        return True
    ann = getattr(getattr(fn, "__func__", fn), "__annotations__", None) or {}
    return ann.get("return", "") in (None, "None", type(None))


def dollar(obj: Any, name: str) -> Any:
    """R's ``obj$name``: the value of a field, :data:`METHOD` for a method, NULL when absent (as R torch)."""
    key = (type(obj), name)
    kind = _KINDS.get(key)
    if kind is None:
        kind, per_class = _kind(obj, name)
        if per_class:
            _KINDS[key] = kind
    if kind == _METHOD_KIND:
        return METHOD
    if kind == _METHOD_INVISIBLE_KIND:
        return METHOD_INVISIBLE
    return getattr(obj, name, None)


def setattr_(obj: Any, name: str, value: Any) -> None:
    """R's ``obj$name <- value``."""
    setattr(obj, name, value)


# -- R classes of Python objects -------------------------------------------------------------------------------

_R_CLASSES: dict[type, tuple[tuple[str, ...], int]] = {}


def register_r_class(pytype: type, classes: tuple[str, ...], callable_in_r: bool = False) -> None:
    """The R ``class()`` of instances of ``pytype`` (and subclasses) as seen from R. With ``callable_in_r``
    R sees a function (``model(x)``), as R torch's modules. A class may instead define ``__r_class__``
    (a tuple of names) and ``__r_callable__``."""
    _R_CLASSES[pytype] = (tuple(classes), int(callable_in_r))


def _register_defaults() -> None:
    from .._core.dtype import dtype  # noqa: PLC0415
    from .._core.tensor import Tensor  # noqa: PLC0415

    register_r_class(Tensor, ("torch_tensor", "R7"))
    register_r_class(dtype, ("torch_dtype", "R7"))
    try:
        from ..creation import torch_device  # noqa: PLC0415

        register_r_class(torch_device, ("torch_device", "R7"))
    except ImportError:  # pragma: no cover - the core moved it
        pass
    try:
        from .._core.autograd import Node  # noqa: PLC0415

        register_r_class(Node, ("torch_Node", "R7"))
    except ImportError:  # pragma: no cover
        pass


def _module_chain(cls: type, base: type) -> tuple[str, ...]:
    """R torch's class vector of a module: its class name, each inherited generator's, then "nn_module"
    (c("goodbye", "hello", "nn_linear", "nn_module")); internal bases (names starting "_") are left out."""
    names: list[str] = []
    for k in cls.__mro__:
        if isinstance(k, type) and issubclass(k, base):
            name = k.__dict__.get("_classname") or getattr(k, "_classname", None) or k.__name__
            if not name.startswith("_") and name != "nn_module" and name not in names:
                names.append(name)
    return (*names, "nn_module")


def _family_class(cls: type) -> tuple[tuple[str, ...], int] | None:
    """Modules and optimizers: classes named per Python class, as R torch's generators name them."""
    nn = sys.modules.get("rtorch_py.nn.module")
    if nn is not None and issubclass(cls, nn.nn_Module):
        return _module_chain(cls, nn.nn_Module), 2  # an R function, one per module (bridge.c's wrap_as)
    opt = sys.modules.get("rtorch_py.optim.optimizer")
    if opt is not None and issubclass(cls, getattr(opt, "Optimizer", ())):
        return (cls.__name__, "torch_optimizer", "R6"), 0
    sched = sys.modules.get("rtorch_py.optim.lr_scheduler")
    base = getattr(sched, "LRScheduler", None) if sched is not None else None
    if base is not None and issubclass(cls, base):
        return (cls.__name__, "lr_scheduler", "R6"), 0
    return None


def r_class(obj: Any) -> tuple[Any, ...] | None:
    """``(class names, kind[, cacheable])`` for an object crossing into R: kind 0 an external pointer, 1 an R
    function calling it, 2 a module (an R function, the same one while R holds it, with R torch's
    ``attr(m, "module")`` object and what saveRDS keeps of it). The C side caches the answer per Python type
    unless ``cacheable`` is False (an answer that depends on the object, as for classes)."""
    if not _R_CLASSES:
        _register_defaults()
    cls = type(obj)
    own = getattr(cls, "__r_class__", None)
    if own:
        return tuple(own), int(bool(getattr(cls, "__r_callable__", False)))
    for klass in cls.__mro__:
        if klass in _R_CLASSES:
            return _R_CLASSES[klass]
    family = _family_class(cls)
    if family is not None:
        return family
    if isinstance(obj, type):  # a generator: calling it makes an instance
        generator_class = getattr(obj, "__r_generator_class__", None)
        if generator_class:
            return tuple(generator_class), 1, False
        nn = sys.modules.get("rtorch_py.nn.module")
        if nn is not None and issubclass(obj, nn.nn_Module):
            return (*_module_chain(obj, nn.nn_Module), "nn_module_generator"), 1, False
        return (obj.__name__, "py_class", "py_object"), 1, False
    if callable(obj):
        return ("py_function", "py_object"), 1
    return (cls.__name__, "py_object"), 0


def signature_from_formals(names: list[str], has_default: list[bool]) -> inspect.Signature:
    """The Python signature of an R closure (``...`` -> ``*args``, then keyword-only parameters)."""
    params, seen_dots = [], False
    for name, default in zip(names, has_default):
        if name == "...":
            params.append(inspect.Parameter("args", inspect.Parameter.VAR_POSITIONAL))
            seen_dots = True
            continue
        kind = inspect.Parameter.KEYWORD_ONLY if seen_dots else inspect.Parameter.POSITIONAL_OR_KEYWORD
        ident = name if name.isidentifier() else name.replace(".", "_")
        params.append(inspect.Parameter(ident, kind, default=None if default else inspect.Parameter.empty))
    return inspect.Signature(params)


# -- start-up -----------------------------------------------------------------------------------------------------

def _fix_library_path() -> None:
    """Child processes of an R-hosted process must find this Python's libpython before any other
    (Rscript and rpy2 put R's library directories first)."""
    libdir = sysconfig.get_config_var("LIBDIR")
    if not libdir:
        return
    parts = [p for p in os.environ.get("LD_LIBRARY_PATH", "").split(":") if p and p != libdir]
    os.environ["LD_LIBRARY_PATH"] = ":".join([libdir, *parts])


def tune_gc() -> None:
    """Python's cyclic collector when R drives: tensors (and their graph nodes) live until R's collector
    finalizes them, so thousands of dead-but-unreleased objects survive young collections and make full
    ones walk everything. Freeze what exists now (modules, functions) out of the collector's sight and
    collect the young generation less often. Done when R hosts, or for `rtorch run`; a Python program
    using the bridge keeps its own settings."""
    import gc  # noqa: PLC0415

    gc.collect()
    gc.freeze()
    g0, g1, g2 = gc.get_threshold()
    gc.set_threshold(max(g0, 10000), max(g1, 20), max(g2, 20))


def _tensor_type() -> type | None:
    try:
        from .._core.tensor import Tensor  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return None
    return Tensor if hasattr(Tensor, "_data") else None  # the numpy array holding a tensor's values


def c_api(started_by_r: int) -> dict[str, Any]:
    """The objects the C side keeps. Called once per process, when R first reaches Python."""
    import rtorch_py  # noqa: F401, PLC0415 - fail here, with Python's message, if the package is broken

    from ..serialization import module_from_skeleton, module_skeleton  # noqa: PLC0415

    # The C side put _rnative in sys.modules only; as an attribute of this package too, `from . import
    # _rnative` is an attribute read instead of a caught AttributeError (~1.5 us, three times per x[i, j]).
    sys.modules[__package__]._rnative = sys.modules[f"{__package__}._rnative"]
    _fix_library_path()
    install_warning_hook()
    if started_by_r:
        tune_gc()
    return {
        "dispatch": DISPATCH, "dollar": dollar, "setattr": setattr_, "r_class": r_class,
        "METHOD": METHOD, "METHOD_INVISIBLE": METHOD_INVISIBLE, "MISSING": MISSING, "warnings": WARNINGS,
        "RError": RError, "signature_from_formals": signature_from_formals, "reject_na": reject_na,
        "error_text": error_text,
        # what saveRDS() keeps of a module, and the module rebuilt from it at `$load_state_dict`
        "module_skeleton": module_skeleton, "module_from_skeleton": module_from_skeleton,
        # the C side counts the bytes of tensors handed to R (tensor._data.nbytes) to run R's gc in time
        "tensor_type": _tensor_type(),
    }
