"""Write tests/fixtures/loss_*.json from PyTorch (the development-only oracle; the suite never imports torch).

Every case is an R-style call of one ``nnf_*`` loss: its positional and keyword arguments exactly as a user of
rtorch_py passes them. Class targets are stored as R sees them, 1-based (``ignore_index`` too); this script
subtracts 1 before calling PyTorch. CTC labels are passed through unchanged, as R torch does. Recorded:

* ``out``: the loss (float32 values, stored as the doubles they are exactly);
* ``grads``: the gradient of ``sum(out * cot)`` for every floating argument marked ``grad`` (``cot`` stored);
* ``loss_modules.json``: nn_adaptive_log_softmax_with_loss (weights, output, loss, gradients).

``nnf_area_under_min_fpr_fnr`` has no PyTorch counterpart: its oracle is R torch's algorithm written here with
PyTorch ops (sorted predictions, cumulated error rates, one threshold per run of ties).

Run: ``.venv/bin/python tools/make_loss_fixtures.py`` (deterministic; rerun after adding cases).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from _fixture_util import FIXTURES, NP, I, call_torch, spec

_rng = np.random.default_rng(20240611)
REDUCTIONS = ("mean", "sum", "none")


# -- inputs ----------------------------------------------------------------------------------------------------

def T(shape: tuple, kind: str = "normal", grad: bool = True, dtype: str = "float32") -> dict:  # noqa: N802
    n = int(np.prod(shape)) if shape else 1
    if kind == "normal":
        v = _rng.standard_normal(n)
    elif kind == "prob":
        v = _rng.uniform(0.02, 0.98, n)
    elif kind == "binary":
        v = _rng.integers(0, 2, n).astype(float)
    elif kind == "sign":
        v = _rng.choice([-1.0, 1.0], n)
    elif kind == "pos":
        v = _rng.uniform(0.3, 3.0, n)
    elif kind == "count":
        v = _rng.integers(0, 6, n).astype(float)
    elif kind == "wide":  # logits far into both tails: BCE with logits must not overflow
        v = _rng.standard_normal(n) * 40
    elif kind == "distinct":
        v = _rng.permutation(n).astype(float) * 0.37 + _rng.uniform(-0.1, 0.1, n)
    else:
        raise ValueError(kind)
    arr = np.asarray(v).astype(NP[dtype]).reshape(shape)
    return spec(arr, dtype, grad and dtype != "int64")


def V(values: Any, grad: bool = True) -> dict:  # noqa: N802
    """Fixed float32 values: boundary cases where the gradient depends on how ties are broken."""
    return spec(np.asarray(values, dtype=np.float32), "float32", grad)


def classes(shape: tuple, n_classes: int) -> dict:
    """1-based class targets, as R users write them."""
    return I(_rng.integers(1, n_classes + 1, shape))


def encode(x: torch.Tensor) -> dict:
    arr = x.detach().numpy()
    return {"t": arr.astype(np.float64).tolist(), "dtype": str(arr.dtype), "shape": list(arr.shape)}


# -- R calls computed with torch (class targets arrive 1-based) -----------------------------------------------------

def _reduction(out: torch.Tensor, reduction: str) -> torch.Tensor:
    return out.mean() if reduction == "mean" else out.sum() if reduction == "sum" else out


def _aum(input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:  # noqa: A002
    pred = input.flatten()
    is_pos = (target == target.max()).flatten()
    n_pos, n_neg = int(is_pos.sum()), int((~is_pos).sum())
    if n_pos == 0 or n_neg == 0:
        return (input * 0).sum()
    order = torch.argsort(pred, descending=True, stable=True)
    pos_sorted = is_pos[order]
    fp_after = (~pos_sorted).double().cumsum(0) / n_neg
    fn_before = pos_sorted.double().flip(0).cumsum(0).flip(0) / n_pos
    thresh = -pred[order]
    new = thresh.diff() != 0
    last = torch.cat([new, torch.tensor([True])])
    first = torch.cat([torch.tensor([True]), new])
    uniq = thresh[last]
    min_rate = torch.minimum(fp_after[last][:-1], fn_before[first][1:]).float()
    return (uniq.diff() * min_rate).sum()


def _distance(name: str | None) -> Callable | None:
    if name is None:
        return None
    if name == "l_inf":
        return lambda x, y: torch.amax(torch.abs(x - y), dim=1)
    if name == "cosine":
        return lambda x, y: 1 - F.cosine_similarity(x, y)
    raise ValueError(name)


ORACLE: dict[str, Callable] = {
    "nnf_mse_loss": lambda input, target, reduction="mean": F.mse_loss(input, target, reduction=reduction),
    "nnf_l1_loss": lambda input, target, reduction="mean": F.l1_loss(input, target, reduction=reduction),
    "nnf_smooth_l1_loss": lambda input, target, reduction="mean", beta=1.0:
        F.smooth_l1_loss(input, target, reduction=reduction, beta=beta),
    "nnf_huber_loss": lambda input, target, reduction="mean", delta=1.0:
        F.huber_loss(input, target, reduction=reduction, delta=delta),
    "nnf_kl_div": lambda input, target, reduction="mean", log_target=False:
        F.kl_div(input, target, reduction=reduction, log_target=log_target),
    "nnf_poisson_nll_loss": lambda input, target, log_input=True, full=False, eps=1e-8, reduction="mean":
        F.poisson_nll_loss(input, target, log_input=log_input, full=full, eps=eps, reduction=reduction),
    "nnf_binary_cross_entropy": lambda input, target, weight=None, reduction="mean":
        F.binary_cross_entropy(input, target, weight=weight, reduction=reduction),
    "nnf_binary_cross_entropy_with_logits": lambda input, target, weight=None, reduction="mean", pos_weight=None:
        F.binary_cross_entropy_with_logits(input, target, weight=weight, reduction=reduction,
                                           pos_weight=pos_weight),
    "nnf_nll_loss": lambda input, target, weight=None, ignore_index=-100, reduction="mean":
        F.nll_loss(input, target - 1, weight=weight, ignore_index=ignore_index - 1, reduction=reduction),
    "nnf_cross_entropy": lambda input, target, weight=None, ignore_index=-100, reduction="mean",
        label_smoothing=0.0: F.cross_entropy(
            input, target if target.is_floating_point() else target - 1, weight=weight,
            ignore_index=ignore_index - 1, reduction=reduction, label_smoothing=label_smoothing),
    "nnf_multi_margin_loss": lambda input, target, p=1, margin=1, weight=None, reduction="mean":
        F.multi_margin_loss(input, target - 1, p=p, margin=margin, weight=weight, reduction=reduction),
    # R torch shifts positive labels only: the -1 that ends a row stays -1.
    "nnf_multilabel_margin_loss": lambda input, target, reduction="mean":
        F.multilabel_margin_loss(input, torch.where(target > 0, target - 1, target), reduction=reduction),
    "nnf_multilabel_soft_margin_loss": lambda input, target, weight=None, reduction="mean":
        F.multilabel_soft_margin_loss(input, target, weight=weight, reduction=reduction),
    "nnf_hinge_embedding_loss": lambda input, target, margin=1, reduction="mean":
        F.hinge_embedding_loss(input, target, margin=margin, reduction=reduction),
    "nnf_margin_ranking_loss": lambda input1, input2, target, margin=0, reduction="mean":
        F.margin_ranking_loss(input1, input2, target, margin=margin, reduction=reduction),
    "nnf_cosine_embedding_loss": lambda input1, input2, target, margin=0, reduction="mean":
        F.cosine_embedding_loss(input1, input2, target, margin=margin, reduction=reduction),
    "nnf_soft_margin_loss": lambda input, target, reduction="mean":
        F.soft_margin_loss(input, target, reduction=reduction),
    "nnf_triplet_margin_loss": lambda anchor, positive, negative, margin=1, p=2, eps=1e-6, swap=False,
        reduction="mean": F.triplet_margin_loss(anchor, positive, negative, margin=margin, p=p, eps=eps,
                                                swap=swap, reduction=reduction),
    "nnf_triplet_margin_with_distance_loss": lambda anchor, positive, negative, distance_function=None,
        margin=1.0, swap=False, reduction="mean": F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=_distance(distance_function), margin=margin,
            swap=swap, reduction=reduction),
    "nnf_ctc_loss": lambda log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
        zero_infinity=False: F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=blank,
                                        reduction=reduction, zero_infinity=zero_infinity),
    "nnf_area_under_min_fpr_fnr": _aum,
}


# -- cases -------------------------------------------------------------------------------------------------------

def C(fn: str, *args: Any, **kwargs: Any) -> dict:  # noqa: N802
    return {"fn": fn, "args": list(args), "kwargs": kwargs}


def cases() -> list[dict]:
    out = []
    for red in REDUCTIONS:
        r = {"reduction": red}
        for shape in ((7,), (3, 4, 2)):
            out += [
                C("nnf_mse_loss", T(shape), T(shape), **r),
                C("nnf_l1_loss", T(shape), T(shape), **r),
                C("nnf_smooth_l1_loss", T(shape), T(shape), **r),
                C("nnf_smooth_l1_loss", T(shape), T(shape), beta=0.5, **r),
                C("nnf_huber_loss", T(shape), T(shape), **r),
                C("nnf_huber_loss", T(shape), T(shape), delta=0.7, **r),
                C("nnf_kl_div", T(shape), T(shape, "prob"), **r),
                C("nnf_kl_div", T(shape), T(shape), log_target=True, **r),
                C("nnf_poisson_nll_loss", T(shape), T(shape, "count", grad=False), **r),
                C("nnf_poisson_nll_loss", T(shape, "pos"), T(shape, "count", grad=False), log_input=False,
                  full=True, **r),
                C("nnf_binary_cross_entropy", T(shape, "prob"), T(shape, "prob"), **r),
                C("nnf_binary_cross_entropy", T(shape, "prob"), T(shape, "binary", grad=False),
                  weight=T(shape[-1:], "pos", grad=False), **r),
                C("nnf_binary_cross_entropy_with_logits", T(shape, "wide"), T(shape, "prob"), **r),
                C("nnf_binary_cross_entropy_with_logits", T(shape), T(shape, "binary", grad=False),
                  weight=T(shape[-1:], "pos", grad=False), pos_weight=T(shape[-1:], "pos", grad=False), **r),
                C("nnf_hinge_embedding_loss", T(shape), T(shape, "sign", grad=False), **r),
                C("nnf_hinge_embedding_loss", T(shape), T(shape, "sign", grad=False), margin=0.5, **r),
                C("nnf_soft_margin_loss", T(shape), T(shape, "sign", grad=False), **r),
            ]
        out += [
            C("nnf_kl_div", T((3, 4)), T((3, 4), "prob"), reduction="batchmean"),
            C("nnf_nll_loss", T((5, 4)), classes((5,), 4), **r),
            C("nnf_nll_loss", T((5, 4)), I([1, 4, 2, 2, 3]), weight=T((4,), "pos", grad=False),
              ignore_index=2, **r),
            C("nnf_nll_loss", T((2, 3, 4, 2)), classes((2, 4, 2), 3), **r),
            C("nnf_cross_entropy", T((5, 4)), classes((5,), 4), **r),
            C("nnf_cross_entropy", T((6, 3)), I([1, 3, 2, 3, 3, 1]), weight=T((3,), "pos", grad=False),
              ignore_index=3, **r),
            C("nnf_cross_entropy", T((2, 3, 4)), classes((2, 4), 3), label_smoothing=0.2, **r),
            C("nnf_cross_entropy", T((5, 4)), I([1, 4, 2, 2, 3]), weight=T((4,), "pos", grad=False),
              ignore_index=4, label_smoothing=0.1, **r),
            C("nnf_cross_entropy", T((4,)), I(3), **r),
            C("nnf_cross_entropy", T((3, 5)), T((3, 5), "prob", grad=False), **r),
            C("nnf_cross_entropy", T((2, 3, 2)), T((2, 3, 2), "prob", grad=False),
              weight=T((3,), "pos", grad=False), label_smoothing=0.3, **r),
            C("nnf_multi_margin_loss", T((4, 5)), classes((4,), 5), **r),
            C("nnf_multi_margin_loss", T((4, 5)), classes((4,), 5), p=2, margin=0.7,
              weight=T((5,), "pos", grad=False), **r),
            C("nnf_multi_margin_loss", T((5,)), I(2), **r),
            C("nnf_multilabel_margin_loss", T((3, 4)), I([[4, 1, -1, 2], [2, 3, 1, 4], [3, -1, -1, -1]]), **r),
            C("nnf_multilabel_margin_loss", T((4,)), I([2, 2, 4, -1]), **r),
            C("nnf_multilabel_soft_margin_loss", T((3, 5)), T((3, 5), "binary", grad=False), **r),
            C("nnf_multilabel_soft_margin_loss", T((3, 5)), T((3, 5), "prob"),
              weight=T((5,), "pos", grad=False), **r),
            C("nnf_margin_ranking_loss", T((6,)), T((6,)), T((6,), "sign", grad=False), **r),
            C("nnf_margin_ranking_loss", T((6,)), T((6,)), T((6,), "sign", grad=False), margin=0.4, **r),
            C("nnf_cosine_embedding_loss", T((4, 3)), T((4, 3)), I([1, -1, -1, 1]), **r),
            C("nnf_cosine_embedding_loss", T((4, 3)), T((4, 3)), I([1, -1, -1, 1]), margin=-0.3, **r),
            C("nnf_cosine_embedding_loss", T((5,)), T((5,)), I(-1), **r),
            C("nnf_triplet_margin_loss", T((4, 6)), T((4, 6)), T((4, 6)), **r),
            C("nnf_triplet_margin_loss", T((4, 6)), T((4, 6)), T((4, 6)), margin=2.0, p=1, swap=True, **r),
            C("nnf_triplet_margin_loss", T((4, 6)), T((4, 6)), T((4, 6)), p=3, eps=1e-3, **r),
            C("nnf_triplet_margin_with_distance_loss", T((4, 6)), T((4, 6)), T((4, 6)), **r),
            C("nnf_triplet_margin_with_distance_loss", T((4, 6)), T((4, 6)), T((4, 6)),
              distance_function="l_inf", margin=1.5, swap=True, **r),
            C("nnf_triplet_margin_with_distance_loss", T((4, 6)), T((4, 6)), T((4, 6)),
              distance_function="cosine", margin=0.5, **r),
        ]
        out += ctc_cases(red)
    out += edge_cases()
    for shape in ((9,), (4, 5)):
        out.append(C("nnf_area_under_min_fpr_fnr", T(shape, "distinct"), I(_rng.integers(1, 3, shape))))
    out.append(C("nnf_area_under_min_fpr_fnr", T((6,), "distinct"), I([True, False, True, True, False, False],
                                                                      "bool")))
    return out


def edge_cases() -> list[dict]:
    """Exact boundaries (|d| == beta, a hinge exactly at its margin, ...): libtorch's choice of subgradient."""
    r = {"reduction": "none"}
    return [
        C("nnf_l1_loss", V([1.0, 2.0, -0.5]), V([1.0, 3.0, -0.5]), **r),
        C("nnf_smooth_l1_loss", V([0.5, -0.5, 0.25, 1.0]), V([0.0, 0.0, 0.0, 1.0]), beta=0.5, **r),
        C("nnf_huber_loss", V([0.5, -0.5, 0.25, 1.0]), V([0.0, 0.0, 0.0, 1.0]), delta=0.5, **r),
        C("nnf_hinge_embedding_loss", V([1.0, 0.5, 1.0]), V([-1.0, -1.0, 1.0], grad=False), **r),
        C("nnf_margin_ranking_loss", V([1.5, 1.0]), V([1.0, 1.5]), V([1.0, -1.0], grad=False), margin=0.5, **r),
        C("nnf_multi_margin_loss", V([[2.0, 1.0, 0.5], [0.0, 1.0, 1.0]]), I([1, 2]), **r),
        C("nnf_multilabel_margin_loss", V([[2.0, 1.0, 0.5]]), I([[1, -1, 3]]), **r),
        C("nnf_binary_cross_entropy_with_logits", V([0.0, 0.0]), V([1.0, 0.0]), **r),
        C("nnf_cross_entropy", V([[1.0, 1.0], [1.0, 1.0]]), I([1, 2]), **r),
    ]


def ctc_cases(red: str) -> list[dict]:
    out = []
    n_time, n_batch, n_classes = 12, 3, 5
    lp = torch.log_softmax(torch.from_numpy(_rng.standard_normal((n_time, n_batch, n_classes))), 2).float()
    spec = {"t": lp.numpy().astype(np.float64).tolist(), "dtype": "float32", "shape": list(lp.shape),
            "grad": True}
    targets = _rng.integers(1, n_classes, (n_batch, 4))
    targets[1, 1] = targets[1, 0]  # a repeated label needs a blank between the two
    out.append(C("nnf_ctc_loss", spec, I(targets), I([12, 10, 7]), I([4, 3, 2]), reduction=red))
    # Concatenated targets, blank elsewhere than column 0, an empty target.
    tl = [3, 0, 2]
    flat = _rng.integers(0, n_classes - 1, sum(tl))
    out.append(C("nnf_ctc_loss", spec, I(flat), I([12, 11, 9]), I(tl), blank=4, reduction=red))
    # An impossible alignment (3 repeated labels in 4 frames) zeroed by zero_infinity.
    out.append(C("nnf_ctc_loss", spec, I([[1, 1, 1, 2], [2, 3, 0, 0], [3, 3, 0, 0]]), I([4, 12, 12]),
                 I([3, 2, 2]), zero_infinity=True, reduction=red))
    return out


# -- run -----------------------------------------------------------------------------------------------------------

def run(case: dict) -> dict:
    out, leaves = call_torch(ORACLE[case["fn"]], case["args"], case["kwargs"])
    rec = dict(case)
    rec["out"] = encode(out)
    grads = [(spec, t) for spec, t in leaves if spec["grad"]]
    if grads:
        cot = torch.from_numpy(_rng.standard_normal(out.shape).astype(np.float32))
        rec["cot"] = encode(cot)
        gs = torch.autograd.grad((out * cot).sum(), [t for _, t in grads], allow_unused=True)
        rec["grads"] = [None if g is None else encode(g) for g in gs]
    return rec


def adaptive_case() -> dict:
    torch.manual_seed(3)
    m = torch.nn.AdaptiveLogSoftmaxWithLoss(6, 10, [3, 6], div_value=2.0, head_bias=True)
    x = torch.randn(7, 6, requires_grad=True)
    target = torch.tensor([0, 9, 3, 5, 2, 7, 4])
    res = m(x, target)
    cot = torch.randn(7)
    (res.output * cot).sum().add(res.loss * 0.5).backward()
    return {
        "args": {"in_features": 6, "n_classes": 10, "cutoffs": [3, 6], "div_value": 2.0, "head_bias": True},
        "state": {k: encode(v) for k, v in m.state_dict().items()},
        "input": encode(x), "target": (target + 1).tolist(), "cot": encode(cot),
        "output": encode(res.output), "loss": encode(res.loss), "input_grad": encode(x.grad),
        "param_grads": {k: encode(p.grad) for k, p in m.named_parameters()},
        "log_prob": encode(m.log_prob(x)), "predict": (m.predict(x) + 1).tolist(),
    }


def main() -> None:
    recs = [run(c) for c in cases()]
    FIXTURES.mkdir(parents=True, exist_ok=True)
    (FIXTURES / "loss_functional.json").write_text(json.dumps(recs, separators=(",", ":")))
    (FIXTURES / "loss_modules.json").write_text(json.dumps({"adaptive": adaptive_case()}, separators=(",", ":")))
    print(f"{len(recs)} loss cases")


if __name__ == "__main__":
    main()
