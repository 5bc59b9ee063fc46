"""Finite-difference gradient checks (float64) of the nn primitives (_core/nn_ops.py) and of the compound
layers built on them, over several shapes; the convolution family also to second order."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import gradcheck

import rtorch_py as rt
from rtorch_py._core import nn_ops as NO


def r(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


CONV_CASES = [
    # x shape, w shape, stride, padding, dilation, groups
    ((2, 3, 5, 6), (4, 3, 3, 2), (2, 1), (1, 0), (1, 2), 1),
    ((1, 4, 5, 5), (6, 2, 3, 3), (1, 1), (1, 1), (1, 1), 2),
    ((2, 2, 4, 7), (2, 1, 1, 3), (1, 3), (0, 2), (1, 1), 2),
    ((1, 1, 6, 6), (1, 1, 2, 2), (2, 2), (0, 0), (2, 2), 1),
]


@pytest.mark.parametrize("xs, ws, s, p, d, g", CONV_CASES)
def test_conv2d(xs: tuple, ws: tuple, s: tuple, p: tuple, d: tuple, g: int) -> None:
    gradcheck(lambda x, w, b: NO.conv2d(x, w, b, s, p, d, g), [r(*xs), r(*ws, seed=1), r(ws[0], seed=2)])


@pytest.mark.parametrize("xs, ws, s, p, d, g", CONV_CASES[:2])
def test_conv2d_second_order(xs: tuple, ws: tuple, s: tuple, p: tuple, d: tuple, g: int) -> None:
    x = r(*xs)[:1, :, :4, :4].copy()
    gradcheck(lambda x, w: NO.conv2d(x, w, None, s, p, d, g), [x, r(*ws, seed=1)], second_order=True)


TRANSPOSE_CASES = [
    # x shape, w shape, stride, padding, output_padding, dilation, groups
    ((2, 3, 3, 4), (3, 2, 3, 2), (2, 1), (1, 0), (1, 0), (1, 1), 1),
    ((1, 4, 3, 3), (4, 1, 2, 3), (1, 2), (0, 1), (0, 1), (2, 1), 2),
    ((1, 2, 2, 2), (2, 3, 3, 3), (3, 3), (1, 1), (2, 0), (1, 1), 1),
]


@pytest.mark.parametrize("xs, ws, s, p, op, d, g", TRANSPOSE_CASES)
def test_conv_transpose2d(xs: tuple, ws: tuple, s: tuple, p: tuple, op: tuple, d: tuple, g: int) -> None:
    gradcheck(lambda x, w, b: rt.nnf_conv_transpose2d(x, w, b, s, p, op, g, d),
              [r(*xs), r(*ws, seed=1), r(ws[1] * g, seed=2)])


def test_conv_transpose2d_second_order() -> None:
    gradcheck(lambda x, w: rt.nnf_conv_transpose2d(x, w, None, 2, 1, 1), [r(1, 2, 2, 3), r(2, 2, 2, 2, seed=1)],
              second_order=True)


def test_conv2d_weight_primitive() -> None:
    # The weight adjoint is itself a differentiable op (bilinear in x and the output gradient).
    gradcheck(lambda x, gy: NO.conv2d_weight(x, gy, (3, 2), (1, 2), (1, 0), (1, 1), 1),
              [r(2, 2, 4, 5), r(2, 3, 4, 2, seed=1)], second_order=True)


@pytest.mark.parametrize("stride, padding, dilation, groups", [(1, 0, 1, 1), (2, 1, 2, 2), (3, "same", 1, 1)])
def test_conv1d(stride: int, padding: object, dilation: int, groups: int) -> None:
    if padding == "same":
        stride = 1
    gradcheck(lambda x, w, b: rt.nnf_conv1d(x, w, b, stride, padding, dilation, groups),
              [r(2, 4, 9), r(6, 4 // groups, 4, seed=1), r(6, seed=2)])


def test_conv_transpose1d() -> None:
    gradcheck(lambda x, w: rt.nnf_conv_transpose1d(x, w, None, 3, 1, 1), [r(2, 3, 4), r(3, 2, 4, seed=1)])


@pytest.mark.parametrize("pads", [((0, 0), (0, 0), (1, 2), (2, 0)), ((0, 1), (0, 0), (-1, 2), (1, -2)),
                                  ((1, 1), (2, 0), (0, 0), (0, 0))])
def test_pad_constant(pads: tuple) -> None:
    gradcheck(lambda x: NO.pad_constant(x, pads, 0.5), [r(2, 3, 4, 5)])
    # Linear: second order through a product with the input, so the recorded rule itself is differentiated.
    gradcheck(lambda x: NO.pad_constant(x, pads, 0.5) * NO.pad_constant(x, pads, 0.5), [r(2, 3, 2, 3)],
              second_order=True)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_modes(mode: str) -> None:
    gradcheck(lambda x: rt.nnf_pad(x, [2, 1, 1, 3], mode=mode), [r(1, 2, 4, 5)])


@pytest.mark.parametrize("axis, start, length", [(0, 1, 2), (1, 0, 3), (2, 2, 1)])
def test_narrow(axis: int, start: int, length: int) -> None:
    gradcheck(lambda x: NO.narrow(x, axis, start, length), [r(3, 4, 3)])
    gradcheck(lambda x: NO.narrow(x, axis, start, length) ** 2, [r(3, 4, 3)], second_order=True)


def test_hardtanh() -> None:
    x = r(4, 6) * 2
    x[np.abs(np.abs(x) - 1) < 1e-3] = 0.3  # stay off the kinks
    gradcheck(lambda x: NO.hardtanh(x, -1.0, 1.0) * x, [x], second_order=True)


def _distinct(*shape: int, seed: int = 0) -> np.ndarray:
    # Max pooling is smooth only away from ties: a random permutation of well-separated values.
    vals = np.random.default_rng(seed).permutation(int(np.prod(shape))).astype(np.float64)
    return (vals / 7.0).reshape(shape)


@pytest.mark.parametrize("k, s, p, d, ceil", [(2, 2, 0, 1, False), (3, 2, 1, 1, True), ((2, 3), (1, 2), 0, 2, False),
                                              (3, 1, 1, 1, False)])
def test_max_pool2d(k: object, s: object, p: int, d: int, ceil: bool) -> None:
    gradcheck(lambda x: rt.nnf_max_pool2d(x, k, s, p, d, ceil), [_distinct(2, 2, 7, 6)])


def test_max_pool1d_and_adaptive() -> None:
    gradcheck(lambda x: rt.nnf_max_pool1d(x, 3, 2, 1, ceil_mode=True), [_distinct(2, 3, 8)])
    gradcheck(lambda x: rt.nnf_adaptive_max_pool2d(x, (3, 2)), [_distinct(2, 2, 7, 5, seed=1)])
    gradcheck(lambda x: rt.nnf_adaptive_max_pool1d(x, 4), [_distinct(2, 2, 9, seed=2)])


def test_max_pool2d_second_order() -> None:
    # Piecewise linear: the gradient of the gradient is zero, but the recorded scatter must be differentiable.
    gradcheck(lambda x: rt.nnf_max_pool2d(x, 2) * rt.nnf_max_pool2d(x, 2), [_distinct(1, 2, 4, 4)],
              second_order=True)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                dict(kernel_size=(3, 2), stride=2, padding=1, ceil_mode=True,
                                     count_include_pad=False),
                                dict(kernel_size=2, divisor_override=3)])
def test_avg_pool2d(kw: dict) -> None:
    gradcheck(lambda x: rt.nnf_avg_pool2d(x, **kw), [r(2, 2, 7, 6)])


def test_adaptive_avg_pools() -> None:
    gradcheck(lambda x: rt.nnf_adaptive_avg_pool2d(x, (3, 4)), [r(2, 2, 7, 5)])
    gradcheck(lambda x: rt.nnf_adaptive_avg_pool1d(x, 3), [r(2, 2, 7)])
    gradcheck(lambda x: rt.nnf_avg_pool1d(x, 3, 2, 1, count_include_pad=False), [r(2, 2, 7)])


def test_embedding() -> None:
    # padding_idx and scale_grad_by_freq change the gradient on purpose (no finite-difference counterpart):
    # they are checked against PyTorch in test_layers.py.
    idx = np.array([[1, 2, 2], [4, 1, 4]])
    gradcheck(lambda w, i: rt.nnf_embedding(i, w), [r(4, 3), idx])
    gradcheck(lambda w, i: rt.nnf_embedding(i, w) * rt.nnf_embedding(i, w), [r(4, 3), idx], second_order=True)


def test_normalization_layers() -> None:
    gradcheck(lambda x, w, b: rt.nnf_batch_norm(x, None, None, w, b, training=True), [r(5, 3), r(3), r(3)])
    gradcheck(lambda x: rt.nnf_batch_norm(x, rt.torch_zeros(3, dtype="float64"), rt.torch_ones(3, dtype="float64"),
                                          training=True), [r(2, 3, 2, 2)])
    gradcheck(lambda x, w, b: rt.nnf_layer_norm(x, [2, 3], w, b), [r(4, 2, 3), r(2, 3), r(2, 3)])
    gradcheck(lambda x, w, b: rt.nnf_group_norm(x, 2, w, b), [r(3, 4, 3), r(4), r(4)])


@pytest.mark.parametrize("name", ["nn_rnn", "nn_lstm", "nn_gru"])
def test_recurrent_layers(name: str) -> None:
    rt.torch_manual_seed(3)
    m = getattr(rt, name)(3, 4, num_layers=2, bidirectional=True).to(dtype="float64")
    h0 = r(4, 2, 4)
    if name == "nn_lstm":
        gradcheck(lambda x, h, c: m(x, [h, c])[0], [r(5, 2, 3), h0, r(4, 2, 4, seed=1)])
    else:
        gradcheck(lambda x, h: m(x, h)[0], [r(5, 2, 3), h0])


ACTIVATIONS = ["nnf_relu", "nnf_relu6", "nnf_leaky_relu", "nnf_elu", "nnf_selu", "nnf_celu", "nnf_gelu", "nnf_silu",
               "nnf_mish", "nnf_glu", "nnf_softplus", "nnf_softsign", "nnf_hardsigmoid", "nnf_hardswish",
               "nnf_softshrink", "nnf_hardshrink", "nnf_tanhshrink", "nnf_logsigmoid", "nnf_hardtanh",
               "nnf_threshold"]
_ARGS = {"nnf_threshold": (0.1, -2.0), "nnf_hardtanh": (-0.5, 1.5)}


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 6)])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations(name: str, shape: tuple) -> None:
    x = r(*shape) * 3
    x[np.abs(x) < 0.05] = 0.2  # stay off the kink at 0
    for kink in (-3.0, 3.0, 0.5, -0.5, 6.0, 0.1, 1.5):
        x[np.abs(x - kink) < 0.05] = kink + 0.2
    gradcheck(lambda t: getattr(rt, name)(t, *_ARGS.get(name, ())), [x])


def test_distances() -> None:
    gradcheck(lambda a, b: rt.nnf_cosine_similarity(a, b), [r(3, 4), r(3, 4, seed=1)])
    gradcheck(lambda a, b: rt.nnf_pairwise_distance(a, b, p=3), [r(3, 4), r(3, 4, seed=1)])
    gradcheck(lambda a: rt.nnf_normalize(a, p=2, dim=2), [r(3, 4)])
    gradcheck(lambda a, b, w: rt.nnf_bilinear(a, b, w), [r(2, 3), r(2, 2, seed=1), r(4, 3, 2, seed=2)])
