"""``rtorch install-r``: builds the R shim (an R package named ``torch``) for this Python and installs it into a
private R library, so that ``rtorch run`` and plain ``Rscript`` (with ``R_LIBS`` set) find it.

The shim's sources ship inside the wheel (``rtorch_py/r_shim``); in a checkout they are ``<root>/r_shim``.
The shim is configured for the Python that runs the installer (its path is compiled in), so the default library
lives under that Python's prefix. The shim is named ``torch`` like R torch; it is never installed over a real
R torch without ``force``.

Example:
    >>> shim_source().joinpath("DESCRIPTION").is_file()
    True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

__all__ = ["default_library", "find_shim", "install_r", "is_shim", "shim_source"]

_MARK = "Config/rtorch_py/shim"  # a DESCRIPTION field only the shim has (R torch's DESCRIPTION lacks it)


def shim_source() -> Path:
    """The shim's R package sources: in the installed package, else in the checkout this module comes from."""
    here = Path(__file__).resolve().parent
    for cand in (here / "r_shim", here.parent / "r_shim"):
        if (cand / "DESCRIPTION").is_file():
            return cand
    raise FileNotFoundError(f"the R shim's sources are missing (looked in {here / 'r_shim'} and "
                            f"{here.parent / 'r_shim'}): reinstall rtorch_py from its wheel or sdist")


def default_library() -> Path:
    """Where ``rtorch install-r`` installs by default: a private library of this Python (its prefix)."""
    return Path(sys.prefix) / "share" / "rtorch" / "R-library"


def is_shim(pkg_dir: str | os.PathLike) -> bool:
    """True when ``pkg_dir`` (an installed R package ``torch``) is this shim, not R torch."""
    desc = Path(pkg_dir) / "DESCRIPTION"
    try:
        return any(line.startswith(_MARK + ":") for line in desc.read_text(errors="replace").splitlines())
    except OSError:
        return False


def find_shim() -> str | None:
    """The R library holding the shim that ``rtorch run`` uses: ``RTORCH_RLIB``; the checkout's ``.rlib``;
    the default library of :func:`default_library`; or an entry of ``R_LIBS`` holding the shim."""
    env = os.environ.get("RTORCH_RLIB")
    if env:
        return env
    cands = [Path(__file__).resolve().parents[1] / ".rlib", default_library()]
    cands += [Path(p) for p in os.environ.get("R_LIBS", "").split(":") if p]
    for lib in cands:
        if is_shim(lib / "torch"):
            return str(lib)
    return None


def _r_lib_paths(rscript: str) -> list[str]:
    out = subprocess.run([rscript, "--vanilla", "-e", "cat(.libPaths(), sep = '\\n')"], capture_output=True,
                         text=True, env={k: v for k, v in os.environ.items() if k != "R_LIBS"}, check=False)
    return [line for line in out.stdout.splitlines() if line]


def _has_package(rscript: str, name: str, lib: Path) -> bool:
    code = f"quit(status = if (nzchar(system.file(package = '{name}', lib.loc = c('{lib}', .libPaths())))) 0 else 1)"
    return subprocess.run([rscript, "--vanilla", "-e", code], capture_output=True, check=False).returncode == 0


def _install(src: Path, lib: Path, log: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / src.name
        # a clean copy: build outputs of a checkout (objects, Makevars for another Python) stay behind
        shutil.copytree(src, work, ignore=shutil.ignore_patterns("*.o", "*.so", "Makevars", "coro"))
        env = dict(os.environ, RTORCH_PYTHON=sys.executable)
        cmd = ["R", "CMD", "INSTALL", "--no-test-load", "--no-multiarch", "-l", str(lib), str(work)]
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        log.append(res.stdout + res.stderr)
        if res.returncode != 0:
            raise RuntimeError(f"R CMD INSTALL {src.name} failed:\n{res.stdout}{res.stderr}")


def install_r(lib: str | os.PathLike | None = None, force: bool = False, quiet: bool = False) -> Path:
    """Builds the shim for this Python and installs it into ``lib`` (default :func:`default_library`).

    Refuses a library that holds R torch (the shim is also named ``torch``) unless ``force``; warns when R torch
    is elsewhere on R's library path (the first library on ``R_LIBS`` wins). Also installs the shim's minimal
    ``coro`` when its sources ship and R has no coro. Returns the library.
    """
    rscript = shutil.which("Rscript")
    if not rscript or not shutil.which("R"):
        raise RuntimeError("R is not installed (no R/Rscript on PATH): install R >= 4.2 (e.g. apt-get install "
                           "r-base-core r-base-dev), then run `rtorch install-r` again")
    src = shim_source()
    target = Path(lib or default_library()).expanduser().resolve()
    existing = target / "torch"
    if existing.exists() and not is_shim(existing):
        if not force:
            raise RuntimeError(f"{target} holds R torch (an R package named `torch`); the shim has the same name "
                               "and would replace it. Choose another library with --lib, or pass --force to "
                               "replace R torch there")
        warnings.warn(f"replacing R torch in {target} with the rtorch_py shim (--force)", stacklevel=2)
    for other in _r_lib_paths(rscript):
        pkg = Path(other) / "torch"
        if Path(other).resolve() != target and pkg.is_dir() and not is_shim(pkg):
            warnings.warn(f"R torch is installed in {other}: it is also named `torch`, so R loads whichever "
                          f"comes first on its library path; put {target} first (the export line below) to get "
                          "the rtorch_py shim", stacklevel=2)
    target.mkdir(parents=True, exist_ok=True)
    log: list[str] = []
    _install(src, target, log)
    coro = src / "coro"
    if (coro / "DESCRIPTION").is_file() and not _has_package(rscript, "coro", target):
        _install(coro, target, log)
    if not quiet:
        print(f"installed the R shim (package `torch` for {sys.executable}) into {target}")
        print("to use it from Rscript, run:")
        print(f"export R_LIBS={target}${{R_LIBS:+:$R_LIBS}}")
    return target
