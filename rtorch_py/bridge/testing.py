"""Entry points for the shim's own tests (r_shim/tests/testthat, tests/bridge), kept out of the production
dispatch table: :data:`TEST_HOOKS` joins it only when ``RTORCH_TEST_HOOKS`` is set in the environment when
rtorch_py.bridge.rsemantics is imported (r_shim/tests/testthat.R and tests/bridge/conftest.py set it), or when
:func:`register` is called (a Python host that already imported the bridge).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["TEST_HOOKS", "register"]


def _identity(x: Any) -> Any:
    """Returns ``x``: an R value's round trip through Python."""
    return x


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


for _f in (_identity, _type_name, _test_call, _test_types):
    _f._r_values = True  # R values pass as they are, NA included

TEST_HOOKS: dict[str, Callable[..., Any]] = {
    "identity": _identity,
    "type_name": _type_name,
    "bridge_test_call": _test_call,
    "bridge_test_raise": _test_raise,
    "bridge_test_warn": _test_warn,
    "bridge_test_types": _test_types,
    "bridge_python_info": _python_info,
    "bridge_test_busy": _test_busy,
    "bridge_python_gc_stats": _python_gc_stats,
}


def register() -> None:
    """Add the test hooks to the bridge's dispatch (idempotent)."""
    from . import rsemantics  # noqa: PLC0415
    from ._hooks import DISPATCH  # noqa: PLC0415

    rsemantics.TABLE.update(TEST_HOOKS)
    DISPATCH.update(TEST_HOOKS)
