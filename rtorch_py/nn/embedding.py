"""``nn_embedding``: a lookup table indexed by 1-based integers (R's convention), weight ~ N(0, 1) with the
``padding_idx`` row (1-based) zero, as libtorch."""

from __future__ import annotations

from .. import _check
from .._core.tensor import Tensor
from .functional import _padding_idx0, nnf_embedding
from .init import _write, nn_init_normal_
from .module import layer_tensor, nn_Module, nn_parameter

__all__ = ["nn_embedding"]


class nn_embedding(nn_Module):  # noqa: N801
    """Embedding table of ``num_embeddings`` rows of size ``embedding_dim``.

    Example:
        >>> emb = nn_embedding(10, 3, padding_idx=1)
        >>> emb(torch_tensor([1, 5])).shape
        (2, 3)
    """

    def initialize(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                   max_norm: float | None = None, norm_type: float = 2, scale_grad_by_freq: bool = False,
                   sparse: bool = False, _weight: Tensor | None = None) -> None:
        self.num_embeddings = _check.integer(num_embeddings, "nn_embedding", "num_embeddings")
        self.embedding_dim = _check.integer(embedding_dim, "nn_embedding", "embedding_dim")
        self._pad0 = _padding_idx0(padding_idx, self.num_embeddings, "nn_embedding")
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            self.weight = nn_parameter(layer_tensor((self.num_embeddings, self.embedding_dim)))
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (self.num_embeddings, self.embedding_dim):
                raise ValueError(f"nn_embedding: Shape of weight {list(_weight.shape)} does not match "
                                 f"num_embeddings and embedding_dim [{self.num_embeddings}, {self.embedding_dim}]")
            self.weight = nn_parameter(_weight)

    def reset_parameters(self) -> None:
        """Weight standard normal, the ``padding_idx`` row zero."""
        nn_init_normal_(self.weight)
        if self._pad0 is not None:
            _write(self.weight, 0, self._pad0)

    def forward(self, input: Tensor) -> Tensor:
        return nnf_embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                             self.scale_grad_by_freq, self.sparse)
