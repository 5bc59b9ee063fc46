"""The docstring examples of the linear-algebra API run and print what they show."""

from __future__ import annotations

from doc_examples import run_examples

import rtorch_py.linalg


def test_linalg_examples() -> None:
    result = run_examples(rtorch_py.linalg)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in rtorch_py.linalg"
