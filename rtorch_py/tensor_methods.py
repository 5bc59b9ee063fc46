"""Tensor methods as R torch's ``$`` members (``x$sum(dim = 1)`` is ``x.sum(dim=1)``): the ``torch_*``
functions bound as methods, plus the in-place ``*_`` variants and the conversion methods."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import creation as C  # noqa: N812
from . import functions as F  # noqa: N812
from ._core import ops as O  # noqa: N812
from ._core import rng
from ._core.autograd import no_grad
from ._core.dtype import as_dtype
from ._core.tensor import Tensor
from ._r import Dim, Size, r_api, to_int

# Functions that are also methods (self first), named without the torch_ prefix.
_METHODS = [
    "add", "sub", "mul", "div", "pow", "float_power", "multiply", "divide", "subtract", "true_divide",
    "maximum", "minimum", "fmod", "remainder", "atan2", "lerp", "clamp", "clip", "square", "addcmul",
    "addcdiv", "round", "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "isnan", "isinf", "isfinite",
    "allclose", "isclose", "equal", "sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin",
    "var", "std", "norm", "dist", "logsumexp", "cumsum", "cumprod", "all", "any", "count_nonzero",
    "softmax", "log_softmax", "matmul", "mm", "bmm", "mv", "dot", "outer", "ger", "t", "addmm", "reshape",
    "squeeze", "unsqueeze", "flatten", "permute", "transpose", "movedim", "narrow", "select", "split", "chunk",
    "unbind", "flip", "roll", "tril", "triu", "diagonal", "diag", "trace", "gather", "scatter", "scatter_add",
    "index_select", "masked_fill", "masked_select", "nonzero", "sort", "argsort", "topk", "clone",
    "bernoulli", "multinomial", *F._UNARY,
]
for _name in _METHODS:
    _fn = getattr(F, f"torch_{_name}", None) or getattr(C, f"torch_{_name}")
    setattr(Tensor, _name, _fn)


def _where(self: Tensor, condition: Tensor, other: Any) -> Tensor:
    """Elements of ``self`` where ``condition``, else of ``other`` (``torch_where(condition, self, other)``)."""
    return O.where(condition, self, other)


def _view(self: Tensor, *size: Any) -> Tensor:
    """The same storage in another shape (sizes as arguments or one vector; one may be -1).

    Example:
        >>> torch_arange(1, 6).view(2, 3).shape
        (2, 3)
    """
    return O.view(self, F._shape_from(size, "view", self._data.size))


def _view_as(self: Tensor, other: Tensor) -> Tensor:
    """A view of ``self`` in ``other``'s shape."""
    return O.view(self, other.shape)


def _reshape(self: Tensor, *shape: Any) -> Tensor:
    """The same values in another shape (a view when possible); sizes as arguments or one vector."""
    return O.reshape(self, F._shape_from(shape, "reshape", self._data.size))


def _reshape_as(self: Tensor, other: Tensor) -> Tensor:
    """``self`` in ``other``'s shape (a view when possible)."""
    return O.reshape(self, other.shape)


def _expand(self: Tensor, *size: Any) -> Tensor:
    """A view with size-1 dims repeated to ``size`` (-1 keeps a size); no copy."""
    return O.expand(self, F._shape_from(size, "expand", self._data.size))


def _expand_as(self: Tensor, other: Tensor) -> Tensor:
    """A view of ``self`` expanded to ``other``'s shape."""
    return O.expand(self, other.shape)


@r_api
def _repeat(self: Tensor, *sizes: Size) -> Tensor:
    """``self`` tiled ``sizes`` times along each dim (a copy)."""
    return O.repeat(self, sizes)


@r_api
def _size(self: Tensor, dim: Dim | None = None) -> Any:
    """All sizes, or the size of one (1-based) dim."""
    if dim is None:
        return list(self.shape)
    return self.shape[dim]


def _dim(self: Tensor) -> int:
    """The number of dims."""
    return self._data.ndim


def _numel(self: Tensor) -> int:
    """The number of elements."""
    return int(self._data.size)


@r_api
def _stride(self: Tensor, dim: Dim | None = None) -> Any:
    """Steps in elements between neighbours along each dim (or along one 1-based ``dim``)."""
    st = [s // self._data.itemsize for s in self._data.strides]
    return st if dim is None else st[dim]


def _is_contiguous(self: Tensor) -> bool:
    """Whether the elements lie in row-major order without gaps."""
    return bool(self._data.flags.c_contiguous)


def _contiguous(self: Tensor) -> Tensor:
    """``self`` if contiguous, else a contiguous copy."""
    return O.contiguous(self)


def _to(self: Tensor, dtype: Any = None, device: Any = None, other: Any = None, non_blocking: bool = False,
        copy: bool = False, memory_format: Any = None) -> Tensor:
    """Convert to another dtype (the device must be the CPU)."""
    if isinstance(dtype, C.torch_device) or (isinstance(dtype, str) and dtype.split(":")[0] in ("cpu", "cuda")):
        dtype, device = None, dtype
    if other is not None:
        dtype = other.dtype
    if device is not None:
        C.torch_device(device)
    if dtype is None:
        return O.clone(self) if copy else self
    return O.to_dtype(self, as_dtype(dtype).np, copy)


def _type_as(self: Tensor, other: Tensor) -> Tensor:
    """``self`` converted to ``other``'s dtype."""
    return O.to_dtype(self, other._data.dtype)


def _caster(name: str) -> Any:
    def cast(self: Tensor, memory_format: Any = None) -> Tensor:
        return O.to_dtype(self, as_dtype(name).np)

    cast.__name__ = name
    cast.__doc__ = f"``self`` converted to {name}."
    return cast


def _cpu(self: Tensor, memory_format: Any = None) -> Tensor:
    """``self``: tensors live on the CPU."""
    return self


def _cuda(self: Tensor, device: Any = None, non_blocking: bool = False, memory_format: Any = None) -> Tensor:
    """Raises: CUDA is not available."""
    raise RuntimeError("cuda(): CUDA is not available (rtorch_py runs on the CPU only; cuda_is_available() "
                       "is FALSE)")


def _element_size(self: Tensor) -> int:
    """Bytes per element."""
    return self._data.itemsize


def _new_zeros(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of ``size`` with this tensor's dtype (unless given)."""
    return C.torch_zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


def _new_ones(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of ``size`` with this tensor's dtype (unless given)."""
    return C.torch_ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


def _new_full(self: Tensor, size: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    """``fill_value`` in a tensor of ``size`` with this tensor's dtype (unless given)."""
    return C.torch_full(size, fill_value, dtype=dtype or self.dtype)


def _is_floating_point(self: Tensor) -> bool:
    """Whether the dtype is a floating-point one."""
    return self.dtype.is_floating_point


def _new_tensor(self: Tensor, data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor from ``data`` with this tensor's dtype (unless given)."""
    return C.torch_tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


for _name, _fn in {
    "where": _where, "view": _view, "reshape": _reshape, "view_as": _view_as, "reshape_as": _reshape_as,
    "expand": _expand,
    "expand_as": _expand_as, "repeat": _repeat, "size": _size, "dim": _dim, "numel": _numel,
    "stride": _stride, "is_contiguous": _is_contiguous, "contiguous": _contiguous, "to": _to,
    "type_as": _type_as, "float": _caster("float32"), "double": _caster("float64"), "half": _caster("float16"),
    "long": _caster("int64"), "int": _caster("int32"), "short": _caster("int16"), "char": _caster("int8"),
    "byte": _caster("uint8"), "bool": _caster("bool"), "cpu": _cpu, "cuda": _cuda,
    "element_size": _element_size, "new_zeros": _new_zeros, "new_ones": _new_ones, "new_full": _new_full,
    "new_tensor": _new_tensor, "is_floating_point": _is_floating_point,
}.items():
    setattr(Tensor, _name, _fn)


# -- in-place variants -------------------------------------------------------------------------------------------

def _check_cast(self: Tensor, result: Tensor, name: str) -> None:
    src, dst = result._data.dtype, self._data.dtype
    if src != dst and not np.can_cast(src, dst, "same_kind"):
        raise RuntimeError(f"{name}: result type {as_dtype(src).name} can't be cast to the desired output type "
                           f"{as_dtype(dst).name}")


def _inplace(fn: Any, name: str) -> Any:
    """The ``*_`` form of an out-of-place function: the result is written into ``self``. In grad mode the
    out-of-place op is recorded on a snapshot and ``self`` takes its place in the graph."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if self._check_inplace() and (self._requires_grad or any(
                isinstance(a, Tensor) and a._requires_grad for a in (*args, *kwargs.values()))):
            result = fn(self._snapshot(), *args, **kwargs)
        else:
            with no_grad():
                result = fn(self, *args, **kwargs)
        _check_cast(self, result, name)
        if result._data.shape != self._data.shape:
            raise RuntimeError(f"{name}: output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(result.shape)}")
        return self._assign_result(result)

    method.__name__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: writes into ``self`` and returns it."
    return method


_INPLACE = [
    "add", "sub", "mul", "div", "pow", "clamp", "clip", "addcmul", "addcdiv", "lerp", "fmod", "remainder",
    "masked_fill", "scatter", "scatter_add", "square", "round", "float_power", "maximum", "minimum",
    "logical_not", "logical_and", "logical_or", *F._UNARY,
]
for _name in _INPLACE:
    setattr(Tensor, f"{_name}_", _inplace(getattr(Tensor, _name), f"{_name}_"))


def _inplace_view(fn: Any, name: str, node_names: tuple[str, str]) -> Any:
    """``t_``, ``transpose_``, ``squeeze_``, ``unsqueeze_``: change this tensor's shape/strides in place (same
    storage), as libtorch (nodes TBackward1, TransposeBackward1, SqueezeBackward3/4, UnsqueezeBackward1)."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if self._check_inplace() and self._requires_grad:
            result = fn(self, *args, **kwargs)
            self._grad_fn = result._grad_fn
            if self._grad_fn is not None:
                self._grad_fn.name = node_names[bool(args or kwargs)]
        else:
            with no_grad():
                result = fn(self, *args, **kwargs)
        self._data = result._data
        return self._bump()

    method.__name__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: this tensor takes the new shape (same storage) and is returned."
    return method


for _name, _names in {"t": ("TBackward1", "TBackward1"), "transpose": ("TransposeBackward1", "TransposeBackward1"),
                      "squeeze": ("SqueezeBackward3", "SqueezeBackward4"),
                      "unsqueeze": ("UnsqueezeBackward1", "UnsqueezeBackward1")}.items():
    setattr(Tensor, f"{_name}_", _inplace_view(getattr(Tensor, _name), f"{_name}_", _names))


def _fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to ``value`` (a number or a 0-d tensor)."""
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                           "dimensions.")
    if self._check_inplace() and (self._requires_grad or (isinstance(value, Tensor) and value._requires_grad)):
        return self._assign_result(O.fill(self._snapshot(), value))
    if not self._data.flags.writeable:
        return self._assign_result(O.fill(self, value))  # the clear error for expanded views
    self._data[...] = value._data if isinstance(value, Tensor) else value
    return self._bump()


def _zero_(self: Tensor) -> Tensor:
    """Set every element to 0 (ZeroBackward0 under autograd)."""
    if self._check_inplace() and self._requires_grad:
        return self._assign_result(O.fill(self._snapshot(), 0, "ZeroBackward0"))
    return _fill_(self, 0)


def _copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast) into ``self``."""
    if self._check_inplace() and (self._requires_grad or (isinstance(src, Tensor) and src._requires_grad)):
        return self._assign_result(O.copy(self._snapshot(), src))
    s = src._data if isinstance(src, Tensor) else np.asarray(src)
    if not self._data.flags.writeable:
        return self._assign_result(O.copy(self, src))
    try:
        np.copyto(self._data, s, casting="unsafe")
    except ValueError:
        raise RuntimeError(f"copy_: the size of src ({list(np.shape(s))}) must be broadcastable to self "
                           f"({list(self.shape)})") from None
    return self._bump()


def _random_fill(draw: Any, node: str) -> Any:
    def method(self: Tensor, *args: Any, generator: Any = None, **kwargs: Any) -> Tensor:
        g = rng.default_generator if generator is None else generator
        if self._check_inplace() and self._requires_grad:
            # a non-leaf is overwritten: its node passes no gradient back (UniformBackward0, ... in libtorch)
            values = draw(g, self, *args, **kwargs)
            return self._assign_result(O.record(np.asarray(values, dtype=self._data.dtype), node, O.D.zero_grad1,
                                                (self._snapshot(),)))
        self._data[...] = draw(g, self, *args, **kwargs)
        return self._bump()

    method.__doc__ = f"In place: {draw.__doc__} Returns ``self``."
    return method


def _uniform(g: rng.Generator, self: Tensor, a: float = 0.0, b: float = 1.0, **kw: Any) -> np.ndarray:
    """``uniform_(from, to)``: uniform values in ``[from, to)`` (default [0, 1))."""
    kw.pop("from_", None)
    return g.uniform(self.shape, float(a), float(b), self._data.dtype)


def _normal(g: rng.Generator, self: Tensor, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """``normal_(mean, std)``: normal values."""
    return g.normal(self.shape, float(mean), float(std), self._data.dtype)


def _bernoulli(g: rng.Generator, self: Tensor, p: Any = 0.5) -> np.ndarray:
    """``bernoulli_(p)``: 1 with probability ``p`` (a number or a tensor), else 0."""
    probs = p._data if isinstance(p, Tensor) else float(p)
    return g.bernoulli(probs, self.shape, self._data.dtype)


def _random(g: rng.Generator, self: Tensor, from_: Any = 0, to: Any = None) -> np.ndarray:
    """``random_(from, to)``: integers in ``[from, to)`` (``[0, from)`` with one bound)."""
    if to is None:
        from_, to = 0, from_ if from_ else 2 ** 24 + 1
    return g.randint(to_int(from_), to_int(to), self.shape).astype(self._data.dtype)


def _requires_grad_(self: Tensor, requires_grad: bool = True) -> Tensor:
    """Set ``requires_grad`` on a leaf; returns the tensor."""
    return Tensor.requires_grad_(self, requires_grad)


for _name, _fn in {
    "fill_": _fill_, "zero_": _zero_, "copy_": _copy_, "uniform_": _random_fill(_uniform, "UniformBackward0"),
    "normal_": _random_fill(_normal, "NormalBackward0"), "bernoulli_": _random_fill(_bernoulli, "BernoulliBackward2"),
    "random_": _random_fill(_random, "RandomBackward1"),
}.items():
    _fn.__name__ = _name
    setattr(Tensor, _name, _fn)

# Python's augmented assignment works in place, as in PyTorch (`w -= lr * w.grad` under no_grad updates the
# parameter itself rather than rebinding the name to a new tensor).
for _op, _name in (("__iadd__", "add_"), ("__isub__", "sub_"), ("__imul__", "mul_"), ("__itruediv__", "div_")):
    setattr(Tensor, _op, getattr(Tensor, _name))
