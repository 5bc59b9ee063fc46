"""Expected values of tests/conformance/errors.R: ``expect()`` gives one entry per emitted name, in the script's
order (tests/bridge/test_conformance.py runs the script both ways and compares)."""

from __future__ import annotations

from typing import Any

from conformance_util import D, E, L, S, T

import rtorch_py as rt
from rtorch_py import nn, optim


def expect() -> dict[str, Any]:
    x = rt.torch_ones(2, 3)

    def err(message: str) -> dict:
        return {"r": "error", "message": message}

    def set_parameters() -> None:
        nn.nn_linear(1, 1).parameters = {}

    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = nn.nnf_mse_loss(rt.torch_ones(3, 1), rt.torch_ones(3))
    return {
        "broadcast": E(lambda: x + rt.torch_ones(4)),
        "mm_shapes": E(lambda: x.mm(rt.torch_ones(2, 2))),
        "matmul_shapes": E(lambda: rt.torch_matmul(x, rt.torch_ones(4))),
        "view": E(lambda: x.view([4.0, 2.0])),
        "cat_shapes": E(lambda: rt.torch_cat([x, rt.torch_ones(2, 2)], dim=1)),
        "requires_grad_long": E(lambda: rt.torch_tensor([1, 2, 3], requires_grad=True)),
        "backward_no_grad": E(lambda: x.sum().backward()),
        "linear_shapes": E(lambda: nn.nn_linear(4, 2)(x)),
        "invalid_lr": E(lambda: optim.optim_adam([rt.torch_ones(1, requires_grad=True)], lr=-0.5)),
        "invalid_momentum": E(lambda: optim.optim_sgd([rt.torch_ones(1, requires_grad=True)], lr=0.1,
                                                      momentum=-1.0)),
        "reshape": E(lambda: rt.torch_reshape(x, [5.0, -1.0])),
        "unknown_reduction": E(lambda: nn.nnf_mse_loss(x, x, reduction="average")),
        "parameters_read_only": E(set_parameters),
        "factor": err("factors are not supported by torch: convert with as.integer() or as.character() first"),
        "index_zero": err("Indexing starts at 1 but found a 0."),
        "dim_zero": E(lambda: x.sum(dim=0)),
        "after_errors": T((x * 2.0).sum()),
        "trycatch": S("caught"),
        "try": L(True),
        "condition_is_error": L(True),
        "message_via_condition": S(E(lambda: x.mm(x))["message"]),
        "r_error_in_forward": err("forward failed: 3x2"),
        "r_error_in_sequential": err("forward failed: 1x2"),
        "r_error_in_closure": err("closure failed"),
        "r_error_in_lr_lambda": err("lambda failed at 1"),
        "r_error_in_hook": err("hook failed"),
        "r_error_in_backward": err("custom backward failed"),
        "python_error_in_r_callback": E(lambda: nn.nn_linear(2, 1).weight.mm(rt.torch_ones(5, 5))),
        "still_fine": D(2.0),
        "warning_message": S(*[str(w.message) for w in caught]),
        "warning_value": T(value),
    }
