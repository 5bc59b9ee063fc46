"""Learning-rate schedulers: sequences against PyTorch 2.13 (tests/fixtures/optim_schedulers.json) and R torch's
object model (a step at construction, get_last_lr, state_dict, the lr_scheduler() constructor)."""

from __future__ import annotations

import pytest
from optim_helpers import fixture

import rtorch_py as rt

FX = fixture("optim_schedulers.json")


def _optimizer(kind: str) -> rt.Optimizer:
    a, b = rt.torch_zeros(2, requires_grad=True), rt.torch_zeros(1, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    return rt.optim_sgd(groups, lr=0.1, momentum=0.9) if kind == "sgd" else rt.optim_adam(groups, lr=0.1)


def _momentum(opt: rt.Optimizer) -> list[float]:
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


@pytest.mark.parametrize("case", FX["cases"], ids=lambda c: f"{c['scheduler']}-{c['optimizer']}-{c['kwargs']}")
def test_sequence_equals_pytorch(case: dict) -> None:
    opt = _optimizer(case["optimizer"])
    kwargs = dict(case["kwargs"])
    if "lr_lambda" in kwargs:  # the fixture names the function by its body
        kwargs["lr_lambda"] = eval("lambda epoch: " + kwargs["lr_lambda"])  # noqa: S307 - our own fixture
    sched = getattr(rt, case["scheduler"])(opt, **kwargs)
    lrs, moms = [sched.get_last_lr()], [_momentum(opt)]
    for i in range(FX["steps"]):
        opt.step()
        if case["metrics"] is not None:
            sched.step(case["metrics"][i])
        else:
            sched.step()
        lrs.append(sched.get_last_lr())
        moms.append(_momentum(opt))
        assert [g["lr"] for g in opt.param_groups] == lrs[-1]
    assert lrs == case["lr"]  # exactly: the same double arithmetic in the same order
    assert moms == case["momentum"]


def test_every_scheduler_is_covered() -> None:
    assert {c["scheduler"] for c in FX["cases"]} == {
        "lr_lambda", "lr_multiplicative", "lr_step", "lr_one_cycle", "lr_cosine_annealing", "lr_reduce_on_plateau"}


def test_construction_steps_once_and_records_initial_lr() -> None:
    opt = _optimizer("sgd")
    sched = rt.lr_step(opt, step_size=2, gamma=0.5)
    assert sched.last_epoch == 0
    assert sched.base_lrs == [0.1, 0.05]
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
    sched.step()
    sched.step()
    assert sched.last_epoch == 2
    assert sched.get_last_lr() == [0.05, 0.025]


def test_lr_lambda_per_group_functions() -> None:
    opt = _optimizer("sgd")
    sched = rt.lr_lambda(opt, lr_lambda=[lambda e: e // 2, lambda e: 0.5**e])
    sched.step()
    sched.step()
    assert sched.get_last_lr() == [0.1, 0.05 * 0.25]
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 3"):
        rt.lr_lambda(_optimizer("sgd"), lr_lambda=[abs, abs, abs])


def test_state_dict_round_trip() -> None:
    opt = _optimizer("adam")
    sched = rt.lr_cosine_annealing(opt, T_max=10)
    for _ in range(3):
        sched.step()
    sd = sched.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 3 and sd["T_max"] == 10
    opt2 = _optimizer("adam")
    other = rt.lr_cosine_annealing(opt2, T_max=10)
    other.load_state_dict(sd)
    assert other.last_epoch == 3 and other.get_last_lr() == sched.get_last_lr()
    lambda_sd = rt.lr_lambda(_optimizer("sgd"), lr_lambda=lambda e: 1.0).state_dict()
    assert "lr_lambdas" not in lambda_sd  # functions are code, not state


def test_reduce_on_plateau_takes_the_metric() -> None:
    opt = _optimizer("sgd")
    sched = rt.lr_reduce_on_plateau(opt, patience=0, factor=0.5)
    assert sched.last_epoch == 0 and sched.get_last_lr() == [0.1, 0.05]  # no step at construction
    sched.step(rt.torch_tensor(1.0))  # a one-element tensor works as the metric
    sched.step(2.0)
    assert sched.get_last_lr() == [0.05, 0.025]
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        rt.lr_reduce_on_plateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode maximum is unknown!"):
        rt.lr_reduce_on_plateau(opt, mode="maximum")


def test_one_cycle_errors() -> None:
    opt = _optimizer("sgd")
    with pytest.raises(ValueError, match=r"You must define either total_steps OR \(epochs AND steps_per_epoch\)"):
        rt.lr_one_cycle(opt, max_lr=1)
    with pytest.raises(ValueError, match="Expected positive integer total_steps, but got 0"):
        rt.lr_one_cycle(opt, max_lr=1, total_steps=0)
    with pytest.raises(ValueError, match="anneal_strategy must by one of 'cos' or 'linear', instead got exp"):
        rt.lr_one_cycle(opt, max_lr=1, total_steps=5, anneal_strategy="exp")
    with pytest.raises(ValueError, match="optimizer must support momentum"):
        rt.lr_one_cycle(rt.optim_adagrad([rt.torch_zeros(1, requires_grad=True)]), max_lr=1, total_steps=5)
    sched = rt.lr_one_cycle(opt, max_lr=1, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 5 times. The specified number of total steps is 3"):
        sched.step()


def test_not_an_optimizer() -> None:
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        rt.lr_step([], step_size=1)


def test_lr_scheduler_constructor_r_style() -> None:
    def initialize(self, optimizer, gamma=0.5, last_epoch=-1):  # noqa: ANN001, ANN202
        self.gamma = gamma
        self.super.initialize(optimizer, last_epoch)

    def get_lr(self):  # noqa: ANN001, ANN202
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]

    lr_exponential = rt.lr_scheduler("lr_exponential", initialize=initialize, get_lr=get_lr)
    opt = _optimizer("sgd")
    sched = lr_exponential(opt, gamma=0.1)
    assert isinstance(sched, rt.LRScheduler)
    sched.step()
    assert sched.get_last_lr() == pytest.approx([0.01, 0.005])
    assert "super" not in vars(sched)  # R6's super$ exists only while a method runs
    text = repr(sched)
    assert text.startswith("<lr_exponential>\n  Inherits from: <LRScheduler>\n  Public:")
    assert "    get_lr: function () " in text
    assert "    initialize: function (optimizer, gamma = 0.5, last_epoch = -1) " in text


def test_get_lr_of_one_group_may_be_a_number() -> None:
    # R's sapply() over one parameter group returns a length-1 vector, which reaches Python as a number
    half = rt.lr_scheduler("half", get_lr=lambda self: self.optimizer.param_groups[0]["lr"] / 2)
    opt = rt.optim_sgd(rt.nn_linear(2, 1).parameters, lr=1.0)
    sched = half(opt)
    sched.step()
    assert sched.get_last_lr() == [0.25]  # a step at construction, then this one


def test_subclassing_the_base() -> None:
    class lr_constant(rt.LRScheduler):  # noqa: N801
        def get_lr(self) -> list[float]:
            return list(self.base_lrs)

    opt = _optimizer("sgd")
    sched = lr_constant(opt)
    sched.step()
    assert sched.get_last_lr() == [0.1, 0.05]
    with pytest.raises(NotImplementedError):
        rt.LRScheduler(opt)
