"""Automatic mixed precision on the CPU (R torch's ``with_autocast`` / ``local_autocast`` / ``set_autocast``):
inside the region, matrix products and convolutions run in a lower-precision floating dtype (libtorch's CPU
default: bfloat16; float16 may be asked for). The casting happens in the core primitives
(rtorch_py/_core/autocast.py). CUDA autocast does not exist here (rtorch_py runs on the CPU only)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ._core.autocast import state
from ._core.dtype import as_dtype

__all__ = ["set_autocast", "unset_autocast", "local_autocast", "with_autocast"]

_CPU_DEFAULT = "bfloat16"  # libtorch's at::autocast::get_autocast_cpu_dtype()


def set_autocast(device_type: str, dtype: Any = None, enabled: bool = True, cache_enabled: Any = None
                 ) -> dict:
    """Turn autocasting on (or off, ``enabled = FALSE``) for ``device_type = "cpu"``; returns the previous
    state, for ``unset_autocast``.

    Example:
        >>> ctx = set_autocast("cpu", dtype = torch_float16())
        >>> torch_mm(torch_ones(2, 2), torch_ones(2, 2)).dtype
        torch_Half
        >>> unset_autocast(ctx); torch_mm(torch_ones(2, 2), torch_ones(2, 2)).dtype
        torch_Float
    """
    if device_type != "cpu":
        raise RuntimeError(f"set_autocast: not supported in rtorch_py: autocast on device '{device_type}' "
                           "(rtorch_py runs on the CPU only; device_type must be \"cpu\")")
    d = as_dtype(_CPU_DEFAULT if dtype is None else dtype)
    if d.name not in ("BFloat16", "Half"):
        raise ValueError(f"set_autocast: in CPU autocast the dtype must be torch_bfloat16() or torch_float16(), "
                         f"got {d!r}")
    prev = {"device": device_type, "enabled": state.enabled, "fast_dtype": state.dtype}
    state.enabled, state.dtype = bool(enabled), d.np
    return prev


def unset_autocast(context: dict) -> None:
    """Restore the state ``set_autocast`` returned."""
    state.enabled, state.dtype = bool(context["enabled"]), context["fast_dtype"]


@contextlib.contextmanager
def local_autocast(device_type: str, dtype: Any = None, enabled: bool = True, cache_enabled: Any = None
                   ) -> Iterator[None]:
    """Autocasting within the block (R: until the calling function exits)."""
    ctx = set_autocast(device_type, dtype, enabled, cache_enabled)
    try:
        yield
    finally:
        unset_autocast(ctx)


def with_autocast(code: Any, device_type: str, dtype: Any = None, enabled: bool = True,
                  cache_enabled: Any = None) -> Any:
    """Run ``code`` (a function of no arguments) with autocasting on."""
    with local_autocast(device_type, dtype, enabled, cache_enabled):
        return code()
