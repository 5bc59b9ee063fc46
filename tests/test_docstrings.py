"""The docstring examples of the R-named API modules (and of the core's tensor) run and print what they show."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import rtorch_py

MODULES = ["functions", "creation", "dtypes", "autograd_api", "tensor_methods", "_core.tensor", "_core.ops",
           "_core.dtype"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(f"rtorch_py.{name}")
    public = {k: v for k, v in vars(rtorch_py).items() if not k.startswith("_")}
    globs = {**vars(module), **public, "np": np}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for t in doctest.DocTestFinder().find(module, globs=globs):
        runner.run(t)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in rtorch_py.{name}"
