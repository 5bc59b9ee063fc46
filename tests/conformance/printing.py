"""Expected values of tests/conformance/printing.R: ``expect()`` gives one entry per emitted name, in the script's
order (tests/bridge/test_conformance.py runs the script both ways and compares)."""

from __future__ import annotations

import math
from typing import Any

from conformance_util import P, S

import rtorch_py as rt
from rtorch_py import nn, optim
from rtorch_py.bridge.rsemantics import r_format


def r_list_print(d: dict[str, Any]) -> str:
    """What R's print() of a named list of tensors writes: ``$name`` (backquoted when not syntactic), the
    element's print, a blank line."""
    import re

    def label(name: str) -> str:
        return name if re.fullmatch(r"[A-Za-z.][A-Za-z0-9._]*", name) and not re.match(r"\.[0-9]", name) \
            else f"`{name}`"

    return "".join(f"${label(k)}\n{r_format(v)}\n" for k, v in d.items())


def _printing_net_initialize(self: Any) -> None:
    self.conv = nn.nn_conv2d(1, 4, 3)
    self.fc = nn.nn_linear(16, 2)
    self.w = nn.nn_parameter(rt.torch_zeros(5))
    self.running = nn.nn_buffer(rt.torch_ones(3, 2))


def expect() -> dict[str, Any]:
    out: dict[str, Any] = {}
    rt.torch_manual_seed(9)
    t = rt.torch_tensor
    out |= {
        "float_2d": P(rt.torch_randn(3, 4)),
        "float_1d": P(t([1.5, -2, 3.25])),
        "float_0d": P(rt.torch_scalar_tensor(3.14159)),
        "float_3d": P(rt.torch_randn(2, 3, 2)),
        "float_4d": P(rt.torch_arange(1.0, 24.0).view([2, 2, 3, 2])),
        "float_scale": P(t([12345.678, 0.001, -5])),
        "float_small": P(t([1e-5, 2e-6, -3e-5])),
        "float_ints": P(t([1.0, 2, 300])),
        "float_special": P(t([1.0, math.nan, math.inf, -math.inf])),
        "double": P(rt.torch_randn(2, 2, dtype=rt.torch_double())),
        "long": P(t([[1, 300], [-20, 4]])),
        "int32": P(t([1, 2, 3], dtype=rt.torch_int())),
        "bool": P(t([True, False, True])),
        "uint8": P(t([1.0, 255], dtype=rt.torch_uint8())),
        "half": P(t([0.5, 1.25], dtype=rt.torch_half())),
        "empty": P(rt.torch_zeros(0)),
        "empty_2d": P(rt.torch_zeros(2, 0)),
        "long_vector": P(rt.torch_randn(100)),
        "long_vector_n": P(rt.torch_randn(50), 5),
        "long_vector_all": P(rt.torch_arange(1.0, 40.0), -1),
        "wide": P(rt.torch_randn(2, 30)),
        "requires_grad": P(t([1.0, 2], requires_grad=True)),
        "grad_fn_tensor": P(t([1.0, 2], requires_grad=True) * 2.0),
        "requires_grad_option": P(t([1.0, 2], requires_grad=True), 30, True),
        "grad_fn_option": P(t([1.0, 2], requires_grad=True) * 2.0, 30, True),
        "grad_fn": P((t([1.0, 2], requires_grad=True) * 2.0).grad_fn),
        "grad_fn_sum": P(rt.torch_ones(2, requires_grad=True).sum().grad_fn),
        "dtypes": S(*[r_format(d) for d in (rt.torch_float(), rt.torch_long(), rt.torch_bool(), rt.torch_float64())]),
    }
    rt.torch_manual_seed(10)
    lin = nn.nn_linear(3, 2)
    seq = nn.nn_sequential(nn.nn_linear(2, 3), nn.nn_relu(), nn.nn_linear(3, 1))
    out["parameters_linear"] = S(r_list_print(lin.parameters))
    out["parameters_sequential"] = S(r_list_print(seq.parameters))
    out["module_linear"] = P(lin)
    out["module_sequential"] = P(seq)
    net_class = nn.nn_module("Net", initialize=_printing_net_initialize, forward=lambda self, x: self.fc(x))
    out["module_r_defined"] = P(net_class())
    out["module_generator"] = P(net_class)
    out["module_relu"] = P(nn.nn_relu())
    out["module_dropout"] = P(nn.nn_dropout(0.3))
    opt_adam = optim.optim_adam(lin.parameters, lr=0.01)
    out["optimizer_adam"] = P(opt_adam)
    out["optimizer_sgd"] = P(optim.optim_sgd(lin.parameters, lr=0.1, momentum=0.9))
    out["scheduler"] = P(optim.lr_step(opt_adam, step_size=2.0))
    assert opt_adam.step() is None
    out["step_null"] = S("NULL\n")
    return out
