"""The piecewise activations at their special points (NaN, +-inf, signed zero, kinks, thresholds) against PyTorch
(tests/fixtures/nn_activation_special.json, tools/make_activation_special_fixtures.py): libtorch's branch tests
decide which value and which gradient such a point gets (``x <= threshold ? value : x`` passes a NaN through,
relu keeps -0.0 and passes a NaN's gradient, log-sigmoid's gradient at 0 is 1/2, hardswish's at -3 is 0).
Points where libtorch's vectorized and scalar kernels disagree are not asserted (the fixture marks them)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import rtorch_py as rt

CASES = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "nn_activation_special.json").read_text())
CASES = CASES["cases"]


def _same(got: np.ndarray, want: np.ndarray, asserted: list, what: str) -> None:
    # NaN where PyTorch has NaN, infinities and zeros (with their sign) exactly, the rest to float32 rounding
    # (a few ulp: libtorch's vectorized exp in the elu family's gradients, celu's x / alpha amplified by exp)
    keep = np.array(asserted)
    assert keep.sum() >= len(keep) - 3, f"{what}: the fixture asserts too few points"
    got, want = got[keep], want[keep]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=f"{what}: NaN positions")
    exact = ~np.isnan(want) & (~np.isfinite(want) | (want == 0))
    np.testing.assert_array_equal(got[exact], want[exact], err_msg=what)
    np.testing.assert_array_equal(np.signbit(got[exact]), np.signbit(want[exact]), err_msg=f"{what}: sign")
    close = np.isfinite(want) & (want != 0)
    np.testing.assert_allclose(got[close], want[close], rtol=1e-5, atol=0, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['call']}{c['args']}" for c in CASES])
def test_special_points_match_pytorch(case: dict) -> None:
    x = rt.torch_tensor(np.array([float(v) for v in case["x"]], dtype=np.float32), requires_grad=True)
    y = getattr(rt, case["call"])(x, *case["args"])
    y.backward(rt.torch_ones_like(y))
    want_y = np.array([float(v) for v in case["y"]], dtype=np.float32)
    want_g = np.array([float(v) for v in case["grad"]], dtype=np.float32)
    _same(y._data, want_y, case["y_agree"], f"{case['call']}{case['args']}: value")
    _same(x.grad._data, want_g, case["grad_agree"], f"{case['call']}{case['args']}: gradient")
