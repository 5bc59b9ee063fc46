"""Initialisers against PyTorch (same seed: same values, and the generator ends in the same place), the gain
table, and gradient clipping."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

import rtorch_py as rt

sys.path.insert(0, str(Path(__file__).parent))
from nn_cases import dec, load  # noqa: E402

DATA = load("nn_init.json")
INIT = DATA["init"]["cases"]


@pytest.mark.parametrize("case", INIT, ids=[f"{c['call']}-{i}" for i, c in enumerate(INIT)])
def test_initialiser_matches_pytorch(case: dict) -> None:
    rt.torch_manual_seed(case["seed"])
    t = rt.torch_empty(*case["shape"])
    out = getattr(rt, case["call"])(t, *case["args"], **case["kwargs"])
    assert out is t  # in place, returns the tensor
    want = dec(case["value"])
    if case["exact"]:
        np.testing.assert_array_equal(t._data, want)
    else:  # LAPACK's QR / libm's erf may differ in the last bits
        np.testing.assert_allclose(t._data, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(rt.torch_rand(3)._data, dec(case["after"]))


def test_calculate_gain() -> None:
    for key, want in DATA["init"]["gains"].items():
        nl, p = key.split(":")
        assert rt.nn_init_calculate_gain(nl, None if p == "None" else float(p)) == pytest.approx(want, rel=1e-15)
    with pytest.raises(ValueError, match="unsupported nonlinearity 'foo'"):
        rt.nn_init_calculate_gain("foo")


def test_initialiser_errors() -> None:
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        rt.nn_init_xavier_uniform_(rt.torch_empty(3))
    with pytest.raises(ValueError, match="mode 'fan_both' not supported"):
        rt.nn_init_kaiming_uniform_(rt.torch_empty(3, 3), mode="fan_both")
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        rt.nn_init_eye_(rt.torch_empty(2, 2, 2))
    with pytest.raises(TypeError, match="nn_init_normal_: argument 'tensor' must be a torch_tensor"):
        rt.nn_init_normal_(np.zeros(3))


def test_initialiser_on_parameter_keeps_leaf_and_bumps_version() -> None:
    w = rt.nn_linear(3, 2).weight
    v = w._version[0]
    rt.nn_init_zeros_(w)
    assert w.is_leaf and w.requires_grad and w._version[0] == v + 1
    assert not w._data.any()


@pytest.mark.parametrize("case", DATA["clip"], ids=lambda c: f"norm{c['norm_type']}")
def test_clip_grad_norm(case: dict) -> None:
    norm_type = math.inf if case["norm_type"] == "Inf" else case["norm_type"]
    ps = []
    for g in case["grads"]:
        p = rt.torch_zeros(*dec(g).shape, requires_grad=True)
        p.grad = rt.torch_tensor(dec(g))
        ps.append(p)
    total = rt.nn_utils_clip_grad_norm_(ps, case["max_norm"], norm_type)
    assert total.item() == pytest.approx(case["total"], rel=1e-5)
    for p, want in zip(ps, case["clipped"]):
        np.testing.assert_allclose(p.grad._data, dec(want), rtol=1e-5, atol=1e-7)


def test_clip_grad_value_and_parameter_containers() -> None:
    m = rt.nn_linear(3, 2)
    m(rt.torch_ones(4, 3) * 10).sum().backward()
    rt.nn_utils_clip_grad_value_(m.parameters, 0.5)  # a named list (dict) of parameters
    for p in m.parameters.values():
        assert np.abs(p.grad._data).max() <= 0.5
    assert rt.nn_utils_clip_grad_norm_(rt.torch_zeros(2, requires_grad=True), 1.0).item() == 0.0
    with pytest.raises(RuntimeError, match="non-finite"):
        p = rt.torch_zeros(2, requires_grad=True)
        p.grad = rt.torch_tensor([float("inf"), 1.0])
        rt.nn_utils_clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
