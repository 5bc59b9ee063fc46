"""The docstring examples of the R-named API modules (and of the core's tensor) run and print what they show."""

from __future__ import annotations

import importlib

import pytest
from doc_examples import run_examples

MODULES = ["functions", "creation", "dtypes", "autograd_api", "tensor_methods", "_core.tensor", "_core.ops",
           "_core.dtype", "_core.fma", "_r6", "_check", "distributions", "distributions.constraints",
           "distributions.distribution", "distributions.univariate", "distributions.multivariate", "_core.distr_ops",
           "special", "functions_stats", "functions_index", "functions_shape", "dtype_info", "functions_nn",
           "unsupported"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    result = run_examples(importlib.import_module(f"rtorch_py.{name}"))
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in rtorch_py.{name}"
