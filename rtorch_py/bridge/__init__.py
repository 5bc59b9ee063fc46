"""The bridge between R and rtorch_py.

Two ways to run R torch code on rtorch_py, both through the same C bridge (``r_shim/src/bridge.c``, one
``.Call`` per tensor op, Python objects held in R external pointers):

- Python hosts R (rpy2): ``rtorch run script.R``, ``rtorch knit file.Rmd``, or from Python::

      from rtorch_py.bridge import r_session
      r = r_session()                 # the embedded R, with the shim's library first on .libPaths()
      r.eval("library(torch); x <- torch_randn(2, 2)")
      x = r.get("x")                  # the same Tensor object R holds
      r.assign("y", x * 2)
      r.eval("y$shape")               # -> numpy array([2, 2], dtype=int32)

- R hosts Python: ``eval "$(make -s r-env)" && Rscript script.R``; the shim starts ``RTORCH_PYTHON``.

This package's ``__init__`` imports nothing heavy: the C side imports :mod:`._hooks` when R first calls in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .session import RSession

__all__ = ["r_session", "RSession", "RError"]


def r_session(**kwargs: Any) -> RSession:
    """The process's embedded R session (started on first use; one per process)."""
    from .session import r_session as _r_session  # noqa: PLC0415 - rpy2 is imported only when asked for

    return _r_session(**kwargs)


def __getattr__(name: str) -> Any:
    if name == "RSession":
        from .session import RSession  # noqa: PLC0415

        return RSession
    if name == "RError":
        from ._hooks import RError  # noqa: PLC0415

        return RError
    raise AttributeError(name)
