"""Conformance scripts (tests/conformance/*.R): R torch code covering ../shared/reference/r-torch-api.md,
each run through the shim twice, with Python hosting R (this process's rpy2 R) and with R hosting Python
(Rscript). A script emits ``@@<TAB>name<TAB>JSON`` lines (tests/conformance/emit.R); every value must equal the
same computation written here with the Python API: exactly (values, dtypes, shapes, R types, printed text,
error messages), random streams lined up by ``torch_manual_seed``. Where R semantics have no Python
counterpart (R's own messages, visibility) the expectation is written out; where a convention could slip on
both sides alike (1-based indices), it is also checked against numpy.

The expectations of a script are beside it: tests/conformance/<script>.py's ``expect()``, one entry per emitted
name, in the script's order (values encoded with tests/conformance/conformance_util.py).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rbridge_util import ROOT, run

CONF = ROOT / "tests" / "conformance"
EMIT = CONF / "emit.R"
sys.path.insert(0, str(CONF))  # the expectation files import conformance_util

# -- running the scripts ---------------------------------------------------------------------------------------------

def parse(out: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for line in out.splitlines():
        if line.startswith("@@\t"):
            _, name, payload = line.split("\t", 2)
            assert name not in results, f"{name} emitted twice"
            results[name] = json.loads(payload)
    return results


def compare(got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Every emitted value equals its expectation (all differences reported at once)."""
    problems = [f"{k}: emitted by R but not expected" for k in got if k not in expected]
    problems += [f"{k}: expected but not emitted" for k in expected if k not in got]
    for k, v in expected.items():
        if k in got and got[k] != v:
            problems.append(f"{k}:\n    R:      {json.dumps(got[k])[:1500]}\n    Python: {json.dumps(v)[:1500]}")
    assert not problems, "\n".join(problems)


def run_in_session(r: Any, script: Path) -> str:
    """The script through the process's embedded R (rpy2): its standard output."""
    import os
    import warnings

    from rtorch_py.bridge._hooks import install_warning_hook

    os.environ["RTORCH_CONFORMANCE_EMIT"] = str(EMIT)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), warnings.catch_warnings():
        warnings.simplefilter("always")
        install_warning_hook()  # pytest records warnings its own way; R must see these ones
        status = r.run_file(script)
    assert status == 0, f"{script.name} failed under rpy2:\n{buf.getvalue()[-3000:]}"
    return buf.getvalue()


def run_with_rscript(env: dict[str, str], script: Path) -> str:
    proc = run(["Rscript", str(script)], env={**env, "RTORCH_CONFORMANCE_EMIT": str(EMIT)})
    assert proc.returncode == 0, f"{script.name} failed under Rscript:\n{proc.stderr[-3000:]}"
    return proc.stdout


# ================================================================================================================
# the tests
# ================================================================================================================

def _expectations(script: str) -> Callable[[], dict[str, Any]]:
    spec = importlib.util.spec_from_file_location(f"conformance_{script}", CONF / f"{script}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.expect


SCRIPTS = sorted(p.stem for p in CONF.glob("*.R") if p.name != "emit.R")
EXPECT: dict[str, Callable[[], dict[str, Any]]] = {
    s: _expectations(s) for s in SCRIPTS if (CONF / f"{s}.py").exists()
}
# the scripts Rscript runs too (R hosting Python): each costs an R and a Python start (~1 s), so all of them
RSCRIPT = SCRIPTS


def test_every_script_has_expectations():
    assert SCRIPTS and sorted(EXPECT) == SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_under_rpy2(clean_r, script):
    got = parse(run_in_session(clean_r, CONF / f"{script}.R"))
    compare(got, EXPECT[script]())


@pytest.mark.parametrize("script", RSCRIPT)
def test_script_under_rscript(r_env, script):
    got = parse(run_with_rscript(r_env, CONF / f"{script}.R"))
    compare(got, EXPECT[script]())


if __name__ == "__main__":  # pragma: no cover - print one script's expectations: python test_conformance.py NAME
    for k, v in EXPECT[sys.argv[1]]().items():
        print(k, json.dumps(v))
