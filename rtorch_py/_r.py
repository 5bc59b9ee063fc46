"""R torch's conventions, declared once and converted in one place.

R-named functions declare what each argument *is* with an annotation from this module, and ``@r_api``
converts it before the body runs, as R torch's C++ glue converts by argument type (so no function writes
``dim - 1``)::

    @r_api
    def torch_sum(self: Tensor, dim: Dims | None = None, keepdim: bool = False) -> Tensor:
        ...  # here `dim` is a tuple of 0-based axes of `self`, or None

Argument kinds (:data:`KINDS`): ``Dim`` (one 1-based dim of the reference tensor -> 0-based axis; negative
counts from the end; 0 is an error), ``DimNew`` (a dim of the result, which has one more: unsqueeze/stack),
``Dims`` (one dim or a vector of dims -> tuple of axes; NULL or empty -> None), ``Pos1`` (a 1-based position
-> 0-based; negative counts from the end), ``Index1`` (a tensor of 1-based indices -> 0-based int64 tensor),
``Size`` (sizes as separate arguments or one vector -> tuple of ints), ``Int`` (a whole number -> int),
``Class1`` (a loss's 1-based class targets -> :class:`ClassTargets`, which gives them 0-based once checked
against the input).
The reference tensor of dims is the first parameter (its first element when it is a list of tensors) unless
``@r_api(ref="name")`` names another. Return kinds: ``Indices1`` (the result is 0-based indices),
``ValuesIndices1`` (a ``[values, indices]`` pair), ``IndicesList1`` (a list of index tensors),
``InverseCounts1`` (``[values, inverse indices, counts]`` of unique); each is returned 1-based.
A :class:`~rtorch_py._core.errors.Worded` error from the core is re-raised 1-based, so R users read
"dimension 1" where Python's ``x[...]`` reads "dimension 0".

The decorator generates a plain wrapper with the function's own signature (``help()`` and
``inspect.signature`` show the real arguments, and r_shim/tools/generate_wrappers.py writes the R wrapper from
it); the declarations stay readable through :func:`declared`.
"""

from __future__ import annotations

import functools
import inspect
import linecache
import re
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from . import _check
from ._core.errors import Worded
from ._core.tensor import Tensor
from .named import axis_of_name

__all__ = [
    "r_api", "declared", "one_based", "KINDS", "RETURN_KINDS",
    "axis_of", "axes_of", "position_of", "positions_of", "stop_of", "index_of", "sizes_of", "to_int",
    "Dim", "DimNew", "Dims", "DimOrder", "Pos1", "Index1", "Size", "Int", "Indices1", "ValuesIndices1", "IndicesList1",
    "InverseCounts1", "Class1", "ClassTargets", "class_axis_of",
]

F = TypeVar("F", bound=Callable[..., Any])

# The annotation names (type aliases: what the argument holds as the caller writes it).
Dim = int
DimNew = int
Dims = Any
DimOrder = Any
Pos1 = int
Index1 = Any
Size = Any
Int = int
Class1 = Any
Indices1 = Tensor
ValuesIndices1 = list
IndicesList1 = list
InverseCounts1 = list


# -- converters ------------------------------------------------------------------------------------------------

def to_int(x: Any, what: str = "value") -> int:
    """An integer from an int, a whole float (R's numbers are doubles) or a one-element integer tensor.

    Example:
        >>> to_int(3.0), to_int(np.int64(2))
        (3, 2)
    """
    cls = x.__class__
    if cls is int:
        return x
    if isinstance(x, (bool, np.bool_, int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return int(x)
    if isinstance(x, Tensor) and x._data.size == 1 and x._data.dtype.kind in "iu":
        return int(x._data.reshape(()))
    if isinstance(x, np.ndarray) and x.size == 1:
        return to_int(x.reshape(()).item(), what)
    raise TypeError(f"{what} must be a whole number, got {x!r}")


def axis_of(dim: Any, ndim: int, fn: str | None = None) -> int:
    """A 1-based R dim (negative counts from the end) as a 0-based axis, with R torch's errors (``fn``, the
    R-named function, is named in the error for ``dim = 0``).

    Example:
        >>> axis_of(1, 3), axis_of(-1, 3)
        (0, 2)
    """
    d = dim if dim.__class__ is int else to_int(dim, "dim")
    if d == 0:
        if fn:
            raise IndexError(f"{fn}(): Indexing starts at 1 but found a 0. R-named functions take 1-based dims "
                             "(dim = 1 is the first; only Python's x[...] subscripts are 0-based)")
        raise IndexError("Indexing starts at 1 but found a 0.")
    n = ndim if ndim > 0 else 1
    if d > n or d < -n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n}], but got {d})")
    return d - 1 if d > 0 else d + n


def axes_of(dims: Any, ndim: int, fn: str | None = None) -> tuple[int, ...] | None:
    """One dim or a vector of dims, 1-based, as a tuple of 0-based axes; NULL or an empty vector is None.

    Example:
        >>> axes_of([1, -1], 3)
        (0, 2)
    """
    if dims is None:
        return None
    if isinstance(dims, Tensor):
        dims = dims._data.reshape(-1).tolist()
    if isinstance(dims, (list, tuple, np.ndarray)):
        if len(dims) == 0:
            return None
        axes = tuple(axis_of(d, ndim, fn) for d in dims)
        if len(set(axes)) != len(axes):
            dup = next(a for a in axes if axes.count(a) > 1)
            raise RuntimeError(f"dim {dup + 1} appears multiple times in the list of dims")
        return axes
    return (axis_of(dims, ndim, fn),)


def position_of(pos: Any, what: str = "index") -> int:
    """A 1-based position as a 0-based one; a negative position counts from the end (-1 is the last).

    Example:
        >>> position_of(1), position_of(-1)
        (0, -1)
    """
    i = pos if pos.__class__ is int else to_int(pos, what)
    if i == 0:
        raise IndexError("Indexing starts at 1 but found a 0.")
    return i - 1 if i > 0 else i


def positions_of(pos: np.ndarray) -> np.ndarray:
    """A vector of 1-based positions (negative count from the end) as 0-based ones, as :func:`position_of`.

    Example:
        >>> positions_of(np.array([1, 3, -1])).tolist()
        [0, 2, -1]
    """
    idx = np.asarray(pos)
    if idx.size and (idx == 0).any():
        raise IndexError("Indexing starts at 1 but found a 0.")
    return np.where(idx > 0, idx - 1, idx)


def stop_of(end: int) -> int | None:
    """The exclusive 0-based stop of an inclusive 1-based end (``a:b`` in R; negative counts from the end).

    Example:
        >>> stop_of(3), stop_of(-1), stop_of(-2)
        (3, None, -1)
    """
    if end == -1:
        return None
    return end if end > 0 else end + 1


def index_of(index: Any, fn: str = "index", size: int | None = None) -> Tensor:
    """A tensor (or vector) of 1-based indices as a 0-based int64 tensor; 0 is an error, as in R torch.

    Negative indices count from the end when ``size`` is given.

    Example:
        >>> index_of([1, 3])._data.tolist()
        [0, 2]
    """
    arr = index._data if isinstance(index, Tensor) else np.asarray(index)
    if arr.dtype.kind == "f":
        if not np.all(np.mod(arr, 1) == 0):
            raise TypeError(f"{fn}: index must hold whole numbers")
    elif arr.dtype.kind not in "iub" or arr.dtype.kind == "b":
        raise RuntimeError(f"{fn}(): Expected dtype int64 for index, got {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and (arr == 0).any():
        raise IndexError("Indexing starts at 1 but found a 0.")
    if size is not None and arr.size and (arr < 0).any():
        return Tensor._wrap(np.where(arr < 0, arr + size, arr - 1))
    return Tensor._wrap(arr - 1)


def sizes_of(size: Sequence[Any], fn: str = "size") -> tuple[int, ...]:
    """Sizes as separate arguments (``torch_randn(2, 3)``) or one vector (``torch_randn(c(2, 3))``).

    Example:
        >>> sizes_of((2, 3)), sizes_of(([2, 3],))
        ((2, 3), (2, 3))
    """
    if len(size) == 1 and isinstance(size[0], (list, tuple, np.ndarray, Tensor)):
        size = np.asarray(size[0]._data if isinstance(size[0], Tensor) else size[0]).reshape(-1).tolist()
    out = []
    for s in size:
        n = to_int(s, f"{fn}: size")
        if n < 0:
            raise RuntimeError(f"{fn}: Trying to create tensor with negative dimension {n}: "
                               f"[{', '.join(str(to_int(v)) for v in size)}]")
        out.append(n)
    return tuple(out)


def _ndim(ref: Any, fn: str, arg: str) -> int:
    if ref.__class__ is Tensor or isinstance(ref, Tensor):
        return ref._data.ndim
    if isinstance(ref, (list, tuple)) and ref and all(isinstance(t, Tensor) for t in ref):
        return max(t._data.ndim for t in ref)
    if isinstance(ref, np.ndarray) and ref.dtype.kind in "biuf":  # an R array where a tensor is expected
        return ref.ndim
    raise _check.fail_type(fn, arg, "a torch_tensor", ref)


def _shape_text(shape: tuple) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def class_axis_of(input: Tensor, fn: str) -> int:  # noqa: A002
    """The 0-based class axis of a loss's input: 1 for (N, C, ...), 0 for an unbatched (C).

    Example:
        >>> class_axis_of(torch_zeros(2, 3), "nnf_nll_loss"), class_axis_of(torch_zeros(3), "nnf_nll_loss")
        (1, 0)
    """
    if input._data.ndim == 0:
        raise ValueError(f"{fn}: input must have a class dimension, got a 0-d tensor")
    return 0 if input._data.ndim == 1 else 1


class ClassTargets:
    """A loss's class targets as R gives them (1-based class numbers), converted by :meth:`indices` (or
    :meth:`rows`) once the loss has checked its input: classes lie along dim 2 of an (N, C, ...) input, dim 1
    of an unbatched (C) one. Errors are R torch's (e.g. "Target 0 is out of bounds").

    Example:
        >>> t = ClassTargets(torch_tensor([2, 1, 3]), "nnf_nll_loss")
        >>> t.indices(torch_zeros(3, 4))[0].tolist()
        [1, 0, 2]
    """

    __slots__ = ("tensor", "fn")

    def __init__(self, tensor: Tensor, fn: str) -> None:
        self.tensor = tensor
        self.fn = fn

    def class_axis(self, input: Tensor) -> int:  # noqa: A002
        """The 0-based class axis of ``input``: 1 for (N, C, ...), 0 for (C)."""
        return class_axis_of(input, self.fn)

    def probabilities(self, input: Tensor) -> bool:  # noqa: A002
        """Whether the targets are class probabilities instead: floating, of the input's shape."""
        return self.tensor._data.dtype.kind == "f" and self.tensor._data.shape == input._data.shape

    def values(self) -> np.ndarray:
        """The targets as given (1-based), once checked to be integers."""
        return self._long()

    def among(self, n_classes: int) -> np.ndarray:
        """The 0-based int64 targets, each checked to be a class in 1..``n_classes`` (for a loss whose input
        does not hold the classes along a dim, e.g. an adaptive softmax's)."""
        t = self._long()
        if t.size and (t.min() < 1 or t.max() > n_classes):
            raise RuntimeError(f"{self.fn}: Target values should be in [1, {n_classes}], but values in range "
                               f"[{int(t.min())}, {int(t.max())}] were found.")
        return t.astype(np.int64) - 1

    def _long(self, n_classes: int | None = None) -> np.ndarray:
        t = self.tensor._data
        if t.dtype.kind not in "iu":
            hint = f" (class indices 1..{n_classes}; convert with $to(dtype = torch_long()))" if n_classes else ""
            raise RuntimeError(f"{self.fn}: expected scalar type Long but found {self.tensor.dtype.name} for "
                               f"argument 'target'{hint}")
        return t

    def _out_of_bounds(self, v: int, n_classes: int) -> IndexError:
        hint = " (class indices are 1-based)" if v == 0 else ""
        return IndexError(f"{self.fn}: Target {v} is out of bounds.{hint} Expected values in 1..{n_classes}")

    def indices(self, input: Tensor, ignore_index: Any = None) -> tuple[np.ndarray, np.ndarray | None, int]:  # noqa: A002
        """One class per sample: the 0-based int64 targets (ignored ones set to 0), the keep mask (None when
        nothing is ignored; ``ignore_index`` is compared with the R class numbers) and the class count."""
        d = input._data
        axis = self.class_axis(input)
        n_classes = d.shape[axis]
        t = self._long(n_classes)
        expected = d.shape[:axis] + d.shape[axis + 1:]
        if t.shape != expected:
            if d.ndim >= 2 and t.ndim >= 1 and t.shape[0] != d.shape[0]:
                raise ValueError(f"{self.fn}: Expected input batch_size ({d.shape[0]}) to match target batch_size "
                                 f"({t.shape[0]}).")
            raise ValueError(f"{self.fn}: Expected target size {_shape_text(expected)}, got {_shape_text(t.shape)} "
                             f"for input of size {_shape_text(d.shape)}")
        keep = None
        if ignore_index is not None:
            ignore = to_int(ignore_index, "ignore_index")
            if ignore == 0:  # classes are 1..C: 0 names no class (R torch refuses it rather than ignore nothing)
                raise ValueError(f"{self.fn}: ignore_index = 0 is not a valid 1 based class index (classes are "
                                 f"1..{n_classes}; the default -100 ignores nothing)")
            mask = t != ignore
            if not mask.all():
                keep = mask
        bad = (t < 1) | (t > n_classes)
        if keep is not None:
            bad &= keep
        if bad.any():
            raise self._out_of_bounds(int(t[bad].reshape(-1)[0]), n_classes)
        t0 = t.astype(np.int64) - 1
        if keep is not None:
            t0 = np.where(keep, t0, 0)
        return t0, keep, n_classes

    def rows(self, input: Tensor) -> tuple[np.ndarray, np.ndarray]:  # noqa: A002
        """Several classes per sample (multi-label): each row of the targets (the input's shape, (N, C) or (C))
        holds 1-based classes up to its first negative value. Returns the (N, C) 0-based targets (0 past the
        end) and the mask of the valid entries."""
        t = self._long()
        if t.shape != input._data.shape:
            raise ValueError(f"{self.fn}: inconsistent target size: {_shape_text(t.shape)} for input of size: "
                             f"{_shape_text(input._data.shape)}")
        n_classes = input._data.shape[-1]
        t2 = t.reshape(-1, n_classes).astype(np.int64)
        valid = np.cumprod(t2 >= 0, axis=1).astype(bool)
        bad = valid & ((t2 < 1) | (t2 > n_classes))
        if bad.any():
            raise self._out_of_bounds(int(t2[bad][0]), n_classes)
        return np.where(valid, t2 - 1, 0), valid


def _class_targets(v: Any, ref: Any, fn: str, arg: str) -> ClassTargets:
    return ClassTargets(_check.tensor(v, fn, arg), fn)


# -- the kinds -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """One argument convention: what R passes (``doc``, used in R help) and its converter.

    ``convert(value, ref, fn, arg)`` gets the argument, the reference tensor (or None), the function's and
    the argument's names.
    """

    name: str
    doc: str
    convert: Callable[[Any, Any, str, str], Any]
    uses_ref: bool = False


def _dim(v: Any, ref: Any, fn: str, arg: str) -> int:
    if v.__class__ is str:  # a dim given by name (named tensors, rtorch_py/named.py)
        return axis_of_name(ref, v, fn)
    return axis_of(v, _ndim(ref, fn, "self"), fn)


def _dims(v: Any, ref: Any, fn: str, arg: str) -> tuple[int, ...] | None:
    if isinstance(v, str) or (isinstance(v, (list, tuple)) and v and all(isinstance(d, str) for d in v)):
        names = [v] if isinstance(v, str) else list(v)
        if len(set(names)) != len(names):
            dup = next(d for d in names if names.count(d) > 1)
            raise RuntimeError(f"dim '{dup}' appears multiple times in the list of dims")
        return tuple(axis_of_name(ref, d, fn) for d in names)
    return axes_of(v, _ndim(ref, fn, "self"), fn)


def _dim_new(v: Any, ref: Any, fn: str, arg: str) -> int:
    if isinstance(ref, (list, tuple)) and ref and isinstance(ref[0], Tensor):
        return axis_of(v, ref[0]._data.ndim + 1, fn)
    return axis_of(v, _ndim(ref, fn, "self") + 1, fn)


def _dim_order(v: Any, ndim: int, fn: str | None = None) -> tuple[int, ...]:
    seq = v._data.reshape(-1).tolist() if isinstance(v, Tensor) else v
    return tuple(axis_of(d, ndim, fn) for d in (seq if isinstance(seq, (list, tuple, np.ndarray)) else [seq]))


def _size(v: Any, ref: Any, fn: str, arg: str) -> tuple[int, ...]:
    if v.__class__ is tuple and all(s.__class__ is int and s >= 0 for s in v):
        return v  # the common case, torch_randn(2, 3) from Python
    # One size argument or the tuple of `*size`: sizes_of unnests either (torch_randn(2, 3), c(2, 3), list(2, 3)).
    return sizes_of((v,), fn)


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("Dim", "a dimension, 1-based (negative counts from the end)", _dim, uses_ref=True),
    Kind("DimNew", "a dimension of the result, 1-based (negative counts from the end)", _dim_new,
         uses_ref=True),
    Kind("Dims", "one dimension or a vector of dimensions, 1-based", _dims, uses_ref=True),
    Kind("DimOrder", "a vector of dimensions, 1-based, in a new order (a permutation)",
         lambda v, ref, fn, arg: _dim_order(v, _ndim(ref, fn, "self"), fn), uses_ref=True),
    Kind("Pos1", "a position, 1-based (negative counts from the end)", lambda v, ref, fn, arg: position_of(v, arg)),
    Kind("Index1", "a tensor of 1-based indices", lambda v, ref, fn, arg: index_of(v, fn.removeprefix("torch_"))),
    Kind("Size", "sizes, as separate numbers or one vector", _size),
    Kind("Int", "a whole number", lambda v, ref, fn, arg: to_int(v, arg)),
    Kind("Class1", "a tensor of 1-based class indices (integer)", _class_targets),
)}

RETURN_KINDS = {
    "Indices1": "1-based indices",
    "ValuesIndices1": "a list of the values and their 1-based indices",
    "IndicesList1": "a list of tensors of 1-based indices",
    "InverseCounts1": "a list of the values, their 1-based inverse indices and the counts",
}

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _kind_names(annotation: Any) -> list[str]:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return _NAME.findall(text or "")


def one_based(out: Any, kind: str) -> Any:
    """A result holding 0-based indices returned 1-based, by its return kind (for functions that return
    indices only on request, e.g. max pooling's ``return_indices``; declared functions do this themselves).

    Example:
        >>> one_based(Tensor._wrap(np.array([0, 2])), "Indices1")._data.tolist()
        [1, 3]
    """
    return _one_based_result(kind, out)


def _one_based_result(kind: str, out: Any) -> Any:
    if kind == "Indices1":
        return Tensor._wrap(out._data + 1)
    if kind == "ValuesIndices1":
        v, i = out
        return [v, Tensor._wrap(i._data + 1)]
    if kind == "InverseCounts1":
        v, i, c = out
        return [v, Tensor._wrap(i._data + 1), c]
    return [Tensor._wrap(i._data + 1) for i in out]


def _named_varargs(values: tuple, kw: dict, name: str, fn: str) -> tuple:
    """The varargs of a call where R named them (``size = c(5, 5)``); other unknown names are errors."""
    extra = [k for k in kw if k != name]
    if extra:
        raise TypeError(f"{fn}() got an unexpected keyword argument '{extra[0]}'")
    if values:
        raise TypeError(f"{fn}(): `{name}` given both by position and by name")
    return (kw[name],)


def _reword(err: Worded) -> BaseException:
    return err.one_based()


# -- the decorator ---------------------------------------------------------------------------------------------

def declared(fn: Callable) -> dict[str, str]:
    """The declared kinds of ``fn``'s arguments (and ``"return"``), e.g. ``{"dim": "Dims"}``.

    Example:
        >>> from rtorch_py import torch_sum
        >>> declared(torch_sum)
        {'dim': 'Dims'}
    """
    return dict(getattr(fn, "__r_kinds__", {}))


def r_api(fn: F | None = None, *, ref: str | None = None) -> Any:
    """Declare an R-named function: its annotated arguments are converted from R's conventions, its declared
    result to them, and worded core errors are re-raised 1-based (see the module's docstring).

    Example:
        >>> @r_api
        ... def first_axis(self: Tensor, dim: Dim) -> int:
        ...     return dim
        >>> first_axis(torch_ones(2, 3), -1)
        1
    """
    if fn is None:
        return lambda f: _declare(f, ref)
    return _declare(fn, ref)


def _declare(fn: Callable, ref: str | None) -> Callable:
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    ann = fn.__annotations__
    kinds: dict[str, str] = {}
    for p in params:
        names = [n for n in _kind_names(ann.get(p.name)) if n in KINDS]
        if names:
            kinds[p.name] = names[0]
    ret = next((n for n in _kind_names(ann.get("return")) if n in RETURN_KINDS), None)
    ref = ref or (params[0].name if params else None)
    free: dict[str, Any] = {"_impl": fn, "_Worded": Worded, "_reword": _reword, "_result": _one_based_result}
    formals, call, body = [], [], []
    # R callers may name a varargs argument (torch_ones(size = c(5, 5))): its value arrives as a keyword
    var = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)
    named_var = var is not None and not any(p.kind is p.VAR_KEYWORD for p in params)
    if named_var:
        free["_named_varargs"] = _named_varargs
    for p in params:
        name = p.name
        if p.kind is p.POSITIONAL_ONLY:
            raise TypeError(f"r_api: {fn.__name__} has positional-only parameters")
        if p.default is not p.empty:
            free[f"_d_{name}"] = p.default
        if p.kind is p.VAR_POSITIONAL:
            formals.append(f"*{name}")
            call.append(f"*{name}")
            if named_var:
                body.append(f"if _rkw: {name} = _named_varargs({name}, _rkw, {name!r}, {fn.__name__!r})")
        elif p.kind is p.VAR_KEYWORD:
            formals.append(f"**{name}")
            call.append(f"**{name}")
        else:
            if p.kind is p.KEYWORD_ONLY and not any(f.startswith("*") for f in formals):
                formals.append("*")
            formals.append(name if p.default is p.empty else f"{name}=_d_{name}")
            call.append(f"{name}={name}" if p.kind is p.KEYWORD_ONLY else name)
        kind = kinds.get(name)
        if kind is None:
            continue
        free[f"_k_{name}"] = KINDS[kind].convert
        ref_expr = ref if KINDS[kind].uses_ref else "None"
        conv = f"_k_{name}({name}, {ref_expr}, {fn.__name__!r}, {name!r})"
        if p.kind is p.VAR_POSITIONAL:
            body.append(f"{name} = {conv}")
        else:
            body.append(f"if {name} is not None: {name} = {conv}")
    if named_var:
        formals.append("**_rkw")
    result = f"_impl({', '.join(call)})"
    if ret is not None:
        result = f"_result({ret!r}, {result})"
    # The wrapper is compiled inside a factory so that its helpers are closure cells (fast to read), then
    # re-made with the defining module's globals, so doctest and introspection see a function of that module.
    src = "\n".join([
        f"def _factory({', '.join(free)}):",
        f"  def {fn.__name__}({', '.join(formals)}):",
        "    try:",
        *(f"      {line}" for line in body),
        f"      return {result}",
        "    except _Worded as e:",
        "      raise _reword(e) from None",
        f"  return {fn.__name__}",
    ])
    ns: dict[str, Any] = {}
    filename = f"<r_api {fn.__module__}.{fn.__qualname__}>"
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)  # tracebacks show the wrapper
    exec(compile(src, filename, "exec"), ns)  # noqa: S102
    made = ns["_factory"](**free)
    wrapper = types.FunctionType(made.__code__, fn.__globals__, fn.__name__, made.__defaults__, made.__closure__)
    wrapper.__kwdefaults__ = made.__kwdefaults__
    functools.update_wrapper(wrapper, fn)
    del wrapper.__wrapped__  # the signature is set explicitly; tools must not unwrap to the undeclared body
    wrapper.__signature__ = sig
    wrapper.__r_kinds__ = {**kinds, **({"return": ret} if ret else {})}
    wrapper.__r_impl__ = fn  # the 0-based body, for callers inside the API layer that hold 0-based values
    return wrapper
