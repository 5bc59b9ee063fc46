"""r_shim/R/generated.R is up to date: `r_shim/tools/generate_wrappers.py --check` passes (after adding or
changing an exported R-named function, run the generator and commit generated.R)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_generated_wrappers_are_current() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "r_shim" / "tools" / "generate_wrappers.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, (
        "r_shim/R/generated.R is stale: run .venv/bin/python r_shim/tools/generate_wrappers.py and commit it\n"
        + proc.stdout[-2000:] + proc.stderr[-2000:])
