"""Primitive tensor ops (0-based, numpy semantics for axes). Each computes its result with numpy and, when
grad mode is on and an input requires grad, records one graph node whose rule comes from the table in
``derivatives.py``. Compound ops elsewhere are written from these and need no rule of their own."""

from __future__ import annotations

import ast
import inspect
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import autograd, parallel
from . import derivatives as D
from . import dtype as _dt
from .autocast import state as _autocast
from .autograd import Node, SavedOutput
from .dtype import get_default_dtype, result_type
from .errors import Axis, Pos, worded
from .tensor import Tensor

_wrap = Tensor._wrap
_F32 = np.dtype(np.float32)
_F16 = np.dtype(np.float16)
_BF16_SEEN = _dt.BF16_SEEN
_mode = autograd._GradMode
OUT = object()  # marks "save this op's output" in record()'s saved tuple


def record(out: Any, name: str, rule: Any, inputs: tuple, saved: tuple = (), view_of: Tensor | None = None,
           exact_dtype: bool = False) -> Tensor:
    """Wrap ``out`` in a tensor; attach a node when grad mode is on and some input requires grad.

    inputs: the op's differentiable inputs (tensors or anything else, which get no gradient).
    saved: what the rule receives after the gradient; tensors are version-checked, OUT is the output.
    view_of: the output shares this tensor's storage, hence its version counter.
    exact_dtype: ``out`` has its final dtype (casts); otherwise a float32 result of bfloat16 inputs is rounded
    to bfloat16 (_bf16_result).
    """
    if out.__class__ is not np.ndarray and not isinstance(out, np.ndarray):  # (keeps meta storage, meta.py)
        out = np.asarray(out)
    if _BF16_SEEN[0] and view_of is None and not exact_dtype and out.dtype == _F32:
        out = _bf16_result(out, inputs)
    t = _wrap(out)
    if view_of is not None:
        t._version = view_of._version
        base = view_of._base
        if base is None:
            base = view_of
        t._base = base
        t._base_fn = base._grad_fn
    if not _mode.enabled:
        return t
    for x in inputs:
        if x.__class__ is Tensor:
            if x._base is not None:
                x._sync_view()
            if x._requires_grad:
                break
    else:
        return t  # no input requires grad: no node (the common case of data preparation: one pass, no lists)
    nxt = []  # per input: its node, itself (a leaf requiring grad) or None
    meta = []
    for x in inputs:
        if x.__class__ is Tensor and x._requires_grad:
            fn = x._grad_fn
            nxt.append(x if fn is None else fn)
            d = x._data
            meta.append((d.shape, d.dtype))
        else:
            nxt.append(None)
            meta.append(None)
    versions = []
    has_out = False
    for s in saved:
        if s.__class__ is Tensor:
            versions.append((s._version, s._version[0], s._data))
        elif s is OUT:
            versions.append((t._version, t._version[0], out))
            has_out = True
    if has_out:  # (a loop: a comprehension is a function call of its own)
        unpacked = []
        for s in saved:
            unpacked.append(SavedOutput(out) if s is OUT else s)
        saved = tuple(unpacked)
    elif saved.__class__ is not tuple:
        saved = tuple(saved)
    if (rule, len(nxt), len(saved)) not in _CONTRACTS_OK:
        check_rule(name, rule, len(nxt), len(saved))
    t._grad_fn = Node(name, rule, tuple(nxt), tuple(meta), saved, tuple(versions), has_out)
    t._requires_grad = True
    return t


# -- the rule contract ---------------------------------------------------------------------------------------

_CONTRACTS_OK: set[tuple[Any, int, int]] = set()  # (rule, inputs, saved) already checked


def _return_arities(rule: Any) -> set[int] | None:
    """How many gradients the rule's ``return`` statements give (a tuple's length; 1 for an arithmetic
    expression), from its source; None where that cannot be read. Returns of a name or a call are skipped."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(rule)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    fn = tree.body[0] if tree.body else None
    if not isinstance(fn, ast.FunctionDef):  # a lambda or a callable object: not read
        return None
    found: set[int] = set()
    todo = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue  # a nested function's returns are its own
        if isinstance(node, ast.Return) and node.value is not None:
            v = node.value
            if isinstance(v, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in v.elts):
                found.add(len(v.elts))
            elif isinstance(v, ast.BinOp | ast.UnaryOp):
                found.add(1)
        todo.extend(ast.iter_child_nodes(node))
    return found


def check_rule(name: str, rule: Any, n_inputs: int, n_saved: int) -> None:
    """The contract of ``record(out, name, rule, inputs, saved)``: the engine calls ``rule(grad, *saved)`` and
    takes one gradient per input (a rule shared with a form that has more tensor operands, as lerp's with a
    number weight, may return trailing extra entries: they are ignored). Raises TypeError (naming the node
    and the rule) when the rule's signature cannot take the gradient and ``n_saved`` values, or its returns
    give fewer gradients than ``n_inputs``. Checked once per (rule, arity) when a node is first recorded, so
    a wrong arity fails the op's first test, not a user's backward."""
    label = getattr(rule, "__qualname__", repr(rule))
    try:
        sig = inspect.signature(rule)
    except (TypeError, ValueError):
        sig = None
    if sig is not None:
        try:
            sig.bind(None, *([None] * n_saved))
        except TypeError as e:
            raise TypeError(f"{name}: derivative rule {label}{sig} cannot be called with the gradient and "
                            f"{n_saved} saved value(s): {e}") from None
    arities = _return_arities(rule)
    if arities and min(arities) < n_inputs:
        raise TypeError(f"{name}: derivative rule {label} returns {min(arities)} gradient(s) for {n_inputs} "
                        "inputs")
    _CONTRACTS_OK.add((rule, n_inputs, n_saved))


# -- operands and promotion ------------------------------------------------------------------------------

def autocast_args(*ts: Any) -> tuple:
    """The tensors as the autocast region wants them (autocast.py): floating, not float64, cast to its dtype."""
    dt = _autocast.dtype
    bf = _dt.is_bf16(dt)  # the bfloat16 tag compares equal to float32: tell them apart by the tag
    return tuple(to_dtype(t, dt) if t is not None and t._data.dtype.kind == "f" and t._data.dtype != np.float64 and
                 (t._data.dtype != dt or _dt.is_bf16(t._data.dtype) != bf) else t for t in ts)


def _nd(x: Any) -> np.ndarray:
    """``x`` as an ndarray (numpy's 0-d results are scalars); ndarray subclasses (meta storage) kept."""
    return x if isinstance(x, np.ndarray) else np.asarray(x)


def _data(x: Any) -> Any:
    return x._data if x.__class__ is Tensor else x


# A Python int keeps the type of a float or int64 tensor in torch and in numpy (NEP 50) alike, so it needs no
# promotion step (small int types are left to the general path: numpy refuses out-of-range ints there).
_KEEPS_INT = {np.dtype(t) for t in (np.float16, np.float32, np.float64, np.int64)}.__contains__


def _binary(a: Any, b: Any) -> tuple:
    """Numpy operands for a binary op with torch's type promotion (Python scalars stay Python scalars)."""
    xa = a._data if a.__class__ is Tensor else a
    xb = b._data if b.__class__ is Tensor else b
    ta, tb = xa.__class__ is np.ndarray, xb.__class__ is np.ndarray
    if ta and tb:
        if xa.dtype == xb.dtype:
            return xa, xb
    elif ta and (xb.__class__ is float and xa.dtype.kind == "f" or xb.__class__ is int and _KEEPS_INT(xa.dtype)):
        return xa, xb
    elif tb and (xa.__class__ is float and xb.dtype.kind == "f" or xa.__class__ is int and _KEEPS_INT(xb.dtype)):
        return xa, xb
    if not ta and not tb:  # (a subclass: meta storage, see meta.py)
        if not (isinstance(xa, np.ndarray) or isinstance(xb, np.ndarray)):
            raise TypeError(f"expected at least one tensor operand, got {type(xa).__name__} and "
                            f"{type(xb).__name__}")
    for x in (xa, xb):
        if not isinstance(x, (np.ndarray, int, float, complex, np.number, np.bool_)):
            raise TypeError(f"operands must be tensors or numbers, not {type(x).__name__}")
    rt = result_type(xa, xb)
    return _cast(xa, rt), _cast(xb, rt)


def _ternary(a: Any, b: Any, c: Any) -> tuple:
    """Numpy operands of a three-input op (addcmul, addcdiv) in their common (promoted) type."""
    xa, xb, xc = _data(a), _data(b), _data(c)
    if xa.__class__ is np.ndarray and xb.__class__ is np.ndarray and xc.__class__ is np.ndarray and \
            xa.dtype == xb.dtype == xc.dtype:
        return xa, xb, xc
    rt = result_type(xa, xb, xc)
    return _cast(xa, rt), _cast(xb, rt), _cast(xc, rt)


def _bf16_result(out: np.ndarray, inputs: tuple) -> np.ndarray:
    """A float32 result of bfloat16 inputs (and no plain float32 tensor) rounded to bfloat16, as libtorch's
    bfloat16 kernels store it; otherwise plain float32 (numpy may have passed the tag on)."""
    bf = plain = False
    for x in inputs:
        if x.__class__ is Tensor and x._data.dtype == _F32:
            if x._data.dtype.metadata is not None and _dt.is_bf16(x._data.dtype):
                bf = True
            else:
                plain = True
    if bf and not plain:
        return _dt.round_bf16(out)
    return out.view(_F32) if out.dtype.metadata is not None else out


def _cast(x: Any, dt: np.dtype) -> Any:
    if x.__class__ is np.ndarray:
        return x if x.dtype == dt else x.astype(dt)
    if isinstance(x, (np.generic,)):
        x = x.item()
    return np.array(x, dtype=dt) if dt.kind == "f" and isinstance(x, int) else x


def _shape_error(op: str, *operands: Any) -> RuntimeError:
    """libtorch's broadcasting error for the first two operands whose shapes conflict (dimension 0-based, as
    libtorch prints it), prefixed with the op's name."""
    shapes = [np.shape(x) for x in operands]
    n = max(len(s) for s in shapes)
    padded = [(1,) * (n - len(s)) + s for s in shapes]
    for j in range(1, len(padded)):
        for k in range(j):
            pa, pb = padded[k], padded[j]
            for i in range(n - 1, -1, -1):
                if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
                    return RuntimeError(
                        f"{op}: The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) at "
                        f"non-singleton dimension {i}"
                    )
    return RuntimeError(f"{op}: shapes {' and '.join(str(list(s)) for s in shapes)} do not broadcast")


def _float_data(x: Tensor) -> np.ndarray:
    """Data for ops whose result is floating (exp, sqrt, ...): integers promote to the default dtype."""
    d = x._data
    return d if d.dtype.kind in "fc" else d.astype(get_default_dtype().np)


def as_tensor(x: Any) -> Tensor:
    """``x`` itself if a Tensor, else a new leaf wrapping ``np.asarray(x)``."""
    if x.__class__ is Tensor:
        return x
    return _wrap(np.asarray(x))


# -- elementwise binary ------------------------------------------------------------------------------------

def _check_alpha(xa: Any, alpha: Any, op: str) -> None:
    if isinstance(alpha, float) and np.asarray(xa).dtype.kind in "biu":
        raise RuntimeError(f"{op}: For integral input tensors, argument alpha must not be a floating point number.")


def add(a: Any, b: Any, alpha: Any = 1) -> Tensor:
    """``a + alpha * b`` with broadcasting and torch's type promotion (AddBackward0)."""
    xa, xb = _binary(a, b)
    if _BF16_SEEN[0]:
        xa, xb = _bf16_scalar(xa, xb)
    if alpha != 1:
        _check_alpha(xa, alpha, "add")
    try:
        out = xa + xb if alpha == 1 else xa + xb * alpha
    except ValueError:
        raise _shape_error("add", xa, xb) from None
    return record(out, "AddBackward0", D.add, (a, b), (alpha,) if alpha != 1 else ())


def _bf16_scalar(xa: Any, xb: Any) -> tuple:
    """add/sub of a bfloat16 tensor and a number: libtorch rounds the number to bfloat16 first (mul does not)."""
    for i, (t, v) in enumerate(((xa, xb), (xb, xa))):
        if t.__class__ is np.ndarray and v.__class__ in (float, int) and t.dtype.metadata is not None \
                and _dt.is_bf16(t.dtype):
            v = float(_dt.round_bf16(np.float32(v)))
            return (t, v) if i == 0 else (v, t)
    return xa, xb


def _is_bool(x: Any) -> bool:
    return x.__class__ is bool or (x.__class__ is Tensor and x._data.dtype == np.bool_) or \
        isinstance(x, np.bool_)


def sub(a: Any, b: Any, alpha: Any = 1) -> Tensor:
    """``a - alpha * b`` (SubBackward0; RsubBackward1 when ``a`` is a number); refuses bool operands."""
    if _is_bool(a) or _is_bool(b):
        if _is_bool(a) and _is_bool(b):
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                               "Use the `^` or `logical_xor()` operator instead.")
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    xa, xb = _binary(a, b)
    if _BF16_SEEN[0]:
        xa, xb = _bf16_scalar(xa, xb)
    if alpha != 1:
        _check_alpha(xa, alpha, "sub")
    try:
        out = xa - xb if alpha == 1 else xa - xb * alpha
    except ValueError:
        raise _shape_error("sub", xa, xb) from None
    # `2 - x` is libtorch's rsub (x.rsub(2)): RsubBackward1, with the same rule.
    name = "SubBackward0" if a.__class__ is Tensor else "RsubBackward1"
    return record(out, name, D.sub, (a, b), (alpha,))


def mul(a: Any, b: Any) -> Tensor:
    """``a * b`` with broadcasting (MulBackward0)."""
    xa, xb = _binary(a, b)
    try:
        out = xa * xb
    except ValueError:
        raise _shape_error("mul", xa, xb) from None
    return record(out, "MulBackward0", D.mul, (a, b), (a, b))


def div(a: Any, b: Any, rounding_mode: str | None = None) -> Tensor:
    """``a / b`` (integers give the default float dtype); ``rounding_mode`` "trunc"/"floor" rounds (no gradient)."""
    xa, xb = _binary(a, b)
    try:
        if rounding_mode is None:
            if np.asarray(xa).dtype.kind not in "fc":  # true division of integers: the default float type
                dt = get_default_dtype().np
                xa, xb = _cast(xa, dt), _cast(xb, dt)
            with np.errstate(divide="ignore", invalid="ignore"):
                out = xa / xb
        elif rounding_mode == "trunc":
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.trunc(xa / xb) if np.asarray(xa).dtype.kind == "f" else _int_div(xa, xb, True)
        elif rounding_mode == "floor":
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.floor_divide(xa, xb) if np.asarray(xa).dtype.kind == "f" else _int_div(xa, xb, False)
        else:
            raise ValueError(f"div expected rounding_mode to be one of NULL, 'trunc', or 'floor' but found "
                             f"{rounding_mode!r}")
    except ValueError as e:
        if "rounding_mode" in str(e):
            raise
        raise _shape_error("div", xa, xb) from None
    if rounding_mode is not None:
        return record(out, "DivBackward2", D.zero_grad2, (a, b))
    return record(out, "DivBackward0", D.div, (a, b), (a, b))


def _int_div(xa: Any, xb: Any, trunc: bool) -> np.ndarray:
    if np.any(np.asarray(xb) == 0):
        raise RuntimeError("ZeroDivisionError")
    q = np.floor_divide(xa, xb)
    if trunc:  # floor_divide rounds toward -inf; truncation differs when the signs differ
        q = q + ((np.remainder(xa, xb) != 0) & ((np.asarray(xa) < 0) != (np.asarray(xb) < 0)))
    return q


def pow(a: Any, b: Any) -> Tensor:  # noqa: A001 - torch's name
    """``a ** b`` (PowBackward0/1/2 for tensor^number, tensor^tensor, number^tensor)."""
    xa, xb = _binary(a, b)
    if np.asarray(xa).dtype.kind in "iu" and np.any(np.asarray(xb) < 0):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            out = np.power(xa, xb)
        except ValueError:
            raise _shape_error("pow", xa, xb) from None
    if out.dtype == np.int8 and np.asarray(xa).dtype == np.bool_:  # numpy's bool ** bool is int8
        out = out.astype(np.bool_)
    name = "PowBackward2" if a.__class__ is not Tensor else "PowBackward1" if b.__class__ is Tensor else \
        "PowBackward0"
    return record(out, name, D.pow, (a, b), (a, b, OUT))


def _apply(fn: Any, op: str, *operands: Any) -> np.ndarray:
    """``fn(*operands)`` with libtorch's error when the shapes do not broadcast."""
    try:
        return fn(*operands)
    except ValueError:
        raise _shape_error(op, *operands) from None


def _binary_op(np_fn: Callable, op: str, a: Any, b: Any, name: str, rule: Callable) -> Tensor:
    """A broadcasting binary primitive whose rule saves both operands."""
    xa, xb = _binary(a, b)
    return record(_apply(np_fn, op, xa, xb), name, rule, (a, b), (a, b))


def maximum(a: Tensor, b: Tensor) -> Tensor:
    """Elementwise maximum; ties split the gradient evenly."""
    return _binary_op(np.maximum, "maximum", a, b, "MaximumBackward0", D.maximum)


def minimum(a: Tensor, b: Tensor) -> Tensor:
    """Elementwise minimum; ties split the gradient evenly."""
    return _binary_op(np.minimum, "minimum", a, b, "MinimumBackward0", D.minimum)


def _no_bool(op: str, xa: Any, xb: Any) -> None:
    kind = np.asarray(xa).dtype.kind
    if kind == "b":
        raise RuntimeError(f'"{op}" not implemented for \'Bool\'')
    if kind in "iu" and np.any(np.asarray(xb) == 0):
        raise RuntimeError("ZeroDivisionError")  # libtorch's error for integer division by zero


def _modulo(np_fn: Callable, op: str, node: str, rule: Callable, a: Any, b: Any) -> Tensor:
    """fmod / remainder: not for bools, libtorch's error for an integer zero divisor, ``<node>Backward1`` for a
    tensor divisor and ``<node>Backward0`` for a number."""
    xa, xb = _binary(a, b)
    _no_bool(op, xa, xb)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = _apply(np_fn, op, xa, xb)
    return record(out, f"{node}Backward1" if b.__class__ is Tensor else f"{node}Backward0", rule, (a, b), (a, b))


def fmod(a: Any, b: Any) -> Tensor:
    """C's fmod (sign of the dividend)."""
    return _modulo(np.fmod, "fmod", "Fmod", D.fmod, a, b)


def remainder(a: Any, b: Any) -> Tensor:
    """Python's / R's remainder (sign of the divisor)."""
    return _modulo(np.remainder, "remainder", "Remainder", D.remainder, a, b)


def atan2(a: Tensor, b: Tensor) -> Tensor:
    """Elementwise ``atan2(a, b)``."""
    return _binary_op(np.arctan2, "atan2", a, b, "Atan2Backward0", D.atan2)


def where(cond: Tensor, a: Any, b: Any) -> Tensor:
    """``a`` where the bool ``cond``, else ``b`` (WhereBackward0)."""
    c = _data(cond)
    if np.asarray(c).dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{as_tensor(c).dtype.name}")
    xa, xb = _binary(a, b)
    out = _select_or_zero(c, xa, xb)
    if out is None:
        out = _apply(np.where, "where", c, xa, xb)
    return record(out, "WhereBackward0", D.where, (a, b), (c,))


_INT_OF = {np.dtype(np.float32): np.int32, np.dtype(np.float64): np.int64}


def _select_or_zero(c: np.ndarray, xa: Any, xb: Any, out: np.ndarray | None = None) -> np.ndarray | None:
    """``where(c, x, 0)`` / ``where(c, 0, x)`` for a float array x of c's shape (what relu's, clamp's and
    masked gradients do), as x's bits times the mask (an integer product by 1 or 0): exactly np.where's result
    (+0.0 where not selected, NaN kept only where selected) at a fraction of its cost (2x on 100x32, 6x on
    large arrays; one call, where a bitwise AND with a mask made from c took three more). ``out``: a
    C-contiguous array like x to write the result in."""
    if xb.__class__ is np.ndarray:
        if xa.__class__ is np.ndarray or xa != 0:
            return None
        x, keep = xb, False
    elif xa.__class__ is np.ndarray and xb == 0:
        x, keep = xa, True
    else:
        return None
    it = _INT_OF.get(x.dtype)
    if it is None or x.shape != c.shape or not x.flags.c_contiguous:
        return None
    if not keep:
        c = np.logical_not(c)
    return _times_mask(x, c, it, out)


def _times_mask(x: np.ndarray, c: np.ndarray, it: type, out: np.ndarray | None = None) -> np.ndarray:
    """x's bits times the boolean c (``it``: the integer type of x's width), into ``out`` when given: x where c,
    +0.0 elsewhere (_select_or_zero's product, after its checks)."""
    if out is None:
        return np.multiply(x.view(it), c, dtype=it).view(x.dtype)
    np.multiply(x.view(it), c, out=out.view(it), dtype=it)
    return out


def relu_grad(out: np.ndarray, g: np.ndarray) -> np.ndarray | None:
    """``where(out != 0, g, 0)``, relu's first-order gradient (``out`` relu's output: libtorch's
    ``out <= 0 ? 0 : g``, which passes NaN's gradient), as _select_or_zero (None where it does not apply), large
    arrays by slices on the threads (parallel.py): the same bits."""
    it = _INT_OF.get(g.dtype) if g.__class__ is np.ndarray else None
    if it is None or g.shape != out.shape or not g.flags.c_contiguous:
        return _select_or_zero(np.not_equal(out, 0), g, 0.0)
    if not parallel.splits(g.size):  # one call, as for_slices would make it (no closure per backward)
        return _times_mask(g, np.not_equal(out, 0), it)
    res = np.empty_like(g)
    parallel.for_slices(lambda s: _times_mask(g[s], np.not_equal(out[s], 0), it, res[s]), g.shape[0], g.size)
    return res


def lerp(a: Tensor, b: Tensor, weight: Any) -> Tensor:
    """a + weight * (b - a) in one node (libtorch's LerpBackward0 for a number weight, LerpBackward1 for a
    tensor)."""
    xa, xb = _binary(a, b)
    if np.asarray(xa).dtype.kind != "f":
        raise RuntimeError(f"lerp: expected floating-point tensors, got {as_tensor(xa).dtype.name}")
    w = _data(weight)
    if w.__class__ is np.ndarray and w.dtype != xa.dtype:
        raise RuntimeError(f"lerp: expected dtype {as_tensor(xa).dtype.name} for `weight` but got dtype "
                           f"{weight.dtype.name}")
    try:
        out = xa + w * (xb - xa)
    except ValueError:
        raise _shape_error("lerp", xa, xb, w) from None
    if weight.__class__ is Tensor:
        return record(out, "LerpBackward1", D.lerp, (a, b, weight), (a, b, weight))
    return record(out, "LerpBackward0", D.lerp, (a, b), (a, b, weight))


def addcmul(x: Tensor, t1: Tensor, t2: Tensor, value: Any = 1) -> Tensor:
    """x + value * t1 * t2 in one node (AddcmulBackward0; optimizers use it)."""
    xx, x1, x2 = _ternary(x, t1, t2)
    try:
        out = xx + (x1 * x2 if value == 1 else value * x1 * x2)
    except ValueError:
        raise _shape_error("addcmul", xx, x1, x2) from None
    return record(out, "AddcmulBackward0", D.addcmul, (x, t1, t2), (t1, t2, value))


def addcdiv(x: Tensor, t1: Tensor, t2: Tensor, value: Any = 1) -> Tensor:
    """x + value * t1 / t2 in one node (AddcdivBackward0)."""
    if _data(t1).dtype.kind in "biu" and _data(t2).dtype.kind in "biu":
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release "
                           "addcdiv will perform a true division of tensor1 and tensor2.")
    xx, x1, x2 = _ternary(x, t1, t2)
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            out = xx + (x1 / x2 if value == 1 else value * x1 / x2)
        except ValueError:
            raise _shape_error("addcdiv", xx, x1, x2) from None
    return record(out, "AddcdivBackward0", D.addcdiv, (x, t1, t2), (t1, t2, value))


# -- comparisons and logic (never differentiable) -----------------------------------------------------------

def _compare(fn: Any) -> Any:
    def op(a: Any, b: Any) -> Tensor:
        xa, xb = _binary(a, b)
        try:
            return _wrap(_nd(fn(xa, xb)))
        except ValueError:
            raise _shape_error(fn.__name__, xa, xb) from None

    op.__name__ = fn.__name__
    op.__doc__ = f"Elementwise ``{fn.__name__}`` with broadcasting: a bool tensor, not differentiable."
    return op


eq = _compare(np.equal)
ne = _compare(np.not_equal)
lt = _compare(np.less)
le = _compare(np.less_equal)
gt = _compare(np.greater)
ge = _compare(np.greater_equal)
logical_and = _compare(np.logical_and)
logical_or = _compare(np.logical_or)
logical_xor = _compare(np.logical_xor)


def logical_not(a: Tensor) -> Tensor:
    """Elementwise logical not (a bool tensor; not differentiable)."""
    return _wrap(_nd(np.logical_not(a._data)))


def bitwise(fn: Any, a: Any, b: Any) -> Tensor:
    """``fn(a, b)`` for a numpy bitwise ufunc on integer or bool tensors (not differentiable)."""
    xa, xb = _binary(a, b)
    if np.asarray(xa).dtype.kind == "f":
        raise RuntimeError(f"{fn.__name__} is not implemented for floating-point tensors")
    return _wrap(_nd(fn(xa, xb)))


# -- elementwise unary ---------------------------------------------------------------------------------------

def _holomorphic(rule: Any) -> Any:
    """The rule for complex inputs of an elementwise op whose real rule is ``g * f'(x)``: PyTorch's gradient is
    ``g * conj(f'(z))`` = ``conj(rule(conj(g)))`` (the rule is linear in g)."""
    def crule(g: Tensor, *saved: Any) -> Any:
        from .complex_ops import conj  # noqa: PLC0415
        return conj(rule(conj(g), *saved))
    return crule


def _unary(np_fn: Any, name: str, rule: Any, save: str | None, floating: bool = True, domain: bool = False
           ) -> Any:
    """An elementwise op. ``domain``: it can leave its domain (log(-1), sqrt(-1), exp overflow) and then
    returns nan/inf silently, as torch does; entering np.errstate costs a microsecond, so only those pay."""
    saved = (OUT,) if save == "out" else None
    crule = _holomorphic(rule)

    def op(x: Tensor) -> Tensor:
        d = _float_data(x) if floating else x._data
        if domain:
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                out = np_fn(d)
        else:
            out = np_fn(d)
        return record(out, name, crule if d.dtype.kind == "c" else rule, (x,),
                      (x,) if save == "in" else saved or ())

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{np_fn.__name__.lstrip('_')}`` (recorded as {name})."
    return op


def _sigmoid(d: np.ndarray) -> np.ndarray:
    if d.dtype.kind == "c":
        return 1 / (1 + np.exp(-d))
    # Stable for large |x|: exp only ever sees non-positive arguments.
    # 1 / (1 + e) for x >= 0, e / (1 + e) below: one division with numerator max(e, x >= 0) (e <= 1, so 1 above
    # and e below; NaN stays NaN), the same values as selecting with np.where, without its per-element branch
    # (~5 ns an element on a mixed-sign mask: 10x the rest of the sigmoid).
    e = np.exp(-np.abs(d))
    return np.divide(np.maximum(e, d >= 0), 1 + e).astype(d.dtype, copy=False)


def _rsqrt(d: np.ndarray) -> np.ndarray:
    return 1 / np.sqrt(d)


def _relu(d: np.ndarray) -> np.ndarray:
    # libtorch's relu: NaN kept, negatives become +0.0, -0.0 stays -0.0. np.maximum(0, d) (numpy's float32/64
    # maximum returns the second operand on a tie, its float16 maximum the first); float32/64 arrays from 16K
    # elements np.clip(d, 0, inf), numpy's SIMD clip: the same bits at 0.3-0.4x np.maximum's time, one pass per
    # thread (np.clip costs ~2.5 us a call: small arrays take np.maximum)
    if d.dtype == np.bool_:
        return d.copy()
    if d.ndim == 0 or d.__class__ is not np.ndarray or d.size < _RELU_CLIP or d.dtype not in _CLIP_TYPES \
            or d.dtype.metadata is not None:  # (meta arrays, bfloat16's tagged float32: np.maximum)
        return np.maximum(d, 0) if d.dtype == _F16 else np.maximum(0, d)
    out = np.empty_like(d)
    zero, inf = d.dtype.type(0), d.dtype.type(np.inf)

    def part(s: slice) -> None:  # large: one pass per thread (parallel.py)
        np.clip(d[s], zero, inf, out=out[s])

    parallel.for_slices(part, d.shape[0], d.size)
    return out


_RELU_CLIP = 1 << 14  # elements from which relu clips (see _relu)
_CLIP_TYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _sign(d: np.ndarray) -> np.ndarray:
    if d.dtype == np.bool_:
        return d.copy()
    out = np.sign(d)
    if d.dtype.kind == "f":
        out = np.where(np.isnan(out), d.dtype.type(0), out)  # libtorch: sign(nan) is 0
    return out


def _round_half_even(d: np.ndarray) -> np.ndarray:
    return np.round(d)  # numpy, like torch, rounds half to even


neg = _unary(np.negative, "NegBackward0", D.neg, None, floating=False)
_abs_real = _unary(np.abs, "AbsBackward0", D.abs, "in", floating=False)


def abs(x: Tensor) -> Tensor:  # noqa: A001
    """Elementwise ``|x|`` (AbsBackward0); the modulus of complex values (a real result)."""
    if x._data.dtype.kind == "c":
        from .complex_ops import abs_  # noqa: PLC0415
        return abs_(x)
    return _abs_real(x)
exp = _unary(np.exp, "ExpBackward0", D.exp, "out", domain=True)
log = _unary(np.log, "LogBackward0", D.log, "in", domain=True)
log1p = _unary(np.log1p, "Log1PBackward0", D.log1p, "in", domain=True)
log2 = _unary(np.log2, "Log2Backward0", D.log2, "in", domain=True)
log10 = _unary(np.log10, "Log10Backward0", D.log10, "in", domain=True)
expm1 = _unary(np.expm1, "Expm1Backward0", D.expm1, "out", domain=True)
sqrt = _unary(np.sqrt, "SqrtBackward0", D.sqrt, "out", domain=True)
rsqrt = _unary(_rsqrt, "RsqrtBackward0", D.rsqrt, "out", domain=True)
sin = _unary(np.sin, "SinBackward0", D.sin, "in")
cos = _unary(np.cos, "CosBackward0", D.cos, "in")
tan = _unary(np.tan, "TanBackward0", D.tan, "out", domain=True)
asin = _unary(np.arcsin, "AsinBackward0", D.asin, "in", domain=True)
acos = _unary(np.arccos, "AcosBackward0", D.acos, "in", domain=True)
atan = _unary(np.arctan, "AtanBackward0", D.atan, "in")
asinh = _unary(np.arcsinh, "AsinhBackward0", D.asinh, "in")
acosh = _unary(np.arccosh, "AcoshBackward0", D.acosh, "in", domain=True)
atanh = _unary(np.arctanh, "AtanhBackward0", D.atanh, "in", domain=True)
sinh = _unary(np.sinh, "SinhBackward0", D.sinh, "in", domain=True)
cosh = _unary(np.cosh, "CoshBackward0", D.cosh, "in", domain=True)
tanh = _unary(np.tanh, "TanhBackward0", D.tanh, "out")
sigmoid = _unary(_sigmoid, "SigmoidBackward0", D.sigmoid, "out")
relu = _unary(_relu, "ReluBackward0", D.relu, "out", floating=False)
reciprocal = _unary(np.reciprocal, "ReciprocalBackward0", D.reciprocal, "out", domain=True)
sign = _unary(_sign, "SignBackward0", D.zero_grad1, None, floating=False)
floor = _unary(np.floor, "FloorBackward0", D.zero_grad1, None, floating=False)
ceil = _unary(np.ceil, "CeilBackward0", D.zero_grad1, None, floating=False)
trunc = _unary(np.trunc, "TruncBackward0", D.zero_grad1, None, floating=False)
round_ = _unary(_round_half_even, "RoundBackward0", D.zero_grad1, None, floating=False)


def round_decimals(x: Tensor, decimals: int) -> Tensor:
    """Round half to even at ``decimals`` places, as libtorch computes it (RoundBackward1)."""
    d = _float_data(x) if decimals else x._data
    if decimals > 0:
        p = d.dtype.type(10.0 ** decimals)
        out = np.round(d * p) / p
    elif decimals < 0:
        p = d.dtype.type(10.0 ** -decimals)
        out = np.round(d / p) * p
    else:
        out = np.round(d)
    return record(out, "RoundBackward1", D.zero_grad1, (x,))


def square(x: Tensor) -> Tensor:
    """``x * x`` (recorded as PowBackward0, as libtorch)."""
    return pow(x, 2)


def erf(x: Tensor) -> Tensor:
    """The error function (ErfBackward0)."""
    d = _float_data(x)
    return record(_erf(d), "ErfBackward0", D.erf, (x,), (x,))


def _erf(d: np.ndarray) -> np.ndarray:
    # numpy has no erf and scipy is not a dependency: math.erf element by element (~50 ns each), exact in
    # double precision; used by exact gelu and erf itself, never in the default training path.
    return np.asarray(_ERF(d.astype(np.float64)), dtype=d.dtype)


_ERF = np.frompyfunc(__import__("math").erf, 1, 1)


def clamp(x: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """min(max(x, min), max); bounds are numbers (ClampBackward1) or tensors (ClampBackward0, which also
    get gradients where they are the result)."""
    if min is None and max is None:
        raise RuntimeError("torch_clamp: At least one of 'min' or 'max' must not be None")
    d = x._data
    lo, hi = _data(min), _data(max)
    rt = result_type(*(v for v in (d, lo, hi) if v is not None))
    if d.dtype != rt:
        d = d.astype(rt)
    out = d
    try:
        if lo is not None:
            out = np.maximum(out, np.asarray(lo, dtype=rt))
        if hi is not None:
            out = np.minimum(out, np.asarray(hi, dtype=rt))
    except ValueError:
        raise _shape_error("clamp", *(v for v in (d, lo, hi) if v is not None)) from None
    if out is d:
        out = d.copy()
    if min.__class__ is Tensor or max.__class__ is Tensor:
        return record(out, "ClampBackward0", D.clamp_tensor, (x, min, max), (x, min, max))
    return record(out, "ClampBackward1", D.clamp, (x,), (x, lo, hi))


# -- type conversion and copies ------------------------------------------------------------------------------

def to_dtype(x: Tensor, npdtype: np.dtype, copy: bool = False) -> Tensor:
    """``x`` cast to ``npdtype`` (``x`` itself when already of it, unless ``copy``); ToCopyBackward0 for floats."""
    d = x._data
    to_bf16 = _dt.is_bf16(npdtype)
    if d.dtype == npdtype and to_bf16 == _dt.is_bf16(d.dtype) and not copy:
        return x
    # complex -> real keeps the real part (as libtorch; numpy would warn)
    out = d.real.astype(npdtype) if d.dtype.kind == "c" and npdtype.kind != "c" else d.astype(npdtype)
    if to_bf16:
        out = _dt.round_bf16(out)
    if npdtype.kind not in "fc":
        return _wrap(out)
    return record(out, "ToCopyBackward0", D.identity, (x,), exact_dtype=True)


def fill(x: Tensor, value: Any, name: str | None = None) -> Tensor:
    """A tensor like ``x`` filled with ``value`` (a number or 0-d tensor): fill_/zero_'s recorded form
    (FillBackward2/3, ZeroBackward0: no gradient to x, the sum to a tensor value)."""
    out = np.empty_like(x._data)
    out[...] = _data(value)
    if name is None:
        name = "FillBackward3" if value.__class__ is Tensor else "FillBackward2"
    return record(out, name, D.fill, (x, value))


def copy(x: Tensor, src: Any) -> Tensor:
    """``src`` broadcast and cast to ``x``'s shape and dtype: copy_'s recorded form (CopyBackwards)."""
    out = np.empty_like(x._data)
    s = _data(src)
    try:
        np.copyto(out, s, casting="unsafe")
    except ValueError:
        raise RuntimeError(f"copy_: the size of src ({list(np.shape(s))}) must be broadcastable to self "
                           f"({list(x.shape)})") from None
    return record(out, "CopyBackwards", D.copy, (x, src))


def clone(x: Tensor) -> Tensor:
    """A copy with its own storage (CloneBackward0)."""
    return record(x._data.copy(), "CloneBackward0", D.identity, (x,))


def contiguous(x: Tensor) -> Tensor:
    """``x`` if C-contiguous, else a contiguous copy."""
    if x._data.flags.c_contiguous:
        return x
    return record(np.ascontiguousarray(x._data), "CloneBackward0", D.identity, (x,))


# -- reductions (axes are 0-based tuples or None) ------------------------------------------------------------

def _axes(axes: Any, ndim: int) -> tuple | None:
    if axes is None or ndim == 0:  # a 0-d tensor reduced over its one (virtual) dim: over everything
        return None
    if isinstance(axes, int):
        return (axes,)
    return tuple(axes)


def _sum_dtype(d: np.ndarray) -> Any:
    return np.int64 if d.dtype.kind in "biu" else None


def sum(x: Tensor, axes: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:  # noqa: A001
    """Sum over ``axes`` (all when None); integers and bools sum in int64."""
    d = x._data
    ax = _axes(axes, d.ndim)
    # np.add.reduce skips np.sum's Python-level dispatch (a few microseconds per call).
    out = np.add.reduce(d, axis=ax, keepdims=keepdim, dtype=dtype or _sum_dtype(d))
    name = "SumBackward0" if axes is None else "SumBackward1"
    return record(out, name, D.sum, (x,), (d.shape, ax, keepdim))


def _np_mean(d: np.ndarray, ax: Any, keepdim: bool) -> Any:
    """``np.mean`` of float32/float64 data, bit for bit, without numpy's Python-level ``_mean`` (most of a
    small mean's cost). numpy divides the sum by the count in float64 and rounds once to float32; dividing
    in float32 by an exactly representable count (< 2**24) is the same correctly rounded quotient, as float64
    has more than 2 * 24 + 2 bits (so the double rounding is innocuous)."""
    n = d.size if ax is None else math.prod([d.shape[a] for a in ax])
    if d.dtype.itemsize < 4 or n == 0 or n >= 1 << 24:
        return np.mean(d, axis=ax, keepdims=keepdim)
    s = np.add.reduce(d, axis=ax, keepdims=keepdim)
    if s.__class__ is np.ndarray:
        s /= n
        return s
    return s / n


def mean(x: Tensor, axes: Any = None, keepdim: bool = False) -> Tensor:
    """Mean over ``axes`` (all when None); floating dtypes only, as libtorch."""
    d = x._data
    if d.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {x.dtype.name}"
        )
    ax = _axes(axes, d.ndim)
    out = _np_mean(d, ax, keepdim)
    name = "MeanBackward0" if axes is None else "MeanBackward1"
    return record(out, name, D.mean, (x,), (d.shape, ax, keepdim))


def sum_to(g: Tensor, shape: tuple) -> Tensor:
    """Sum a broadcast gradient back to ``shape`` (the one place broadcasting is undone)."""
    d = g._data
    lead = d.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and d.shape[i + lead] != 1)
    out = np.add.reduce(d, axis=axes, keepdims=True) if axes else d
    if lead:
        out = out.reshape(shape)
    return record(out, "SumToBackward", D.sum_to, (g,), (d.shape,))


def expand_to(g: Tensor, shape: tuple) -> Tensor:
    """``g`` broadcast to ``shape`` (a read-only view; ExpandBackward0)."""
    return record(broadcast_view(g._data, shape), "ExpandBackward0", D.identity, (g,), view_of=g)


def broadcast_view(a: np.ndarray, shape: tuple) -> np.ndarray:
    """np.broadcast_to(a, shape) built directly with zero strides: a read-only view, ~10x cheaper than
    numpy's Python-level broadcast_to (every reduction's gradient passes here). Falls back to it for
    non-contiguous input or shapes that do not broadcast (for its error)."""
    shape = tuple(shape)
    lead = len(shape) - a.ndim
    if lead < 0 or not a.flags.c_contiguous:
        return np.broadcast_to(a, shape)
    strides = [0] * lead
    for n, m, st in zip(a.shape, shape[lead:], a.strides):
        if n == m:
            strides.append(st)
        elif n == 1:
            strides.append(0)
        else:
            return np.broadcast_to(a, shape)
    out = np.ndarray(shape, a.dtype, buffer=a, strides=strides)
    out.flags.writeable = False
    return out


def prod(x: Tensor, axis: int | None = None, keepdim: bool = False) -> Tensor:
    """Product over one ``axis`` (all when None)."""
    d = x._data
    ax = None if d.ndim == 0 else axis
    out = np.prod(d, axis=ax, keepdims=keepdim, dtype=_sum_dtype(d))
    name = "ProdBackward0" if axis is None else "ProdBackward1"
    return record(out, name, D.prod, (x,), (x, OUT, ax, keepdim))


def amax(x: Tensor, axes: Any = None, keepdim: bool = False) -> Tensor:
    """Max over the given axes (all when None); the gradient is shared evenly among tied maxima."""
    return _extreme(x, axes, keepdim, np.max, "max", "MaxBackward1", "AmaxBackward0")


def amin(x: Tensor, axes: Any = None, keepdim: bool = False) -> Tensor:
    """Min over the given axes (all when None); the gradient is shared evenly among tied minima."""
    return _extreme(x, axes, keepdim, np.min, "min", "MinBackward1", "AminBackward0")


def _extreme(x: Tensor, axes: Any, keepdim: bool, reduce: Callable, name: str, all_name: str,
             dim_name: str) -> Tensor:
    """amax/amin: one rule (D.amax) serves both, since it routes the gradient to the elements equal to out."""
    d = x._data
    _check_nonempty(d, name)
    ax = _axes(axes, d.ndim)
    out = reduce(d, axis=ax, keepdims=keepdim)
    return record(out, all_name if axes is None else dim_name, D.amax, (x,), (x, OUT, ax, keepdim))


def _check_nonempty(d: np.ndarray, name: str) -> None:
    if d.size == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")


def max_dim(x: Tensor, axis: int, keepdim: bool = False, largest: bool = True) -> tuple[Tensor, Tensor]:
    """Values and 0-based indices of the max (min if not largest) along one axis."""
    d = x._data
    if d.ndim == 0:  # a 0-d tensor is its own max along dim 1, at index 0
        v = record(d.copy(), "MaxBackward0" if largest else "MinBackward0", D.identity, (x,))
        return v, _wrap(np.zeros((), np.int64))
    if d.shape[axis] == 0:
        raise worded(IndexError, "{fn}(): Expected reduction dim {d} to have non-zero size.",
                     fn="max" if largest else "min", d=Axis(axis))
    idx_k = np.argmax(d, axis=axis, keepdims=True) if largest else np.argmin(d, axis=axis, keepdims=True)
    vals = np.take_along_axis(d, idx_k, axis=axis)
    idx = idx_k
    if not keepdim:
        vals, idx = np.squeeze(vals, axis), np.squeeze(idx_k, axis)
    name = "MaxBackward0" if largest else "MinBackward0"
    v = record(vals, name, D.index_reduce, (x,), (d.shape, axis, idx_k, keepdim))
    return v, _wrap(np.asarray(idx, dtype=np.int64))


def argmax(x: Tensor, axis: int | None = None, keepdim: bool = False, largest: bool = True) -> Tensor:
    """0-based index of the max (min when not ``largest``) along ``axis``, or of the flattened tensor."""
    d = x._data
    fn = np.argmax if largest else np.argmin
    if axis is None:
        out = fn(d.reshape(-1))
        if keepdim:
            out = np.reshape(out, (1,) * d.ndim)
    else:
        out = fn(d, axis=axis, keepdims=keepdim)
    return _wrap(np.asarray(out, dtype=np.int64))


def _float_only(x: Tensor, what: str) -> None:
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{what} only support floating point and complex dtypes, got {x.dtype.name}")


def var(x: Tensor, axes: Any = None, correction: float = 1, keepdim: bool = False) -> Tensor:
    """Variance over ``axes`` with ``correction`` (1: unbiased); nan when no degrees of freedom are left."""
    _float_only(x, "std and var")
    d = x._data
    ax = _axes(axes, d.ndim)
    n = d.size if ax is None else int(np.prod([d.shape[a] for a in ax]))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.var(d, axis=ax, ddof=correction, keepdims=keepdim) if n - correction > 0 else \
            np.full(np.sum(d, axis=ax, keepdims=keepdim).shape, np.nan, d.dtype)
    return record(out, "VarBackward0", D.var, (x,), (x, ax, correction, keepdim))


def std(x: Tensor, axes: Any = None, correction: float = 1, keepdim: bool = False) -> Tensor:
    """Standard deviation over ``axes`` with ``correction`` (1: unbiased)."""
    _float_only(x, "std and var")
    d = x._data
    ax = _axes(axes, d.ndim)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.std(d, axis=ax, ddof=correction, keepdims=keepdim)
    return record(out, "StdBackward0", D.std, (x,), (x, OUT, ax, correction, keepdim))


def norm(x: Tensor, p: float = 2, axes: Any = None, keepdim: bool = False) -> Tensor:
    """The p-norm over ``axes`` (p = inf: max |x|, -inf: min |x|, 0: count of non-zeros)."""
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got {x.dtype.name} "
                           "instead.")
    d = x._data
    ax = _axes(axes, d.ndim)
    a = np.abs(d)
    if p == 2:
        out = np.sqrt(np.sum(d * d, axis=ax, keepdims=keepdim))
    elif p == np.inf:
        out = np.max(a, axis=ax, keepdims=keepdim)
    elif p == -np.inf:
        out = np.min(a, axis=ax, keepdims=keepdim)
    elif p == 0:
        out = np.sum(d != 0, axis=ax, keepdims=keepdim).astype(d.dtype)
    elif p == 1:
        out = np.sum(a, axis=ax, keepdims=keepdim)
    else:
        out = np.power(np.sum(np.power(a, p), axis=ax, keepdims=keepdim), 1.0 / p).astype(d.dtype)
    return record(out, "NormBackward0" if ax is None else "NormBackward1", D.norm, (x,), (x, OUT, p, ax, keepdim))


def _max_keep(d: np.ndarray, axis: Any) -> np.ndarray:
    """The max along ``axis`` (kept), -inf over an empty dimension (the shift of the stable exp-sums)."""
    if d.size == 0:
        return np.max(d, axis=axis, keepdims=True, initial=-np.inf).astype(d.dtype, copy=False)
    n = d.shape[-1] if d.ndim else 0
    if axis.__class__ is int and axis in (-1, d.ndim - 1) and 1 < n <= 64 and d.size >= 4096 \
            and d.dtype.kind == "f":
        # numpy reduces a short last axis one row at a time (~5 ns an element: attention's 32-wide score
        # rows); a running np.maximum over the columns is vectorised across the rows, ~3x faster. The same
        # maxima: the max is exact and NaN propagates either way (only the sign of a zero maximum may differ,
        # which the shifted exp-sums cannot see).
        cols = d.reshape(-1, n)
        m = cols[:, 0].copy()
        for j in range(1, n):
            np.maximum(m, cols[:, j], out=m)
        return m.reshape(d.shape[:-1] + (1,))
    return np.max(d, axis=axis, keepdims=True)


def logsumexp(x: Tensor, axes: Any, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axes``, shifted by the max so it does not overflow."""
    d = x._data
    ax = _axes(axes, d.ndim)
    m = _max_keep(d, ax)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(d - m), axis=ax, keepdims=True)) + m
    if not keepdim:
        out = np.squeeze(out, ax)
    return record(out, "LogsumexpBackward0", D.logsumexp, (x,), (x, OUT, ax, keepdim))


def cumsum(x: Tensor, axis: int) -> Tensor:
    """Cumulative sum along ``axis`` (integers in int64)."""
    d = x._data
    if d.ndim == 0:
        return record(d.astype(_sum_dtype(d) or d.dtype), "CumsumBackward0", D.identity, (x,))
    return record(np.cumsum(d, axis=axis, dtype=_sum_dtype(d)), "CumsumBackward0", D.cumsum, (x,), (axis,))


def cumprod(x: Tensor, axis: int) -> Tensor:
    """Cumulative product along ``axis`` (integers in int64)."""
    d = x._data
    if d.ndim == 0:
        return record(d.astype(_sum_dtype(d) or d.dtype), "CumprodBackward0", D.identity, (x,))
    return record(np.cumprod(d, axis=axis, dtype=_sum_dtype(d)), "CumprodBackward0", D.cumprod, (x,),
                  (x, OUT, axis))


def softmax(x: Tensor, axis: int, shift: np.ndarray | None = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis``, shifted by the max (``shift``: that max, when the caller has
    it: ``_max_keep(x._data, axis)``)."""
    d = _float_data(x)
    # exp in place in the shifted values' array: one full-size temporary fewer, the same values
    e = np.subtract(d, _max_keep(d, axis) if shift is None else shift)
    if e.__class__ is np.ndarray:
        np.exp(e, out=e)
    else:  # 0-d input: numpy returned a scalar
        e = np.exp(e)
    e /= np.add.reduce(e, axis=axis, keepdims=True)
    return record(e, "SoftmaxBackward0", D.softmax, (x,), (OUT, axis))


def log_softmax(x: Tensor, axis: int) -> Tensor:
    """``x - logsumexp(x)`` along ``axis``, computed stably (its own rule)."""
    d = _float_data(x)
    s = d - _max_keep(d, axis)
    s -= np.log(np.sum(np.exp(s), axis=axis, keepdims=True))
    return record(s, "LogSoftmaxBackward0", D.log_softmax, (x,), (OUT, axis))


# -- linear algebra ------------------------------------------------------------------------------------------

def matmul(a: Tensor, b: Tensor, name: str | None = None) -> Tensor:
    """Matrix product with broadcasting of batch dims. One node, named as the last op of libtorch's matmul
    for these ranks (mm, mv, dot, squeeze for vector @ matrix, _unsafe_view for folded/batched products);
    torch_mm, torch_bmm, ... pass their own names."""
    if _autocast.enabled:
        a, b = autocast_args(a, b)
    xa, xb = a._data, b._data
    if xa.dtype != xb.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype.name.lower()} != "
                           f"{b.dtype.name.lower()}")
    if xa.ndim == 0 or xb.ndim == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{xa.ndim}D and {xb.ndim}D")
    try:
        out = parallel.matmul(xa, xb)
    except ValueError:
        sa, sb = xa.shape, xb.shape
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({'x'.join(map(str, sa[-2:] if len(sa) > 1 else (1,) + sa))}"
            f" and {'x'.join(map(str, sb[-2:] if len(sb) > 1 else sb + (1,)))})"
        ) from None
    if name is None:
        name = _MATMUL_NAMES.get((xa.ndim, xb.ndim), "UnsafeViewBackward0")
    return record(out, name, D.matmul, (a, b), (a, b))


_MATMUL_NAMES = {(2, 2): "MmBackward0", (2, 1): "MvBackward0", (1, 1): "DotBackward0", (1, 2): "SqueezeBackward4"}


def addmm(bias: Tensor, a: Tensor, b: Tensor, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * bias + alpha * (a @ b) in one node (libtorch's AddmmBackward0, what linear layers record)."""
    if _autocast.enabled:
        bias, a, b = autocast_args(bias, a, b)
    xa, xb, xc = a._data, b._data, bias._data
    if xa.ndim != 2 or xb.ndim != 2:
        raise RuntimeError(f"addmm: mat1 and mat2 must be matrices, got {xa.ndim}-d and {xb.ndim}-d tensors")
    if xa.shape[1] != xb.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({xa.shape[0]}x{xa.shape[1]} and "
                           f"{xb.shape[0]}x{xb.shape[1]})")
    if not (xa.dtype == xb.dtype == xc.dtype):
        raise RuntimeError(f"addmm: expected self, mat1 and mat2 to have the same dtype, but got: "
                           f"{bias.dtype.name}, {a.dtype.name} and {b.dtype.name}")
    out = parallel.matmul(xa, xb)
    if alpha != 1:
        out *= alpha
    try:
        out = out + (xc if beta == 1 else xc * beta) if beta != 0 else out
    except ValueError:
        raise _shape_error("addmm", xc, out) from None
    if out.shape != (xa.shape[0], xb.shape[1]):
        raise RuntimeError(f"addmm: the bias of shape {list(xc.shape)} does not broadcast to "
                           f"[{xa.shape[0]}, {xb.shape[1]}]")
    return record(out, "AddmmBackward0", D.addmm, (bias, a, b), (a, b, beta, alpha))


def mm2d(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for 2-d float arrays. With an inner dimension of 1 (an outer product: the input gradient of a
    layer with one output, a layer with one input) numpy's matmul runs its unblocked loop, 2x slower than the
    broadcast product; that loop (and BLAS) sums the one product into +0.0, so ``a * b + 0.0`` is the same
    array bit for bit (the + 0.0 turns a -0.0 product into +0.0 and changes nothing else). Other products go
    to parallel.matmul (large ones split over the threads, the same bits).

    Example:
        >>> mm2d(np.float32([[1], [-2]]), np.float32([[3, 0]])).tolist()
        [[3.0, 0.0], [-6.0, 0.0]]
    """
    if a.__class__ is np.ndarray and b.__class__ is np.ndarray and a.ndim == b.ndim == 2 and a.shape[1] == 1:
        out = np.multiply(a, b)
        return np.add(out, 0.0, out=out)
    return parallel.matmul(a, b)


def linear(x: Tensor, w: Tensor, b: Tensor | None = None) -> Tensor:
    """``x @ w^T + b`` as ONE node (libtorch records AddmmBackward0 + TBackward0 for 2-D input; one node
    with a direct rule saves two transposes and a broadcast-undo per layer in every backward pass)."""
    if _autocast.enabled:
        x, w, b = autocast_args(x, w, b)
    xd, wd = x._data, w._data
    if xd.dtype != wd.dtype:
        raise RuntimeError(f"linear: expected input and weight to have the same dtype, but got "
                           f"{x.dtype.name} and {w.dtype.name}")
    if xd.shape[-1:] != wd.shape[-1:]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({'x'.join(map(str, xd.shape[:-1] or (1,)))}x"
            f"{xd.shape[-1] if xd.ndim else 1} and {wd.shape[-1]}x{wd.shape[0]})"
        )
    if xd.ndim > 2:  # one GEMM over all leading dims (numpy would loop over them, one small GEMM each)
        out = parallel.matmul(xd.reshape(-1, xd.shape[-1]), wd.T).reshape(xd.shape[:-1] + wd.shape[:1])
    else:
        out = mm2d(xd, wd.T) if xd.ndim == 2 else xd @ wd.T
    if b is not None:
        out += b._data
    if not _mode.enabled:
        return _wrap(out)
    # Which gradients the rule must compute: the first layer's input gradient is wasted work otherwise.
    return record(out, "AddmmBackward0" if xd.ndim == 2 and b is not None else "MmBackward0", D.linear,
                  (x, w, b), (x, w, x._requires_grad, w._requires_grad, b is not None and b._requires_grad))


def einsum(equation: str, *operands: Tensor) -> Tensor:
    """Einstein summation (numpy's, with broadcasting of '...' and size-1 dims) in one node."""
    arrays = [o._data for o in operands]
    try:
        eq = _einsum_explicit(equation, [a.ndim for a in arrays])
        out = np.einsum(eq, *arrays, optimize=len(arrays) > 2)
    except ValueError as e:
        raise RuntimeError(f"einsum(): {e} (equation {equation!r}, operand shapes "
                           f"{', '.join(str(list(a.shape)) for a in arrays)})") from None
    return record(out, "EinsumBackward", D.einsum, tuple(operands), (eq, *operands))


_EINSUM_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _einsum_explicit(equation: str, ndims: Sequence[int]) -> str:
    """The equation with '...' spelled out in unused letters and the output written explicitly (numpy's
    implicit output: the broadcast dims, then the labels used once, sorted)."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    subs = lhs.split(",")
    if len(subs) != len(ndims):
        raise ValueError(f"{len(subs)} operands in the equation but {len(ndims)} tensors given")
    free = [c for c in _EINSUM_LETTERS if c not in eq]
    n_ell = [nd - len(s.replace("...", "")) if "..." in s else 0 for s, nd in zip(subs, ndims)]
    ell = "".join(free[:max(n_ell, default=0)])
    subs = [s.replace("...", ell[len(ell) - k:] if k else "") for s, k in zip(subs, n_ell)]
    if arrow:
        out = rhs.replace("...", ell)
    else:
        labels = "".join(subs)
        out = ell + "".join(sorted(c for c in set(labels) if labels.count(c) == 1 and c not in ell))
    return ",".join(subs) + "->" + out


# -- shape ops (views share storage and the version counter) -------------------------------------------------

def reshape(x: Tensor, shape: Sequence[int]) -> Tensor:
    """``x`` in ``shape``: a view when numpy can make one (ViewBackward0), else a copy."""
    d = x._data
    try:
        out = d.reshape(shape)
    except ValueError:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {d.size}") from None
    shares = np.shares_memory(out, d) if out.size else True
    return record(out, "ViewBackward0" if shares else "ReshapeAliasBackward0", D.reshape, (x,),
                  (d.shape,), view_of=x if shares else None)


def view(x: Tensor, shape: Sequence[int]) -> Tensor:
    """A view of ``x`` in ``shape``; libtorch's error when the strides do not allow one."""
    d = x._data
    try:
        out = d.view()
        out.shape = shape  # numpy refuses (rather than copies) when a view is impossible, as libtorch
    except AttributeError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans "
            "across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    except ValueError:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {d.size}") from None
    return record(out, "ViewBackward0", D.reshape, (x,), (d.shape,), view_of=x)


def permute(x: Tensor, axes: Sequence[int]) -> Tensor:
    """A view with the axes in the order ``axes``."""
    return record(np.transpose(x._data, axes), "PermuteBackward0", D.permute, (x,), (tuple(axes),), view_of=x)


def movedim_last(x: Tensor, axis: int) -> Tensor:
    """A view with ``axis`` moved to the end (undo with ``movedim_back``)."""
    nd = x._data.ndim
    axis %= nd
    if axis == nd - 1:
        return x
    return permute(x, [i for i in range(nd) if i != axis] + [axis])


def movedim_back(x: Tensor, axis: int) -> Tensor:
    """Undo ``movedim_last``: the last axis moved back to ``axis`` (a view)."""
    nd = x._data.ndim
    axis %= nd
    if axis == nd - 1:
        return x
    order = list(range(nd - 1))
    order.insert(axis, nd - 1)
    return permute(x, order)


def transpose(x: Tensor, a0: int, a1: int) -> Tensor:
    """A view with axes ``a0`` and ``a1`` swapped."""
    name = "TransposeBackward0"
    return record(np.swapaxes(x._data, a0, a1), name, D.transpose, (x,), (a0, a1), view_of=x)


def t(x: Tensor) -> Tensor:
    """Transpose of a matrix; vectors and scalars come back as views of themselves (TBackward0)."""
    d = x._data
    if d.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {d.ndim}D")
    return record(d.T, "TBackward0", D.t, (x,), view_of=x)


def split(x: Tensor, axis: int, sizes: Sequence[int], name: str = "SplitBackward0") -> list[Tensor]:
    """Views of consecutive pieces of ``sizes`` along ``axis`` (SplitBackward0 / SplitWithSizesBackward0): ONE
    node with an output per piece (autograd.output_slot), whose rule writes the pieces' gradients into one
    gradient of ``x`` (a node per piece gave each a zero-filled full-size one, which the engine summed)."""
    d = x._data
    keys, start = [], 0
    for n in sizes:
        keys.append((slice(None),) * axis + (slice(start, start + n),))
        start += n
    if len(keys) < 2:
        return [record(d[k], name, D.index, (x,), (d.shape, k), view_of=x) for k in keys]
    grad = _mode.enabled
    _mode.enabled = False  # the views' bookkeeping from record(), the nodes below
    try:
        outs = [record(d[k], name, D.index, (x,), (d.shape, k), view_of=x) for k in keys]
    finally:
        _mode.enabled = grad
    if grad:
        if x._base is not None:
            x._sync_view()
        if x._requires_grad:
            edge = x if x._grad_fn is None else x._grad_fn
            node = Node(name, D.split, (edge,), ((d.shape, d.dtype),), (d.shape, axis, tuple(sizes)), ())
            for i, t in enumerate(outs):
                t._grad_fn = Node(name, autograd.output_slot, (node,), ((t._data.shape, t._data.dtype),),
                                  (node, i, len(outs)), ())
                t._requires_grad = True
    return outs


def split_size(x: Tensor, axis: int, size: int) -> list[Tensor]:
    """Views of ``size`` elements each along ``axis`` (the last may be smaller)."""
    if size <= 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    n = x._data.shape[axis]
    return split(x, axis, [min(size, n - i) for i in range(0, n, size)] or [0])


def split_with_sizes(x: Tensor, axis: int, sizes: Sequence[int]) -> list[Tensor]:
    """Views of the given ``sizes`` along ``axis`` (they must add up to its length)."""
    n = x._data.shape[axis]
    if int(np.sum(sizes)) != n:
        raise worded(RuntimeError, "split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                     "size at dimension {d}), but got split_sizes={sizes}", n=n, d=Axis(axis), sizes=list(sizes))
    return split(x, axis, sizes, "SplitWithSizesBackward0")


def select(x: Tensor, axis: int, i: int) -> Tensor:
    """The slice at position ``i`` (negative counts from the end) along ``axis``, without that axis; a view."""
    n = x._data.shape[axis]
    if not -n <= i < n:
        raise worded(IndexError, "select(): index {i} out of range for tensor of size {shape} at dimension {d}",
                     i=Pos(i), shape=list(x._data.shape), d=Axis(axis))
    return index(x, (slice(None),) * axis + (i if i >= 0 else i + n,))


def narrow(x: Tensor, axis: int, start: int, length: int) -> Tensor:
    """``length`` elements along ``axis`` from ``start`` (negative counts from the end); a view."""
    n = x._data.shape[axis]
    s = start if start >= 0 else start + n
    if s < 0 or length < 0 or s + length > n:
        raise worded(IndexError, "start ({s}) + length ({length}) exceeds dimension size ({n}).", s=Pos(s),
                     length=length, n=n)
    return index(x, (slice(None),) * axis + (slice(s, s + length),))


def flatten(x: Tensor, start: int, end: int) -> Tensor:
    """Axes ``start`` to ``end`` (inclusive) merged into one; a view when possible."""
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shp = x._data.shape
    return reshape(x, shp[:start] + (int(np.prod(shp[start:end + 1])),) + shp[end + 1:])


def unflatten(x: Tensor, axis: int, sizes: Sequence[int]) -> Tensor:
    """``axis`` split into ``sizes`` (one may be -1, inferred); a view when possible."""
    shp = x._data.shape
    n = shp[axis]
    full = list(sizes)
    if full.count(-1) == 1:
        known = int(np.prod([s for s in full if s != -1]))
        full[full.index(-1)] = n // known if known else 0
    if int(np.prod(full)) != n:
        raise worded(RuntimeError, "unflatten: Provided sizes {sizes} don't multiply up to the size of dim {d} "
                     "({n}) in the input tensor", sizes=list(sizes), d=Axis(axis), n=n)
    return reshape(x, shp[:axis] + tuple(full) + shp[axis:][1:])


def squeeze(x: Tensor, axis: int | None = None) -> Tensor:
    """Size-1 axes removed (all, or only ``axis`` when it has size 1); a view."""
    d = x._data
    if axis is None:
        out = np.squeeze(d)
    else:
        out = np.squeeze(d, axis) if d.ndim and d.shape[axis] == 1 else d.view()
    return record(out, "SqueezeBackward0" if axis is None else "SqueezeBackward1", D.reshape, (x,), (d.shape,),
                  view_of=x)


def unsqueeze(x: Tensor, axis: int) -> Tensor:
    """A size-1 axis inserted at ``axis``; a view."""
    d = x._data
    return record(np.expand_dims(d, axis), "UnsqueezeBackward0", D.reshape, (x,), (d.shape,), view_of=x)


def expand(x: Tensor, shape: Sequence[int]) -> Tensor:
    """A read-only broadcast view to ``shape`` (-1 keeps a size), with libtorch's errors."""
    d = x._data
    shape = tuple(shape)
    lead = len(shape) - d.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand(CPUFloatType{{{','.join(map(str, d.shape))}}}, size=[{', '.join(map(str, shape))}]): the "
            f"number of sizes provided ({len(shape)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({d.ndim})"
        )
    for i, n in enumerate(shape[:lead]):
        if n < 0:
            raise RuntimeError(f"expand: the expanded size of the tensor ({n}) isn't allowed in a leading, "
                               f"non-existing dimension {i + 1}")
    full = tuple(d.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
    try:
        out = broadcast_view(d, full)
    except ValueError:
        raise RuntimeError(
            f"The expanded size of the tensor ({full[-1]}) must match the existing size ({d.shape[-1]}) at "
            f"non-singleton dimension {len(full) - 1}.  Target sizes: [{', '.join(map(str, shape))}].  Tensor "
            f"sizes: [{', '.join(map(str, d.shape))}]"
        ) from None
    return record(out, "ExpandBackward0", D.identity, (x,), view_of=x)


def repeat(x: Tensor, repeats: Sequence[int]) -> Tensor:
    """``x`` tiled ``repeats`` times along each axis (leading axes added as needed); a copy."""
    d = x._data
    repeats = tuple(repeats)
    if len(repeats) < d.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                           "of tensor")
    d2 = d.reshape((1,) * (len(repeats) - d.ndim) + d.shape)
    return record(np.tile(d2, repeats), "RepeatBackward0", D.repeat, (x,), (d2.shape, repeats))


def cat(tensors: Sequence[Tensor], axis: int) -> Tensor:
    """Concatenate along ``axis``. Empty 1-d tensors (shape [0]) are skipped, as libtorch's legacy rule; the
    result has the promoted dtype of all inputs."""
    arrays = [t._data for t in tensors]
    dt = result_type(*arrays) if len({a.dtype for a in arrays}) > 1 else None
    keep = [not (a.ndim == 1 and a.shape[0] == 0) for a in arrays]
    if not any(keep):
        keep[0] = True
    used = [a for a, k in zip(arrays, keep) if k]
    for i, a in enumerate(used):
        if a.ndim == 0:
            raise worded(RuntimeError, "torch_cat(): zero-dimensional tensor (at position {i}) cannot be "
                         "concatenated", i=Pos(i))
    ref = used[0]
    if not -ref.ndim <= axis < ref.ndim:
        raise worded(IndexError, "torch_cat(): Dimension out of range (expected to be in range of [{lo}, {hi}], "
                     "but got {d})", lo=-ref.ndim, hi=ref.ndim, d=Axis(axis))
    ax = axis % ref.ndim
    for i, a in enumerate(used):
        if a.ndim != ref.ndim:
            raise RuntimeError(f"torch_cat(): Tensors must have same number of dimensions: got {ref.ndim} and "
                               f"{a.ndim}")
        for j in range(ref.ndim):
            if j != ax and a.shape[j] != ref.shape[j]:
                raise worded(RuntimeError, "torch_cat(): Sizes of tensors must match except in dimension {d}. "
                             "Expected size {exp} but got size {got} for tensor number {i} in the list.",
                             d=Axis(ax), exp=ref.shape[j], got=a.shape[j], i=Pos(i))
    out = np.concatenate(used, axis=ax, dtype=dt)
    sizes = [a.shape[ax] if k else None for a, k in zip(arrays, keep)]
    return record(out, "CatBackward0", D.cat, tuple(tensors), (ax, sizes))


def stack(tensors: Sequence[Tensor], axis: int) -> Tensor:
    """Equal-shaped tensors joined along a new ``axis`` (promoted dtype)."""
    arrays = [t._data for t in tensors]
    for i, a in enumerate(arrays[1:], 2):
        if a.shape != arrays[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(arrays[0].shape)} at "
                               f"entry 1 and {list(a.shape)} at entry {i}")
    dt = result_type(*arrays) if len({a.dtype for a in arrays}) > 1 else None
    out = np.stack(arrays, axis=axis, dtype=dt)
    return record(out, "StackBackward0", D.stack, tuple(tensors), (axis, len(arrays)))


def flip(x: Tensor, axes: Sequence[int]) -> Tensor:
    """A copy with the elements reversed along ``axes``."""
    if x._data.ndim == 0:
        return record(x._data.copy(), "FlipBackward0", D.identity, (x,))
    return record(np.flip(x._data, tuple(axes)).copy(), "FlipBackward0", D.flip, (x,), (tuple(axes),))


def roll(x: Tensor, shifts: Sequence[int], axes: Sequence[int]) -> Tensor:
    """A copy shifted circularly by ``shifts`` along ``axes``."""
    return record(np.roll(x._data, tuple(shifts), tuple(axes)), "RollBackward0", D.roll, (x,),
                  (tuple(shifts), tuple(axes)))


def tril(x: Tensor, k: int = 0) -> Tensor:
    """The lower triangle from diagonal ``k``; the rest zero."""
    return record(np.tril(x._data, k), "TrilBackward0", D.tril, (x,), (k,))


def triu(x: Tensor, k: int = 0) -> Tensor:
    """The upper triangle from diagonal ``k``; the rest zero."""
    return record(np.triu(x._data, k), "TriuBackward0", D.triu, (x,), (k,))


def diagonal(x: Tensor, offset: int = 0, a1: int = 0, a2: int = 1) -> Tensor:
    """A writable view of the diagonal at ``offset`` of the last two axes."""
    nd = x._data.ndim
    if nd < 2 or {a1 % nd, a2 % nd} != {nd - 2, nd - 1}:
        raise NotImplementedError("diagonal: only the last two dimensions are supported")
    d = x._data
    ax1, ax2 = a1 % nd, a2 % nd
    n = np.diagonal(d, offset, ax1, ax2).shape[-1]
    start = [slice(None)] * nd
    start[ax1], start[ax2] = slice(max(-offset, 0), None), slice(max(offset, 0), None)
    v = d[tuple(start)]
    others = [i for i in range(nd) if i not in (ax1, ax2)]
    # a writable strided view (np.diagonal's is read-only), so in-place ops write into x as libtorch's do
    out = np.lib.stride_tricks.as_strided(v, tuple(d.shape[i] for i in others) + (n,),
                                          tuple(v.strides[i] for i in others) + (v.strides[ax1] + v.strides[ax2],))
    return record(out, "DiagonalBackward0", D.diagonal, (x,), (d.shape, offset, a1, a2), view_of=x)


# -- indexing ------------------------------------------------------------------------------------------------

def _index_key(key: Any) -> Any:
    """A Python subscript with tensors replaced by their arrays (numpy semantics, 0-based)."""
    if key.__class__ is tuple:
        return tuple(k._data if k.__class__ is Tensor else k for k in key)
    return key._data if key.__class__ is Tensor else key


def _is_basic(key: Any) -> bool:
    items = key if key.__class__ is tuple else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice, np.integer)) for k in items)


_NP_OUT_OF_BOUNDS = re.compile(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)")


def _index_error(msg: str) -> BaseException:
    """numpy's indexing error in libtorch's words, worded so that R's ``[`` reports it 1-based."""
    m = _NP_OUT_OF_BOUNDS.search(msg)
    if m:
        return worded(IndexError, "index {i} is out of bounds for dimension {d} with size {n}", i=Pos(int(m[1])),
                      d=Axis(int(m[2])), n=int(m[3]))
    if "arrays used as indices" in msg:
        return IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return IndexError(msg.replace(" axis ", " dimension "))


def index(x: Tensor, key: Any) -> Tensor:
    """``x[key]`` (0-based). Basic indexing returns a view; tensors/lists/bools index advanced (a copy)."""
    k = _index_key(key)
    d = x._data
    basic = _is_basic(k)
    try:
        out = d[k]
    except IndexError as e:
        raise _index_error(str(e)) from None
    if basic and out.__class__ is not np.ndarray:  # every dim indexed by an int: a 0-d view, not a copy
        out = d[(k if k.__class__ is tuple else (k,)) + (Ellipsis,)]
    return record(out, _basic_name(k) if basic else "IndexBackward0", D.index, (x,), (d.shape, k),
                  view_of=x if basic else None)


def _basic_name(k: Any) -> str:
    """libtorch's node for a basic subscript: the last view op it applies (full slices after the first item
    are skipped; a lone ``...`` is an alias)."""
    if k.__class__ is not tuple:
        k = (k,)
    name = "AliasBackward0"
    for item in k:
        if item is None:
            name = "UnsqueezeBackward0"
        elif item is Ellipsis:
            continue
        elif item.__class__ is slice:
            if len(k) == 1 or item != slice(None):
                name = "SliceBackward0"
        else:
            name = "SelectBackward0"
    return name


def index_put(x: Tensor, key: Any, value: Any, accumulate: bool = False) -> Tensor:
    """Out-of-place ``x[key] = value`` (``x[key] += value`` with accumulate), recorded for autograd."""
    k = _index_key(key)
    out = x._data.copy()
    v = _data(value)
    if accumulate:
        np.add.at(out, k, v)
    else:
        try:
            out[k] = v
        except ValueError as e:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast "
                               f"to indexing result ({e})") from None
    return record(out, "IndexPutBackward0", D.index_put, (x, value), (k, np.shape(v), accumulate))


def gather(x: Tensor, axis: int, idx: Tensor) -> Tensor:
    """Values of ``x`` along ``axis`` at ``idx`` (0-based); ``idx`` may be smaller than ``x`` in the other dims
    (libtorch's rule)."""
    i = idx._data
    _check_index_dtype(i, "gather")
    d = x._data
    if d.ndim == 0:
        d, i = d.reshape(1), i.reshape(1)
        _check_index_range(i, 1, "gather")
        return record(d[i].reshape(()), "GatherBackward0", D.gather, (x,), ((), 0, i))
    _check_index_shape(i, d, None, axis, "gather")
    _check_index_range(i, d.shape[axis], "gather")
    return record(d[_scatter_coords(i, axis)], "GatherBackward0", D.gather, (x,), (d.shape, axis, i))


def _check_index_shape(i: np.ndarray, d: np.ndarray, src: Any, axis: int, fn: str) -> None:
    """libtorch's gather/scatter rules: index has self's number of dims, is no larger than self outside
    ``axis`` and no larger than src anywhere (dims reported 1-based)."""
    if i.ndim != d.ndim:
        raise RuntimeError(f"{fn}(): Index tensor must have the same number of dimensions as input tensor "
                           f"(index {list(i.shape)}, input {list(d.shape)})")
    for k in range(d.ndim):
        if k != axis and i.shape[k] > d.shape[k]:
            raise worded(RuntimeError, "{fn}(): Size does not match at dimension {k} expected index {ishape} to "
                         "be smaller than self {shape} apart from dimension {d}", fn=fn, k=Axis(k),
                         ishape=list(i.shape), shape=list(d.shape), d=Axis(axis))
        if src is not None and np.ndim(src) and i.shape[k] > np.shape(src)[k]:
            raise worded(RuntimeError, "{fn}(): Expected index {ishape} to be smaller than self {shape} apart "
                         "from dimension {d} and to be smaller size than src {sshape}", fn=fn,
                         ishape=list(i.shape), shape=list(d.shape), d=Axis(axis), sshape=list(np.shape(src)))


def scatter(x: Tensor, axis: int, idx: Tensor, src: Any, reduce: str | None = None) -> Tensor:
    """A copy of ``x`` with ``src`` written at the 0-based ``idx`` along ``axis`` (``reduce``: "add", "multiply")."""
    i = idx._data
    _check_index_dtype(i, "scatter")
    s = _data(src)
    if np.ndim(s) and np.ndim(s) != i.ndim:
        raise RuntimeError(f"scatter(): Index tensor must have the same number of dimensions as src tensor "
                           f"(index {list(i.shape)}, src {list(np.shape(s))})")
    _check_index_shape(i, x._data, s, axis, "scatter")
    _check_index_range(i, x._data.shape[axis], "scatter")
    out = x._data.copy()
    s_arr = np.broadcast_to(np.asarray(s, dtype=out.dtype), i.shape) if np.ndim(s) == 0 else \
        np.asarray(s)[tuple(slice(0, n) for n in i.shape)]
    coords = _scatter_coords(i, axis)
    if reduce in (None, "none"):
        out[coords] = s_arr
        name, rule = "ScatterBackward0" if src.__class__ is Tensor else "ScatterBackward1", D.scatter
    elif reduce == "add":
        np.add.at(out, coords, s_arr)
        name, rule = "ScatterAddBackward0", D.scatter_add
    elif reduce == "multiply":
        np.multiply.at(out, coords, s_arr)
        return _wrap(out)
    else:
        raise ValueError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
    return record(out, name, rule, (x, src), (axis, i))


def _scatter_coords(i: np.ndarray, axis: int) -> tuple:
    grids = list(np.indices(i.shape, sparse=True))
    grids[axis] = i
    return tuple(grids)


def _check_index_dtype(i: np.ndarray, fn: str) -> None:
    if i.dtype != np.int64:
        raise RuntimeError(f"{fn}(): Expected dtype int64 for index")


def _check_index_range(i: np.ndarray, n: int, fn: str) -> None:
    if i.size and (i.min() < 0 or i.max() >= n):
        bad = i.min() if i.min() < 0 else i.max()
        raise worded(IndexError, "{fn}(): index {i} is out of bounds for dimension with size {n}", fn=fn,
                     i=Pos(int(bad)), n=n)


def index_select(x: Tensor, axis: int, idx: Tensor) -> Tensor:
    """Slices of ``x`` along ``axis`` at the 0-based vector ``idx``."""
    i = idx._data
    if i.dtype.kind not in "iu":
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    if i.ndim > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector, got shape {list(i.shape)}")
    d = x._data
    _check_index_range(i, d.shape[axis] if d.ndim else 1, "index_select")
    return record(np.take(d, i.reshape(-1), axis=axis) if d.ndim else d[()] * np.ones(i.shape, d.dtype),
                  "IndexSelectBackward0", D.index_select, (x,), (d.shape, axis, i.reshape(-1)))


def masked_fill(x: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``x`` with ``value`` (a number or 0-d tensor) where the bool ``mask`` is true."""
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.name}")
    v = _data(value)
    if np.ndim(v) != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{np.ndim(v)} dimension(s).")
    d = x._data
    out = _apply(np.where, "masked_fill", m, np.asarray(v, dtype=d.dtype), d)
    name = "MaskedFillBackward1" if value.__class__ is Tensor else "MaskedFillBackward0"
    return record(out, name, D.masked_fill, (x, value), (m,))


def masked_select(x: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``x`` where the bool ``mask`` (broadcast) is true, as a vector."""
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {mask.dtype.name}")
    try:
        d, mb = np.broadcast_arrays(x._data, m)
    except ValueError:
        raise _shape_error("masked_select", x._data, m) from None
    return record(d[mb], "MaskedSelectBackward0", D.masked_select, (x,), (d.shape, mb))


def sort(x: Tensor, axis: int, descending: bool = False, stable: bool = True) -> tuple[Tensor, Tensor]:
    """Values sorted along ``axis`` (stably) and their 0-based int64 indices."""
    d = x._data
    if d.ndim == 0:
        return record(d.copy(), "SortBackward0", D.identity, (x,)), _wrap(np.zeros((), np.int64))
    if descending:
        # Stable descending order keeps equal elements in their original order, as torch's stable sort.
        idx = np.flip(np.argsort(np.flip(d, axis), axis=axis, kind="stable"), axis)
        idx = d.shape[axis] - 1 - idx if d.ndim else idx
    else:
        idx = np.argsort(d, axis=axis, kind="stable")
    vals = np.take_along_axis(d, idx, axis) if d.ndim else d.copy()
    v = record(vals, "SortBackward0", D.take_along, (x,), (d.shape, axis, idx))
    return v, _wrap(idx.astype(np.int64))


def topk(x: Tensor, k: int, axis: int, largest: bool = True, sorted: bool = True) -> tuple[Tensor, Tensor]:  # noqa: A002
    """The ``k`` largest (smallest) values along ``axis`` and their 0-based indices."""
    d = x._data
    n = d.shape[axis] if d.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"selected index k out of range (k = {k}, size = {n})")
    if d.ndim == 0:
        return record(d.copy(), "TopkBackward0", D.identity, (x,)), _wrap(np.zeros((), np.int64))
    _, idx_sorted = sort(_wrap(d), axis, descending=largest)
    idx = np.take(idx_sorted._data, np.arange(k), axis=axis)
    vals = np.take_along_axis(d, idx, axis)
    v = record(vals, "TopkBackward0", D.take_along, (x,), (d.shape, axis, idx))
    return v, _wrap(idx)


def nonzero(x: Tensor) -> Tensor:
    """0-based coordinates of the non-zero elements, one row each (int64)."""
    return _wrap(np.stack(np.nonzero(x._data), axis=1).astype(np.int64) if x._data.ndim else
                 np.zeros((int(bool(x._data)), 0), np.int64))


def copy_slices(base: Tensor, view: Tensor) -> None:
    """After an in-place op recorded on ``view``, give its base libtorch's CopySlices node: the base's gradient
    outside the view's elements flows to the base's previous graph, inside them to the view's new node."""
    pos = _view_positions(base._data, view._data)
    r = record(base._data, "CopySlices", D.copy_slices, (base, view), (Tensor._wrap(pos), base._data.shape))
    base._grad_fn = r._grad_fn
    base._requires_grad = True


def view_from_base(base: Tensor, view: Tensor) -> None:
    """Give ``view`` a node that reads its elements from ``base``'s current graph (AsStridedBackward0)."""
    pos = _view_positions(base._data, view._data)
    prev = _mode.enabled
    _mode.enabled = True  # structural: the view's place in the graph, whatever the grad mode
    try:
        r = record(view._data, "AsStridedBackward0", D.as_strided, (base,), (Tensor._wrap(pos.reshape(-1)),
                                                                             base._data.shape))
    finally:
        _mode.enabled = prev
    view._grad_fn = r._grad_fn
    view._requires_grad = True


def _view_positions(root: np.ndarray, view: np.ndarray) -> np.ndarray:
    """For each element of ``view`` (a numpy view into ``root``'s memory), its flat C-order index in root."""
    it = root.itemsize
    off = (view.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // it
    mem = np.full(view.shape, off, np.int64)
    for k, (n, st) in enumerate(zip(view.shape, view.strides)):  # (ops.sum shadows the builtin here)
        mem += (np.arange(n) * (st // it)).reshape((-1,) + (1,) * (view.ndim - k - 1))
    if root.flags.c_contiguous:
        return mem
    rs = [st // it for st in root.strides]
    if any(st < 0 for st in rs):
        raise RuntimeError("in-place operation on a view of a tensor with negative strides is not supported "
                           "under autograd; clone() the base first")
    extent = 1 + int(np.dot([n - 1 for n in root.shape], rs)) if root.size else 0
    where = np.full(extent, -1, np.int64)
    np.lib.stride_tricks.as_strided(where, root.shape, [st * 8 for st in rs])[...] = \
        np.arange(root.size).reshape(root.shape)
    return where[mem]


# -- indexing: assignment ----------------------------------------------------------------------------------

def setitem(x: Tensor, key: Any, value: Any) -> None:
    """``x[key] = value`` in place (0-based numpy keys): recorded as IndexPutBackward0 on a snapshot when
    autograd must see it, else written straight into the storage."""
    if x._check_inplace() and (x._requires_grad or (value.__class__ is Tensor and value._requires_grad)):
        x._assign_result(index_put(x._snapshot(), key, value))
        return
    k = _index_key(key)
    try:
        x._data[k] = _data(value)
    except ValueError as e:
        # libtorch drops leading size-1 dims of the value (x[1, 1] <- torch_tensor(0) writes one element)
        v = np.asarray(_data(value))
        target = np.ndim(x._data[k])
        while v.ndim > target and v.shape[0] == 1:
            v = v[0]
        if v.ndim <= target:
            try:
                x._data[k] = v
                x._version[0] += 1
                return
            except ValueError:
                pass
        raise RuntimeError(f"shape mismatch: value of shape {list(np.shape(_data(value)))} cannot be broadcast "
                           f"to indexing result ({e})") from None
    x._version[0] += 1
