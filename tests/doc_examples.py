"""Runs a module's docstring examples with rtorch_py's public names in scope (shared by the test_doc* files)."""

from __future__ import annotations

import doctest
from types import ModuleType

import numpy as np

import rtorch_py


def run_examples(module: ModuleType) -> doctest.TestResults:
    """Run every example in ``module``'s docstrings; the names in scope: the module's own, rtorch_py's public
    ones (they win) and ``np``. Output is compared with ELLIPSIS and NORMALIZE_WHITESPACE."""
    public = {k: v for k, v in vars(rtorch_py).items() if not k.startswith("_")}
    globs = {**vars(module), **public, "np": np}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder().find(module, globs=globs):
        runner.run(test)
    return runner.summarize(verbose=False)
