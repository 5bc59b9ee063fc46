"""Type and format objects of R torch's namespace: ``torch_finfo`` / ``torch_iinfo`` (limits of a dtype),
``torch_promote_types`` / ``torch_can_cast`` / ``torch_result_type`` (libtorch's promotion rules), the
memory-format and layout constants, ``torch_generator()`` (a random generator usable as ``generator =``) and
``torch_bfloat16()`` (float32 storage of bfloat16 values, rounded as libtorch: rtorch_py/_core/dtype.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._core import dtype as D  # noqa: N812
from ._core import parallel, rng
from ._core.dtype import as_dtype, dtype
from ._core.tensor import Tensor
from ._r import to_int

__all__ = [
    "torch_finfo", "torch_iinfo", "torch_promote_types", "torch_can_cast", "torch_result_type",
    "torch_contiguous_format", "torch_preserve_format", "torch_channels_last_format",
    "torch_channels_last_3d_format", "torch_strided", "torch_sparse_coo", "is_torch_memory_format",
    "is_torch_layout", "torch_generator", "torch_bfloat16", "torch_float8_e4m3fn", "torch_float8_e5m2",
    "torch_reduction_mean", "torch_reduction_none", "torch_reduction_sum", "torch_get_num_threads",
    "torch_set_num_threads", "torch_get_num_interop_threads", "torch_set_num_interop_threads",
    "torch_get_rng_state", "torch_set_rng_state",
]


class _NoStorage(dtype):
    """A dtype libtorch has and numpy cannot store: the object exists (``is_floating_point``, printing,
    comparison); making a tensor of it raises a clear error."""

    __slots__ = ()

    def __init__(self, name: str, itemsize: int) -> None:  # noqa: D107
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "category", 2)
        object.__setattr__(self, "is_floating_point", True)
        object.__setattr__(self, "itemsize", itemsize)

    def __getattribute__(self, item: str) -> Any:
        if item == "np":
            raise RuntimeError(f"not supported in rtorch_py: tensors of dtype {object.__getattribute__(self, 'name')}"
                               " (numpy, which stores rtorch_py's tensors, has no such type)")
        return object.__getattribute__(self, item)

    def __reduce__(self) -> tuple:
        return (_no_storage, (self.name,))


_BFLOAT16 = D.bfloat16  # float32 storage of bfloat16 values (rtorch_py/_core/dtype.py)
_F8E4M3 = _NoStorage("Float8_e4m3fn", 1)
_F8E5M2 = _NoStorage("Float8_e5m2", 1)
_NO_STORAGE = {d.name: d for d in (_F8E4M3, _F8E5M2)}


def _no_storage(name: str) -> dtype:
    return _NO_STORAGE[name]


def torch_bfloat16() -> dtype:
    """The bfloat16 dtype: tensors of it store float32 values rounded to bfloat16 (round to nearest even), as
    libtorch's; ops on them compute in float32 and round their results back.

    Example:
        >>> torch_bfloat16().is_floating_point
        True
    """
    return _BFLOAT16


def torch_float8_e4m3fn() -> dtype:
    """The float8 e4m3fn dtype object (tensors of it are not supported: numpy has no float8)."""
    return _F8E4M3


def torch_float8_e5m2() -> dtype:
    """The float8 e5m2 dtype object (tensors of it are not supported: numpy has no float8)."""
    return _F8E5M2


class torch_finfo_result:  # noqa: N801
    """Limits of a floating dtype: ``bits``, ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``),
    ``resolution``."""

    __r_class__ = ("torch_finfo", "R7")

    def __init__(self, d: dtype) -> None:
        if d.name == "BFloat16":
            self.bits, self.eps, self.max, self.min = 16, 0.0078125, 3.3895313892515355e38, -3.3895313892515355e38
            self.tiny = self.smallest_normal = 1.1754943508222875e-38
            self.resolution = 0.01
            return
        info = np.finfo(d.np)
        self.bits, self.eps, self.max, self.min = int(info.bits), float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution = float(info.resolution)

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.tiny:g}, tiny={self.tiny:g}, bits={self.bits})")


class torch_iinfo_result:  # noqa: N801
    """Limits of an integer dtype: ``bits``, ``max``, ``min``."""

    __r_class__ = ("torch_iinfo", "R7")

    def __init__(self, d: dtype) -> None:
        info = np.iinfo(d.np)
        self.bits, self.max, self.min = int(info.bits), int(info.max), int(info.min)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, bits={self.bits})"


def _dtype_arg(x: Any, fn: str) -> dtype:
    try:
        return as_dtype(x)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: expected a torch_dtype, got {x!r}") from None


def torch_finfo(dtype: Any = None) -> torch_finfo_result:  # noqa: A002
    """Limits of a floating dtype (the default dtype when NULL): ``$eps``, ``$max``, ``$min``, ``$tiny``,
    ``$bits``, ``$resolution``.

    Example:
        >>> torch_finfo(torch_float32()).eps
        1.1920928955078125e-07
    """
    d = D.get_default_dtype() if dtype is None else _dtype_arg(dtype, "torch_finfo")
    if not d.is_floating_point:
        raise TypeError(f"torch.finfo() requires a floating point input type, got {d!r}; use torch_iinfo()")
    return torch_finfo_result(d)


def torch_iinfo(dtype: Any) -> torch_iinfo_result:  # noqa: A002
    """Limits of an integer dtype: ``$max``, ``$min``, ``$bits``.

    Example:
        >>> torch_iinfo(torch_int32()).max
        2147483647
    """
    d = _dtype_arg(dtype, "torch_iinfo")
    if d.is_floating_point or d.np == np.bool_:
        raise TypeError(f"torch.iinfo() requires an integer input type, got {d!r}; use torch_finfo()")
    return torch_iinfo_result(d)


def torch_promote_types(type1: Any, type2: Any) -> dtype:
    """The dtype of an operation between tensors of ``type1`` and ``type2`` (libtorch's promotion).

    Example:
        >>> torch_promote_types(torch_int32(), torch_float32())
        torch_Float
    """
    a, b = _dtype_arg(type1, "torch_promote_types"), _dtype_arg(type2, "torch_promote_types")
    return D.from_numpy_dtype(D.promote_types(a.np, b.np))


_ORDER = {"b": 0, "u": 1, "i": 1, "f": 2}


def torch_can_cast(from_: Any = None, to: Any = None, **kw: Any) -> bool:
    """Whether libtorch's casting rules allow ``from`` to ``to`` (no cast to a lower category: float to
    integer, integer to bool).

    Example:
        >>> torch_can_cast(torch_double(), torch_float()), torch_can_cast(torch_float(), torch_int())
        (True, False)
    """
    if from_ is None:
        from_ = kw.pop("from", None)
    a, b = _dtype_arg(from_, "torch_can_cast"), _dtype_arg(to, "torch_can_cast")
    return _ORDER[a.np.kind] <= _ORDER[b.np.kind]


def torch_result_type(tensor1: Any, tensor2: Any) -> dtype:
    """The dtype of an operation between two tensors or numbers (numbers take part as Python scalars do).

    Example:
        >>> torch_result_type(torch_tensor([1, 2], dtype = torch_int()), 1.0)
        torch_Float
    """
    def operand(x: Any) -> Any:
        if isinstance(x, Tensor):
            return x._data
        if isinstance(x, (list, tuple, np.ndarray)) and len(x) == 1:
            x = x[0]
        return x.item() if isinstance(x, np.generic) else x

    return D.from_numpy_dtype(D.result_type(operand(tensor1), operand(tensor2)))


class _Constant:
    """A named constant object of R torch (memory formats, layouts, reductions)."""

    __slots__ = ("name",)
    __r_class__: tuple[str, ...] = ()

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch_{self.name}"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.name == self.name  # type: ignore[attr-defined]

    __hash__ = object.__hash__


class torch_memory_format(_Constant):  # noqa: N801
    """A memory format (``torch_contiguous_format()``, ...); every rtorch_py tensor is contiguous or strided
    in row-major order."""

    __slots__ = ()
    __r_class__ = ("torch_memory_format", "R7")


class torch_layout(_Constant):  # noqa: N801
    """A tensor layout (``torch_strided()``; sparse layouts are not supported)."""

    __slots__ = ()
    __r_class__ = ("torch_layout", "R7")


_FORMATS = {n: torch_memory_format(n) for n in ("contiguous_format", "preserve_format", "channels_last",
                                                 "channels_last_3d")}
_STRIDED, _SPARSE = torch_layout("strided"), torch_layout("sparse_coo")


def torch_contiguous_format() -> torch_memory_format:
    """The contiguous (row-major) memory format.

    Example:
        >>> torch_contiguous_format()
        torch_contiguous_format
    """
    return _FORMATS["contiguous_format"]


def torch_preserve_format() -> torch_memory_format:
    """The memory format that keeps the input's."""
    return _FORMATS["preserve_format"]


def torch_channels_last_format() -> torch_memory_format:
    """The channels-last memory format (accepted; rtorch_py tensors stay row-major)."""
    return _FORMATS["channels_last"]


def torch_channels_last_3d_format() -> torch_memory_format:
    """The 3-d channels-last memory format (accepted; rtorch_py tensors stay row-major)."""
    return _FORMATS["channels_last_3d"]


def torch_strided() -> torch_layout:
    """The strided (dense) layout, the only one rtorch_py stores."""
    return _STRIDED


def torch_sparse_coo() -> torch_layout:
    """The sparse COO layout object (sparse tensors are not supported in rtorch_py)."""
    return _SPARSE


def is_torch_memory_format(x: Any) -> bool:
    """Whether ``x`` is a memory format object."""
    return isinstance(x, torch_memory_format)


def is_torch_layout(x: Any) -> bool:
    """Whether ``x`` is a layout object."""
    return isinstance(x, torch_layout)


class torch_generator_obj(rng.Generator):  # noqa: N801
    """A random number generator of its own (libtorch's CPU stream), for ``generator =`` arguments.

    Example:
        >>> g = torch_generator()
        >>> g.set_current_seed(1)
        >>> torch_randn(1, generator = g).item() == (torch_manual_seed(1) or torch_randn(1).item())
        True
    """

    __slots__ = ()
    __r_class__ = ("torch_generator", "R7")

    def current_seed(self) -> int:
        """The seed last set."""
        return self.initial_seed()

    def set_current_seed(self, seed: Any) -> None:
        """Seed this generator."""
        self.manual_seed(to_int(seed, "seed"))


def torch_generator() -> torch_generator_obj:
    """A new random generator (seeded as libtorch's default, 67280421310721), usable as ``generator =``.

    Example:
        >>> torch_generator().current_seed()
        67280421310721
    """
    return torch_generator_obj()


def torch_reduction_mean() -> float:
    """libtorch's reduction code for "mean" (1), a double as R torch returns it.

    Example:
        >>> torch_reduction_mean()
        1.0
    """
    return 1.0


def torch_reduction_none() -> float:
    """libtorch's reduction code for "none" (0), a double as R torch returns it.

    Example:
        >>> torch_reduction_none()
        0.0
    """
    return 0.0


def torch_reduction_sum() -> float:
    """libtorch's reduction code for "sum" (2), a double as R torch returns it.

    Example:
        >>> torch_reduction_sum()
        2.0
    """
    return 2.0


_THREADS = {"inter": 1}


def torch_get_num_threads() -> int:
    """The number of threads ops use: numpy's BLAS's thread count (``OMP_NUM_THREADS`` /
    ``OPENBLAS_NUM_THREADS``) unless torch_set_num_threads() changed it; 1 where the BLAS's setting cannot be
    read. rtorch_py's large products and the convolutions' chunks run on that many threads."""
    return parallel.threads()


def torch_set_num_threads(num_threads: Any) -> None:
    """Set the number of threads ops use (rtorch_py's parallel regions and numpy's BLAS, when its setting can
    be changed from here: an OpenBLAS, as numpy's wheels bundle)."""
    n = to_int(num_threads, "num_threads")
    if n <= 0:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n}")
    parallel.set_threads(n)


def torch_get_num_interop_threads() -> int:
    """The number of inter-op threads (ops run one at a time here)."""
    return _THREADS["inter"]


def torch_set_num_interop_threads(num_threads: Any) -> None:
    """Record the number of inter-op threads."""
    n = to_int(num_threads, "num_threads")
    if n <= 0:
        raise RuntimeError(f"set_num_interop_threads expects a positive integer, got {n}")
    _THREADS["inter"] = n


def torch_get_rng_state() -> Tensor:
    """The default generator's state as a uint8 tensor (byte-identical to libtorch's).

    Example:
        >>> torch_get_rng_state().shape
        (5056,)
    """
    return Tensor._wrap(rng.default_generator.get_state())


def torch_set_rng_state(state: Tensor) -> None:
    """Restore the default generator's state from :func:`torch_get_rng_state`."""
    rng.default_generator.set_state(state._data if isinstance(state, Tensor) else np.asarray(state, np.uint8))
