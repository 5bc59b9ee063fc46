"""Python hosting R: the embedded R session (rpy2), ``rtorch run`` and ``rtorch knit``.

rpy2 only starts R and evaluates a few fixed R calls; values cross through the shim's C bridge (one
``.Call`` per tensor op, the same objects on both sides), never through rpy2's conversions or callbacks.

One embedded R per process (R cannot be restarted after it ends). Do not load reticulate inside it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["RSession", "r_session", "shim_library"]

_SESSION: RSession | None = None
_LOCK = threading.Lock()


def shim_library() -> str | None:
    """The private R library holding the shim (see :func:`rtorch_py.install.find_shim`)."""
    from ..install import find_shim  # noqa: PLC0415

    return find_shim()


def _r_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class RSession:
    """The embedded R with the shim on its library path. Use :func:`r_session` to get the process's one.

    ``eval`` returns R values converted by the bridge (tensors are the same Python objects R holds);
    ``assign`` hands Python objects to R the same way.
    """

    def __init__(self, interactive: bool = False, args: list[str] | tuple[str, ...] = ()) -> None:
        lib = shim_library()
        if lib:
            libs = [p for p in os.environ.get("R_LIBS", "").split(":") if p and p != lib]
            os.environ["R_LIBS"] = ":".join([lib, *libs])
        # Python's SIGINT handler must raise KeyboardInterrupt (rpy2 expects it; the bridge relies on it)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.default_int_handler)
        import rpy2.rinterface as ri  # noqa: PLC0415
        import rpy2.rinterface_lib.callbacks as cb  # noqa: PLC0415
        from rpy2.rinterface_lib import embedded  # noqa: PLC0415

        self._ri = ri
        self._thread = threading.get_ident()  # R's main thread: the only one that may call R
        # Rscript's behaviour: no saved workspace, quiet, output to our streams as R writes it
        # ``args`` are the script's arguments: commandArgs(trailingOnly = TRUE)
        embedded._options = ("rpy2", "--quiet", "--no-save", "--no-restore", "--no-echo",
                             *(("--args", *args) if args else ()))
        cb.consolewrite_print = _write_stdout
        cb.consolewrite_warnerror = _write_stderr
        cb.showmessage = _write_stderr
        try:
            ri.initr_checkenv(interactive=interactive)
        except ValueError as e:
            # rpy2 reads the environment R's front end sets up from the CSV that `Rscript -e write.csv(...)`
            # prints; a warning R prints first on the same stream (an invalid R_NSIZE, say) breaks its parse
            raise RuntimeError("R did not start: rpy2 could not read R's start-up environment from Rscript's "
                               f"output ({e}){_startup_warnings()}") from None
        from ._hooks import _fix_library_path  # noqa: PLC0415

        _fix_library_path()
        self._ns = None

    # -- evaluation ------------------------------------------------------------------------------------------

    def _torch_ns(self) -> Any:
        if self._ns is None:
            self._ns = self._ri.evalr('loadNamespace("torch")')
        return self._ns

    def _call(self, fname: str, *args: Any) -> Any:
        if threading.get_ident() != self._thread:
            raise RuntimeError("R can only be called from the thread that started it (R is single-threaded): "
                               f"this session belongs to thread {self._thread}, not {threading.get_ident()}")
        fn = self._torch_ns().find(fname)
        return fn(*args)

    def start_bridge(self, tune_gc: bool = False) -> None:
        """Loads the shim and starts the bridge now (otherwise the first tensor op does). With ``tune_gc``,
        sets Python's cyclic collector for R-driven work (see ``_hooks.tune_gc``): for programs that are
        only R, such as ``rtorch run``."""
        self.eval("invisible(torch::torch_ones(1)); NULL")
        if tune_gc:
            from ._hooks import tune_gc as _tune  # noqa: PLC0415

            _tune()

    def run_file(self, path: str | os.PathLike) -> int:
        """Runs an R script as Rscript does; returns the exit status (0, 1 after an error, 130 on Ctrl-C).
        Errors and warnings are printed by R, in R's words. An R Markdown file runs its code chunks in
        order (extracted with knitr::purl)."""
        if str(path).lower().endswith(".rmd"):
            import tempfile  # noqa: PLC0415

            with tempfile.TemporaryDirectory() as tmp:
                script = str(Path(tmp) / (Path(path).stem + ".R"))
                code = (f"invisible(knitr::purl({_r_string(str(path))}, output = {_r_string(script)}, "
                        "quiet = TRUE, documentation = 0))")
                if self.run_code(code) != 0:
                    return 1
                return self.run_file(script)
        status = self._call(".rt_run_file", self._ri.StrSexpVector([str(path)]))[0]
        _flush()
        return int(status)

    def run_code(self, code: str) -> int:
        """Like :meth:`run_file` for R source text."""
        exprs = self._ri.parse(code)
        status = self._call(".rt_run_exprs", exprs)[0]
        _flush()
        return int(status)

    def eval(self, code: str) -> Any:
        """Evaluates R code in the global environment and returns its value through the bridge.
        An R error raises :class:`rtorch_py.bridge.RError` with R's message."""
        from ._hooks import RError  # noqa: PLC0415
        from .rsemantics import handoff_take  # noqa: PLC0415

        res = self._call(".rt_host_eval", self._ri.StrSexpVector([code]))
        ok, payload = res[0][0], res[1][0]
        if not ok:
            raise RError(payload)
        return handoff_take(payload)

    def get(self, name: str) -> Any:
        """The value of an R variable in the global environment."""
        from .rsemantics import handoff_take  # noqa: PLC0415

        return handoff_take(self._call(".rt_host_get", self._ri.StrSexpVector([name]))[0])

    def assign(self, name: str, value: Any) -> None:
        """Binds ``name`` in R's global environment to ``value`` (tensors stay the same objects)."""
        from .rsemantics import handoff_put  # noqa: PLC0415

        key = handoff_put(value)
        self._call(".rt_host_assign", self._ri.StrSexpVector([name]), self._ri.IntSexpVector([key]))

    def knit(self, input_path: str | os.PathLike, output_path: str | os.PathLike | None = None) -> str:
        """Renders R Markdown to Markdown with knitr (outputs as ``## `` blocks); returns the output path."""
        out = str(output_path) if output_path else str(Path(input_path).with_suffix(".md"))
        code = f"invisible(torch:::.rt_knit({_r_string(str(input_path))}, {_r_string(out)}))"
        if self.run_code(code) != 0:
            from ._hooks import RError  # noqa: PLC0415

            raise RError(f"knitting {input_path} failed")
        return out


def _write_stdout(s: str) -> None:
    sys.stdout.write(s)


def _write_stderr(s: str) -> None:
    sys.stderr.write(s)


def _flush() -> None:
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except (OSError, ValueError):
            pass


def _startup_warnings() -> str:
    """What R's start-up prints to stdout before any code runs (its warnings about the environment), as the
    end of an error message: ``: <lines>`` or ``''``."""
    from rpy2.rinterface_lib import openrlib  # noqa: PLC0415

    rscript = os.path.join(openrlib.R_HOME or "", "bin", "Rscript")
    try:
        out = subprocess.run([rscript, "-e", "invisible(0)"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = list(dict.fromkeys(line.strip() for line in out.splitlines() if line.strip()))
    return f": R printed {'; '.join(lines)!r} (fix or unset the variable it names)" if lines else ""


def r_session(**kwargs: Any) -> RSession:
    """The process's embedded R session, started on first use."""
    global _SESSION
    with _LOCK:
        if _SESSION is None:
            _SESSION = RSession(**kwargs)
        return _SESSION
