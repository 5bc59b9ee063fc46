"""The Tensor's public surface, assembled in ONE place: the constructor, Python's operators and ``[]``, and R
torch's ``$`` methods (``x$sum(dim = 1)`` is ``x.sum(dim=1)``) with their in-place ``*_`` variants.

R torch's method list is DECLARED below (:data:`R_TORCH_METHODS`, the names R torch's Tensor answers to through
``$``). Each name is bound to ``torch_<name>`` from functions.py / creation.py when that function exists and
takes the tensor first (``self``), or to its entry in :data:`_SPECIAL` (methods that are not a torch_ function
with self first: ``view``, ``size``, ``to`` ...); a name ending in ``_`` is the in-place variant of the name
without it (written by the one in-place helper ``Tensor._inplace``) unless :data:`_SPECIAL_INPLACE` has its
own. So adding ``torch_foo`` to functions.py adds ``x$foo()`` (and ``x$foo_()``) wherever R torch has them.
:data:`METHODS` records the result: name -> :class:`Method` (function, in-place variant, R argument names).

The core (rtorch_py/_core) stays Pythonic and 0-based and imports nothing from here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import complex as CX  # noqa: N812
from . import creation as C  # noqa: N812
from . import fft as FT  # noqa: N812
from . import functions as F  # noqa: N812
from . import functions_index as FI  # noqa: N812
from . import functions_shape as FS  # noqa: N812
from . import functions_stats as FST  # noqa: N812
from . import linalg as LA  # noqa: N812
from . import named as NM  # noqa: N812
from . import special as SP  # noqa: N812
from ._core import ops as O  # noqa: N812
from ._core import rng
from ._core.autograd import no_grad
from ._core.dtype import as_dtype
from ._core.meta import MetaArray, is_meta, meta_array
from ._core.tensor import Tensor
from ._r import Dim, Size, r_api, to_int

# R torch's Tensor methods through `$` (R torch's generated method list plus its hand-written ones: dim,
# numel, element_size, the casts, cpu/cuda, new_*). Names without an implementation here are skipped.
R_TORCH_METHODS: tuple[str, ...] = tuple("""
abs abs_ absolute absolute_ acos acos_ acosh acosh_ add add_ addbmm addbmm_ addcdiv addcdiv_ addcmul addcmul_
addmm addmm_ addmv addmv_ addr addr_ alias align_as align_to all allclose amax amin angle any arccos arccos_
arccosh arccosh_ arcsin arcsin_ arcsinh arcsinh_ arctan arctan_ arctanh arctanh_ argmax argmin argsort as_strided
as_strided_ asin asin_ asinh asinh_ atan atan_ atan2 atan2_ atanh atanh_ backward baddbmm baddbmm_ bernoulli
bernoulli_ bincount bitwise_and bitwise_and_ bitwise_not bitwise_not_ bitwise_or bitwise_or_ bitwise_xor
bitwise_xor_ bmm bool byte cauchy_ ceil ceil_ char cholesky cholesky_inverse cholesky_solve chunk clamp clamp_
clamp_max clamp_max_ clamp_min clamp_min_ clip clip_ clone coalesce conj contiguous copy_ cos cos_ cosh cosh_
count_nonzero cpu cross cuda cummax cummin cumprod cumsum data deg2rad deg2rad_ dense_dim dequantize det detach
detach_ diag diag_embed diagflat diagonal digamma digamma_ dim dist div div_ divide divide_ dot double eig
element_size eq eq_ equal erf erf_ erfc erfc_ erfinv erfinv_ exp exp_ exp2 exp2_ expand expand_as expm1 expm1_
exponential_ fft fill_ fill_diagonal_ fix fix_ flatten flip fliplr flipud float float_power float_power_ floor
floor_ floor_divide floor_divide_ fmod fmod_ frac frac_ gather gcd gcd_ ge ge_ geometric_ geqrf ger greater
greater_ greater_equal greater_equal_ gt gt_ half hardshrink heaviside heaviside_ histc hypot hypot_ i0 i0_ ifft
index index_add index_add_ index_copy index_copy_ index_fill index_fill_ index_put index_put_ index_select
indices int int_repr inverse irfft is_coalesced is_complex is_contiguous is_distributed is_floating_point is_leaf
is_nonzero is_pinned is_same_size is_set_to is_signed isclose isfinite isinf isnan isneginf isposinf isreal istft
item kthvalue lcm lcm_ le le_ lerp lerp_ less less_ less_equal less_equal_ lgamma lgamma_ log log_ log_normal_
log_softmax log10 log10_ log1p log1p_ log2 log2_ logaddexp logaddexp2 logcumsumexp logdet logical_and
logical_and_ logical_not logical_not_ logical_or logical_or_ logical_xor logical_xor_ logit logit_ logsumexp long
lstsq lt lt_ lu_solve masked_fill masked_fill_ masked_scatter masked_scatter_ masked_select matmul matrix_exp
matrix_power max maximum maximum_ mean median min minimum minimum_ mm mode movedim mul mul_ multinomial multiply
multiply_ mv mvlgamma mvlgamma_ nanquantile nansum narrow narrow_copy ne ne_ neg neg_ negative negative_
new_empty new_full new_ones new_tensor new_zeros nextafter nextafter_ nonzero norm normal_ not_equal not_equal_
numel orgqr ormqr outer output_nr permute pin_memory pinverse polygamma polygamma_ pow pow_ prelu prod put_ qr
quantile rad2deg rad2deg_ random_ reciprocal reciprocal_ refine_names relu relu_ remainder remainder_ rename
rename_ renorm renorm_ repeat repeat_interleave requires_grad_ reshape reshape_as resize_ resize_as_ retain_grad
rfft roll rot90 round round_ rsqrt rsqrt_ scatter scatter_ scatter_add scatter_add_ select set_ set_data sgn
sgn_ short sigmoid sigmoid_ sign sign_ signbit sin sin_ sinh sinh_ size slice slogdet smm softmax solve sort
split split_with_sizes sqrt sqrt_ square square_ squeeze squeeze_ sspaddmm std stft stride sub sub_ subtract
subtract_ sum sum_to_size svd symeig t t_ take tan tan_ tanh tanh_ to to_dense to_sparse topk trace transpose
transpose_ triangular_solve tril tril_ triu triu_ true_divide true_divide_ trunc trunc_ type_as unbind
unflatten unfold uniform_ unsafe_chunk unsafe_split unsafe_split_with_sizes unsqueeze unsqueeze_ values var vdot
view view_as where zero_ set_grad_
""".split()) + tuple("""
aminmax bitwise_left_shift bitwise_left_shift_ bitwise_right_shift bitwise_right_shift_ broadcast_to diff inner
kron ldexp ldexp_ moveaxis nanmean nanmedian put scatter_reduce scatter_reduce_ index_reduce index_reduce_ sinc
sinc_ storage swapaxes swapdims take_along_dim tile unique_consecutive xlogy xlogy_ has_names is_sparse
is_sparse_csr to_sparse_csr to_sparse_coo sparse_dim crow_indices col_indices _nnz
""".split())  # methods of later R torch releases (libtorch 2.x), beyond the generated list above


@dataclass(frozen=True)
class Method:
    """One ``$`` method of Tensor: its function (self first), the name of its in-place variant (None when R
    torch has none or it is not implemented), and its R argument names (after ``self``)."""

    name: str
    function: Callable[..., Any]
    inplace: str | None
    r_args: tuple[str, ...]


def _where(self: Tensor, condition: Tensor, other: Any) -> Tensor:
    """Elements of ``self`` where ``condition``, else of ``other`` (``torch_where(condition, self, other)``)."""
    return O.where(condition, self, other)


def _view(self: Tensor, *args: Any, size: Any = None) -> Tensor:
    """The same storage in another shape (sizes as arguments or one vector, or R torch's ``size =``; one may
    be -1).

    Example:
        >>> torch_arange(1, 6).view(2, 3).shape
        (2, 3)
        >>> torch_arange(1, 6).view(size = [3, 2]).shape
        (3, 2)
    """
    return O.view(self, F._shape_from(args if size is None else (size,), "view", self._data.size))


def _view_as(self: Tensor, other: Tensor) -> Tensor:
    """A view of ``self`` in ``other``'s shape."""
    return O.view(self, other.shape)


def _reshape(self: Tensor, *args: Any, shape: Any = None) -> Tensor:
    """The same values in another shape (a view when possible); sizes as arguments or one vector, or R torch's
    ``shape =``.

    Example:
        >>> torch_arange(1, 6).reshape(shape = [2, 3]).shape
        (2, 3)
    """
    return O.reshape(self, F._shape_from(args if shape is None else (shape,), "reshape", self._data.size))


def _reshape_as(self: Tensor, other: Tensor) -> Tensor:
    """``self`` in ``other``'s shape (a view when possible)."""
    return O.reshape(self, other.shape)


def _expand(self: Tensor, *args: Any, size: Any = None, implicit: bool = False) -> Tensor:
    """A view with size-1 dims repeated to ``size`` (sizes as arguments or one vector; -1 keeps a size); no
    copy. ``implicit`` (R torch's second argument) changes nothing.

    Example:
        >>> torch_tensor([1.0]).expand([2, 3], True).shape
        (2, 3)
    """
    if size is None and len(args) == 2 and isinstance(args[0], (list, tuple, np.ndarray, Tensor)) and \
            isinstance(args[1], (bool, np.bool_)):
        args = args[:1]
    return O.expand(self, F._shape_from(args if size is None else (size,), "expand", self._data.size))


def _expand_as(self: Tensor, other: Tensor) -> Tensor:
    """A view of ``self`` expanded to ``other``'s shape."""
    return O.expand(self, other.shape)


@r_api
def _repeat(self: Tensor, *sizes: Size) -> Tensor:
    """``self`` tiled ``sizes`` times along each dim (a copy)."""
    return O.repeat(self, sizes)


@r_api
def _size(self: Tensor, dim: Dim | None = None) -> Any:
    """All sizes (a tuple, as PyTorch's torch.Size; R gets an integer vector, integer(0) for a 0-d tensor),
    or the size of one (1-based) dim."""
    if dim is None:
        return tuple(self.shape)
    return self.shape[dim]


def _dim(self: Tensor) -> int:
    """The number of dims."""
    return self._data.ndim


def _numel(self: Tensor) -> int:
    """The number of elements."""
    return int(self._data.size)


@r_api
def _stride(self: Tensor, dim: Dim | None = None) -> Any:
    """Steps in elements between neighbours along each dim (or along one 1-based ``dim``); numbers (doubles in
    R), as R torch returns them.

    Example:
        >>> torch_ones(2, 3).stride()
        [3.0, 1.0]
    """
    st = [float(s // self._data.itemsize) for s in self._data.strides]
    return st if dim is None else st[dim]


def _is_contiguous(self: Tensor) -> bool:
    """Whether the elements lie in row-major order without gaps."""
    return bool(self._data.flags.c_contiguous)


def _contiguous(self: Tensor) -> Tensor:
    """``self`` if contiguous, else a contiguous copy."""
    return O.contiguous(self)


def _to(self: Tensor, dtype: Any = None, device: Any = None, other: Any = None, non_blocking: bool = False,
        copy: bool = False, memory_format: Any = None) -> Tensor:
    """Convert to another dtype and/or device ("cpu", or "meta": shape and dtype only)."""
    if isinstance(dtype, C.torch_device) or (isinstance(dtype, str) and dtype.split(":")[0] in C._DEVICE_TYPES):
        dtype, device = None, dtype
    if other is not None:
        dtype, device = other.dtype, other.device
    out = self
    if device is not None:
        where = C.check_device(device, "$to(): tensors")
        if where == "meta" and not is_meta(self._data):
            # libtorch's to("meta"): a new tensor of the same shape and dtype, without data
            out = Tensor._wrap(meta_array(self.shape, self._data.dtype), self._requires_grad)
        elif where == "cpu" and is_meta(self._data):
            raise RuntimeError("Cannot copy out of meta tensor; no data!")
    if dtype is None:
        return O.clone(out) if copy and out is self else out
    return O.to_dtype(out, as_dtype(dtype).np, copy)


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
    """``self`` (tensors live on the CPU); a meta tensor has no data to copy: an error."""
    if is_meta(self._data):
        raise RuntimeError("Cannot copy out of meta tensor; no data!")
    return self


def _cuda(self: Tensor, device: Any = None, non_blocking: bool = False, memory_format: Any = None) -> Tensor:
    """Raises: CUDA is not available."""
    raise RuntimeError("cuda(): CUDA is not available (rtorch_py runs on the CPU only; cuda_is_available() "
                       "is FALSE)")


def _element_size(self: Tensor) -> int:
    """Bytes per element (bfloat16: 2, as libtorch, though stored here in float32)."""
    return self.dtype.itemsize


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


def _new_empty(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialized (here: zero-filled) tensor of ``size`` with this tensor's dtype (unless given).

    Example:
        >>> torch_ones(2, dtype = torch_long()).new_empty(3).dtype
        torch_Long
    """
    return C.torch_empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


def _resize_(self: Tensor, *size: Any) -> Tensor:
    """Give this tensor ``size`` in place: existing elements are kept in row-major order, new ones are 0.

    Example:
        >>> torch_tensor([1, 2, 3]).resize_(2, 2)._data.tolist()
        [[1, 2], [3, 0]]
    """
    shape = F._shape_from(size, "resize_", self._data.size)
    if any(n < 0 for n in shape):
        raise RuntimeError(f"resize_: Trying to create tensor with negative dimension: {list(shape)}")
    if self._requires_grad and self._grad_fn is None:
        raise RuntimeError("cannot resize variables that require grad")
    flat = np.zeros(int(np.prod(shape, dtype=np.int64)), dtype=self._data.dtype)
    old = self._data.reshape(-1)
    n = min(old.size, flat.size)
    flat[:n] = old[:n]
    self._data = flat.reshape(shape)
    return self._bump()


def _resize_as_(self: Tensor, the_template: Tensor) -> Tensor:
    """:meth:`resize_` to ``the_template``'s shape."""
    return _resize_(self, list(the_template.shape))


class torch_storage:  # noqa: N801
    """A tensor's storage: ``$data_ptr()`` (the address of its first element) and ``$size()`` (elements of
    the whole storage a view belongs to)."""

    __slots__ = ("_arr",)
    __r_class__ = ("torch_storage", "R7")

    def __init__(self, arr: np.ndarray) -> None:
        base = arr
        while isinstance(base.base, np.ndarray):
            base = base.base
        self._arr = base

    def data_ptr(self) -> str:
        """The address of the storage's first byte, as R torch's hexadecimal string."""
        return hex(self._arr.__array_interface__["data"][0])

    def size(self) -> int:
        """The number of elements of the storage."""
        return int(self._arr.size)

    def __repr__(self) -> str:
        return f"<torch_storage of {self.size()} elements at {self.data_ptr()}>"


def _storage(self: Tensor) -> torch_storage:
    """This tensor's storage (shared by its views).

    Example:
        >>> x = torch_zeros(4)
        >>> x.storage().data_ptr() == x[1:].storage().data_ptr()
        True
    """
    return torch_storage(self._data)


def _polygamma(self: Tensor, n: Any) -> Tensor:
    """``torch_polygamma(n, self)``."""
    return SP.torch_polygamma(n, self)


def _narrow_copy(self: Tensor, dim: Any, start: Any, length: Any) -> Tensor:
    """``torch_narrow_copy``: a copy of ``length`` elements along ``dim`` from ``start``."""
    return FS.torch_narrow_copy(self, dim, start, length)


def _fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """Set the main diagonal (all dims equal for n-d; for tall matrices with ``wrap``, every ``cols + 1``
    rows again) to ``fill_value``, in place.

    Example:
        >>> torch_zeros(2, 3).fill_diagonal_(1)._data.tolist()
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """
    d = self._data
    if d.ndim < 2:
        raise RuntimeError(f"dimensions must larger than 1, got {d.ndim}")
    if d.ndim > 2 and len(set(d.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    if d.ndim == 2:
        rows, cols = d.shape
        step = cols + 1
        n = rows * cols if wrap else min(rows, cols) * cols
        flat_pos = np.arange(0, min(n, rows * cols), step)
        if not wrap:
            flat_pos = flat_pos[: min(rows, cols)]
        idx = np.unravel_index(flat_pos, d.shape)
    else:
        k = np.arange(d.shape[0])
        idx = (k,) * d.ndim

    def fill(t: Tensor, v: Any) -> Tensor:
        return O.index_put(t, tuple(np.asarray(i) for i in idx), v)

    return self._inplace(fill, fill_value, name="fill_diagonal_")


def _put_(self: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """In-place ``torch_put``: ``source`` written (added) at the 1-based flat positions ``index``."""
    return self._inplace(FI.torch_put, index, source, accumulate, name="put_")


def _is_cuda(self: Tensor) -> bool:
    """FALSE: tensors live on the CPU."""
    return False


def _device(self: Tensor) -> C.torch_device:
    """The device, a ``torch_device`` object: the CPU, or meta for a tensor without data."""
    return C._META if type(self._data) is MetaArray else C._CPU


# Methods that are not ``torch_<name>(self, ...)``.
# -- sparse layouts (not implemented: every tensor here is dense) ---------------------------------------------------

def _is_sparse(self: Tensor) -> bool:
    """FALSE: rtorch_py's tensors are dense (strided).

    Example:
        >>> torch_ones(2).is_sparse()
        False
    """
    return False


def _to_dense(self: Tensor, dtype: Any = None, masked_grad: Any = None) -> Tensor:
    """The tensor itself (it is dense already), in ``dtype`` when one is given."""
    return self if dtype is None else self.to(dtype=dtype)


def _sparse_only(name: str) -> Callable[..., Any]:
    from .unsupported import _REASONS  # noqa: PLC0415 - one wording for sparse layouts

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"{name}: not supported in rtorch_py: {_REASONS['sparse']}")

    method.__name__ = name
    method.__doc__ = f"Not supported in rtorch_py (sparse tensors): raises an error naming ``{name}``."
    return method


_SPARSE = {"is_sparse": _is_sparse, "is_sparse_csr": _is_sparse, "to_dense": _to_dense,
           **{n: _sparse_only(n) for n in ("to_sparse", "to_sparse_csr", "to_sparse_coo", "indices", "values",
                                            "coalesce", "is_coalesced", "dense_dim", "sparse_dim",
                                            "crow_indices", "col_indices", "_nnz")}}


_SPECIAL: dict[str, Callable[..., Any]] = {
    "where": _where, "view": _view, "reshape": _reshape, "view_as": _view_as, "reshape_as": _reshape_as,
    "expand": _expand, "expand_as": _expand_as, "repeat": _repeat, "size": _size, "dim": _dim, "numel": _numel,
    "stride": _stride, "is_contiguous": _is_contiguous, "contiguous": _contiguous, "to": _to,
    "type_as": _type_as, "float": _caster("float32"), "double": _caster("float64"), "half": _caster("float16"),
    "long": _caster("int64"), "int": _caster("int32"), "short": _caster("int16"), "char": _caster("int8"),
    "byte": _caster("uint8"), "bool": _caster("bool"), "cpu": _cpu, "cuda": _cuda,
    "element_size": _element_size, "new_zeros": _new_zeros, "new_ones": _new_ones, "new_full": _new_full,
    "new_tensor": _new_tensor, "is_floating_point": _is_floating_point, "new_empty": _new_empty,
    "storage": _storage, "polygamma": _polygamma, "narrow_copy": _narrow_copy,
    "has_names": NM.tensor_has_names, "rename": NM.tensor_rename, **_SPARSE,
}


# -- in-place variants -------------------------------------------------------------------------------------------

def _inplace(fn: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    """The ``*_`` form of an out-of-place function (written into ``self`` by ``Tensor._inplace``)."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return self._inplace(fn, *args, name=name, **kwargs)

    method.__name__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: writes into ``self`` and returns it."
    return method


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


# In-place methods with their own implementation (shape changes in place, fills, copies, random draws).
def _set_grad_(self: Tensor, new_grad: Tensor) -> Tensor:
    """Set this tensor's gradient to ``new_grad`` (same shape and dtype), as R torch's ``set_grad_``."""
    if not isinstance(new_grad, Tensor):
        raise TypeError(f"set_grad_: `new_grad` must be a tensor, got {type(new_grad).__name__}")
    if new_grad.shape != self.shape or new_grad.dtype != self.dtype:
        raise RuntimeError(f"set_grad_: assigned grad has data of a different size or type: expected "
                           f"{list(self.shape)} {self.dtype.name}, got {list(new_grad.shape)} {new_grad.dtype.name}")
    self._grad = new_grad
    return self


_SPECIAL_INPLACE: dict[str, Callable[..., Any]] = {
    "rename_": NM.tensor_rename_,
    "set_grad_": _set_grad_,
    "t_": _inplace_view(F.torch_t, "t_", ("TBackward1", "TBackward1")),
    "transpose_": _inplace_view(F.torch_transpose, "transpose_", ("TransposeBackward1", "TransposeBackward1")),
    "squeeze_": _inplace_view(F.torch_squeeze, "squeeze_", ("SqueezeBackward3", "SqueezeBackward4")),
    "unsqueeze_": _inplace_view(F.torch_unsqueeze, "unsqueeze_", ("UnsqueezeBackward1", "UnsqueezeBackward1")),
    "fill_": _fill_, "zero_": _zero_, "copy_": _copy_, "uniform_": _random_fill(_uniform, "UniformBackward0"),
    "normal_": _random_fill(_normal, "NormalBackward0"), "bernoulli_": _random_fill(_bernoulli, "BernoulliBackward2"),
    "random_": _random_fill(_random, "RandomBackward1"), "resize_": _resize_, "fill_diagonal_": _fill_diagonal_,
    "put_": _put_, "resize_as_": _resize_as_,
}
for _name, _fn in _SPECIAL_INPLACE.items():
    _fn.__name__ = _name


# -- Python's protocol: constructor, operators, [] -------------------------------------------------------------

def _construct(self: Tensor, data: Any = None, dtype: Any = None, requires_grad: bool = False) -> None:
    """``Tensor(data, dtype, requires_grad)``: ``torch_tensor``'s conversion rules."""
    t = C.torch_tensor(data, dtype=dtype, requires_grad=requires_grad)
    self._data = t._data
    self._requires_grad = t._requires_grad
    self._grad = self._grad_fn = self._hooks = self._base = None
    self._version = [0]
    self._retains_grad = self._is_param = False


def _rsub(a: Tensor, b: Any) -> Tensor:
    return O.sub(b, a)


def _rdiv(a: Tensor, b: Any) -> Tensor:
    # `2 / x` is x.reciprocal() * 2 in libtorch (MulBackward0), with its rounding.
    return O.mul(O.reciprocal(a), b)


def _rpow(a: Tensor, b: Any) -> Tensor:
    return O.pow(b, a)


def _neg(a: Tensor) -> Tensor:
    if a._data.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return O.neg(a)


def _contains(a: Tensor, element: Any) -> bool:
    """``v in x``: whether any element equals v (torch's Tensor.__contains__)."""
    if not isinstance(element, (Tensor, int, float, bool, np.number)):
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                           f"{type(element).__name__}.")
    return bool(np.any(O.eq(a, element)._data))


def _invert(a: Tensor) -> Tensor:
    if a._data.dtype == np.bool_:
        return O.logical_not(a)
    return Tensor._wrap(np.invert(a._data))


def _and(a: Any, b: Any) -> Tensor:
    return O.bitwise(np.bitwise_and, a, b)


def _or(a: Any, b: Any) -> Tensor:
    return O.bitwise(np.bitwise_or, a, b)


def _xor(a: Any, b: Any) -> Tensor:
    return O.bitwise(np.bitwise_xor, a, b)


def _tolist(a: Tensor) -> Any:
    """The values as (nested) Python lists, as PyTorch's ``tolist()`` (a number for a 0-d tensor)."""
    return a._data.tolist()


def _mT(a: Tensor) -> Tensor:  # noqa: N802 - PyTorch's name
    if a._data.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {a._data.ndim}-D "
                           "tensor.")
    return O.transpose(a, -2, -1)


# Python's operators and subscripts: 0-based, numpy's conventions (R's operators are bridge/rsemantics.py's).
_PROTOCOL: dict[str, Callable[..., Any]] = {
    "__init__": _construct,
    "__add__": O.add, "__radd__": lambda a, b: O.add(b, a), "__sub__": O.sub, "__rsub__": _rsub,
    "__mul__": O.mul, "__rmul__": lambda a, b: O.mul(b, a), "__truediv__": O.div, "__rtruediv__": _rdiv,
    "__pow__": O.pow, "__rpow__": _rpow, "__matmul__": O.matmul, "__rmatmul__": lambda a, b: O.matmul(b, a),
    "__neg__": _neg, "__abs__": O.abs, "__contains__": _contains, "__pos__": lambda a: a,
    "__mod__": O.remainder, "__rmod__": lambda a, b: O.remainder(b, a),
    "__floordiv__": lambda a, b: O.div(a, b, "floor"), "__rfloordiv__": lambda a, b: O.div(b, a, "floor"),
    "__eq__": O.eq, "__ne__": O.ne, "__lt__": O.lt, "__le__": O.le, "__gt__": O.gt, "__ge__": O.ge,
    "__and__": _and, "__rand__": lambda a, b: _and(b, a), "__or__": _or, "__ror__": lambda a, b: _or(b, a),
    "__xor__": _xor, "__rxor__": lambda a, b: _xor(b, a), "__invert__": _invert,
    "__getitem__": O.index, "__setitem__": O.setitem,
    "__hash__": object.__hash__,  # __eq__ is elementwise; identity hashing keeps tensors usable as keys
    # PyTorch's Python habits (not R torch methods): nested lists, the reversed / matrix transposes
    "tolist": _tolist,
    "T": property(lambda a: O.permute(a, tuple(range(a._data.ndim - 1, -1, -1))),
                  doc="All dims reversed (the transpose of a matrix); a view."),
    "mT": property(_mT, doc="The last two dims swapped (a batch of matrices transposed); a view."),
}
# Python's augmented assignment works in place, as in PyTorch (`w -= lr * w.grad` under no_grad updates the
# parameter itself rather than rebinding the name to a new tensor).
_AUGMENTED = {"__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_"}


# -- assembly ------------------------------------------------------------------------------------------------------

_CORE_MEMBERS = frozenset(vars(Tensor))  # the core's own methods and fields (backward, detach, item, grad ...)
# Where ``torch_<name>`` implementations live (the first that has the name wins).
_SOURCES = (F, C, LA, CX, FT, FST, FI, FS, SP)


def _function_for(name: str) -> Callable[..., Any] | None:
    """The implementation of method ``name``: its special entry, else ``torch_<name>`` taking self first."""
    if name in _SPECIAL:
        return _SPECIAL[name]
    fn = next((f for f in (getattr(m, f"torch_{name}", None) for m in _SOURCES) if f is not None), None)
    if fn is None:
        return None
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None
    return fn if params and params[0] == "self" else None


def _r_args(fn: Callable[..., Any]) -> tuple[str, ...]:
    try:
        params = list(inspect.signature(fn).parameters.values())[1:]
    except (TypeError, ValueError):
        return ()
    return tuple("..." if p.kind is p.VAR_POSITIONAL else p.name for p in params if p.kind is not p.VAR_KEYWORD)


def _assemble() -> dict[str, Method]:
    """Install the protocol and every declared method on Tensor; return the method table."""
    for name, fn in _PROTOCOL.items():
        setattr(Tensor, name, fn)
    declared = set(R_TORCH_METHODS)
    table: dict[str, Method] = {}
    for name in R_TORCH_METHODS:
        if name.endswith("_") or name in _CORE_MEMBERS:
            continue
        fn = _function_for(name)
        if fn is None:
            continue
        setattr(Tensor, name, fn)
        table[name] = Method(name, fn, None, _r_args(fn))
    for name in R_TORCH_METHODS:
        if not name.endswith("_") or name in _CORE_MEMBERS:
            continue
        base = table.get(name[:-1])
        if name in _SPECIAL_INPLACE:
            method = _SPECIAL_INPLACE[name]
        elif base is not None:
            method = _inplace(base.function, name)
        else:
            continue
        setattr(Tensor, name, method)
        if base is not None and name in declared:
            table[base.name] = Method(base.name, base.function, name, base.r_args)
    for op, name in _AUGMENTED.items():
        setattr(Tensor, op, getattr(Tensor, name))
    # Fields R reads without (): the device as a torch_device object (x$device$type), is_cuda.
    Tensor.device = property(_device)
    Tensor.is_cuda = property(_is_cuda)
    Tensor.names = property(NM.tensor_names, doc=NM.tensor_names.__doc__)
    return table


METHODS: dict[str, Method] = _assemble()
