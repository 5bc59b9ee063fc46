"""The docstring examples of the nn modules run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

import rtorch_py

MODULES = ["module", "init", "functional", "functional_conv", "linear", "activation", "conv", "pooling", "dropout",
           "normalization", "embedding", "rnn", "utils"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    mod = importlib.import_module(f"rtorch_py.nn.{name}")
    globs = {n: getattr(rtorch_py, n) for n in rtorch_py.__all__} if hasattr(rtorch_py, "__all__") else {}
    globs.update({n: getattr(rtorch_py, n) for n in dir(rtorch_py) if not n.startswith("_")})
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(mod, name, globs=globs):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in rtorch_py.nn.{name}"
