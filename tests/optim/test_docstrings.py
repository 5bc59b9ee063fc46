"""The docstring examples of rtorch_py.optim run and print what they show."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import rtorch_py

MODULES = ["optimizer", "adam", "sgd", "adaptive", "lbfgs", "lr_scheduler", "_r6", "_kernels"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(f"rtorch_py.optim.{name}")
    public = {k: v for k, v in vars(rtorch_py).items() if not k.startswith("_")}
    globs = {**vars(module), **public, "np": np}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = doctest.DocTestFinder().find(module, globs=globs)
    assert tests
    for t in tests:
        runner.run(t)
    result = runner.summarize(verbose=False)
    assert result.failed == 0 and result.attempted > 0
