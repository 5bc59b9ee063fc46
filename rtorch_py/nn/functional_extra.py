"""Remaining functionals and their modules: ``nnf_contrib_sparsemax``, ``nnf_local_response_norm``, ``nnf_pdist``,
``nnf_gumbel_softmax``, ``nnf_embedding_bag``, ``nn_softmax2d`` and the in-place activations (``nnf_relu_``,
``nnf_elu_``, ``nnf_hardtanh_``, ...). All compound (built from primitives), so autograd needs no new rule.
"""

from __future__ import annotations

import numpy as np

from .._core import nn_ops as NO  # noqa: N812
from .._core import ops as O  # noqa: N812
from .._core import rng
from .._core.tensor import Tensor
from .._r import Dim, r_api, to_int
from .functional import (
    _embedding_rows,
    _padding_idx0,
    _t,
    nnf_celu,
    nnf_elu,
    nnf_hardtanh,
    nnf_leaky_relu,
    nnf_relu,
    nnf_relu6,
    nnf_rrelu,
    nnf_selu,
    nnf_softmax,
    nnf_threshold,
)
from .functional_conv import nnf_avg_pool2d
from .functional_pool3d import nnf_avg_pool3d
from .init import _write, nn_init_normal_
from .module import layer_tensor, nn_Module, nn_parameter

__all__ = [
    "nnf_contrib_sparsemax", "nn_contrib_sparsemax", "nnf_local_response_norm", "nn_local_response_norm",
    "nnf_pdist", "nnf_gumbel_softmax", "nnf_embedding_bag", "nn_embedding_bag", "nn_softmax2d",
    "nnf_relu_", "nnf_relu6_", "nnf_elu_", "nnf_selu_", "nnf_celu_", "nnf_leaky_relu_", "nnf_rrelu_",
    "nnf_hardtanh_", "nnf_threshold_",
]

_wrap = Tensor._wrap


# -- sparsemax -----------------------------------------------------------------------------------------------------

@r_api
def nnf_contrib_sparsemax(input: Tensor, dim: Dim = -1) -> Tensor:
    """Sparsemax along ``dim`` (Martins & Astudillo): the Euclidean projection onto the simplex, so outputs
    sum to 1 and many are exactly 0.

    Example:
        >>> nnf_contrib_sparsemax(torch_tensor([0.1, 0.2, 3.0]))._data.tolist()
        [0.0, 0.0, 1.0]
    """
    x = _t(input, "nnf_contrib_sparsemax")
    axis = dim % x.ndim
    z = O.movedim_last(x, axis)
    zd = z._data
    zs = -np.sort(-zd, axis=-1)
    ks = np.arange(1, zd.shape[-1] + 1, dtype=zd.dtype)
    support = 1 + ks * zs > np.cumsum(zs, axis=-1)
    k = support.sum(-1, keepdims=True)
    thresh = np.take_along_axis(zs, k - 1, -1)
    member = _wrap((zd >= thresh).astype(zd.dtype))  # the support, as a constant mask
    tau = O.div(O.sub(O.sum(O.mul(z, member), z.ndim - 1, keepdim=True), 1), _wrap(k.astype(zd.dtype)))
    out = O.relu(O.sub(z, tau))
    return O.movedim_back(out, axis)


class nn_contrib_sparsemax(nn_Module):  # noqa: N801
    """Sparsemax activation along ``dim`` (see ``nnf_contrib_sparsemax``)."""

    def initialize(self, dim: int = -1) -> None:
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return nnf_contrib_sparsemax(input, self.dim)


class nn_softmax2d(nn_Module):  # noqa: N801
    """Softmax over the channels (dim 2 of (N, C, H, W), dim 1 of (C, H, W)) at each location."""

    def initialize(self) -> None:
        pass

    def forward(self, input: Tensor) -> Tensor:
        x = _t(input, "nn_softmax2d")
        if x.ndim not in (3, 4):
            raise ValueError(f"nn_softmax2d: Softmax2d: expected input to be 3D or 4D, got {x.ndim}D instead")
        return nnf_softmax(x, -3)


# -- local response normalization ----------------------------------------------------------------------------------

def nnf_local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                            k: float = 1.0) -> Tensor:
    """x / (k + alpha * mean of x^2 over ``size`` neighbouring channels)^beta, as PyTorch.

    Example:
        >>> nnf_local_response_norm(torch_ones(1, 4, 2, 2), size=2).shape
        (1, 4, 2, 2)
    """
    fn = "nnf_local_response_norm"
    x = _t(input, fn)
    if x.ndim < 3:
        raise ValueError(f"{fn}: Expected 3D or higher dimensionality input (got {x.ndim} dimensions)")
    n = to_int(size, f"{fn}: size")
    if x._data.size == 0:
        return x
    div = O.unsqueeze(O.mul(x, x), 1)
    lo, hi = n // 2, (n - 1) // 2
    if x.ndim == 3:
        div = NO.pad_constant(div, ((0, 0), (0, 0), (lo, hi), (0, 0)), 0.0)
        div = O.squeeze(nnf_avg_pool2d(div, [n, 1], stride=1), 1)
    else:
        sh = x.shape
        div = O.reshape(div, (sh[0], 1, sh[1], sh[2], -1))
        div = NO.pad_constant(div, ((0, 0), (0, 0), (lo, hi), (0, 0), (0, 0)), 0.0)
        div = O.squeeze(nnf_avg_pool3d(div, [n, 1, 1], stride=1), 1)
        div = O.reshape(div, sh)
    div = O.pow(O.add(O.mul(div, float(alpha)), float(k)), float(beta))
    return O.div(x, div)


class nn_local_response_norm(nn_Module):  # noqa: N801
    """Local response normalization over channels (see ``nnf_local_response_norm``)."""

    def initialize(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return nnf_local_response_norm(input, self.size, self.alpha, self.beta, self.k)


# -- distances -----------------------------------------------------------------------------------------------------

def nnf_pdist(input: Tensor, p: float = 2) -> Tensor:
    """The p-norm distances between every pair of rows (i < j) of an (N, M) matrix: N (N - 1) / 2 values in
    row-major order of the upper triangle.

    Example:
        >>> nnf_pdist(torch_tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))._data.tolist()
        [5.0, 1.0, 4.242640495300293]
    """
    fn = "nnf_pdist"
    x = _t(input, fn)
    if x.ndim != 2:
        raise RuntimeError(f"{fn}: pdist only supports 2D tensors, got: {x.ndim}D")
    pv = float(p)
    if pv < 0:
        raise RuntimeError(f"{fn}: pdist only supports non-negative p values, got {pv}")
    i, j = np.triu_indices(x.shape[0], 1)
    diff = O.sub(O.index(x, _wrap(i)), O.index(x, _wrap(j)))
    return O.norm(diff, pv, (1,))


# -- gumbel softmax ------------------------------------------------------------------------------------------------

@r_api
def nnf_gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, dim: Dim = -1) -> Tensor:
    """Samples from the Gumbel-softmax distribution: softmax((logits + g) / tau), g ~ Gumbel(0, 1); with
    ``hard``, one-hot of the argmax in the forward pass and the soft sample's gradient (straight-through).

    Example:
        >>> torch_manual_seed(1); nnf_gumbel_softmax(torch_zeros(2, 3), hard=True).sum()._data.item()
        2.0
    """
    x = _t(logits, "nnf_gumbel_softmax")
    dt = x._data.dtype if x._data.dtype.kind == "f" else np.dtype(np.float32)
    # as PyTorch: -empty_like(logits).exponential_().log(), i.e. libtorch's exponential stream (one 53-bit
    # uniform per element, in order), the log taken in the tensor's dtype
    e = rng.default_generator.exponential(x.shape, 1.0, dt)
    with np.errstate(divide="ignore"):
        gumbels = _wrap(-np.log(e))
    y = O.softmax(O.div(O.add(x, gumbels), float(tau)), dim)
    if not hard:
        return y
    idx = np.argmax(y._data, axis=dim, )
    hard_y = np.zeros(y.shape, dtype=y._data.dtype)
    np.put_along_axis(hard_y, np.expand_dims(idx, dim), 1, axis=dim)
    return O.add(O.sub(_wrap(hard_y), y.detach()), y)


# -- embedding bags ------------------------------------------------------------------------------------------------

def nnf_embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                      norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean",
                      sparse: bool = False, per_sample_weights: Tensor | None = None,
                      include_last_offset: bool = False, padding_idx: int | None = None) -> Tensor:
    """Sums, means or maxima of bags of embeddings: each row of a 2-D ``input`` (1-based indices) is a bag,
    or a 1-D ``input`` is cut into bags at ``offsets`` (0-based starting positions, as libtorch). The
    ``padding_idx`` row (1-based) is left out of every bag.

    Example:
        >>> w = torch_randn(10, 3)
        >>> nnf_embedding_bag(torch_tensor([[1, 2], [3, 4]]), w).shape
        (2, 3)
    """
    fn = "nnf_embedding_bag"
    idx_t = _t(input, fn)
    w = _t(weight, fn, "weight")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"{fn}: mode has to be one of sum, mean or max, got {mode!r}")
    if w.ndim != 2:
        raise ValueError(f"{fn}: weight has to be a 2D Tensor, but got Tensor of dimension {w.ndim}")
    num = w.shape[0]
    idx = _embedding_rows(idx_t, num, fn)
    pad = _padding_idx0(padding_idx, num, fn)
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{fn}: if input is 2D, then offsets has to be None, as input is treated is a "
                             "mini-batch of fixed length sequences.")
        nb, L = idx.shape
        bag = np.repeat(np.arange(nb), L)
        flat = idx.reshape(-1)
    elif idx.ndim == 1:
        if offsets is None:
            raise ValueError(f"{fn}: offsets has to be a 1D Tensor but got None")
        off = np.asarray(_t(offsets, fn, "offsets")._data, dtype=np.int64).reshape(-1)
        if off.size == 0 or off[0] != 0:
            raise RuntimeError(f"{fn}: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to "
                               "start from position 0. However, got "
                               f"{int(off[0]) if off.size else 'an empty offsets tensor'}")
        starts = off[:-1] if include_last_offset else off
        nb = len(starts)
        flat = idx
        bag = np.searchsorted(starts, np.arange(len(idx)), side="right") - 1
    else:
        raise ValueError(f"{fn}: input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    keep = np.ones(flat.shape, dtype=bool) if pad is None else flat != pad
    if max_norm is not None:
        from .functional import _embedding_renorm  # noqa: PLC0415

        _embedding_renorm(w, flat, float(max_norm), float(norm_type))
    rows = NO.embedding(w, flat, pad, bool(scale_grad_by_freq))  # (n, dim)
    dt = w._data.dtype
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"{fn}: embedding_bag: per_sample_weights was not None. per_sample_weights "
                                      f"is only supported for mode='sum' (got mode='{mode}').")
        rows = O.mul(rows, O.unsqueeze(O.reshape(_t(per_sample_weights, fn, "per_sample_weights"), (-1,)), 1))
    if mode == "max":
        member = np.zeros((nb, len(flat)), dtype=bool)
        member[bag[keep], np.nonzero(keep)[0]] = True
        masked = np.where(member[:, :, None], rows._data[None], -np.inf)
        best = masked.argmax(1)  # the first row reaching each maximum, then one differentiable gather
        res = O.gather(rows, 0, _wrap(best))
        empty = ~member.any(1)
        return O.masked_fill(res, _wrap(np.broadcast_to(empty[:, None], res.shape).copy()), 0.0) \
            if empty.any() else res
    m = np.zeros((nb, len(flat)), dtype=dt)
    m[bag[keep], np.nonzero(keep)[0]] = 1
    if mode == "mean":
        counts = m.sum(1, keepdims=True)
        m = np.divide(m, counts, out=np.zeros_like(m), where=counts > 0)
    return O.matmul(_wrap(m), rows)


class nn_embedding_bag(nn_Module):  # noqa: N801
    """Bags of embeddings reduced by sum, mean or max; ``weight`` ~ N(0, 1) as PyTorch's EmbeddingBag.

    Example:
        >>> nn_embedding_bag(10, 3)(torch_tensor([[1, 2, 4], [4, 3, 9]])).shape
        (2, 3)
    """

    def initialize(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                   norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                   include_last_offset: bool = False, padding_idx: int | None = None,
                   _weight: Tensor | None = None) -> None:
        self.num_embeddings = to_int(num_embeddings, "nn_embedding_bag: num_embeddings")
        self.embedding_dim = to_int(embedding_dim, "nn_embedding_bag: embedding_dim")
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = nn_parameter(layer_tensor((self.num_embeddings, self.embedding_dim)))
            self.reset_parameters()
        else:
            self.weight = nn_parameter(_weight)

    def reset_parameters(self) -> None:
        """N(0, 1) weights, the padding row zeroed."""
        nn_init_normal_(self.weight)
        pad = _padding_idx0(self.padding_idx, self.num_embeddings, "nn_embedding_bag")
        if pad is not None:
            _write(self.weight, 0, pad)

    def forward(self, input: Tensor, offsets: Tensor | None = None,
                per_sample_weights: Tensor | None = None) -> Tensor:
        return nnf_embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                                 self.mode, self.sparse, per_sample_weights, self.include_last_offset,
                                 self.padding_idx)


# -- in-place activations ------------------------------------------------------------------------------------------

def nnf_relu_(input: Tensor) -> Tensor:
    """``nnf_relu`` in place."""
    return nnf_relu(input, inplace=True)


def nnf_relu6_(input: Tensor) -> Tensor:
    """``nnf_relu6`` in place."""
    return nnf_relu6(input, inplace=True)


def nnf_elu_(input: Tensor, alpha: float = 1) -> Tensor:
    """``nnf_elu`` in place."""
    return nnf_elu(input, alpha, inplace=True)


def nnf_selu_(input: Tensor) -> Tensor:
    """``nnf_selu`` in place."""
    return nnf_selu(input, inplace=True)


def nnf_celu_(input: Tensor, alpha: float = 1) -> Tensor:
    """``nnf_celu`` in place."""
    return nnf_celu(input, alpha, inplace=True)


def nnf_leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``nnf_leaky_relu`` in place."""
    return nnf_leaky_relu(input, negative_slope, inplace=True)


def nnf_rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    """``nnf_rrelu`` in place."""
    return nnf_rrelu(input, lower, upper, training, inplace=True)


def nnf_hardtanh_(input: Tensor, min_val: float = -1, max_val: float = 1) -> Tensor:
    """``nnf_hardtanh`` in place.

    Example:
        >>> x = torch_tensor([-3.0, 0.5, 3.0]); _ = nnf_hardtanh_(x); x._data.tolist()
        [-1.0, 0.5, 1.0]
    """
    return nnf_hardtanh(input, min_val, max_val, inplace=True)


def nnf_threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``nnf_threshold`` in place."""
    return nnf_threshold(input, threshold, value, inplace=True)

