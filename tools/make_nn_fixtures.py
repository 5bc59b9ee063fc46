"""Write tests/fixtures/nn_*.json from PyTorch 2.13 (development-only oracle; the test suite never imports torch).

Each case names the rtorch_py call (R names, R's 1-based conventions) and the equivalent PyTorch call; layers are
built right after ``manual_seed(seed)`` on both sides, so their initial weights must agree bit for bit (checked
too). Inputs come from numpy, outputs are contracted with a stored random cotangent, and the fixture keeps the
outputs, the gradients of every floating input and every parameter, and the buffers after the forward pass.

    .venv/bin/python tools/make_nn_fixtures.py
"""

from __future__ import annotations

import base64
import json
import math
import re
import warnings
import zlib
from typing import Any

import numpy as np
import torch
import torch.nn as tnn
import torch.nn.functional as TF
from _fixture_util import FIXTURES

torch.set_num_threads(1)
warnings.filterwarnings("ignore")  # PyTorch's deprecation notes (3-D dropout2d, 'same' padding copies)


def enc(a: np.ndarray) -> dict:
    a = np.array(a, order="C")  # (ascontiguousarray would turn a 0-d array into 1-d)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "b64": base64.b64encode(a.tobytes()).decode()}


def flat_outputs(y: Any) -> list:
    if isinstance(y, torch.Tensor):
        return [y]
    out = []
    for v in y:
        out += flat_outputs(v)
    return out


class Case:
    def __init__(self, name: str, r_call: str, r_args: list, r_kwargs: dict, torch_fn: Any, inputs: dict,
                 kind: str = "module", seed: int = 0, train: bool = True, forward_kwargs: dict | None = None,
                 tol: float = 1e-5, torch_inputs: dict | None = None, one_based_outputs: bool = False) -> None:
        self.__dict__.update(locals())
        del self.__dict__["self"]


def rnd(*shape: int, seed: int = 0, scale: float = 1.0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


def r_name(name: str) -> str:
    """R torch's name of a parameter: recurrent layers are numbered from 1 (weight_ih_l0 -> weight_ih_l1)."""
    return re.sub(r"_l(\d+)", lambda m: f"_l{int(m.group(1)) + 1}", name)


def run_case(c: Case) -> dict:
    rng = np.random.default_rng(zlib.crc32(c.name.encode()))
    tin = {}
    for k, v in c.inputs.items():
        src = (c.torch_inputs or {}).get(k, v)
        t = torch.tensor(src)
        if t.is_floating_point():
            t.requires_grad_(True)
        tin[k] = t
    torch.manual_seed(c.seed)
    params0 = {}
    if c.kind == "module":
        mod = c.torch_fn()
        params0 = {r_name(n): p.detach().numpy().copy() for n, p in mod.named_parameters()}
        if not c.train:
            mod.eval()
        args = [tin[k] for k in c.inputs]
        y = mod(*args, **(c.forward_kwargs or {}))
    else:
        mod = None
        y = c.torch_fn(**tin)
    outs = flat_outputs(y)
    cots = []
    loss = 0
    for o in outs:
        if o.is_floating_point() and o.requires_grad:
            cot = torch.tensor(rng.standard_normal(tuple(o.shape)).astype(np.float32)).to(o.dtype)
            cots.append(enc(cot.numpy()))
            loss = loss + (o * cot).sum()
        else:
            cots.append(None)
    if isinstance(loss, torch.Tensor):
        loss.backward()
    rec = {
        "name": c.name, "kind": c.kind, "call": c.r_call, "args": c.r_args, "kwargs": c.r_kwargs, "seed": c.seed,
        "train": c.train, "tol": c.tol, "forward_kwargs": c.forward_kwargs or {},
        "inputs": {k: enc(np.asarray(v)) for k, v in c.inputs.items()},
        # Returned indices are 1-based on the R side.
        "outputs": [enc(o.detach().numpy() + (1 if c.one_based_outputs and not o.is_floating_point() else 0))
                    for o in outs], "cotangents": cots,
        "input_grads": {k: enc(t.grad.numpy()) for k, t in tin.items() if t.grad is not None},
    }
    if mod is not None:
        rec["params0"] = {n: enc(v) for n, v in params0.items()}
        rec["param_grads"] = {r_name(n): enc(p.grad.numpy()) for n, p in mod.named_parameters()
                              if p.grad is not None}
        rec["buffers"] = {n: enc(b.numpy()) for n, b in mod.named_buffers()}
    return rec


def S(name: str, r_call: str, r_args: list, r_kwargs: dict, torch_fn: Any, inputs: dict, **kw: Any) -> Case:
    return Case(name, r_call, r_args, r_kwargs, torch_fn, inputs, **kw)


def layer_cases() -> list[Case]:
    x45 = rnd(4, 5, seed=1)
    cs = [
        S("linear", "nn_linear", [5, 3], {}, lambda: tnn.Linear(5, 3), {"x": x45}, seed=1),
        S("linear_3d_nobias", "nn_linear", [5, 3], {"bias": False}, lambda: tnn.Linear(5, 3, bias=False),
          {"x": rnd(2, 3, 5, seed=2)}, seed=2),
        S("bilinear", "nn_bilinear", [3, 4, 5], {}, lambda: tnn.Bilinear(3, 4, 5),
          {"x1": rnd(2, 3, seed=3), "x2": rnd(2, 4, seed=4)}, seed=3),
        S("identity", "nn_identity", [], {}, lambda: tnn.Identity(), {"x": x45}),
        S("flatten", "nn_flatten", [], {}, lambda: tnn.Flatten(), {"x": rnd(2, 3, 4, seed=5)}),
        S("flatten_1_2", "nn_flatten", [1, 2], {}, lambda: tnn.Flatten(0, 1), {"x": rnd(2, 3, 4, seed=5)}),
        S("unflatten", "nn_unflatten", [2, [3, 4]], {}, lambda: tnn.Unflatten(1, (3, 4)), {"x": rnd(2, 12, seed=6)}),
        S("dropout", "nn_dropout", [0.3], {}, lambda: tnn.Dropout(0.3), {"x": rnd(4, 10, seed=7)}, seed=11),
        S("dropout_eval", "nn_dropout", [0.3], {}, lambda: tnn.Dropout(0.3), {"x": rnd(4, 10, seed=7)},
          train=False),
        S("dropout2d", "nn_dropout2d", [0.5], {}, lambda: tnn.Dropout2d(0.5), {"x": rnd(2, 6, 3, 3, seed=8)},
          seed=12),
        S("dropout3d", "nn_dropout3d", [0.4], {}, lambda: tnn.Dropout3d(0.4), {"x": rnd(2, 4, 2, 2, 2, seed=9)},
          seed=13),
        S("alpha_dropout", "nn_alpha_dropout", [0.2], {}, lambda: tnn.AlphaDropout(0.2), {"x": rnd(3, 7, seed=10)},
          seed=14),
        S("batch_norm1d_train", "nn_batch_norm1d", [3], {}, lambda: tnn.BatchNorm1d(3), {"x": rnd(8, 3, seed=11)}),
        S("batch_norm1d_3d", "nn_batch_norm1d", [3], {"momentum": 0.3}, lambda: tnn.BatchNorm1d(3, momentum=0.3),
          {"x": rnd(4, 3, 5, seed=12)}),
        S("batch_norm1d_eval", "nn_batch_norm1d", [3], {}, lambda: tnn.BatchNorm1d(3), {"x": rnd(8, 3, seed=11)},
          train=False),
        S("batch_norm1d_cumulative", "nn_batch_norm1d", [3], {"momentum": None},
          lambda: tnn.BatchNorm1d(3, momentum=None), {"x": rnd(6, 3, seed=13)}),
        S("batch_norm1d_noaffine_nostats", "nn_batch_norm1d", [3], {"affine": False, "track_running_stats": False},
          lambda: tnn.BatchNorm1d(3, affine=False, track_running_stats=False), {"x": rnd(6, 3, seed=14)}),
        S("batch_norm2d", "nn_batch_norm2d", [4], {}, lambda: tnn.BatchNorm2d(4), {"x": rnd(2, 4, 3, 3, seed=15)}),
        S("batch_norm3d", "nn_batch_norm3d", [2], {}, lambda: tnn.BatchNorm3d(2),
          {"x": rnd(2, 2, 2, 3, 3, seed=16)}),
        S("layer_norm", "nn_layer_norm", [5], {}, lambda: tnn.LayerNorm(5), {"x": rnd(3, 5, seed=17)}),
        S("layer_norm_2d", "nn_layer_norm", [[4, 5]], {"eps": 1e-3}, lambda: tnn.LayerNorm((4, 5), eps=1e-3),
          {"x": rnd(2, 4, 5, seed=18)}),
        S("group_norm", "nn_group_norm", [2, 4], {}, lambda: tnn.GroupNorm(2, 4), {"x": rnd(3, 4, 5, seed=19)}),
        S("group_norm_4d", "nn_group_norm", [3, 6], {"eps": 1e-3}, lambda: tnn.GroupNorm(3, 6, eps=1e-3),
          {"x": rnd(2, 6, 2, 3, seed=20)}),
    ]
    idx = np.array([[1, 2, 4, 5], [4, 3, 2, 10]], dtype=np.int64)
    cs += [
        S("embedding", "nn_embedding", [10, 3], {}, lambda: tnn.Embedding(10, 3), {"idx": idx},
          torch_inputs={"idx": idx - 1}, seed=21),
        S("embedding_padding", "nn_embedding", [10, 3], {"padding_idx": 4}, lambda: tnn.Embedding(10, 3, padding_idx=3),
          {"idx": idx}, torch_inputs={"idx": idx - 1}, seed=22),
        S("embedding_scale_freq", "nn_embedding", [10, 3], {"scale_grad_by_freq": True},
          lambda: tnn.Embedding(10, 3, scale_grad_by_freq=True), {"idx": idx}, torch_inputs={"idx": idx - 1},
          seed=23),
        S("embedding_max_norm", "nn_embedding", [10, 3], {"max_norm": 1.0}, lambda: tnn.Embedding(10, 3, max_norm=1.0),
          {"idx": idx}, torch_inputs={"idx": idx - 1}, seed=24),
    ]
    cs += [
        S("conv1d", "nn_conv1d", [3, 4, 3], {}, lambda: tnn.Conv1d(3, 4, 3), {"x": rnd(2, 3, 10, seed=30)}, seed=30),
        S("conv1d_opts", "nn_conv1d", [4, 6, 3], {"stride": 2, "padding": 1, "dilation": 2, "groups": 2},
          lambda: tnn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2), {"x": rnd(2, 4, 11, seed=31)},
          seed=31),
        S("conv1d_unbatched", "nn_conv1d", [3, 2, 2], {}, lambda: tnn.Conv1d(3, 2, 2), {"x": rnd(3, 6, seed=32)},
          seed=32),
        S("conv2d", "nn_conv2d", [3, 4, 3], {}, lambda: tnn.Conv2d(3, 4, 3), {"x": rnd(2, 3, 7, 6, seed=33)},
          seed=33),
        S("conv2d_opts", "nn_conv2d", [4, 6, [3, 2]], {"stride": [2, 1], "padding": [1, 2], "dilation": [1, 2],
                                                       "groups": 2},
          lambda: tnn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
          {"x": rnd(2, 4, 7, 8, seed=34)}, seed=34),
        S("conv2d_same", "nn_conv2d", [2, 3, 4], {"padding": "same", "bias": False},
          lambda: tnn.Conv2d(2, 3, 4, padding="same", bias=False), {"x": rnd(1, 2, 6, 5, seed=35)}, seed=35),
        S("conv2d_depthwise", "nn_conv2d", [3, 6, 3], {"groups": 3, "padding": 1},
          lambda: tnn.Conv2d(3, 6, 3, groups=3, padding=1), {"x": rnd(2, 3, 5, 5, seed=36)}, seed=36),
        S("conv2d_stride_big", "nn_conv2d", [2, 3, 3], {"stride": 3}, lambda: tnn.Conv2d(2, 3, 3, stride=3),
          {"x": rnd(2, 2, 10, 11, seed=43)}, seed=43),
    ]
    for mode in ("reflect", "replicate", "circular"):
        cs.append(S(f"conv2d_{mode}", "nn_conv2d", [2, 3, 3], {"padding": [1, 2], "padding_mode": mode},
                    lambda mode=mode: tnn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode=mode),
                    {"x": rnd(2, 2, 5, 6, seed=37)}, seed=37))
    cs += [
        S("conv_transpose2d", "nn_conv_transpose2d", [4, 3, 3], {}, lambda: tnn.ConvTranspose2d(4, 3, 3),
          {"x": rnd(2, 4, 5, 5, seed=38)}, seed=38),
        S("conv_transpose2d_opts", "nn_conv_transpose2d", [4, 6, [3, 2]],
          {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2, "dilation": [2, 1]},
          lambda: tnn.ConvTranspose2d(4, 6, (3, 2), stride=2, padding=1, output_padding=1, groups=2,
                                      dilation=(2, 1)),
          {"x": rnd(2, 4, 4, 5, seed=39)}, seed=39),
        S("conv_transpose1d", "nn_conv_transpose1d", [3, 2, 4], {"stride": 3, "padding": 1},
          lambda: tnn.ConvTranspose1d(3, 2, 4, stride=3, padding=1), {"x": rnd(2, 3, 5, seed=40)}, seed=40),
    ]
    xp = rnd(2, 3, 7, 7, seed=41)
    cs += [
        S("max_pool1d", "nn_max_pool1d", [3], {}, lambda: tnn.MaxPool1d(3), {"x": rnd(2, 3, 10, seed=42)}),
        S("max_pool1d_opts", "nn_max_pool1d", [3], {"stride": 2, "padding": 1, "ceil_mode": True},
          lambda: tnn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True), {"x": rnd(2, 3, 10, seed=42)}),
        S("max_pool2d", "nn_max_pool2d", [2], {}, lambda: tnn.MaxPool2d(2), {"x": xp[:, :, :6, :6].copy()}),
        S("max_pool2d_opts", "nn_max_pool2d", [3], {"stride": 2, "padding": 1, "ceil_mode": True},
          lambda: tnn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), {"x": xp}),
        S("max_pool2d_dilation", "nn_max_pool2d", [[2, 3]], {"stride": [1, 2], "dilation": 2},
          lambda: tnn.MaxPool2d((2, 3), stride=(1, 2), dilation=2), {"x": xp}),
        S("max_pool2d_overlap_ties", "nn_max_pool2d", [3], {"stride": 1},
          lambda: tnn.MaxPool2d(3, stride=1), {"x": np.round(xp * 2) / 2}),
        S("avg_pool1d", "nn_avg_pool1d", [3], {"stride": 2, "padding": 1, "ceil_mode": True,
                                               "count_include_pad": False},
          lambda: tnn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
          {"x": rnd(2, 3, 10, seed=44)}),
        S("avg_pool2d", "nn_avg_pool2d", [2], {}, lambda: tnn.AvgPool2d(2), {"x": xp}),
        S("avg_pool2d_opts", "nn_avg_pool2d", [3], {"stride": 2, "padding": 1, "ceil_mode": True,
                                                    "count_include_pad": False},
          lambda: tnn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), {"x": xp}),
        S("avg_pool2d_include_pad_ceil", "nn_avg_pool2d", [[3, 2]], {"stride": 2, "padding": 1, "ceil_mode": True},
          lambda: tnn.AvgPool2d((3, 2), stride=2, padding=1, ceil_mode=True), {"x": xp}),
        S("avg_pool2d_divisor", "nn_avg_pool2d", [2], {"divisor_override": 3},
          lambda: tnn.AvgPool2d(2, divisor_override=3), {"x": xp}),
        S("adaptive_avg_pool1d", "nn_adaptive_avg_pool1d", [4], {}, lambda: tnn.AdaptiveAvgPool1d(4),
          {"x": rnd(2, 3, 10, seed=45)}),
        S("adaptive_avg_pool2d", "nn_adaptive_avg_pool2d", [[3, 2]], {}, lambda: tnn.AdaptiveAvgPool2d((3, 2)),
          {"x": rnd(2, 3, 7, 5, seed=46)}),
        S("adaptive_avg_pool2d_1", "nn_adaptive_avg_pool2d", [1], {}, lambda: tnn.AdaptiveAvgPool2d(1),
          {"x": rnd(2, 3, 4, 5, seed=47)}),
        S("adaptive_max_pool1d", "nn_adaptive_max_pool1d", [3], {}, lambda: tnn.AdaptiveMaxPool1d(3),
          {"x": rnd(2, 3, 10, seed=48)}),
        S("adaptive_max_pool2d", "nn_adaptive_max_pool2d", [[3, 2]], {}, lambda: tnn.AdaptiveMaxPool2d((3, 2)),
          {"x": rnd(2, 3, 7, 5, seed=49)}),
    ]
    xs = rnd(6, 2, 4, seed=50)
    cs += [
        S("rnn", "nn_rnn", [4, 5], {}, lambda: tnn.RNN(4, 5), {"x": xs}, seed=50),
        S("rnn_relu_deep_bi", "nn_rnn", [4, 5], {"num_layers": 2, "nonlinearity": "relu", "bidirectional": True,
                                                "batch_first": True},
          lambda: tnn.RNN(4, 5, num_layers=2, nonlinearity="relu", bidirectional=True, batch_first=True),
          {"x": rnd(2, 6, 4, seed=51)}, seed=51),
        S("rnn_hx", "nn_rnn", [4, 5], {"num_layers": 2}, lambda: tnn.RNN(4, 5, num_layers=2),
          {"x": xs, "h0": rnd(2, 2, 5, seed=52)}, seed=52),
        S("lstm", "nn_lstm", [4, 5], {}, lambda: tnn.LSTM(4, 5), {"x": xs}, seed=53),
        S("lstm_deep_bi_dropout", "nn_lstm", [4, 5], {"num_layers": 2, "bidirectional": True, "dropout": 0.3},
          lambda: tnn.LSTM(4, 5, num_layers=2, bidirectional=True, dropout=0.3), {"x": xs}, seed=54),
        S("lstm_batch_first_nobias", "nn_lstm", [4, 3], {"batch_first": True, "bias": False},
          lambda: tnn.LSTM(4, 3, batch_first=True, bias=False), {"x": rnd(3, 5, 4, seed=55)}, seed=55),
        S("lstm_unbatched", "nn_lstm", [4, 3], {}, lambda: tnn.LSTM(4, 3), {"x": rnd(5, 4, seed=56)}, seed=56),
        S("gru", "nn_gru", [4, 5], {}, lambda: tnn.GRU(4, 5), {"x": xs}, seed=57),
        S("gru_deep_bi", "nn_gru", [4, 5], {"num_layers": 2, "bidirectional": True},
          lambda: tnn.GRU(4, 5, num_layers=2, bidirectional=True), {"x": xs, "h0": rnd(4, 2, 5, seed=58)},
          seed=58),
    ]
    return cs


def activation_cases() -> list[Case]:
    x = rnd(3, 8, seed=60, scale=2.0)
    acts = [
        ("relu", [], {}, lambda: tnn.ReLU()),
        ("relu6", [], {}, lambda: tnn.ReLU6()),
        ("leaky_relu", [0.2], {}, lambda: tnn.LeakyReLU(0.2)),
        ("elu", [], {"alpha": 1.5}, lambda: tnn.ELU(alpha=1.5)),
        ("selu", [], {}, lambda: tnn.SELU()),
        ("celu", [], {"alpha": 0.7}, lambda: tnn.CELU(alpha=0.7)),
        ("gelu", [], {}, lambda: tnn.GELU()),
        ("gelu", [], {"approximate": "tanh"}, lambda: tnn.GELU(approximate="tanh")),
        ("silu", [], {}, lambda: tnn.SiLU()),
        ("mish", [], {}, lambda: tnn.Mish()),
        ("glu", [], {}, lambda: tnn.GLU()),
        ("glu", [-1], {}, lambda: tnn.GLU(-1)),
        ("sigmoid", [], {}, lambda: tnn.Sigmoid()),
        ("tanh", [], {}, lambda: tnn.Tanh()),
        ("softmax", [2], {}, lambda: tnn.Softmax(1)),
        ("softmax", [1], {}, lambda: tnn.Softmax(0)),
        ("log_softmax", [2], {}, lambda: tnn.LogSoftmax(1)),
        ("softmin", [2], {}, lambda: tnn.Softmin(1)),
        ("softplus", [], {}, lambda: tnn.Softplus()),
        ("softplus", [], {"beta": 2, "threshold": 3}, lambda: tnn.Softplus(beta=2, threshold=3)),
        ("softsign", [], {}, lambda: tnn.Softsign()),
        ("hardtanh", [-0.5, 1.5], {}, lambda: tnn.Hardtanh(-0.5, 1.5)),
        ("hardsigmoid", [], {}, lambda: tnn.Hardsigmoid()),
        ("hardswish", [], {}, lambda: tnn.Hardswish()),
        ("hardshrink", [0.7], {}, lambda: tnn.Hardshrink(0.7)),
        ("softshrink", [0.3], {}, lambda: tnn.Softshrink(0.3)),
        ("tanhshrink", [], {}, lambda: tnn.Tanhshrink()),
        ("threshold", [0.1, -2], {}, lambda: tnn.Threshold(0.1, -2)),
        ("prelu", [], {}, lambda: tnn.PReLU()),
        ("log_sigmoid", [], {}, lambda: tnn.LogSigmoid()),
    ]
    cs = []
    for i, (name, args, kwargs, fn) in enumerate(acts):
        cs.append(S(f"act_{name}_{i}", f"nn_{name}", args, kwargs, fn, {"x": x}, seed=60 + i))
    x4 = rnd(2, 4, 3, seed=61)
    cs += [
        S("act_prelu_channels", "nn_prelu", [4], {"init": 0.1}, lambda: tnn.PReLU(4, init=0.1), {"x": x4}),
        S("act_rrelu_eval", "nn_rrelu", [0.1, 0.4], {}, lambda: tnn.RReLU(0.1, 0.4), {"x": x}, train=False),
        S("act_rrelu_train", "nn_rrelu", [0.1, 0.4], {}, lambda: tnn.RReLU(0.1, 0.4), {"x": x}, seed=62),
        S("act_relu_big", "nn_relu6", [], {}, lambda: tnn.ReLU6(), {"x": rnd(4, 6, seed=63, scale=6.0)}),
        S("act_softplus_large", "nn_softplus", [], {}, lambda: tnn.Softplus(), {"x": rnd(4, 6, seed=64, scale=30.0)}),
        S("act_elu_large", "nn_elu", [], {}, lambda: tnn.ELU(), {"x": rnd(4, 6, seed=65, scale=50.0)}),
        S("act_log_sigmoid_large", "nn_log_sigmoid", [], {}, lambda: tnn.LogSigmoid(),
          {"x": rnd(4, 6, seed=66, scale=50.0)}),
    ]
    return cs


def functional_cases() -> list[Case]:
    x4 = rnd(2, 3, 4, 5, seed=70)
    cs = []
    for mode in ("constant", "reflect", "replicate", "circular"):
        kw = {"mode": mode} if mode != "constant" else {"value": 1.5}
        tkw = dict(kw)
        cs.append(S(f"pad_{mode}", "nnf_pad", ["$x", [1, 2, 2, 1]], kw,
                    lambda x, tkw=tkw: TF.pad(x, (1, 2, 2, 1), **tkw), {"x": x4}, kind="functional"))
    cs += [
        S("pad_3d_reflect", "nnf_pad", ["$x", [2, 1]], {"mode": "reflect"},
          lambda x: TF.pad(x, (2, 1), mode="reflect"), {"x": rnd(2, 3, 5, seed=71)}, kind="functional"),
        S("pad_negative", "nnf_pad", ["$x", [-1, 2, 0, -2]], {}, lambda x: TF.pad(x, (-1, 2, 0, -2)), {"x": x4},
          kind="functional"),
        S("normalize", "nnf_normalize", ["$x"], {}, lambda x: TF.normalize(x), {"x": rnd(4, 5, seed=72)},
          kind="functional"),
        S("normalize_p1_dim1", "nnf_normalize", ["$x"], {"p": 1, "dim": 1}, lambda x: TF.normalize(x, p=1, dim=0),
          {"x": rnd(4, 5, seed=73)}, kind="functional"),
        S("cosine_similarity", "nnf_cosine_similarity", ["$a", "$b"], {},
          lambda a, b: TF.cosine_similarity(a, b), {"a": rnd(4, 5, seed=74), "b": rnd(4, 5, seed=75)},
          kind="functional"),
        S("cosine_similarity_clamped", "nnf_cosine_similarity", ["$a", "$b"], {"dim": 1, "eps": 2.0},
          lambda a, b: TF.cosine_similarity(a, b, dim=0, eps=2.0),
          {"a": rnd(4, 5, seed=76, scale=0.3), "b": rnd(4, 5, seed=77)}, kind="functional"),
        S("pairwise_distance", "nnf_pairwise_distance", ["$a", "$b"], {},
          lambda a, b: TF.pairwise_distance(a, b), {"a": rnd(4, 5, seed=78), "b": rnd(4, 5, seed=79)},
          kind="functional"),
        S("pairwise_distance_p1_keep", "nnf_pairwise_distance", ["$a", "$b"], {"p": 1, "keepdim": True},
          lambda a, b: TF.pairwise_distance(a, b, p=1, keepdim=True),
          {"a": rnd(4, 5, seed=80), "b": rnd(4, 5, seed=81)}, kind="functional"),
        S("one_hot", "nnf_one_hot", ["$t"], {}, lambda t: TF.one_hot(t), {"t": np.array([[1, 3], [2, 1]])},
          torch_inputs={"t": np.array([[0, 2], [1, 0]])}, kind="functional"),
        S("one_hot_classes", "nnf_one_hot", ["$t"], {"num_classes": 5}, lambda t: TF.one_hot(t, 5),
          {"t": np.array([1, 3, 2])}, torch_inputs={"t": np.array([0, 2, 1])}, kind="functional"),
        S("linear_fn", "nnf_linear", ["$x", "$w", "$b"], {}, lambda x, w, b: TF.linear(x, w, b),
          {"x": rnd(3, 4, seed=82), "w": rnd(2, 4, seed=83), "b": rnd(2, seed=84)}, kind="functional"),
        S("batch_norm_fn_eval", "nnf_batch_norm", ["$x", "$rm", "$rv", "$w", "$b"], {},
          lambda x, rm, rv, w, b: TF.batch_norm(x, rm.detach(), rv.detach(), w, b),
          {"x": rnd(5, 3, seed=85), "rm": rnd(3, seed=86), "rv": np.abs(rnd(3, seed=87)) + 0.5,
           "w": rnd(3, seed=88), "b": rnd(3, seed=89)}, kind="functional"),
        S("layer_norm_fn", "nnf_layer_norm", ["$x", [5], "$w", "$b"], {},
          lambda x, w, b: TF.layer_norm(x, (5,), w, b), {"x": rnd(3, 5, seed=90), "w": rnd(5, seed=91),
                                                         "b": rnd(5, seed=92)}, kind="functional"),
        S("group_norm_fn", "nnf_group_norm", ["$x", 2, "$w", "$b"], {},
          lambda x, w, b: TF.group_norm(x, 2, w, b), {"x": rnd(3, 4, 5, seed=93), "w": rnd(4, seed=94),
                                                      "b": rnd(4, seed=95)}, kind="functional"),
        S("embedding_fn", "nnf_embedding", ["$i", "$w"], {"padding_idx": 2},
          lambda i, w: TF.embedding(i, w, padding_idx=1), {"i": np.array([[1, 2], [3, 2]]), "w": rnd(4, 3, seed=96)},
          torch_inputs={"i": np.array([[0, 1], [2, 1]])}, kind="functional"),
        S("max_pool2d_indices", "nnf_max_pool2d", ["$x", 2], {"return_indices": True},
          lambda x: TF.max_pool2d(x, 2, return_indices=True), {"x": rnd(2, 2, 4, 6, seed=97)}, kind="functional",
          one_based_outputs=True),
        S("adaptive_max_pool2d_indices", "nnf_adaptive_max_pool2d", ["$x", [2, 3]], {"return_indices": True},
          lambda x: TF.adaptive_max_pool2d(x, (2, 3), return_indices=True), {"x": rnd(2, 2, 5, 7, seed=98)},
          kind="functional", one_based_outputs=True),
        S("conv2d_fn_valid", "nnf_conv2d", ["$x", "$w"], {"padding": "valid", "stride": 2},
          lambda x, w: TF.conv2d(x, w, padding="valid", stride=2), {"x": rnd(2, 3, 6, 6, seed=99),
                                                                   "w": rnd(4, 3, 3, 3, seed=100)},
          kind="functional"),
        S("conv_transpose2d_fn", "nnf_conv_transpose2d", ["$x", "$w", "$b"], {"stride": [1, 2], "padding": [0, 1]},
          lambda x, w, b: TF.conv_transpose2d(x, w, b, stride=(1, 2), padding=(0, 1)),
          {"x": rnd(1, 2, 3, 4, seed=101), "w": rnd(2, 3, 2, 3, seed=102), "b": rnd(3, seed=103)},
          kind="functional"),
        S("softmax_dtype", "nnf_softmax", ["$x", 2], {"dtype": "float64"},
          lambda x: TF.softmax(x, 1, dtype=torch.float64), {"x": rnd(3, 4, seed=104)}, kind="functional"),
        S("log_softmax_default_dim", "nnf_log_softmax", ["$x"], {}, lambda x: TF.log_softmax(x, 1),
          {"x": rnd(3, 4, seed=105)}, kind="functional"),
        S("dropout_p1", "nnf_dropout", ["$x"], {"p": 1.0}, lambda x: TF.dropout(x, 1.0), {"x": rnd(3, 4, seed=106)},
          kind="functional"),
        S("dropout_fn", "nnf_dropout", ["$x"], {"p": 0.25}, lambda x: TF.dropout(x, 0.25),
          {"x": rnd(5, 7, seed=107)}, kind="functional", seed=7),
        S("dropout2d_3d", "nnf_dropout2d", ["$x"], {"p": 0.5}, lambda x: TF.dropout2d(x, 0.5),
          {"x": rnd(6, 2, 2, seed=108)}, kind="functional", seed=8),
        S("bilinear_fn", "nnf_bilinear", ["$a", "$b", "$w"], {}, lambda a, b, w: TF.bilinear(a, b, w),
          {"a": rnd(2, 3, 2, seed=109), "b": rnd(2, 3, 4, seed=110), "w": rnd(5, 2, 4, seed=111)}, kind="functional"),
        S("instance_norm_fn", "nnf_instance_norm", ["$x"], {}, lambda x: TF.instance_norm(x),
          {"x": rnd(2, 3, 5, seed=112)}, kind="functional"),
        S("hardtanh_fn", "nnf_hardtanh", ["$x"], {}, lambda x: TF.hardtanh(x), {"x": rnd(3, 6, seed=113, scale=2)},
          kind="functional"),
        S("celu_fn", "nnf_celu", ["$x"], {"alpha": 2.0}, lambda x: TF.celu(x, 2.0), {"x": rnd(3, 6, seed=114)},
          kind="functional"),
    ]
    # functional forms run with their own seed (dropout draws)
    for c in cs:
        c.train = True
    return cs


def run_functional(c: Case) -> dict:
    torch.manual_seed(c.seed)
    return run_case(c)


def r_trunc_normal_(t: torch.Tensor, mean: float, std: float, a: float, b: float) -> torch.Tensor:
    """R torch's nn_init_trunc_normal_ (inverse CDF: uniform, erfinv, scale, clamp), in libtorch ops; PyTorch
    2.13's own trunc_normal_ samples by rejection instead."""
    def cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    lo, hi = cdf((a - mean) / std), cdf((b - mean) / std)
    with torch.no_grad():
        t.uniform_(2 * lo - 1, 2 * hi - 1).erfinv_().mul_(std * math.sqrt(2.0)).add_(mean).clamp_(min=a, max=b)
    return t


def init_cases() -> list[dict]:
    """Initialisers on fresh tensors after manual_seed; exact except orthogonal_ (LAPACK) and trunc_normal_."""
    init = tnn.init
    specs = [
        ("nn_init_uniform_", [-2, 3], {}, lambda t: init.uniform_(t, -2, 3), (5, 7), True),
        ("nn_init_normal_", [1, 0.5], {}, lambda t: init.normal_(t, 1, 0.5), (5, 7), True),
        ("nn_init_normal_", [0, 2], {}, lambda t: init.normal_(t, 0, 2), (3, 4), True),
        ("nn_init_constant_", [0.3], {}, lambda t: init.constant_(t, 0.3), (2, 3), True),
        ("nn_init_ones_", [], {}, lambda t: init.ones_(t), (2, 3), True),
        ("nn_init_zeros_", [], {}, lambda t: init.zeros_(t), (2, 3), True),
        ("nn_init_eye_", [], {}, lambda t: init.eye_(t), (3, 5), True),
        ("nn_init_dirac_", [], {}, lambda t: init.dirac_(t), (4, 3, 3, 3), True),
        ("nn_init_dirac_", [], {"groups": 2}, lambda t: init.dirac_(t, 2), (4, 2, 3), True),
        ("nn_init_xavier_uniform_", [], {"gain": 2}, lambda t: init.xavier_uniform_(t, gain=2), (5, 7), True),
        ("nn_init_xavier_normal_", [], {}, lambda t: init.xavier_normal_(t), (4, 3, 3, 3), True),
        ("nn_init_kaiming_uniform_", [], {"mode": "fan_out", "nonlinearity": "relu"},
         lambda t: init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"), (6, 4, 3), True),
        ("nn_init_kaiming_uniform_", [], {"a": math.sqrt(5)}, lambda t: init.kaiming_uniform_(t, a=math.sqrt(5)),
         (32, 3), True),
        ("nn_init_kaiming_normal_", [], {}, lambda t: init.kaiming_normal_(t), (5, 7), True),
        ("nn_init_kaiming_normal_", [0.1], {"mode": "fan_out"}, lambda t: init.kaiming_normal_(t, 0.1, "fan_out"),
         (3, 2), True),
        ("nn_init_orthogonal_", [], {}, lambda t: init.orthogonal_(t), (5, 7), False),
        ("nn_init_orthogonal_", [], {"gain": 2}, lambda t: init.orthogonal_(t, gain=2), (6, 3, 2), False),
        ("nn_init_trunc_normal_", [], {"std": 0.5, "a": -0.6, "b": 1.0},
         lambda t: r_trunc_normal_(t, 0.0, 0.5, -0.6, 1.0), (40, 7), False),
        ("nn_init_sparse_", [0.4], {}, lambda t: init.sparse_(t, 0.4), (10, 4), True),
    ]
    out = []
    for i, (name, args, kwargs, fn, shape, exact) in enumerate(specs):
        torch.manual_seed(100 + i)
        t = torch.empty(shape)
        fn(t)
        after = torch.rand(3)  # the generator position afterwards must agree too
        out.append({"call": name, "args": args, "kwargs": kwargs, "seed": 100 + i, "shape": list(shape),
                    "exact": exact, "value": enc(t.numpy()), "after": enc(after.numpy())})
    gains = {}
    for nl, p in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
                  ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)]:
        gains[f"{nl}:{p}"] = init.calculate_gain(nl, p)
    return [{"cases": out, "gains": gains}]


def clip_cases() -> list[dict]:
    out = []
    for norm_type, max_norm in [(2, 0.5), (1, 2.0), (math.inf, 0.3), (3, 100.0)]:
        rng = np.random.default_rng(int(max_norm * 10))
        gs = [rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(5).astype(np.float32)]
        ps = [torch.zeros(g.shape, requires_grad=True) for g in gs]
        for p, g in zip(ps, gs):
            p.grad = torch.tensor(g)
        total = tnn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        out.append({"norm_type": "Inf" if norm_type == math.inf else norm_type, "max_norm": max_norm,
                    "grads": [enc(g) for g in gs], "total": float(total), "clipped": [enc(p.grad.numpy()) for p in ps]})
    return out


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    about = "PyTorch 2.13 CPU via tools/make_nn_fixtures.py; R-side calls use R torch's names and 1-based conventions"
    layers = [run_case(c) for c in layer_cases()]
    (FIXTURES / "nn_layers.json").write_text(json.dumps({"about": about, "cases": layers}))
    acts = [run_case(c) for c in activation_cases()]
    (FIXTURES / "nn_activations.json").write_text(json.dumps({"about": about, "cases": acts}))
    funs = [run_functional(c) for c in functional_cases()]
    (FIXTURES / "nn_functional.json").write_text(json.dumps({"about": about, "cases": funs}))
    (FIXTURES / "nn_init.json").write_text(json.dumps({"about": about, "init": init_cases()[0], "clip": clip_cases()}))
    print(f"{len(layers)} layer, {len(acts)} activation, {len(funs)} functional cases")


if __name__ == "__main__":
    main()
