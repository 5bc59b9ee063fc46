"""Losses: values and gradients against PyTorch fixtures (tools/make_loss_fixtures.py), finite-difference checks
of the loss primitives' own rules, R conventions (1-based classes) and the errors on bad input."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from gradcheck import gradcheck

import rtorch_py as rt
from rtorch_py import Tensor, autograd_grad, torch_tensor
from rtorch_py.nn import functional_loss as FL  # noqa: N812

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = json.loads((FIXTURES / "loss_functional.json").read_text())
NP = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "bool": np.bool_}


def _arr(spec: dict) -> np.ndarray:
    return np.array(spec["t"], dtype=NP[spec["dtype"]]).reshape(spec["shape"])


def _arg(spec: Any, leaves: list) -> Any:
    if isinstance(spec, dict) and "t" in spec:
        t = torch_tensor(_arr(spec), requires_grad=spec["grad"])
        if spec["grad"]:
            leaves.append(t)
        return t
    return spec


def _distance(name: str | None) -> Any:
    if name == "l_inf":
        return lambda x, y: rt.torch_amax(rt.torch_abs(x - y), dim=2)
    if name == "cosine":
        return lambda x, y: 1 - rt.nnf_cosine_similarity(x, y)
    return None


def _case_id(case: dict) -> str:
    kw = ",".join(f"{k}={v}" for k, v in case["kwargs"].items() if not isinstance(v, dict))
    shape = "x".join(map(str, case["args"][0]["shape"]))
    return f"{case['fn']}[{shape}]({kw})"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_loss_matches_pytorch(case: dict) -> None:
    leaves: list = []
    args = [_arg(a, leaves) for a in case["args"]]
    kwargs = {k: _arg(v, leaves) for k, v in case["kwargs"].items()}
    if "distance_function" in kwargs:
        kwargs["distance_function"] = _distance(kwargs["distance_function"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's "mean" warning
        out = getattr(FL, case["fn"])(*args, **kwargs)
    want = _arr(case["out"])
    assert out.shape == want.shape
    assert out.dtype == rt.torch_float32()
    np.testing.assert_allclose(out._data, want, rtol=2e-6, atol=2e-6)
    if "grads" in case:
        cot = torch_tensor(_arr(case["cot"]))
        grads = autograd_grad([(out * cot).sum()], leaves, allow_unused=True)
        for i, (g, spec) in enumerate(zip(grads, case["grads"])):
            if spec is None:
                assert g is None or not np.any(g._data)
                continue
            np.testing.assert_allclose(g._data, _arr(spec), rtol=2e-5, atol=2e-6,
                                       err_msg=f"gradient of differentiable argument {i}")


def test_fixtures_cover_every_functional() -> None:
    assert {c["fn"] for c in CASES} == set(FL.__all__)
    for fn in FL.__all__:
        reds = {c["kwargs"].get("reduction", "mean") for c in CASES if c["fn"] == fn}
        assert fn == "nnf_area_under_min_fpr_fnr" or {"mean", "sum", "none"} <= reds, fn


# -- finite differences for the loss primitives' own rules (float64) ------------------------------------------------

rng = np.random.default_rng(7)


def _t(a: np.ndarray) -> Tensor:
    return torch_tensor(np.asarray(a, dtype=np.float64))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradcheck_mse(reduction: str) -> None:
    gradcheck(lambda x, y: FL.nnf_mse_loss(x, y, reduction), [rng.standard_normal((3, 2)),
                                                                 rng.standard_normal((3, 2))], second_order=True)


def test_gradcheck_mse_broadcast() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gradcheck(lambda x, y: FL.nnf_mse_loss(x, y), [rng.standard_normal((3, 2)), rng.standard_normal((2,))])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradcheck_nll_and_cross_entropy(reduction: str) -> None:
    tgt = torch_tensor([1, 3, 2, 3])
    w = _t([0.5, 2.0, 1.5])
    gradcheck(lambda x: FL.nnf_nll_loss(x, tgt, weight=w, ignore_index=2, reduction=reduction),
              [rng.standard_normal((4, 3))])  # linear in x: no second order
    gradcheck(lambda x: FL.nnf_cross_entropy(x, tgt, weight=w, reduction=reduction, label_smoothing=0.1),
              [rng.standard_normal((4, 3))], second_order=True)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradcheck_binary_cross_entropy(reduction: str) -> None:
    w = _t([0.5, 2.0])
    gradcheck(lambda x, y: FL.nnf_binary_cross_entropy(x, y, weight=w, reduction=reduction),
              [rng.uniform(0.1, 0.9, (3, 2)), rng.uniform(0.1, 0.9, (3, 2))], second_order=True)


@pytest.mark.parametrize("pos_weight", [None, [0.5, 3.0]])
def test_gradcheck_binary_cross_entropy_with_logits(pos_weight: Any) -> None:
    pw = None if pos_weight is None else _t(pos_weight)
    gradcheck(lambda x, y: FL.nnf_binary_cross_entropy_with_logits(x, y, weight=_t([1.5, 0.5]), pos_weight=pw),
              [rng.standard_normal((3, 2)) * 3, rng.uniform(0, 1, (3, 2))], second_order=True)


def test_gradcheck_ctc_through_log_softmax() -> None:
    # libtorch's CTC gradient is exp(log_probs) - occupancy: the true gradient once log_probs come from
    # log_softmax, which is how CTC is used (and how PyTorch checks it).
    targets = torch_tensor([[1, 2, 2], [3, 1, 0]])

    def f(z: Tensor) -> Tensor:
        return FL.nnf_ctc_loss(rt.torch_log_softmax(z, dim=3), targets, [6, 5], [3, 2], reduction="none")

    gradcheck(f, [rng.standard_normal((6, 2, 4))])


def test_ctc_double_backward_is_an_error() -> None:
    z = torch_tensor(rng.standard_normal((4, 1, 3)), requires_grad=True)
    loss = FL.nnf_ctc_loss(rt.torch_log_softmax(z, dim=3), torch_tensor([[1, 2]]), [4], [2])
    with pytest.raises(RuntimeError, match="_ctc_loss_backward"):
        autograd_grad([loss], [z], create_graph=True)


def test_gradcheck_composite_losses() -> None:
    # Written from tensor ops, so their gradients come from the core's rules; checked here end to end.
    x2 = [rng.standard_normal((3, 4))]
    gradcheck(lambda x: FL.nnf_multi_margin_loss(x, torch_tensor([1, 4, 2]), p=2, margin=0.5), x2)
    gradcheck(lambda x: FL.nnf_multilabel_margin_loss(x, torch_tensor([[2, 3, -1, 1], [4, -1, 1, 1],
                                                                       [1, 2, 3, 4]])), x2)
    gradcheck(lambda a, p, n: FL.nnf_triplet_margin_loss(a, p, n, swap=True),
              [rng.standard_normal((3, 4)) for _ in range(3)])
    gradcheck(lambda a, b: FL.nnf_cosine_embedding_loss(a, b, torch_tensor([1, -1, 1]), margin=-0.5),
              [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))])
    gradcheck(lambda x, y: FL.nnf_kl_div(x, y, reduction="batchmean"),
              [rng.standard_normal((3, 4)), rng.uniform(0.1, 1, (3, 4))])
    gradcheck(lambda x: FL.nnf_poisson_nll_loss(x, _t([[0.0, 1.0, 3.0, 5.0]] * 3), log_input=False, full=True),
              [rng.uniform(0.5, 2, (3, 4))])


# -- R conventions and behaviour --------------------------------------------------------------------------------------

def test_class_targets_are_one_based() -> None:
    x = torch_tensor([[0.0, 10.0, 0.0], [10.0, 0.0, 0.0]])
    assert FL.nnf_cross_entropy(x, torch_tensor([2, 1])).item() < 1e-3
    assert FL.nnf_cross_entropy(x, torch_tensor([1, 2])).item() > 9
    # ignore_index is an R class number too: the second row (target 1) is ignored.
    loss = FL.nnf_cross_entropy(x, torch_tensor([2, 1]), ignore_index=1, reduction="none")
    assert loss._data[1] == 0


def test_binary_cross_entropy_log_clamp_and_logits_stability() -> None:
    x = torch_tensor([0.0, 1.0], requires_grad=True)
    loss = FL.nnf_binary_cross_entropy(x, torch_tensor([1.0, 0.0]), reduction="none")
    np.testing.assert_array_equal(loss._data, [100.0, 100.0])
    loss.sum().backward()
    assert np.all(np.isfinite(x.grad._data))
    big = FL.nnf_binary_cross_entropy_with_logits(torch_tensor([1000.0, -1000.0]), torch_tensor([0.0, 1.0]),
                                                  reduction="none")
    np.testing.assert_array_equal(big._data, [1000.0, 1000.0])


def test_kl_div_mean_warns_as_r() -> None:
    with pytest.warns(UserWarning, match="batchmean"):
        FL.nnf_kl_div(torch_tensor([-1.0]), torch_tensor([0.5]))


def test_mse_size_mismatch_warns_and_broadcasts() -> None:
    with pytest.warns(UserWarning, match=r"nnf_mse_loss: Using a target size \[3, 1\]"):
        out = FL.nnf_mse_loss(torch_tensor([1.0, 2.0, 3.0]), torch_tensor([[1.0], [2.0], [3.0]]), "none")
    assert out.shape == (3, 3)


def test_aum_with_ties_and_one_class() -> None:
    # Predictions 2, 2, 0 for labels 2, 1, 2: thresholds -2 (run of two) and 0; between them FPR = 1, FNR = 1/2.
    x = torch_tensor([2.0, 2.0, 0.0], requires_grad=True)
    loss = FL.nnf_area_under_min_fpr_fnr(x, torch_tensor([2, 1, 2]))
    assert loss.item() == pytest.approx(1.0)
    loss.backward()
    np.testing.assert_allclose(x.grad._data.sum(), 0.0)
    one = FL.nnf_area_under_min_fpr_fnr(x, torch_tensor([2, 2, 2]))
    assert one.item() == 0 and one.requires_grad


def test_ctc_mean_divides_by_target_length() -> None:
    lp = rt.torch_log_softmax(torch_tensor(rng.standard_normal((6, 2, 4))), dim=3)
    tg = torch_tensor([[1, 2, 3], [2, 2, 0]])
    none = FL.nnf_ctc_loss(lp, tg, [6, 6], [3, 2], reduction="none")._data
    mean = FL.nnf_ctc_loss(lp, tg, [6, 6], [3, 2]).item()
    assert mean == pytest.approx((none[0] / 3 + none[1] / 2) / 2, rel=1e-6)


# -- errors -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, kind, message", [
    (lambda: FL.nnf_nll_loss(torch_tensor([[0.1, 0.2]]), torch_tensor([3])), IndexError,
     r"nnf_nll_loss: Target 3 is out of bounds"),
    (lambda: FL.nnf_cross_entropy(torch_tensor([[0.1, 0.2]]), torch_tensor([0])), IndexError,
     r"nnf_cross_entropy: Target 0 is out of bounds. \(class indices are 1-based\)"),
    (lambda: FL.nnf_nll_loss(torch_tensor([[0.1, 0.2]]), torch_tensor([1.0])), RuntimeError,
     r"nnf_nll_loss: expected scalar type Long but found Float for argument 'target'"),
    (lambda: FL.nnf_cross_entropy(torch_tensor([[0.1, 0.2]] * 2), torch_tensor([1, 2, 1])), ValueError,
     r"nnf_cross_entropy: Expected input batch_size \(2\) to match target batch_size \(3\)"),
    (lambda: FL.nnf_nll_loss(torch_tensor([[0.1, 0.2]]), torch_tensor([1]), weight=torch_tensor([1.0])),
     RuntimeError, r"weight tensor should be defined either for all 2 classes or no classes but got weight "
                   r"tensor of shape: \[1\]"),
    (lambda: FL.nnf_binary_cross_entropy(torch_tensor([1.5]), torch_tensor([1.0])), RuntimeError,
     r"nnf_binary_cross_entropy: all elements of input should be between 0 and 1, found 1.5"),
    (lambda: FL.nnf_binary_cross_entropy(torch_tensor([0.5]), torch_tensor([-1.0])), RuntimeError,
     r"all elements of target should be between 0 and 1, found -1"),
    (lambda: FL.nnf_binary_cross_entropy(torch_tensor([0.5, 0.5]), torch_tensor([[1.0, 0.0]])), ValueError,
     r"nnf_binary_cross_entropy: Using a target size \(\[1, 2\]\) that is different to the input size "
     r"\(\[2\]\)"),
    (lambda: FL.nnf_binary_cross_entropy_with_logits(torch_tensor([0.5]), torch_tensor([1.0, 0.0])), ValueError,
     r"Target size \(\[2\]\) must be the same as input size \(\[1\]\)"),
    (lambda: FL.nnf_mse_loss(torch_tensor([1.0, 2.0]), torch_tensor([1.0, 2.0, 3.0])), RuntimeError,
     r"nnf_mse_loss: the size of target \[3\] does not match the size of input \[2\]"),
    (lambda: FL.nnf_l1_loss(torch_tensor([1.0]), torch_tensor([1.0]), reduction="avg"), ValueError,
     r"nnf_l1_loss: 'avg' is not a valid value for reduction"),
    (lambda: FL.nnf_mse_loss([1.0], torch_tensor([1.0])), TypeError,
     r"nnf_mse_loss: argument 'input' must be a torch_tensor, got an object of class list"),
    (lambda: FL.nnf_multi_margin_loss(torch_tensor([[0.1, 0.2]]), torch_tensor([1]), p=3), ValueError,
     r"only p == 1 and p == 2 supported"),
    (lambda: FL.nnf_multilabel_margin_loss(torch_tensor([[0.1, 0.2]]), torch_tensor([[0, -1]])), IndexError,
     r"nnf_multilabel_margin_loss: Target 0 is out of bounds"),
    (lambda: FL.nnf_cross_entropy(torch_tensor([[0.1, 0.2]]), torch_tensor([1]), label_smoothing=1.5),
     ValueError, r"label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
    (lambda: FL.nnf_ctc_loss(torch_tensor(np.zeros((3, 1, 4), np.float32)), torch_tensor([[1, 5]]), [3], [2]),
     IndexError, r"nnf_ctc_loss: target label 5 is out of bounds for 4 classes"),
    (lambda: FL.nnf_ctc_loss(torch_tensor(np.zeros((3, 1, 4), np.float32)), torch_tensor([[1, 2]]), [4], [2]),
     RuntimeError, r"Expected input_lengths to have value at most 3, but got value 4"),
    (lambda: FL.nnf_cosine_embedding_loss(torch_tensor([[1.0]]), torch_tensor([[1.0]]), torch_tensor([[1]])),
     ValueError, r"0D or 1D target tensor expected"),
    (lambda: FL.nnf_triplet_margin_loss(torch_tensor([[1.0]]), torch_tensor([1.0]), torch_tensor([[1.0]])),
     RuntimeError, r"anchor 2D, positive 1D, and negative 2D"),
    (lambda: FL.nnf_smooth_l1_loss(torch_tensor([1.0]), torch_tensor([1.0]), beta=-1), RuntimeError,
     r"does not support negative values for beta"),
])
def test_errors(call: Any, kind: type, message: str) -> None:
    with pytest.raises(kind, match=message):
        call()


def test_ignore_index_zero_is_not_a_class() -> None:
    # classes are 1-based: ignore_index = 0 names none of them, an error rather than silently ignoring nothing
    x = torch_tensor([[1.0, 2.0], [0.5, 0.1]])
    for fn in (FL.nnf_cross_entropy, FL.nnf_nll_loss):
        with pytest.raises(ValueError, match="ignore_index = 0 is not a valid 1 based class index"):
            fn(x, torch_tensor([1, 2]), ignore_index=0)
