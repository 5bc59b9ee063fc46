"""Loss modules, R torch's ``nn_*_loss``: thin wrappers over the ``nnf_*`` functions. They share a base that holds
``reduction`` (``nn_loss``) and one that also registers the class ``weight`` as a buffer (``nn_weighted_loss``),
as R torch's nn-loss.R does; ``forward`` passes the stored settings on.

Example:
    >>> loss = nn_cross_entropy_loss()
    >>> x = torch_randn(3, 5, requires_grad=True)
    >>> loss(x, torch_tensor([2, 1, 5])).backward()
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._core import ops as O  # noqa: N812
from .._core.autograd import no_grad
from .._core.tensor import Tensor
from .._r import ClassTargets, one_based
from . import functional_loss as F  # noqa: N812
from .linear import nn_linear
from .module import nn_Module, nn_module_list, nn_sequential

__all__ = [
    "nn_loss", "nn_weighted_loss", "nn_mse_loss", "nn_l1_loss", "nn_smooth_l1_loss", "nn_huber_loss",
    "nn_kl_div_loss", "nn_bce_loss", "nn_bce_with_logits_loss", "nn_nll_loss", "nn_cross_entropy_loss",
    "nn_poisson_nll_loss", "nn_hinge_embedding_loss", "nn_margin_ranking_loss", "nn_cosine_embedding_loss",
    "nn_soft_margin_loss", "nn_multilabel_soft_margin_loss", "nn_multilabel_margin_loss", "nn_multi_margin_loss",
    "nn_triplet_margin_loss", "nn_triplet_margin_with_distance_loss", "nn_ctc_loss", "nn_aum_loss",
    "nn_adaptive_log_softmax_with_loss",
]

_wrap = Tensor._wrap


class nn_loss(nn_Module):  # noqa: N801 - R torch's names
    """Base of the losses: holds ``reduction`` ("mean", "sum" or "none")."""

    def initialize(self, reduction: str = "mean") -> None:
        self.reduction = reduction


class nn_weighted_loss(nn_loss):  # noqa: N801
    """Base of the losses with a per-class ``weight``, registered as a buffer (it follows ``$to()`` and is in
    the state dict, but is not trained)."""

    def initialize(self, weight: Tensor | None = None, reduction: str = "mean") -> None:
        super().initialize(reduction)
        self.register_buffer("weight", weight)


# -- regression ----------------------------------------------------------------------------------------------

class nn_mse_loss(nn_loss):  # noqa: N801
    """Mean squared error. Example: ``nn_mse_loss(reduction="sum")(y_pred, y)``."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_mse_loss(input, target, reduction=self.reduction)


class nn_l1_loss(nn_loss):  # noqa: N801
    """Mean absolute error. Example: ``nn_l1_loss()(torch_randn(3, 5), torch_randn(3, 5))``."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_l1_loss(input, target, reduction=self.reduction)


class nn_smooth_l1_loss(nn_loss):  # noqa: N801
    """Smooth L1 (quadratic below ``beta``). Example: ``nn_smooth_l1_loss(beta=0.5)(x, y)``."""

    def initialize(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().initialize(reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class nn_huber_loss(nn_loss):  # noqa: N801
    """Huber loss with threshold ``delta``. Example: ``nn_huber_loss(delta=2)(x, y)``."""

    def initialize(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().initialize(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class nn_poisson_nll_loss(nn_loss):  # noqa: N801
    """Poisson negative log likelihood. Example: ``nn_poisson_nll_loss()(log_rate, counts)``."""

    def initialize(self, log_input: bool = True, full: bool = False, eps: float = 1e-8,
                   reduction: str = "mean") -> None:
        super().initialize(reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.nnf_poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                      reduction=self.reduction)


class nn_kl_div_loss(nn_loss):  # noqa: N801
    """Kullback-Leibler divergence; ``reduction = "batchmean"`` is the true KL divergence.
    Example: ``nn_kl_div_loss(reduction="batchmean")(log_q, p)``."""

    def initialize(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().initialize(reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


# -- classification --------------------------------------------------------------------------------------------

class nn_bce_loss(nn_weighted_loss):  # noqa: N801
    """Binary cross entropy of probabilities. Example: ``nn_bce_loss()(torch_sigmoid(x), y)``."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class nn_bce_with_logits_loss(nn_loss):  # noqa: N801
    """Binary cross entropy of logits; ``weight`` and ``pos_weight`` are buffers.
    Example: ``nn_bce_with_logits_loss(pos_weight=torch_ones(64))(logits, y)``."""

    def initialize(self, weight: Tensor | None = None, reduction: str = "mean",
                   pos_weight: Tensor | None = None) -> None:
        super().initialize(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                      reduction=self.reduction)


class nn_nll_loss(nn_weighted_loss):  # noqa: N801
    """Negative log likelihood of 1-based classes. Example: ``nn_nll_loss()(nnf_log_softmax(x, 2), y)``."""

    def initialize(self, weight: Tensor | None = None, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().initialize(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                              reduction=self.reduction)


class nn_cross_entropy_loss(nn_weighted_loss):  # noqa: N801
    """log_softmax + nll of 1-based classes (or class probabilities).
    Example: ``nn_cross_entropy_loss(label_smoothing=0.1)(x, y)``."""

    _classname = "nn_crossentropy_loss"  # R torch's class name

    def initialize(self, weight: Tensor | None = None, ignore_index: int = -100, reduction: str = "mean",
                   label_smoothing: float = 0.0) -> None:
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        super().initialize(weight, reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                                   reduction=self.reduction, label_smoothing=self.label_smoothing)


class nn_multi_margin_loss(nn_weighted_loss):  # noqa: N801
    """Multi-class hinge loss of 1-based classes. Example: ``nn_multi_margin_loss(p=2)(x, y)``."""

    def initialize(self, p: int = 1, margin: float = 1, weight: Tensor | None = None,
                   reduction: str = "mean") -> None:
        super().initialize(weight, reduction)
        if p not in (1, 2):
            raise ValueError("nn_multi_margin_loss: only p == 1 or p == 2 are supported.")
        if weight is not None and weight.ndim != 1:
            raise ValueError("nn_multi_margin_loss: weight must be NULL or 1-dimensional")
        self.p = p
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                       reduction=self.reduction)


class nn_multilabel_margin_loss(nn_loss):  # noqa: N801
    """Multi-label hinge loss; targets 1-based, ended by -1. Example: ``nn_multilabel_margin_loss()(x, y)``."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_multilabel_margin_loss(input, target, reduction=self.reduction)


class nn_multilabel_soft_margin_loss(nn_weighted_loss):  # noqa: N801
    """One-versus-all logistic loss. Example: ``nn_multilabel_soft_margin_loss()(x, y01)``."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class nn_soft_margin_loss(nn_loss):  # noqa: N801
    """Two-class logistic loss, targets in {1, -1}. Example: ``nn_soft_margin_loss()(x, y)``."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_soft_margin_loss(input, target, reduction=self.reduction)


# -- embeddings and ranking ----------------------------------------------------------------------------------------

class nn_hinge_embedding_loss(nn_loss):  # noqa: N801
    """Hinge embedding loss, targets in {1, -1}. Example: ``nn_hinge_embedding_loss(margin=2)(d, y)``."""

    def initialize(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().initialize(reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class nn_margin_ranking_loss(nn_loss):  # noqa: N801
    """Ranking hinge loss. Example: ``nn_margin_ranking_loss()(x1, x2, torch_sign(torch_randn(3)))``."""

    def initialize(self, margin: float = 0, reduction: str = "mean") -> None:
        super().initialize(reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.nnf_margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class nn_cosine_embedding_loss(nn_loss):  # noqa: N801
    """Cosine embedding loss, targets in {1, -1}. Example: ``nn_cosine_embedding_loss()(x1, x2, y)``."""

    def initialize(self, margin: float = 0, reduction: str = "mean") -> None:
        super().initialize(reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.nnf_cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class nn_triplet_margin_loss(nn_loss):  # noqa: N801
    """Triplet loss with the p-norm distance. Example: ``nn_triplet_margin_loss(margin=1, p=2)(a, p, n)``."""

    def initialize(self, margin: float = 1, p: float = 2, eps: float = 1e-6, swap: bool = False,
                   reduction: str = "mean") -> None:
        super().initialize(reduction)
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        # R torch's forward drops `reduction` here (a bug); PyTorch's passes it, and so does this one.
        return F.nnf_triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                         swap=self.swap, reduction=self.reduction)


class nn_triplet_margin_with_distance_loss(nn_loss):  # noqa: N801
    """Triplet loss with any distance function (default: pairwise Euclidean).
    Example: ``nn_triplet_margin_with_distance_loss(distance_function=f, margin=1.5)(a, p, n)``."""

    def initialize(self, distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                   margin: float = 1, swap: bool = False, reduction: str = "mean") -> None:
        super().initialize(reduction)
        self.distance_function = distance_function
        self.margin = margin
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.nnf_triplet_margin_with_distance_loss(anchor, positive, negative,
                                                       distance_function=self.distance_function,
                                                       margin=self.margin, swap=self.swap, reduction=self.reduction)


class nn_ctc_loss(nn_loss):  # noqa: N801
    """Connectionist Temporal Classification loss; ``blank = 0`` is the first class column, as in R torch.
    Example: ``nn_ctc_loss()(log_probs, targets, input_lengths, target_lengths)``."""

    def initialize(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().initialize(reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any) -> Tensor:
        return F.nnf_ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=self.blank,
                              reduction=self.reduction, zero_infinity=self.zero_infinity)


class nn_aum_loss(nn_loss):  # noqa: N801
    """Area under min(FPR, FNR) of binary predictions. Example: ``nn_aum_loss()(scores, labels_1_2)``."""

    def initialize(self) -> None:
        super().initialize()

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nnf_area_under_min_fpr_fnr(input, target)


# -- adaptive softmax ---------------------------------------------------------------------------------------------

ASMoutput = namedtuple("ASMoutput", ["output", "loss"])  # R: list(output = , loss = ); here also res.output


class nn_adaptive_log_softmax_with_loss(nn_Module):  # noqa: N801
    """Adaptive softmax (Grave et al., 2016): frequent classes in the head, rarer ones in clusters reached
    through low-rank projections. Classes are 1-based and sorted by frequency: ``cutoffs = [10, 100]`` puts
    classes 1..10 in the head, 11..100 in the first cluster, 101..n_classes in the second.

    ``forward(input, target)`` returns ``output`` (each row's log-probability of its target) and ``loss``
    (their negated mean); ``log_prob(input)`` all log-probabilities; ``predict(input)`` the likeliest class.

    Example:
        >>> asm = nn_adaptive_log_softmax_with_loss(16, 100, cutoffs=[10, 50])
        >>> res = asm(torch_randn(8, 16), torch_randint(1, 101, size=8))
        >>> res.loss.backward()
    """

    def initialize(self, in_features: int, n_classes: int, cutoffs: Sequence[int], div_value: float = 4.0,
                   head_bias: bool = False) -> None:
        fn = "nn_adaptive_log_softmax_with_loss"
        cuts = list(cutoffs._data.reshape(-1).tolist() if isinstance(cutoffs, Tensor) else np.ravel(cutoffs))
        if not cuts:
            raise ValueError(f"{fn}: cutoffs should be a sequence of length larger than 0")
        n_classes = int(n_classes)
        if cuts != sorted(cuts) or min(cuts) <= 0 or max(cuts) > n_classes - 1 or len(set(cuts)) != len(cuts) \
                or any(int(c) != c for c in cuts):
            raise ValueError(f"{fn}: cutoffs should be a sequence of unique, positive integers sorted in an "
                             f"increasing order, where each value is between 1 and n_classes-1 ({n_classes - 1}), "
                             f"got {cuts}")
        self.in_features = int(in_features)
        self.n_classes = n_classes
        self.cutoffs = [int(c) for c in cuts] + [n_classes]
        self.div_value = float(div_value)
        self.head_bias = bool(head_bias)
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = nn_linear(self.in_features, self.head_size, bias=self.head_bias)
        self.tail = nn_module_list([
            nn_sequential(nn_linear(self.in_features, int(self.in_features // self.div_value ** (i + 1)),
                                    bias=False),
                          nn_linear(int(self.in_features // self.div_value ** (i + 1)),
                                    self.cutoffs[i + 1] - self.cutoffs[i], bias=False))
            for i in range(self.n_clusters)
        ])

    def reset_parameters(self) -> None:
        """Reinitialize the head and every tail projection."""
        self.head.reset_parameters()
        for proj in self.tail:
            for lin in proj:
                lin.reset_parameters()

    def forward(self, input: Tensor, target: Tensor) -> ASMoutput:  # noqa: A002
        fn = "nn_adaptive_log_softmax_with_loss"
        x = F._float_input(input, fn)
        classes = ClassTargets(F._tensor(target, fn, "target"), fn)
        t = classes.values()
        if t.ndim == 1:
            if x.ndim != 2:
                raise RuntimeError(f"{fn}: 1D target tensor expects 2D input tensors, but found inputs with size "
                                   f"{list(x.shape)}")
            if x.shape[0] != t.shape[0]:
                raise RuntimeError(f"{fn}: Input and target should have the same size in the batch dimension "
                                   f"(input {list(x.shape)}, target {list(t.shape)})")
        elif t.ndim == 0:
            if x.ndim != 1:
                raise RuntimeError(f"{fn}: 0D target tensor expects 1D input tensors, but found inputs with size "
                                   f"{list(x.shape)}")
        else:
            raise RuntimeError(f"{fn}: 0D or 1D target tensor expected, multi-target not supported")
        batched = t.ndim == 1
        if not batched:
            x = O.unsqueeze(x, 0)
        t0 = classes.among(self.n_classes).reshape(-1)
        output = _wrap(np.zeros(t0.shape, x._data.dtype))
        head_index = t0.copy()  # the head column scored for each row: its class, or its cluster's column
        for i in range(1, len(self.cutoffs)):
            lo, hi = self.cutoffs[i - 1], self.cutoffs[i]
            rows = np.nonzero((t0 >= lo) & (t0 < hi))[0]
            if rows.size == 0:
                continue
            head_index[rows] = self.shortlist_size + i - 1
            cluster = O.log_softmax(self.tail[i - 1](O.index(x, _wrap(rows))), 1)
            local = O.gather(cluster, 1, _wrap((t0[rows] - lo).reshape(-1, 1)))
            output = O.index_put(output, (_wrap(rows),), O.reshape(local, (-1,)))
        head = O.log_softmax(self.head(x), 1)
        output = O.add(output, O.reshape(O.gather(head, 1, _wrap(head_index.reshape(-1, 1))), (-1,)))
        loss = O.mean(O.neg(output))
        return ASMoutput(output if batched else O.squeeze(output, 0), loss)

    def _full_log_prob(self, x: Tensor, head_out: Tensor) -> Tensor:
        head = O.log_softmax(head_out, 1)
        parts = [O.index(head, (slice(None), slice(0, self.shortlist_size)))]
        for i, proj in enumerate(self.tail):
            col = self.shortlist_size + i
            parts.append(O.add(O.log_softmax(proj(x), 1), O.index(head, (slice(None), slice(col, col + 1)))))
        return O.cat(parts, 1)

    def log_prob(self, input: Tensor) -> Tensor:  # noqa: A002
        """Log-probabilities of all classes, (N, n_classes) (or (n_classes) for a 1-d input)."""
        x = F._float_input(input, "nn_adaptive_log_softmax_with_loss")
        batched = x.ndim == 2
        if not batched:
            x = O.unsqueeze(x, 0)
        out = self._full_log_prob(x, self.head(x))
        return out if batched else O.squeeze(out, 0)

    def predict(self, input: Tensor) -> Tensor:  # noqa: A002
        """The most likely 1-based class of each row; clusters are evaluated only for rows whose head winner
        is a cluster."""
        x = F._float_input(input, "nn_adaptive_log_softmax_with_loss")
        batched = x.ndim == 2
        if not batched:
            x = O.unsqueeze(x, 0)
        with no_grad():
            head_out = self.head(x)
            best = np.argmax(head_out._data, axis=1)
            rows = np.nonzero(best >= self.shortlist_size)[0]
            if rows.size:
                sub = _wrap(rows)
                full = self._full_log_prob(O.index(x, sub), O.index(head_out, sub))
                best[rows] = np.argmax(full._data, axis=1)
        out = one_based(_wrap(best.astype(np.int64)), "Indices1")
        return out if batched else O.squeeze(out, 0)
