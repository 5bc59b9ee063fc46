"""R torch's exports for moving raw memory and calling functions by name: ``torch_tensor_from_buffer`` (a
tensor over existing memory, no copy), ``buffer_from_torch_tensor`` (a tensor's bytes), ``call_torch_function``
(a ``torch_*`` function, exported or internal, by name)."""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np

from . import _check
from ._core.dtype import as_dtype
from ._core.tensor import Tensor
from ._r import sizes_of

__all__ = ["torch_tensor_from_buffer", "buffer_from_torch_tensor", "call_torch_function"]


def torch_tensor_from_buffer(buffer: Any, shape: Any, dtype: Any = "float") -> Tensor:
    """A tensor of ``shape`` and ``dtype`` over ``buffer``'s memory, without a copy: writes through the tensor
    change the buffer (from R, the vector passed; R torch's caveat). ``buffer`` is anything exposing bytes
    (a numpy array, ``bytearray``; from R a raw, double, integer or logical vector).

    Example:
        >>> b = np.zeros(2); t = torch_tensor_from_buffer(b, 2, "float64"); _ = t.add_(1); b.tolist()
        [1.0, 1.0]
    """
    fn = "torch_tensor_from_buffer"
    size = sizes_of((shape,), fn)
    dt = as_dtype(dtype)
    try:
        raw = np.frombuffer(buffer, dtype=np.uint8) if not isinstance(buffer, np.ndarray) else \
            buffer.reshape(-1).view(np.uint8)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{fn}: `buffer` must expose contiguous memory (a raw or numeric vector), got "
                        f"{type(buffer).__name__}") from e
    need = int(np.prod(size, dtype=np.int64)) * dt.np.itemsize
    if raw.size < need:
        raise ValueError(f"{fn}: a tensor of shape {list(size)} and dtype {dt.name} needs {need} bytes, the buffer "
                         f"has {raw.size}")
    return Tensor._wrap(raw[:need].view(dt.np).reshape(size))


def buffer_from_torch_tensor(tensor: Tensor) -> np.ndarray:
    """The tensor's bytes in row-major order (a raw vector in R), as ``torch_tensor_from_buffer`` reads them.

    Example:
        >>> buffer_from_torch_tensor(torch_tensor([1], dtype = torch_int16())).tolist()
        [1, 0]
    """
    x = _check.tensor(tensor, "buffer_from_torch_tensor", "tensor")
    return np.frombuffer(np.ascontiguousarray(x._data).tobytes(), dtype=np.uint8)


def call_torch_function(name: str, *args: Any, quiet: bool = False, **kwargs: Any) -> Any:
    """Call the ``torch_*`` function ``name`` (exported or internal) with the arguments; warns (unless
    ``quiet``) that internal functions may change without notice, as R torch.

    Example:
        >>> call_torch_function("torch_abs", torch_tensor([-2]), quiet=True).item()
        2
    """
    if not isinstance(name, str) or not name.startswith("torch_"):
        raise ValueError(f"call_torch_function: `name` must be the name of a function starting with 'torch_', got "
                         f"{name!r}")
    pkg = sys.modules["rtorch_py"]
    fn = getattr(pkg, name, None)
    if not callable(fn):
        fn = next((getattr(m, name) for m in list(sys.modules.values())
                   if getattr(m, "__name__", "").startswith("rtorch_py.") and callable(getattr(m, name, None))),
                  None)
    if fn is None:
        raise ValueError(f"call_torch_function: no function named '{name}' in rtorch_py: check your spelling")
    if not quiet:
        warnings.warn("call_torch_function() allows access to unexported functions, please use with caution",
                      stacklevel=2)
    return fn(*args, **kwargs)
