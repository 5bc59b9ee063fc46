"""Loss functions, R torch's ``nnf_*`` forms: R's names, argument names and defaults (``reduction = "mean"``),
1-based class targets (and ``ignore_index``), values and gradients equal to PyTorch's.

Stability-critical losses are primitives with their own derivative rule (``_core/loss_ops.py``): mse (speed),
nll, binary cross entropy, binary cross entropy with logits, ctc. The others are written from tensor ops and
need no rule. Checks name the loss, the argument and the offending shape or value, with libtorch's wording
where it has one.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _check
from .._core import loss_ops as L  # noqa: N812
from .._core import ops as O  # noqa: N812
from .._core.tensor import Tensor
from .._r import Class1, class_axis_of, r_api
from .functional import nnf_pairwise_distance

__all__ = [
    "nnf_mse_loss", "nnf_l1_loss", "nnf_smooth_l1_loss", "nnf_huber_loss", "nnf_kl_div",
    "nnf_binary_cross_entropy", "nnf_binary_cross_entropy_with_logits", "nnf_nll_loss", "nnf_cross_entropy",
    "nnf_hinge_embedding_loss", "nnf_margin_ranking_loss", "nnf_cosine_embedding_loss", "nnf_poisson_nll_loss",
    "nnf_soft_margin_loss", "nnf_multilabel_soft_margin_loss", "nnf_multilabel_margin_loss",
    "nnf_multi_margin_loss", "nnf_triplet_margin_loss", "nnf_triplet_margin_with_distance_loss", "nnf_ctc_loss",
    "nnf_area_under_min_fpr_fnr",
]

_wrap = Tensor._wrap
_REDUCTIONS = ("mean", "sum", "none")


# -- argument helpers ------------------------------------------------------------------------------------------

def _reduction(fn: str, reduction: Any, allowed: tuple = _REDUCTIONS) -> str:
    return _check.reduction(reduction, fn, allowed)


_tensor = _check.tensor


def _float_input(x: Any, fn: str, arg: str = "input") -> Tensor:
    x = _tensor(x, fn, arg)
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}: argument '{arg}' must be a floating point tensor, got {x.dtype.name}")
    return x


def _like(x: Tensor, y: Any, fn: str, arg: str) -> Tensor:
    """``y`` as a tensor of ``x``'s floating dtype (R numbers are doubles: targets often come as float64, bool
    or long; the loss is computed in the input's precision, as libtorch's type promotion does for float32)."""
    y = _tensor(y, fn, arg)
    if y._data.dtype != x._data.dtype:
        y = O.to_dtype(y, x._data.dtype)
    return y


def _shape(s: tuple) -> str:
    return f"[{', '.join(map(str, s))}]"


def _broadcast_target(fn: str, x: Tensor, y: Tensor, stacklevel: int = 3) -> None:
    """Elementwise regression losses broadcast a target of another size with R torch's (and PyTorch's)
    warning; shapes that cannot broadcast are an error naming both. ``stacklevel`` points the warning at the
    caller of the nnf_ function."""
    if x._data.shape == y._data.shape:
        return
    try:
        np.broadcast_shapes(x._data.shape, y._data.shape)
    except ValueError:
        raise RuntimeError(f"{fn}: the size of target {_shape(y.shape)} does not match the size of input "
                           f"{_shape(x.shape)} and cannot be broadcast to it") from None
    warnings.warn(f"{fn}: Using a target size {_shape(y.shape)} that is different to the input size "
                  f"{_shape(x.shape)}. This will likely lead to incorrect results due to broadcasting. "
                  "Please ensure they have the same size.", UserWarning, stacklevel=stacklevel)


def _input_and_target(fn: str, input: Any, target: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
    """A floating ``input`` and ``target`` cast to its dtype, broadcast with R torch's warning (the
    elementwise losses)."""
    x = _float_input(input, fn)
    y = target if target.__class__ is Tensor and target._data.dtype == x._data.dtype else \
        _like(x, target, fn, "target")
    if x._data.shape != y._data.shape:
        _broadcast_target(fn, x, y, stacklevel=4)
    return x, y


def _same_shape(fn: str, x: Tensor, y: Tensor, what: str = "target") -> None:
    if x._data.shape != y._data.shape:
        raise ValueError(f"{fn}: Using a {what} size ({_shape(y.shape)}) that is different to the input size "
                         f"({_shape(x.shape)}) is deprecated. Please ensure they have the same size.")


def _same_size_target(fn: str, x: Tensor, y: Tensor) -> None:
    if x._data.shape != y._data.shape:
        raise ValueError(f"{fn}: Target size ({_shape(y.shape)}) must be the same as input size "
                         f"({_shape(x.shape)})")


def _check_vector_or_matrix(fn: str, x: Tensor, allow_empty: bool) -> None:
    """Input of the multi-class hinge losses: (C) or (N, C)."""
    if x._data.ndim not in (1, 2) or (not allow_empty and x._data.size == 0):
        raise ValueError(f"{fn}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                         f"{_shape(x.shape)}")


def _reduce_rows(loss: Tensor, x: Tensor, reduction: str) -> Tensor:
    """Per-sample losses of a (C) or (N, C) input, reduced (an unbatched input drops its batch dim first)."""
    if x._data.ndim == 1:
        loss = O.squeeze(loss, 0)
    return _reduce(loss, reduction)


def _broadcast_weight(fn: str, w: Any, x: Tensor, arg: str) -> Tensor | None:
    if w is None:
        return None
    w = _like(x, w, fn, arg)
    try:
        np.broadcast_shapes(w._data.shape, x._data.shape)
    except ValueError:
        raise RuntimeError(f"{fn}: the size of {arg} {_shape(w.shape)} cannot be broadcast to the input size "
                           f"{_shape(x.shape)}") from None
    return w


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return O.mean(loss)
    if reduction == "sum":
        return O.sum(loss)
    return loss


def _scalar(x: Any, fn: str, arg: str) -> float:
    if isinstance(x, Tensor):
        x = x.item()
    try:
        return float(x)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: argument '{arg}' must be a number, got {type(x).__name__}") from None


# -- class weights ---------------------------------------------------------------------------------------------------

def _class_weight(fn: str, weight: Any, x: Tensor, n_classes: int) -> Tensor | None:
    if weight is None:
        return None
    w = _like(x, weight, fn, "weight")
    if w._data.shape != (n_classes,):
        raise RuntimeError(f"{fn}: weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {_shape(w.shape)}")
    return w


# -- regression losses -----------------------------------------------------------------------------------------

def nnf_mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002 - R's name
    """Mean squared error, ``(input - target)^2`` reduced (one graph node, one temporary).

    Example:
        >>> x = torch_randn(3, 5, requires_grad=True)
        >>> nnf_mse_loss(x, torch_zeros(3, 5), reduction="sum").backward()
    """
    fn = "nnf_mse_loss"
    red = _reduction(fn, reduction)
    x, y = _input_and_target(fn, input, target)
    return L.mse_loss(x, y, red)


def nnf_l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean absolute error, ``|input - target|`` reduced.

    Example:
        >>> nnf_l1_loss(torch_tensor([1.0, 2.0]), torch_tensor([0.0, 4.0])).item()
        1.5
    """
    fn = "nnf_l1_loss"
    red = _reduction(fn, reduction)
    x, y = _input_and_target(fn, input, target)
    return _reduce(O.abs(O.sub(x, y)), red)


def nnf_smooth_l1_loss(input: Tensor, target: Tensor, reduction: str = "mean",  # noqa: A002
                       beta: float = 1.0) -> Tensor:
    """Squared error below ``beta`` (scaled by ``1/beta``), absolute error minus ``beta/2`` above it.

    Example:
        >>> nnf_smooth_l1_loss(torch_tensor([0.5, 3.0]), torch_zeros(2), reduction="none")
    """
    fn = "nnf_smooth_l1_loss"
    red = _reduction(fn, reduction)
    beta = _scalar(beta, fn, "beta")
    if beta < 0:
        raise RuntimeError(f"{fn}: smooth_l1_loss does not support negative values for beta, got {beta}")
    x, y = _input_and_target(fn, input, target)
    d = O.sub(x, y)
    z = O.abs(d)
    if beta == 0:  # the quadratic piece vanishes: L1, as libtorch
        return _reduce(z, red)
    loss = O.where(O.lt(z, beta), O.div(O.mul(O.mul(d, d), 0.5), beta), O.sub(z, 0.5 * beta))
    return _reduce(loss, red)


def nnf_huber_loss(input: Tensor, target: Tensor, reduction: str = "mean",  # noqa: A002
                   delta: float = 1.0) -> Tensor:
    """Squared error ``0.5 d^2`` below ``delta``, ``delta (|d| - delta / 2)`` above (PyTorch's HuberLoss).

    Example:
        >>> nnf_huber_loss(torch_tensor([0.5, 3.0]), torch_zeros(2), delta=2.0)
    """
    fn = "nnf_huber_loss"
    red = _reduction(fn, reduction)
    delta = _scalar(delta, fn, "delta")
    if delta <= 0:
        raise RuntimeError(f"{fn}: huber_loss does not support non-positive values for delta, got {delta}")
    x, y = _input_and_target(fn, input, target)
    d = O.sub(x, y)
    z = O.abs(d)
    loss = O.where(O.lt(z, delta), O.mul(O.mul(d, d), 0.5), O.mul(O.sub(z, 0.5 * delta), delta))
    return _reduce(loss, red)


def nnf_kl_div(input: Tensor, target: Tensor, reduction: str = "mean",  # noqa: A002
               log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence ``target * (log(target) - input)`` for log-probabilities ``input``.

    ``reduction = "batchmean"`` divides the sum by the batch size (the KL divergence); "mean", the default,
    divides by the number of elements and warns as R torch does. With ``log_target``, ``target`` holds
    log-probabilities too.

    Example:
        >>> p = torch_tensor([[0.2, 0.8]])
        >>> nnf_kl_div(torch_log(torch_tensor([[0.5, 0.5]])), p, reduction="batchmean")
    """
    fn = "nnf_kl_div"
    red = _reduction(fn, reduction, ("mean", "sum", "none", "batchmean"))
    if red == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size. "
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition. "
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    x, y = _input_and_target(fn, input, target)
    if log_target:
        loss = O.mul(O.exp(y), O.sub(y, x))
    else:
        # xlogy(t, t) - t x: 0 log 0 is 0 (the log sees 1 there, so no -inf reaches the gradient either).
        zero = O.eq(y, 0)
        loss = O.sub(O.mul(y, O.log(O.where(zero, 1.0, y))), O.mul(y, x))
    if red == "batchmean":
        total = O.sum(loss)
        return O.div(total, x._data.shape[0]) if x._data.ndim else total
    return _reduce(loss, red)


def nnf_poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True,  # noqa: A002
                         full: bool = False, eps: float = 1e-8, reduction: str = "mean") -> Tensor:
    """Poisson negative log likelihood: ``exp(input) - target * input`` (``log_input``), else
    ``input - target * log(input + eps)``; ``full`` adds Stirling's term where target > 1.

    Example:
        >>> nnf_poisson_nll_loss(torch_randn(5, 2), torch_tensor([[1.0, 2.0]] * 5))
    """
    fn = "nnf_poisson_nll_loss"
    red = _reduction(fn, reduction)
    x, y = _input_and_target(fn, input, target)
    if log_input:
        loss = O.sub(O.exp(x), O.mul(y, x))
    else:
        loss = O.sub(x, O.mul(y, O.log(O.add(x, _scalar(eps, fn, "eps")))))
    if full:
        big = O.gt(y, 1)
        ys = O.where(big, y, 1.0)  # Stirling's term only where target > 1; elsewhere keep its log finite
        stirling = O.add(O.sub(O.mul(ys, O.log(ys)), ys), O.mul(O.log(O.mul(ys, 2 * np.pi)), 0.5))
        loss = O.add(loss, O.where(big, stirling, 0.0))
    return _reduce(loss, red)


# -- binary classification ---------------------------------------------------------------------------------------

def nnf_binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                             reduction: str = "mean") -> Tensor:
    """Binary cross entropy between probabilities ``input`` and ``target`` (both in [0, 1]); each log is
    clamped at -100, as libtorch, so the loss and its gradient stay finite.

    Example:
        >>> nnf_binary_cross_entropy(torch_tensor([0.9, 0.2]), torch_tensor([1.0, 0.0]))
    """
    fn = "nnf_binary_cross_entropy"
    red = _reduction(fn, reduction)
    x = _float_input(input, fn)
    y = _like(x, target, fn, "target")
    _same_shape(fn, x, y)
    for name, t in (("input", x), ("target", y)):
        d = t._data
        inside = (d >= 0) & (d <= 1)
        if not inside.all():
            v = d[~inside].reshape(-1)[0]
            raise RuntimeError(f"{fn}: all elements of {name} should be between 0 and 1, found {v}")
    return L.binary_cross_entropy(x, y, _broadcast_weight(fn, weight, x, "weight"), red)


def nnf_binary_cross_entropy_with_logits(input: Tensor, target: Tensor,  # noqa: A002
                                         weight: Tensor | None = None, reduction: str = "mean",
                                         pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross entropy of ``sigmoid(input)`` against ``target``, computed from the logits so it never
    overflows; ``pos_weight`` weighs the positive term (per class, broadcast along the last dim).

    Example:
        >>> nnf_binary_cross_entropy_with_logits(torch_tensor([100.0, -3.0]), torch_tensor([0.0, 0.0]))
    """
    fn = "nnf_binary_cross_entropy_with_logits"
    red = _reduction(fn, reduction)
    x = _float_input(input, fn)
    y = _like(x, target, fn, "target")
    _same_size_target(fn, x, y)
    return L.binary_cross_entropy_with_logits(x, y, _broadcast_weight(fn, weight, x, "weight"),
                                              _broadcast_weight(fn, pos_weight, x, "pos_weight"), red)


# -- multi-class classification ------------------------------------------------------------------------------------

@r_api
def nnf_nll_loss(input: Tensor, target: Class1, weight: Tensor | None = None,  # noqa: A002
                 ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of 1-based class ``target`` under log-probabilities ``input`` of shape (N, C),
    (N, C, d1, ...) or (C); ``weight`` per class; targets equal to ``ignore_index`` count for nothing, and
    "mean" divides by the summed weight of the others.

    Example:
        >>> logp = nnf_log_softmax(torch_randn(3, 5), dim=2)
        >>> nnf_nll_loss(logp, torch_tensor([2, 1, 5]))
    """
    fn = "nnf_nll_loss"
    red = _reduction(fn, reduction)
    x = _float_input(input, fn)
    t0, keep, n_classes = target.indices(x, ignore_index)
    w = _class_weight(fn, weight, x, n_classes)
    return L.nll_loss(x, t0, keep, None if w is None else w._data, red)


@r_api
def nnf_cross_entropy(input: Tensor, target: Class1, weight: Tensor | None = None,  # noqa: A002
                      ignore_index: int = -100, reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy of raw scores ``input`` (N, C[, d1, ...]) or (C): ``log_softmax`` over the classes, then
    the negative log likelihood of 1-based class ``target``. A floating ``target`` of the input's shape holds
    class probabilities instead. ``label_smoothing`` in [0, 1] mixes the target with the uniform distribution.

    Example:
        >>> x = torch_randn(3, 5, requires_grad=True)
        >>> nnf_cross_entropy(x, torch_tensor([2, 1, 5])).backward()
    """
    fn = "nnf_cross_entropy"
    red = _reduction(fn, reduction)
    x = _float_input(input, fn)
    eps = _scalar(label_smoothing, fn, "label_smoothing")
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"{fn}: label_smoothing must be between 0.0 and 1.0. Got: {eps}")
    d = x._data
    axis = target.class_axis(x)
    n_classes = d.shape[axis]
    logp = O.log_softmax(x, axis)
    w = _class_weight(fn, weight, x, n_classes)
    wb = None if w is None else O.reshape(w, [n_classes if i == axis else 1 for i in range(d.ndim)])
    if target.probabilities(x):
        return _cross_entropy_probs(logp, _like(x, target.tensor, fn, "target"), wb, axis, n_classes, red, eps)
    t0, keep, _ = target.indices(x, ignore_index)
    nll = L.nll_loss(logp, t0, keep, None if w is None else w._data, red)
    if eps == 0:
        return nll
    # PyTorch's label smoothing: the nll of the target mixed with the mean -log p over all classes.
    smooth = O.neg(O.sum(logp if wb is None else O.mul(logp, wb), (axis,)))
    if keep is not None:
        smooth = O.where(_wrap(keep), smooth, 0.0)
    if red == "mean":
        if w is not None:
            denom = float(w._data[t0[keep] if keep is not None else t0].sum())
        else:
            denom = float(t0.size if keep is None else keep.sum())
        smooth = O.div(O.sum(smooth), denom)
    elif red == "sum":
        smooth = O.sum(smooth)
    return O.add(O.mul(nll, 1 - eps), O.mul(smooth, eps / n_classes))


def _cross_entropy_probs(logp: Tensor, p: Tensor, wb: Tensor | None, axis: int, n_classes: int, red: str,
                         eps: float) -> Tensor:
    if eps > 0:
        p = O.add(O.mul(p, 1 - eps), eps / n_classes)
    prod = O.mul(logp, p)
    if wb is not None:
        prod = O.mul(prod, wb)
    if red == "none":
        return O.neg(O.sum(prod, (axis,)))
    total = O.neg(O.sum(prod))
    if red == "sum":
        return total
    n = logp._data.size // n_classes if logp._data.size else 0
    return O.div(total, n) if n else O.mul(total, np.nan)


@r_api
def nnf_multi_margin_loss(input: Tensor, target: Class1, p: int = 1, margin: float = 1,  # noqa: A002
                          weight: Tensor | None = None, reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss: for each sample, ``sum_{i != y} max(0, margin - x[y] + x[i])^p / C`` with
    1-based class ``target`` y; ``weight[y]`` scales a sample's terms.

    Example:
        >>> nnf_multi_margin_loss(torch_tensor([[0.1, 0.2, 0.4, 0.8]]), torch_tensor([4]))
    """
    fn = "nnf_multi_margin_loss"
    red = _reduction(fn, reduction)
    if p not in (1, 2):
        raise ValueError(f"{fn}: only p == 1 and p == 2 supported, got p = {p}")
    x = _float_input(input, fn)
    _check_vector_or_matrix(fn, x, allow_empty=True)
    t0, _, n_classes = target.indices(x)
    w = _class_weight(fn, weight, x, n_classes)
    x2 = x if x._data.ndim == 2 else O.unsqueeze(x, 0)
    t2 = t0.reshape(-1, 1)
    xy = O.gather(x2, 1, _wrap(t2))
    z = O.add(O.sub(x2, xy), _scalar(margin, fn, "margin"))
    h = O.relu(z)  # libtorch counts a term only when it is > 0: relu's gradient, not clamp's
    if p == 2:
        h = O.mul(h, h)
    if w is not None:
        h = O.mul(h, _wrap(w._data[t2]))
    own = np.arange(n_classes)[None, :] == t2
    loss = O.div(O.sum(O.where(_wrap(own), 0.0, h), (1,)), n_classes)
    return _reduce_rows(loss, x, red)


@r_api
def nnf_multilabel_margin_loss(input: Tensor, target: Class1, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Multi-label hinge loss: ``target`` holds each sample's 1-based classes, ended by the first negative
    value (-1 pads); the loss sums ``max(0, 1 - (x[y_j] - x[i]))`` over targets j and non-targets i, over C.

    Example:
        >>> nnf_multilabel_margin_loss(torch_tensor([[0.1, 0.2, 0.4, 0.8]]), torch_tensor([[4, 1, -1, 2]]))
    """
    fn = "nnf_multilabel_margin_loss"
    red = _reduction(fn, reduction)
    x = _float_input(input, fn)
    _check_vector_or_matrix(fn, x, allow_empty=False)
    t0, valid = target.rows(x)
    n_classes = x._data.shape[-1]
    is_target = np.zeros(t0.shape, bool)
    rows = np.nonzero(valid)[0]
    is_target[rows, t0[valid]] = True
    x2 = O.reshape(x, (-1, n_classes))
    xy = O.gather(x2, 1, _wrap(t0))  # (N, C): the input at each target slot
    z = O.add(O.sub(O.unsqueeze(x2, 1), O.unsqueeze(xy, 2)), 1.0)  # (N, target slot, class)
    pair = valid[:, :, None] & ~is_target[:, None, :]
    loss = O.div(O.sum(O.where(_wrap(pair), O.relu(z), 0.0), (1, 2)), n_classes)
    return _reduce_rows(loss, x, red)


def nnf_multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                                    reduction: str = "mean") -> Tensor:
    """One-versus-all logistic loss for multi-label targets in {0, 1} of shape (N, C), averaged over the
    classes: the mean over C of the binary cross entropy with logits.

    Example:
        >>> nnf_multilabel_soft_margin_loss(torch_randn(2, 3), torch_tensor([[1, 0, 1], [0, 1, 0]]))
    """
    fn = "nnf_multilabel_soft_margin_loss"
    red = _reduction(fn, reduction)
    x = _float_input(input, fn)
    y = _like(x, target, fn, "target")
    _same_size_target(fn, x, y)
    class_axis_of(x, fn)
    # -(y log sigmoid(x) + (1 - y) log sigmoid(-x)) is exactly the stable logits form of the BCE.
    per = L.binary_cross_entropy_with_logits(x, y, _broadcast_weight(fn, weight, x, "weight"), None, "none")
    axis = x._data.ndim - 1
    loss = O.div(O.sum(per, (axis,)), x._data.shape[axis])
    return _reduce(loss, red)


# -- embeddings, ranking, margins --------------------------------------------------------------------------------

def nnf_hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1,  # noqa: A002
                             reduction: str = "mean") -> Tensor:
    """``input`` where target is 1, ``max(0, margin - input)`` where it is -1.

    Example:
        >>> nnf_hinge_embedding_loss(torch_tensor([0.3, 2.0]), torch_tensor([1, -1]))
    """
    fn = "nnf_hinge_embedding_loss"
    red = _reduction(fn, reduction)
    x = _float_input(input, fn)
    y = _tensor(target, fn, "target")
    _broadcast_target(fn, x, y)
    m = _scalar(margin, fn, "margin")
    margin_part = O.where(O.ne(y, 1), O.clamp(O.sub(m, x), 0.0), 0.0)
    self_part = O.where(O.ne(y, -1), x, 0.0)
    return _reduce(O.add(margin_part, self_part), red)


def nnf_margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                            reduction: str = "mean") -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``: target 1 wants input1 ranked higher, -1 lower.

    Example:
        >>> nnf_margin_ranking_loss(torch_tensor([1.0, 2.0]), torch_tensor([2.0, 1.0]), torch_tensor([1, 1]))
    """
    fn = "nnf_margin_ranking_loss"
    red = _reduction(fn, reduction)
    x1 = _float_input(input1, fn, "input1")
    x2 = _like(x1, input2, fn, "input2")
    y = _like(x1, target, fn, "target")
    if not x1._data.ndim == x2._data.ndim == y._data.ndim:
        raise ValueError(f"{fn}: All input tensors should have same dimension but got sizes: input1: "
                         f"{_shape(x1.shape)}, input2: {_shape(x2.shape)}, target: {_shape(y.shape)}")
    try:
        np.broadcast_shapes(x1._data.shape, x2._data.shape, y._data.shape)
    except ValueError:
        raise RuntimeError(f"{fn}: sizes do not match: input1 {_shape(x1.shape)}, input2 {_shape(x2.shape)}, "
                           f"target {_shape(y.shape)}") from None
    out = O.clamp(O.add(O.mul(O.neg(y), O.sub(x1, x2)), _scalar(margin, fn, "margin")), 0.0)
    return _reduce(out, red)


def nnf_cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                              reduction: str = "mean") -> Tensor:
    """``1 - cos(input1, input2)`` where target is 1, ``max(0, cos - margin)`` where it is -1; rows of (N, D)
    inputs with a (N) target, or (D) inputs with a 0-d target.

    Example:
        >>> nnf_cosine_embedding_loss(torch_randn(3, 4), torch_randn(3, 4), torch_tensor([1, -1, 1]))
    """
    fn = "nnf_cosine_embedding_loss"
    red = _reduction(fn, reduction)
    x1 = _float_input(input1, fn, "input1")
    x2 = _like(x1, input2, fn, "input2")
    y = _tensor(target, fn, "target")
    td = y._data.ndim
    if td not in (0, 1):
        raise ValueError(f"{fn}: 0D or 1D target tensor expected, multi-target not supported, got target of "
                         f"size {_shape(y.shape)}")
    want = 2 if td == 1 else 1
    if x1._data.ndim != want or x2._data.ndim != want:
        raise ValueError(f"{fn}: {td}D target tensor expects {want}D input tensors, but found inputs with sizes "
                         f"{_shape(x1.shape)} and {_shape(x2.shape)}.")
    if x1._data.shape != x2._data.shape or (td == 1 and y._data.shape[0] != x1._data.shape[0]):
        raise ValueError(f"{fn}: sizes do not match: input1 {_shape(x1.shape)}, input2 {_shape(x2.shape)}, "
                         f"target {_shape(y.shape)}")
    ax = (want - 1,)
    eps = 1e-12  # libtorch's EPSILON keeps zero vectors finite
    prod = O.sum(O.mul(x1, x2), ax)
    mag1 = O.add(O.sum(O.mul(x1, x1), ax), eps)
    mag2 = O.add(O.sum(O.mul(x2, x2), ax), eps)
    cos = O.div(prod, O.sqrt(O.mul(mag1, mag2)))
    pos = O.where(O.eq(y, 1), O.sub(1.0, cos), 0.0)
    neg = O.where(O.eq(y, -1), O.clamp(O.sub(cos, _scalar(margin, fn, "margin")), 0.0), 0.0)
    return _reduce(O.add(pos, neg), red)


def nnf_soft_margin_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Two-class logistic loss ``log(1 + exp(-target * input))`` for targets in {1, -1}, computed stably.

    Example:
        >>> nnf_soft_margin_loss(torch_tensor([2.0, -1.0]), torch_tensor([1, -1]))
    """
    fn = "nnf_soft_margin_loss"
    red = _reduction(fn, reduction)
    x, y = _input_and_target(fn, input, target)
    z = O.mul(y, x)
    # log(1 + exp(-z)) = -log_sigmoid(z): the logits BCE against a target of ones.
    ones = _wrap(np.ones(z._data.shape, z._data.dtype))
    return L.binary_cross_entropy_with_logits(z, ones, None, None, red)


def nnf_triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1,
                            p: float = 2, eps: float = 1e-6, swap: bool = False,
                            reduction: str = "mean") -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the p-norm distance over the last dim; ``swap`` uses
    the smaller of d(a, n) and d(p, n).

    Example:
        >>> a, p, n = torch_randn(4, 8), torch_randn(4, 8), torch_randn(4, 8)
        >>> nnf_triplet_margin_loss(a, p, n)
    """
    fn = "nnf_triplet_margin_loss"
    red = _reduction(fn, reduction)
    a = _float_input(anchor, fn, "anchor")
    pos = _like(a, positive, fn, "positive")
    neg = _like(a, negative, fn, "negative")
    dims = (a._data.ndim, pos._data.ndim, neg._data.ndim)
    if len(set(dims)) != 1:
        raise RuntimeError(f"{fn}: The anchor, positive, and negative tensors are expected to have the same "
                           f"number of dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative "
                           f"{dims[2]}D inputs")
    pf, ef = _scalar(p, fn, "p"), _scalar(eps, fn, "eps")
    d_pos = nnf_pairwise_distance(a, pos, pf, ef)
    d_neg = nnf_pairwise_distance(a, neg, pf, ef)
    if swap:
        d_neg = O.minimum(d_neg, nnf_pairwise_distance(pos, neg, pf, ef))
    out = O.clamp(O.sub(O.add(d_pos, _scalar(margin, fn, "margin")), d_neg), 0.0)
    return _reduce(out, red)


def nnf_triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                                          distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                                          margin: float = 1.0, swap: bool = False,
                                          reduction: str = "mean") -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` for any non-negative ``distance_function`` (default: the
    pairwise Euclidean distance).

    Example:
        >>> l_inf = lambda x, y: torch_amax(torch_abs(x - y), dim=2)
        >>> nnf_triplet_margin_with_distance_loss(torch_randn(4, 8), torch_randn(4, 8), torch_randn(4, 8),
        ...                                       distance_function=l_inf, margin=1.5)
    """
    fn = "nnf_triplet_margin_with_distance_loss"
    red = _reduction(fn, reduction)
    m = _scalar(margin, fn, "margin")
    if m <= 0:
        raise ValueError(f"{fn}: expected margin to be greater than 0, got {m}")
    a = _tensor(anchor, fn, "anchor")
    pos = _tensor(positive, fn, "positive")
    neg = _tensor(negative, fn, "negative")
    dist = distance_function if distance_function is not None else nnf_pairwise_distance
    d_pos = dist(a, pos)
    d_neg = dist(a, neg)
    if swap:
        d_neg = O.minimum(d_neg, dist(pos, neg))
    return _reduce(O.clamp(O.add(O.sub(d_pos, d_neg), m), 0.0), red)


# -- sequences and ranking ------------------------------------------------------------------------------------------

def _lengths(x: Any, fn: str, arg: str, n: int) -> np.ndarray:
    arr = x._data if isinstance(x, Tensor) else np.asarray(x)
    if arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0):
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise RuntimeError(f"{fn}: {arg} must hold integers, got {arr.dtype}")
    arr = arr.reshape(-1).astype(np.int64)
    if arr.size != n:
        raise RuntimeError(f"{fn}: {arg} must be of size batch_size ({n}), got {arr.size}")
    return arr


def nnf_ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any, blank: int = 0,
                 reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Connectionist Temporal Classification loss of ``log_probs`` (T, N, C) (or (T, C)) against ``targets``,
    padded (N, S) or concatenated (sum(target_lengths)).

    Labels are class columns counted from 0, exactly as R torch passes them to libtorch: ``blank = 0`` (the
    default) is the first column of ``log_probs`` and real labels are 1..C-1 (R torch's examples draw targets
    with ``torch_randint(1, C)``). "mean" divides each loss by its target length, then averages.

    Example:
        >>> lp = nnf_log_softmax(torch_randn(50, 16, 20), dim=3)
        >>> tg = torch_randint(1, 20, size=(16, 30))
        >>> nnf_ctc_loss(lp, tg, [50] * 16, torch_randint(10, 30, size=16))
    """
    fn = "nnf_ctc_loss"
    red = _reduction(fn, reduction)
    lp = _float_input(log_probs, fn, "log_probs")
    tg = _tensor(targets, fn, "targets")
    batched = lp._data.ndim == 3
    if not batched:
        if lp._data.ndim != 2:
            raise RuntimeError(f"{fn}: log_probs must be (T, N, C) or (T, C), got {_shape(lp.shape)}")
        lp = O.unsqueeze(lp, 1)
    t_max, n, n_classes = lp._data.shape
    b = int(blank)
    if not 0 <= b < n_classes:
        raise RuntimeError(f"{fn}: blank must be in label range [0, {n_classes - 1}], got {b}")
    il = _lengths(input_lengths, fn, "input_lengths", n)
    tl = _lengths(target_lengths, fn, "target_lengths", n)
    t = tg._data
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"{fn}: expected scalar type Long but found {tg.dtype.name} for argument 'targets'")
    if not batched:
        t = t.reshape(1, -1)
    if t.ndim == 1:  # concatenated targets: cut them into padded rows
        if t.size != tl.sum():
            raise RuntimeError(f"{fn}: the target_lengths ({int(tl.sum())} in all) must add up to the length of "
                               f"the concatenated targets ({t.size})")
        padded = np.zeros((n, max(int(tl.max(initial=0)), 1)), np.int64)
        ends = np.cumsum(tl)
        for i in range(n):
            padded[i, :tl[i]] = t[ends[i] - tl[i]:ends[i]]
        t = padded
    elif t.shape[0] != n:
        raise RuntimeError(f"{fn}: targets must have batch_size ({n}) rows, got size {_shape(t.shape)}")
    if (il < 0).any() or (il > t_max).any():
        v = int(il[(il < 0) | (il > t_max)][0])
        raise RuntimeError(f"{fn}: Expected input_lengths to have value at most {t_max}, but got value {v}")
    if (tl < 0).any() or (tl > t.shape[1]).any():
        v = int(tl[(tl < 0) | (tl > t.shape[1])][0])
        raise RuntimeError(f"{fn}: Expected tensor to have size at least {v} at dimension 1, but got size "
                           f"{t.shape[1]} for argument 'targets'")
    used = np.arange(t.shape[1])[None, :] < tl[:, None]
    bad = used & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"{fn}: target label {int(t[bad][0])} is out of bounds for {n_classes} classes "
                         f"(labels are 0..{n_classes - 1}, blank = {b})")
    if (il < 1).any():
        raise RuntimeError(f"{fn}: input_lengths must be at least 1")
    nll = L.ctc_loss(lp, np.where(used, t, b).astype(np.int64), il, tl, b, bool(zero_infinity))
    if red == "mean":
        return O.mean(O.div(nll, _wrap(np.maximum(tl, 1).astype(lp._data.dtype))))
    if red == "sum":
        return O.sum(nll)
    return nll if batched else O.squeeze(nll, 0)


def nnf_area_under_min_fpr_fnr(input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
    """Area under min(FPR, FNR) (AUM; Hillman & Hocking, JMLR 2023): a differentiable surrogate of the ROC
    curve for unbalanced binary problems.

    ``target`` is the factor level of the outcome (1L / 2L) or logical: the positive class is its maximum.
    All elements are scored together (the tensors are flattened). The loss sums, over the intervals between
    consecutive distinct prediction thresholds, the interval length times min(FPR, FNR) there. With only one
    class present it is 0 (connected to ``input``, so backward still works).

    Example:
        >>> x = torch_randn(4, 6, requires_grad=True)
        >>> nnf_area_under_min_fpr_fnr(x, x > 1.5).backward()
    """
    fn = "nnf_area_under_min_fpr_fnr"
    x = _float_input(input, fn)
    y = _tensor(target, fn, "target")
    if x._data.size != y._data.size:
        raise ValueError(f"{fn}: target {_shape(y.shape)} must have as many elements as input "
                         f"{_shape(x.shape)}")
    pos = (y._data == y._data.max()).reshape(-1) if y._data.size else np.zeros(0, bool)
    n_pos = int(pos.sum())
    n_neg = pos.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return O.sum(O.mul(x, 0.0))
    flat = O.reshape(x, (-1,))
    order = np.argsort(-flat._data, kind="stable")  # predictions from high to low: thresholds increasing
    pos_sorted = pos[order]
    fp_after = np.cumsum(~pos_sorted) / n_neg  # FPR once this prediction is called positive
    fn_before = np.cumsum(pos_sorted[::-1])[::-1] / n_pos  # FNR before it is
    thresh = O.neg(O.index(flat, _wrap(order)))
    tv = thresh._data
    new = np.diff(tv) != 0
    last_of_run = np.concatenate([new, [True]])  # ties share one threshold: FPR after the run,
    first_of_run = np.concatenate([[True], new])  # FNR before it
    uniq = O.index(thresh, _wrap(last_of_run))
    min_rate = np.minimum(fp_after[last_of_run][:-1], fn_before[first_of_run][1:]).astype(x._data.dtype)
    widths = O.sub(O.index(uniq, slice(1, None)), O.index(uniq, slice(None, -1)))
    return O.sum(O.mul(widths, _wrap(min_rate)))
