"""Worker processes of a dataloader with ``num_workers > 0``: forked children, one task pipe and one result
pipe each.

Batch ``b`` (0-based) goes to worker ``b % num_workers`` (so batches come back in order, as in R torch, and
worker ``k`` serves batches ``k, k + n, ...``). A worker is seeded (``torch_manual_seed``, Python's and numpy's
generators, and through ``setup`` R's ``set.seed``), then runs ``worker_init_fn(id)`` (``id`` 1-based), then
fetches the batches it is sent. An error in a worker is sent back and raised in the main process with the
worker's message. Workers die with the main process (``PR_SET_PDEATHSIG``), exit when their task pipe closes,
and :meth:`WorkerPool.close` (called when the iterator ends, errors, or is collected) ends them for good.
"""

from __future__ import annotations

import ctypes
import io
import os
import pickle
import select
import signal
import struct
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

from .._core.tensor import Tensor

__all__ = ["WorkerPool", "get_worker_info", "WorkerInfo"]

_HEADER = struct.Struct("<Q")


class WorkerInfo:
    """What a worker knows about itself (R torch's ``.worker_info``): ``id`` (1-based), ``workers``, ``seed``."""

    __slots__ = ("id", "workers", "seed")

    def __init__(self, id: int, workers: int, seed: int) -> None:  # noqa: A002 - R torch's name
        self.id, self.workers, self.seed = id, workers, seed

    def __repr__(self) -> str:
        return f"WorkerInfo(id={self.id}, workers={self.workers}, seed={self.seed})"


_INFO: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """Inside a dataloader worker its :class:`WorkerInfo`, in the main process None.

    Example:
        >>> get_worker_info() is None
        True
    """
    return _INFO


# -- messages ----------------------------------------------------------------------------------------------------

def _rebuild_tensor(data: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor._wrap(data, requires_grad)


class _Pickler(pickle.Pickler):
    """Tensors travel as their values and requires_grad (a batch's graph stays in the worker); one tensor
    object in several places of a batch stays one object."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Tensor):
            return _rebuild_tensor, (obj._data, bool(obj._requires_grad))
        return NotImplemented


def _dumps(obj: Any) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


def _write(fd: int, obj: Any) -> None:
    payload = _dumps(obj)
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _write_main(fd: int, obj: Any) -> None:
    """:func:`_write` from the main process, with SIGPIPE held back: a worker that has gone gives EPIPE here,
    never the signal (R's handler for it would jump out of Python)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        _write(fd, obj)
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPIPE})
    try:
        _write(fd, obj)
    finally:
        if signal.SIGPIPE in signal.sigpending():
            signal.sigtimedwait({signal.SIGPIPE}, 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, left = [], n
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read(fd: int, deadline: float | None = None) -> Any:
    (n,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    return pickle.loads(_read_exact(fd, n, deadline))


# -- the worker side -----------------------------------------------------------------------------------------------

def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - not glibc
            pass


def _seed_all(seed: int) -> None:
    import random  # noqa: PLC0415

    from ..creation import torch_manual_seed  # noqa: PLC0415

    torch_manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)


def _worker_main(wid: int, n: int, seed: int, task_fd: int, result_fd: int, fetch: Callable[[Any], Any],
                 setup: Callable[..., Any] | None, init_fn: Callable[..., Any] | None,
                 packages: Any, globals_: Any) -> None:
    global _INFO
    _INFO = WorkerInfo(wid, n, seed)
    try:
        _seed_all(seed)
        if setup is not None:  # the R side: .worker_info, set.seed, packages, globals
            setup(wid, n, seed)
        else:
            import importlib  # noqa: PLC0415

            for p in [packages] if isinstance(packages, str) else (packages or ()):
                importlib.import_module(p)
            if globals_:
                main = sys.modules["__main__"]
                for k, v in dict(globals_).items():
                    setattr(main, k, v)
        if init_fn is not None:
            init_fn(wid)
    except BaseException as e:  # noqa: BLE001 - reported to the main process, which raises it
        _write(result_fd, ("error", f"in dataloader worker {wid}, while starting: {_message(e)}"))
        return
    while True:
        try:
            task = _read(task_fd)
        except (EOFError, OSError):
            return  # the main process closed the pipe (loop ended) or died
        try:
            result = ("ok", fetch(task))
        except BaseException as e:  # noqa: BLE001
            result = ("error", f"in dataloader worker {wid}: {_message(e)}")
        try:
            _write(result_fd, result)
        except (pickle.PicklingError, TypeError, AttributeError) as e:
            _write(result_fd, ("error", f"in dataloader worker {wid}: the batch can't be sent to the main process "
                                        f"({e})"))
        except OSError:
            return


def _message(e: BaseException) -> str:
    msg = str(e)
    if not msg:
        msg = "".join(traceback.format_exception_only(type(e), e)).strip()
    return msg


# -- the main side ---------------------------------------------------------------------------------------------

class WorkerPool:
    """``num_workers`` forked workers running ``fetch`` on the batches of indices they are sent."""

    def __init__(self, num_workers: int, fetch: Callable[[Any], Any], seeds: list[int],
                 setup: Callable[..., Any] | None = None, init_fn: Callable[..., Any] | None = None,
                 packages: Any = None, globals_: Any = None, timeout: float = -1) -> None:
        self.n = num_workers
        self.timeout_ms = float(timeout) if timeout is not None else -1.0
        self.pids: list[int] = []
        self.task_fds: list[int] = []
        self.result_fds: list[int] = []
        for wid in range(1, num_workers + 1):
            task_r, task_w = os.pipe()
            res_r, res_w = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the caller's code (R or Python)
                code = 0
                try:
                    _die_with_parent()
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
                    # a closed pipe must be an EPIPE error here: R's SIGPIPE handler would jump back into R
                    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
                    for fd in (task_w, res_r, *self.task_fds, *self.result_fds):
                        os.close(fd)
                    _worker_main(wid, num_workers, seeds[wid - 1], task_r, res_w, fetch, setup, init_fn,
                                 packages, globals_)
                except BaseException:  # noqa: BLE001
                    code = 1
                finally:
                    os._exit(code)
            os.close(task_r)
            os.close(res_w)
            self.pids.append(pid)
            self.task_fds.append(task_w)
            self.result_fds.append(res_r)

    def submit(self, batch_no: int, task: Any) -> None:
        try:
            _write_main(self.task_fds[batch_no % self.n], task)
        except OSError:
            pass  # the worker has gone: result() reports it

    def result(self, batch_no: int) -> Any:
        w = batch_no % self.n
        deadline = time.monotonic() + self.timeout_ms / 1000 if self.timeout_ms > 0 else None
        try:
            status, value = _read(self.result_fds[w], deadline)
        except TimeoutError:
            self.close()
            raise RuntimeError(f"dataloader worker timed out (worker {w + 1}, timeout {self.timeout_ms:g} ms)") \
                from None
        except EOFError:
            self.close()
            raise RuntimeError(f"dataloader worker {w + 1} exited unexpectedly") from None
        if status == "error":
            self.close()
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        """End the workers: close their pipes, give them a moment to exit, then kill; reap them all."""
        fds, self.task_fds, rfds, self.result_fds = self.task_fds, [], self.result_fds, []
        for fd in fds + rfds:
            try:
                os.close(fd)
            except OSError:
                pass
        pids, self.pids = self.pids, []
        deadline = time.monotonic() + 0.5
        alive = list(pids)
        while alive and time.monotonic() < deadline:
            alive = [p for p in alive if not _reaped(p)]
            if alive:
                time.sleep(0.005)
        for p in alive:
            try:
                os.kill(p, signal.SIGKILL)
                os.waitpid(p, 0)
            except (ProcessLookupError, ChildProcessError):
                pass

    def __del__(self) -> None:
        if self.pids:
            self.close()


def _reaped(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done != 0
