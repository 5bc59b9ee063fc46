"""Chunk-parallel numpy work on the threads the BLAS may use (numpy releases the GIL in its ufunc loops and
in matmul, so Python threads running whole-array numpy calls use several cores).

The thread count is the BLAS's own (``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS``, else its default): the
numbers of cores the process was told to use. While a parallel region runs, the BLAS is set to one thread,
so its GEMMs inside the chunks do not compete with the region's threads (measured on the CNN's Winograd
convolution, 2 cores: 14.0 ms against 18.6 ms with the BLAS's two threads and 21.4 ms on one core); it is
restored afterwards. Without a BLAS this module can reach (an OpenBLAS exporting its thread setters), work
runs on one thread.

Example:
    >>> out = []
    >>> run_parallel(out.append, [[1, 2], [3]])
    >>> sorted(out)
    [[1, 2], [3]]
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_lock = threading.Lock()
_state: dict[str, Any] = {"blas": None, "pool": None, "threads": None}


def _after_fork() -> None:
    # a forked child (dataloader workers) has none of the pool's threads: it starts its own when it needs one
    global _lock
    _lock = threading.Lock()
    _state["pool"] = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def _find_blas() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    """numpy's OpenBLAS thread getter and setter, found among the loaded libraries (numpy's wheels bundle
    scipy-openblas, whose symbols carry a prefix and suffix; a system OpenBLAS has the plain names)."""
    import numpy.linalg  # noqa: F401, PLC0415 - loads the BLAS

    try:
        with open("/proc/self/maps") as f:
            paths = sorted({m.group(1) for line in f if (m := re.search(r"(/\S*openblas\S*\.so\S*)", line))},
                           key=lambda p: "numpy" not in p)  # numpy's own BLAS first
    except OSError:
        return None
    names = [("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
             ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
             ("openblas_get_num_threads", "openblas_set_num_threads")]
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for get_name, set_name in names:
            if hasattr(lib, get_name) and hasattr(lib, set_name):
                get, put = getattr(lib, get_name), getattr(lib, set_name)
                get.restype, get.argtypes = ctypes.c_int, []
                put.restype, put.argtypes = None, [ctypes.c_int]
                return get, put
    return None


def threads() -> int:
    """How many threads parallel regions use: the BLAS's thread count when it was first asked (1 when no
    BLAS setter was found)."""
    n = _state["threads"]
    if n is None:
        blas = _state["blas"] = _find_blas()
        n = _state["threads"] = max(1, min(int(blas[0]()), 16)) if blas else 1
    return n


def run_parallel(fn: Callable[[Any], object], parts: Sequence[Any]) -> None:
    """``fn(part)`` for every part, the parts spread over the threads (the calling thread takes the first).
    One region at a time: a region started while another runs (another thread, or from inside ``fn``) runs
    its parts on the calling thread. Exceptions propagate after every part has finished."""
    if threads() == 1 or len(parts) < 2 or not _lock.acquire(blocking=False):
        for p in parts:
            fn(p)
        return
    try:
        get, put = _state["blas"]
        before = get()
        put(1)
        try:
            if _state["pool"] is None:
                _state["pool"] = ThreadPoolExecutor(threads() - 1, thread_name_prefix="rtorch")
            futures = [_state["pool"].submit(fn, p) for p in parts[1:]]
            error = None
            try:
                fn(parts[0])
            except BaseException as e:  # the other parts must finish before the buffers they use go away
                error = e
            for f in futures:
                try:
                    f.result()
                except BaseException as e:
                    error = error or e
            if error is not None:
                raise error
        finally:
            put(before)
    finally:
        _lock.release()


def split(items: Sequence[Any], n: int | None = None) -> list[list[Any]]:
    """``items`` in ``n`` (default: threads()) contiguous runs of nearly equal length, empty runs dropped."""
    n = threads() if n is None else n
    k, r = divmod(len(items), n)
    out, i = [], 0
    for j in range(n):
        m = k + (j < r)
        if m:
            out.append(list(items[i:i + m]))
        i += m
    return out
