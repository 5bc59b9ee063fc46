"""Expected values of tests/conformance/nn.R: ``expect()`` gives one entry per emitted name, in the script's
order (tests/bridge/test_conformance.py runs the script both ways and compares)."""

from __future__ import annotations

from typing import Any

from conformance_util import TLIST, D, E, I, L, S, T

import rtorch_py as rt
from rtorch_py import nn, optim


def _block_initialize(self: Any, d_in: int, d_out: int) -> None:
    self.fc = nn.nn_linear(d_in, d_out)
    self.scale = nn.nn_parameter(rt.torch_ones(d_out))
    self.calls = 0.0


def _block_forward(self: Any, x: rt.Tensor) -> rt.Tensor:
    self.calls = self.calls + 1
    return self.fc(x) * self.scale


def _res_initialize(self: Any, d: int) -> None:
    self.super.initialize(d, d)
    self.shift = nn.nn_buffer(rt.torch_zeros(d) + 0.5)


def _net_initialize(self: Any, d_in: int, hidden: int, n_classes: int) -> None:
    self.body = nn.nn_sequential(Block(d_in, hidden), nn.nn_relu(), ResBlock(hidden))
    self.head = nn.nn_linear(hidden, n_classes)


Block = nn.nn_module("Block", initialize=_block_initialize, forward=_block_forward)
ResBlock = nn.nn_module("ResBlock", inherit=Block, initialize=_res_initialize,
                        forward=lambda self, x: x + rt.torch_tanh(self.super.forward(x)) - self.shift)
Net = nn.nn_module("Net", initialize=_net_initialize, forward=lambda self, x: self.head(self.body(x)))


def expect() -> dict[str, Any]:
    out: dict[str, Any] = {}
    rt.torch_manual_seed(11)
    model = Net(4.0, 8.0, 3.0)
    x = rt.torch_randn(16.0, 4.0)
    y = rt.torch_randint(1.0, 4.0, size=16.0, dtype=rt.torch_long())
    out["init_params"] = TLIST(model.parameters)
    out["class"] = S("Net", "nn_module")
    out["child_class"] = S("ResBlock", "Block", "nn_module")  # R torch: each inherited class
    out["n_children"] = I(len(model), len(model.body))
    out["param_names"] = S(*model.parameters)
    out["buffer_names"] = S(*model.buffers)
    out["state_dict_names"] = S(*model.state_dict())
    out["describe"] = S(f"ResBlock with {len(model.body[2].parameters)} parameters")
    out["forward"] = T(model(x))
    out["pipe"] = T(rt.torch_sum(model.body(x), dim=2))
    opt = optim.optim_adam(model.parameters, lr=0.01)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = nn.nnf_cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    out["losses"] = D(*losses)
    out["trained_params"] = TLIST(model.parameters)
    out["grads"] = TLIST({k: v.grad for k, v in model.parameters.items()})
    out["calls"] = D(model.body[0].calls, model.body[2].calls)
    model.eval()
    out["training_flags"] = L(model.training, model.body.training, model.body[0].training)
    model.train()
    out["training_again"] = L(model.body[2].training)
    model.zero_grad()
    out["grad_after_zero_grad"] = T(model.head.bias.grad)

    rt.torch_manual_seed(5)
    seq_model = nn.nn_sequential(nn.nn_linear(3, 6), nn.nn_tanh(), nn.nn_linear(6, 1))
    xs = rt.torch_randn(20, 3)
    ys = xs.sum(dim=2, keepdim=True)
    opt = optim.optim_adam(seq_model.parameters, lr=0.05)
    for _ in range(4):
        opt.zero_grad()
        loss = nn.nnf_mse_loss(seq_model(xs), ys)
        loss.backward()
        opt.step()
    out["seq_params"] = TLIST(seq_model.parameters)

    rt.torch_manual_seed(2)
    logits = rt.torch_randn(5, 4, requires_grad=True)
    target = rt.torch_tensor([1, 4, 2, 2, 3])
    ce, nll = nn.nnf_cross_entropy, nn.nnf_nll_loss
    out |= {
        "ce": T(ce(logits, target)),
        "ce_none": T(ce(logits, target, reduction="none")),
        "ce_weight": T(ce(logits, target, weight=rt.torch_tensor([1.0, 2, 0.5, 1]))),
        "ce_ignore": T(ce(logits, target, ignore_index=2.0)),
        "ce_smoothing": T(ce(logits, target, label_smoothing=0.1)),
        "nll": T(nll(nn.nnf_log_softmax(logits, dim=2), target)),
        "nll_ignore_sum": T(nll(nn.nnf_log_softmax(logits, 2), target, ignore_index=4.0, reduction="sum")),
        "ce_module_ignore": T(nn.nn_cross_entropy_loss(ignore_index=1.0)(logits, target)),
        "nll_module": T(nn.nn_nll_loss(reduction="none")(rt.torch_log_softmax(logits, 2), target)),
        "multi_margin": T(nn.nnf_multi_margin_loss(logits, target)),
    }
    images = rt.torch_randn(2, 3, 2, 2)
    pixels = rt.torch_randint(1.0, 4.0, [2.0, 2.0, 2.0], dtype=rt.torch_long())
    out["ce_spatial"] = T(ce(images, pixels))
    ce(logits, target, ignore_index=4.0).backward()
    out["ce_grad"] = T(logits.grad)
    out["ce_target0"] = E(lambda: ce(logits, rt.torch_tensor([0, 1, 1, 1, 1])))
    out["ce_target_high"] = E(lambda: ce(logits, rt.torch_tensor([5, 1, 1, 1, 1])))
    out["nll_target0"] = E(lambda: nll(logits, rt.torch_tensor([1, 0, 1, 1, 1])))
    return out
