"""Normalization layers: ``nn_batch_norm1d/2d/3d`` (running statistics, momentum, train/eval),
``nn_layer_norm``, ``nn_group_norm``. Parameters start at ones (weight) and zeros (bias), as libtorch."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _check
from .._core.tensor import Tensor
from . import functional as F  # noqa: N812
from .init import nn_init_ones_, nn_init_zeros_
from .module import layer_tensor, nn_buffer, nn_Module, nn_parameter

__all__ = ["nn_batch_norm1d", "nn_batch_norm2d", "nn_batch_norm3d", "nn_layer_norm", "nn_group_norm"]


def _affine_parameters(module: nn_Module, shape: tuple, affine: bool, bias: bool = True) -> None:
    """``weight`` (ones) and ``bias`` (zeros) of ``shape`` when ``affine`` (bias only with ``bias``), else None."""
    module.weight = nn_parameter(layer_tensor(shape, 1.0)) if affine else None
    module.bias = nn_parameter(layer_tensor(shape, 0.0)) if affine and bias else None


class _BatchNorm(nn_Module):
    _dims: tuple[int, ...] = (2, 3)

    def initialize(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                   track_running_stats: bool = True) -> None:
        self.num_features = _check.integer(num_features, type(self).__name__, "num_features")
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        n = self.num_features
        _affine_parameters(self, (n,), affine)
        if track_running_stats:
            self.running_mean = nn_buffer(layer_tensor((n,), 0.0))
            self.running_var = nn_buffer(layer_tensor((n,), 1.0))
            self.num_batches_tracked = nn_buffer(layer_tensor((), 0, np.int64))
        else:
            self.running_mean = None
            self.running_var = None
            self.num_batches_tracked = None

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            nn_init_zeros_(self.running_mean)
            nn_init_ones_(self.running_var)
            nn_init_zeros_(self.num_batches_tracked)

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            nn_init_ones_(self.weight)
            nn_init_zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        _check.tensor(input, type(self).__name__, "input")
        if input.ndim not in self._dims:
            want = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"{type(self).__name__}: expected {want} input (got {input.ndim}D input)")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            nbt = self.num_batches_tracked
            nbt._data[...] += 1
            nbt._version[0] += 1
            factor = 1.0 / float(nbt._data) if self.momentum is None else self.momentum
        bn_training = self.training or (self.running_mean is None and self.running_var is None)
        use_stats = not self.training or self.track_running_stats
        return F.nnf_batch_norm(input, self.running_mean if use_stats else None,
                                self.running_var if use_stats else None, self.weight, self.bias, bn_training,
                                factor, self.eps)


class nn_batch_norm1d(_BatchNorm):  # noqa: N801
    """Batch normalization of (N, C) or (N, C, L) input over the batch (and length).

    Example:
        >>> bn = nn_batch_norm1d(3); bn(torch_randn(8, 3)).shape
        (8, 3)
    """

    _dims = (2, 3)


class nn_batch_norm2d(_BatchNorm):  # noqa: N801
    """Batch normalization of (N, C, H, W) input per channel."""

    _dims = (4,)


class nn_batch_norm3d(_BatchNorm):  # noqa: N801
    """Batch normalization of (N, C, D, H, W) input per channel."""

    _dims = (5,)


class nn_layer_norm(nn_Module):  # noqa: N801
    """Normalization over the last dims (``normalized_shape``) of each sample.

    Example:
        >>> nn_layer_norm(4)(torch_randn(2, 4)).shape
        (2, 4)
    """

    def initialize(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                   bias: bool = True) -> None:
        self.normalized_shape = F._shape_arg(normalized_shape, "nn_layer_norm", "normalized_shape")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)


class nn_group_norm(nn_Module):  # noqa: N801
    """Normalization over groups of channels of each sample.

    Example:
        >>> nn_group_norm(2, 4)(torch_randn(3, 4, 5)).shape
        (3, 4, 5)
    """

    def initialize(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True) -> None:
        self.num_groups = _check.integer(num_groups, "nn_group_norm", "num_groups")
        self.num_channels = _check.integer(num_channels, "nn_group_norm", "num_channels")
        if self.num_groups <= 0 or self.num_channels % self.num_groups:
            raise ValueError(f"nn_group_norm: num_channels ({self.num_channels}) must be divisible by num_groups "
                             f"({self.num_groups})")
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, (self.num_channels,), affine)

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_group_norm(input, self.num_groups, self.weight, self.bias, self.eps)
