"""Chunk-parallel numpy work on the threads the BLAS may use (numpy releases the GIL in its ufunc loops and
in matmul, so Python threads running whole-array numpy calls use several cores).

The thread count is the BLAS's own (``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS``, else its default): the
number of cores the process was told to use; torch_set_num_threads() changes both. While a parallel region
runs, the BLAS is set to one thread, so its GEMMs inside the chunks do not compete with the region's threads
(measured on the CNN's Winograd convolution, 2 cores: 14.0 ms against 18.6 ms with the BLAS's two threads
and 21.4 ms on one core); it is restored afterwards. Without a BLAS this module can reach (an OpenBLAS
exporting its thread setters), work runs on one thread.

Example:
    >>> out = []
    >>> run_parallel(out.append, [[1, 2], [3]])
    >>> sorted(out)
    [[1, 2], [3]]
"""

from __future__ import annotations

import ctypes
import math
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

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


def set_threads(n: int) -> None:
    """Use ``n`` threads from now on (torch_set_num_threads); the BLAS too, when its setter was found."""
    threads()
    with _lock:
        _state["threads"] = max(1, int(n))
        if _state["blas"] is not None:
            _state["blas"][1](_state["threads"])
        if _state["pool"] is not None:  # a pool of the new size when next needed
            _state["pool"].shutdown(wait=False)
            _state["pool"] = None


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


_MIN_ELEMENTS = 1 << 18  # elements below which an elementwise pass runs as one call


def splits(size: int) -> bool:
    """Whether for_slices splits a pass over ``size`` elements (else it is one call: callers on a hot path
    make that call themselves, without building for_slices' closure)."""
    return size >= _MIN_ELEMENTS and threads() > 1


def for_slices(fn: Callable[[slice], object], n: int, size: int) -> None:
    """``fn(s)`` for slices ``s`` covering range(n) (the first axis of the arrays fn works on, which fn writes
    in place), one contiguous slice per thread when ``size`` (the elements involved) is large enough.

    Example:
        >>> x = np.arange(6.0); out = np.empty(6); for_slices(lambda s: np.multiply(x[s], 2, out=out[s]), 6, 6)
        >>> out.tolist()
        [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    """
    if n < 2 or not splits(size):
        fn(slice(0, n))
        return
    run_parallel(lambda part: fn(slice(part[0], part[-1] + 1)), split(range(n)))


_MIN_MATMUL = 1 << 22  # multiply-adds below which a product runs as one call (a thread handoff is ~20 us)


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``np.matmul(a, b, out=out)`` for 2-D operands (or n-D with the same batch dims), split over the threads by
    the output's rows (its columns when it has fewer rows than columns; the first batch axis for n-D): each
    part is the same GEMM on a slice, so the bits equal one call's. The products rtorch runs this way keep the
    BLAS's own threads idle: those spin for a while after each call and would take the cores from the next
    parallel region (measured: a 2-thread GEMM before the CNN's Winograd convolution made it 1.9x slower).
    ``out`` may be a strided view (the fused attention writes its heads into place this way).

    Example:
        >>> a = np.arange(6.0).reshape(2, 3); matmul(a, a.T).tolist()
        [[5.0, 14.0], [14.0, 50.0]]
    """
    n = threads()
    if n == 1 or a.ndim != b.ndim or a.ndim < 2 or a.shape[:-2] != b.shape[:-2] or a.shape[-1] != b.shape[-2] \
            or a.shape[-2] * a.shape[-1] * b.shape[-1] * math.prod(a.shape[:-2]) < _MIN_MATMUL:
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty(a.shape[:-1] + b.shape[-1:], np.result_type(a, b))
    if a.ndim >= 3 and a.shape[0] >= n:
        def part(r: list[range]) -> None:
            sl = slice(r[0].start, r[-1].stop)
            np.matmul(a[sl], b[sl], out=out[sl])
        run_parallel(part, split([range(i, i + 1) for i in range(a.shape[0])], n))
        return out
    rows = a.shape[-2] >= b.shape[-1]
    size = a.shape[-2] if rows else b.shape[-1]
    step = -(-size // n)

    def work(starts: list[int]) -> None:
        for i in starts:
            sl = slice(i, i + step)
            if rows:
                np.matmul(a[..., sl, :], b, out=out[..., sl, :])
            else:
                np.matmul(a, b[..., sl], out=out[..., sl])

    run_parallel(work, [[i] for i in range(0, size, step)])
    return out
