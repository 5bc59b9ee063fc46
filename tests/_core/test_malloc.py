"""glibc malloc tuning at import: applied on Linux/glibc, skipped when RTORCH_MALLOPT=0."""

import subprocess
import sys

from rtorch_py._core import malloc


def test_tune_malloc_applies_on_glibc_and_respects_the_opt_out(monkeypatch):
    if sys.platform.startswith("linux"):
        assert malloc.tune_malloc() is True
    monkeypatch.setenv("RTORCH_MALLOPT", "0")
    assert malloc.tune_malloc() is False


def test_import_with_opt_out_still_works():
    code = "import rtorch_py as rt; print(rt.torch_ones(2).sum().item())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"RTORCH_MALLOPT": "0", "PATH": ""})
    assert out.stdout.strip() == "2.0"
