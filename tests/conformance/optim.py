"""Expected values of tests/conformance/optim.R: ``expect()`` gives one entry per emitted name, in the script's
order (tests/bridge/test_conformance.py runs the script both ways and compares)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance_util import LIST, NULL, TLIST, D, E, I, L, T

import rtorch_py as rt
from rtorch_py import optim


def expect() -> dict[str, Any]:

    out: dict[str, Any] = {}
    rt.torch_manual_seed(21)
    w0 = rt.torch_randn(3, 2)
    xs = rt.torch_randn(8, 3)
    ys = rt.torch_randn(8, 2)

    def f(w: rt.Tensor) -> rt.Tensor:
        return ((xs.mm(w) - ys) ** 2.0).mean()

    def trajectory(make_opt: Callable, steps: int = 5) -> dict:
        w = w0.clone().requires_grad_(True)
        opt = make_opt([w])
        traj = []
        for _ in range(steps):
            opt.zero_grad()
            f(w).backward()
            opt.step()
            traj.append(w.detach().clone())
        return TLIST(traj)

    out["sgd"] = trajectory(lambda p: optim.optim_sgd(p, lr=0.1))
    out["sgd_momentum"] = trajectory(lambda p: optim.optim_sgd(p, lr=0.1, momentum=0.9))
    out["sgd_nesterov_wd"] = trajectory(lambda p: optim.optim_sgd(p, lr=0.05, momentum=0.8, nesterov=True,
                                                              weight_decay=0.01))
    out["sgd_dampening"] = trajectory(lambda p: optim.optim_sgd(p, lr=0.1, momentum=0.5, dampening=0.1))
    out["adam"] = trajectory(lambda p: optim.optim_adam(p, lr=0.05))
    out["adam_amsgrad_wd"] = trajectory(lambda p: optim.optim_adam(p, lr=0.05, betas=[0.8, 0.9], amsgrad=True,
                                                               weight_decay=0.1))
    out["adamw"] = trajectory(lambda p: optim.optim_adamw(p, lr=0.05))
    out["rmsprop"] = trajectory(lambda p: optim.optim_rmsprop(p, lr=0.01))
    out["rmsprop_centered"] = trajectory(lambda p: optim.optim_rmsprop(p, lr=0.01, alpha=0.9, momentum=0.5,
                                                                   centered=True))
    out["adagrad"] = trajectory(lambda p: optim.optim_adagrad(p, lr=0.1, lr_decay=0.01))

    calls = [0]

    def lbfgs(w: rt.Tensor, **kw: Any) -> tuple[Any, Callable]:
        opt = optim.optim_lbfgs([w], **kw)

        def closure() -> rt.Tensor:
            calls[0] += 1
            opt.zero_grad()
            loss = f(w)
            loss.backward()
            return loss

        return opt, closure

    w = w0.clone().requires_grad_(True)
    opt, closure = lbfgs(w, lr=1.0, max_iter=10.0)
    out["lbfgs_first_loss"] = T(opt.step(closure))
    opt.step(closure)
    out["lbfgs_w"] = T(w)
    out["lbfgs_calls"] = D(calls[0])
    w = w0.clone().requires_grad_(True)
    opt, closure = lbfgs(w, lr=0.5, max_iter=8.0, history_size=3.0, line_search_fn="strong_wolfe")
    for _ in range(2):
        opt.step(closure)
    out["lbfgs_wolfe_w"] = T(w)

    w = w0.clone().requires_grad_(True)
    opt = optim.optim_sgd([w], lr=0.1)

    def sgd_closure() -> rt.Tensor:
        opt.zero_grad()
        loss = f(w)
        loss.backward()
        return loss

    out["sgd_closure_value"] = T(opt.step(sgd_closure))
    out["step_without_closure"] = NULL if opt.step() is None else {"r": "not NULL"}
    opt.step()
    opt.zero_grad()
    out["visibility"] = L(True, False)
    out["w_after_closure_steps"] = T(w)

    w1 = rt.torch_ones(2, requires_grad=True)
    w2 = rt.torch_ones(2, requires_grad=True)
    opt = optim.optim_sgd([{"params": [w1], "lr": 0.5}, {"params": [w2]}], lr=0.01, momentum=0.9)
    out["group_lrs"] = D(*[g["lr"] for g in opt.param_groups])
    out["group_momentum"] = D(*[g["momentum"] for g in opt.param_groups])
    for _ in range(3):
        opt.zero_grad()
        ((w1 * 2.0).sum() + (w2 ** 2.0).sum()).backward()
        opt.step()
    out["groups_trained"] = TLIST([w1, w2])
    opt.add_param_group({"params": [rt.torch_zeros(1, requires_grad=True)], "lr": 0.2})
    out["added_group"] = LIST(I(len(opt.param_groups)), D(opt.param_groups[2]["lr"]),
                              D(opt.param_groups[2]["momentum"]))
    d = opt.defaults
    out["defaults"] = LIST(D(d["lr"]), D(d["momentum"]), D(d["dampening"]), D(d["weight_decay"]),
                           L(d["nesterov"]), names=["lr", "momentum", "dampening", "weight_decay", "nesterov"])
    out["invalid_lr"] = E(lambda: optim.optim_sgd([w1], lr=-1.0))
    out["invalid_betas"] = E(lambda: optim.optim_adam([w1], betas=[1.5, 0.9]))

    def lr_trace(opt: Any, sched: Any, n: int, momentum: bool = False) -> dict:
        trace = []
        for _ in range(n):
            trace.append(opt.param_groups[0]["momentum" if momentum else "lr"])
            opt.step()
            sched.step()
        return D(*trace)

    def new_sgd(**kw: Any) -> Any:
        return optim.optim_sgd([rt.torch_zeros(1, requires_grad=True)], lr=0.1, **kw)

    opt = new_sgd()
    out["lr_step"] = lr_trace(opt, optim.lr_step(opt, step_size=3.0, gamma=0.5), 10)
    opt = new_sgd()
    out["lr_lambda"] = lr_trace(opt, optim.lr_lambda(opt, lr_lambda=lambda epoch: 0.95 ** epoch), 6)
    opt = new_sgd()
    out["lr_lambda_closure"] = lr_trace(opt, optim.lr_lambda(opt, lambda e: 1 / (1 + 2.0 * e)), 6)
    opt = new_sgd()
    out["lr_multiplicative"] = lr_trace(opt, optim.lr_multiplicative(opt, lr_lambda=lambda e: 0.9), 5)
    opt = new_sgd(momentum=0.9)
    out["lr_one_cycle"] = lr_trace(opt, optim.lr_one_cycle(opt, max_lr=1.0, total_steps=10.0), 10)
    opt = new_sgd(momentum=0.9)
    out["lr_one_cycle_momentum"] = lr_trace(opt, optim.lr_one_cycle(opt, max_lr=1.0, total_steps=10.0), 10,
                                            momentum=True)
    opt = new_sgd(momentum=0.9)
    out["lr_one_cycle_linear"] = lr_trace(opt, optim.lr_one_cycle(opt, max_lr=0.5, epochs=2.0, steps_per_epoch=5.0,
                                                              anneal_strategy="linear", pct_start=0.4), 10)
    opt = new_sgd()
    out["lr_cosine"] = lr_trace(opt, optim.lr_cosine_annealing(opt, T_max=4.0, eta_min=0.01), 9)

    w = w0.clone().requires_grad_(True)
    opt = optim.optim_adam([w], lr=0.1)
    sched = optim.lr_step(opt, step_size=2.0, gamma=0.1)
    for _ in range(6):
        opt.zero_grad()
        f(w).backward()
        opt.step()
        sched.step()
    out["adam_with_lr_step"] = T(w)
    return out
