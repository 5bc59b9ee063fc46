"""Attention: ``torch_scaled_dot_product_attention``, ``nnf_multi_head_attention_forward`` and
``nn_multihead_attention``, following PyTorch's math (packed in-projection, baddbmm of the mask, softmax,
dropout, out-projection) with every head in one batched matmul (no per-head loop).

Masks: in MHA a boolean ``attn_mask`` / ``key_padding_mask`` marks positions NOT to attend (TRUE -> -Inf); a
float mask is added to the scores. In scaled_dot_product_attention a boolean mask marks positions that MAY be
attended (PyTorch's convention for that function).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import nn_ops as NO  # noqa: N812
from .._core import ops as O  # noqa: N812
from .._core.tensor import Tensor
from .._r import to_int
from .functional import nnf_dropout
from .init import nn_init_constant_, nn_init_xavier_normal_, nn_init_xavier_uniform_
from .linear import nn_linear
from .module import layer_tensor, nn_Module, nn_parameter

__all__ = ["torch_scaled_dot_product_attention", "nnf_multi_head_attention_forward", "nn_multihead_attention"]


def _is_bool(x: Tensor) -> bool:
    return x._data.dtype == np.bool_


def _neg_inf_where(mask: Tensor, dtype: np.dtype) -> Tensor:
    """A float mask with -Inf where ``mask`` is TRUE and 0 elsewhere (PyTorch's _canonical_mask)."""
    out = np.zeros(mask.shape, dtype=dtype)
    out[mask._data] = -np.inf
    return Tensor._wrap(out)


def _canonical(mask: Any, name: str, fn: str, dtype: np.dtype) -> Tensor | None:
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        raise TypeError(f"{fn}: `{name}` must be a tensor or NULL, got {type(mask).__name__}")
    if _is_bool(mask):
        return _neg_inf_where(mask, dtype)
    if mask._data.dtype.kind != "f":
        raise TypeError(f"{fn}: only bool and floating types of {name} are supported, got {mask.dtype.name}")
    return mask


def torch_scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                       dropout_p: float = 0.0, is_causal: bool = False,
                                       scale: float | None = None) -> Tensor:
    """softmax(Q K^T * scale + mask) V over the last two dims (any leading batch dims broadcast).

    A boolean ``attn_mask`` is TRUE where attention is allowed; a float mask is added to the scores.
    ``is_causal`` masks the upper triangle. ``scale`` defaults to 1 / sqrt(head size).

    Example:
        >>> q = torch_ones(1, 2, 4)
        >>> torch_scaled_dot_product_attention(q, q, q).shape
        (1, 2, 4)
    """
    fn = "torch_scaled_dot_product_attention"
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}: `{name}` must be a tensor, got {type(t).__name__}")
        if t.ndim < 2:
            raise RuntimeError(f"{fn}: `{name}` must have at least 2 dimensions, got shape {list(t.shape)}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"{fn}: query {list(query.shape)}, key {list(key.shape)} and value "
                           f"{list(value.shape)} do not fit (query and key must share the last size, key and "
                           "value the sequence size)")
    dp = float(dropout_p)
    if not 0.0 <= dp <= 1.0:
        raise ValueError(f"{fn}: dropout_p must be in [0, 1], got {dp}")
    if is_causal and attn_mask is not None:
        raise RuntimeError(f"{fn}: _scaled_dot_product_attention: Explicit attn_mask should not be set when "
                           "is_causal=True")
    L, S = query.shape[-2], key.shape[-2]
    dt = query._data.dtype
    s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    # libtorch's math path scales q and k by sqrt(scale) each (keeps the scores' range in check)
    root = dt.type(math.sqrt(s))
    scores = O.matmul(O.mul(query, root), O.mul(O.transpose(key, -2, -1), root))
    if is_causal:
        scores = O.add(scores, _neg_inf_where(Tensor._wrap(~np.tril(np.ones((L, S), dtype=bool))), dt))
    if attn_mask is not None:
        if not isinstance(attn_mask, Tensor):
            raise TypeError(f"{fn}: `attn_mask` must be a tensor or NULL, got {type(attn_mask).__name__}")
        add = _neg_inf_where(Tensor._wrap(~attn_mask._data), dt) if _is_bool(attn_mask) else attn_mask
        scores = O.add(scores, add)
    w = NO.safe_softmax(scores)
    if dp > 0:
        w = nnf_dropout(w, dp, training=True)
    return O.matmul(w, value)


def _check_t(x: Any, name: str, fn: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}: `{name}` must be a tensor, got {type(x).__name__}")
    return x


def _pad_last(mask: Tensor | None) -> Tensor | None:
    # one more (zero: attend) column for the appended bias / zero key
    if mask is None:
        return None
    z = Tensor._wrap(np.zeros(mask.shape[:-1] + (1,), dtype=mask._data.dtype))
    return O.cat([mask, z], -1)


def nnf_multi_head_attention_forward(
    query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
    in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None, bias_v: Tensor | None,
    add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
    training: bool = True, key_padding_mask: Tensor | None = None, need_weights: bool = True,
    attn_mask: Tensor | None = None, avg_weights: bool = True, use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None, static_v: Tensor | None = None, batch_first: bool = False,
    is_causal: bool = False, average_attn_weights: bool | None = None,
) -> list:
    """Multi-head attention on (L, N, E) query and (S, N, E) key / value (batch first with ``batch_first``, or
    unbatched (L, E)). Returns ``list(output, weights)``: weights (N, L, S) averaged over heads, (N, H, L, S)
    with ``avg_weights = FALSE``, NULL when ``need_weights = FALSE``.

    Example:
        >>> x = torch_randn(3, 1, 4); w = torch_randn(12, 4); ow = torch_randn(4, 4)
        >>> out = nnf_multi_head_attention_forward(x, x, x, 4, 2, w, None, None, None, False, 0, ow, None)
        >>> out[0].shape, out[1].shape
        ((3, 1, 4), (1, 3, 3))
    """
    fn = "nnf_multi_head_attention_forward"
    if average_attn_weights is not None:
        avg_weights = average_attn_weights
    query, key, value = (_check_t(t, n, fn) for t, n in ((query, "query"), (key, "key"), (value, "value")))
    batched = query.ndim == 3
    if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
        raise RuntimeError(f"{fn}: query should be unbatched 2D or batched 3D tensor, with key and value alike, "
                           f"but got query {list(query.shape)}, key {list(key.shape)}, value {list(value.shape)}")
    given = query
    if batched and batch_first:  # keep "the same tensor" (one packed projection) across the transpose
        same_kv, same_qk = key is value, query is key
        key = O.transpose(key, 0, 1)
        value = key if same_kv else O.transpose(value, 0, 1)
        query = key if same_kv and same_qk else O.transpose(query, 0, 1)
    if not batched:
        query, key, value = (O.unsqueeze(t, 1) for t in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = O.unsqueeze(key_padding_mask, 0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    E, H = to_int(embed_dim_to_check, f"{fn}: embed_dim_to_check"), to_int(num_heads, f"{fn}: num_heads")
    if embed_dim != E:
        raise RuntimeError(f"{fn}: was expecting embedding dimension of {E}, but got {embed_dim}")
    if E % H:
        raise RuntimeError(f"{fn}: embed_dim {E} not divisible by num_heads {H}")
    head_dim = E // H
    if key.shape[:2] != value.shape[:2] or key.shape[1] != bsz:
        raise RuntimeError(f"{fn}: key shape {list(key.shape)} does not match value shape {list(value.shape)} "
                           f"and query batch size {bsz}")
    dt = query._data.dtype
    key_padding_mask = _canonical(key_padding_mask, "key_padding_mask", fn, dt)
    attn_mask = _canonical(attn_mask, "attn_mask", fn, dt)
    if is_causal and attn_mask is None:
        raise RuntimeError(f"{fn}: Need attn_mask if specifying the is_causal hint.")

    scale = dt.type(math.sqrt(1.0 / head_dim))
    dp = float(dropout_p) if training else 0.0
    packed = not use_separate_proj_weight and query is key and key is value

    # -- in-projection (one matmul for q, k, v when they are the same tensor) --
    bq = bk = bv = None
    if in_proj_bias is not None and not packed:
        bq, bk, bv = O.split(in_proj_bias, 0, [E, E, E])
    if packed:
        # plain self-attention (the transformer layers' case): one node from the projection to the heads merged
        # (nn_ops.self_attention_packed: no split, head copies or full-size gradient buffers), in the caller's
        # layout (batch first: no transposed copy of the input for the projection, none of the output)
        plain = bias_k is None and bias_v is None and not add_zero_attn and static_k is None \
            and static_v is None and dp == 0 and not need_weights \
            and not any(m is not None and m._requires_grad for m in (attn_mask, key_padding_mask))
        bf = plain and batched and batch_first
        proj = O.linear(given if bf else query, _check_t(in_proj_weight, "in_proj_weight", fn), in_proj_bias)
        pd = proj._data
        if plain and pd.dtype in (np.float32, np.float64) and pd.dtype.metadata is None and pd.size:
            mask = _with_padding_mask(_mask_3d(attn_mask, tgt_len, src_len, bsz, H, fn), key_padding_mask, bsz, H,
                                      src_len, fn)
            if mask is None or mask._data.dtype == pd.dtype:
                out = NO.self_attention_packed(proj, H, scale, bf, None if mask is None else mask._data)
                return [_out_projection(out, out_proj_weight, out_proj_bias, batched, False), None]
        if bf:
            proj = O.transpose(proj, 0, 1)
        q, k, v = O.split(proj, proj.ndim - 1, [E, E, E])
    elif not use_separate_proj_weight:
        w = _check_t(in_proj_weight, "in_proj_weight", fn)
        wq, wk, wv = O.split(w, 0, [E, E, E])
        q = O.linear(query, wq, bq)
        if key is value:
            kv = O.linear(key, O.cat([wk, wv], 0), None if bk is None else O.cat([bk, bv], 0))
            k, v = O.split(kv, kv.ndim - 1, [E, E])
        else:
            k, v = O.linear(key, wk, bk), O.linear(value, wv, bv)
    else:
        q = O.linear(query, _check_t(q_proj_weight, "q_proj_weight", fn), bq)
        k = O.linear(key, _check_t(k_proj_weight, "k_proj_weight", fn), bk)
        v = O.linear(value, _check_t(v_proj_weight, "v_proj_weight", fn), bv)

    attn_mask = _mask_3d(attn_mask, tgt_len, src_len, bsz, H, fn)
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise RuntimeError(f"{fn}: bias cannot be added to static key / value.")
        k = O.cat([k, O.expand(O.reshape(bias_k, (1, 1, E)), (1, bsz, E))], 0)
        v = O.cat([v, O.expand(O.reshape(bias_v, (1, 1, E)), (1, bsz, E))], 0)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    elif (bias_k is None) != (bias_v is None):
        raise RuntimeError(f"{fn}: bias_k and bias_v must both be given or both be NULL")

    # scaled before the head split: the product is a new contiguous (L, N, E) array, so the reshape into heads
    # is a view (scaling the split heads copied the strided projection slice and then made a second pass)
    q = O.transpose(O.reshape(O.mul(q, scale), (tgt_len, bsz * H, head_dim)), 0, 1)
    k = O.transpose(O.reshape(k, (k.shape[0], bsz * H, head_dim)), 0, 1) if static_k is None else static_k
    v = O.transpose(O.reshape(v, (v.shape[0], bsz * H, head_dim)), 0, 1) if static_v is None else static_v
    if add_zero_attn:
        z = Tensor._wrap(np.zeros((bsz * H, 1, head_dim), dtype=dt))
        k, v = O.cat([k, z], 1), O.cat([v, z], 1)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    src_len = k.shape[1]
    attn_mask = _with_padding_mask(attn_mask, key_padding_mask, bsz, H, src_len, fn)

    scores = O.matmul(q, O.transpose(k, 1, 2))  # (B*H, L, S), all heads in one batched matmul
    if attn_mask is not None:
        scores = O.add(attn_mask, scores)
    weights = O.softmax(scores, -1) if need_weights else NO.safe_softmax(scores)
    if dp > 0:
        weights = nnf_dropout(weights, dp, training=True)
    out = O.matmul(weights, v)  # (B*H, L, head_dim)
    out = _out_projection(O.reshape(O.transpose(out, 0, 1), (tgt_len, bsz, E)), out_proj_weight, out_proj_bias,
                          batched, batched and batch_first)
    if not need_weights:
        return [out, None]
    weights = O.reshape(weights, (bsz, H, tgt_len, src_len))
    if avg_weights:
        weights = O.mean(weights, 1)
    if not batched:
        weights = O.squeeze(weights, 0)
    return [out, weights]


def _mask_3d(attn_mask: Tensor | None, tgt_len: int, src_len: int, bsz: int, heads: int, fn: str) -> Tensor | None:
    """A float attn_mask as (1, L, S) or (N * H, L, S), its shape checked."""
    if attn_mask is None:
        return None
    if attn_mask.ndim == 2:
        if attn_mask.shape != (tgt_len, src_len):
            raise RuntimeError(f"{fn}: The shape of the 2D attn_mask is {list(attn_mask.shape)}, but should be "
                               f"{[tgt_len, src_len]}.")
        return O.unsqueeze(attn_mask, 0)
    if attn_mask.ndim == 3:
        if attn_mask.shape != (bsz * heads, tgt_len, src_len):
            raise RuntimeError(f"{fn}: The shape of the 3D attn_mask is {list(attn_mask.shape)}, but should be "
                               f"{[bsz * heads, tgt_len, src_len]}.")
        return attn_mask
    raise RuntimeError(f"{fn}: attn_mask's dimension {attn_mask.ndim} is not supported")


def _with_padding_mask(attn_mask: Tensor | None, key_padding_mask: Tensor | None, bsz: int, heads: int,
                       src_len: int, fn: str) -> Tensor | None:
    """The float key_padding_mask (N, S), its shape checked, added to attn_mask as (N * H, 1, S)."""
    if key_padding_mask is None:
        return attn_mask
    if key_padding_mask.shape != (bsz, src_len):
        raise RuntimeError(f"{fn}: expecting key_padding_mask shape of {[bsz, src_len]}, but got "
                           f"{list(key_padding_mask.shape)}")
    kpm = O.reshape(O.expand(O.reshape(key_padding_mask, (bsz, 1, 1, src_len)), (bsz, heads, 1, src_len)),
                    (bsz * heads, 1, src_len))
    return kpm if attn_mask is None else O.add(attn_mask, kpm)


def _out_projection(out: Tensor, weight: Tensor, bias: Tensor | None, batched: bool, transpose: bool) -> Tensor:
    """The merged heads (A, B, E) through the out-projection; ``transpose``: back to batch first."""
    a, b, e = out.shape
    out = O.reshape(O.linear(O.reshape(out, (a * b, e)), weight, bias), (a, b, -1))
    if transpose:
        out = O.transpose(out, 0, 1)
    return out if batched else O.squeeze(out, 1)


class nn_multihead_attention(nn_Module):  # noqa: N801
    """Multi-head attention (Vaswani et al.), PyTorch's ``MultiheadAttention``: packed ``in_proj_weight``
    (3E, E) when key and value have ``embed_dim`` features, else ``q/k/v_proj_weight``; initialisation draws
    as PyTorch (out_proj's default init, then xavier_uniform of the projections, zero biases, xavier_normal of
    ``bias_k`` / ``bias_v``). ``forward(query, key, value, key_padding_mask, need_weights, attn_mask,
    avg_weights)`` returns ``list(output, weights)``.

    Example:
        >>> attn = nn_multihead_attention(8, 2)
        >>> x = torch_randn(5, 3, 8)
        >>> [t.shape for t in attn(x, x, x)]
        [(5, 3, 8), (3, 5, 5)]
    """

    def initialize(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                   add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                   vdim: int | None = None, batch_first: bool = False) -> None:
        fn = "nn_multihead_attention"
        self.embed_dim = E = to_int(embed_dim, f"{fn}: embed_dim")
        self.num_heads = to_int(num_heads, f"{fn}: num_heads")
        if E <= 0 or self.num_heads <= 0:
            raise ValueError(f"{fn}: embed_dim and num_heads must be greater than 0, got embed_dim={E} and "
                             f"num_heads={self.num_heads} instead")
        self.kdim = E if kdim is None else to_int(kdim, f"{fn}: kdim")
        self.vdim = E if vdim is None else to_int(vdim, f"{fn}: vdim")
        self.qkv_same_embed_dim_ = self.kdim == E and self.vdim == E
        self.dropout = float(dropout)
        self.batch_first = bool(batch_first)
        self.head_dim = E // self.num_heads
        if self.head_dim * self.num_heads != E:
            raise ValueError(f"{fn}: embed_dim must be divisible by num_heads (embed_dim={E}, "
                             f"num_heads={self.num_heads})")
        if not self.qkv_same_embed_dim_:
            self.q_proj_weight = nn_parameter(layer_tensor((E, E)))
            self.k_proj_weight = nn_parameter(layer_tensor((E, self.kdim)))
            self.v_proj_weight = nn_parameter(layer_tensor((E, self.vdim)))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = nn_parameter(layer_tensor((3 * E, E)))
            for n in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(n, None)
        if bias:
            self.in_proj_bias = nn_parameter(layer_tensor((3 * E,)))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = nn_linear(E, E, bias=bias)
        if add_bias_kv:
            self.bias_k = nn_parameter(layer_tensor((1, 1, E)))
            self.bias_v = nn_parameter(layer_tensor((1, 1, E)))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = bool(add_zero_attn)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """xavier_uniform_ projections, zero biases, xavier_normal_ bias_k / bias_v (PyTorch's order)."""
        if self.qkv_same_embed_dim_:
            nn_init_xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                nn_init_xavier_uniform_(w)
        if self.in_proj_bias is not None:
            nn_init_constant_(self.in_proj_bias, 0)
            nn_init_constant_(self.out_proj.bias, 0)
        if self.bias_k is not None:
            nn_init_xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            nn_init_xavier_normal_(self.bias_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, avg_weights: bool = True,
                average_attn_weights: bool | None = None, is_causal: bool = False) -> list:
        sep = not self.qkv_same_embed_dim_
        return nnf_multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, avg_weights=avg_weights, use_separate_proj_weight=sep,
            q_proj_weight=self.q_proj_weight if sep else None, k_proj_weight=self.k_proj_weight if sep else None,
            v_proj_weight=self.v_proj_weight if sep else None, batch_first=self.batch_first,
            is_causal=is_causal and attn_mask is not None, average_attn_weights=average_attn_weights)
