"""`make docs`: pdoc builds the API reference from the docstrings without a warning, with the conventions page
(docs/conventions.md) on the package's page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_api_reference_builds_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("pdoc")  # the `dev` extra (make setup installs it)
    proc = subprocess.run([sys.executable, "-W", "error::UserWarning", "-m", "pdoc", "--docformat", "google",
                           "-o", str(tmp_path), "rtorch_py", "!rtorch_py.bridge"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0 and "Warn" not in proc.stderr, proc.stderr[-3000:]
    index = (tmp_path / "rtorch_py.html").read_text()
    assert "R and Python conventions" in index and "subscripts are Python" in index
    nn = (tmp_path / "rtorch_py" / "nn.html").read_text()
    assert "nn_linear" in nn and "in_features" in nn
