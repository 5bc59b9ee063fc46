"""Properties against numpy (hypothesis): broadcasting of binary ops, with the gradient summed back to each
input's shape; reductions (sum, mean, max, min, prod, var, std, amax) over random dims with keepdim."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rtorch_py as rt
from rtorch_py import Tensor

SETTINGS = settings(max_examples=60, deadline=None)
FLOATS = st.floats(-10, 10, allow_nan=False, width=64)


def tensor(a: np.ndarray, grad: bool = False) -> Tensor:
    return rt.torch_tensor(np.asarray(a), requires_grad=grad)


@st.composite
def broadcast_pair(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4))
    a = draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=FLOATS))
    b = draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=st.floats(0.5, 10, width=64)))
    return a, b


BINARY = {
    "add": (rt.torch_add, np.add), "sub": (rt.torch_sub, np.subtract), "mul": (rt.torch_mul, np.multiply),
    "div": (rt.torch_div, np.divide), "maximum": (rt.torch_maximum, np.maximum),
    "minimum": (rt.torch_minimum, np.minimum), "pow": (lambda a, b: rt.torch_pow(rt.torch_abs(a), b),
                                                       lambda a, b: np.abs(a) ** b),
    "atan2": (rt.torch_atan2, np.arctan2), "remainder": (rt.torch_remainder, np.remainder),
    "eq": (rt.torch_eq, np.equal), "lt": (rt.torch_lt, np.less), "ge": (rt.torch_ge, np.greater_equal),
}


@SETTINGS
@given(broadcast_pair(), st.sampled_from(sorted(BINARY)))
def test_binary_ops_broadcast_like_numpy(pair: tuple, name: str) -> None:
    a, b = pair
    ours, ref = BINARY[name]
    out = ours(tensor(a), tensor(b))
    expected = ref(a, b)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out._data, expected, rtol=1e-12, atol=1e-12)


@SETTINGS
@given(broadcast_pair())
def test_broadcast_gradients_sum_back_to_input_shapes(pair: tuple) -> None:
    a, b = pair
    ta, tb = tensor(a, True), tensor(b, True)
    out = ta * tb
    w = np.arange(out._data.size, dtype=np.float64).reshape(out.shape)
    (out * tensor(w)).sum().backward()
    full = np.broadcast_shapes(a.shape, b.shape)
    ga = np.broadcast_to(b, full) * w
    gb = np.broadcast_to(a, full) * w
    for grad, g_full, shape in [(ta.grad, ga, a.shape), (tb.grad, gb, b.shape)]:
        lead = len(full) - len(shape)
        axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and full[lead + i] != 1)
        expected = np.sum(g_full, axis=axes, keepdims=True).reshape(shape)
        assert grad.shape == shape
        np.testing.assert_allclose(grad._data, expected, rtol=1e-10, atol=1e-10)


@st.composite
def reduction_case(draw: st.DrawFn) -> tuple[np.ndarray, list[int], bool]:
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4))
    a = draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3, width=64), unique=True))
    dims = draw(st.lists(st.integers(1, len(shape)), min_size=1, max_size=len(shape), unique=True))
    dims = [d if draw(st.booleans()) else d - len(shape) - 1 for d in dims]  # R: negative counts from the end
    return a, dims, draw(st.booleans())


def _axes(dims: list[int], ndim: int) -> tuple[int, ...]:
    return tuple(d - 1 if d > 0 else d + ndim for d in dims)


@SETTINGS
@given(reduction_case(), st.sampled_from(["sum", "mean", "amax", "amin", "var", "std", "norm", "logsumexp"]))
def test_multi_dim_reductions_match_numpy(case: tuple, name: str) -> None:
    a, dims, keep = case
    ax = _axes(dims, a.ndim)
    ref = {"sum": lambda: np.sum(a, ax, keepdims=keep), "mean": lambda: np.mean(a, ax, keepdims=keep),
           "amax": lambda: np.max(a, ax, keepdims=keep), "amin": lambda: np.min(a, ax, keepdims=keep),
           "var": lambda: np.var(a, ax, ddof=1, keepdims=keep), "std": lambda: np.std(a, ax, ddof=1, keepdims=keep),
           "norm": lambda: np.sqrt(np.sum(a * a, ax, keepdims=keep)),
           "logsumexp": lambda: np.log(np.sum(np.exp(a), ax, keepdims=keep))}[name]
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = ref()
    out = getattr(rt, f"torch_{name}")(tensor(a), dim=dims, keepdim=keep)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out._data, expected, rtol=1e-10, atol=1e-12, equal_nan=True)


@SETTINGS
@given(reduction_case(), st.sampled_from(["max", "min", "prod", "cumsum", "cumprod", "argmax", "argmin"]))
def test_single_dim_reductions_match_numpy(case: tuple, name: str) -> None:
    a, dims, keep = case
    dim = dims[0]
    ax = _axes([dim], a.ndim)[0]
    if name in ("max", "min"):
        v, i = getattr(rt, f"torch_{name}")(tensor(a), dim=dim, keepdim=keep)
        np.testing.assert_array_equal(v._data, (np.max if name == "max" else np.min)(a, ax, keepdims=keep))
        idx = (np.argmax if name == "max" else np.argmin)(a, ax, keepdims=keep) + 1  # 1-based
        np.testing.assert_array_equal(i._data, idx)
        return
    if name in ("argmax", "argmin"):
        out = getattr(rt, f"torch_{name}")(tensor(a), dim=dim, keepdim=keep)
        np.testing.assert_array_equal(out._data, getattr(np, name)(a, ax, keepdims=keep) + 1)
        return
    if name == "prod":
        out = rt.torch_prod(tensor(a), dim=dim, keepdim=keep)
        expected = np.prod(a, ax, keepdims=keep)
    else:
        out = getattr(rt, f"torch_{name}")(tensor(a), dim=dim)
        expected = getattr(np, name)(a, ax)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out._data, expected, rtol=1e-10, atol=1e-12)


@SETTINGS
@given(reduction_case())
def test_reduction_gradients_have_input_shape(case: tuple) -> None:
    """sum/mean over dims: the gradient is the (scaled) upstream gradient broadcast back."""
    a, dims, keep = case
    x = tensor(a, True)
    out = rt.torch_mean(x, dim=dims, keepdim=keep)
    g = np.arange(1.0, out._data.size + 1).reshape(out.shape)
    out.backward(tensor(g))
    ax = _axes(dims, a.ndim)
    n = int(np.prod([a.shape[i] for i in ax]))
    gk = g if keep else np.expand_dims(g, tuple(sorted(ax)))
    np.testing.assert_allclose(x.grad._data, np.broadcast_to(gk, a.shape) / n, rtol=1e-12)


@SETTINGS
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=5),
                  elements=st.floats(-5, 5, width=64)))
def test_sum_of_int_and_bool_and_keepdim_default(a: np.ndarray) -> None:
    ai = np.round(a).astype(np.int64)
    out = rt.torch_sum(tensor(ai), dim=1)
    assert out.dtype is rt.torch_long()
    np.testing.assert_array_equal(out._data, ai.sum(0))
    b = a > 0
    assert rt.torch_sum(tensor(b)).item() == int(b.sum())
    assert rt.torch_sum(tensor(b)).dtype is rt.torch_long()
