"""Every op of the tensor core against PyTorch: values, dtypes and shapes, grad_fn names and gradients
(fixtures written by tools/make_core_fixtures.py; R-style calls, so 1-based dims and indices)."""

from __future__ import annotations

import numpy as np
import pytest
from fixture_cases import array, check_value, load, run

from rtorch_py import Tensor, autograd_grad

CASES = load("core_ops.json")["cases"]
IDS = [c["id"] for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_values_match_pytorch(case: dict) -> None:
    out, _ = run(case, requires_grad=False)
    check_value(out, case["out"], case["id"])


GRAD_CASES = [c for c in CASES if "grad_fn" in c]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c["id"] for c in GRAD_CASES])
def test_grad_fn_and_gradients_match_pytorch(case: dict) -> None:
    out, leaves = run(case)
    first = out[0] if isinstance(out, (list, tuple)) else out
    check_value(out, case["out"], case["id"])  # recording must not change values
    assert first.grad_fn is not None, "no grad_fn recorded"
    if case["fn"] == "torch_einsum":  # libtorch's einsum is a composite whose last op varies; ours is one node
        assert first.grad_fn.name == "EinsumBackward"
    else:
        assert first.grad_fn.name == case["grad_fn"], f"grad_fn {first.grad_fn.name}, libtorch {case['grad_fn']}"
    if "grads" not in case:
        return
    wanted = [t for t in leaves if t.requires_grad]
    cot = Tensor._wrap(np.asarray(case["cot"], dtype=first._data.dtype).reshape(first.shape))
    grads = autograd_grad([first], wanted, [cot], allow_unused=True)
    assert len(grads) == len(case["grads"])
    for i, (g, e) in enumerate(zip(grads, case["grads"])):
        if e is None:
            assert g is None or not np.any(g._data), f"input {i}: expected no gradient"
            continue
        assert g is not None, f"input {i}: no gradient"
        exp = array(e)
        assert g.shape == exp.shape and g._data.dtype == exp.dtype, f"input {i}: {g.shape} {g._data.dtype}"
        f64 = exp.dtype == np.float64 and first._data.dtype == np.float64  # else computed in float32
        tol = {"rtol": 1e-9, "atol": 1e-10} if f64 else {"rtol": 1e-4, "atol": 1e-5}
        np.testing.assert_allclose(g._data, exp, equal_nan=True, err_msg=f"gradient of input {i}", **tol)


def test_fixture_covers_issue_functions() -> None:
    fns = {c["fn"] for c in CASES}
    for name in ["add", "sub", "mul", "div", "pow", "abs", "exp", "log", "log1p", "log2", "log10", "expm1",
                 "sqrt", "rsqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "clamp", "sign", "floor",
                 "ceil", "round", "trunc", "fmod", "remainder", "maximum", "minimum", "where", "lerp",
                 "reciprocal", "square", "sum", "mean", "prod", "max", "min", "argmax", "argmin", "std", "var",
                 "norm", "logsumexp", "cumsum", "cumprod", "all", "any", "matmul", "mm", "bmm", "mv", "dot",
                 "outer", "t", "einsum", "reshape", "squeeze", "unsqueeze", "flatten", "permute", "transpose",
                 "cat", "stack", "split", "chunk", "narrow", "flip", "gather", "scatter", "index_select",
                 "masked_fill", "masked_select", "nonzero", "sort", "topk", "eq", "ne", "lt", "le", "gt", "ge",
                 "isnan", "isinf", "allclose", "equal", "arange", "linspace", "logspace", "eye", "neg"]:
        assert f"torch_{name}" in fns, name
    for m in ["view", "expand", "repeat"]:
        assert f"method_{m}" in fns


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_mean_is_numpys_mean_bit_for_bit(dtype: type) -> None:
    """ops._np_mean (a sum, then a division in the data's type) equals np.mean (division in float64)."""
    from rtorch_py._core.ops import _np_mean

    rng = np.random.default_rng(7)
    for t in range(400):
        nd = int(rng.integers(0, 4))
        d = (rng.standard_normal(tuple(rng.integers(1, 30 if nd < 3 else 8, nd))) * 10.0 ** rng.integers(-4, 5)
             + rng.integers(-3, 4)).astype(dtype)
        if nd and t % 3 == 0:
            d = d.T
        axes = [None] + [tuple(sorted(set(rng.integers(0, nd, k).tolist()))) for k in range(1, nd + 1)]
        for ax in axes:
            for keepdim in (False, True):
                want, got = np.mean(d, axis=ax, keepdims=keepdim), _np_mean(d, ax, keepdim)
                assert type(got) is type(want)
                assert np.asarray(got).dtype == np.asarray(want).dtype
                assert np.asarray(got).tobytes() == np.asarray(want).tobytes(), (d.shape, ax, keepdim)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_short_last_axis_max_is_numpys_max(dtype: type) -> None:
    """ops._max_keep's column-wise path (short last axis, many rows) gives np.max's maxima, NaN and -inf
    rows included; other shapes take np.max itself."""
    from rtorch_py._core.ops import _max_keep

    rng = np.random.default_rng(3)
    for shape in [(64, 32, 32), (4096, 2), (3, 5, 7, 64), (128, 65), (10, 3), (2, 3, 0)]:
        d = rng.standard_normal(shape).astype(dtype)
        if d.size:
            d.reshape(-1, shape[-1])[1] = -np.inf  # a fully masked row
            d.reshape(-1, shape[-1])[2, -1] = np.nan
            d.reshape(-1, shape[-1])[3, 0] = np.inf
        for t in (d, d[..., ::-1]):
            want = np.max(t, axis=-1, keepdims=True, initial=-np.inf if not t.size else None)
            got = _max_keep(t, t.ndim - 1)
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(got, want)


def _blas_mean(a: np.ndarray, k: int) -> np.ndarray:
    n = int(np.prod(a.shape[-k:]))
    return ((a.reshape(-1, n) @ np.ones(n, a.dtype)) / a.dtype.type(n)).reshape(a.shape[:-k] + (1,) * k)


def test_layer_norm_is_the_mean_and_var_formula() -> None:
    """nn_ops.layer_norm computes the mean and (biased) variance steps itself, the means as matrix-vector
    products with ones (BLAS sums, divided by the count): the same bits as ``(d - mean(d)) / sqrt(mean((d -
    mean(d))^2) + eps) * w + b`` with those means, and numpy's np.mean / np.var within float32 rounding."""
    from rtorch_py._core import nn_ops

    rng = np.random.default_rng(5)
    for shape, k in [((16, 32, 64), 1), ((7, 5, 3), 2), ((4, 1000), 1), ((3, 4, 5, 6), 3), ((2, 1), 1)]:
        for dtype in (np.float32, np.float64):
            d = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
            w = rng.standard_normal(shape[-k:]).astype(dtype)
            b = rng.standard_normal(shape[-k:]).astype(dtype)
            c = d - _blas_mean(d, k)
            xhat = c * (1 / np.sqrt(_blas_mean(c * c, k) + 1e-5))
            got = nn_ops.layer_norm(Tensor._wrap(d), Tensor._wrap(w), Tensor._wrap(b), k, 1e-5)._data
            assert got.tobytes() == (xhat * w + b).tobytes(), (shape, dtype)
            axes = tuple(range(d.ndim - k, d.ndim))
            numpys = (d - np.mean(d, axis=axes, keepdims=True)) / np.sqrt(np.var(d, axis=axes, keepdims=True)
                                                                          + 1e-5) * w + b
            np.testing.assert_allclose(got, numpys, rtol=1e-5 if dtype == np.float32 else 1e-12,
                                       atol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mm2d_outer_product_is_numpys_matmul_bit_for_bit(dtype: type) -> None:
    """ops.mm2d takes a broadcast product (+ 0.0) for an inner dimension of 1: np.matmul's bits, signed zeros,
    infinities, NaN and subnormals included; other shapes are np.matmul itself."""
    from rtorch_py._core.ops import mm2d

    rng = np.random.default_rng(11)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -1e-45, 3e38, -3e38, 2.0**-20], dtype)
    with np.errstate(all="ignore"):
        for t in range(200):
            n, m, k = (int(v) for v in rng.integers(1, 70, 3))
            a = rng.standard_normal((n, 1 if t % 4 else k)).astype(dtype)
            b = rng.standard_normal((a.shape[1], m)).astype(dtype)
            a.flat[rng.integers(0, a.size, 3)] = rng.choice(special, 3)
            b.flat[rng.integers(0, b.size, 3)] = rng.choice(special, 3)
            for x, y in ((a, b), (np.asfortranarray(a), b), (a, np.ascontiguousarray(b.T).T)):
                want, got = np.matmul(x, y), mm2d(x, y)
                assert got.dtype == want.dtype and got.shape == want.shape
                nan = np.isnan(want)
                assert np.array_equal(nan, np.isnan(got))
                assert want[~nan].tobytes() == got[~nan].tobytes(), (n, m, t)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_select_or_zero_is_np_where_bit_for_bit(dtype: type) -> None:
    """ops._select_or_zero (x's bits times the 0/1 mask: relu's and where's gradient) equals np.where(c, x, 0)
    / np.where(c, 0, x): +0.0 where not selected, signed zeros, infinities, NaN and subnormals kept where
    selected."""
    from rtorch_py._core.ops import _select_or_zero

    rng = np.random.default_rng(5)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 1e-40, -1e-45], np.float64).astype(dtype)
    for t in range(300):
        shape = tuple(int(s) for s in rng.integers(1, 20, int(rng.integers(1, 4))))
        x = rng.standard_normal(shape).astype(dtype)
        x.flat[rng.integers(0, x.size, 4)] = rng.choice(special, 4)
        c = rng.random(shape) < 0.5
        if t % 3 == 0:
            c = np.asfortranarray(c)
        for xa, xb in ((x, 0.0), (0.0, x), (x, 0)):
            got, want = _select_or_zero(c, xa, xb), np.where(c, xa, xb).astype(dtype)
            assert got is not None and got.dtype == want.dtype
            assert got.tobytes() == want.tobytes(), (t, shape)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_by_clip_is_np_maximum_bit_for_bit(dtype: type, monkeypatch: pytest.MonkeyPatch) -> None:
    """ops._relu's clip (large float arrays) gives the small arrays' np.maximum(0, x) bits (libtorch's relu):
    negatives and -inf to +0.0, -0.0 kept, NaN of either sign kept, subnormals and +inf kept; C- and F-ordered,
    on 1 and 3 threads."""
    from rtorch_py._core import ops, parallel
    from rtorch_py._core.ops import _relu

    rng = np.random.default_rng(6)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 1e-40, -1e-45, 6e-8], np.float64).astype(dtype)
    x = rng.standard_normal((40, 1000)).astype(dtype)  # above _RELU_CLIP, half of it too
    x.flat[rng.integers(0, x.size, 2000)] = rng.choice(special, 2000)
    assert x[:, ::2].size >= ops._RELU_CLIP
    want = np.maximum(0, x)
    assert np.signbit(want[x == 0]).any() and not np.signbit(want[x < 0]).any()
    for threads in (1, 3):
        monkeypatch.setitem(parallel._state, "threads", threads)
        monkeypatch.setitem(parallel._state, "blas", (lambda: 1, lambda n: None))
        monkeypatch.setitem(parallel._state, "pool", None)
        monkeypatch.setattr(parallel, "_MIN_ELEMENTS", 1000)
        try:
            for a in (x, np.asfortranarray(x), x[:, ::2]):
                got = _relu(a)
                assert got.dtype == a.dtype and got.tobytes() == np.maximum(0, a).tobytes()
            assert _relu(x).tobytes() == want.tobytes()
        finally:
            if parallel._state["pool"] is not None:
                parallel._state["pool"].shutdown()
