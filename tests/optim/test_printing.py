"""Printed form of optimizers: R6's format, generated from the object's members (seed document's text)."""

from __future__ import annotations

import rtorch_py as rt
from rtorch_py._r6 import deparse_signature, r_num

# print(optim_adam(model$parameters, lr = 0.01)) in the seed document "Using torch optimizers", byte for byte
# (the rendered document drops the trailing space of the last line).
SEED_ADAM = "\n".join([
    '<optim_adam>',
    '  Inherits from: <torch_Optimizer>',
    '  Public:',
    '    add_param_group: function (param_group) ',
    '    clone: function (deep = FALSE) ',
    '    defaults: list',
    '    initialize: function (params, lr = 0.001, betas = c(0.9, 0.999), eps = 1e-08, ',
    '    param_groups: list',
    '    state: list',
    '    step: function (closure = NULL) ',
    '    zero_grad: function () ',
    '  Private:',
    '    step_helper: function (closure, loop_fun)',
])


def _params() -> dict[str, rt.Tensor]:
    return {"weight": rt.torch_zeros(1, 3, requires_grad=True), "bias": rt.torch_zeros(1, requires_grad=True)}


def test_adam_prints_as_the_seed() -> None:
    opt = rt.optim_adam(_params(), lr=0.01)
    assert repr(opt) == SEED_ADAM
    assert str(opt) == SEED_ADAM


def test_printing_is_unchanged_by_steps() -> None:
    params = _params()
    opt = rt.optim_adam(params, lr=0.01)
    for p in params.values():
        p.grad = rt.torch_ones_like(p)
    opt.step()
    assert repr(opt) == SEED_ADAM


def test_every_builtin_optimizer_prints_its_class_and_signature() -> None:
    x = rt.torch_zeros(2, requires_grad=True)
    expected = {
        "optim_sgd": "function (params, lr = optim_required(), momentum = 0, dampening = 0, ",
        "optim_adamw": "function (params, lr = 0.001, betas = c(0.9, 0.999), eps = 1e-08, ",
        "optim_adagrad": "function (params, lr = 0.01, lr_decay = 0, weight_decay = 0, ",
        "optim_adadelta": "function (params, lr = 1, rho = 0.9, eps = 1e-06, weight_decay = 0) ",
        "optim_asgd": "function (params, lr = 0.01, lambda = 1e-04, alpha = 0.75, t0 = 1e+06, ",
        "optim_rmsprop": "function (params, lr = 0.01, alpha = 0.99, eps = 1e-08, weight_decay = 0, ",
        "optim_rprop": "function (params, lr = 0.01, etas = c(0.5, 1.2), step_sizes = c(1e-06, 50)) ",
        "optim_lbfgs": "function (params, lr = 1, max_iter = 20, max_eval = NULL, tolerance_grad = 1e-07, ",
    }
    for name, init in expected.items():
        opt = getattr(rt, name)([x], lr=0.1) if name == "optim_sgd" else getattr(rt, name)([x])
        lines = repr(opt).splitlines()
        assert lines[0] == f"<{name}>"
        assert lines[1] == "  Inherits from: <torch_Optimizer>"
        assert f"    initialize: {init}" in lines


def test_user_defined_optimizer_prints_its_members() -> None:
    def initialize(self, params, learning_rate=0.1, tag="a"):  # noqa: ANN001, ANN202
        self.super.initialize(params, {"learning_rate": learning_rate})
        self.counter = 0
        self.tag = tag

    def step(self, closure=None):  # noqa: ANN001, ANN202
        self.counter += 1

    def helper(self, x, y=None):  # noqa: ANN001, ANN202
        return x

    optim_mine = rt.optimizer("optim_mine", initialize=initialize, step=step, private={"helper": helper})
    opt = optim_mine([rt.torch_zeros(1, requires_grad=True)])
    assert repr(opt) == "\n".join([
        '<optim_mine>',
        '  Inherits from: <torch_Optimizer>',
        '  Public:',
        '    add_param_group: function (param_group) ',
        '    clone: function (deep = FALSE) ',
        '    counter: 0',
        '    defaults: list',
        '    initialize: function (params, learning_rate = 0.1, tag = "a") ',
        '    param_groups: list',
        '    state: list',
        '    step: function (closure = NULL) ',
        '    tag: a',
        '    zero_grad: function () ',
        '  Private:',
        '    helper: function (x, y = NULL) ',
        '    step_helper: function (closure, loop_fun)',
    ])
    # active bindings (properties) print as R6 prints them
    optim_active = rt.optimizer("optim_active", inherit=optim_mine, active={"doubled": lambda self: 2})
    assert "    doubled: active binding" in repr(optim_active([rt.torch_zeros(1, requires_grad=True)]))
    # inheriting from a built-in optimizer names it as the parent
    optim_adam2 = rt.optimizer("optim_adam2", inherit=rt.optim_adam)
    assert repr(optim_adam2([rt.torch_zeros(1, requires_grad=True)])).splitlines()[:2] == [
        "<optim_adam2>", "  Inherits from: <optim_adam>"]


def test_r_number_format() -> None:
    cases = {0.001: "0.001", 1e-8: "1e-08", 1e-4: "1e-04", 0.01: "0.01", 1e6: "1e+06", 100000: "1e+05",
             10000: "10000", 20: "20", 0.9: "0.9", 0.999: "0.999", -1: "-1", 0: "0", 1 / 3: "0.333333333333333",
             123456.5: "123456.5", 1e-300: "1e-300", float("inf"): "Inf"}
    for value, text in cases.items():
        assert r_num(value) == text, value


def test_deparse_breaks_after_sixty_characters() -> None:
    def f(self, aaaaaaaaaa=1, bbbbbbbbbb=2, cccccccccc=3, dddddddddd=4, eeeeeeeeee=5):  # noqa: ANN001, ANN202
        pass

    # "function (" + three args reaches 52 chars; the fourth takes it past 60, so the line breaks after it
    assert deparse_signature(f.__get__(object())) == (
        "function (aaaaaaaaaa = 1, bbbbbbbbbb = 2, cccccccccc = 3, dddddddddd = 4, ")

    def g(self, *args, flag=True, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        pass

    # *args is R's ...; keyword-only parameters and **kwargs are Python-side and not part of the R formals
    assert deparse_signature(g.__get__(object())) == "function (...) "
