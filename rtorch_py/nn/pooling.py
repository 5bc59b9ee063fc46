"""Pooling layers: ``nn_max_pool1d/2d``, ``nn_avg_pool1d/2d``, ``nn_adaptive_avg_pool1d/2d``,
``nn_adaptive_max_pool1d/2d`` (wrappers of the ``nnf_*`` forms)."""

from __future__ import annotations

from typing import Any

from .._core.tensor import Tensor
from . import functional_conv as FC  # noqa: N812
from .module import nn_Module

__all__ = [
    "nn_max_pool1d", "nn_max_pool2d", "nn_avg_pool1d", "nn_avg_pool2d", "nn_adaptive_avg_pool1d",
    "nn_adaptive_avg_pool2d", "nn_adaptive_max_pool1d", "nn_adaptive_max_pool2d",
]


class _MaxPool(nn_Module):
    def initialize(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                   return_indices: bool = False, ceil_mode: bool = False) -> None:
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode


class nn_max_pool1d(_MaxPool):  # noqa: N801
    """Max over sliding windows of (N, C, L)."""

    def forward(self, input: Tensor) -> Any:
        return FC.nnf_max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                                 self.return_indices)


class nn_max_pool2d(_MaxPool):  # noqa: N801
    """Max over sliding windows of (N, C, H, W).

    Example:
        >>> nn_max_pool2d(2)(torch_randn(1, 1, 4, 4)).shape
        (1, 1, 2, 2)
    """

    def forward(self, input: Tensor) -> Any:
        return FC.nnf_max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                                 self.return_indices)


class nn_avg_pool1d(nn_Module):  # noqa: N801
    """Average over sliding windows of (N, C, L)."""

    def initialize(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                   count_include_pad: bool = True) -> None:
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return FC.nnf_avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                 self.count_include_pad)


class nn_avg_pool2d(nn_Module):  # noqa: N801
    """Average over sliding windows of (N, C, H, W).

    Example:
        >>> nn_avg_pool2d(2)(torch_ones(1, 1, 4, 4)).shape
        (1, 1, 2, 2)
    """

    def initialize(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                   count_include_pad: bool = True, divisor_override: Any = None) -> None:
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return FC.nnf_avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                 self.count_include_pad, self.divisor_override)


class nn_adaptive_avg_pool1d(nn_Module):  # noqa: N801
    """Average pooling of (N, C, L) to ``output_size`` positions."""

    def initialize(self, output_size: Any) -> None:
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return FC.nnf_adaptive_avg_pool1d(input, self.output_size)


class nn_adaptive_avg_pool2d(nn_Module):  # noqa: N801
    """Average pooling of (N, C, H, W) to ``output_size``.

    Example:
        >>> nn_adaptive_avg_pool2d(1)(torch_randn(2, 3, 5, 5)).shape
        (2, 3, 1, 1)
    """

    def initialize(self, output_size: Any) -> None:
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return FC.nnf_adaptive_avg_pool2d(input, self.output_size)


class nn_adaptive_max_pool1d(nn_Module):  # noqa: N801
    """Max pooling of (N, C, L) to ``output_size`` positions."""

    def initialize(self, output_size: Any, return_indices: bool = False) -> None:
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return FC.nnf_adaptive_max_pool1d(input, self.output_size, self.return_indices)


class nn_adaptive_max_pool2d(nn_Module):  # noqa: N801
    """Max pooling of (N, C, H, W) to ``output_size``."""

    def initialize(self, output_size: Any, return_indices: bool = False) -> None:
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return FC.nnf_adaptive_max_pool2d(input, self.output_size, self.return_indices)
