"""Loss primitives (0-based, numpy): the losses that need a rule of their own, for numerical stability or
speed. Each computes its value with numpy and records one node, as the ops in ``ops.py`` do; the rules are in
the "losses" section of ``derivatives.py``. Argument checking and R's conventions (1-based classes, R names)
live in ``rtorch_py/nn/functional_loss.py``; these functions expect checked, 0-based arguments.

``reduction`` is one of "none", "mean", "sum" everywhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import derivatives as D
from .ops import record
from .tensor import Tensor

_wrap = Tensor._wrap


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "none":
        return loss
    return np.asarray(loss.sum() if reduction == "sum" else loss.mean(), dtype=loss.dtype)


def _needs(x: Any) -> bool:
    return x.__class__ is Tensor and x._requires_grad


def mse_loss(x: Tensor, y: Tensor, reduction: str) -> Tensor:
    """(x - y)^2, reduced. One node and, for "sum"/"mean", one temporary: the training loops' loss."""
    d = x._data - y._data
    if reduction == "none":
        out = d * d
    else:
        flat = d.reshape(-1)
        s = np.dot(flat, flat)  # BLAS dot: the sum of squares without materialising them
        out = np.asarray(s / d.size if reduction == "mean" else s, dtype=d.dtype)
    # d (a private array: no one else can change it) spares the first-order rule the subtraction
    return record(out, "MseLossBackward0", D.mse_loss, (x, y), (x, y, reduction, _needs(y), d))


def nll_loss(logp: Tensor, target: np.ndarray, keep: np.ndarray | None, weight: np.ndarray | None,
             reduction: str) -> Tensor:
    """Negative log likelihood of 0-based class indices along axis 1 (axis 0 for a 1-d input).

    target: int64 array of the input's shape without the class axis; entries where ``keep`` is False
    (ignore_index) must still be valid indices (0 is fine) and contribute nothing. weight: per class.
    "mean" divides by the summed weight of the kept targets, as libtorch.
    """
    d = logp._data
    axis = 0 if d.ndim == 1 else 1
    idx = np.expand_dims(target, axis)
    picked = np.take_along_axis(d, idx, axis).squeeze(axis)
    w = np.ones(target.shape, d.dtype) if weight is None else weight.astype(d.dtype, copy=False)[target]
    if keep is not None:
        w = np.where(keep, w, 0).astype(d.dtype, copy=False)
    loss = -picked * w
    if reduction == "mean":
        total = w.sum()
        with np.errstate(invalid="ignore", divide="ignore"):  # all ignored: nan, as libtorch
            out = np.asarray(loss.sum() / total, dtype=d.dtype)
        coef = -w / total if total else np.full(w.shape, np.nan, d.dtype)
    else:
        out = _reduce(loss, reduction)
        coef = -w
    return record(out, "NllLossBackward0", D.nll_loss, (logp,), (d.shape, axis, idx, coef.astype(d.dtype)))


def binary_cross_entropy(x: Tensor, y: Tensor, weight: Tensor | None, reduction: str) -> Tensor:
    """-w (y log x + (1 - y) log(1 - x)) with both logs clamped at -100, as libtorch."""
    xd, yd = x._data, y._data
    with np.errstate(divide="ignore"):
        loss = (yd - 1) * np.maximum(np.log1p(-xd), -100) - yd * np.maximum(np.log(xd), -100)
    if weight is not None:
        loss = loss * weight._data
    return record(_reduce(loss.astype(xd.dtype, copy=False), reduction), "BinaryCrossEntropyBackward0",
                  D.binary_cross_entropy, (x, y), (x, y, weight, reduction, _needs(y)))


def _log_sigmoid(d: np.ndarray) -> np.ndarray:
    # min(x, 0) - log1p(exp(-|x|)): exp never sees a positive argument, so it never overflows.
    return np.minimum(d, 0) - np.log1p(np.exp(-np.abs(d)))


def binary_cross_entropy_with_logits(x: Tensor, y: Tensor, weight: Tensor | None, pos_weight: Tensor | None,
                                     reduction: str) -> Tensor:
    """(1 - y) x - (1 + (pw - 1) y) log_sigmoid(x), times weight: libtorch's formula, which never overflows."""
    xd, yd = x._data, y._data
    ls = _log_sigmoid(xd)
    if pos_weight is not None:
        ls = ls * ((pos_weight._data - 1) * yd + 1)
    loss = (1 - yd) * xd - ls
    if weight is not None:
        loss = loss * weight._data
    return record(_reduce(loss.astype(xd.dtype, copy=False), reduction), "BinaryCrossEntropyWithLogitsBackward0",
                  D.binary_cross_entropy_with_logits, (x, y), (x, y, weight, pos_weight, reduction,
                                                                 _needs(y)))


def ctc_loss(log_probs: Tensor, targets: np.ndarray, input_lengths: np.ndarray, target_lengths: np.ndarray,
             blank: int, zero_infinity: bool) -> Tensor:
    """Per-sample CTC negative log likelihood, shape (N,), for log_probs of shape (T, N, C).

    targets: (N, S) int64, each row padded past its length; labels and blank are 0-based class columns.
    The forward (alpha) and backward (beta) recursions run in log space over time, vectorised over the batch
    and the extended label sequence (labels interleaved with blanks). The gradient is libtorch's:
    exp(log_probs) - posterior occupancy, which is the gradient with respect to the logits when log_probs
    come from log_softmax (what CTC is used with).
    """
    lp = log_probs._data.astype(np.float64)  # the recursions sum many terms: accumulate in double
    t_max, n, _ = lp.shape
    s_max = targets.shape[1]
    width = 2 * s_max + 1
    ext = np.full((n, width), blank, np.int64)
    ext[:, 1::2] = targets
    pos = np.arange(width)
    valid = pos[None, :] < (2 * target_lengths[:, None] + 1)
    ext = np.where(valid, ext, blank)
    # A label may be reached from two positions back unless it repeats the label before it.
    skip = np.zeros((n, width), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    rows = np.arange(n)[:, None]
    emit = lp[:, rows, ext]  # (T, N, width): log prob of each extended position's symbol at each time

    neg_inf = -np.inf
    alpha = np.full((t_max, n, width), neg_inf)
    alpha[0, :, 0] = emit[0, :, 0]
    has_label = target_lengths > 0
    alpha[0, has_label, 1] = emit[0, has_label, 1]
    for t in range(1, t_max):
        a = alpha[t - 1]
        a1 = np.concatenate([np.full((n, 1), neg_inf), a[:, :-1]], axis=1)
        a2 = np.where(skip, np.concatenate([np.full((n, 2), neg_inf), a[:, :-2]], axis=1), neg_inf)
        alpha[t] = _logsumexp3(a, a1, a2) + emit[t]

    last = input_lengths - 1
    end = 2 * target_lengths
    a_last = alpha[last, np.arange(n)]
    ll = np.logaddexp(a_last[np.arange(n), end], np.where(has_label, a_last[np.arange(n), end - 1], neg_inf))
    nll = -ll

    beta = np.full((t_max, n, width), neg_inf)
    skip_next = np.zeros((n, width), bool)
    skip_next[:, :-2] = skip[:, 2:]
    for t in range(t_max - 1, -1, -1):
        if t < t_max - 1:
            b = beta[t + 1]
            b1 = np.concatenate([b[:, 1:], np.full((n, 1), neg_inf)], axis=1)
            b2 = np.where(skip_next, np.concatenate([b[:, 2:], np.full((n, 2), neg_inf)], axis=1), neg_inf)
            beta[t] = _logsumexp3(b, b1, b2) + emit[t]
        starts = np.nonzero(last == t)[0]  # samples whose last frame is t start their recursion here
        if starts.size:
            beta[t, starts] = neg_inf
            beta[t, starts, end[starts]] = emit[t, starts, end[starts]]
            lab = starts[has_label[starts]]
            beta[t, lab, end[lab] - 1] = emit[t, lab, end[lab] - 1]

    # Posterior occupancy of each extended position, summed per class: exp(alpha + beta - emit + nll).
    # An impossible alignment (infinite loss) gives nan here, as in libtorch; zero_infinity clears it.
    with np.errstate(invalid="ignore", over="ignore"):
        occ = np.exp(alpha + beta - emit + nll[None, :, None])
    onehot = np.zeros((n, width, lp.shape[2]))
    onehot[rows, pos[None, :], ext] = valid
    gamma = np.einsum("tns,nsc->tnc", occ, onehot)
    grad = np.exp(lp) - gamma
    grad[np.arange(t_max)[:, None] >= input_lengths[None, :]] = 0.0
    if zero_infinity:
        bad = ~np.isfinite(nll)
        nll = np.where(bad, 0.0, nll)
        grad[:, bad] = 0.0
    dt = log_probs._data.dtype
    return record(nll.astype(dt), "CtcLossBackward0", D.ctc_loss, (log_probs,), (grad.astype(dt),))


def _logsumexp3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    m = np.maximum(np.maximum(a, b), c)
    safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.exp(a - safe) + np.exp(b - safe) + np.exp(c - safe)) + safe
