"""The optimizer object model: param_groups, state, step/zero_grad, add_param_group, state_dict in R torch's
layout, clone, the optimizer() constructor, subclassing, hyperparameter validation (R torch's messages)."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt


def _vals(t: rt.Tensor) -> list:
    return rt.as_array(t).tolist()


def _linear() -> dict[str, rt.Tensor]:
    rt.torch_manual_seed(1)
    return {"weight": rt.torch_randn(1, 3, requires_grad=True), "bias": rt.torch_randn(1, requires_grad=True)}


def _backward(params: dict[str, rt.Tensor] | list[rt.Tensor], data: rt.Tensor | None = None) -> None:
    p = list(params.values()) if isinstance(params, dict) else params
    loss = (p[0] * (data if data is not None else 1.0)).sum()
    for q in p[1:]:
        loss = loss + q.sum() * 0.5
    loss.backward()


# -- the seed's facts ----------------------------------------------------------------------------------------

def test_one_adam_step_moves_every_parameter_by_lr() -> None:
    """The seed document: from fresh state, one Adam step with lr = 0.01 moves each parameter by 0.01."""
    params = _linear()
    before = {k: v._data.copy() for k, v in params.items()}
    opt = rt.optim_adam(params, lr=0.01)
    rt.torch_manual_seed(2)
    _backward(params, rt.torch_randn(1, 3))
    assert opt.step() is None  # R's NULL
    for name, p in params.items():
        moved = np.abs(p._data.astype(np.float64) - before[name])
        np.testing.assert_allclose(moved, 0.01, rtol=0, atol=2e-8)  # float32 rounding of the parameter


def test_param_groups_keep_a_named_parameter_list() -> None:
    params = _linear()
    opt = rt.optim_adam(params, lr=0.01)
    group = opt.param_groups[0]
    assert list(group["params"]) == ["weight", "bias"]
    assert group["params"]["weight"] is params["weight"]  # the same tensors: updates show in the model
    assert group["params"] is not params  # a copy of the list, as R copies lists
    assert {k: v for k, v in group.items() if k != "params"} == {
        "lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "amsgrad": False}
    assert opt.defaults == {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "amsgrad": False}


def test_params_specifications() -> None:
    a, b = rt.torch_zeros(2, requires_grad=True), rt.torch_zeros(3, requires_grad=True)
    assert rt.optim_sgd(a, lr=0.1).param_groups[0]["params"] == [a]  # a single tensor
    assert len(rt.optim_sgd((p for p in [a, b]), lr=0.1).param_groups[0]["params"]) == 2  # any iterable
    opt = rt.optim_sgd([{"params": [a]}, {"params": b, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0, 0.9]
    assert opt.param_groups[1]["params"] == [b]
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        rt.optim_sgd([], lr=0.1)
    with pytest.raises(ValueError, match="Wrong parameters specification."):
        rt.optim_sgd([1, 2], lr=0.1)
    with pytest.raises(ValueError, match="optimizer can only optimize Tensors, but one of the params is int"):
        rt.optim_sgd([a, 1], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        rt.optim_sgd([a * 2], lr=0.1)
    with pytest.raises(TypeError, match="ordering of tensors in sets"):
        rt.optim_sgd([{"params": {a}}], lr=0.1)


def test_step_skips_parameters_without_gradient_and_returns_closure_loss() -> None:
    a, b = rt.torch_ones(2, requires_grad=True), rt.torch_ones(2, requires_grad=True)
    opt = rt.optim_sgd([a, b], lr=0.1)

    def closure() -> rt.Tensor:
        assert rt.autograd_is_enabled()  # the closure runs with grad enabled
        loss = (a * 3).sum()
        loss.backward()
        return loss

    with rt.with_enable_grad():
        loss = opt.step(closure)
    assert loss.item() == 6.0
    assert _vals(a) == pytest.approx([0.7, 0.7])
    assert _vals(b) == [1.0, 1.0] and b.grad is None
    assert b not in opt.state and a not in opt.state  # plain SGD keeps no state
    assert rt.autograd_is_enabled()  # grad mode restored


def test_step_runs_without_grad_and_bumps_versions() -> None:
    seen = []

    def step(self, closure=None):  # noqa: ANN001, ANN202
        def body(group, param, g, p):  # noqa: ANN001, ANN202
            seen.append((rt.autograd_is_enabled(), g, p))
        return self.private.step_helper(closure, body)

    def initialize(self, params):  # noqa: ANN001, ANN202
        self.super.initialize(params, {})

    optim_probe = rt.optimizer("optim_probe", initialize=initialize, step=step)
    a, b = rt.torch_ones(1, requires_grad=True), rt.torch_ones(1, requires_grad=True)
    opt = optim_probe([{"params": [a]}, {"params": [b]}])
    a.grad, b.grad = rt.torch_ones(1), rt.torch_ones(1)
    assert opt.step() is None
    assert seen == [(False, 0, 0), (False, 1, 0)]  # 0-based group / parameter positions

    x = rt.torch_ones(2, requires_grad=True)
    y = x * x  # saves x for backward
    opt = rt.optim_sgd([x], lr=0.1)
    x.grad = rt.torch_ones(2)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_zero_grad_in_place_by_default() -> None:
    params = _linear()
    opt = rt.optim_adam(params, lr=0.01)
    _backward(params)
    grad = params["weight"].grad
    opt.zero_grad()
    assert params["weight"].grad is grad  # zeroed in place (R torch's behaviour)
    assert _vals(grad) == [[0.0, 0.0, 0.0]]
    opt.zero_grad(set_to_none=True)
    assert params["weight"].grad is None and params["bias"].grad is None
    opt.zero_grad()  # no gradients: nothing to do


def test_zero_grad_detaches_a_create_graph_gradient() -> None:
    x = rt.torch_ones(2, requires_grad=True)
    (x * x).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    rt.optim_sgd([x], lr=0.1).zero_grad()
    assert not x.grad.requires_grad and _vals(x.grad) == [0.0, 0.0]


def test_gradients_do_not_accumulate_after_zero_grad() -> None:
    a = rt.torch_ones(1, requires_grad=True)
    opt = rt.optim_sgd([a], lr=1)
    for _ in range(3):
        opt.zero_grad()
        (a * 2).sum().backward()
        opt.step()
    assert a.item() == pytest.approx(1 - 3 * 2)


# -- add_param_group -----------------------------------------------------------------------------------------

def test_add_param_group_fills_defaults() -> None:
    a, b = rt.torch_zeros(1, requires_grad=True), rt.torch_zeros(1, requires_grad=True)
    opt = rt.optim_adam([a], lr=0.01, amsgrad=True)
    opt.add_param_group({"params": b, "lr": 0.5})
    assert opt.param_groups[1] == {"params": [b], "lr": 0.5, "betas": (0.9, 0.999), "eps": 1e-08,
                                   "weight_decay": 0, "amsgrad": True}


def test_add_param_group_errors() -> None:
    a, b = rt.torch_zeros(1, requires_grad=True), rt.torch_zeros(1, requires_grad=True)
    opt = rt.optim_sgd([a], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match="param group is not named"):
        opt.add_param_group([b])
    with pytest.raises(ValueError, match="param group must have a `params` element"):
        opt.add_param_group({"lr": 0.1})
    assert len(opt.param_groups) == 1


def test_required_hyperparameter() -> None:
    a = rt.torch_zeros(1, requires_grad=True)
    msg = "parameter group didn't specify a value of required optimization parameter lr"
    with pytest.raises(ValueError, match=msg):
        rt.optim_sgd([a])
    opt = rt.optim_sgd([{"params": [a], "lr": 0.2}])  # the group sets it: fine
    assert opt.param_groups[0]["lr"] == 0.2 and rt.is_optim_required(opt.defaults["lr"])
    assert rt.optim_required() is rt.optim_required() and repr(rt.optim_required()) == "optim_required()"


# -- hyperparameter validation (R torch's messages) ----------------------------------------------------------

@pytest.mark.parametrize(("call", "message"), [
    (lambda p: rt.optim_adam(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: rt.optim_adam(p, eps=-1e-8), "Invalid eps: -1e-08"),
    (lambda p: rt.optim_adam(p, betas=(1.5, 0.9)), "Invalid beta parameter at index 1"),
    (lambda p: rt.optim_adam(p, betas=(0.9, -0.1)), "Invalid beta parameter at index 2"),
    (lambda p: rt.optim_adam(p, weight_decay=-0.5), "Invalid weight decay value: -0.5"),
    (lambda p: rt.optim_adamw(p, eps=-1), "Invalid epsilon value: -1"),
    (lambda p: rt.optim_adamw(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: rt.optim_sgd(p, lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda p: rt.optim_sgd(p, lr=0.1, momentum=-1), "Invalid momentum value: -1"),
    (lambda p: rt.optim_sgd(p, lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: rt.optim_sgd(p, lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: rt.optim_adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda p: rt.optim_adagrad(p, initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
    (lambda p: rt.optim_adagrad(p, eps=-1), "Invalid epsilon value: -1"),
    (lambda p: rt.optim_adadelta(p, rho=1.5), "Invalid rho value: 1.5"),
    (lambda p: rt.optim_rmsprop(p, alpha=-1), "Invalid alpha value: -1"),
    (lambda p: rt.optim_rmsprop(p, momentum=-1), "Invalid momentum value: -1"),
    (lambda p: rt.optim_rprop(p, etas=(1.5, 1.2)), "Invalid eta values: 1.5, 1.2"),
    (lambda p: rt.optim_asgd(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: rt.optim_lbfgs(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: rt.optim_lbfgs(p, line_search_fn="backtracking"), "only 'strong_wolfe' is supported"),
])
def test_invalid_hyperparameters(call, message: str) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call([rt.torch_zeros(1, requires_grad=True)])


def test_asgd_lambda_argument() -> None:
    a = rt.torch_zeros(1, requires_grad=True)
    assert rt.optim_asgd([a], **{"lambda": 0.5}).param_groups[0]["lambda"] == 0.5  # R torch's name
    assert rt.optim_asgd([a], lambd=0.25).param_groups[0]["lambda"] == 0.25  # PyTorch's spelling
    with pytest.raises(TypeError, match="unexpected keyword argument 'lamda'"):
        rt.optim_asgd([a], lamda=0.5)


def test_lbfgs_one_group_and_closure() -> None:
    a, b = rt.torch_zeros(1, requires_grad=True), rt.torch_zeros(1, requires_grad=True)
    with pytest.raises(ValueError, match=r"LBFGS doesn't support per-parameter options \(parameter groups\)"):
        rt.optim_lbfgs([{"params": [a]}, {"params": [b]}])
    with pytest.raises(ValueError, match="needs a closure"):
        rt.optim_lbfgs([a]).step()


def test_lbfgs_minimizes_rosenbrock() -> None:
    x = rt.torch_tensor([-1.0, 1.0], requires_grad=True)
    opt = rt.optim_lbfgs(x, line_search_fn="strong_wolfe")

    def closure() -> rt.Tensor:
        opt.zero_grad()
        loss = (1 - x[0]) ** 2 + 5 * (x[1] - x[0] ** 2) ** 2
        loss.backward()
        return loss

    first = opt.step(closure)
    for _ in range(3):
        opt.step(closure)
    assert first.item() == pytest.approx(4.0)
    np.testing.assert_allclose(x._data, [1.0, 1.0], atol=1e-4)


# -- state and state_dict ---------------------------------------------------------------------------------------

def test_state_is_per_parameter() -> None:
    params = _linear()
    opt = rt.optim_adam(params, lr=0.01, amsgrad=True)
    assert opt.state == {}
    _backward(params)
    opt.step()
    st = opt.state[params["weight"]]
    assert sorted(st) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]
    assert st["step"] == 1 and st["exp_avg"].shape == (1, 3)


def test_state_dict_layout_is_r_torchs() -> None:
    a, b, c = (rt.torch_zeros(2, requires_grad=True) for _ in range(3))
    opt = rt.optim_sgd([{"params": [a, b]}, {"params": {"c": c}, "lr": 0.5}], lr=0.1, momentum=0.9)
    (a.sum() + c.sum()).backward()  # b gets no gradient, hence no state
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[1, 2], [3]]  # 1-based positions over all groups
    assert sd["param_groups"][1]["lr"] == 0.5 and sd["param_groups"][0]["momentum"] == 0.9
    assert sorted(sd["state"]) == [1, 3]
    assert sd["state"][1]["momentum_buffer"] is opt.state[a]["momentum_buffer"]


def test_load_state_dict_continues_identically() -> None:
    def run(opt: rt.Optimizer, x: rt.Tensor, n: int) -> None:
        for _ in range(n):
            opt.zero_grad()
            ((x - 3) ** 2).sum().backward()
            opt.step()

    x1 = rt.torch_tensor([1.0, -2.0, 0.5], requires_grad=True)
    opt1 = rt.optim_adam(x1, lr=0.1, amsgrad=True)
    run(opt1, x1, 3)
    x2 = rt.torch_tensor(_vals(x1), requires_grad=True)
    opt2 = rt.optim_adam(x2, lr=0.5)
    opt2.load_state_dict(opt1.state_dict())
    assert opt2.param_groups[0]["lr"] == 0.1 and opt2.param_groups[0]["amsgrad"]
    assert opt2.state[x2]["exp_avg"] is not opt1.state[x1]["exp_avg"]  # copied, never shared
    run(opt1, x1, 4)
    run(opt2, x2, 4)
    np.testing.assert_array_equal(x1._data, x2._data)


def test_load_state_dict_accepts_string_keys_and_checks_sizes() -> None:
    a = rt.torch_zeros(2, requires_grad=True)
    opt = rt.optim_sgd([a], lr=0.1, momentum=0.9)
    buf = rt.torch_ones(2)
    opt.load_state_dict({"param_groups": [{"params": [1], "lr": 0.2, "momentum": 0.9, "dampening": 0,
                                           "weight_decay": 0, "nesterov": False}],
                         "state": {"1": {"momentum_buffer": buf}}})  # R list names are strings
    assert _vals(opt.state[a]["momentum_buffer"]) == [1.0, 1.0]
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict({"param_groups": [], "state": {}})
    with pytest.raises(ValueError, match="doesn't match the size"):
        opt.load_state_dict({"param_groups": [{"params": [1, 2]}], "state": {}})


# -- clone, constructor, subclassing ------------------------------------------------------------------------------

def test_clone() -> None:
    x = rt.torch_ones(2, requires_grad=True)
    opt = rt.optim_sgd([x], lr=0.1, momentum=0.9)
    x.grad = rt.torch_ones(2)
    opt.step()
    shallow, deep = opt.clone(), opt.clone(deep=True)
    assert shallow.param_groups[0]["params"][0] is x and shallow.param_groups is not opt.param_groups
    assert shallow.state[x]["momentum_buffer"] is opt.state[x]["momentum_buffer"]
    assert deep.state[x]["momentum_buffer"] is not opt.state[x]["momentum_buffer"]
    shallow.param_groups[0]["lr"] = 1.0
    assert opt.param_groups[0]["lr"] == 0.1


def test_optimizer_constructor_r_style() -> None:
    """R torch's own optimizer() example: a simplified SGD that drives x^2 to 0."""
    def initialize(self, params, learning_rate):  # noqa: ANN001, ANN202
        self.super.initialize(params, {"learning_rate": learning_rate})

    def step(self, closure=None):  # noqa: ANN001, ANN202
        def body(group, param, g, p):  # noqa: ANN001, ANN202
            param.add_(param.grad, alpha=-group["learning_rate"])
        return self.private.step_helper(closure, body)

    optim_sgd2 = rt.optimizer(initialize=initialize, step=step)
    x = rt.torch_randn(1, requires_grad=True)
    opt = optim_sgd2(x, learning_rate=0.1)
    for _ in range(100):
        opt.zero_grad()
        (x**2).backward()
        opt.step()
    assert abs(x.item()) < 1e-9
    assert rt.is_optimizer(opt) and not rt.is_optimizer(x)
    assert repr(opt).splitlines()[0] == "<torch_Optimizer>"  # unnamed class: R6 shows the parent's name
    with pytest.raises(TypeError, match="must be an optimizer class"):
        rt.optimizer("bad", inherit=dict)


def test_optimizer_constructor_inherits_and_calls_super_step() -> None:
    calls = []

    def step(self, closure=None):  # noqa: ANN001, ANN202
        calls.append("mine")
        return self.super.step(closure)

    optim_logged = rt.optimizer("optim_logged", inherit=rt.optim_adam, step=step)
    x = rt.torch_ones(1, requires_grad=True)
    opt = optim_logged(x, lr=0.01)
    x.grad = rt.torch_ones(1)
    assert opt.step() is None
    assert calls == ["mine"] and x.item() == pytest.approx(0.99)
    assert "super" not in vars(opt)


def test_subclassing_the_base_class() -> None:
    class optim_signsgd(rt.Optimizer):  # noqa: N801
        def initialize(self, params, lr=0.1):  # noqa: ANN001, ANN202
            super().initialize(params, {"lr": lr})

        def step(self, closure=None):  # noqa: ANN001, ANN202
            def body(group, param, g, p):  # noqa: ANN001, ANN202
                param._data -= group["lr"] * np.sign(param.grad._data)
            return self._step_helper(closure, body)

    x = rt.torch_tensor([1.0, -1.0], requires_grad=True)
    opt = optim_signsgd(x, lr=0.25)
    (x * x).sum().backward()
    opt.step()
    assert _vals(x) == [0.75, -0.75]
    assert repr(opt).splitlines()[:2] == ["<optim_signsgd>", "  Inherits from: <torch_Optimizer>"]
    import inspect

    assert list(inspect.signature(optim_signsgd).parameters) == ["params", "lr"]


def test_float64_parameters() -> None:
    x = rt.torch_tensor([1.0, -2.0], dtype=rt.torch_float64(), requires_grad=True)
    for optim in (rt.optim_adam, rt.optim_rmsprop, rt.optim_adadelta, rt.optim_adagrad):
        x.grad = rt.torch_ones(2, dtype=rt.torch_float64())
        optim(x).step()
    assert x.dtype == rt.torch_float64()
    x.grad = rt.torch_ones(2, dtype=rt.torch_float64())
    rt.optim_sgd(x, lr=0.5, momentum=0.5).step()
    assert x._data.dtype == np.float64


def test_lbfgs_takes_whole_doubles_as_counts() -> None:
    """R passes every number as a double: history_size = 3, max_iter = 8 must work as their integers."""
    x = rt.torch_tensor([-1.0, 1.0], requires_grad=True)
    y = rt.torch_tensor([-1.0, 1.0], requires_grad=True)
    a = rt.optim_lbfgs(x, max_iter=8.0, history_size=3.0)
    b = rt.optim_lbfgs(y, max_iter=8, history_size=3)

    def closure(p: rt.Tensor, opt: rt.optim_lbfgs) -> object:
        def f() -> rt.Tensor:
            opt.zero_grad()
            loss = (1 - p[0]) ** 2 + 5 * (p[1] - p[0] ** 2) ** 2
            loss.backward()
            return loss
        return f

    for _ in range(2):
        a.step(closure(x, a))
        b.step(closure(y, b))
    np.testing.assert_array_equal(x._data, y._data)


@pytest.mark.parametrize("kw", [{"momentum": 0.9}, {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
                                {"momentum": 0.5, "dampening": 0.25}, {"weight_decay": 0.1}])
def test_sgd_large_parameter_by_slices_on_threads_has_the_one_thread_bits(kw: dict,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """optim_sgd updates a parameter large enough to be split (parallel.py) by slices on the threads: three
    steps (the first fills the momentum buffer) give the bits of one thread, float64-checked in their form."""
    from rtorch_py._core import parallel

    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((301, 1000)).astype(np.float32)  # > 2**18 elements: split
    grads = [rng.standard_normal(w0.shape).astype(np.float32) for _ in range(3)]

    def run() -> np.ndarray:
        w = rt.torch_tensor(w0, requires_grad=True)
        opt = rt.optim_sgd(w, lr=0.01, **kw)
        for gr in grads:
            w._grad = rt.torch_tensor(gr)
            opt.step()
        return rt.as_array(w.detach())

    one = run()
    monkeypatch.setitem(parallel._state, "threads", 3)
    monkeypatch.setitem(parallel._state, "blas", (lambda: 1, lambda n: None))
    monkeypatch.setitem(parallel._state, "pool", None)
    try:
        three = run()
    finally:
        if parallel._state["pool"] is not None:
            parallel._state["pool"].shutdown()
    np.testing.assert_array_equal(three.view(np.uint32), one.view(np.uint32))
    # the update's float32 steps as PyTorch writes them, in float64 (fma: exact product, rounded sum)
    f = np.float32
    m, d, wd = f(kw.get("momentum", 0)), f(1 - kw.get("dampening", 0)), f(kw.get("weight_decay", 0))
    w, buf = w0.copy(), None
    for gr in grads:
        g = (w.astype(np.float64) * wd + gr).astype(f) if wd else gr
        if m:
            buf = g.copy() if buf is None else (g.astype(np.float64) * d + buf * m).astype(f)
            g = (buf.astype(np.float64) * m + g).astype(f) if kw.get("nesterov") else buf
        w = (g.astype(np.float64) * np.float64(f(-0.01)) + w).astype(f)
    np.testing.assert_array_equal(one.view(np.uint32), w.view(np.uint32))
