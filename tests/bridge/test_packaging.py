"""Packaging: a wheel built from this checkout, installed into a fresh venv, installs the shim with
`rtorch install-r` and runs the seed tutorial through `rtorch run` (slow: minutes); the shim's configure
finds a Python with rtorch_py by itself or says what to set; install-r never replaces R torch silently."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rbridge_util import require_r

from rtorch_py import install

ROOT = Path(__file__).resolve().parents[2]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("R_LIBS", "RTORCH_PYTHON", "RTORCH_RLIB", "RETICULATE_PYTHON", "VIRTUAL_ENV", "PY")}
    env.update(extra)
    return env


@pytest.mark.slow
def test_wheel_installs_the_whole_product(tmp_path: Path) -> None:
    require_r()
    src = tmp_path / "src"  # build from a copy: nothing is written into the checkout
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", ".rlib", "build", "*.egg-info", ".git",
                                                             "__pycache__", "*.o", "*.so", "Makevars"))
    run = lambda cmd, **kw: subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kw)  # noqa: E731
    proc = run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp_path / "dist"), str(src)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "DeprecationWarning" not in proc.stdout + proc.stderr  # e.g. setuptools' on a non-SPDX license
    (wheel,) = (tmp_path / "dist").glob("rtorch_py-*.whl")
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info/METADATA").decode()
        assert "License-Expression: MIT" in meta.splitlines()
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)]).returncode == 0
    py = venv / "bin" / "python"
    proc = run([str(py), "-m", "pip", "install", "-q", f"{wheel}[r]"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    rtorch = str(venv / "bin" / "rtorch")
    lib = tmp_path / "Rlib"
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    proc = run([rtorch, "install-r", "--lib", str(lib)], env=_clean_env(), cwd=elsewhere)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert f"export R_LIBS={lib}${{R_LIBS:+:$R_LIBS}}" in proc.stdout.splitlines()
    assert install.is_shim(lib / "torch")
    # the tutorial unchanged, after one chunk that seeds torch: the tutorial sets no seed, and an unseeded run's
    # last loss is not always below half its first
    seeded = tmp_path / "seeded.Rmd"
    seeded.write_text("```{r}\ntorch::torch_manual_seed(1)\n```\n\n" +
                      (ROOT / "vignettes" / "using-torch-optimizers.Rmd").read_text())
    proc = run([rtorch, "run", str(seeded)], env=_clean_env(R_LIBS=str(lib)), cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr[-3000:]
    losses = [float(line.split()[-1]) for line in proc.stdout.splitlines() if line.startswith("Epoch:")]
    assert len(losses) == 20 and losses[-1] < losses[0] / 2  # it trained
    proc = run([rtorch, "--version"])
    assert proc.stdout.strip() == f"rtorch_py {__import__('rtorch_py').__version__}"
    assert list(elsewhere.iterdir()) == []


def test_install_r_refuses_r_torch(tmp_path: Path) -> None:
    require_r()
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "DESCRIPTION").write_text("Package: torch\nVersion: 0.13.0\n")
    with pytest.raises(RuntimeError, match="holds R torch .* pass --force"):
        install.install_r(tmp_path)
    assert not install.is_shim(tmp_path / "torch")


def _configure(tmp_path: Path, venv_python: bool, path: str) -> subprocess.CompletedProcess:
    pkg = tmp_path / "checkout" / "r_shim"
    shutil.copytree(ROOT / "r_shim", pkg, ignore=shutil.ignore_patterns("*.o", "*.so", "Makevars", "man", "tests"))
    if venv_python:
        (tmp_path / "checkout" / ".venv" / "bin").mkdir(parents=True)
        # a stand-in for the checkout's venv python (a symlink would lose this venv's site-packages)
        fake = tmp_path / "checkout" / ".venv" / "bin" / "python"
        fake.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
        fake.chmod(0o755)
    return subprocess.run(["sh", "configure"], cwd=pkg, capture_output=True, text=True, timeout=120,
                          env=_clean_env(PATH=path))


def test_configure_finds_the_checkouts_venv(tmp_path: Path) -> None:
    proc = _configure(tmp_path, True, "/usr/bin:/bin")
    assert proc.returncode == 0, proc.stderr
    makevars = (tmp_path / "checkout" / "r_shim" / "src" / "Makevars").read_text()
    assert f"for {sys.executable}\n" in makevars  # no python3 on that PATH has rtorch_py: the venv was found


def test_configure_says_what_to_set(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = _configure(tmp_path, False, f"{empty}:/bin")
    assert proc.returncode != 0
    assert "no Python with rtorch_py found" in proc.stderr and "RTORCH_PYTHON=" in proc.stderr
