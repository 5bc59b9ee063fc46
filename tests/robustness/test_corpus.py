"""The bad-input corpus and the memory loops of issue 10, in both hosting modes, as users run them:
``rtorch run`` (Python hosts R) and ``Rscript`` (R hosts Python), each in a subprocess with a time limit, so
that a crash or a hang fails the test (with the case it happened in) instead of the suite."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bridge"))
from rbridge_util import ROOT, require_r, run  # noqa: E402

HERE = Path(__file__).resolve().parent
MODES = {
    "rtorch_run": lambda script: [sys.executable, "-m", "rtorch_py", "run", str(script)],
    "Rscript": lambda script: ["Rscript", str(script)],
}


@pytest.fixture(scope="module")
def env():
    require_r()
    import os  # noqa: PLC0415

    e = dict(os.environ)
    rlib = str(ROOT / ".rlib")
    e["R_LIBS"] = rlib + (":" + e["R_LIBS"] if e.get("R_LIBS") else "")
    e["RTORCH_PYTHON"] = sys.executable
    e["RETICULATE_PYTHON"] = sys.executable
    return e


def _last_started(out: str) -> str:
    started = [ln.split("\t", 1)[1] for ln in out.splitlines() if ln.startswith("START\t")]
    return started[-1] if started else "(none)"


@pytest.mark.parametrize("mode", sorted(MODES))
def test_corpus(mode, env):
    proc = run(MODES[mode](HERE / "run_corpus.R"), env=env, timeout=600)
    out = proc.stdout
    fails = [ln for ln in out.splitlines() if ln.startswith("RESULT\t") and "\tFAIL" in ln]
    summary = [ln for ln in out.splitlines() if ln.startswith("SUMMARY\t")]
    assert summary, (f"{mode}: the corpus did not finish (crash?) in case {_last_started(out)!r}\n"
                     f"{proc.stderr[-3000:]}")
    assert not fails, f"{mode}: " + "\n".join(fails)
    assert proc.returncode == 0, proc.stderr[-3000:]
    n = int(summary[0].split("\t")[1].split()[0])
    assert n >= 300, summary


@pytest.mark.parametrize("mode", sorted(MODES))
def test_memory_loops_stay_flat(mode, env):
    proc = run(MODES[mode](HERE / "memory_loops.R"), env=env, timeout=600)
    loops = [ln for ln in proc.stdout.splitlines() if ln.startswith("LOOP\t")]
    assert len(loops) >= 8, proc.stdout + proc.stderr[-3000:]
    bad = [ln for ln in loops if not ln.endswith("\tok")]
    assert not bad, f"{mode}: " + "\n".join(bad)
    assert proc.returncode == 0, proc.stderr[-3000:]
