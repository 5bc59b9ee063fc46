"""R's semantics that R torch adds on top of the R-named API: R values as tensors, R's operators and Math
group, ``print``, ``as_array``, ``length``/``dim``. Called by name from the R shim (``.Call(C_rt_call2, "*",
e1, e2)``); :data:`TABLE` is the bridge's part of the dispatch table (``_hooks.DISPATCH``).

R values arrive as the C bridge converts them (see :mod:`._hooks`): numeric vectors other than plain
length-1 ones are numpy arrays of R's types (float64 / int32 / bool).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import creation as _C
from .. import functions as _F
from .._core.dtype import as_dtype, get_default_dtype
from .._core.tensor import Tensor
from . import indexing

__all__ = ["TABLE", "r_tensor", "r_torch_tensor"]


# -- R values as tensors -----------------------------------------------------------------------------------------

def r_tensor(value: Any, dtype: Any = None) -> Tensor:
    """A tensor from an R value with R torch's rule: doubles -> the default float type, integers -> long,
    logicals -> bool; a length-1 vector has shape ``{1}``; matrices keep ``t[i, j] == m[i, j]``."""
    if isinstance(value, Tensor):
        return value if dtype is None else value.to(dtype=dtype)
    if isinstance(value, np.ndarray):
        if dtype is None:
            kind = value.dtype.kind
            target = get_default_dtype().np if kind == "f" else np.int64 if kind in "iu" else value.dtype
        else:
            target = as_dtype(dtype).np
        return _C.torch_tensor(np.ascontiguousarray(value, dtype=target), dtype=dtype)
    if isinstance(value, (bool, int, float)):
        return _C.torch_tensor([value], dtype=dtype)
    if value is None:  # R torch: torch_tensor(NULL) is an empty bool tensor
        return _C.torch_tensor(np.zeros(0, dtype=np.bool_), dtype=dtype)
    return _C.torch_tensor(value, dtype=dtype)


def r_torch_tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
                   pin_memory: bool = False) -> Tensor:
    """R's ``torch_tensor()``."""
    t = r_tensor(data, dtype)
    if t is data:
        t = t.clone().detach()
    _C._check_device(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _operand(x: Any) -> Any:
    """An operand of an R operator: tensors and plain numbers as they are, R vectors as tensors."""
    if isinstance(x, np.ndarray):
        return r_tensor(x)
    return x


def _as_tensor(x: Any, like: Any) -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return r_tensor(x)
    return _C.torch_scalar_tensor(x)


# -- Ops group ---------------------------------------------------------------------------------------------------

_UNARY = object()


def _binary(op: Callable[[Any, Any], Any], unary: Callable[[Any], Any] | None = None) -> Callable[..., Any]:
    def f(e1: Any, e2: Any = _UNARY) -> Any:
        if e2 is _UNARY:
            if unary is None:
                raise TypeError("invalid unary operator")
            return unary(_operand(e1))
        return op(_operand(e1), _operand(e2))

    return f


def _fmod(a: Any, b: Any) -> Tensor:
    return _F.torch_fmod(_as_tensor(a, b), b)


def _intdiv(a: Any, b: Any) -> Tensor:
    return _F.torch_div(_as_tensor(a, b), b, rounding_mode="trunc")


def _logical(fn: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Any, Any], Tensor]:
    return lambda a, b: fn(_as_tensor(a, b), _as_tensor(b, a))


OPS: dict[str, Callable[..., Any]] = {
    "+": _binary(lambda a, b: a + b, lambda a: a),
    "-": _binary(lambda a, b: a - b, lambda a: -a),
    "*": _binary(lambda a, b: a * b),
    "/": _binary(lambda a, b: a / b),
    "^": _binary(lambda a, b: a ** b),
    "%%": _binary(_fmod),
    "%/%": _binary(_intdiv),
    "==": _binary(lambda a, b: a == b),
    "!=": _binary(lambda a, b: a != b),
    "<": _binary(lambda a, b: a < b),
    "<=": _binary(lambda a, b: a <= b),
    ">": _binary(lambda a, b: a > b),
    ">=": _binary(lambda a, b: a >= b),
    "&": _binary(_logical(_F.torch_logical_and)),
    "|": _binary(_logical(_F.torch_logical_or)),
    "!": _binary(lambda a, b: _F.torch_logical_not(a), lambda a: _F.torch_logical_not(a)),
}


# -- Math group --------------------------------------------------------------------------------------------------

def _math(name: str) -> Callable[..., Any]:
    fn_name = {"ceiling": "torch_ceil", "gamma": "torch_lgamma_exp"}.get(name, f"torch_{name}")

    def f(x: Any, *args: Any, **kwargs: Any) -> Any:
        fn = getattr(_F, fn_name, None) or getattr(_C, fn_name, None)
        if fn is None:
            raise NotImplementedError(f"{name}() is not implemented for tensors")
        return fn(x, *args, **kwargs)

    return f


def _log(x: Tensor, base: Any = None) -> Tensor:
    y = _F.torch_log(x)
    return y if base is None else y / math.log(float(base))


def _round(x: Tensor, digits: Any = 0) -> Tensor:
    return _F.torch_round(x, decimals=int(digits))


def _cum(name: str) -> Callable[[Tensor], Tensor]:
    return lambda x: getattr(_F, f"torch_{name}")(x, dim=1)


MATH: dict[str, Callable[..., Any]] = {
    name: _math(name)
    for name in ("abs", "sign", "sqrt", "floor", "ceiling", "trunc", "exp", "expm1", "log1p", "log2",
                 "log10", "cos", "sin", "tan", "acos", "asin", "atan", "cosh", "sinh", "tanh", "acosh",
                 "asinh", "atanh", "lgamma", "digamma")
}
MATH.update({"log": _log, "round": _round, "cumsum": _cum("cumsum"), "cumprod": _cum("cumprod")})


# -- Summary group and mean --------------------------------------------------------------------------------------

_COMBINE: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "sum": lambda a, b: a + b, "prod": lambda a, b: a * b, "max": _F.torch_maximum, "min": _F.torch_minimum,
}


def _summary(name: str) -> Callable[..., Any]:
    """R torch's sum/prod/max/min methods: one tensor reduced (sum and prod take ``dim``, ``keepdim``); several
    tensors each reduced, then combined (``sum(x, y)`` is ``x$sum() + y$sum()``)."""
    fn = getattr(_F, f"torch_{name}")

    def f(*xs: Any, na_rm: Any = False, **kwargs: Any) -> Any:
        if not xs or not all(isinstance(x, Tensor) for x in xs):
            raise ValueError(f"{name}() on tensors takes tensors only, got "
                             f"{', '.join(type(x).__name__ for x in xs) or 'nothing'}")
        if len(xs) == 1:
            return fn(xs[0], **kwargs)
        if kwargs or name not in _COMBINE:
            raise ValueError(f"{name}() on several tensors takes no other arguments; use torch_{name}() on each")
        out = fn(xs[0])
        for x in xs[1:]:
            out = _COMBINE[name](out, fn(x))
        return out

    return f


SUMMARY: dict[str, Callable[..., Any]] = {
    f"summary_{name}": _summary(name) for name in ("sum", "prod", "max", "min", "all", "any")
}


# -- printing and conversion to R ------------------------------------------------------------------------------

def _slc(start: Any, end: Any, step: Any = 1) -> Any:
    from .indexing import r_slc  # noqa: PLC0415
    return r_slc(start, end, step)


def r_format(x: Any, n: Any = 30, grad_suffix: Any = None) -> str:
    """What ``print(x, n)`` writes for a tensor (ending in a newline), or for another object its text."""
    if isinstance(x, Tensor):
        from .._core.printing import r_tensor_text  # noqa: PLC0415
        from .._core.tensor import print_options  # noqa: PLC0415

        old = print_options.grad_suffix
        if grad_suffix is not None:
            print_options.grad_suffix = bool(grad_suffix)
        try:
            suffix = x._grad_suffix()
        finally:
            print_options.grad_suffix = old
        return r_tensor_text(x._data, n=int(n) if n is not None else 30, suffix=suffix)
    text = getattr(x, "r_format", None)
    if callable(text):
        return text()
    if isinstance(x, type):  # a generator (nn_module(), optimizer(), ...)
        return f"<{getattr(x, '_classname', None) or x.__name__}> object generator\n"
    s = repr(x)
    return s if s.endswith("\n") else s + "\n"


def r_as_array(x: Any) -> np.ndarray:
    """R torch's ``as_array``: a numpy array (the C side makes it an R vector/matrix/array)."""
    return _C.as_array(x)


def r_length(x: Tensor) -> int:
    return int(np.prod(x.shape, dtype=np.int64))


def r_dim(x: Tensor) -> np.ndarray:
    return np.asarray(x.shape, dtype=np.int32)


# -- handing objects between the embedded R and its host -----------------------------------------------------------

_HANDOFF: dict[int, Any] = {}
_next_key = [0]


def handoff_put(obj: Any) -> int:
    """Keeps ``obj`` under a new key until :func:`handoff_take`: how objects cross without converting."""
    _next_key[0] += 1
    _HANDOFF[_next_key[0]] = obj
    return _next_key[0]


def handoff_take(key: Any) -> Any:
    return _HANDOFF.pop(int(key))


def r_module_child(module: Any, i: Any) -> Any:
    """``model[[i]]``: the i-th child (1-based) or the child, parameter or buffer named ``i``."""
    if isinstance(i, str):
        return getattr(module, i)
    k = int(i)
    children = list(module._modules.values())
    if k < 1 or k > len(children):
        raise IndexError(f"subscript out of bounds: the module has {len(children)} children")
    return children[k - 1]


def r_dollar_names(obj: Any) -> list[str]:
    """What ``x$`` completes to (R's ``.DollarNames``): public fields and methods."""
    return sorted(n for n in dir(obj) if not n.startswith("_"))


def r_module_length(module: Any) -> int:
    return len(module._modules)


# -- classes defined in R: nn_module(), optimizer(), lr_scheduler() ------------------------------------------------

_CLASS_MAKERS = {
    "nn_module": ("rtorch_py.nn", "nn_module"),
    "optimizer": ("rtorch_py.optim", "optimizer"),
    "lr_scheduler": ("rtorch_py.optim", "lr_scheduler"),
}


def _as_method(f: Any, call_method: Any, name: str) -> Any:
    """An R function (which uses ``self``, ``super`` and ``private`` from its environment, R6 style) as a
    Python method taking ``self``: R's ``.rt_call_method(f, self, ...)`` runs it with those bound."""
    from ._rnative import RObject  # noqa: PLC0415

    if not (isinstance(f, RObject) and f.is_function):
        return f

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return call_method(f, self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    sig = f.__signature__
    if sig is not None:
        self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        method.__signature__ = sig.replace(parameters=[self_param, *sig.parameters.values()])
    return method


def r_class_maker(maker: str, classname: Any, inherit: Any, members: dict, private: Any, active: Any,
                  call_method: Any) -> type:
    """R's ``nn_module("Net", initialize = function(...) ..., forward = ...)`` and its kin: the R functions
    become methods of a Python class made by rtorch_py's own constructor."""
    import importlib  # noqa: PLC0415

    modname, fname = _CLASS_MAKERS[maker]
    make = getattr(importlib.import_module(modname), fname)
    kwargs = {k: _as_method(v, call_method, k) for k, v in (members or {}).items()}
    for group, values in (("private", private), ("active", active)):
        if values:
            kwargs[group] = {k: _as_method(v, call_method, k) for k, v in values.items()}
    args = [classname]
    if inherit is not None:
        args.append(inherit)
    return make(*args, **kwargs)


def _identity(x: Any) -> Any:
    return x


def context_enter(cm: Any) -> None:
    """R torch's ``local_*`` functions: enter a Python context manager now ..."""
    cm.__enter__()


def context_exit(cm: Any) -> None:
    """... and exit it when the R frame exits (``on.exit``)."""
    cm.__exit__(None, None, None)


# -- helpers the shim's tests use -----------------------------------------------------------------------------

def _test_call(f: Any, *args: Any, **kwargs: Any) -> Any:
    """Calls ``f`` (an R function from R) from Python."""
    return f(*args, **kwargs)


def _test_raise(message: str, kind: str = "ValueError") -> None:
    raise {"ValueError": ValueError, "RuntimeError": RuntimeError, "KeyboardInterrupt": KeyboardInterrupt,
           "TypeError": TypeError}[kind](message)


def _test_warn(message: str, value: Any = None) -> Any:
    import warnings  # noqa: PLC0415

    warnings.warn(message, UserWarning, stacklevel=1)
    return value


def _test_busy(seconds: Any) -> float:
    """Python busy for ``seconds`` (Ctrl-C tests interrupt it)."""
    import time  # noqa: PLC0415

    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        time.sleep(0.01)
    return float(seconds)


def _python_gc_stats() -> list:
    """Python's collector: collections per generation so far (benchmarks compare settings)."""
    import gc  # noqa: PLC0415

    return [g["collections"] for g in gc.get_stats()]


def _python_info() -> dict:
    """Which Python the bridge runs in (tests check that Rscript starts the configured one)."""
    import sys  # noqa: PLC0415

    return {"version": sys.version, "executable": sys.executable, "prefix": sys.prefix}


def _test_types(x: Any) -> Any:
    """Python's view of an R value: its type name, and for arrays dtype, shape and Fortran order."""
    if isinstance(x, np.ndarray):
        return [type(x).__name__, str(x.dtype), list(x.shape), bool(x.flags.f_contiguous)]
    if isinstance(x, dict):
        return {k: _test_types(v) for k, v in x.items()}
    if isinstance(x, list):
        return [type(x).__name__, *[_test_types(v) for v in x]]
    return type(x).__name__


def _type_name(x: Any) -> str:
    t = type(x)
    return f"{t.__module__}.{t.__qualname__}"


TABLE: dict[str, Callable[..., Any]] = {
    **OPS,
    **MATH,
    **SUMMARY,
    "r_torch_tensor": r_torch_tensor,
    "r_slc": _slc,
    "r_format": r_format,
    "r_as_array": r_as_array,
    "r_length": r_length,
    "r_dim": r_dim,
    "r_subset": indexing.r_subset,
    "r_subassign": indexing.r_subassign,
    "handoff_put": handoff_put,
    "handoff_take": handoff_take,
    "r_module_child": r_module_child,
    "r_class_maker": r_class_maker,
    "r_module_length": r_module_length,
    "r_dollar_names": r_dollar_names,
    "identity": _identity,
    "type_name": _type_name,
    "context_enter": context_enter,
    "context_exit": context_exit,
    "bridge_test_call": _test_call,
    "bridge_test_raise": _test_raise,
    "bridge_test_warn": _test_warn,
    "bridge_test_types": _test_types,
    "bridge_python_info": _python_info,
    "bridge_test_busy": _test_busy,
    "bridge_python_gc_stats": _python_gc_stats,
}
