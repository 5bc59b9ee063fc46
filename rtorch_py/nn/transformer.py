"""Transformer encoders: ``nn_transformer_encoder_layer`` (self-attention + feed-forward, post- or pre-norm) and
``nn_transformer_encoder`` (a stack of deep copies of one layer, optional final norm), as R torch / PyTorch:
same submodules created in the same order, so a seed gives PyTorch's weights."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._core.tensor import Tensor
from .._r import to_int
from .attention import nn_multihead_attention
from .dropout import nn_dropout
from .functional import nnf_gelu, nnf_relu
from .linear import nn_linear
from .module import nn_Module, nn_module_list
from .normalization import nn_layer_norm

__all__ = ["nn_transformer_encoder_layer", "nn_transformer_encoder"]


def _causal_mask(n: int) -> Tensor:
    return Tensor._wrap(np.triu(np.ones((n, n), dtype=bool), 1))


class nn_transformer_encoder_layer(nn_Module):  # noqa: N801
    """One encoder layer: ``self_attn``, then ``linear1`` -> activation -> ``linear2``, each sublayer with
    dropout, a residual connection and layer norm (after it, or before it with ``norm_first``).
    ``activation`` is "relu", "gelu" or a function of a tensor.

    Example:
        >>> layer = nn_transformer_encoder_layer(d_model=8, nhead=2, dim_feedforward=16)
        >>> layer(torch_randn(5, 3, 8)).shape
        (5, 3, 8)
    """

    def initialize(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                   activation: str | Callable = "relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
                   norm_first: bool = False, bias: bool = True) -> None:
        fn = "nn_transformer_encoder_layer"
        d_model = to_int(d_model, f"{fn}: d_model")
        dim_feedforward = to_int(dim_feedforward, f"{fn}: dim_feedforward")
        self.norm_first = bool(norm_first)
        self.self_attn = nn_multihead_attention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first)
        self.linear1 = nn_linear(d_model, dim_feedforward, bias=bias)
        self.linear2 = nn_linear(dim_feedforward, d_model, bias=bias)
        self.dropout = nn_dropout(dropout)
        self.dropout1 = nn_dropout(dropout)
        self.dropout2 = nn_dropout(dropout)
        self.norm1 = nn_layer_norm(d_model, eps=layer_norm_eps, elementwise_affine=bias)
        self.norm2 = nn_layer_norm(d_model, eps=layer_norm_eps, elementwise_affine=bias)
        if isinstance(activation, str):
            name = activation.lower()
            if name not in ("relu", "gelu"):
                raise ValueError(f"{fn}: Unsupported activation string: {activation}. Use 'relu', 'gelu', or a "
                                 "callable function.")
            self.activation = name  # kept by name (a saved layer holds no function), resolved in forward
            self.activation_relu_or_gelu = 1 if name == "relu" else 2
        elif callable(activation):
            self.activation = activation
            self.activation_relu_or_gelu = 0
        else:
            raise TypeError(f"{fn}: activation must be a string ('relu' or 'gelu') or a function, got "
                            f"{type(activation).__name__}")

    def _sa(self, x: Tensor, mask: Tensor | None, kpm: Tensor | None) -> Tensor:
        out = self.self_attn(x, x, x, attn_mask=mask, key_padding_mask=kpm, need_weights=False)[0]
        return self.dropout1(out)

    def _ff(self, x: Tensor) -> Tensor:
        act = self.activation
        if isinstance(act, str):
            act = nnf_relu if act == "relu" else nnf_gelu
        return self.dropout2(self.linear2(self.dropout(act(self.linear1(x)))))

    def forward(self, src: Tensor, src_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        if src_mask is not None and is_causal:
            raise ValueError("nn_transformer_encoder_layer: Explicit src_mask should not be set when "
                             "is_causal=TRUE. Use one or the other.")
        mask = src_mask
        if is_causal:
            mask = _causal_mask(src.shape[1] if self.self_attn.batch_first and src.ndim == 3 else src.shape[0])
        if self.norm_first:
            x = src + self._sa(self.norm1(src), mask, src_key_padding_mask)
            return x + self._ff(self.norm2(x))
        x = self.norm1(src + self._sa(src, mask, src_key_padding_mask))
        return self.norm2(x + self._ff(x))


class nn_transformer_encoder(nn_Module):  # noqa: N801
    """``num_layers`` deep copies of ``encoder_layer`` applied in turn, then ``norm`` when given.

    Example:
        >>> layer = nn_transformer_encoder_layer(d_model=8, nhead=2, batch_first=True)
        >>> nn_transformer_encoder(layer, num_layers=2)(torch_randn(4, 5, 8)).shape
        (4, 5, 8)
    """

    def initialize(self, encoder_layer: nn_Module, num_layers: int, norm: nn_Module | None = None) -> None:
        if not isinstance(encoder_layer, nn_Module):
            raise TypeError("nn_transformer_encoder: encoder_layer must be an nn_module (transformer encoder layer "
                            f"instance), got {type(encoder_layer).__name__}")
        self.num_layers = to_int(num_layers, "nn_transformer_encoder: num_layers")
        self.layers = nn_module_list([encoder_layer.clone(deep=True) for _ in range(self.num_layers)])
        self.norm = norm

    def forward(self, src: Tensor, mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        out = src
        for layer in self.layers:
            out = layer(out, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=is_causal)
        if self.norm is not None:
            out = self.norm(out)
        return out
