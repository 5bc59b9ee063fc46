"""Convolution layers: ``nn_conv1d``, ``nn_conv2d``, ``nn_conv_transpose1d``, ``nn_conv_transpose2d``.
Weights are drawn as libtorch's ``_ConvNd.reset_parameters`` (kaiming_uniform_ with a = sqrt(5), then the bias
from U(-1/sqrt(fan_in), 1/sqrt(fan_in)))."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _check
from .._core.tensor import Tensor
from .functional import nnf_pad
from .functional_conv import _ntuple, nnf_conv1d, nnf_conv2d, nnf_conv_transpose1d, nnf_conv_transpose2d
from .init import _fans, nn_init_kaiming_uniform_, nn_init_uniform_
from .module import layer_tensor, nn_Module, nn_parameter

__all__ = ["nn_conv1d", "nn_conv2d", "nn_conv_transpose1d", "nn_conv_transpose2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(nn_Module):
    _spatial = 2
    _transposed = False

    def _setup(self, fn: str, in_channels: Any, out_channels: Any, kernel_size: Any, stride: Any, padding: Any,
               dilation: Any, groups: Any, bias: bool, padding_mode: str, output_padding: Any = 0) -> None:
        n = self._spatial
        self.in_channels = _check.integer(in_channels, fn, "in_channels")
        self.out_channels = _check.integer(out_channels, fn, "out_channels")
        self.groups = _check.integer(groups, fn, "groups")
        if self.groups <= 0:
            raise ValueError(f"{fn}: groups must be a positive integer, got {self.groups}")
        if self.in_channels % self.groups:
            raise ValueError(f"{fn}: in_channels ({self.in_channels}) must be divisible by groups ({self.groups})")
        if self.out_channels % self.groups:
            raise ValueError(f"{fn}: out_channels ({self.out_channels}) must be divisible by groups "
                             f"({self.groups})")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{fn}: padding_mode must be one of {list(_PADDING_MODES)}, got {padding_mode!r}")
        self.kernel_size = _ntuple(kernel_size, n, fn, "kernel_size")
        self.stride = _ntuple(stride, n, fn, "stride")
        self.dilation = _ntuple(dilation, n, fn, "dilation")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"{fn}: Invalid padding string {padding!r}, should be one of 'valid', 'same'")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{fn}: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _ntuple(padding, n, fn, "padding")
        self.output_padding = _ntuple(output_padding, n, fn, "output_padding")
        self.padding_mode = padding_mode
        if self._transposed:
            shape = (self.in_channels, self.out_channels // self.groups) + self.kernel_size
        else:
            shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = nn_parameter(layer_tensor(shape))
        self.bias = nn_parameter(layer_tensor((self.out_channels,))) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialization: weight kaiming-uniform (a = sqrt(5)), bias uniform in +-1/sqrt(fan_in)."""
        nn_init_kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = _fans(self.weight, type(self).__name__)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                nn_init_uniform_(self.bias, -bound, bound)

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple[int, ...]:
        """``forward(input, output_size)`` of transposed convolutions: the output padding giving that size."""
        if output_size is None:
            return self.output_padding
        n = self._spatial
        want = [int(v) for v in np.asarray(output_size._data if isinstance(output_size, Tensor)
                                           else output_size).reshape(-1).tolist()][-n:]
        pad = self.padding if isinstance(self.padding, tuple) else (0,) * n
        base = [(m - 1) * s - 2 * p + d * (k - 1) + 1 for m, s, p, d, k in
                zip(input.shape[-n:], self.stride, pad, self.dilation, self.kernel_size)]
        op = tuple(w - b for w, b in zip(want, base))
        if any(o < 0 or o >= max(s, d) for o, s, d in zip(op, self.stride, self.dilation)):
            top = [b + max(s, d) - 1 for b, s, d in zip(base, self.stride, self.dilation)]
            raise ValueError(f"{type(self).__name__}: requested an output size of {want}, but valid sizes range "
                             f"from {base} to {top} (for an input of {list(input.shape[-n:])})")
        return op

    def _mode_pad(self, input: Tensor) -> Tensor:
        """Non-zero padding modes pad explicitly (libtorch's _reversed_padding_repeated_twice)."""
        if self.padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            pairs = [(t // 2, t - t // 2) for t in totals]
        elif self.padding == "valid":
            pairs = [(0, 0)] * self._spatial
        else:
            pairs = [(p, p) for p in self.padding]
        flat = [v for pair in reversed(pairs) for v in pair]
        return nnf_pad(input, flat, mode=self.padding_mode)


class nn_conv1d(_ConvNd):  # noqa: N801
    """1-D convolution over (N, C_in, L).

    Example:
        >>> nn_conv1d(3, 4, 3)(torch_randn(2, 3, 10)).shape
        (2, 4, 8)
    """

    _spatial = 1

    def initialize(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                   dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros") -> None:
        self._setup("nn_conv1d", in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                    padding_mode)

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode != "zeros":
            return nnf_conv1d(self._mode_pad(input), self.weight, self.bias, self.stride, 0, self.dilation,
                              self.groups)
        return nnf_conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class nn_conv2d(_ConvNd):  # noqa: N801
    """2-D convolution over (N, C_in, H, W).

    Example:
        >>> nn_conv2d(1, 8, 3, padding=1)(torch_randn(2, 1, 5, 5)).shape
        (2, 8, 5, 5)
    """

    def initialize(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                   dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros") -> None:
        self._setup("nn_conv2d", in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                    padding_mode)

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode != "zeros":
            return nnf_conv2d(self._mode_pad(input), self.weight, self.bias, self.stride, 0, self.dilation,
                              self.groups)
        return nnf_conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


def _check_zeros(mode: str, fn: str) -> None:
    if mode != "zeros":
        raise ValueError(f"{fn}: Only \"zeros\" padding mode is supported for {fn}")


class nn_conv_transpose1d(_ConvNd):  # noqa: N801
    """1-D transposed convolution over (N, C_in, L)."""

    _spatial = 1
    _transposed = True

    def initialize(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                   output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                   padding_mode: str = "zeros") -> None:
        _check_zeros(padding_mode, "nn_conv_transpose1d")
        self._setup("nn_conv_transpose1d", in_channels, out_channels, kernel_size, stride, padding, dilation,
                    groups, bias, padding_mode, output_padding)

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        return nnf_conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding,
                                    self._output_padding(input, output_size), self.groups, self.dilation)


class nn_conv_transpose2d(_ConvNd):  # noqa: N801
    """2-D transposed convolution over (N, C_in, H, W); weight (C_in, C_out / groups, kH, kW).

    Example:
        >>> nn_conv_transpose2d(4, 2, 3, stride=2)(torch_randn(1, 4, 5, 5)).shape
        (1, 2, 11, 11)
    """

    _transposed = True

    def initialize(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                   output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                   padding_mode: str = "zeros") -> None:
        _check_zeros(padding_mode, "nn_conv_transpose2d")
        self._setup("nn_conv_transpose2d", in_channels, out_channels, kernel_size, stride, padding, dilation,
                    groups, bias, padding_mode, output_padding)

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        return nnf_conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                    self._output_padding(input, output_size), self.groups, self.dilation)
