"""Linear layers and shape helpers: ``nn_linear``, ``nn_bilinear``, ``nn_identity``, ``nn_flatten``,
``nn_unflatten``. Default initialisation is libtorch's, draw for draw (weight, then bias)."""

from __future__ import annotations

import math
from typing import Any

from .._core.tensor import Tensor
from .._r import to_int
from ..functions import torch_unflatten
from .functional import _shape_arg, nnf_bilinear, nnf_linear, nnf_pairwise_distance
from .init import _fans, nn_init_kaiming_uniform_, nn_init_uniform_
from .module import layer_tensor, nn_Module, nn_parameter

__all__ = ["nn_linear", "nn_bilinear", "nn_identity", "nn_flatten", "nn_unflatten", "nn_pairwise_distance"]


def _features(v: Any, fn: str, arg: str) -> int:
    n = to_int(v, f"{fn}: {arg}")
    if n < 0:
        raise ValueError(f"{fn}: `{arg}` must be non-negative, got {n}")
    return n


class nn_linear(nn_Module):  # noqa: N801
    """y = x W^T + b. Weight (out_features, in_features) ~ U(-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform_ with
    a = sqrt(5)), bias likewise, drawn weight first as libtorch.

    Example:
        >>> torch_manual_seed(1); nn_linear(1, 1).weight.item()
        0.5152631998062134
    """

    def initialize(self, in_features: int, out_features: int, bias: bool = True) -> None:
        self.in_features = _features(in_features, "nn_linear", "in_features")
        self.out_features = _features(out_features, "nn_linear", "out_features")
        self.weight = nn_parameter(layer_tensor((self.out_features, self.in_features)))
        self.bias = nn_parameter(layer_tensor((self.out_features,))) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialization: weight kaiming-uniform (a = sqrt(5)), bias uniform in +-1/sqrt(in_features)."""
        nn_init_kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = _fans(self.weight, "nn_linear")
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            nn_init_uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return nnf_linear(input, self.weight, self.bias)


class nn_bilinear(nn_Module):  # noqa: N801
    """y = x1^T A x2 + b, weight (out, in1, in2) and bias ~ U(-1/sqrt(in1), 1/sqrt(in1)).

    Example:
        >>> m = nn_bilinear(3, 4, 5); m(torch_randn(2, 3), torch_randn(2, 4)).shape
        (2, 5)
    """

    def initialize(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True) -> None:
        self.in1_features = _features(in1_features, "nn_bilinear", "in1_features")
        self.in2_features = _features(in2_features, "nn_bilinear", "in2_features")
        self.out_features = _features(out_features, "nn_bilinear", "out_features")
        self.weight = nn_parameter(layer_tensor((self.out_features, self.in1_features, self.in2_features)))
        self.bias = nn_parameter(layer_tensor((self.out_features,))) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight and bias uniform in +-1/sqrt(in1_features), as PyTorch."""
        bound = 1 / math.sqrt(self.weight.shape[1])
        nn_init_uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            nn_init_uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return nnf_bilinear(input1, input2, self.weight, self.bias)


class nn_identity(nn_Module):  # noqa: N801
    """Returns its input (arguments are accepted and ignored).

    Example:
        >>> nn_identity()(torch_ones(2)).shape
        (2,)
    """

    def initialize(self, *args: Any, **kwargs: Any) -> None:
        pass

    def forward(self, input: Tensor) -> Tensor:
        return input


class nn_flatten(nn_Module):  # noqa: N801
    """Flattens dims ``start_dim`` to ``end_dim`` (1-based; by default all but the batch dim).

    Example:
        >>> nn_flatten()(torch_ones(2, 3, 4)).shape
        (2, 12)
    """

    def initialize(self, start_dim: int = 2, end_dim: int = -1) -> None:
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)


class nn_unflatten(nn_Module):  # noqa: N801
    """Splits dim ``dim`` (1-based) into ``unflattened_size``.

    Example:
        >>> nn_unflatten(2, [3, 4])(torch_ones(2, 12)).shape
        (2, 3, 4)
    """

    def initialize(self, dim: int, unflattened_size: Any) -> None:
        self.dim = dim
        self.unflattened_size = _shape_arg(unflattened_size, "nn_unflatten", "unflattened_size")

    def forward(self, input: Tensor) -> Tensor:
        return torch_unflatten(input, self.dim, self.unflattened_size)


class nn_pairwise_distance(nn_Module):  # noqa: N801
    """The p-norm distance between rows of two inputs (``nnf_pairwise_distance``).

    Example:
        >>> nn_pairwise_distance()(torch_zeros(2, 2), torch_ones(2, 2)).shape
        (2,)
    """

    def initialize(self, p: float = 2, eps: float = 1e-6, keepdim: bool = False) -> None:
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return nnf_pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
