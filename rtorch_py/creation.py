"""Creating tensors, R torch's way: ``torch_tensor``, ``torch_zeros``, ``torch_randn``, ``torch_arange`` (end
inclusive), the random functions (libtorch's streams), seeds and generator state."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._core import distr_ops, rng
from ._core.dtype import as_dtype, cast_array, complex_of, get_default_dtype, is_bf16, round_bf16
from ._core.dtype import dtype as Dtype  # noqa: N812
from ._core.meta import check_data, meta_array
from ._core.tensor import Tensor
from ._r import Indices1, Int, Size, r_api, to_int
from .named import set_names

__all__ = [
    "torch_tensor", "torch_scalar_tensor", "torch_zeros", "torch_ones", "torch_empty", "torch_full",
    "torch_eye", "torch_arange", "torch_range", "torch_linspace", "torch_logspace", "torch_rand",
    "torch_randn", "torch_randint", "torch_randperm", "torch_normal", "torch_bernoulli", "torch_multinomial",
    "torch_poisson",
    "torch_zeros_like", "torch_ones_like", "torch_empty_like", "torch_full_like", "torch_rand_like",
    "torch_randn_like", "torch_randint_like", "torch_manual_seed", "torch_seed", "torch_initial_seed",
    "torch_get_rng_state", "torch_set_rng_state", "with_torch_manual_seed", "local_torch_manual_seed",
    "torch_device", "is_meta_device", "is_cuda_device", "is_cpu_device", "local_device", "with_device",
    "cuda_is_available", "cuda_device_count", "as_array", "is_torch_tensor", "torch_from_numpy",
]

_wrap = Tensor._wrap


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class torch_device:  # noqa: N801 - R torch's name
    """A device object, as libtorch parses it (``"cuda:1"``, ``("cuda", 1)``, ``"meta"``). Tensors live on
    the CPU or on the meta device (shape and dtype, no data); other devices are objects only: a tensor
    there is an error (rtorch_py computes with numpy; ``cuda_is_available()`` is FALSE).

    Example:
        >>> torch_device("cpu")
        torch_device(type='cpu')
        >>> d = torch_device("cuda:1"); d.type, d.index, str(d)
        ('cuda', 1, 'cuda:1')
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str = "cpu", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, torch_device):
            type, index = type.type, type.index if index is None else index  # noqa: A001
        if not isinstance(type, str):
            raise TypeError(f"torch_device: argument 'type' must be a string such as \"cpu\", got "
                            f"{type.__class__.__name__}")
        kind = type
        if ":" in type:
            if index is not None:
                raise RuntimeError(f"type should not include an index because index was passed explicitly {type}")
            kind, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if kind not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                               f"string: {type}")
        if index is not None:
            index = to_int(index, "index")
            if index < 0:
                raise RuntimeError("Device index must not be negative")
        self.type, self.index = kind, index

    def __repr__(self) -> str:
        return f"torch_device(type='{self.type}')" if self.index is None else \
            f"torch_device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        """libtorch's device string (R's ``as.character(device)``): ``"cpu"``, ``"cuda:0"``."""
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = torch_device(other)
        return isinstance(other, torch_device) and (self.type, self.index) == (other.type, other.index)

    __hash__ = object.__hash__


_CPU = torch_device()
_META = torch_device("meta")
# The device of new tensors when none is given: with_device() / local_device() change it (R torch's
# cpp_set_default_device). A list: one process-wide setting, as libtorch's.
_DEFAULT_DEVICE: list[torch_device] = [_CPU]


def cuda_is_available() -> bool:
    """FALSE: rtorch_py has no CUDA backend."""
    return False


def cuda_device_count() -> int:
    """Number of CUDA devices: always 0 (rtorch_py computes on the CPU)."""
    return 0


def is_meta_device(x: torch_device) -> bool:
    """Whether the device ``x`` is the meta device.

    Example:
        >>> is_meta_device(torch_device("meta")), is_meta_device(torch_ones(1).device)
        (True, False)
    """
    return torch_device(x).type == "meta"


def is_cuda_device(x: torch_device) -> bool:
    """Whether the device ``x`` is a CUDA device (none exists here, but the object can)."""
    return torch_device(x).type == "cuda"


def is_cpu_device(x: torch_device) -> bool:
    """Whether the device ``x`` is the CPU."""
    return torch_device(x).type == "cpu"


def check_device(device: Any, what: str = "tensor") -> str:
    """Where a tensor made with ``device`` lives: ``"cpu"`` or ``"meta"`` (None: the default device). Other
    devices raise the one error saying that rtorch_py has none of them."""
    d = _DEFAULT_DEVICE[0] if device is None else device if isinstance(device, torch_device) else \
        torch_device(device)
    if d.type in ("cpu", "meta"):
        return d.type
    raise RuntimeError(f"{what} on device '{d}': not supported in rtorch_py: device '{d}' is not available: "
                       "rtorch_py runs on the CPU only (cuda_is_available() is FALSE; tensors live on 'cpu' or "
                       "'meta')")


@contextlib.contextmanager
def local_device(device: Any) -> Iterator[None]:
    """Within the block, tensors made without ``device =`` go to ``device`` ("cpu" or "meta"); the previous
    default returns afterwards (R torch's ``local_device``/``with_device``)."""
    d = device if isinstance(device, torch_device) else torch_device(device)
    check_device(d, "local_device: tensors")
    old = _DEFAULT_DEVICE[0]
    _DEFAULT_DEVICE[0] = d
    try:
        yield
    finally:
        _DEFAULT_DEVICE[0] = old


def with_device(code: Any, device: Any) -> Any:
    """Run ``code`` (a function of no arguments) with ``device`` as the default device.

    Example:
        >>> with_device(lambda: torch_zeros(2, 3), device = "meta")
        torch_tensor
        ...
        [ METAFloatType{2,3} ]
    """
    with local_device(device):
        return code()


def _check_device(device: Any) -> str:
    return check_device(device)


def _meta(size: tuple[int, ...], npd: Any, requires_grad: bool) -> Tensor:
    t = _wrap(meta_array(size, npd))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _finish(arr: np.ndarray, dtype: Any, device: Any, requires_grad: bool) -> Tensor:
    npd = as_dtype(dtype).np if dtype is not None else None
    if _check_device(device) == "meta":
        return _meta(arr.shape, npd or arr.dtype, requires_grad)
    if npd is not None:
        arr = cast_array(arr, npd)
    elif arr.dtype.metadata is not None and is_bf16(arr.dtype):  # made in the bfloat16 tag: round the values
        arr = round_bf16(arr)
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _named(t: Tensor, names: Any, fn: str) -> Tensor:
    return t if names is None else set_names(t, names, fn)


def _default_np(dtype: Any) -> np.dtype:
    return (as_dtype(dtype) if dtype is not None else get_default_dtype()).np


# -- from data ------------------------------------------------------------------------------------------------

def _infer(data: Any, float_np: Any = None) -> np.ndarray:
    """R torch's rule for values without a dtype: doubles -> float32 (the default type), integers -> int64,
    logicals -> bool; numpy arrays keep their dtype. ``float_np`` overrides the type of floats (float64 when a
    dtype is given, so that ``torch_tensor(0.1, dtype = torch_double())`` is not rounded to float32 first)."""
    float_np = float_np or get_default_dtype().np
    if isinstance(data, np.ndarray):
        return data.copy()
    if isinstance(data, np.generic):  # numpy scalars keep their dtype, as numpy arrays do
        return np.array(data)
    if isinstance(data, (bool, np.bool_)):
        return np.array(data, dtype=np.bool_)
    if isinstance(data, (int, np.integer)):
        return np.array(data, dtype=np.int64)
    if isinstance(data, (float, np.floating)):
        return np.array(data, dtype=float_np)
    if isinstance(data, complex):
        return np.array(data, dtype=complex_of(float_np))
    if isinstance(data, Tensor):
        return data._data.copy()
    if isinstance(data, (list, tuple)):
        if any(isinstance(x, Tensor) for x in data):
            data = [x._data if isinstance(x, Tensor) else x for x in data]
        try:
            arr = np.array(data)
        except ValueError:
            arr = np.array(None, dtype=object)
        if arr.dtype == object:
            raise ValueError("torch_tensor: data must be a rectangular nested list of numbers (all rows of the same "
                             "length)")
        if arr.dtype.kind == "f":
            return arr.astype(float_np)
        if arr.dtype.kind in "iu":
            return arr.astype(np.int64)
        if arr.dtype.kind == "b":
            return arr
        if arr.dtype.kind == "c":  # complex numbers: the complex type of the default float type
            return arr.astype(complex_of(float_np))
        raise TypeError(f"torch_tensor: cannot convert values of type {arr.dtype} to a tensor")
    if hasattr(data, "__array__"):
        return np.array(data)
    raise TypeError(f"torch_tensor: cannot convert an object of class {type(data).__name__} to a tensor")


def torch_tensor(data: Any, dtype: Dtype | None = None, device: Any = None, requires_grad: bool = False,
                 pin_memory: bool = False, names: Any = None) -> Tensor:
    """A tensor from numbers, (nested) lists, numpy arrays or another tensor (copied); ``names`` names its
    dims (rtorch_py/named.py).

    Example:
        >>> torch_tensor([1, 2, 3]).dtype
        torch_Long
    """
    t = _finish(_infer(data, None if dtype is None else np.float64), dtype, device, requires_grad)
    return t if names is None else set_names(t, names, "torch_tensor")


_FROM_NUMPY = frozenset({"float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"})


def torch_from_numpy(data: np.ndarray) -> Tensor:
    """A tensor sharing ``data``'s memory (writes through either are seen by both), as PyTorch's
    ``torch.from_numpy``; the array's dtype is kept (float64 stays torch_float64).

    Example:
        >>> a = np.zeros(3, dtype=np.float32)
        >>> x = torch_from_numpy(a); a[0] = 5
        >>> x[0].item(), x.dtype
        (5.0, torch_Float)
    """
    if not isinstance(data, np.ndarray):
        raise TypeError(f"torch_from_numpy: expected a numpy array, got {type(data).__name__}")
    if data.dtype.name not in _FROM_NUMPY or data.dtype.byteorder == ">":
        raise TypeError(f"torch_from_numpy: can't convert a numpy array of type {data.dtype}; supported: "
                        "float64/32/16, int64/32/16/8, uint8, bool")
    return _wrap(data)


def torch_scalar_tensor(value: Any, dtype: Dtype | None = None, device: Any = None,
                        requires_grad: bool = False) -> Tensor:
    """A 0-dimensional tensor."""
    arr = _infer(value._data if isinstance(value, Tensor) else value, None if dtype is None else np.float64)
    if arr.size != 1:
        raise ValueError(f"torch_scalar_tensor: value must have one element, got {arr.size}")
    return _finish(arr.reshape(()), dtype, device, requires_grad)


def as_array(x: Tensor) -> np.ndarray:
    """The tensor's values as a numpy array (a copy for tensors in the graph).

    Example:
        >>> as_array(torch_ones(2))
        array([1., 1.], dtype=float32)
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"as_array: expected a torch_tensor, got {type(x).__name__}")
    check_data(x._data, "as_array")
    if x._requires_grad:
        # writing into it would bypass autograd (PyTorch's numpy() refuses): a read-only view
        view = x._data.view()
        view.flags.writeable = False
        return view
    return x._data


def is_torch_tensor(x: Any) -> bool:
    """Whether ``x`` is a torch_tensor."""
    return isinstance(x, Tensor)


# -- filled -----------------------------------------------------------------------------------------------------

def _filled(fill: Any, name: str) -> Any:
    def make(*size: Size, names: Any = None, dtype: Dtype | None = None, device: Any = None,
             requires_grad: bool = False, layout: Any = None) -> Tensor:
        npd = _default_np(dtype) if fill is not None or dtype is not None else get_default_dtype().np
        arr = np.empty(size, npd) if fill is None else np.full(size, fill, npd)
        return _named(_finish(arr, None, device, requires_grad), names, name)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"A tensor of the given size filled with {'uninitialised values' if fill is None else fill}."
    return r_api(make)


torch_zeros = _filled(0, "torch_zeros")
torch_ones = _filled(1, "torch_ones")
torch_empty = _filled(None, "torch_empty")


@r_api
def torch_full(size: Size, fill_value: Any, names: Any = None, dtype: Dtype | None = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (its type follows the value, as torch)."""
    npd = _infer(fill_value).dtype if dtype is None else as_dtype(dtype).np
    return _named(_finish(np.full(size, fill_value, npd), None, device, requires_grad), names, "torch_full")


def torch_eye(n: Any, m: Any = None, dtype: Dtype | None = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """An ``n`` x ``m`` (default ``n`` x ``n``) matrix with ones on the diagonal.

    Example:
        >>> torch_eye(2)
        torch_tensor
         1  0
         0  1
        [ CPUFloatType{2,2} ]
    """
    n = to_int(n, "n")
    return _finish(np.eye(n, n if m is None else to_int(m, "m"), dtype=_default_np(dtype)), None, device,
                   requires_grad)


def _like(fn: Any, name: str) -> Any:
    def make(input: Tensor, dtype: Dtype | None = None, device: Any = None, requires_grad: bool = False,
             **kw: Any) -> Tensor:
        return fn(*input.shape, dtype=dtype or input.dtype, device=input.device if device is None else device,
                  requires_grad=requires_grad, **kw)

    make.__name__ = name
    make.__doc__ = f"Like ``{fn.__name__}`` with the size (and dtype unless given) of ``input``."
    return make


torch_zeros_like = _like(torch_zeros, "torch_zeros_like")
torch_ones_like = _like(torch_ones, "torch_ones_like")
torch_empty_like = _like(torch_empty, "torch_empty_like")


def torch_full_like(input: Tensor, fill_value: Any, dtype: Dtype | None = None, device: Any = None,
                    requires_grad: bool = False) -> Tensor:
    """A tensor of ``input``'s shape (and dtype, unless given) filled with ``fill_value``."""
    return torch_full(list(input.shape), fill_value, dtype=dtype or input.dtype, device=device,
                      requires_grad=requires_grad)


# -- ranges ------------------------------------------------------------------------------------------------------

def _range_dtype(dtype: Any, *values: Any) -> np.dtype:
    if dtype is not None:
        return as_dtype(dtype).np
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return np.dtype(np.int64)
    return get_default_dtype().np


def torch_arange(start: Any = 0, end: Any = None, step: Any = 1, dtype: Dtype | None = None,
                 device: Any = None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` INCLUSIVE (R torch's convention) in steps of ``step``.

    Example:
        >>> torch_arange(1, 3)
        torch_tensor
         1
         2
         3
        [ CPULongType{3} ]
    """
    # R torch accepts one-element tensors for the bounds and the step
    start, end, step = (v.item() if isinstance(v, Tensor) and v._data.size == 1 else v for v in (start, end, step))
    one_bound = end is None
    if one_bound:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    npd = _range_dtype(dtype, start, end, step)
    # Number of elements as libtorch computes it for [start, end + step): the inclusive end of R torch; with
    # one bound R torch counts from 0 and stops before it (torch_arange(10) has 10 elements).
    n = int(math.ceil((end - start) / step)) if one_bound else int(math.floor((end - start) / step)) + 1
    n = max(n, 0)
    arr = (start + np.arange(n, dtype=np.float64) * step) if npd.kind == "f" else \
        start + np.arange(n, dtype=np.int64) * step
    return _finish(arr.astype(npd), None, device, requires_grad)


def torch_range(start: Any, end: Any, step: Any = 1, dtype: Dtype | None = None, device: Any = None,
                requires_grad: bool = False) -> Tensor:
    """Like ``torch_arange`` (end inclusive), always floating point (deprecated in torch: warns)."""
    import warnings  # noqa: PLC0415
    warnings.warn("torch_range is deprecated in favor of torch_arange (its end is inclusive too)", UserWarning,
                  stacklevel=2)
    return torch_arange(float(start), float(end), step, dtype=dtype or get_default_dtype(), device=device,
                        requires_grad=requires_grad)


def torch_linspace(start: Any, end: Any, steps: Any = 100, dtype: Dtype | None = None, device: Any = None,
                   requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Example:
        >>> torch_linspace(0, 1, 5)
        torch_tensor
         0.0000
         0.2500
         0.5000
         0.7500
         1.0000
        [ CPUFloatType{5} ]
    """
    steps = to_int(steps, "steps")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    npd = _default_np(dtype)
    # libtorch fills the first half from start and the second half from end, halving rounding error.
    i = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    arr = np.where(i < half, start + step * i, end - step * (steps - 1 - i)) if steps > 1 else \
        np.full(steps, start, np.float64)
    return _finish(arr.astype(npd), None, device, requires_grad)


def torch_logspace(start: Any, end: Any, steps: Any = 100, base: float = 10.0, dtype: Dtype | None = None,
                   device: Any = None, requires_grad: bool = False) -> Tensor:
    """``base ^ torch_linspace(start, end, steps)``."""
    lin = torch_linspace(start, end, steps, dtype=torch_float64_dtype())._data
    return _finish(np.power(base, lin).astype(_default_np(dtype)), None, device, requires_grad)


def torch_float64_dtype() -> Dtype:
    """The float64 dtype (``torch_float64()``)."""
    return as_dtype("float64")


# -- random (libtorch's CPU generator, bit for bit) -------------------------------------------------------------

def _gen(generator: Any) -> rng.Generator:
    return rng.default_generator if generator is None else generator


@r_api
def torch_rand(*size: Size, generator: Any = None, names: Any = None, dtype: Dtype | None = None,
               device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1), libtorch's stream.

    Example:
        >>> torch_manual_seed(1); torch_rand(2).shape
        (2,)
    """
    if _check_device(device) == "meta":  # no draws: the generator's stream is untouched, as in libtorch
        return _meta(size, _default_np(dtype), requires_grad)
    out = _finish(_gen(generator).uniform(size, 0.0, 1.0, _default_np(dtype)), None, device, requires_grad)
    return _named(out, names, "torch_rand")


@r_api
def torch_randn(*size: Size, generator: Any = None, names: Any = None, dtype: Dtype | None = None,
                device: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal values, identical to R torch's and PyTorch's for the same seed.

    Example:
        >>> torch_manual_seed(0); torch_randn(1).item()
        1.5409960746765137
    """
    if _check_device(device) == "meta":  # no draws: the generator's stream is untouched, as in libtorch
        return _meta(size, _default_np(dtype), requires_grad)
    out = _finish(_gen(generator).normal(size, 0.0, 1.0, _default_np(dtype)), None, device, requires_grad)
    return _named(out, names, "torch_randn")


@r_api
def torch_randint(low: Any, high: Any, size: Size, generator: Any = None, dtype: Dtype | None = None,
                  device: Any = None, requires_grad: bool = False) -> Tensor:
    """Integers in [low, high) (high exclusive), in the default float dtype unless ``dtype`` says otherwise
    (R torch calls libtorch's C++ randint, whose default is the default dtype, not int64 as in Python).

    Example:
        >>> torch_randint(0, 10, 3).dtype
        torch_Float
    """
    lo, hi = to_int(low, "low"), to_int(high, "high")
    if hi <= lo:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    if _check_device(device) == "meta":
        return _meta(size, (as_dtype(dtype) if dtype is not None else get_default_dtype()).np, requires_grad)
    arr = _gen(generator).randint(lo, hi, size)
    return _finish(arr, dtype if dtype is not None else get_default_dtype(), device, requires_grad)


def torch_randint_like(input: Tensor, low: Any, high: Any = None, dtype: Dtype | None = None,
                       requires_grad: bool = False) -> Tensor:
    """Random integers in ``[low, high)`` (``[0, low)`` with one bound) in ``input``'s shape."""
    if high is None:
        low, high = 0, low
    return torch_randint(low, high, list(input.shape), dtype=dtype or input.dtype, requires_grad=requires_grad)


def torch_rand_like(input: Tensor, dtype: Dtype | None = None, requires_grad: bool = False) -> Tensor:
    """Uniform [0, 1) random values in ``input``'s shape (and dtype, unless given)."""
    return torch_rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def torch_randn_like(input: Tensor, dtype: Dtype | None = None, requires_grad: bool = False) -> Tensor:
    """Standard normal random values in ``input``'s shape (and dtype, unless given)."""
    return torch_randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def torch_randperm(n: Any, generator: Any = None, dtype: Dtype | None = None, device: Any = None,
                   requires_grad: bool = False) -> Tensor:
    """A random permutation of 0..n-1 (R torch returns libtorch's values unshifted)."""
    if _check_device(device) == "meta":
        return _meta((to_int(n, "n"),), as_dtype(dtype if dtype is not None else "int64").np, requires_grad)
    arr = _gen(generator).randperm(to_int(n, "n"))
    return _finish(arr, dtype if dtype is not None else "int64", device, requires_grad)


@r_api
def torch_normal(mean: Any = 0, std: Any = 1, size: Size | None = None, generator: Any = None,
                 dtype: Dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Normal values with the given mean and standard deviation (numbers or tensors)."""
    g = _gen(generator)
    if (isinstance(mean, Tensor) or isinstance(std, Tensor)) and (size is not None or dtype is not None):
        # R torch: with tensor mean/std the shape and dtype come from them
        raise ValueError("torch_normal: `size` and `dtype` cannot be given when `mean` or `std` is a tensor "
                         "(the result takes their shape and dtype)")
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        npd = (mean if isinstance(mean, Tensor) else std)._data.dtype
        z = g.normal(shape, 0.0, 1.0, npd)
        return _finish((z * s + m).astype(npd), None, device, requires_grad)
    if size is None:
        raise RuntimeError("torch_normal: size is required when mean and std are numbers")
    return _finish(g.normal(size, float(mean), float(std), _default_np(dtype)), None, device, requires_grad)


def torch_poisson(self: Tensor, generator: Any = None) -> Tensor:
    """Draws from Poisson(``self``) (rates, float32/float64), libtorch's sampler bit for bit: the same seed
    gives R torch's values. Differentiable as in libtorch: the gradient is zero.

    Example:
        >>> torch_manual_seed(1); torch_poisson(torch_tensor([0.5, 4.0, 30.0]))
        torch_tensor
          0
          2
         31
        [ CPUFloatType{3} ]
    """
    if not isinstance(self, Tensor):
        raise TypeError(f"torch_poisson: argument 'self' must be a tensor of rates, got {type(self).__name__}")
    return distr_ops.poisson(self, None if generator is None else _gen(generator))


def torch_bernoulli(self: Tensor, p: Any = None, generator: Any = None) -> Tensor:
    """0/1 draws with probabilities ``self`` (or the number ``p``), in ``self``'s dtype."""
    probs = self._data if p is None else p
    if p is None and (np.any(self._data < 0) or np.any(self._data > 1)):
        raise RuntimeError("bernoulli_ expects p to be in [0, 1], but got p outside that range")
    return _wrap(_gen(generator).bernoulli(probs, self.shape, self._data.dtype))


@r_api
def torch_multinomial(self: Tensor, num_samples: Int, replacement: bool = False, generator: Any = None
                      ) -> Indices1:
    """Indices drawn with probabilities proportional to ``self`` (rows), 1-based as R torch."""
    n = num_samples
    d = self._data
    if d.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim, got {d.ndim}")
    if np.any(d < 0) or not np.all(np.isfinite(d)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if not replacement and n > d.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    return _wrap(_gen(generator).multinomial(d, n, bool(replacement)))


# -- seeds and state -----------------------------------------------------------------------------------------------

def torch_manual_seed(seed: Any, old_seed_behavior: bool = False) -> None:
    """Seed libtorch's CPU generator (R torch passes the seed through as.character, so 1e5 seeds 1 there).

    ``old_seed_behavior`` (R: ``options(torch.old_seed_behavior = TRUE)``): R torch's earlier seeding, which
    then draws ``torch_randint(1, 1e6, 1)`` from the generator (to seed a generator of its own that its
    generator-taking functions used), so the default stream continues one draw later.

    Example:
        >>> torch_manual_seed(2019, old_seed_behavior = True); round(torch_randn(1).item(), 6)
        -0.364226
    """
    rng.default_generator.manual_seed(to_int(seed, "seed"))
    if old_seed_behavior:
        rng.default_generator.randint(1, 1000000, (1,))


def torch_seed() -> int:
    """The seed the default generator was last seeded with (``torch_initial_seed``)."""
    return rng.default_generator.initial_seed()


torch_initial_seed = torch_seed


def torch_get_rng_state() -> Tensor:
    """The generator's state as a uint8 tensor (restore it with ``torch_set_rng_state``)."""
    return _wrap(rng.default_generator.get_state())


def torch_set_rng_state(state: Tensor) -> None:
    """Restore the default generator from a state saved by ``torch_get_rng_state()``."""
    rng.default_generator.set_state(state._data if isinstance(state, Tensor) else np.asarray(state))


@contextlib.contextmanager
def local_torch_manual_seed(seed: Any) -> Iterator[None]:
    """Within the block the generator is seeded with ``seed``; its previous state returns afterwards."""
    state = rng.default_generator.get_state()
    torch_manual_seed(seed)
    try:
        yield
    finally:
        rng.default_generator.set_state(state)


def with_torch_manual_seed(code: Any, seed: Any) -> Any:
    """Run ``code`` (a function of no arguments) with the generator seeded, then restore its state."""
    with local_torch_manual_seed(seed):
        return code()

