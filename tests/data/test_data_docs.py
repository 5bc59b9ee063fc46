"""The docstring examples of rtorch_py.data run and print what they show."""

from __future__ import annotations

import importlib

import pytest
from doc_examples import run_examples

MODULES = ["data", "data.dataset", "data.sampler", "data.collate", "data.dataloader", "data._workers",
           "data.progress"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    result = run_examples(importlib.import_module(f"rtorch_py.{name}"))
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in rtorch_py.{name}"
