"""R's semantics that R torch adds on top of the R-named API: R values as tensors, R's operators and Math
group, ``print``, ``as_array``, ``length``/``dim``. Called by name from the R shim (``.Call(C_rt_call2, "*",
e1, e2)``); :data:`TABLE` is the bridge's part of the dispatch table (``_hooks.DISPATCH``).

R values arrive as the C bridge converts them (see :mod:`._hooks`): numeric vectors other than plain
length-1 ones are numpy arrays of R's types (float64 / int32 / bool).
"""

from __future__ import annotations

import inspect
import math
import operator
import os
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import creation as _C
from .. import functions as _F
from .. import serialization as _S
from .._core.dtype import as_dtype, complex_of, get_default_dtype
from .._core.tensor import Tensor
from .._r import to_int
from . import indexing, rdata

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
            # R raw vectors arrive as uint8 and stay Byte tensors (R torch); R integers become long
            target = get_default_dtype().np if kind == "f" else value.dtype if value.dtype == np.uint8 else \
                np.int64 if kind in "iu" else \
                complex_of(get_default_dtype().np) if kind == "c" else value.dtype
        else:
            target = as_dtype(dtype).np
        return _C.torch_tensor(np.ascontiguousarray(value, dtype=target), dtype=dtype)
    if isinstance(value, (bool, int, float, complex)):
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
# Operand types an operator takes as they are (R's plain length-1 vectors arrive as Python scalars): the
# common `x * 0.2` goes straight to the Python operator, with no per-operand conversion call.
_PLAIN = frozenset({Tensor, float, int, bool})


def _binary(op: Callable[[Any, Any], Any], unary: Callable[[Any], Any] | None = None) -> Callable[..., Any]:
    def f(e1: Any, e2: Any = _UNARY) -> Any:
        if e1.__class__ in _PLAIN and e2.__class__ in _PLAIN:
            return op(e1, e2)
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
    "+": _binary(operator.add, operator.pos),
    "-": _binary(operator.sub, operator.neg),
    "*": _binary(operator.mul),
    "/": _binary(operator.truediv),
    "^": _binary(operator.pow),
    "%%": _binary(_fmod),
    "%/%": _binary(_intdiv),
    "==": _binary(operator.eq),
    "!=": _binary(operator.ne),
    "<": _binary(operator.lt),
    "<=": _binary(operator.le),
    ">": _binary(operator.gt),
    ">=": _binary(operator.ge),
    "&": _binary(_logical(_F.torch_logical_and)),
    "|": _binary(_logical(_F.torch_logical_or)),
    "!": _binary(lambda a, b: _F.torch_logical_not(a), lambda a: _F.torch_logical_not(a)),
}


# -- Math group --------------------------------------------------------------------------------------------------

# R's Math group functions that are a torch_ function of the tensor alone (R name -> torch_ name); an entry
# is dispatched only when that function exists, so adding e.g. torch_lgamma makes lgamma(x) work.
_R_MATH = {
    "abs": "torch_abs", "sign": "torch_sign", "sqrt": "torch_sqrt", "floor": "torch_floor",
    "ceiling": "torch_ceil", "trunc": "torch_trunc", "exp": "torch_exp", "expm1": "torch_expm1",
    "log1p": "torch_log1p", "log2": "torch_log2", "log10": "torch_log10", "cos": "torch_cos", "sin": "torch_sin",
    "tan": "torch_tan", "acos": "torch_acos", "asin": "torch_asin", "atan": "torch_atan", "cosh": "torch_cosh",
    "sinh": "torch_sinh", "tanh": "torch_tanh", "acosh": "torch_acosh", "asinh": "torch_asinh",
    "atanh": "torch_atanh", "lgamma": "torch_lgamma", "digamma": "torch_digamma",
}


def _math_table() -> dict[str, Callable[..., Any]]:
    table = {}
    for name, fn_name in _R_MATH.items():
        fn = getattr(_F, fn_name, None) or getattr(_C, fn_name, None)
        if fn is not None:
            table[name] = fn
    return table


def _log(x: Tensor, base: Any = None) -> Tensor:
    y = _F.torch_log(x)
    return y if base is None else y / math.log(float(base))


def _round(x: Tensor, digits: Any = 0) -> Tensor:
    return _F.torch_round(x, decimals=int(digits))


def _cum(name: str) -> Callable[[Tensor], Tensor]:
    return lambda x: getattr(_F, f"torch_{name}")(x, dim=1)


MATH: dict[str, Callable[..., Any]] = _math_table()
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


def r_as_integer64(x: Any) -> np.ndarray:
    """bit64's ``as.integer64(x)``: the values as int64, handed to R as doubles holding the int64 bit patterns
    (the representation of bit64's integer64; r_shim/R/tensor.R sets the class)."""
    return np.ascontiguousarray(_C.as_array(x), dtype=np.int64).view(np.float64)


def _head_count(x: Tensor, n: Any, fn: str) -> int:
    if x.ndim == 0:
        raise ValueError(f"{fn}(): a 0-d tensor has no dimension to take entries from")
    k, size = to_int(n, "n"), x.shape[0]
    return min(k, size) if k >= 0 else max(size + k, 0)


def r_head(x: Tensor, n: Any = 6) -> Tensor:
    """R's ``head(x, n)``: the first ``n`` entries along the first dim (negative ``n``: all but the last
    ``-n``), as R torch."""
    return x[: _head_count(x, n, "head")]


def r_tail(x: Tensor, n: Any = 6) -> Tensor:
    """R's ``tail(x, n)``: the last ``n`` entries along the first dim (negative ``n``: all but the first
    ``-n``)."""
    k = _head_count(x, n, "tail")
    return x[x.shape[0] - k:]


def r_rev(x: Tensor) -> Tensor:
    """R's ``rev(x)``: the first dimension in reverse order (for a 1-d tensor, its elements, as ``rev`` of
    an R vector)."""
    if x.ndim == 0:
        raise ValueError("rev(): a 0-d tensor has no dimension to reverse")
    return _F.torch_flip(x, 1)


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
    if isinstance(module, type):  # a generator (class) is one R function
        return 1
    return len(module._modules)


def r_module_children(module: Any) -> list:
    """``as.list(module)``: the children, in order."""
    return list(module._modules.values())


def r_module_slice(module: Any, i: Any) -> Any:
    """``seq[2:4]``: an nn_sequential of the children at R's 1-based positions ``i`` (negative drop)."""
    from ..nn.module import nn_sequential  # noqa: PLC0415

    children = list(module._modules.values())
    idx = np.atleast_1d(np.asarray(i._data if hasattr(i, "_data") else i)).astype(np.int64)
    if idx.size and np.all(idx < 0):
        drop = set((-idx - 1).tolist())
        picked = [c for k, c in enumerate(children) if k not in drop]
    else:
        if np.any(idx < 1) or np.any(idx > len(children)):
            raise IndexError(f"subscript out of bounds: the module has {len(children)} children, got "
                             f"{idx.tolist()}")
        picked = [children[k - 1] for k in idx.tolist()]
    return nn_sequential(*picked)


# -- classes defined in R: nn_module(), optimizer(), lr_scheduler() ------------------------------------------------

_CLASS_MAKERS = {
    "nn_module": ("rtorch_py.nn", "nn_module"),
    "optimizer": ("rtorch_py.optim", "optimizer"),
    "lr_scheduler": ("rtorch_py.optim", "lr_scheduler"),
    "dataset": ("rtorch_py.data", "dataset"),
    "iterable_dataset": ("rtorch_py.data", "iterable_dataset"),
    "sampler": ("rtorch_py.data", "sampler"),
}


def _as_method(f: Any, call_method: Any, name: str) -> Any:
    """An R function (which uses ``self``, ``super`` and ``private`` from its environment, R6 style) as a
    Python method taking ``self``: R's ``.rt_call_method(f, self, ...)`` runs it with those bound."""
    from ._rnative import RObject  # noqa: PLC0415

    if not (isinstance(f, RObject) and f.is_function):
        return f

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        # `self` crosses as a weak reference (R sees the object itself): a closure that the method stores in
        # the object (its environment holds `self`) then makes no cycle through R that neither collector sees
        try:
            me = weakref.ref(self)
        except TypeError:
            me = self
        return call_method(f, me, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method._r_values = True  # R code gets R values unchanged, NA included
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
    if isinstance(inherit, str):  # a generated R wrapper of a class stands for that class (classes.R)
        import rtorch_py  # noqa: PLC0415

        inherit = getattr(rtorch_py, inherit)
    if inherit is not None:
        args.append(inherit)
    return make(*args, **kwargs)


def r_strong_wolfe(obj_func: Any, x: Tensor, t: float, d: Tensor, f: float, g: Tensor, gtd: Any,
                   c1: float = 1e-4, c2: float = 0.9, tolerance_change: float = 1e-9, max_ls: int = 25) -> list:
    """R torch's internal ``.strong_wolfe``: L-BFGS's line search (rtorch_py.optim.lbfgs) with an R objective
    ``obj_func(x, t, d) -> list(loss, gradient)`` on tensors; returns list(loss, gradient, t, evaluations)."""
    from ..optim.lbfgs import _strong_wolfe  # noqa: PLC0415

    def objective(_x: Any, step: Any, _d: Any) -> tuple[float, np.ndarray]:
        loss, grad = obj_func(x, float(step), d)
        return float(loss), np.array(grad._data, dtype=g._data.dtype).ravel()

    f_new, g_new, t_new, evals = _strong_wolfe(objective, None, t, d._data.ravel(), float(f), g._data.ravel(),
                                               float(gtd.item() if isinstance(gtd, Tensor) else gtd), c1, c2,
                                               tolerance_change, int(max_ls))
    return [float(f_new), Tensor._wrap(np.array(g_new).reshape(g.shape)), float(t_new), int(evals)]


def r_exported_value(name: str) -> Any:
    """An exported rtorch_py object that is not a function (``constraint_real``, classes such as
    ``constraint_less_than``), for the R-side active bindings of r_shim/R/distributions.R."""
    import rtorch_py  # noqa: PLC0415

    return getattr(rtorch_py, name)


def context_enter(cm: Any) -> None:
    """R torch's ``local_*`` functions: enter a Python context manager now ..."""
    cm.__enter__()


def context_exit(cm: Any) -> None:
    """... and exit it when the R frame exits (``on.exit``)."""
    cm.__exit__(None, None, None)


handoff_put._r_values = True  # R values pass as they are, NA included

TABLE: dict[str, Callable[..., Any]] = {
    **OPS,
    **MATH,
    **SUMMARY,
    "r_torch_tensor": r_torch_tensor,
    "r_format": r_format,
    "r_as_array": r_as_array,
    "r_as_integer64": r_as_integer64,
    "r_length": r_length,
    "r_rev": r_rev,
    "r_head": r_head,
    "r_tail": r_tail,
    "r_check_device": _C._check_device,
    "r_dim": r_dim,
    "r_subset": indexing.r_subset,
    "r_subassign": indexing.r_subassign,
    "r_slc": indexing.r_slc,
    "handoff_put": handoff_put,
    "handoff_take": handoff_take,
    "r_module_child": r_module_child,
    "r_class_maker": r_class_maker,
    "rt_save": _S.r_save,  # torch_save / torch_load from R (r_shim/R/save.R)
    "rt_save_list": _S.r_save_list,
    "rt_load": _S.r_load,
    "xptr_address": _S.xptr_address,
    "r_data_call": rdata.r_data_call,
    "r_data_generator": rdata.r_data_generator,
    "r_exported_value": r_exported_value,
    "r_strong_wolfe": r_strong_wolfe,
    "r_module_length": r_module_length,
    "r_module_children": r_module_children,
    "r_module_slice": r_module_slice,
    "r_dollar_names": r_dollar_names,
    "context_enter": context_enter,
    "context_exit": context_exit,
    # r_shim/R/attributes.R
    "r_str": str,  # as.character(device)
    "r_generator_seed": lambda g: str(g.current_seed()),  # a decimal string: R makes it a bit64 integer64
    "r_generator_set_seed": lambda g, seed: g.set_current_seed(int(seed)),
    "r_dimname_names": lambda x: x.to_r(),
    "r_roundtrip": lambda x: x,  # test_stack(): R values to Python and back
}
if os.environ.get("RTORCH_TEST_HOOKS"):  # the shim's test suites (testthat.R, pytest's bridge tests) set it
    from .testing import TEST_HOOKS

    TABLE.update(TEST_HOOKS)
