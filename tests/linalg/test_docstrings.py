"""The docstring examples of the linear-algebra, FFT and complex APIs run and print what they show."""

from __future__ import annotations

import importlib

import pytest
from doc_examples import run_examples


@pytest.mark.parametrize("name", ["linalg", "fft", "complex", "_core.linalg_ops", "_core.fft_ops",
                                  "_core.complex_ops"])
def test_examples(name: str) -> None:
    result = run_examples(importlib.import_module(f"rtorch_py.{name}"))
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in rtorch_py.{name}"
