"""CPU autocast (R torch's with_autocast / local_autocast / set_autocast): matrix products and convolutions
run in the region's dtype; gradients reach float32 leaves as float32; float64 stays; the state restores."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt


def test_products_and_convolutions_run_in_the_autocast_dtype() -> None:
    rt.torch_manual_seed(1)
    x, y = rt.torch_randn(5, 5), rt.torch_randn(5, 5)
    m = rt.nn_linear(5, 3)
    conv = rt.nn_conv2d(2, 3, 3)
    img = rt.torch_randn(1, 2, 6, 6)

    def region() -> tuple:
        z = rt.torch_mm(x, y)
        return z, rt.torch_mm(z, x), m(x), conv(img), rt.torch_matmul(x.double(), y.double())

    z, w, lin, c, dbl = rt.with_autocast(region, device_type="cpu", dtype=rt.torch_float16())
    assert [t.dtype for t in (z, w, lin, c)] == [rt.torch_float16()] * 4
    assert dbl.dtype == rt.torch_float64()  # float64 is not autocast (libtorch's is_eligible)
    # hand-derived: the product of the float16-rounded inputs, rounded to float16
    x16, y16 = x._data.astype(np.float16).astype(np.float32), y._data.astype(np.float16).astype(np.float32)
    np.testing.assert_allclose(z._data.astype(np.float32), x16 @ y16, rtol=2e-3, atol=2e-3)
    assert rt.torch_mm(x, w.float()).dtype == rt.torch_float()  # off again after the region


def test_gradients_reach_float32_leaves() -> None:
    a = rt.torch_randn(3, 4, requires_grad=True)
    b = rt.torch_randn(4, 2, requires_grad=True)
    with rt.local_autocast("cpu", dtype=rt.torch_float16()):
        out = rt.torch_mm(a, b)
    out.float().sum().backward()
    assert a.grad.dtype == rt.torch_float() and b.grad.dtype == rt.torch_float()
    np.testing.assert_allclose(a.grad._data, np.repeat(b._data.sum(1)[None], 3, 0), rtol=2e-3, atol=2e-3)


def test_state_nests_disables_and_restores() -> None:
    x = rt.torch_ones(2, 2)
    ctx = rt.set_autocast("cpu", dtype=rt.torch_float16())
    inner = rt.set_autocast("cpu", enabled=False, dtype=rt.torch_float16())
    assert rt.torch_mm(x, x).dtype == rt.torch_float()
    rt.unset_autocast(inner)
    assert rt.torch_mm(x, x).dtype == rt.torch_float16()
    rt.unset_autocast(ctx)
    assert rt.torch_mm(x, x).dtype == rt.torch_float()


def test_unsupported_devices_and_dtypes_are_clear_errors() -> None:
    with pytest.raises(RuntimeError, match="set_autocast: not supported in rtorch_py: autocast on device 'cuda'"):
        rt.with_autocast(lambda: None, device_type="cuda")
    with pytest.raises(ValueError, match="must be torch_bfloat16\\(\\) or torch_float16\\(\\)"):
        rt.with_autocast(lambda: None, device_type="cpu", dtype=rt.torch_float64())
    assert rt.torch_mm(rt.torch_ones(1, 1), rt.torch_ones(1, 1)).dtype == rt.torch_float()


def test_cpu_default_is_bfloat16_and_rounds() -> None:
    """R torch's CPU default: float32 matrix products run in bfloat16 (values rounded to bfloat16)."""
    x = rt.torch_randn(5, 5)
    ctx = rt.set_autocast("cpu")
    try:
        z = rt.torch_mm(x, x)
        w = rt.torch_mm(z, x)
    finally:
        rt.unset_autocast(ctx)
    assert z.dtype is rt.torch_bfloat16() and w.dtype is rt.torch_bfloat16()
    np.testing.assert_array_equal(z._data, rt._core.dtype.round_bf16(z._data))
    xb = rt._core.dtype.round_bf16(x._data)
    np.testing.assert_allclose(z._data, xb @ xb, rtol=2 ** -7, atol=1e-6)
    assert rt.torch_mm(x, w.float()).dtype is rt.torch_float()
