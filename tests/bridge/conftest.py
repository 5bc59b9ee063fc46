"""Fixtures for the R bridge tests: one embedded R per pytest process (R cannot restart).

Without R, rpy2 or the installed shim these tests skip locally and FAIL in CI (CI=true).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from rbridge_util import RLIB, missing, require_r  # noqa: E402

# The shim's test entry points (rtorch_py/bridge/testing.py) join the dispatch only in test runs: Rscript and
# `rtorch run` subprocesses inherit this; the embedded R of this process gets them from the `r` fixture.
os.environ["RTORCH_TEST_HOOKS"] = "1"


@pytest.fixture(scope="session")
def r_env() -> dict[str, str]:
    """The environment Rscript needs (as `make -s r-env` prints it)."""
    require_r()
    env = dict(os.environ)
    env["R_LIBS"] = str(RLIB) + (":" + env["R_LIBS"] if env.get("R_LIBS") else "")
    env["RTORCH_PYTHON"] = sys.executable
    env["RETICULATE_PYTHON"] = sys.executable
    return env


@pytest.fixture(scope="session")
def r():
    """The embedded R session (Python hosts R through rpy2)."""
    require_r()
    try:
        import rpy2  # noqa: F401
    except ImportError:
        missing("rpy2 (pip install rpy2==3.5.17)")
    from rtorch_py.bridge import r_session, testing

    testing.register()
    session = r_session()
    session.eval("suppressPackageStartupMessages(library(torch)); NULL")
    return session


@pytest.fixture
def clean_r(r):
    """The session, with its global environment emptied afterwards."""
    yield r
    r.eval("rm(list = ls(globalenv(), all.names = TRUE), envir = globalenv()); NULL")
