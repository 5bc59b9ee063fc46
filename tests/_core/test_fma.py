"""The one fused-multiply-add emulation (rtorch_py/_core/fma.py), used by the RNG and by the optimizer kernels:
checked against exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from rtorch_py._core import fma as F
from rtorch_py.optim import _kernels

f = np.float32
# a*b + c lands just off a float32 midpoint, and the float64 sum rounds it onto the midpoint.
MIDPOINT_CASES = [(f(1 + 2**-12), f(2**-24 * (1 - 2**-12 + 2**-24)), f(1.0)),
                  (f(1 + 2**-18), f(2**-24 * (1 - 2**-18)), f(1 + 2**-23))]


def _exact(a: object, b: object, c: object) -> Fraction:
    return Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))


def test_fma32_fixes_double_rounding_at_float32_midpoints() -> None:
    for a, b, c in MIDPOINT_CASES:
        exact = _exact(a, b, c)
        naive = f(np.float64(a) * np.float64(b) + np.float64(c))
        got = F.fma32(np.array([a]), b, c)[0]
        assert abs(Fraction(float(got)) - exact) < abs(Fraction(float(naive)) - exact)
        assert abs(Fraction(float(got)) - exact) <= Fraction(float(np.spacing(got))) / 2
        assert F.on_midpoint(np.array([np.float64(a) * np.float64(b) + np.float64(c)]))[0]
        # exact=False is the documented two roundings: the naive result, bit for bit
        assert F.fma32(np.array([a]), b, c, exact=False)[0] == naive


def test_fma32_is_correctly_rounded_on_random_values_in_place_too() -> None:
    rs = np.random.default_rng(1)
    a, b = rs.standard_normal(3000).astype(f), rs.standard_normal(3000).astype(f)
    c = (rs.standard_normal(3000) * np.exp2(rs.integers(-30, 10, 3000))).astype(f)
    want = np.array([float(_exact(x, y, z)) for x, y, z in zip(a, b, c)]).astype(f)  # one rounding
    assert np.array_equal(F.fma32(a, b, c).view(np.uint32), want.view(np.uint32))
    out, scratch = c.copy(), np.empty(3000)
    assert F.fma32(a, b, out, out=out, scratch=scratch) is out  # out may alias c
    assert np.array_equal(out.view(np.uint32), want.view(np.uint32))


def test_fma64_is_correctly_rounded() -> None:
    rs = np.random.default_rng(0)
    a, b = rs.standard_normal(2000), rs.standard_normal(2000)
    c = rs.standard_normal(2000) * np.exp2(rs.integers(-60, 10, 2000))
    exact = np.array([float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)])
    assert np.array_equal(F.fma64(a, b, c).view(np.uint64), exact.view(np.uint64))


def test_optimizer_kernels_use_the_same_emulation_with_two_roundings() -> None:
    for a, b, c in MIDPOINT_CASES:
        out = np.empty(1, f)
        _kernels.fma(np.array([a]), np.array(np.float64(b)), np.array([c]), out, (np.empty(1), np.empty(1)))
        assert out[0] == F.fma32(np.array([a]), b, c, exact=False)[0]
    # float64 parameters (no wide buffers): the plain product and sum in float64
    x = np.array([0.1, 0.2])
    out = np.empty(2)
    _kernels.fma(x, np.array(3.0), x, out, None)
    assert np.array_equal(out, x * 3.0 + x)


def test_kernel_fma_with_multiplier_one_is_the_float32_sum() -> None:
    """fma(a, 1, c) takes a plain float32 add: bit-identical to the float64 emulation over a wide range of
    magnitudes (a float32 sum rounded through float64 is the correctly rounded float32 sum)."""
    r = np.random.default_rng(3)
    a = (r.standard_normal(200_000) * np.exp2(r.integers(-60, 60, 200_000))).astype(np.float32)
    c = (r.standard_normal(200_000) * np.exp2(r.integers(-60, 60, 200_000))).astype(np.float32)
    one = _kernels.wide_scalar(1.0, np.float32)
    out = np.empty_like(a)
    _kernels.fma(a, one, c, out, (np.empty(a.shape), np.empty(a.shape)))
    want = F.fma32(a, one, c, exact=False)
    np.testing.assert_array_equal(out.view(np.uint32), want.view(np.uint32))


def test_rounded_twice_by_blocks_equals_one_pass() -> None:
    # sizes around the block size, multipliers scalar / float32 / float64, addends array / scalar, out aliasing c
    rng = np.random.default_rng(3)
    for n in (2 * F._BLOCK - 1, 2 * F._BLOCK, 3 * F._BLOCK + 17):
        a = rng.standard_normal(n).astype(f)
        c = rng.standard_normal(n).astype(f) * f(1e-3)
        for b in (np.array(-0.01, np.float64), rng.standard_normal(n).astype(f), rng.standard_normal(n)):
            for cc in (c, np.array(0.3, np.float64)):
                want = (a.astype(np.float64) * b + cc).astype(f)
                out = cc.copy() if cc.ndim else np.empty(n, f)
                F.fma32_rounded_twice(a, b, out if cc.ndim else cc, out, np.empty(n))
                np.testing.assert_array_equal(out.view(np.uint32), want.view(np.uint32))
    # 2-D operands (a parameter's shape)
    a2, c2 = rng.standard_normal((3, F._BLOCK)).astype(f), rng.standard_normal((3, F._BLOCK)).astype(f)
    want = (a2.astype(np.float64) * np.float64(f(0.9)) + c2).astype(f)
    F.fma32_rounded_twice(a2, np.array(np.float64(f(0.9))), c2, c2, np.empty((3, F._BLOCK)))
    np.testing.assert_array_equal(c2.view(np.uint32), want.view(np.uint32))
