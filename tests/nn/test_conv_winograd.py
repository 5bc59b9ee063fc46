"""The Winograd F(2x2, 3x3) path of 3x3 stride-1 convolutions (_core/nn_ops.py) and the tiled max pooling:
PyTorch's results (fixtures: tools/make_conv_fixtures.py), float64 references, finite-difference gradients,
and the same bits whatever the chunking, the number of threads or the order the gradients are asked in."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py._core import nn_ops as NO
from rtorch_py._core import parallel
from tests.gradcheck import gradcheck
from tests.nn.nn_cases import dec, load

FIX = load("conv_winograd.json")
ONE = (1, 1)


@pytest.fixture(autouse=True)
def small_channels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Winograd from 8 input channels here (default: 12, where it starts to pay), so small shapes test it."""
    monkeypatch.setattr(NO, "_WINO_MIN_CIN", 8)


def r(*shape: int, seed: int = 0, dtype: type = np.float64) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Counts the Winograd forward and backward calls (so a test knows the path it checks was taken)."""
    seen = {"fwd": 0, "bwd": 0}
    fwd, bwd = NO._wino_fwd, NO._wino_bwd

    def count_fwd(*a: object, **k: object) -> object:
        seen["fwd"] += 1
        return fwd(*a, **k)

    def count_bwd(*a: object, **k: object) -> object:
        seen["bwd"] += 1
        return bwd(*a, **k)

    monkeypatch.setattr(NO, "_wino_fwd", count_fwd)
    monkeypatch.setattr(NO, "_wino_bwd", count_bwd)
    return seen


@pytest.fixture(params=["whole", "chunks+threads"])
def schedule(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The default schedule, or one GEMM row per chunk (many chunks, a short last one) on 3 threads (a stand-in
    BLAS thread setter: the parallel machinery runs whatever the machine's BLAS)."""
    if request.param == "whole":
        yield request.param
        return
    monkeypatch.setattr(NO, "_WINO_ROWS", 1)
    monkeypatch.setitem(parallel._state, "threads", 3)
    monkeypatch.setitem(parallel._state, "blas", (lambda: 1, lambda n: None))
    monkeypatch.setitem(parallel._state, "pool", None)
    yield request.param
    if parallel._state["pool"] is not None:
        parallel._state["pool"].shutdown()


def assert_close32(got: np.ndarray, want: np.ndarray) -> None:
    """float32 agreement at rounding level: errors scale with the largest value (sums of products)."""
    assert got.dtype == np.float32 and got.shape == want.shape
    err = float(np.abs(got.astype(np.float64) - want).max()) / max(float(np.abs(want).max()), 1e-30)
    assert err < 2e-6, err


@pytest.mark.parametrize("case", FIX["conv"], ids=lambda c: c["name"])
def test_conv2d_matches_pytorch(case: dict, calls: dict, schedule: str) -> None:
    x = rt.torch_tensor(dec(case["x"]), requires_grad=True)
    w = rt.torch_tensor(dec(case["w"]), requires_grad=True)
    b = rt.torch_tensor(dec(case["b"]), requires_grad=True) if "b" in case else None
    y = rt.nnf_conv2d(x, w, b, padding=case["padding"])
    y.backward(rt.torch_tensor(dec(case["cot"])))
    assert calls == {"fwd": 1, "bwd": 1}
    assert_close32(y._data, dec(case["y"]))
    assert_close32(x.grad._data, dec(case["gx"]))
    assert_close32(w.grad._data, dec(case["gw"]))
    if b is not None:
        assert_close32(b.grad._data, dec(case["gb"]))


@pytest.mark.parametrize("case", FIX["transpose"], ids=lambda c: str(c["x"]["shape"]))
def test_conv_transpose2d_matches_pytorch(case: dict, calls: dict, schedule: str) -> None:
    x = rt.torch_tensor(dec(case["x"]), requires_grad=True)
    w = rt.torch_tensor(dec(case["w"]), requires_grad=True)
    b = rt.torch_tensor(dec(case["b"]), requires_grad=True)
    y = rt.nnf_conv_transpose2d(x, w, b, padding=case["padding"])
    y.backward(rt.torch_tensor(dec(case["cot"])))
    assert calls["bwd"] >= 2 and calls["fwd"] == 1  # forward: the adjoint; gradients: a conv2d and a weight one
    for got, key in ((y, "y"), (x.grad, "gx"), (w.grad, "gw"), (b.grad, "gb")):
        assert_close32(got._data, dec(case[key]))


@pytest.mark.parametrize("case", FIX["pool"], ids=lambda c: str(c["kernel"]))
def test_tiled_max_pool_matches_pytorch_bit_for_bit(case: dict) -> None:
    """Ties go to the first element in row-major order and -0.0 / 0.0 keep the earlier one, as libtorch."""
    k = case["kernel"]
    k = (k, k) if isinstance(k, int) else tuple(k)
    x = rt.torch_tensor(dec(case["x"]), requires_grad=True)
    out = (x.shape[2] // k[0], x.shape[3] // k[1])
    y, idx = NO.max_pool2d(x, k, k, (0, 0), ONE, out)
    y.backward(rt.torch_tensor(dec(case["cot"])))
    np.testing.assert_array_equal(y._data.view(np.uint32), dec(case["y"]).view(np.uint32))
    np.testing.assert_array_equal(idx, dec(case["indices"]))
    np.testing.assert_array_equal(x.grad._data, dec(case["gx"]))


SHAPES = [
    # x shape, (O, C), padding
    ((2, 8, 5, 5), (8, 8), (0, 0)),
    ((3, 9, 7, 6), (10, 9), (1, 1)),
    ((1, 16, 4, 9), (8, 16), (2, 0)),
    ((2, 8, 3, 3), (12, 8), (0, 1)),
    ((5, 8, 1, 1), (8, 8), (1, 1)),
    ((4, 12, 11, 13), (8, 12), (1, 2)),
]


def im2col(fn: object, *args: object) -> np.ndarray:
    old = NO._WINO_MIN_CIN
    NO._WINO_MIN_CIN = 1 << 30
    try:
        return fn(*args)
    finally:
        NO._WINO_MIN_CIN = old


@pytest.mark.parametrize("xs, oc, p", SHAPES)
def test_winograd_against_float64_references(xs: tuple, oc: tuple, p: tuple, schedule: str) -> None:
    """float64: equal to im2col's float64 result to 1e-13; float32: within float32 rounding of it."""
    o, c = oc
    x, w, b = r(*xs), r(o, c, 3, 3, seed=1), r(o, seed=2)
    ref = im2col(NO._conv_fwd, x, w, b, ONE, p, ONE, 1)[0]
    gy = r(*ref.shape, seed=3)
    ref_gx = im2col(NO._conv_adj_x, gy, w, ONE, p, ONE, 1, xs[2:])
    ref_gw = im2col(NO._conv_adj_w, x, gy, (3, 3), ONE, p, ONE, 1)
    for dt, tol in ((np.float64, 1e-13), (np.float32, 2e-6)):
        xd, wd, gyd = x.astype(dt), w.astype(dt), gy.astype(dt)
        got = (NO._conv_fwd(xd, wd, b.astype(dt), ONE, p, ONE, 1)[0], NO._conv_adj_x(gyd, wd, ONE, p, ONE, 1, xs[2:]),
               NO._conv_adj_w(xd, gyd, (3, 3), ONE, p, ONE, 1))
        for g, want in zip(got, (ref, ref_gx, ref_gw)):
            assert g.dtype == dt and g.shape == want.shape
            assert np.abs(g - want).max() <= tol * np.abs(want).max()


def test_winograd_default_channel_thresholds(calls: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(NO, "_WINO_MIN_CIN", 12)
    rt.nnf_conv2d(rt.torch_randn(2, 8, 6, 6), rt.torch_randn(64, 8, 3, 3))   # 8 inputs: im2col
    assert calls["fwd"] == 0
    rt.nnf_conv2d(rt.torch_randn(2, 12, 6, 6), rt.torch_randn(8, 12, 3, 3))  # 12 inputs, 8 outputs: Winograd
    assert calls["fwd"] == 1


def test_winograd_is_taken_only_where_it_applies(calls: dict) -> None:
    """3x3, stride 1, dilation 1, one group, enough channels each way, float32/float64; else im2col."""
    x, w = rt.torch_randn(2, 8, 6, 6), rt.torch_randn(8, 8, 3, 3)
    rt.nnf_conv2d(x, w)
    assert calls["fwd"] == 1
    for args, kw in (((rt.torch_randn(2, 4, 6, 6), rt.torch_randn(8, 4, 3, 3)), {}),  # few input channels
                     ((x, rt.torch_randn(4, 8, 3, 3)), {}),                             # few output channels
                     ((x, w), {"stride": 2}), ((x, w), {"dilation": 2}),
                     ((rt.torch_randn(2, 16, 6, 6), rt.torch_randn(8, 8, 3, 3)), {"groups": 2}),
                     ((x, rt.torch_randn(8, 8, 2, 2)), {}),
                     ((x.to(dtype=rt.torch_float16()), w.to(dtype=rt.torch_float16())), {})):
        rt.nnf_conv2d(*args, **kw)
    assert calls["fwd"] == 1


@pytest.mark.parametrize("xs, oc, p", [((1, 8, 4, 5), (8, 8), (0, 0)), ((2, 8, 3, 4), (9, 8), (1, 1)),
                                       ((1, 8, 2, 3), (8, 8), (2, 1))])
def test_winograd_gradcheck(xs: tuple, oc: tuple, p: tuple, calls: dict) -> None:
    o, c = oc
    gradcheck(lambda x, w, b: NO.conv2d(x, w, b, ONE, p, ONE, 1), [r(*xs), r(o, c, 3, 3, seed=1), r(o, seed=2)])
    assert calls["fwd"] > 0 and calls["bwd"] > 0


def test_winograd_gradcheck_second_order(calls: dict) -> None:
    gradcheck(lambda x, w: NO.conv2d(x, w, None, ONE, ONE, ONE, 1), [r(1, 8, 3, 3), r(8, 8, 3, 3, seed=1)],
              second_order=True)
    gradcheck(lambda y, w: rt.nnf_conv_transpose2d(y, w, None, 1, 1), [r(1, 8, 3, 2), r(8, 8, 3, 3, seed=1)])
    assert calls["fwd"] > 0 and calls["bwd"] > 0


def test_winograd_same_bits_any_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    """On one thread or several, with the transform of x kept or recomputed, both gradients at once or one at
    a time: the same bits (float32). The output and the input gradient do not depend on the chunking either;
    the weight gradient sums over the chunks, so it does (a fixed chunking per shape)."""
    x, w, b = r(6, 16, 13, 10, dtype=np.float32), r(12, 16, 3, 3, seed=1, dtype=np.float32), r(12, seed=2,
                                                                                               dtype=np.float32)
    p = (1, 0)

    def run() -> list[np.ndarray]:
        y, v = NO._conv_fwd(x, w, b, ONE, p, ONE, 1, True)
        gy = r(*y.shape, seed=3, dtype=np.float32)
        gx, gw = NO._wino_bwd(gy, x, w, x.shape, w.shape, p, v)
        return [y, gx, gw, NO._conv_adj_x(gy, w, ONE, p, ONE, 1, x.shape[2:]),
                NO._conv_adj_w(x, gy, (3, 3), ONE, p, ONE, 1), NO._conv_adj_w(x, gy, (3, 3), ONE, p, ONE, 1, v)]

    base = run()
    np.testing.assert_array_equal(base[3], base[1])  # the single adjoints equal the shared pass
    np.testing.assert_array_equal(base[4], base[2])
    np.testing.assert_array_equal(base[5], base[2])
    monkeypatch.setattr(NO, "_WINO_ROWS", 30)  # 5 chunks of 1 tile row x 6 images, then a short one
    monkeypatch.setitem(parallel._state, "threads", 1)
    one = run()
    for i in (0, 1, 3):
        np.testing.assert_array_equal(one[i], base[i])
    monkeypatch.setitem(parallel._state, "threads", 2)
    monkeypatch.setitem(parallel._state, "blas", (lambda: 1, lambda n: None))
    monkeypatch.setitem(parallel._state, "pool", None)
    try:
        for a, c in zip(run(), one):
            np.testing.assert_array_equal(a, c)
    finally:
        if parallel._state["pool"] is not None:
            parallel._state["pool"].shutdown()


def test_conv2d_backward_equals_the_two_adjoints() -> None:
    """The first-order rule's shared pass (nn_ops.conv2d_backward) gives the bits of conv_transpose2d and
    conv2d_weight, on the Winograd path and on im2col's."""
    for xs, ws, s in (((2, 8, 6, 7), (8, 8, 3, 3), ONE), ((2, 3, 6, 7), (4, 3, 3, 2), (2, 1))):
        x, w = rt.torch_tensor(r(*xs, dtype=np.float32)), rt.torch_tensor(r(*ws, seed=1, dtype=np.float32))
        y = NO.conv2d(x, w, None, s, ONE, ONE, 1)
        g = rt.torch_tensor(r(*y.shape, seed=2, dtype=np.float32))
        gx, gw = NO.conv2d_backward(g, x, w, s, ONE, ONE, 1)
        np.testing.assert_array_equal(gx._data, NO.conv_transpose2d(g, w, None, s, ONE, ONE, 1, xs[2:])._data)
        np.testing.assert_array_equal(gw._data, NO.conv2d_weight(x, g, ws[2:], s, ONE, ONE, 1)._data)


def test_parallel_split_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parallel.split(range(5), 2) == [[0, 1, 2], [3, 4]]
    assert parallel.split([1], 3) == [[1]]
    assert parallel.split([], 2) == []
    monkeypatch.setitem(parallel._state, "threads", 2)
    set_to = []
    monkeypatch.setitem(parallel._state, "blas", (lambda: 2, set_to.append))
    monkeypatch.setitem(parallel._state, "pool", None)
    done = []

    def work(part: list[int]) -> None:
        parallel.run_parallel(done.append, [[9], [8]])  # nested: runs inline
        if part == [3]:
            raise ValueError("part 3 failed")
        done.append(part)

    try:
        with pytest.raises(ValueError, match="part 3 failed"):
            parallel.run_parallel(work, [[1, 2], [3]])
        assert sorted(map(tuple, done)) == [(1, 2), (8,), (8,), (9,), (9,)]
        assert set_to == [1, 2]  # the BLAS ran single-threaded inside and got its setting back
    finally:
        parallel._state["pool"].shutdown()


def test_set_num_threads_drives_parallel_regions_and_blas() -> None:
    before = rt.torch_get_num_threads()
    assert before == parallel.threads() >= 1
    try:
        rt.torch_set_num_threads(1)
        assert rt.torch_get_num_threads() == 1
        if parallel._state["blas"] is not None:
            assert parallel._state["blas"][0]() == 1
        with pytest.raises(RuntimeError, match="positive integer"):
            rt.torch_set_num_threads(0)
    finally:
        rt.torch_set_num_threads(before)
    assert rt.torch_get_num_threads() == before


def test_parallel_matmul_same_bits_as_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_MIN_MATMUL", 1)
    monkeypatch.setitem(parallel._state, "threads", 3)
    monkeypatch.setitem(parallel._state, "blas", (lambda: 1, lambda n: None))
    monkeypatch.setitem(parallel._state, "pool", None)
    try:
        for sa, sb in (((7, 30), (30, 11)), ((40, 5), (5, 3)), ((4, 6, 5), (4, 5, 2)), ((1, 9, 4), (1, 4, 50))):
            a, b = r(*sa, dtype=np.float32), r(*sb, seed=1, dtype=np.float32)
            np.testing.assert_array_equal(parallel.matmul(a, b), np.matmul(a, b))
        # n-D batches split by the first axis, into a strided out= view (the fused attention's heads)
        for n in (5, 2):
            a, b = r(n, 3, 6, 5, dtype=np.float32), r(n, 3, 5, 4, seed=2, dtype=np.float32)
            out = np.zeros((6, n, 3, 4), np.float32)
            assert parallel.matmul(a, b, out=out.transpose(1, 2, 0, 3)).base is out
            np.testing.assert_array_equal(out.transpose(1, 2, 0, 3), np.matmul(a, b))
        with pytest.raises(ValueError):
            parallel.matmul(r(3, 4), r(5, 2))
    finally:
        if parallel._state["pool"] is not None:
            parallel._state["pool"].shutdown()


def test_elementwise_passes_same_bits_on_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """relu (large: by slices), relu's gradient, tiled max pooling and its gradient: one slice per thread
    gives the single-thread bits (NaN, -0.0 and ties included)."""
    from rtorch_py._core import derivatives as D
    from rtorch_py._core import ops as O

    big = r(9, 8, 120, 122, dtype=np.float32)  # > 2**20 elements: relu's sliced np.maximum
    big[0, 0, 0, :4] = [np.nan, -0.0, 0.0, -1.0]
    x = np.round(r(5, 3, 12, 12, seed=1, dtype=np.float32))  # small integers: many ties
    x[0, 0, 0, :2] = [-0.0, 0.0]
    g = r(*big.shape, seed=2, dtype=np.float32)
    gp = r(5, 3, 6, 6, seed=3, dtype=np.float32)

    def run() -> list[np.ndarray]:
        best, kidx = NO._tiled_max(x, (2, 2), (6, 6))
        _, idx = NO.max_pool2d(rt.torch_tensor(x), (2, 2), (2, 2), (0, 0), ONE, (6, 6))
        with rt.with_no_grad():
            gx = D.pool_index(rt.torch_tensor(gp), x.shape, idx, True)._data
        return [O._relu(big), O.relu_grad(O._relu(big), g), best, kidx, gx]

    one = run()
    np.testing.assert_array_equal(one[1], np.where(one[0] <= 0, np.float32(0), g))  # (a NaN's gradient passes)
    monkeypatch.setattr(parallel, "_MIN_ELEMENTS", 1)
    monkeypatch.setitem(parallel._state, "threads", 3)
    monkeypatch.setitem(parallel._state, "blas", (lambda: 1, lambda n: None))
    monkeypatch.setitem(parallel._state, "pool", None)
    try:
        for a, b in zip(run(), one):
            np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8))
    finally:
        if parallel._state["pool"] is not None:
            parallel._state["pool"].shutdown()


def test_optimizer_fma_by_slices_same_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    """optim/_kernels.fma on the threads (large parameters by slices) equals the one-call result."""
    from rtorch_py.optim._kernels import fma, wide_scalar

    a, c = r(40, 30, dtype=np.float32), r(40, 30, seed=1, dtype=np.float32)
    b = wide_scalar(-0.01, np.float32)
    want = np.empty_like(a)
    fma(a, b, c, want, (np.empty(a.shape), np.empty(a.shape)))
    monkeypatch.setattr(parallel, "_MIN_ELEMENTS", 1)
    monkeypatch.setitem(parallel._state, "threads", 3)
    monkeypatch.setitem(parallel._state, "blas", (lambda: 1, lambda n: None))
    monkeypatch.setitem(parallel._state, "pool", None)
    try:
        got = np.empty_like(a)
        fma(a, b, c, got, (np.empty(a.shape), np.empty(a.shape)))
        np.testing.assert_array_equal(got, want)
        fma(a, a, c, got, (np.empty(a.shape), np.empty(a.shape)))  # an array multiplier
        fma(a, a, c, want, None)
        assert np.abs(got - want).max() <= 1e-6 * np.abs(want).max()
    finally:
        if parallel._state["pool"] is not None:
            parallel._state["pool"].shutdown()


def test_meta_tensors_keep_their_paths() -> None:
    """Meta arrays skip the Winograd and sliced paths: a large relu stays meta, a convolution still names the
    op meta tensors cannot run (matmul, as before)."""
    y = rt.nnf_relu(rt.torch_randn(2000, 1000, device="meta"))
    assert y.shape == (2000, 1000) and y.device.type == "meta"
    with pytest.raises(RuntimeError, match="matmul: not supported in rtorch_py on meta tensors"):
        rt.nnf_conv2d(rt.torch_randn(2, 8, 6, 6, device="meta"), rt.torch_randn(8, 8, 3, 3, device="meta"))


@pytest.mark.parametrize("chunk", [1, 3, 100])
def test_im2col_forward_by_image_chunks_equals_one_gemm(chunk: int, schedule: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The im2col forward's per-image products into (N, O, L) give the bits of one GEMM over the batch's columns
    then the bias (groups, stride, dilation, padding; 1, 3 or all images per GEMM, on 1 or 3 threads), and
    stay at rounding distance of float64."""
    for xs, ws, s, p, d, g in (((5, 1, 9, 8), (6, 1, 3, 3), ONE, (0, 0), ONE, 1),
                               ((7, 4, 9, 10), (6, 2, 3, 2), (2, 1), (1, 2), (1, 2), 2)):
        oh, ow = (NO.conv_out_size(xs[i + 2], ws[i + 2], s[i], p[i], d[i]) for i in (0, 1))
        monkeypatch.setattr(NO, "_OUT_CHUNK", chunk * ws[0] * oh * ow)  # chunk images per GEMM
        x, w, b = r(*xs, dtype=np.float32), r(*ws, seed=1, dtype=np.float32), r(ws[0], seed=2, dtype=np.float32)
        got, cols = NO._conv_fwd(x, w, b, s, p, d, g)
        n, o = got.shape[:2]
        prod = np.matmul(w.reshape(g, o // g, -1), cols).reshape(o, n, oh, ow).transpose(1, 0, 2, 3)
        np.testing.assert_array_equal(got, prod + b.reshape(1, -1, 1, 1))
        want = NO._conv_fwd(x.astype(np.float64), w.astype(np.float64), b.astype(np.float64), s, p, d, g)[0]
        assert_close32(got, want)


@pytest.mark.parametrize("thin", [0, 1000])
def test_im2col_weight_gradient_per_image_or_one_gemm(thin: int, schedule: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The weight gradient both ways (per-image products summed; one GEMM over the batch's columns): at rounding
    distance of the float64 gradient, groups, stride, dilation and padding included, on 1 or 3 threads."""
    monkeypatch.setattr(NO, "_THIN_GW", thin)
    for xs, ws, s, p, d, g in (((5, 1, 9, 8), (6, 1, 3, 3), ONE, (0, 0), ONE, 1),
                               ((7, 4, 9, 10), (6, 2, 3, 2), (2, 1), (1, 2), (1, 2), 2)):
        x, w = r(*xs, dtype=np.float32), r(*ws, seed=1, dtype=np.float32)
        y, cols = NO._conv_fwd(x, w, None, s, p, d, g)
        gy = r(*y.shape, seed=2, dtype=np.float32)
        got = NO._conv_adj_w(x, gy, ws[2:], s, p, d, g, cols)
        want = NO._conv_adj_w(x.astype(np.float64), gy.astype(np.float64), ws[2:], s, p, d, g)
        assert_close32(got, want)
        np.testing.assert_array_equal(got, NO._conv_adj_w(x, gy, ws[2:], s, p, d, g))  # with or without cols
