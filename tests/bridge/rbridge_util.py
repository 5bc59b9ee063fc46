"""Shared helpers of the R bridge tests (conftest.py holds the fixtures)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RLIB = ROOT / ".rlib"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str) -> None:
    """Skip locally, fail in CI (CI=true): the bridge must be tested there."""
    msg = f"R bridge tests need {what} (run `make setup`)"
    if IN_CI:
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


def require_r() -> None:
    if shutil.which("Rscript") is None:
        missing("R (Rscript on the PATH)")
    if not (RLIB / "torch" / "R").is_dir():
        missing(f"the shim installed in {RLIB}")


def run(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 120,
        **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT, **kw)
