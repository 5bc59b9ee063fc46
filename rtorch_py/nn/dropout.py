"""Dropout layers (active in training mode only): ``nn_dropout``, ``nn_dropout2d``, ``nn_dropout3d``,
``nn_alpha_dropout``. Masks are drawn from libtorch's generator as PyTorch draws them."""

from __future__ import annotations

from .. import _check
from .._core.tensor import Tensor
from . import functional as F  # noqa: N812
from .module import nn_Module

__all__ = ["nn_dropout", "nn_dropout2d", "nn_dropout3d", "nn_alpha_dropout"]


class _Dropout(nn_Module):
    def initialize(self, p: float = 0.5, inplace: bool = False) -> None:
        pv = _check.number(p, type(self).__name__, "p")
        if not 0 <= pv <= 1:
            raise ValueError(f"{type(self).__name__}: dropout probability has to be between 0 and 1, but got {pv}")
        self.p = pv
        self.inplace = inplace


class nn_dropout(_Dropout):  # noqa: N801
    """Zero elements with probability ``p`` during training, scaling the rest by 1 / (1 - p).

    Example:
        >>> m = nn_dropout(0.5).eval(); m(torch_ones(3)).sum().item()
        3.0
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_dropout(input, self.p, self.training, self.inplace)


class nn_dropout2d(_Dropout):  # noqa: N801
    """Zero whole channels of (N, C, H, W) input with probability ``p`` during training."""

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_dropout2d(input, self.p, self.training, self.inplace)


class nn_dropout3d(_Dropout):  # noqa: N801
    """Zero whole channels of (N, C, D, H, W) input with probability ``p`` during training."""

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_dropout3d(input, self.p, self.training, self.inplace)


class nn_alpha_dropout(_Dropout):  # noqa: N801
    """Alpha dropout (keeps SELU's self-normalisation) during training."""

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_alpha_dropout(input, self.p, self.training, self.inplace)
