"""The ignite optimizers: the same trajectories as the ordinary ones (which follow PyTorch's float32 steps, see
test_trajectories), with the ignite state-dict layout, its load checks and no deep cloning."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt

PAIRS = [
    ("optim_ignite_adam", "optim_adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.01}),
    ("optim_ignite_adamw", "optim_adamw", {"lr": 0.1}),
    ("optim_ignite_sgd", "optim_sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("optim_ignite_rmsprop", "optim_rmsprop", {"centered": True, "momentum": 0.5}),
    ("optim_ignite_adagrad", "optim_adagrad", {"lr_decay": 0.01}),
]
NAMES = {"optim_ignite_adam": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"],
         "optim_ignite_adamw": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"],
         "optim_ignite_sgd": ["momentum_buffer"],
         "optim_ignite_rmsprop": ["grad_avg", "momentum_buffer", "square_avg", "step"],
         "optim_ignite_adagrad": ["step", "sum"]}


def _run(cls: str, kw: dict, steps: int = 4) -> tuple[np.ndarray, object, object]:
    rt.torch_manual_seed(0)
    w = rt.torch_randn(3, 2, requires_grad=True)
    unused = rt.torch_randn(2, requires_grad=True)
    opt = getattr(rt, cls)([w, unused], **kw)
    for _ in range(steps):
        opt.zero_grad()
        (w * w * w).sum().backward()
        opt.step()
    return w._data.copy(), opt, w


@pytest.mark.parametrize("ignite, plain, kw", PAIRS)
def test_same_trajectory_and_layout(ignite: str, plain: str, kw: dict) -> None:
    a, opt, w = _run(ignite, kw)
    b, _, _ = _run(plain, kw)
    np.testing.assert_array_equal(a, b)
    sd = opt.state_dict()
    # only parameters that have a state (adagrad makes every one at construction); keys are 1-based strings
    assert list(sd["state"]) == (["1", "2"] if ignite == "optim_ignite_adagrad" else ["1"])
    assert sorted(sd["state"]["1"]) == NAMES[ignite]
    assert sd["param_groups"][0]["params"] == [1, 2]
    # every entry is a tensor, as libtorch's state (R torch's test-ignite.R reads them all as tensors)
    assert all(isinstance(v, rt.Tensor) for v in sd["state"]["1"].values())
    if "step" in sd["state"]["1"]:
        assert sd["state"]["1"]["step"].item() == 4 and sd["state"]["1"]["step"].dtype == rt.torch_long()
    # a round trip through load_state_dict keeps the trajectory
    _, opt2, w2 = _run(ignite, kw, steps=2)
    _, opt3, w3 = _run(ignite, kw, steps=2)
    opt3.load_state_dict(opt2.state_dict())
    for o, p in ((opt2, w2), (opt3, w3)):
        o.zero_grad()
        (p * p * p).sum().backward()
        o.step()
    np.testing.assert_array_equal(w2._data, w3._data)


def test_ignite_checks() -> None:
    with pytest.raises(ValueError, match="must have length"):
        rt.optim_ignite_adamw([])
    _, opt, _ = _run("optim_ignite_adamw", {"lr": 0.1}, steps=1)
    with pytest.raises(ValueError, match="must be a list with elements"):
        opt.load_state_dict({})
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="missing states for parameters 1."):
        opt.load_state_dict({"param_groups": sd["param_groups"], "state": {}})
    bad = {"param_groups": sd["param_groups"], "state": {"1": {k: v for k, v in sd["state"]["1"].items()
                                                                if k != "exp_avg"}}}
    with pytest.raises(ValueError, match="The 1-th state has elements with names"):
        opt.load_state_dict(bad)
    groups = [{k: v for k, v in g.items() if k != "lr"} for g in sd["param_groups"]]
    with pytest.raises(ValueError, match="must include names 'params"):
        opt.load_state_dict({"param_groups": groups, "state": sd["state"]})
    with pytest.raises(RuntimeError, match="OptimizerIgnite cannot be deep cloned"):
        opt.clone(deep=True)
    opt.param_groups[0]["lr"] = 1.0
    assert opt.state_dict()["param_groups"][0]["lr"] == 1.0
