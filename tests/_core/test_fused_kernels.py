"""The fused kernels of the performance work: ``lstm_layer`` (a whole LSTM layer as one node) against its
step-by-step primitive version and finite differences; conv / max pool fast paths against their definitions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py._core import nn_ops as NO
from tests.gradcheck import gradcheck

T, B, I, H = 4, 3, 5, 2
SHAPES = [(T, B, I), (B, H), (B, H), (4 * H, I), (4 * H, H), (4 * H,), (4 * H,)]


def _args(seed: int = 0) -> list[np.ndarray]:
    r = np.random.default_rng(seed)
    return [r.standard_normal(s) for s in SHAPES]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_layer_forward_is_the_step_by_step_layer(reverse: bool, seed: int) -> None:
    """The fused layer sums the biases first and takes the sigmoid as 1 / (1 + exp(-x)): not the reference's
    bits, but as close to the exact (float64) layer as the reference itself, in float32 within 4e-7 of it (a
    few ulps of these O(1) states; it gets 1.8e-7 here), in float64 within 1e-14."""
    args = [a.astype(np.float32) for a in _args(seed)]
    exact = NO.lstm_layer_reference(*[rt.torch_tensor(a.astype(np.float64)) for a in args], reverse=reverse)._data
    for dtype, atol in ((np.float32, 4e-7), (np.float64, 1e-14)):
        ts = [rt.torch_tensor(a.astype(dtype)) for a in args]
        fused = NO.lstm_layer(*ts, reverse=reverse)._data
        steps = NO.lstm_layer_reference(*ts, reverse=reverse)._data
        assert fused.dtype == dtype
        np.testing.assert_allclose(fused, steps, rtol=0, atol=atol)
        if dtype == np.float32:
            assert np.abs(fused - exact).max() <= np.abs(steps - exact).max() + 1e-7


def test_lstm_layer_saturated_gates() -> None:
    """Pre-activations of +-1e4 (exp(-x) overflowing to inf: the gate is 1 / inf = 0) and NaN: the float64
    layer's values to float32 rounding, NaN where it has NaN, and no floating-point warning."""
    args = [a.astype(np.float32) for a in _args(8)]
    args[3] = args[3] * np.float32(5e3)
    args[0][1, 0, 0] = np.nan  # batch row 0 NaN from step 1 on
    exact = NO.lstm_layer_reference(*[rt.torch_tensor(a.astype(np.float64)) for a in args])._data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fused = NO.lstm_layer(*[rt.torch_tensor(a, requires_grad=True) for a in args])._data
    assert np.isnan(exact).any() and not np.isnan(exact[:, :, 1:]).any()
    np.testing.assert_array_equal(np.isnan(fused), np.isnan(exact))
    np.testing.assert_allclose(fused, exact, rtol=0, atol=4e-7)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_lstm_layer_gradcheck(reverse: bool, bias: bool) -> None:
    args = _args(2)
    if bias:
        gradcheck(lambda *t: NO.lstm_layer(*t, reverse=reverse), args)
    else:
        gradcheck(lambda x, h, c, wi, wh: NO.lstm_layer(x, h, c, wi, wh, None, None, reverse=reverse), args[:5])


@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_layer_second_order(reverse: bool) -> None:
    gradcheck(lambda *t: NO.lstm_layer(*t, reverse=reverse), _args(3), second_order=True)


def test_lstm_layer_gradient_is_the_step_by_step_gradient() -> None:
    """float32: the fused rule's gradients agree with the primitives' graph (a different summation order)."""
    args = [a.astype(np.float32) for a in _args(4)]
    grads = []
    for fn in (NO.lstm_layer, NO.lstm_layer_reference):
        ts = [rt.torch_tensor(a, requires_grad=True) for a in args]
        out = fn(*ts)
        (out * rt.torch_tensor(np.linspace(-1, 1, out.numel()).reshape(out.shape).astype(np.float32))).sum().backward()
        grads.append([t.grad._data for t in ts])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("wanted", [(0,), (1, 2), (3, 5), (4,), (0, 4, 6), (0, 1, 2, 3, 4, 5, 6)])
def test_lstm_layer_gradient_of_some_inputs(reverse: bool, wanted: tuple) -> None:
    """float64: only the inputs that require grad get one (the rule's one GEMM over [x | h_prev | 1] is cut to
    them), each the step-by-step layer's gradient; the others get None."""
    args = _args(5)
    grads = []
    for fn in (NO.lstm_layer, NO.lstm_layer_reference):
        ts = [rt.torch_tensor(a, requires_grad=k in wanted) for k, a in enumerate(args)]
        out = fn(*ts, reverse=reverse)
        (out * rt.torch_tensor(np.linspace(-1, 1, out.numel()).reshape(out.shape))).sum().backward()
        grads.append([t.grad for t in ts])
    for k, (a, b) in enumerate(zip(*grads)):
        if k in wanted:
            np.testing.assert_allclose(a._data, b._data, rtol=1e-12, atol=1e-13)
        else:
            assert a is None and b is None


@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_layer_gradient_over_several_factor_chunks(reverse: bool) -> None:
    """float64, 2 * _LSTM_CHUNK + 2 steps: the backward factors are made a chunk of steps at a time (the last
    chunk shorter), each step's from its own previous cell state; gradients equal the step-by-step layer's."""
    steps = 2 * NO._LSTM_CHUNK + 2
    r = np.random.default_rng(9)
    args = [r.standard_normal((steps, B, I)), *(r.standard_normal(s) for s in SHAPES[1:])]
    weights = rt.torch_tensor(r.standard_normal((steps, 2, B, H)))
    grads = []
    for fn in (NO.lstm_layer, NO.lstm_layer_reference):
        ts = [rt.torch_tensor(a, requires_grad=True) for a in args]
        (fn(*ts, reverse=reverse) * weights).sum().backward()
        grads.append([t.grad._data for t in ts])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)


def test_lstm_layer_second_backward_through_a_kept_graph() -> None:
    """The rule writes its gate gradients over the saved factors; a second backward (retain_graph) recomputes
    them and gives the same gradients (accumulated: twice the first)."""
    ts = [rt.torch_tensor(a.astype(np.float32), requires_grad=True) for a in _args(10)]
    loss = (NO.lstm_layer(*ts, reverse=True) * rt.torch_tensor(np.float32(0.5))).sum()
    loss.backward(retain_graph=True)
    first = [t.grad._data.copy() for t in ts]
    loss.backward()
    for t, f in zip(ts, first):
        np.testing.assert_allclose(t.grad._data, 2 * f, rtol=1e-6, atol=1e-7)


def test_lstm_layer_without_grad_mode_gives_the_same_values() -> None:
    """Under no_grad the layer keeps one step's gates (no saved factors): the same output, no node."""
    ts = [rt.torch_tensor(a.astype(np.float32), requires_grad=True) for a in _args(6)]
    with_graph = NO.lstm_layer(*ts)
    with rt.with_no_grad():
        plain = NO.lstm_layer(*ts)
    assert with_graph.grad_fn is not None and plain.grad_fn is None
    np.testing.assert_array_equal(with_graph._data, plain._data)


def test_nn_lstm_whole_layers_match_the_step_path() -> None:
    """nn_lstm's unpacked path (one node per layer and direction) gives the per-step cells' outputs and
    states."""
    rt.torch_manual_seed(5)
    m = rt.nn_lstm(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    x = rt.torch_randn(2, 6, 3)
    out, (h, c) = m(x)
    m._whole_layers = lambda: False  # the step-wise path of _RNNBase
    out2, (h2, c2) = m(x)
    # Equal up to the GEMM's blocking: the fused input projection is one product over all steps.
    for a, b in ((out, out2), (h, h2), (c, c2)):
        np.testing.assert_allclose(a._data, b._data, rtol=1e-6, atol=1e-7)


def test_max_pool_nan_and_ties_follow_libtorch_scan() -> None:
    """First maximum wins a tie; a NaN wins over numbers, the last NaN of a window over earlier ones."""
    x = np.array([[[[1.0, 1.0, 2.0, np.nan], [0.0, 1.0, np.nan, 5.0]]]], dtype=np.float32)
    out, idx = NO.max_pool2d(rt.torch_tensor(x), (2, 2), (2, 2), (0, 0), (1, 1), (1, 2))
    assert idx.tolist() == [[[[0, 6]]]]
    assert out._data[0, 0, 0, 0] == 1.0 and np.isnan(out._data[0, 0, 0, 1])


def test_max_pool_disjoint_gradient_lands_on_the_argmax() -> None:
    r = np.random.default_rng(6)
    x = rt.torch_tensor(r.standard_normal((2, 3, 4, 6)).astype(np.float32), requires_grad=True)
    out, idx = NO.max_pool2d(x, (2, 2), (2, 2), (0, 0), (1, 1), (2, 3))
    g = r.standard_normal(out.shape).astype(np.float32)
    (out * rt.torch_tensor(g)).sum().backward()
    want = np.zeros((2, 3, 24), dtype=np.float32)
    np.put_along_axis(want, idx.reshape(2, 3, -1), g.reshape(2, 3, -1), axis=2)
    np.testing.assert_array_equal(x.grad._data, want.reshape(2, 3, 4, 6))


def _scan_max_pool(x: np.ndarray, k: tuple[int, int], out: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """libtorch's scan over each window, element by element (strictly greater replaces): the definition."""
    n, c = x.shape[:2]
    best = np.empty((n, c) + out, dtype=x.dtype)
    flat = np.empty((n, c) + out, dtype=np.int64)
    for a, b, i, j in np.ndindex(n, c, *out):
        win = x[a, b, i * k[0]:(i + 1) * k[0], j * k[1]:(j + 1) * k[1]]
        q = 0
        for e in range(1, win.size):
            if win.flat[e] > win.flat[q]:
                q = e
        best[a, b, i, j] = win.flat[q]
        flat[a, b, i, j] = (i * k[0] + q // k[1]) * x.shape[3] + j * k[1] + q % k[1]
    return best, flat


@pytest.mark.parametrize("k", [(2, 2), (3, 2), (1, 3), (2, 1), (3, 3)])
def test_max_pool_tiled_windows_are_the_scan(k: tuple[int, int]) -> None:
    """Windows that tile the input (stride = kernel) take the whole-array path: same values (signed zeros
    included), same argmax (ties: the first in row-major order) as the scan, for floats and integers, with
    rows / columns left over."""
    r = np.random.default_rng(sum(k))
    for dtype in (np.float32, np.float64, np.int64):
        x = r.integers(-2, 3, (2, 3, 2 * k[0] + 1, 3 * k[1] + 1)).astype(dtype)
        if dtype != np.int64:
            x[x == 0] *= np.where(r.random(int((x == 0).sum())) < 0.5, -1, 1).astype(dtype)  # +0.0 / -0.0
        out = (x.shape[2] // k[0], x.shape[3] // k[1])
        got, idx = NO.max_pool2d(rt.torch_tensor(x), k, k, (0, 0), (1, 1), out)
        want, want_idx = _scan_max_pool(x, k, out)
        assert got._data.dtype == dtype
        np.testing.assert_array_equal(got._data, want)
        np.testing.assert_array_equal(np.signbit(got._data), np.signbit(want))
        np.testing.assert_array_equal(idx, want_idx)


def test_sigmoid_is_the_stable_two_branch_formula_bit_for_bit() -> None:
    """sigmoid(x) = 1 / (1 + e) for x >= 0, e / (1 + e) below (e = exp(-|x|)), as selected elementwise; the
    branch-free form gives the same bits, zeros / infinities / NaN included."""
    r = np.random.default_rng(8)
    for dtype, bits in ((np.float32, np.uint32), (np.float64, np.uint64)):
        x = (r.standard_normal(5000) * np.exp(r.uniform(-20, 5, 5000))).astype(dtype)
        x[:6] = [0.0, -0.0, np.inf, -np.inf, 90.0, -90.0]
        e = np.exp(-np.abs(x))
        want = np.array([1 / (1 + v) if s >= 0 else v / (1 + v) for s, v in zip(x, e)], dtype=dtype)
        got = rt.torch_sigmoid(rt.torch_tensor(x))._data
        np.testing.assert_array_equal(got.view(bits), want.view(bits))
        assert np.isnan(rt.torch_sigmoid(rt.torch_tensor(np.array([np.nan], dtype=dtype)))._data[0])


def test_relu_keeps_positives_zeros_and_nan_and_writes_plus_zero_for_negatives() -> None:
    """relu as libtorch's: x where x >= 0 or NaN (bits kept, -0.0 too), +0.0 for negatives, on the small and the
    large (clip) path; strided inputs keep their layout as np.maximum's result does."""
    r = np.random.default_rng(9)
    for dtype, bits in ((np.float32, np.uint32), (np.float64, np.uint64)):
        x = r.integers(0, np.iinfo(bits).max, 10000, dtype=bits, endpoint=True).view(dtype)  # the mask path
        x[:6] = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan]
        keep = ~(x < 0)
        want = np.array([v if k else dtype(0.0) for v, k in zip(x, keep)], dtype=dtype)
        got = rt.nnf_relu(rt.torch_tensor(x))._data
        np.testing.assert_array_equal(got.view(bits), want.view(bits))
        small = rt.nnf_relu(rt.torch_tensor(x[:50]))._data  # (np.maximum's path)
        np.testing.assert_array_equal(small.view(bits), want[:50].view(bits))
        xt = x.reshape(100, 100).T
        got_t = rt.nnf_relu(rt.torch_tensor(xt))._data
        np.testing.assert_array_equal(got_t.view(bits), want.reshape(100, 100).T.view(bits))


def test_safe_softmax_zeroes_fully_masked_rows_only() -> None:
    """libtorch's _safe_softmax: a row that is -Inf everywhere gives zeros; a partly masked row is a softmax
    over its finite entries; a NaN row stays NaN (it is not 'fully masked')."""
    x = np.array([[-np.inf, -np.inf, -np.inf], [0.0, 1.0, -np.inf], [np.nan, -np.inf, -np.inf]], np.float32)
    got = NO.safe_softmax(rt.torch_tensor(x))._data
    np.testing.assert_array_equal(got[0], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(got[1], [1 / (1 + np.e), np.e / (1 + np.e), 0.0], rtol=1e-6)
    assert np.isnan(got[2]).all()


LN_CASES = [((4, 5), 1, True, True), ((2, 3, 4), 2, True, False), ((3, 2, 6), 1, False, True),
            ((2, 4), 1, False, False)]


@pytest.mark.parametrize("shape, k, with_w, with_b", LN_CASES)
def test_layer_norm_node_is_the_primitive_layer_norm(shape: tuple, k: int, with_w: bool, with_b: bool) -> None:
    """The one-node layer norm: forward the primitives' within float32 rounding (its means are matrix-vector
    products: the BLAS's summation order), its closed-form gradient close to theirs (float32), finite
    differences to second order (float64), libtorch's node name."""
    r = np.random.default_rng(len(shape) + k)
    ns = shape[len(shape) - k:]
    xs = [r.standard_normal(shape) * 3 + 1, r.standard_normal(ns) if with_w else None,
          r.standard_normal(ns) if with_b else None]
    ts = [None if a is None else rt.torch_tensor(a.astype(np.float32), requires_grad=True) for a in xs]
    fused = NO.layer_norm(*ts, k, 1e-5)
    ref = NO.layer_norm_reference(*ts, k, 1e-5)
    np.testing.assert_allclose(fused._data, ref._data, rtol=1e-6, atol=1e-6)
    assert fused.grad_fn.name() == "NativeLayerNormBackward0"
    g = rt.torch_tensor(r.standard_normal(shape).astype(np.float32))
    want = rt.autograd_grad([ref], [t for t in ts if t is not None], [g])
    got = rt.autograd_grad([fused], [t for t in ts if t is not None], [g])
    for a, b in zip(got, want):
        np.testing.assert_allclose(a._data, b._data, rtol=1e-5, atol=1e-5)
    args = [a for a in xs if a is not None]

    def fn(x: rt.Tensor, *wb: rt.Tensor) -> rt.Tensor:
        it = iter(wb)
        return NO.layer_norm(x, next(it) if with_w else None, next(it) if with_b else None, k, 1e-5)

    gradcheck(fn, args)
    gradcheck(fn, args, second_order=True)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_is_the_stable_sigmoid_bit_for_bit(dtype: type) -> None:
    """ops._sigmoid (torch_sigmoid) against the stable formula with an explicit selection: 1 / (1 + e) for
    x >= 0, e / (1 + e) below, e = exp(-|x|); special values included (NaN, +-inf, +-0, subnormals, exp
    underflowing)."""
    from rtorch_py._core import ops as O

    r = np.random.default_rng(7)
    d = (r.standard_normal((40, 30)) * 25).astype(dtype)
    d.flat[:9] = [np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, -200.0]
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(d))
        want = np.where(d >= 0, 1 / (1 + e), e / (1 + e)).astype(dtype)
        got = O._sigmoid(d)
    assert got.dtype == dtype
    nan = np.isnan(want)  # NaN where NaN (its sign bit aside)
    np.testing.assert_array_equal(np.isnan(got), nan)
    np.testing.assert_array_equal(got[~nan].view(np.uint8), want[~nan].view(np.uint8))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, axis", [((3, 4, 5), -1), ((3, 4, 5), 0), ((6,), 0)])
def test_softmax_first_order_rule_is_the_general_form_bit_for_bit(dtype: type, shape: tuple, axis: int) -> None:
    """The numpy first-order softmax rule (one buffer) gives the bits of out * (g - sum(g * out)) written with
    numpy, and softmax's forward those of exp(x - max) / sum (the exp now in place)."""
    r = np.random.default_rng(7)
    x = (r.standard_normal(shape) * 4).astype(dtype)
    g = r.standard_normal(shape).astype(dtype)
    t = rt.torch_tensor(x, requires_grad=True)
    out = rt.torch_softmax(t, axis + 1 if axis >= 0 else axis)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    want_out = e / e.sum(axis=axis, keepdims=True)
    np.testing.assert_array_equal(out._data, want_out)
    (got,) = rt.autograd_grad([out], [t], [rt.torch_tensor(g)])
    np.testing.assert_array_equal(got._data, want_out * (g - np.sum(g * want_out, axis=axis, keepdims=True)))
    # the general (graph-building) form, as used for a gradient of a gradient, agrees too
    (got2,) = rt.autograd_grad([rt.torch_softmax(t, axis + 1 if axis >= 0 else axis)], [t], [rt.torch_tensor(g)],
                               create_graph=True)
    np.testing.assert_array_equal(got2._data, got._data)


@pytest.mark.parametrize("with_w, w_grad", [(True, True), (True, False), (False, False)])
def test_layer_norm_rule_is_the_closed_form_bit_for_bit(with_w: bool, w_grad: bool) -> None:
    """The first-order layer-norm rule reuses its buffers: the bits of the closed form written plainly,
    dx = rstd * ((g w - mean(g w)) - xhat * mean(g w xhat)), dw = sum(g xhat), db = sum(g)."""
    r = np.random.default_rng(3)
    x = (r.standard_normal((4, 6, 8)) * 2 + 1).astype(np.float32)
    w = r.standard_normal(8).astype(np.float32)
    b = r.standard_normal(8).astype(np.float32)
    g = r.standard_normal((4, 6, 8)).astype(np.float32)
    tx = rt.torch_tensor(x, requires_grad=True)
    tw = rt.torch_tensor(w, requires_grad=w_grad) if with_w else None
    tb = rt.torch_tensor(b, requires_grad=True)
    out = NO.layer_norm(tx, tw, tb, 1, 1e-5)
    wanted = [tx, tb] + ([tw] if w_grad else [])
    got = rt.autograd_grad([out], wanted, [rt.torch_tensor(g)])
    centred = x - np.mean(x, axis=-1, keepdims=True)
    rstd = 1 / np.sqrt(np.mean(centred * centred, axis=-1, keepdims=True) + 1e-5)
    xhat = centred * rstd
    gh = g * w if with_w else g
    gx = (gh - np.mean(gh, axis=-1, keepdims=True)) - xhat * np.mean(gh * xhat, axis=-1, keepdims=True)
    np.testing.assert_array_equal(got[0]._data, gx * rstd)
    np.testing.assert_array_equal(got[1]._data, np.add.reduce(g, axis=(0, 1)))
    if w_grad:
        np.testing.assert_array_equal(got[2]._data, np.add.reduce(g * xhat, axis=(0, 1)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("which", ["both", "a", "b"])
def test_batched_matmul_first_order_rule_is_the_general_form_bit_for_bit(dtype: type, which: str) -> None:
    """matmul's first-order rule on the arrays (same batch dims, attention's products; b strided, a transposed
    view as attention's keys are) gives g b^T and a^T g bit for bit, and only the gradients wanted."""
    r = np.random.default_rng(11)
    a = r.standard_normal((6, 5, 4)).astype(dtype)
    bt = r.standard_normal((6, 3, 4)).astype(dtype)  # b = bt^T: a strided operand
    g = r.standard_normal((6, 5, 3)).astype(dtype)
    ta = rt.torch_tensor(a, requires_grad=which in ("both", "a"))
    tbt = rt.torch_tensor(bt, requires_grad=which in ("both", "b"))
    wanted = [t for t in (ta, tbt) if t.requires_grad]
    want = {"a": np.matmul(g, bt), "b": np.swapaxes(np.matmul(np.swapaxes(a, -1, -2), g), -1, -2)}
    names = [n for n, t in (("a", ta), ("b", tbt)) if t.requires_grad]
    got = rt.autograd_grad([rt.torch_matmul(ta, rt.torch_transpose(tbt, 2, 3))], wanted, [rt.torch_tensor(g)])
    assert len(got) == len(names)
    for n, v in zip(names, got):
        np.testing.assert_array_equal(v._data, want[n])
    # the graph-building form (a gradient of a gradient) gives the same first derivatives
    got2 = rt.autograd_grad([rt.torch_matmul(ta, rt.torch_transpose(tbt, 2, 3))], wanted, [rt.torch_tensor(g)],
                            create_graph=True)
    for v, v2 in zip(got, got2):
        np.testing.assert_array_equal(v2._data, v._data)


ATTN_CASES = [(5, 3, 12, 2), (4, 1, 8, 1), (3, 2, 6, 3), (9, 2, 8, 4)]  # (L, N, E, heads)


def _packed(length: int, batch: int, e: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((length, batch, 3 * e))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("length, batch, e, heads", ATTN_CASES)
def test_self_attention_packed_is_the_primitive_attention(length: int, batch: int, e: int, heads: int,
                                                          batch_first: bool) -> None:
    """The one-node self-attention against its primitives (split, scale, heads, matmul, softmax, matmul, merge):
    forward and first-order gradient (float32) within rounding of theirs (bit for bit unless the BLAS picks
    another kernel for a transposed operand); its node name; (N, L, 3E) in and (N, L, E) out when batch first."""
    p = _packed(length, batch, e, length).astype(np.float32)
    if batch_first:
        p = np.ascontiguousarray(p.transpose(1, 0, 2))
    scale = np.float32(1 / np.sqrt(e // heads))
    g = np.random.default_rng(1).standard_normal(p.shape[:2] + (e,)).astype(np.float32)
    outs, grads = [], []
    for fn in (NO.self_attention_packed, NO.self_attention_packed_reference):
        t = rt.torch_tensor(p, requires_grad=True)
        out = fn(t, heads, scale, batch_first)
        outs.append(out)
        grads.append(rt.autograd_grad([out], [t], [rt.torch_tensor(g)])[0]._data)
    assert outs[0].grad_fn.name() == "SelfAttentionPackedBackward0"
    assert outs[0]._data.dtype == np.float32 and outs[0].shape == p.shape[:2] + (e,)
    np.testing.assert_allclose(outs[0]._data, outs[1]._data, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("length, batch, e, heads", ATTN_CASES)
def test_self_attention_packed_gradcheck(length: int, batch: int, e: int, heads: int, batch_first: bool) -> None:
    scale = np.float64(1 / np.sqrt(e // heads))
    gradcheck(lambda p: NO.self_attention_packed(p, heads, scale, batch_first), [_packed(length, batch, e, 2)])


@pytest.mark.parametrize("batch_first", [False, True])
def test_self_attention_packed_second_order(batch_first: bool) -> None:
    gradcheck(lambda p: NO.self_attention_packed(p, 2, np.float64(0.5), batch_first), [_packed(3, 2, 4, 3)],
              second_order=True)


def test_self_attention_packed_all_inf_scores_give_zero_weights() -> None:
    """safe_softmax's rule: a query whose scores are all -Inf attends to nothing (a zero output and no NaN),
    the reference's values."""
    p = _packed(3, 1, 2, 4)
    p[:, 0, 2:4] = 1.0  # keys of ones
    p[1, 0, 0:2] = -np.inf  # query 1: every score -Inf
    fused = NO.self_attention_packed(rt.torch_tensor(p), 1, np.float64(1.0))._data
    ref = NO.self_attention_packed_reference(rt.torch_tensor(p), 1, np.float64(1.0))._data
    np.testing.assert_array_equal(fused[1], 0.0)
    np.testing.assert_allclose(fused, ref, rtol=1e-12)


@pytest.mark.parametrize("n", [1, 5, 8, 13, 32, 64, 100, 128, 129, 300, 1000])
def test_pairwise_sum0_is_numpys_row_sum_bit_for_bit(n: int) -> None:
    """pairwise_sum0 over axis 0 repeats np.add.reduce's pairwise order over a contiguous last axis (signed
    zeros: a sum of -0s is +0, as numpy's)."""
    a = (np.random.default_rng(n).standard_normal((n, 40)) * 10.0 ** np.arange(-3, 5)[:, None].repeat(5)[:40])
    a[:, 0] = -0.0
    for dtype in (np.float32, np.float64):
        x = a.astype(dtype)
        got = NO.pairwise_sum0(x)
        assert got.tobytes() == np.add.reduce(np.ascontiguousarray(x.T), axis=-1).tobytes()


def test_transformer_layer_attention_is_one_node() -> None:
    """A transformer encoder layer (need_weights = FALSE, no dropout) runs its attention as one node."""
    rt.torch_manual_seed(3)
    layer = rt.nn_transformer_encoder_layer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)
    x = rt.torch_randn(2, 5, 8)
    out, w = layer.self_attn(x, x, x, need_weights=False)
    assert w is None
    names, stack, seen = set(), [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.add(str(node.name))
        stack.extend(e for e in node.next if e.__class__ is node.__class__)
    assert "SelfAttentionPackedBackward0" in names and "SoftmaxBackward0" not in names


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("masks", ["causal", "float3d", "padding", "both"])
def test_masked_self_attention_one_node_is_the_general_path(batch_first: bool, masks: str) -> None:
    """With an attn_mask (boolean causal, float per head) and/or a key_padding_mask (a fully masked query row
    included), the one-node attention (need_weights = FALSE) gives the general path's values and gradients
    (need_weights = TRUE runs the primitives), rows masked everywhere giving zeros."""
    rt.torch_manual_seed(4)
    n, length, e, h = 3, 5, 8, 2
    attn = rt.nn_multihead_attention(e, h, batch_first=batch_first)
    x0 = rt.torch_randn(n, length, e) if batch_first else rt.torch_randn(length, n, e)
    causal = rt.torch_tensor(np.triu(np.ones((length, length), bool), 1))
    per_head = rt.torch_tensor(np.random.default_rng(0).standard_normal((n * h, length, length)).astype(np.float32))
    pad = np.zeros((n, length), bool)
    pad[1, 3:] = True
    pad[2, :] = True  # every key of batch 2 masked: its rows get zero weights (need_weights = FALSE)
    kw = {"causal": {"attn_mask": causal}, "float3d": {"attn_mask": per_head},
          "padding": {"key_padding_mask": rt.torch_tensor(pad)},
          "both": {"attn_mask": causal, "key_padding_mask": rt.torch_tensor(pad)}}[masks]
    res = []
    for fused in (True, False):
        x = x0.clone().requires_grad_(True)
        if fused:
            out = attn(x, x, x, need_weights=False, **kw)[0]
        else:  # the general path; safe_softmax's zeros for fully masked rows, as need_weights = FALSE gives
            from rtorch_py.nn import attention as A
            out = A.nnf_multi_head_attention_forward(
                x, x.clone(), x.clone(), e, h, attn.in_proj_weight, attn.in_proj_bias, None, None, False, 0.0,
                attn.out_proj.weight, attn.out_proj.bias, need_weights=False, batch_first=batch_first, **kw)[0]
        g = rt.autograd_grad([out], [x, attn.in_proj_weight], [rt.torch_ones_like(out)])
        res.append((out._data, g[0]._data, g[1]._data))
    assert not np.isnan(res[0][0]).any()
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_self_attention_packed_masked_gradcheck() -> None:
    mask = np.random.default_rng(5).standard_normal((3 * 2, 4, 4))
    mask[:, 1, 2] = -np.inf
    gradcheck(lambda p: NO.self_attention_packed(p, 2, np.float64(0.5), False, mask), [_packed(4, 3, 4, 6)])
    gradcheck(lambda p: NO.self_attention_packed(p, 2, np.float64(0.5), True, mask[:1]), [_packed(3, 4, 4, 7)],
              second_order=True)
