"""Bad input to layers and functionals: errors name the function, the argument and the shapes or values."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import torch_randn, torch_tensor

CASES = [
    (lambda: rt.nn_linear(3, 2)(torch_randn(4, 5)), RuntimeError,
     r"nnf_linear: input of size \[4, 5\] does not fit weight of size \[2, 3\].*\(4x5 and 3x2\)"),
    (lambda: rt.nnf_linear(torch_randn(4, 3), torch_randn(2, 3), torch_randn(3)), RuntimeError,
     r"nnf_linear: bias of size \[3\] does not match out_features 2"),
    (lambda: rt.nn_conv2d(3, 4, 3)(torch_randn(2, 2, 5, 5)), RuntimeError,
     r"nnf_conv2d: Given groups=1, weight of size \[4, 3, 3, 3\], expected input\[2, 2, 5, 5\] to have 3 "
     r"channels, but got 2 channels instead"),
    (lambda: rt.nn_conv2d(1, 1, 5)(torch_randn(1, 1, 3, 3)), RuntimeError,
     r"nnf_conv2d: Calculated padded input size per channel: \(3 x 3\). Kernel size: \(5 x 5\)"),
    (lambda: rt.nn_conv2d(1, 1, 3)(torch_randn(3, 3)), RuntimeError,
     r"nnf_conv2d: Expected 3D \(unbatched\) or 4D \(batched\) input, but got input of size: \[3, 3\]"),
    (lambda: rt.nnf_conv2d(torch_randn(1, 2, 4, 4, dtype="float64"), torch_randn(1, 2, 2, 2)), RuntimeError,
     r"nnf_conv2d: Input type \(Double\) and weight type \(Float\) should be the same"),
    (lambda: rt.nn_conv2d(3, 4, 3, groups=2), ValueError, r"nn_conv2d: in_channels \(3\) must be divisible by groups"),
    (lambda: rt.nn_conv2d(2, 2, 3, padding="full"), ValueError, r"nn_conv2d: Invalid padding string 'full'"),
    (lambda: rt.nn_conv2d(2, 2, 3, stride=2, padding="same"), ValueError, "not supported for strided convolutions"),
    (lambda: rt.nnf_conv_transpose2d(torch_randn(1, 2, 3, 3), torch_randn(2, 1, 3, 3), output_padding=1),
     RuntimeError, "nnf_conv_transpose2d: output padding must be smaller than either stride or dilation"),
    (lambda: rt.nnf_conv_transpose2d(torch_randn(1, 4, 3, 3), torch_randn(4, 1, 3, 3), groups=0), RuntimeError,
     "nnf_conv_transpose2d: non-positive groups is not supported, got groups=0"),
    (lambda: rt.nn_max_pool2d(4)(torch_randn(1, 1, 3, 3)), RuntimeError,
     r"nnf_max_pool2d: Given input size: \(1x3x3\). Calculated output size: \(1x0x0\). Output size is too small"),
    (lambda: rt.nnf_max_pool2d(torch_randn(1, 1, 6, 6), 2, padding=2), RuntimeError,
     "nnf_max_pool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=2"),
    (lambda: rt.nnf_avg_pool2d(torch_randn(1, 1, 4, 4), [2, 2, 2]), ValueError,
     "nnf_avg_pool2d: `kernel_size` must be one number or 2 numbers, got 3"),
    (lambda: rt.nn_batch_norm2d(3)(torch_randn(2, 3, 4)), ValueError,
     r"nn_batch_norm2d: expected 4D input \(got 3D input\)"),
    (lambda: rt.nn_batch_norm1d(3)(torch_randn(1, 3)), ValueError,
     r"Expected more than 1 value per channel when training, got input size \[1, 3\]"),
    (lambda: rt.nnf_batch_norm(torch_randn(4, 3), rt.torch_zeros(2), rt.torch_ones(3)), RuntimeError,
     "nnf_batch_norm: running_mean should contain 3 elements not 2"),
    (lambda: rt.nn_layer_norm(4)(torch_randn(2, 5)), RuntimeError,
     r"nnf_layer_norm: Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size "
     r"\[2, 5\]"),
    (lambda: rt.nn_group_norm(3, 4), ValueError, r"nn_group_norm: num_channels \(4\) must be divisible by num_groups"),
    (lambda: rt.nn_embedding(5, 2)(torch_tensor([[1, 6]])), IndexError,
     "nnf_embedding: index 6 is out of range for an embedding with 5 rows"),
    (lambda: rt.nn_embedding(5, 2)(torch_tensor([0, 1])), IndexError, "Indexing starts at 1 but found a 0"),
    (lambda: rt.nn_embedding(5, 2)(torch_tensor([1.0, 2.0])), RuntimeError,
     "nnf_embedding: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
     "but got Float instead"),
    (lambda: rt.nn_embedding(5, 2, padding_idx=6), ValueError, "nn_embedding: padding_idx must be within 1..5"),
    (lambda: rt.nnf_one_hot(torch_tensor([0, 1])), RuntimeError,
     r"nnf_one_hot: Class values must be positive \(1-based\), found 0"),
    (lambda: rt.nnf_one_hot(torch_tensor([1, 4]), num_classes=3), RuntimeError,
     r"nnf_one_hot: Class values must be smaller than num_classes \(3\), found 4"),
    (lambda: rt.nnf_one_hot(torch_tensor([1.0])), RuntimeError, "nnf_one_hot: one_hot is only applicable to index"),
    (lambda: rt.nn_dropout(1.5), ValueError, "nn_dropout: dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda: rt.nnf_dropout(torch_randn(3), p=-0.1), ValueError, "nnf_dropout: dropout probability"),
    (lambda: rt.nnf_dropout2d(torch_randn(3)), RuntimeError,
     "nnf_dropout2d: Feature dropout requires at least 2 dimensions in the input, got shape \\[3\\]"),
    (lambda: rt.nnf_pad(torch_randn(2, 3), [1, 2, 3]), RuntimeError, "nnf_pad: Padding length must be divisible by 2"),
    (lambda: rt.nnf_pad(torch_randn(1, 2, 3), [3, 3], mode="reflect"), RuntimeError,
     r"nnf_pad: Padding size should be less than the corresponding input dimension, but got: padding \(3, 3\) at "
     r"dimension 3 of input \[1, 2, 3\]"),
    (lambda: rt.nnf_pad(torch_randn(2, 3), [1, 1], mode="mirror"), ValueError, "nnf_pad: mode must be"),
    (lambda: rt.nnf_glu(torch_randn(2, 3)), RuntimeError,
     "nnf_glu: Halving dimension must be even, but dimension 2 is size 3"),
    (lambda: rt.nnf_softmax(torch_randn(2, 3), dim=3), IndexError,
     r"Dimension out of range \(expected to be in range of \[-2, 2\], but got 3\)"),
    (lambda: rt.nnf_prelu(torch_randn(2, 3), rt.torch_ones(4)), RuntimeError,
     "nnf_prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = 4 and channel "
     "size = 3"),
    (lambda: rt.nnf_gelu(torch_randn(2), approximate="fast"), ValueError,
     "nnf_gelu: approximate argument must be either none or tanh"),
    (lambda: rt.nnf_relu([1, 2]), TypeError, "nnf_relu: `input` must be a torch_tensor, got list"),
    (lambda: rt.nn_lstm(3, 4)(torch_randn(5, 2, 2)), RuntimeError,
     "nn_lstm: input.size\\(-1\\) must be equal to input_size. Expected 3, got 2"),
    (lambda: rt.nn_gru(3, 4, num_layers=2)(torch_randn(5, 2, 3), torch_randn(1, 2, 4)), RuntimeError,
     r"nn_gru: Expected hidden size \(2, 2, 4\), got \[1, 2, 4\]"),
    (lambda: rt.nn_lstm(3, 4)(torch_randn(5, 2, 3), torch_randn(1, 2, 4)), TypeError,
     r"nn_lstm: hx must be a list of two tensors \(h_0, c_0\)"),
    (lambda: rt.nn_rnn(3, 4, nonlinearity="sigmoid"), ValueError, "nn_rnn: Unknown nonlinearity 'sigmoid'"),
    (lambda: rt.nn_rnn(3, 4)(torch_randn(2, 3, 4, 5)), ValueError, "nn_rnn: Expected input to be 2D or 3D, got 4D"),
    (lambda: rt.nn_unflatten(2, [3, 5])(torch_randn(2, 12)), RuntimeError,
     r"unflatten: Provided sizes \[3, 5\] don't multiply up to the size of dim 2 \(12\)"),
    (lambda: rt.nnf_bilinear(torch_randn(2, 3), torch_randn(2, 4), torch_randn(5, 3, 3)), RuntimeError,
     "nnf_bilinear: expected input1"),
    (lambda: rt.nnf_cosine_similarity(torch_randn(2, 3), torch_randn(4, 3)), RuntimeError,
     r"nnf_cosine_similarity: x1 \[2, 3\] and x2 \[4, 3\] do not broadcast"),
]


@pytest.mark.parametrize("fn, exc, pattern", CASES, ids=[str(i) for i in range(len(CASES))])
def test_bad_input(fn: object, exc: type, pattern: str) -> None:
    with pytest.raises(exc, match=pattern):
        fn()


def test_inplace_activation_on_leaf_requiring_grad() -> None:
    x = torch_randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        rt.nnf_relu(x, inplace=True)
    y = x * 1
    out = rt.nnf_leaky_relu(y, 0.1, inplace=True)
    assert out is y and y.grad_fn is not None
    out.sum().backward()
    want = np.where(x._data > 0, 1.0, 0.1)
    np.testing.assert_allclose(x.grad._data, want)
