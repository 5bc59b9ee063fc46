"""Module forms of the 3-d convolutions and the remaining pools (see ``functional_pool3d.py``):
``nn_conv3d``, ``nn_conv_transpose3d``, ``nn_max_pool3d``, ``nn_avg_pool3d``, ``nn_adaptive_avg_pool3d``,
``nn_adaptive_max_pool3d``, ``nn_lp_pool1d/2d``, ``nn_max_unpool1d/2d/3d``, ``nn_fractional_max_pool2d/3d``."""

from __future__ import annotations

from typing import Any

from .._core.tensor import Tensor
from . import functional_pool3d as P  # noqa: N812
from .conv import _check_zeros, _ConvNd
from .module import nn_Module

__all__ = [
    "nn_conv3d", "nn_conv_transpose3d", "nn_max_pool3d", "nn_avg_pool3d", "nn_adaptive_avg_pool3d",
    "nn_adaptive_max_pool3d", "nn_lp_pool1d", "nn_lp_pool2d", "nn_max_unpool1d", "nn_max_unpool2d",
    "nn_max_unpool3d", "nn_fractional_max_pool2d", "nn_fractional_max_pool3d",
]


class nn_conv3d(_ConvNd):  # noqa: N801
    """3-D convolution over (N, C_in, D, H, W) (weights drawn as PyTorch's Conv3d).

    Example:
        >>> nn_conv3d(2, 4, 3)(torch_randn(1, 2, 5, 5, 5)).shape
        (1, 4, 3, 3, 3)
    """

    _spatial = 3

    def initialize(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                   dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros") -> None:
        self._setup("nn_conv3d", in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                    padding_mode)

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode != "zeros":
            return P.nnf_conv3d(self._mode_pad(input), self.weight, self.bias, self.stride, 0, self.dilation,
                                self.groups)
        return P.nnf_conv3d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class nn_conv_transpose3d(_ConvNd):  # noqa: N801
    """3-D transposed convolution over (N, C_in, D, H, W).

    Example:
        >>> nn_conv_transpose3d(2, 3, 3, stride=2)(torch_randn(1, 2, 3, 3, 3)).shape
        (1, 3, 7, 7, 7)
    """

    _spatial = 3
    _transposed = True

    def initialize(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                   output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                   padding_mode: str = "zeros") -> None:
        _check_zeros(padding_mode, "nn_conv_transpose3d")
        self._setup("nn_conv_transpose3d", in_channels, out_channels, kernel_size, stride, padding, dilation,
                    groups, bias, padding_mode, output_padding)

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        op = self._output_padding(input, output_size)
        return P.nnf_conv_transpose3d(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                                      self.dilation)


class nn_max_pool3d(nn_Module):  # noqa: N801
    """Max pooling over (N, C, D, H, W)."""

    def initialize(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                   return_indices: bool = False, ceil_mode: bool = False) -> None:
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor) -> Any:
        return P.nnf_max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                                self.return_indices)


class nn_avg_pool3d(nn_Module):  # noqa: N801
    """Average pooling over (N, C, D, H, W)."""

    def initialize(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                   count_include_pad: bool = True, divisor_override: Any = None) -> None:
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return P.nnf_avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                self.count_include_pad, self.divisor_override)


class nn_adaptive_avg_pool3d(nn_Module):  # noqa: N801
    """Adaptive average pooling of (N, C, D, H, W) to ``output_size``."""

    def initialize(self, output_size: Any) -> None:
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return P.nnf_adaptive_avg_pool3d(input, self.output_size)


class nn_adaptive_max_pool3d(nn_Module):  # noqa: N801
    """Adaptive max pooling of (N, C, D, H, W) to ``output_size``."""

    def initialize(self, output_size: Any, return_indices: bool = False) -> None:
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Tensor) -> Any:
        return P.nnf_adaptive_max_pool3d(input, self.output_size, self.return_indices)


class nn_lp_pool1d(nn_Module):  # noqa: N801
    """Power-average pooling over (N, C, L)."""

    def initialize(self, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> None:
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return P.nnf_lp_pool1d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class nn_lp_pool2d(nn_lp_pool1d):  # noqa: N801
    """Power-average pooling over (N, C, H, W)."""

    def forward(self, input: Tensor) -> Tensor:
        return P.nnf_lp_pool2d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class nn_max_unpool1d(nn_Module):  # noqa: N801
    """Partial inverse of max pooling: ``forward(input, indices, output_size)``."""

    _fn = staticmethod(P.nnf_max_unpool1d)

    def initialize(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:
        return type(self)._fn(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class nn_max_unpool2d(nn_max_unpool1d):  # noqa: N801
    """Partial inverse of 2-d max pooling."""

    _fn = staticmethod(P.nnf_max_unpool2d)


class nn_max_unpool3d(nn_max_unpool1d):  # noqa: N801
    """Partial inverse of 3-d max pooling."""

    _fn = staticmethod(P.nnf_max_unpool3d)


class nn_fractional_max_pool2d(nn_Module):  # noqa: N801
    """Fractional max pooling over (N, C, H, W)."""

    _fn = staticmethod(P.nnf_fractional_max_pool2d)

    def initialize(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                   return_indices: bool = False) -> None:
        if (output_size is None) == (output_ratio is None):
            raise ValueError(f"{type(self).__name__}: requires specifying exactly one of output_size and "
                             "output_ratio")
        self.kernel_size, self.output_size, self.output_ratio = kernel_size, output_size, output_ratio
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return type(self)._fn(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices)


class nn_fractional_max_pool3d(nn_fractional_max_pool2d):  # noqa: N801
    """Fractional max pooling over (N, C, D, H, W)."""

    _fn = staticmethod(P.nnf_fractional_max_pool3d)
