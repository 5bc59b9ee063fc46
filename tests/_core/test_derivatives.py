"""Finite-difference checks (float64) of every derivative rule in rtorch_py/_core/derivatives.py, through the
R-named API, over several shapes including broadcasting; second-order checks (create_graph) for a
representative set. Inputs stay away from kinks (abs/relu at 0, ties of max, clamp bounds, fmod jumps)."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import gradcheck

import rtorch_py as rt
from rtorch_py import Tensor
from rtorch_py._core import ops as O  # noqa: N812 - core primitives without an R function of their own

_rng = np.random.default_rng(7)


def N(*shape: int) -> np.ndarray:  # noqa: N802
    return _rng.standard_normal(shape)


def U(*shape: int, lo: float = -0.8, hi: float = 0.8) -> np.ndarray:  # noqa: N802
    return _rng.uniform(lo, hi, shape)


def P(*shape: int) -> np.ndarray:  # noqa: N802 - positive, away from 0
    return _rng.uniform(0.5, 2.0, shape)


def A(*shape: int) -> np.ndarray:  # noqa: N802 - away from 0, either sign
    return _rng.uniform(0.3, 1.5, shape) * _rng.choice([-1.0, 1.0], shape)


def D(*shape: int) -> np.ndarray:  # noqa: N802 - distinct values (no ties), a shuffled grid plus noise
    n = int(np.prod(shape)) if shape else 1
    return (_rng.permutation(n) * 0.5 + _rng.uniform(-0.1, 0.1, n)).reshape(shape)


def L(values: object) -> np.ndarray:  # noqa: N802 - an int64 (index) constant
    return np.asarray(values, dtype=np.int64)


def B(*shape: int) -> np.ndarray:  # noqa: N802 - a bool constant
    return _rng.integers(0, 2, shape).astype(bool)


BIN_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((2, 1, 3), (4, 1))]

CASES: list[tuple] = []  # (id, fn, inputs, second_order)


def case(cid: str, fn: object, *inputs: object, second: bool = False) -> None:
    CASES.append(pytest.param(fn, list(inputs), second, id=cid))


# -- elementwise binary, with broadcasting ----------------------------------------------------------------------
for sa, sb in BIN_SHAPES:
    s = f"{sa}-{sb}"
    case(f"add/{s}", lambda a, b: rt.torch_add(a, b), N(*sa), N(*sb))
    case(f"add-alpha/{s}", lambda a, b: rt.torch_add(a, b, alpha=-1.5), N(*sa), N(*sb))
    case(f"sub/{s}", lambda a, b: rt.torch_sub(a, b, alpha=2), N(*sa), N(*sb))
    case(f"mul/{s}", lambda a, b: rt.torch_mul(a, b), N(*sa), N(*sb), second=True)
    case(f"div/{s}", lambda a, b: rt.torch_div(a, b), N(*sa), A(*sb), second=True)
    case(f"pow/{s}", lambda a, b: rt.torch_pow(a, b), P(*sa), N(*sb), second=True)
    case(f"maximum/{s}", lambda a, b: rt.torch_maximum(a, b), N(*sa), N(*sb))
    case(f"minimum/{s}", lambda a, b: rt.torch_minimum(a, b), N(*sa), N(*sb))
    case(f"atan2/{s}", lambda a, b: rt.torch_atan2(a, b), N(*sa), A(*sb), second=True)
    case(f"fmod/{s}", lambda a, b: rt.torch_fmod(a, b), U(*sa, lo=0.1, hi=0.9), U(*sb, lo=1.1, hi=1.5))
    case(f"remainder/{s}", lambda a, b: rt.torch_remainder(a, b), U(*sa, lo=2.1, hi=2.9),
         U(*sb, lo=1.1, hi=1.3))
    case(f"lerp-tensor/{s}", lambda a, b: rt.torch_lerp(a, b, rt.torch_ones_like(b) * 0.3), N(*sa), N(*sb))
    case(f"where/{s}", lambda a, b: rt.torch_where(rt.torch_ones_like(a).gt(0) & (a > 0), a, b), N(*sa), N(*sb))
for k, fn in {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
              "/": lambda a, b: a / b, "**": lambda a, b: a ** b}.items():
    nonlinear = k == "**"  # second order of a linear op is zero: nothing to check
    case(f"op{k}/tt", fn, P(2, 3), P(3), second=k != "+" and k != "-")
    case(f"op{k}/ts", lambda a, fn=fn: fn(a, 1.7), P(2, 3), second=nonlinear)
    case(f"op{k}/st", lambda a, fn=fn: fn(1.7, a), P(2, 3), second=nonlinear or k == "/")
case("op%/ts", lambda a: a % 1.5, U(2, 3, lo=0.1, hi=1.4))
case("op-neg", lambda a: -a, N(2, 3))
case("op@/mm", lambda a, b: a @ b, N(2, 3), N(3, 4))
case("pow/scalar-exp", lambda a: rt.torch_pow(a, 3), N(2, 3), second=True)
case("pow/scalar-exp-frac", lambda a: rt.torch_pow(a, -0.5), P(2, 3), second=True)
case("pow/scalar-base", lambda b: rt.torch_pow(2.5, b), N(2, 3), second=True)
case("pow/zero-exp", lambda a, b: rt.torch_pow(a, b * 0), P(3), N(3))
case("lerp/scalar", lambda a, b: rt.torch_lerp(a, b, 0.25), N(2, 3), N(3))
case("lerp/weight-grad", lambda a, b, w: rt.torch_lerp(a, b, w), N(2, 3), N(2, 3), U(3), second=True)
case("where/bool-const", lambda a, b, c: rt.torch_where(c, a, b), N(2, 3), N(3), B(2, 3))
case("where/scalar", lambda a, c: rt.torch_where(c, a, 0.0), N(2, 3), B(2, 3))
case("addcmul", lambda x, a, b: rt.torch_addcmul(x, a, b, value=0.5), N(2, 3), N(2, 3), N(3), second=True)
case("addcdiv", lambda x, a, b: rt.torch_addcdiv(x, a, b, value=-2), N(2, 3), N(2, 1), A(3), second=True)
case("clamp/both", lambda x: rt.torch_clamp(x, -0.5, 0.5), A(3, 4))
case("clamp/min", lambda x: rt.torch_clamp(x, min=0.1), A(3, 4))
case("clamp/tensor", lambda x, lo, hi: rt.torch_clamp(x, lo, hi), N(3, 4), N(4) - 0.5, N(3, 1) + 0.5)
case("square", lambda x: rt.torch_square(x), N(2, 3), second=True)
case("clone", lambda x: rt.torch_clone(x) * 2, N(2, 3))

# -- unary --------------------------------------------------------------------------------------------------
UNARY = {"abs": A, "neg": N, "exp": N, "log": P, "log1p": P, "log2": P, "log10": P, "expm1": N, "sqrt": P,
         "rsqrt": P, "sin": N, "cos": N, "tan": U, "asin": U, "acos": U, "atan": N, "sinh": N, "cosh": N,
         "tanh": N, "sigmoid": N, "relu": A, "reciprocal": A, "erf": N, "asinh": N, "atanh": U}
for name, gen in UNARY.items():
    f = getattr(rt, f"torch_{name}")
    case(f"{name}/2x3", lambda x, f=f: f(x), gen(2, 3), second=name not in ("abs", "relu", "neg"))
    case(f"{name}/0d", lambda x, f=f: f(x), gen())
case("acosh/2x3", lambda x: rt.torch_acosh(x), P(2, 3) + 1.1, second=True)
case("select/dim2", lambda x: rt.torch_select(x, 2, -1), N(3, 4))
case("sigmoid/large", lambda x: rt.torch_sigmoid(x), np.array([-30.0, -5.0, 0.0, 5.0, 30.0]))
for name in ["floor", "ceil", "trunc", "round", "sign"]:  # zero gradient almost everywhere
    f = getattr(rt, f"torch_{name}")
    case(f"{name}", lambda x, f=f: f(x), U(2, 3, lo=0.1, hi=0.4) + np.arange(3))
case("div/floor", lambda a, b: rt.torch_div(a, b, rounding_mode="floor") * a, U(2, 3, lo=0.1, hi=0.4) + 2,
     U(3, lo=1.1, hi=1.2))
case("div/trunc", lambda a, b: rt.torch_div(a, b, rounding_mode="trunc"), U(2, 3, lo=0.1, hi=0.4) + 2,
     U(3, lo=1.1, hi=1.2))
case("round/decimals", lambda x: rt.torch_round(x, decimals=1), U(2, 3, lo=0.01, hi=0.04))

# -- reductions ----------------------------------------------------------------------------------------------
RED = [(5,), (3, 4), (2, 3, 4)]
for shp in RED:
    s = str(shp)
    case(f"sum/{s}", lambda x: rt.torch_sum(x), N(*shp))
    case(f"mean/{s}", lambda x: rt.torch_mean(x), N(*shp))
    case(f"prod/{s}", lambda x: rt.torch_prod(x), A(*shp), second=len(shp) < 3)
    case(f"var/{s}", lambda x: rt.torch_var(x), N(*shp), second=len(shp) == 2)
    case(f"std/{s}", lambda x: rt.torch_std(x), N(*shp), second=len(shp) == 2)
    case(f"norm/{s}", lambda x: rt.torch_norm(x), N(*shp), second=len(shp) == 2)
    case(f"max/{s}", lambda x: rt.torch_max(x), D(*shp))
    case(f"min/{s}", lambda x: rt.torch_min(x), D(*shp))
    case(f"amax/{s}", lambda x: rt.torch_amax(x), D(*shp))
    for dim in range(1, len(shp) + 1):
        for keep in (False, True):
            t = f"{s}/dim{dim}/keep{keep}"
            case(f"sum/{t}", lambda x, d=dim, k=keep: rt.torch_sum(x, dim=d, keepdim=k), N(*shp))
            case(f"mean/{t}", lambda x, d=dim, k=keep: rt.torch_mean(x, dim=d, keepdim=k), N(*shp))
            case(f"prod/{t}", lambda x, d=dim, k=keep: rt.torch_prod(x, dim=d, keepdim=k), A(*shp))
            case(f"var/{t}", lambda x, d=dim, k=keep: rt.torch_var(x, dim=d, keepdim=k), N(*shp))
            case(f"std/{t}", lambda x, d=dim, k=keep: rt.torch_std(x, dim=d, keepdim=k), N(*shp))
            case(f"norm/{t}", lambda x, d=dim, k=keep: rt.torch_norm(x, dim=d, keepdim=k), N(*shp))
            case(f"logsumexp/{t}", lambda x, d=dim, k=keep: rt.torch_logsumexp(x, dim=d, keepdim=k), N(*shp),
                 second=shp == (3, 4))
            case(f"max-dim/{t}", lambda x, d=dim, k=keep: rt.torch_max(x, dim=d, keepdim=k)[0], D(*shp))
            case(f"min-dim/{t}", lambda x, d=dim, k=keep: rt.torch_min(x, dim=d, keepdim=k)[0], D(*shp))
            case(f"amax/{t}", lambda x, d=dim, k=keep: rt.torch_amax(x, dim=d, keepdim=k), D(*shp))
        case(f"cumsum/{s}/{dim}", lambda x, d=dim: rt.torch_cumsum(x, dim=d), N(*shp))
        case(f"cumprod/{s}/{dim}", lambda x, d=dim: rt.torch_cumprod(x, dim=d), A(*shp), second=shp == (3, 4))
        case(f"softmax/{s}/{dim}", lambda x, d=dim: rt.torch_softmax(x, dim=d), N(*shp), second=shp == (3, 4))
        case(f"log_softmax/{s}/{dim}", lambda x, d=dim: rt.torch_log_softmax(x, dim=d), N(*shp),
             second=shp == (3, 4))
case("sum/dims", lambda x: rt.torch_sum(x, dim=[1, 3]), N(2, 3, 4))
case("mean/dims-keep", lambda x: rt.torch_mean(x, dim=[-1, 1], keepdim=True), N(2, 3, 4))
case("var/dims", lambda x: rt.torch_var(x, dim=[1, 2], unbiased=False), N(2, 3, 4))
case("std/correction", lambda x: rt.torch_std(x, dim=2, correction=2), N(3, 5))
case("var/0d-of-many", lambda x: rt.torch_var(x, dim=1, unbiased=False), N(1, 3))
case("prod/zero", lambda x: rt.torch_prod(x, dim=2), np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0],
                                                               [0.7, 1.1, -2.0]]))
case("prod/zero-all", lambda x: rt.torch_prod(x), np.array([1.5, 0.0, 2.0, -3.0]), second=True)
case("cumprod/zeros", lambda x: rt.torch_cumprod(x, dim=2), np.array([[1.5, 0.0, 2.0, 3.0],
                                                                      [2.0, -3.0, 0.0, 0.0]]), second=True)
case("cumprod/zero-first", lambda x: rt.torch_cumprod(x, dim=1), np.array([0.0, 2.0, -1.5]))
for p in [1, 3, 0.5, float("inf"), float("-inf")]:
    case(f"norm/p{p}", lambda x, p=p: rt.torch_norm(x, p=p), A(3, 4))
    case(f"norm/p{p}/dim", lambda x, p=p: rt.torch_norm(x, p=p, dim=2, keepdim=True), D(3, 4) + 0.3)
case("norm/fro-dims", lambda x: rt.torch_norm(x, p="fro", dim=[1, 2]), N(2, 3, 4))
case("max/other", lambda a, b: rt.torch_max(a, other=b), N(2, 3), N(3))
case("dist", lambda a, b: rt.torch_dist(a, b), N(2, 3), N(3))
case("var_mean", lambda x: rt.torch_var_mean(x, dim=1)[0] + rt.torch_var_mean(x, dim=1)[1], N(3, 4))

# -- linear algebra ----------------------------------------------------------------------------------------------
for sa, sb in [((2, 3), (3, 4)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 2, 3), (2, 3, 4)),
               ((2, 2, 3), (3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((3,), (2, 3, 4)), ((2, 2, 3), (3,))]:
    case(f"matmul/{sa}-{sb}", lambda a, b: rt.torch_matmul(a, b), N(*sa), N(*sb),
         second=(sa, sb) in [((2, 3), (3, 4)), ((2, 2, 3), (3, 4))])
case("mm", lambda a, b: rt.torch_mm(a, b), N(2, 3), N(3, 4), second=True)
case("bmm", lambda a, b: rt.torch_bmm(a, b), N(2, 2, 3), N(2, 3, 2))
case("mv", lambda a, b: rt.torch_mv(a, b), N(2, 3), N(3))
case("dot", lambda a, b: rt.torch_dot(a, b), N(4), N(4), second=True)
case("outer", lambda a, b: rt.torch_outer(a, b), N(3), N(4))
case("t", lambda a: rt.torch_t(a), N(2, 3))
case("t/1d", lambda a: rt.torch_t(a) * 2, N(3))
case("addmm", lambda c, a, b: rt.torch_addmm(c, a, b), N(4), N(2, 3), N(3, 4), second=True)
case("linear", lambda x, w, b: O.linear(x, w, b), N(2, 3), N(4, 3), N(4), second=True)
case("linear/nobias-3d", lambda x, w: O.linear(x, w), N(2, 2, 3), N(4, 3))
# one output / one input: the input gradient / the forward are outer products (ops.mm2d's broadcast product)
case("linear/one-out", lambda x, w, b: O.linear(x, w, b), N(5, 3), N(1, 3), N(1), second=True)
case("linear/one-in", lambda x, w, b: O.linear(x, w, b), N(5, 1), N(4, 1), N(4), second=True)
case("linear/one-out-3d", lambda x, w: O.linear(x, w), N(2, 3, 2), N(1, 2))
case("addmm/beta-alpha", lambda c, a, b: rt.torch_addmm(c, a, b, beta=0.5, alpha=-2), N(2, 4), N(2, 3), N(3, 4))
for eq, shapes in [("ij,jk->ik", [(2, 3), (3, 4)]), ("ij->ji", [(2, 3)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]),
                   ("ij->", [(2, 3)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("i,j->ij", [(3,), (4,)]),
                   ("ij,ij->i", [(2, 3), (2, 3)]), ("ijk->kj", [(2, 3, 4)]),
                   ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("ij,j", [(2, 3), (3,)]),
                   ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 2)]), ("...ij,jk", [(2, 1, 2, 3), (3, 2)]),
                   ("bij,bj->bi", [(1, 2, 3), (4, 3)]), ("iij->ij", [(2, 2, 3)])]:
    case(f"einsum/{eq}", lambda *ts, eq=eq: rt.torch_einsum(eq, list(ts)), *[N(*s) for s in shapes],
         second=eq in ("ij,jk->ik", "ij,ij->i"))

# -- shape ------------------------------------------------------------------------------------------------------
case("reshape", lambda x: rt.torch_reshape(x, c(3, 2)) * 1, N(2, 3))
case("reshape/noncontig", lambda x: rt.torch_reshape(rt.torch_t(x), c(6)), N(2, 3))
case("view", lambda x: x.view(3, 2), N(2, 3))
case("view_as", lambda x, y: x.view_as(y) * y, N(2, 3), N(6))
case("flatten", lambda x: rt.torch_flatten(x, start_dim=2), N(2, 3, 2))
case("squeeze", lambda x: rt.torch_squeeze(x), N(1, 3, 1))
case("squeeze/dim", lambda x: rt.torch_squeeze(x, dim=3), N(1, 3, 1))
case("unsqueeze", lambda x: rt.torch_unsqueeze(x, dim=2), N(2, 3))
case("permute", lambda x: rt.torch_permute(x, c(3, 1, 2)), N(2, 3, 4))
case("transpose", lambda x: rt.torch_transpose(x, 1, 3), N(2, 3, 4))
case("movedim", lambda x: rt.torch_movedim(x, 1, 3), N(2, 3, 4))
case("expand", lambda x: x.expand(2, 3, 4), N(3, 1))
case("expand_as", lambda x, y: x.expand_as(y) * y, N(1, 4), N(3, 4))
case("repeat", lambda x: x.repeat(2, 1, 3), N(2, 2))
case("cat", lambda a, b: rt.torch_cat([a, b], dim=2), N(2, 3), N(2, 1))
case("cat/three", lambda a, b, e: rt.torch_cat([a, b, e]), N(2, 3), N(1, 3), N(1, 3))
case("stack", lambda a, b: rt.torch_stack([a, b], dim=2) ** 2, N(2, 3), N(2, 3), second=True)
case("split", lambda x: rt.torch_split(x, 2)[1] * rt.torch_split(x, 2)[2].sum(), N(5, 2))
case("split/sizes", lambda x: rt.torch_split(x, [1, 3], dim=2)[1], N(2, 4))
case("chunk", lambda x: rt.torch_chunk(x, 2, dim=2)[0], N(2, 5))
case("unbind", lambda x: rt.torch_unbind(x, 2)[1] * 3, N(2, 3))
case("narrow", lambda x: rt.torch_narrow(x, 2, 2, 2), N(3, 4))
case("flip", lambda x: rt.torch_flip(x, c(1, 3)) * rt.torch_arange(1, 2, dtype=rt.torch_double()), N(2, 3, 2))
case("roll", lambda x: rt.torch_roll(x, 1, 2), N(2, 3))
case("roll/flat", lambda x: rt.torch_roll(x, -2), N(2, 3))
case("tril", lambda x: rt.torch_tril(x, -1), N(3, 4))
case("triu", lambda x: rt.torch_triu(x), N(3, 4))
case("diagonal", lambda x: rt.torch_diagonal(x, offset=1), N(3, 4))
case("diag/vec", lambda x: rt.torch_diag(x, 1), N(3))
case("diag/mat", lambda x: rt.torch_diag(x), N(3, 3))
case("trace", lambda x: rt.torch_trace(x), N(3, 3))
case("broadcast_tensors", lambda a, b: rt.torch_broadcast_tensors([a, b])[0] * rt.torch_broadcast_tensors(
    [a, b])[1], N(3, 1), N(4))
case("contiguous", lambda x: rt.torch_t(x).contiguous().view(6), N(2, 3))

# -- indexing -----------------------------------------------------------------------------------------------------
case("gather", lambda x, i: rt.torch_gather(x, 1, i) ** 2, N(3, 4), L([[1, 3, 2, 1], [3, 3, 1, 2]]), second=True)
case("gather/dim2", lambda x, i: rt.torch_gather(x, 2, i), N(3, 4), L([[4, 1], [2, 2], [1, 3]]))
case("scatter", lambda x, s, i: rt.torch_scatter(x, 2, i, s), N(3, 4), N(3, 2), L([[2, 1], [4, 3], [1, 2]]))
case("scatter/value", lambda x, i: rt.torch_scatter(x, 1, i, value=2.0), N(3, 4), L([[1, 3, 2, 1]]))
case("scatter_add", lambda x, s, i: rt.torch_scatter_add(x, 1, i, s), N(3, 4), N(2, 4),
     L([[1, 1, 3, 3], [3, 1, 1, 2]]))
case("index_select", lambda x, i: rt.torch_index_select(x, 1, i), N(4, 3), L([4, 1, 1]))
case("index_select/dim2", lambda x, i: rt.torch_index_select(x, 2, i), N(2, 3, 2), L([3, 2, 3]))
case("masked_fill", lambda x, m: rt.torch_masked_fill(x, m, -1.0), N(2, 3), B(2, 3))
case("masked_fill/tensor", lambda x, v, m: rt.torch_masked_fill(x, m, v), N(2, 3), N(), B(3))
case("masked_select", lambda x, m: rt.torch_masked_select(x, m), N(2, 3), B(2, 3))
case("masked_select/bcast", lambda x, m: rt.torch_masked_select(x, m), N(2, 3), B(3))
case("sort", lambda x: rt.torch_sort(x)[0] * rt.torch_arange(1, 4, dtype=rt.torch_double()), D(3, 4))
case("sort/desc-dim1", lambda x: rt.torch_sort(x, dim=1, descending=True)[0], D(3, 4))
case("topk", lambda x: rt.torch_topk(x, 2)[0], D(3, 4))
case("topk/smallest-dim1", lambda x: rt.torch_topk(x, 2, dim=1, largest=False)[0], D(3, 4))
case("getitem/int", lambda x: x[1], N(3, 4))
case("getitem/slice", lambda x: x[1:, ::2], N(3, 4))
case("getitem/neg-step", lambda x: x[::-1] * 1, N(4))
case("getitem/none-ellipsis", lambda x: x[None, ..., 0], N(2, 3, 4))
case("getitem/bool", lambda x, m: x[Tensor._wrap(m)], N(3, 4), B(3, 4))
case("getitem/bool-rows", lambda x: x[Tensor._wrap(np.array([True, False, True]))], N(3, 4))
case("getitem/long", lambda x: x[Tensor._wrap(L([2, 0, 2]))] ** 3, N(3, 4), second=True)
case("getitem/long-2", lambda x: x[Tensor._wrap(L([2, 0])), Tensor._wrap(L([1, 1]))], N(3, 4))
case("getitem/list", lambda x: x[[0, 0, 2]], N(3, 4))
case("getitem/mixed", lambda x: x[1:, Tensor._wrap(L([0, 3]))], N(3, 4))


def _setitem(x: Tensor, v: Tensor, key: object) -> Tensor:
    y = x * 1
    y[key] = v
    return y


case("setitem/slice", lambda x, v: _setitem(x, v, (slice(None), 1)), N(3, 4), N(3))
case("setitem/int-scalar", lambda x: _setitem(x, 2.0, 0) * x, N(3, 4))
case("setitem/bool", lambda x, v, m: _setitem(x, v, Tensor._wrap(m)), N(3, 4), N(), B(3, 4))
case("setitem/long", lambda x, v: _setitem(x, v, Tensor._wrap(L([2, 0]))), N(3, 4), N(2, 4))
case("setitem/bcast", lambda x, v: _setitem(x, v, (slice(0, 2),)), N(3, 4), N(4))

# -- in-place (recorded on a snapshot; the result takes the tensor's place in the graph) ----------------------------
case("add_", lambda x, y: (x * 1).add_(y), N(2, 3), N(3))
case("mul_", lambda x, y: (x * 1).mul_(y), N(2, 3), N(3))
case("div_", lambda x, y: (x * 1).div_(y), N(2, 3), A(2, 3))
case("sub_-alpha", lambda x, y: (x * 1).sub_(y, alpha=2), N(2, 3), N(3))
case("pow_", lambda x: (x * 1).pow_(2), N(2, 3))
case("clamp_", lambda x: (x * 1).clamp_(-0.5, 0.5), A(2, 3))
case("addcmul_", lambda x, a, b: (x * 1).addcmul_(a, b, value=2), N(2, 3), N(2, 3), N(2, 3))
case("addcdiv_", lambda x, a, b: (x * 1).addcdiv_(a, b, value=0.5), N(2, 3), N(2, 3), A(2, 3))
case("sqrt_", lambda x: (x * 1).sqrt_(), P(2, 3))
case("exp_-chain", lambda x: (x * 2).exp_().mul_(x), N(2, 3), second=True)
case("copy_", lambda x, y: (x * 1).copy_(y) * x, N(2, 3), N(3))
case("fill_", lambda x: (x * 1).fill_(2.0) * x, N(2, 3))
case("zero_", lambda x: (x * 1).zero_() + x, N(2, 3))
case("masked_fill_", lambda x, m: (x * 1).masked_fill_(m, 0.5), N(2, 3), B(2, 3))
case("view-then-inplace", lambda x: _view_inplace(x), N(2, 3))
case("stale-view", lambda x: _stale_view(x), N(2, 3), second=True)


def _stale_view(x: Tensor) -> Tensor:
    y = x * 1
    v = y.t()[1:]  # a view made before the base changes
    y.mul_(x)  # the base changes in place: v must read the new values through the new graph
    return v * v


def _view_inplace(x: Tensor) -> Tensor:
    y = x * 1
    v = y[0]
    v.mul_(3)  # y's values change through the view; the gradient must follow the write
    return y * x


def c(*v: int) -> list:  # R's c()
    return list(v)


@pytest.mark.parametrize(("fn", "inputs", "second"), CASES)
def test_gradcheck(fn: object, inputs: list, second: bool) -> None:
    gradcheck(fn, inputs, second_order=second)


def test_every_rule_is_exercised() -> None:
    """Each rule of the table (except those of other modules' sections) runs in some case above."""
    import inspect  # noqa: PLC0415

    from rtorch_py._core import autograd  # noqa: PLC0415
    from rtorch_py._core import derivatives as DT  # noqa: N812, PLC0415

    called: set[str] = set()
    original = autograd.Node.__init__

    def spy(self, name, rule, *a, **k):  # noqa: ANN001, ANN202
        called.add(getattr(rule, "__name__", "?"))
        original(self, name, rule, *a, **k)

    autograd.Node.__init__ = spy
    try:
        for p in CASES:
            fn, inputs, _ = p.values
            arrays = [np.asarray(v) for v in inputs]
            xs = [rt.torch_tensor(v, requires_grad=v.dtype.kind == "f") for v in arrays]
            out = fn(*xs)
            rt.autograd_grad([out], [x for x in xs if x.requires_grad], [rt.torch_ones_like(out)],
                             allow_unused=True, create_graph=True)
    finally:
        autograd.Node.__init__ = original
    import re  # noqa: PLC0415

    from rtorch_py._core import ops as ops_module  # noqa: PLC0415

    # the core's rules: those ops.py (the primitives of this module) records; other modules' sections have
    # their own tests
    used = set(re.findall(r"\bD\.([a-z_0-9]+)", inspect.getsource(ops_module)))
    rules = {n for n in used if inspect.isfunction(getattr(DT, n, None))}
    missing = rules - called
    assert not missing, f"rules never exercised: {sorted(missing)}"
