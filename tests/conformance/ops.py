"""Expected values of tests/conformance/ops.R: ``expect()`` gives one entry per emitted name, in the script's
order (tests/bridge/test_conformance.py runs the script both ways and compares)."""

from __future__ import annotations

import math
from typing import Any

from conformance_util import LIST, TLIST, T, item, rmat

import rtorch_py as rt


def expect() -> dict[str, Any]:
    a = rt.torch_tensor([-7.5, -2, 0.5, 3, 7])
    b = rt.torch_tensor([2, 3, -2, 2.5, -4])
    n = rt.torch_tensor([-7, -3, 5, 9])
    m = rt.torch_tensor([2, 2, -3, 4])
    p = rt.torch_tensor([True, False, True, False])
    q = rt.torch_tensor([True, True, False, False])
    num = rt.torch_tensor  # an R number on the left of %% / %/%: a tensor, as R torch's methods make it
    land, lor, lnot = rt.torch_logical_and, rt.torch_logical_or, rt.torch_logical_not
    bool_ = rt.torch_scalar_tensor
    pos = rt.torch_tensor([0.25, 1, 2.5, 9])

    def trunc_div(x: Any, y: Any) -> rt.Tensor:
        return rt.torch_div(x, y, rounding_mode="trunc")

    def tl(*ts: rt.Tensor) -> dict:
        return TLIST(list(ts))

    z = rt.torch_tensor([1.0, 2, 3])
    z.add_(10.0)
    z.mul_(rt.torch_tensor([1, 0.5, 2]))
    z.clamp_(max=12.0)
    return {
        "add": tl(a + b, a + 2.0, 2.0 + a, a),
        "sub": tl(a - b, a - 1.5, 1.5 - a, -a),
        "mul": tl(a * b, a * 0.2, 3.0 * a),
        "div": tl(a / b, a / 4.0, 1.0 / a),
        "pow": tl(a ** 2.0, abs(a) ** b, 2.0 ** a, a ** 0.5, b ** -1),
        "fmod": tl(rt.torch_fmod(a, b), rt.torch_fmod(a, 2.0), rt.torch_fmod(num([10.0]), b), rt.torch_fmod(n, m),
                   rt.torch_fmod(n, 3)),
        "intdiv": tl(trunc_div(a, b), trunc_div(a, 2.0), trunc_div(num([10.0]), b), trunc_div(n, m),
                     trunc_div(n, 2)),
        "long_ops": tl(n + m, n * 2, n - 1, n / m, n * 0.5, n + True, -n),
        "int_power": tl(n ** 2, m ** 2.0),
        "bool_arith": tl(p + q, p * 2.0, p + 1),
        "vector_operand": tl(a + rt.torch_tensor([1.0, 2, 3, 4, 5]), rt.torch_tensor([5.0, 4, 3, 2, 1]) * a,
                             n + rt.torch_tensor([1, 2, 3, 4])),
        "matrix_broadcast": T(rt.torch_ones(2, 3) * rt.torch_tensor(rmat([1.0, 2, 3, 4, 5, 6], 2))),
        "broadcast": T(rt.torch_ones(2, 1) + rt.torch_tensor([1.0, 2, 3])),
        "compare": tl(a == b, a != 2.0, a < b, a <= 0.5, a > -2.0, a >= b, a < 3.0, a == 0.5, n >= m, n < 0),
        "logical": tl(lnot(p), land(p, q), lor(p, q), land(p, bool_(True)), lor(bool_(False), q),
                      land(a > 0.0, b > 0.0), lnot(a > 0.0)),
        "math": tl(rt.torch_exp(a), rt.torch_sqrt(pos), rt.torch_abs(a), rt.torch_abs(n), rt.torch_log(pos),
                   rt.torch_log(pos) / math.log(2), rt.torch_log(pos) / math.log(10), rt.torch_log2(pos),
                   rt.torch_log10(pos), rt.torch_log1p(pos), rt.torch_expm1(a), rt.torch_sign(a), rt.torch_floor(a),
                   rt.torch_ceil(a), rt.torch_trunc(a)),
        "trig": tl(rt.torch_sin(a), rt.torch_cos(a), rt.torch_tan(b), rt.torch_asin(pos / 10.0),
                   rt.torch_acos(pos / 10.0), rt.torch_atan(a), rt.torch_sinh(b), rt.torch_cosh(b), rt.torch_tanh(a)),
        "round": tl(rt.torch_round(rt.torch_tensor([0.5, 1.5, 2.5, -0.5, 2.567, -1.234])),
                    rt.torch_round(rt.torch_tensor([2.567, -1.234, 0.125]), decimals=2),
                    rt.torch_round(rt.torch_tensor([1234.5, 55]), decimals=-1)),
        "cumulative": tl(rt.torch_cumsum(a, dim=1), rt.torch_cumprod(b, dim=1)),
        "summary": tl(rt.torch_sum(a), rt.torch_prod(b), rt.torch_max(a), rt.torch_min(n), rt.torch_all(p),
                      rt.torch_any(p), rt.torch_mean(a), rt.torch_sum(n), rt.torch_max(p)),
        "summary_several": tl(a.sum() + b.sum(), a.prod() * b.prod(), rt.torch_maximum(a.max(), n.max()),
                              rt.torch_minimum(rt.torch_minimum(b.min(), a.min()), n.min()),
                              rt.torch_sum(rt.torch_ones(2, 3), dim=2),
                              rt.torch_prod(b.view([1, 5]), dim=2, keepdim=True)),
        "summary_number": {"r": "error", "message": "sum() on tensors takes tensors only, got Tensor, float"},
        "methods": tl(a.add(1.0), a.add(b, alpha=2.0), a.sub(b), a.mul(b), a.div(b),
                      a.div(b, rounding_mode="floor"), a.div(b, rounding_mode="trunc"), a.pow(2.0),
                      a.clamp(min=-1.0, max=1.0), a.remainder(b), a.fmod(-2.0), a.abs().sqrt(), a.exp().log(),
                      a.neg(), a.reciprocal(), a.sign()),
        "functions": LIST(*[x if isinstance(x, dict) else T(x) for x in (
            rt.torch_add(a, b), rt.torch_sub(a, 1.0), rt.torch_mul(2.0, a), rt.torch_div(a, 2.0), rt.torch_pow(a, 2.0),
            rt.torch_clamp(a, -1.0, 1.0), rt.torch_where(a > 0.0, a, b), rt.torch_maximum(a, b), rt.torch_minimum(a, b),
            rt.torch_remainder(a, 3.0), rt.torch_fmod(a, 3.0), rt.torch_div(a, b, rounding_mode="floor"),
            rt.torch_eq(a, b), item(rt.torch_allclose(a, a + 1e-9)), item(rt.torch_equal(n, n)),
            rt.torch_logical_xor(p, q), rt.torch_matmul(rt.torch_ones(2, 3), rt.torch_tensor([1.0, 2, 3])),
            rt.torch_mm(rt.torch_ones(2, 3), rt.torch_ones(3, 2)),
            rt.torch_einsum("ij,j->i", [rt.torch_ones(2, 3), rt.torch_tensor([1.0, 2, 3])]))]),
        "inplace": T(z),
        "division_by_zero": tl(a / 0.0, trunc_div(n, rt.torch_tensor([1, 1, 1, 1])),
                               rt.torch_tensor([0.0]) / 0.0),
    }
