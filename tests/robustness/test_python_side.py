"""Issue 10's Python-side items: grad mode per thread, R refused from other threads, deepcopy/pickle of
tensors as PyTorch allows them, as_array never a writable view of a tensor in the graph, and R values that
cannot cross (NUL in strings, allocation failures) failing cleanly in both hosting modes."""

from __future__ import annotations

import copy
import pickle
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import rtorch_py as T
from rtorch_py._core import autograd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bridge"))
from rbridge_util import ROOT, require_r, run  # noqa: E402


def test_grad_mode_is_per_thread():
    seen = {}
    go = threading.Event()
    done = threading.Event()

    def trainer():
        seen["start"] = autograd.is_grad_enabled()
        go.wait(5)
        x = T.torch_ones(2, requires_grad=True)
        seen["records"] = (x * 2).requires_grad
        done.set()

    th = threading.Thread(target=trainer)
    th.start()
    with autograd.no_grad():  # the main thread evaluates meanwhile
        go.set()
        done.wait(5)
        assert not autograd.is_grad_enabled()
        assert not (T.torch_ones(2, requires_grad=True) * 2).requires_grad
    th.join()
    assert seen == {"start": True, "records": True}
    assert autograd.is_grad_enabled()


def test_set_grad_enabled_in_a_thread_leaves_others_alone():
    def off():
        autograd.set_grad_enabled(False)
        assert not autograd.is_grad_enabled()

    th = threading.Thread(target=off)
    th.start()
    th.join()
    assert autograd.is_grad_enabled()


def test_deepcopy_of_a_leaf_copies_values_and_requires_grad():
    x = T.torch_tensor([1.0, 2.0], requires_grad=True)
    y = copy.deepcopy(x)
    assert y is not x and y.requires_grad and y.is_leaf
    y._data[0] = 5.0
    assert x._data[0] == 1.0


def test_deepcopy_and_pickle_of_a_non_leaf_are_refused():
    x = T.torch_tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(y)
    with pytest.raises(RuntimeError, match="graph leaves"):
        pickle.dumps(y)


def test_deepcopy_keeps_views_of_their_base():
    base = T.torch_tensor([1.0, 2.0, 3.0, 4.0])
    view = base[1:3]
    b2, v2 = copy.deepcopy([base, view])
    v2[0] = 100.0  # through the copied view ...
    np.testing.assert_array_equal(b2._data, [1.0, 100.0, 3.0, 4.0])  # ... into the copied base
    np.testing.assert_array_equal(base._data, [1.0, 2.0, 3.0, 4.0])
    assert v2._base is b2


def test_pickle_round_trip_of_a_leaf():
    x = T.torch_tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    z = pickle.loads(pickle.dumps(x))
    assert z.requires_grad and z.dtype == x.dtype
    np.testing.assert_array_equal(z._data, x._data)


def test_as_array_of_a_tensor_requiring_grad_is_read_only():
    x = T.torch_tensor([1.0, 2.0], requires_grad=True)
    a = T.as_array(x)
    with pytest.raises(ValueError, match="read-only"):
        a[0] = 3.0
    assert x._data[0] == 1.0
    b = T.as_array(T.torch_tensor([1.0, 2.0]))
    b[0] = 3.0  # a tensor outside the graph shares its storage, as before


def test_r_session_refuses_other_threads(r):
    out = {}

    def call():
        try:
            r.eval("1 + 1")
        except RuntimeError as e:
            out["err"] = str(e)

    th = threading.Thread(target=call)
    th.start()
    th.join()
    assert "thread" in out["err"]
    assert r.eval("1 + 1") == 2  # still usable from its own thread


def test_r_function_called_from_another_thread_is_refused(r):
    f = r.eval("function() 42")
    out = {}

    def call():
        try:
            f()
        except RuntimeError as e:
            out["err"] = str(e)

    th = threading.Thread(target=call)
    th.start()
    th.join()
    assert "main thread" in out["err"]
    assert f() == 42


def test_assigning_a_string_with_nul_fails_cleanly(r):
    with pytest.raises(Exception, match="NUL"):
        r.assign("z", "a\0b")
    assert r.eval("torch::torch_ones(2)$sum()$item()") == 2.0


ALLOC = """
library(torch)
x <- torch_zeros(3e7, dtype = torch_bool())
r <- tryCatch(as_array(x), error = function(e) conditionMessage(e))
cat("caught:", r, "\\n")
for (i in 1:3) r <- tryCatch(as_array(x), error = function(e) "again")
cat("usable:", torch_ones(2)$sum()$item(), "\\n")
"""


@pytest.mark.parametrize("mode", ["rtorch_run", "Rscript"])
def test_r_allocation_failure_in_as_array_is_an_r_error(mode, tmp_path):
    require_r()
    import os  # noqa: PLC0415

    env = dict(os.environ, R_MAX_VSIZE="100M", RTORCH_PYTHON=sys.executable,
               R_LIBS=str(ROOT / ".rlib") + (":" + os.environ["R_LIBS"] if os.environ.get("R_LIBS") else ""))
    script = tmp_path / "alloc.R"
    script.write_text(ALLOC)
    cmd = ([sys.executable, "-m", "rtorch_py", "run", str(script)] if mode == "rtorch_run"
           else ["Rscript", str(script)])
    proc = run(cmd, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "caught: cannot allocate" in proc.stdout or "caught: vector memory" in proc.stdout, proc.stdout
    assert "usable: 2" in proc.stdout
