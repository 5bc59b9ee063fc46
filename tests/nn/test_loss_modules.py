"""Loss modules: thin wrappers over the nnf_* losses, R torch's bases (reduction, weight buffers), and
nn_adaptive_log_softmax_with_loss against PyTorch (tests/fixtures/loss_modules.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rtorch_py import (
    nnf_log_softmax,
    torch_abs,
    torch_amax,
    torch_float64,
    torch_manual_seed,
    torch_ones,
    torch_randn,
    torch_tensor,
    torch_zeros,
)
from rtorch_py.nn import functional_loss as FL  # noqa: N812
from rtorch_py.nn import loss as LM  # noqa: N812
from rtorch_py.nn.module import nn_Module

rng = np.random.default_rng(11)


def _x(*shape: int) -> Any:
    return torch_tensor(rng.standard_normal(shape).astype(np.float32))


def _p(*shape: int) -> Any:
    return torch_tensor(rng.uniform(0.05, 0.95, shape).astype(np.float32))


def _sign(*shape: int) -> Any:
    return torch_tensor(rng.choice([-1.0, 1.0], shape).astype(np.float32))


W3 = torch_tensor([0.5, 1.0, 2.0])
MODULE_CASES = [
    (LM.nn_mse_loss, {"reduction": "sum"}, FL.nnf_mse_loss, lambda: (_x(3, 2), _x(3, 2))),
    (LM.nn_l1_loss, {"reduction": "none"}, FL.nnf_l1_loss, lambda: (_x(3, 2), _x(3, 2))),
    (LM.nn_smooth_l1_loss, {"beta": 0.3}, FL.nnf_smooth_l1_loss, lambda: (_x(3, 2), _x(3, 2))),
    (LM.nn_huber_loss, {"delta": 0.5, "reduction": "sum"}, FL.nnf_huber_loss, lambda: (_x(3, 2), _x(3, 2))),
    (LM.nn_kl_div_loss, {"reduction": "batchmean", "log_target": True}, FL.nnf_kl_div,
     lambda: (_x(3, 2), _x(3, 2))),
    (LM.nn_poisson_nll_loss, {"log_input": False, "full": True}, FL.nnf_poisson_nll_loss,
     lambda: (_p(3, 2), torch_tensor([[0.0, 3.0]] * 3))),
    (LM.nn_bce_loss, {"weight": torch_tensor([0.5, 2.0])}, FL.nnf_binary_cross_entropy,
     lambda: (_p(3, 2), _p(3, 2))),
    (LM.nn_bce_with_logits_loss, {"pos_weight": torch_tensor([0.5, 2.0]), "reduction": "none"},
     FL.nnf_binary_cross_entropy_with_logits, lambda: (_x(3, 2), _p(3, 2))),
    (LM.nn_nll_loss, {"weight": W3, "ignore_index": 2}, FL.nnf_nll_loss,
     lambda: (_x(4, 3), torch_tensor([1, 2, 3, 3]))),
    (LM.nn_cross_entropy_loss, {"weight": W3, "label_smoothing": 0.2}, FL.nnf_cross_entropy,
     lambda: (_x(4, 3), torch_tensor([1, 2, 3, 3]))),
    (LM.nn_multi_margin_loss, {"p": 2, "margin": 0.5, "weight": W3}, FL.nnf_multi_margin_loss,
     lambda: (_x(4, 3), torch_tensor([1, 2, 3, 3]))),
    (LM.nn_multilabel_margin_loss, {}, FL.nnf_multilabel_margin_loss,
     lambda: (_x(2, 3), torch_tensor([[3, 1, -1], [2, -1, 1]]))),
    (LM.nn_multilabel_soft_margin_loss, {"weight": W3}, FL.nnf_multilabel_soft_margin_loss,
     lambda: (_x(2, 3), torch_tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]))),
    (LM.nn_soft_margin_loss, {}, FL.nnf_soft_margin_loss, lambda: (_x(5), _sign(5))),
    (LM.nn_hinge_embedding_loss, {"margin": 2.0}, FL.nnf_hinge_embedding_loss, lambda: (_x(5), _sign(5))),
    (LM.nn_margin_ranking_loss, {"margin": 0.1}, FL.nnf_margin_ranking_loss, lambda: (_x(5), _x(5), _sign(5))),
    (LM.nn_cosine_embedding_loss, {"margin": 0.2}, FL.nnf_cosine_embedding_loss,
     lambda: (_x(3, 4), _x(3, 4), torch_tensor([1, -1, 1]))),
    (LM.nn_triplet_margin_loss, {"p": 1, "swap": True, "reduction": "none"}, FL.nnf_triplet_margin_loss,
     lambda: (_x(3, 4), _x(3, 4), _x(3, 4))),
    (LM.nn_triplet_margin_with_distance_loss, {"margin": 2.0, "swap": True},
     FL.nnf_triplet_margin_with_distance_loss, lambda: (_x(3, 4), _x(3, 4), _x(3, 4))),
    (LM.nn_ctc_loss, {"blank": 3, "reduction": "sum"}, FL.nnf_ctc_loss,
     lambda: (nnf_log_softmax(_x(6, 2, 4), dim=3), torch_tensor([[0, 1], [2, 2]]), [6, 5], [2, 2])),
    (LM.nn_aum_loss, {}, FL.nnf_area_under_min_fpr_fnr, lambda: (_x(8), torch_tensor([1, 2] * 4))),
]


@pytest.mark.parametrize("module, kwargs, functional, args", MODULE_CASES,
                         ids=[c[0].__name__ for c in MODULE_CASES])
def test_module_equals_functional(module: Any, kwargs: dict, functional: Any, args: Any) -> None:
    m = module(**kwargs)
    assert isinstance(m, nn_Module) and isinstance(m, LM.nn_loss)
    xs = args()
    out = m(*xs)
    fkw = {k: v for k, v in kwargs.items()}
    np.testing.assert_array_equal(out._data, functional(*xs, **fkw)._data)
    assert dict(m.parameters) == {}


def test_reduction_is_held_by_the_base() -> None:
    m = LM.nn_l1_loss()
    assert m.reduction == "mean"
    m.reduction = "sum"
    x, y = _x(4), _x(4)
    np.testing.assert_allclose(m(x, y)._data, np.abs(x._data - y._data).sum(), rtol=1e-6)
    with pytest.raises(ValueError, match="'avg' is not a valid value for reduction"):
        LM.nn_mse_loss(reduction="avg")(x, y)


def test_weights_are_buffers() -> None:
    m = LM.nn_cross_entropy_loss(weight=torch_tensor([1.0, 2.0]))
    assert m.buffers.names() == ["weight"] and list(m.state_dict()) == ["weight"]
    assert m._classname == "nn_crossentropy_loss"
    m.to(dtype=torch_float64())
    assert m.weight.dtype == torch_float64()
    b = LM.nn_bce_with_logits_loss(weight=torch_ones(2), pos_weight=torch_ones(2))
    assert b.buffers.names() == ["weight", "pos_weight"]
    assert list(LM.nn_nll_loss().buffers) == []  # a NULL weight registers nothing visible


def test_multi_margin_validates_at_construction() -> None:
    with pytest.raises(ValueError, match="only p == 1 or p == 2 are supported"):
        LM.nn_multi_margin_loss(p=3)
    with pytest.raises(ValueError, match="weight must be NULL or 1-dimensional"):
        LM.nn_multi_margin_loss(weight=torch_ones(2, 2))


def test_custom_distance_module() -> None:
    def l_inf(a: Any, b: Any) -> Any:
        return torch_amax(torch_abs(a - b), dim=2)

    a, p, n = _x(3, 4), _x(3, 4), _x(3, 4)
    m = LM.nn_triplet_margin_with_distance_loss(distance_function=l_inf, margin=1.5)
    want = np.maximum(np.abs(a._data - p._data).max(1) - np.abs(a._data - n._data).max(1) + 1.5, 0).mean()
    np.testing.assert_allclose(m(a, p, n).item(), want, rtol=1e-6)


def test_mse_module_in_a_training_step() -> None:
    w = torch_randn(3, 1, requires_grad=True)
    x, y = torch_randn(10, 3), torch_zeros(10, 1)
    loss = LM.nn_mse_loss(reduction="sum")(x.matmul(w), y)
    loss.backward()
    np.testing.assert_allclose(w.grad._data, 2 * x._data.T @ (x._data @ w._data), rtol=1e-5)


# -- adaptive softmax -------------------------------------------------------------------------------------------------

ADAPTIVE = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "loss_modules.json").read_text())


def _fx(spec: dict) -> np.ndarray:
    return np.array(spec["t"], dtype=np.float32).reshape(spec["shape"])


def test_adaptive_log_softmax_matches_pytorch() -> None:
    fx = ADAPTIVE["adaptive"]
    torch_manual_seed(3)
    m = LM.nn_adaptive_log_softmax_with_loss(**fx["args"])
    state = {k: torch_tensor(_fx(v)) for k, v in fx["state"].items()}
    assert list(m.state_dict()) == list(state)
    for k, v in m.state_dict().items():  # libtorch-identical initialisation under the same seed
        np.testing.assert_allclose(v._data, state[k]._data, rtol=1e-6, err_msg=k)
    m.load_state_dict(state)
    x = torch_tensor(_fx(fx["input"]), requires_grad=True)
    res = m(x, torch_tensor(fx["target"]))
    np.testing.assert_allclose(res.output._data, _fx(fx["output"]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(res.loss._data, _fx(fx["loss"]), rtol=1e-5)
    ((res.output * torch_tensor(_fx(fx["cot"]))).sum() + res.loss * 0.5).backward()
    np.testing.assert_allclose(x.grad._data, _fx(fx["input_grad"]), rtol=1e-4, atol=1e-6)
    for k, p in m.parameters.items():
        np.testing.assert_allclose(p.grad._data, _fx(fx["param_grads"][k]), rtol=1e-4, atol=1e-6, err_msg=k)
    np.testing.assert_allclose(m.log_prob(x)._data, _fx(fx["log_prob"]), rtol=1e-5, atol=1e-6)
    assert m.predict(x)._data.tolist() == fx["predict"]


def test_adaptive_log_softmax_checks() -> None:
    with pytest.raises(ValueError, match="cutoffs should be a sequence of unique, positive integers"):
        LM.nn_adaptive_log_softmax_with_loss(4, 10, cutoffs=[5, 3])
    m = LM.nn_adaptive_log_softmax_with_loss(4, 10, cutoffs=[3])
    with pytest.raises(RuntimeError, match=r"Target values should be in \[1, 10\], but values in range \[0, 2\]"):
        m(torch_randn(2, 4), torch_tensor([0, 2]))
    with pytest.raises(RuntimeError, match=r"^nn_adaptive_log_softmax_with_loss: expected scalar type Long but "
                                           r"found Float for argument 'target'$"):
        m(torch_randn(2, 4), torch_tensor([1.0, 2.0]))
    one = m(torch_randn(4), torch_tensor(7))
    assert one.output.shape == () and one.loss.shape == ()
    np.testing.assert_allclose(np.exp(m.log_prob(torch_randn(3, 4))._data).sum(1), 1, rtol=1e-5)
