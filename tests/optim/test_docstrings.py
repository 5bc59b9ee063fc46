"""The docstring examples of rtorch_py.optim run and print what they show."""

from __future__ import annotations

import importlib

import pytest
from doc_examples import run_examples

MODULES = ["optimizer", "adam", "sgd", "adaptive", "lbfgs", "lr_scheduler", "_kernels"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    result = run_examples(importlib.import_module(f"rtorch_py.optim.{name}"))
    assert result.failed == 0 and result.attempted > 0
