"""Adam's multi-tensor update (one flat array per group) is the single-tensor update, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py.optim import adam


def _train(monkeypatch: pytest.MonkeyPatch, flat: bool, steps: int = 30, betas: tuple = (0.9, 0.999),
           later_betas: tuple | None = None) -> tuple[list, list]:
    if not flat:
        monkeypatch.setattr(adam._Adam, "_group_flat", lambda self, group, g: False)
    rt.torch_manual_seed(1)
    x = rt.torch_randn(100, 3)
    y = x[:, 0:1] * 0.2 - x[:, 1:2] * 1.3 + rt.torch_randn(100, 1)
    model = rt.nn_sequential(rt.nn_linear(3, 32), rt.nn_relu(), rt.nn_linear(32, 1))
    opt = rt.optim_adam(model.parameters, lr=0.08, betas=betas)
    for t in range(steps):
        if t == steps // 3 and later_betas is not None:
            opt.param_groups[0]["betas"] = later_betas
        loss = rt.nnf_mse_loss(model(x), y, reduction="sum")
        opt.zero_grad()
        loss.backward()
        opt.step()
        if t == steps // 2:  # state replaced from outside (as load_state_dict does): the flat buffers follow
            opt.load_state_dict(opt.state_dict())
    monkeypatch.undo()
    params = [p._data.copy() for p in model.parameters.values()]
    state = [(s["step"], s["exp_avg"]._data.copy(), s["exp_avg_sq"]._data.copy()) for s in opt.state.values()]
    return params, state


# beta1 > 0.5: m's lerp and v's addcmul as one fused multiply-add over [m | v] (its first multiplier half, the lerp
# weight, refilled when beta1 changes); beta1 <= 0.5: libtorch's lerp starts from the gradient (separate calls)
@pytest.mark.parametrize(("betas", "later_betas"), [((0.9, 0.999), None), ((0.9, 0.999), (0.7, 0.99)),
                                                     ((0.4, 0.99), None), ((0.9, 0.999), (0.3, 0.9))])
def test_flat_adam_is_the_single_tensor_adam(monkeypatch: pytest.MonkeyPatch, betas: tuple,
                                             later_betas: tuple | None) -> None:
    p1, s1 = _train(monkeypatch, True, betas=betas, later_betas=later_betas)
    p2, s2 = _train(monkeypatch, False, betas=betas, later_betas=later_betas)
    for a, b in zip(p1, p2):
        np.testing.assert_array_equal(a, b)
    for (n1, m1, v1), (n2, m2, v2) in zip(s1, s2):
        assert n1 == n2 == 30
        np.testing.assert_array_equal(m1, m2)
        np.testing.assert_array_equal(v1, v2)


def test_flat_adam_state_tensors_are_views_of_the_update() -> None:
    a = rt.torch_tensor([1.0, -2.0], requires_grad=True)
    b = rt.torch_tensor([[0.5]], requires_grad=True)
    opt = rt.optim_adam([a, b], lr=0.1)
    ((a * a).sum() + (b * 3).sum()).backward()
    opt.step()
    assert opt.state[a]["exp_avg"].shape == (2,) and opt.state[b]["exp_avg_sq"].shape == (1, 1)
    np.testing.assert_allclose(opt.state[a]["exp_avg"]._data, [0.2, -0.4], rtol=1e-6)
    np.testing.assert_allclose(opt.state[b]["exp_avg"]._data, [[0.3]], rtol=1e-6)
    np.testing.assert_allclose(a._data, [0.9, -1.9], rtol=1e-6)


@pytest.mark.parametrize("late_first", [False, True])
def test_flat_adam_parameter_with_a_late_first_gradient_starts_at_step_1(late_first: bool) -> None:
    # b gets its first gradient at the third step: its own state starts then (step 1, bias corrections of
    # step 1), as in PyTorch's Adam, which skips parameters without a gradient; a is at step 3 by then.
    # Reference: b in an optimizer of its own from the third step on.
    def run(together: bool) -> tuple[list, list]:
        rt.torch_manual_seed(1)
        a = rt.torch_randn(3, requires_grad=True)
        b = rt.torch_randn(2, requires_grad=True)
        groups = [([b, a] if late_first else [a, b])] if together else [[a], [b]]
        opts = [rt.optim_adam(g, lr=0.1) for g in groups]
        for t in range(5):
            for o in opts:
                o.zero_grad()
            loss = (a * a).sum() + ((b * b * b).sum() if t >= 2 else 0)
            loss.backward()
            for o in opts:
                o.step()
        steps = [next(o.state.get(p)["step"] for o in opts if o.state.get(p) is not None) for p in (a, b)]
        return [a._data.tolist(), b._data.tolist()], steps

    together, steps = run(True)
    apart, ref_steps = run(False)
    assert together == apart
    assert steps == ref_steps == [5, 3]


def test_adam_scalars_kept_between_steps_follow_changed_hyperparameters(monkeypatch: pytest.MonkeyPatch) -> None:
    # The step-independent scalars are kept per group; a scheduler (or the user) changing lr, betas or eps
    # between steps must be seen at once: the same run with nothing kept (every scalar made each step) agrees.
    def run() -> list:
        rt.torch_manual_seed(2)
        a, b = rt.torch_randn(4, requires_grad=True), rt.torch_randn(2, 2, requires_grad=True)
        opt = rt.optim_adam([a, b], lr=0.1)
        out = []
        for t in range(6):
            if t == 2:
                opt.param_groups[0]["lr"] = 0.05
            if t == 3:
                opt.param_groups[0]["betas"] = (0.8, 0.99)
            if t == 4:
                opt.param_groups[0]["eps"] = 1e-3
            if t == 5:
                opt.param_groups[0]["lr"] = 1  # an int: the same scalars as 1.0
            opt.zero_grad()
            ((a * a * a).sum() + (b * b).sum()).backward()
            opt.step()
            out.append(a._data.tolist() + b._data.ravel().tolist())
        return out

    kept = run()
    monkeypatch.setattr(adam, "_PLAIN", frozenset())
    assert kept == run()
    assert kept[1] != kept[2]
