"""Finite-difference gradient checks (float64) of the functionals added with attention, transformers,
interpolation, vision, 3-d layers, pools, embedding bags and packed sequences, over several shapes."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import gradcheck

import rtorch_py as rt


def r(*shape: int, seed: int = 0, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape) * scale


def distinct(*shape: int, seed: int = 0) -> np.ndarray:
    """Values with no ties (max-type pools are not differentiable at ties)."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n) / n + 0.01).reshape(shape)


@pytest.mark.parametrize("qs, ks, vs, kw", [
    ((2, 3, 4), (2, 5, 4), (2, 5, 3), {}),
    ((1, 2, 4, 3), (1, 2, 4, 3), (1, 2, 4, 2), {"is_causal": True, "scale": 0.4}),
    ((3, 4), (5, 4), (5, 2), {}),
])
def test_scaled_dot_product_attention(qs: tuple, ks: tuple, vs: tuple, kw: dict) -> None:
    gradcheck(lambda q, k, v: rt.torch_scaled_dot_product_attention(q, k, v, **kw),
              [r(*qs), r(*ks, seed=1), r(*vs, seed=2)])


def test_scaled_dot_product_attention_masks() -> None:
    m = np.random.default_rng(3).random((3, 5)) > 0.3
    m[:, 0] = True
    gradcheck(lambda q, k, v: rt.torch_scaled_dot_product_attention(q, k, v, rt.torch_tensor(m)),
              [r(2, 3, 4), r(2, 5, 4, seed=1), r(2, 5, 3, seed=2)])
    gradcheck(lambda q, k, v, fm: rt.torch_scaled_dot_product_attention(q, k, v, fm),
              [r(2, 3, 4), r(2, 5, 4, seed=1), r(2, 5, 3, seed=2), r(3, 5, seed=4)])


@pytest.mark.parametrize("same, kw", [(True, {}), (False, {"avg_weights": False}), (True, {"bias_kv": True}),
                                      (False, {"zero_attn": True, "kpm": True})])
def test_multi_head_attention_forward(same: bool, kw: dict) -> None:
    E, H = 4, 2
    bias_kv = kw.pop("bias_kv", False)
    zero = kw.pop("zero_attn", False)
    kpm = rt.torch_tensor(np.array([[False, True, False], [False, False, False]])) if kw.pop("kpm", False) else None

    def f(q, k, w, b, ow, ob, bk, bv):
        key = q if same else k
        out = rt.nnf_multi_head_attention_forward(
            q, key, key, E, H, w, b, bk if bias_kv else None, bv if bias_kv else None, zero, 0.0, ow, ob,
            key_padding_mask=kpm, **kw)
        return out[0] * 2 + out[1].sum()

    gradcheck(f, [r(3, 2, E), r(3, 2, E, seed=1), r(3 * E, E, seed=2), r(3 * E, seed=3), r(E, E, seed=4),
                  r(E, seed=5), r(1, 1, E, seed=6), r(1, 1, E, seed=7)])


def test_transformer_encoder_layer_gradients() -> None:
    rt.torch_manual_seed(0)
    layer = rt.nn_transformer_encoder_layer(d_model=4, nhead=2, dim_feedforward=6, dropout=0, norm_first=True)
    layer.to(dtype=rt.torch_float64())
    gradcheck(lambda x: layer(x), [r(3, 2, 4)])


@pytest.mark.parametrize("shape, kw", [
    ((1, 2, 3, 4), {"size": [5, 3], "mode": "bilinear"}),
    ((1, 2, 3, 4), {"size": [5, 7], "mode": "bilinear", "align_corners": True}),
    ((1, 1, 4, 3), {"scale_factor": 1.5, "mode": "bicubic"}),
    ((2, 1, 5), {"size": 7, "mode": "linear"}),
    ((1, 1, 2, 3, 2), {"scale_factor": 2, "mode": "trilinear"}),
    ((1, 2, 5, 6), {"size": [2, 4], "mode": "area"}),
    ((1, 2, 3, 4), {"scale_factor": 2, "mode": "nearest"}),
    ((1, 2, 3, 4), {"size": [5, 2], "mode": "nearest-exact"}),
])
def test_interpolate(shape: tuple, kw: dict) -> None:
    gradcheck(lambda x: rt.nnf_interpolate(x, **kw), [r(*shape)])


@pytest.mark.parametrize("mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("ac", [False, True])
def test_grid_sample(mode: str, ac: bool) -> None:
    # grid points away from pixel boundaries (bilinear weights are only piecewise smooth)
    g = np.random.default_rng(1).uniform(-1.2, 1.2, (2, 3, 2, 2))
    gradcheck(lambda x, g: rt.nnf_grid_sample(x, g, padding_mode=mode, align_corners=ac), [r(2, 2, 3, 4), g])


def test_affine_grid() -> None:
    gradcheck(lambda t: rt.nnf_affine_grid(t, [2, 1, 3, 4]), [r(2, 2, 3)])
    gradcheck(lambda t: rt.nnf_affine_grid(t, [1, 1, 2, 3, 2], align_corners=True), [r(1, 3, 4)])


def test_fold_unfold_pixel_shuffle() -> None:
    gradcheck(lambda x: rt.nnf_unfold(x, [2, 3], dilation=[1, 2], padding=1, stride=[2, 1]), [r(2, 2, 4, 5)])
    gradcheck(lambda x: rt.nnf_fold(x, [4, 5], [2, 2], padding=1, stride=2), [r(2, 8, 9)])
    gradcheck(lambda x: rt.nnf_pixel_shuffle(x, 2), [r(1, 8, 2, 3)])
    gradcheck(lambda x: rt.nnf_pixel_unshuffle(x, 2), [r(2, 4, 6)])


@pytest.mark.parametrize("xs, ws, kw", [
    ((1, 2, 4, 3, 4), (3, 2, 2, 2, 3), {"stride": [2, 1, 1], "padding": [1, 0, 1]}),
    ((2, 4, 3, 3, 3), (2, 2, 3, 1, 2), {"groups": 2, "dilation": [1, 1, 2], "padding": "same"}),
    ((2, 3, 3, 4), (3, 2, 2, 2, 2), {}),  # unbatched
])
def test_conv3d(xs: tuple, ws: tuple, kw: dict) -> None:
    gradcheck(lambda x, w, b: rt.nnf_conv3d(x, w, b, **kw), [r(*xs), r(*ws, seed=1), r(ws[0], seed=2)])


@pytest.mark.parametrize("xs, ws, kw", [
    ((1, 2, 2, 3, 2), (2, 3, 2, 2, 3), {"stride": [2, 1, 2], "padding": [0, 1, 1], "output_padding": [1, 0, 1]}),
    ((2, 4, 2, 2, 2), (4, 1, 3, 2, 2), {"groups": 2, "dilation": [2, 1, 1]}),
])
def test_conv_transpose3d(xs: tuple, ws: tuple, kw: dict) -> None:
    cout = ws[1] * kw.get("groups", 1)
    gradcheck(lambda x, w, b: rt.nnf_conv_transpose3d(x, w, b, **kw), [r(*xs), r(*ws, seed=1), r(cout, seed=2)])


def test_pools_3d() -> None:
    gradcheck(lambda x: rt.nnf_max_pool3d(x, 2, stride=[1, 2, 1], padding=1), [distinct(1, 2, 3, 4, 3)])
    gradcheck(lambda x: rt.nnf_max_pool3d(x, [2, 2, 3], ceil_mode=True, stride=2), [distinct(2, 1, 5, 4, 5, seed=1)])
    gradcheck(lambda x: rt.nnf_avg_pool3d(x, 2, stride=1, padding=1, count_include_pad=False), [r(1, 2, 3, 3, 2)])
    gradcheck(lambda x: rt.nnf_avg_pool3d(x, [3, 2, 2], stride=2, ceil_mode=True, divisor_override=5),
              [r(1, 1, 4, 5, 3)])
    gradcheck(lambda x: rt.nnf_adaptive_avg_pool3d(x, [2, 3, 2]), [r(1, 2, 3, 4, 5)])
    gradcheck(lambda x: rt.nnf_adaptive_max_pool3d(x, [2, 3, 2]), [distinct(1, 2, 3, 4, 5, seed=2)])


def test_lp_unpool_fractional() -> None:
    gradcheck(lambda x: rt.nnf_lp_pool2d(x, 2, [2, 3], stride=[1, 2]), [r(1, 2, 4, 5)])
    gradcheck(lambda x: rt.nnf_lp_pool1d(x, 3, 2), [np.abs(r(2, 2, 6)) + 0.5])
    idx = rt.torch_tensor(np.array([[[[1, 4], [9, 16]]]]))
    gradcheck(lambda x: rt.nnf_max_unpool2d(x, idx, 2), [r(1, 1, 2, 2)])
    gradcheck(lambda x: rt.nnf_max_unpool1d(x, rt.torch_tensor(np.array([[[2, 3, 6]]])), 2), [r(1, 1, 3)])
    samples = rt.torch_tensor(np.array([[[0.3, 0.7], [0.9, 0.1]]]))
    gradcheck(lambda x: rt.nnf_fractional_max_pool2d(x, 2, output_size=[3, 4], random_samples=samples),
              [distinct(1, 2, 5, 6, seed=3)])
    s3 = rt.torch_tensor(np.array([[[0.2, 0.5, 0.8]]]))
    gradcheck(lambda x: rt.nnf_fractional_max_pool3d(x, 2, output_size=3, random_samples=s3),
              [distinct(1, 1, 5, 4, 5, seed=4)])


def test_normalisations_and_distances() -> None:
    gradcheck(lambda x: rt.nnf_local_response_norm(x, 3), [r(2, 4, 3, 2)])
    gradcheck(lambda x: rt.nnf_local_response_norm(x, 2, alpha=0.1, k=2), [r(2, 5, 3)])
    gradcheck(lambda x: rt.nnf_local_response_norm(x, 4), [r(1, 5, 2, 2, 2)])
    gradcheck(lambda x: rt.nnf_pdist(x), [r(4, 3)])
    gradcheck(lambda x: rt.nnf_pdist(x, 1.5), [r(5, 2)])
    gradcheck(lambda x: rt.nnf_contrib_sparsemax(x, dim=2), [r(3, 5)])
    gradcheck(lambda x: rt.nnf_contrib_sparsemax(x, dim=1), [r(4, 2, 3)])
    gradcheck(lambda x: rt.nn_softmax2d()(x), [r(2, 3, 2, 2)])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag(mode: str) -> None:
    idx = rt.torch_tensor(np.array([[1, 3, 4], [4, 2, 6]]))
    gradcheck(lambda w: rt.nnf_embedding_bag(idx, w, mode=mode), [distinct(6, 3)])
    flat = rt.torch_tensor(np.array([1, 3, 2, 5, 5, 6]))
    off = rt.torch_tensor(np.array([0, 2, 2, 5]))
    gradcheck(lambda w: rt.nnf_embedding_bag(flat, w, off, mode=mode, padding_idx=5), [distinct(6, 2, seed=1)])


def test_embedding_bag_per_sample_weights() -> None:
    idx = rt.torch_tensor(np.array([[1, 3, 4], [4, 2, 6]]))
    gradcheck(lambda w, p: rt.nnf_embedding_bag(idx, w, mode="sum", per_sample_weights=p), [r(6, 3), r(2, 3, seed=1)])


def test_packed_sequence_ops() -> None:
    def f(x):
        p = rt.nn_utils_rnn_pack_padded_sequence(x, [2, 4, 3], batch_first=True, enforce_sorted=False)
        return rt.nn_utils_rnn_pad_packed_sequence(p, batch_first=True, total_length=5)[0]

    gradcheck(f, [r(3, 4, 2)])
    gradcheck(lambda a, b: rt.nn_utils_rnn_pad_sequence([a, b], batch_first=True, padding_value=1), [r(3, 2), r(1, 2)])


@pytest.mark.parametrize("cls", ["nn_rnn", "nn_lstm", "nn_gru"])
def test_packed_rnn_gradients(cls: str) -> None:
    rt.torch_manual_seed(0)
    m = getattr(rt, cls)(2, 3, num_layers=2, bidirectional=True)
    m.to(dtype=rt.torch_float64())

    def f(x):
        p = rt.nn_utils_rnn_pack_padded_sequence(x, [2, 4, 3], enforce_sorted=False)
        return rt.nn_utils_rnn_pad_packed_sequence(m(p)[0])[0]

    gradcheck(f, [r(4, 3, 2)])


@pytest.mark.parametrize("shape, axis", [((4, 3), 0), ((4, 3), 1), ((2, 3, 2), 1), ((3, 2), None)])
def test_weight_norm_primitive(shape: tuple, axis: int | None) -> None:
    from rtorch_py._core import nn_ops as NO  # noqa: PLC0415

    gshape = tuple(s if i == axis else 1 for i, s in enumerate(shape))
    gradcheck(lambda v, g: NO.weight_norm(v, g, axis), [r(*shape), np.abs(r(*gshape, seed=1)) + 0.5])
    gradcheck(lambda v, g: NO.weight_norm(v, g, axis) * NO.weight_norm(v, g, axis),
              [r(*shape), np.abs(r(*gshape, seed=1)) + 0.5], second_order=True)
