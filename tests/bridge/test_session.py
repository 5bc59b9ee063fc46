"""Python hosting R: the embedded session's API, tensors crossing both ways as the same objects."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py.bridge import RError


def test_eval_returns_bridge_values(clean_r):
    assert clean_r.eval("1.5") == 1.5
    assert clean_r.eval("2L") == 2
    assert clean_r.eval("NULL") is None
    assert clean_r.eval('c("a", "b")') == ["a", "b"]
    v = clean_r.eval("matrix(c(1, 2, 3, 4), 2)")
    assert isinstance(v, np.ndarray) and v.shape == (2, 2) and v[0, 1] == 3
    assert clean_r.eval("list(a = 1, b = 'x')") == {"a": 1.0, "b": "x"}
    shape = clean_r.eval("torch_zeros(2, 3)$shape")
    assert list(shape) == [2, 3]


def test_tensors_are_the_same_objects_both_ways(clean_r):
    t = rt.torch_randn(3)
    clean_r.assign("t", t)
    assert clean_r.get("t") is t
    clean_r.eval("t$requires_grad <- TRUE; NULL")
    assert t.requires_grad
    y = clean_r.eval("t * 2")
    assert isinstance(y, rt.Tensor)
    np.testing.assert_allclose(y.detach().numpy(), t.detach().numpy() * 2, rtol=1e-6)


def test_r_errors_raise_with_r_message(clean_r):
    with pytest.raises(RError, match="boom here"):
        clean_r.eval('stop("boom here")')
    with pytest.raises(RError, match="must match the size"):
        clean_r.eval("torch_randn(2) + torch_randn(3)")
    assert clean_r.eval("1 + 1") == 2.0  # the session goes on


def test_r_functions_are_python_callables(clean_r):
    f = clean_r.eval("function(x, k = 2) x * k")
    out = f(rt.torch_ones(2), k=3)
    assert isinstance(out, rt.Tensor)
    assert out.numpy().tolist() == [3.0, 3.0]
    g = clean_r.eval('function() stop("inside R")')
    with pytest.raises(RError, match="inside R"):
        g()


def test_finalizers_release_tensors(clean_r):
    from rtorch_py.bridge import _rnative

    clean_r.eval("x <- torch_randn(100, 1); for (i in 1:5000) y <- x * 0.2; rm(x, y); NULL")
    clean_r.eval("invisible(gc()); invisible(gc()); NULL")
    gc.collect()
    assert _rnative.stats()["pointers_live"] < 20


def test_testthat_suite_under_rpy2(r):
    """The shim's whole testthat suite, with Python hosting R."""
    from rbridge_util import ROOT

    tests = ROOT / "r_shim" / "tests" / "testthat"
    code = (f'res <- as.data.frame(testthat::test_dir("{tests}", package = "torch", load_package = "installed", '
            'stop_on_failure = FALSE, reporter = "summary")); '
            "c(failed = sum(res$failed), errors = sum(res$error), passed = sum(res$passed))")
    import warnings

    from rtorch_py.bridge._hooks import install_warning_hook

    with warnings.catch_warnings():  # pytest records warnings; R must see these ones
        install_warning_hook()
        res = r.eval(code)
    failed, errors, passed = (int(v) for v in res)
    assert failed == 0 and errors == 0, f"testthat under rpy2: {failed} failed, {errors} errors"
    assert passed > 50
