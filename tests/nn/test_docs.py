"""The docstring examples of the nn modules run and print what they say."""

from __future__ import annotations

import importlib

import pytest
from doc_examples import run_examples

MODULES = ["module", "init", "functional", "functional_conv", "linear", "activation", "conv", "pooling", "dropout",
           "normalization", "embedding", "rnn", "utils"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = run_examples(importlib.import_module(f"rtorch_py.nn.{name}"))
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in rtorch_py.nn.{name}"
