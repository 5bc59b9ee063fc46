"""The one argument-check module (rtorch_py/_check.py): one wording ("<fn>: argument '<arg>' must be <what>, got
<value>"), TypeError for a wrong type, ValueError for a wrong value; adopted by nn/ and optim/."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import _check


def test_checks_return_converted_values() -> None:
    assert _check.number(2, "f", "x") == 2.0 and isinstance(_check.number(2, "f", "x"), float)
    assert _check.number(np.float32(0.5), "f", "x") == 0.5
    assert _check.number(rt.torch_tensor(3.5), "f", "x") == 3.5  # an R length-1 vector / 0-d tensor
    assert _check.integer(4.0, "f", "n") == 4 and _check.integer(np.array([7]), "f", "n") == 7
    assert _check.flag(np.bool_(True), "f", "b") is True
    assert _check.choice(["rel", "abs"], "f", "mode", ("rel", "abs")) == "rel"  # R's c(...) default
    assert _check.reduction(("sum", "mean"), "f") == "sum"
    assert _check.dtype("float64", "f") is rt.torch_float64()
    x = rt.torch_ones(2)
    assert _check.tensor(x, "f", "x") is x and _check.floating(x, "f", "x") is x


@pytest.mark.parametrize(("call", "kind", "message"), [
    (lambda: _check.number("a", "optim_adam", "lr"), TypeError,
     "optim_adam: argument 'lr' must be a number, got \"a\""),
    (lambda: _check.number(True, "f", "lr"), TypeError, "f: argument 'lr' must be a number, got TRUE"),
    (lambda: _check.number(None, "f", "lr"), TypeError, "f: argument 'lr' must be a number, got NULL"),
    (lambda: _check.number(rt.torch_ones(2), "f", "lr"), TypeError,
     r"f: argument 'lr' must be a number, got a Float tensor of shape \[2\]"),
    (lambda: _check.number(2, "nn_dropout", "p", min=0, max=1), ValueError,
     r"nn_dropout: argument 'p' must be in \[0, 1\], got 2"),
    (lambda: _check.integer(2.5, "nn_linear", "in_features"), TypeError,
     "nn_linear: argument 'in_features' must be a whole number, got 2.5"),
    (lambda: _check.integer(0, "f", "n", min=1), ValueError, r"f: argument 'n' must be in \[1, Inf\], got 0"),
    (lambda: _check.flag(1, "f", "inplace"), TypeError, "f: argument 'inplace' must be TRUE or FALSE, got 1"),
    (lambda: _check.choice("up", "f", "mode", ("min", "max")), ValueError,
     "f: argument 'mode' must be one of \"min\", \"max\", got \"up\""),
    (lambda: _check.choice(3, "f", "mode", ("min", "max")), TypeError, "must be one of"),
    (lambda: _check.reduction("avg", "nnf_l1_loss"), ValueError,
     "nnf_l1_loss: 'avg' is not a valid value for reduction"),
    (lambda: _check.tensor([1], "f", "input"), TypeError,
     "f: argument 'input' must be a torch_tensor, got an object of class list"),
    (lambda: _check.floating(rt.torch_ones(2, dtype=rt.torch_long()), "f", "input"), TypeError,
     r"f: argument 'input' must be a floating point tensor, got a Long tensor of shape \[2\]"),
    (lambda: _check.dtype("complex999", "f"), TypeError, "f: argument 'dtype' must be a torch_dtype"),
])
def test_one_wording_and_one_policy(call: object, kind: type, message: str) -> None:
    with pytest.raises(kind, match=message):
        call()  # type: ignore[operator]


def _p() -> list:
    return [rt.torch_zeros(2, requires_grad=True)]


@pytest.mark.parametrize(("call", "kind", "message"), [
    (lambda: rt.optim_adam(_p(), lr="a"), TypeError, "optim_adam: argument 'lr' must be a number, got \"a\""),
    (lambda: rt.optim_adam(_p(), betas=0.9), TypeError, "optim_adam: argument 'betas' must be 2 numbers, got 0.9"),
    (lambda: rt.optim_adam(_p(), betas=(0.9, "x")), TypeError, "optim_adam: argument 'betas' must be a number"),
    (lambda: rt.optim_adamw(_p(), weight_decay=[1]), TypeError, "optim_adamw: argument 'weight_decay' must be"),
    (lambda: rt.optim_sgd(_p(), lr=0.1, momentum="x"), TypeError, "optim_sgd: argument 'momentum' must be"),
    (lambda: rt.optim_sgd(_p(), lr=0.1, nesterov="yes"), TypeError, "optim_sgd: argument 'nesterov' must be TRUE"),
    (lambda: rt.optim_adadelta(_p(), rho=None), TypeError, "optim_adadelta: argument 'rho' must be a number"),
    (lambda: rt.optim_rprop(_p(), etas=(0.5, "a")), TypeError, "optim_rprop: argument 'etas' must be a number"),
    (lambda: rt.optim_rmsprop(_p(), centered=1), TypeError, "optim_rmsprop: argument 'centered' must be TRUE"),
    (lambda: rt.optim_lbfgs(_p(), max_iter=2.5), TypeError, "optim_lbfgs: argument 'max_iter' must be a whole"),
    (lambda: rt.lr_step(rt.optim_sgd(_p(), lr=1), step_size=0), ValueError, "lr_step: argument 'step_size' must be"),
    (lambda: rt.lr_reduce_on_plateau(rt.optim_sgd(_p(), lr=1), factor="half"), TypeError,
     "lr_reduce_on_plateau: argument 'factor' must be a number"),
    (lambda: rt.nn_conv2d("3", 4, 3), TypeError,
     "nn_conv2d: argument 'in_channels' must be a whole number"),
    (lambda: rt.nn_dropout(p="a"), TypeError, "nn_dropout: argument 'p' must be a number"),
    (lambda: rt.nn_hardtanh(min_val="a"), TypeError, "nn_hardtanh: argument 'min_val' must be a number"),
    (lambda: rt.nn_gru(2, "h"), TypeError, "nn_gru: argument 'hidden_size' must be a whole number"),
    (lambda: rt.nn_batch_norm1d(3)([1, 2]), TypeError, "nn_batch_norm1d: argument 'input' must be a torch_tensor"),
    (lambda: rt.nn_init_normal_(rt.torch_ones(2, dtype=rt.torch_long())), TypeError,
     "argument 'tensor' must be a floating point tensor"),
    (lambda: rt.nn_utils_clip_grad_norm_(rt.nn_linear(2, 1).parameters, "1"), TypeError,
     "nn_utils_clip_grad_norm_: argument 'max_norm' must be a number"),
    (lambda: rt.nn_parameter(np.ones(2)), TypeError, "nn_parameter: argument 'x' must be a torch_tensor"),
])
def test_nn_and_optim_name_the_wrong_argument(call: object, kind: type, message: str) -> None:
    with pytest.raises(kind, match=message):
        call()  # type: ignore[operator]


def test_the_old_r_torch_wordings_stay() -> None:
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        rt.optim_adam(_p(), lr=-1)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 2"):
        rt.nn_dropout(p=2)
