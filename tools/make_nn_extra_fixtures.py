"""Write tests/fixtures/nn_extra.json from PyTorch 2.13 (development-only oracle): attention, transformers,
interpolation, vision functionals, 3-d layers and pools, embedding bags, packed recurrent layers.

Same record format as tools/make_nn_fixtures.py (the tests run them with tests/nn/nn_cases.py); parameters are
listed in R torch's order (each child's first, then the module's own) and RNN layers are named from 1.

    .venv/bin/python tools/make_nn_extra_fixtures.py
"""

from __future__ import annotations

import json

import numpy as np
import torch
import torch.nn as tnn
import torch.nn.functional as TF
from _fixture_util import FIXTURES
from make_nn_fixtures import S, enc, r_name, rnd, run_case, run_functional

torch.set_num_threads(1)


def r_order(mod: tnn.Module, prefix: str = "") -> list[str]:
    """Parameter names in R torch's order: every child's (recursively) first, then the module's own."""
    names: list[str] = []
    for name, child in mod.named_children():
        names += r_order(child, f"{prefix}{name}.")
    names += [prefix + n for n, _ in mod.named_parameters(recurse=False)]
    return names


def reorder(rec: dict, factory) -> dict:
    torch.manual_seed(rec["seed"])
    order = [r_name(n) for n in r_order(factory())]
    if "params0" in rec:
        rec["params0"] = {n: rec["params0"][n] for n in order if n in rec["params0"]}
    return rec


def module_cases() -> list:
    q, k, v = rnd(5, 3, 8, seed=1), rnd(4, 3, 8, seed=2), rnd(4, 3, 8, seed=3)
    kpm = np.array([[False, False, True, False], [False, False, False, False], [True, False, False, False]])
    x = rnd(5, 3, 8, seed=4)
    cs = [
        S("mha", "nn_multihead_attention", [8, 2], {}, lambda: tnn.MultiheadAttention(8, 2), {"q": q, "k": k, "v": v},
          seed=1),
        S("mha_self_unaveraged", "nn_multihead_attention", [8, 2], {}, lambda: tnn.MultiheadAttention(8, 2),
          {"q": x, "k": x, "v": x}, seed=2, forward_kwargs={"average_attn_weights": False}),
        S("mha_kpm", "nn_multihead_attention", [8, 4], {}, lambda: tnn.MultiheadAttention(8, 4),
          {"q": q, "k": k, "v": v, "kpm": kpm}, seed=3),
        S("mha_kdim_vdim_nobias", "nn_multihead_attention", [8, 2], {"kdim": 3, "vdim": 5, "bias": False},
          lambda: tnn.MultiheadAttention(8, 2, kdim=3, vdim=5, bias=False),
          {"q": q, "k": rnd(4, 3, 3, seed=5), "v": rnd(4, 3, 5, seed=6)}, seed=4),
        S("mha_bias_kv_zero_attn", "nn_multihead_attention", [8, 2], {"add_bias_kv": True, "add_zero_attn": True},
          lambda: tnn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True), {"q": q, "k": k, "v": v},
          seed=5),
        S("mha_batch_first", "nn_multihead_attention", [8, 2], {"batch_first": True},
          lambda: tnn.MultiheadAttention(8, 2, batch_first=True),
          {"q": rnd(3, 5, 8, seed=7), "k": rnd(3, 4, 8, seed=8), "v": rnd(3, 4, 8, seed=9)}, seed=6),
        S("transformer_layer", "nn_transformer_encoder_layer", [], {"d_model": 8, "nhead": 2, "dim_feedforward": 16,
                                                                   "dropout": 0},
          lambda: tnn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), {"x": x}, seed=7),
        S("transformer_layer_prenorm_gelu_bf", "nn_transformer_encoder_layer", [],
          {"d_model": 8, "nhead": 4, "dim_feedforward": 12, "dropout": 0, "activation": "gelu", "norm_first": True,
           "batch_first": True},
          lambda: tnn.TransformerEncoderLayer(8, 4, 12, dropout=0.0, activation="gelu", norm_first=True,
                                              batch_first=True), {"x": rnd(3, 5, 8, seed=10)}, seed=8),
        S("transformer_layer_kpm", "nn_transformer_encoder_layer", [], {"d_model": 8, "nhead": 2,
                                                                       "dim_feedforward": 16, "dropout": 0},
          lambda: tnn.TransformerEncoderLayer(8, 2, 16, dropout=0.0),
          {"x": x, "mask": np.triu(np.ones((5, 5), dtype=bool), 1), "kpm": np.c_[kpm, np.zeros((3, 1), bool)]},
          seed=9),
    ]
    cs += [
        S("conv3d", "nn_conv3d", [4, 6, [3, 2, 3]], {"stride": [2, 1, 1], "padding": [1, 0, 1], "groups": 2},
          lambda: tnn.Conv3d(4, 6, (3, 2, 3), stride=(2, 1, 1), padding=(1, 0, 1), groups=2),
          {"x": rnd(2, 4, 5, 4, 5, seed=20)}, seed=20),
        S("conv3d_same_reflect", "nn_conv3d", [2, 3, 3], {"padding": "same", "padding_mode": "reflect"},
          lambda: tnn.Conv3d(2, 3, 3, padding="same", padding_mode="reflect"), {"x": rnd(1, 2, 4, 4, 5, seed=21)},
          seed=21),
        S("conv_transpose3d", "nn_conv_transpose3d", [4, 2, [2, 3, 2]], {"stride": 2, "padding": [0, 1, 1]},
          lambda: tnn.ConvTranspose3d(4, 2, (2, 3, 2), stride=2, padding=(0, 1, 1)),
          {"x": rnd(2, 4, 3, 3, 4, seed=22)}, seed=22),
        S("max_pool3d", "nn_max_pool3d", [[2, 3, 2]], {"stride": [1, 2, 2], "padding": [1, 1, 0]},
          lambda: tnn.MaxPool3d((2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0)), {"x": rnd(2, 3, 4, 5, 6, seed=23)}),
        S("avg_pool3d", "nn_avg_pool3d", [3], {"stride": 2, "padding": 1, "ceil_mode": True},
          lambda: tnn.AvgPool3d(3, stride=2, padding=1, ceil_mode=True), {"x": rnd(2, 3, 5, 6, 7, seed=24)}),
        S("adaptive_avg_pool3d", "nn_adaptive_avg_pool3d", [[2, 3, 4]], {}, lambda: tnn.AdaptiveAvgPool3d((2, 3, 4)),
          {"x": rnd(2, 3, 5, 6, 7, seed=25)}),
        S("adaptive_max_pool3d", "nn_adaptive_max_pool3d", [[2, 3, 4]], {}, lambda: tnn.AdaptiveMaxPool3d((2, 3, 4)),
          {"x": rnd(2, 3, 5, 6, 7, seed=26)}),
        S("lp_pool2d", "nn_lp_pool2d", [2, 3], {"stride": 2}, lambda: tnn.LPPool2d(2, 3, stride=2),
          {"x": rnd(2, 3, 7, 8, seed=27)}),
        S("lp_pool1d", "nn_lp_pool1d", [1.5, 2], {}, lambda: tnn.LPPool1d(1.5, 2),
          {"x": np.abs(rnd(2, 3, 8, seed=28)) + 0.1}),
        S("fractional_max_pool2d", "nn_fractional_max_pool2d", [2], {"output_size": [4, 5]},
          lambda: tnn.FractionalMaxPool2d(2, output_size=(4, 5)), {"x": rnd(2, 3, 8, 9, seed=29)}, seed=30),
        S("fractional_max_pool3d", "nn_fractional_max_pool3d", [[2, 2, 3]], {"output_ratio": 0.6},
          lambda: tnn.FractionalMaxPool3d((2, 2, 3), output_ratio=0.6), {"x": rnd(1, 2, 6, 7, 8, seed=31)}, seed=31),
        S("upsample_nearest", "nn_upsample", [], {"scale_factor": 2, "mode": "nearest"},
          lambda: tnn.Upsample(scale_factor=2, mode="nearest"), {"x": rnd(2, 3, 4, 5, seed=32)}),
        S("upsample_bilinear_ac", "nn_upsample", [], {"size": [7, 9], "mode": "bilinear", "align_corners": True},
          lambda: tnn.Upsample(size=(7, 9), mode="bilinear", align_corners=True), {"x": rnd(2, 3, 4, 5, seed=33)}),
        S("upsample_bicubic", "nn_upsample", [], {"scale_factor": [1.5, 0.7], "mode": "bicubic"},
          lambda: tnn.Upsample(scale_factor=(1.5, 0.7), mode="bicubic"), {"x": rnd(2, 3, 6, 7, seed=34)}),
        S("upsample_trilinear", "nn_upsample", [], {"size": [4, 5, 3], "mode": "trilinear"},
          lambda: tnn.Upsample(size=(4, 5, 3), mode="trilinear"), {"x": rnd(1, 2, 3, 4, 5, seed=35)}),
        S("pixel_shuffle", "nn_pixel_shuffle", [2], {}, lambda: tnn.PixelShuffle(2), {"x": rnd(2, 8, 3, 4, seed=36)}),
        S("pixel_unshuffle", "nn_pixel_unshuffle", [2], {}, lambda: tnn.PixelUnshuffle(2),
          {"x": rnd(2, 2, 4, 6, seed=37)}),
        S("unfold", "nn_unfold", [[2, 3]], {"dilation": [1, 2], "padding": 1, "stride": [2, 1]},
          lambda: tnn.Unfold((2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), {"x": rnd(2, 3, 5, 7, seed=38)}),
        S("fold", "nn_fold", [[5, 7], [2, 3]], {"padding": 1, "stride": [2, 1]},
          lambda: tnn.Fold((5, 7), (2, 3), padding=1, stride=(2, 1)), {"x": rnd(2, 18, 21, seed=39)}),
        S("local_response_norm", "nn_local_response_norm", [3], {}, lambda: tnn.LocalResponseNorm(3),
          {"x": rnd(2, 5, 3, 4, seed=40)}),
        S("softmax2d", "nn_softmax2d", [], {}, lambda: tnn.Softmax2d(), {"x": rnd(2, 5, 3, 4, seed=41)}),
        S("embedding_bag_mean", "nn_embedding_bag", [10, 3], {}, lambda: tnn.EmbeddingBag(10, 3),
          {"i": np.array([[1, 2, 4, 5], [4, 3, 2, 10]])}, torch_inputs={"i": np.array([[0, 1, 3, 4], [3, 2, 1, 9]])},
          seed=42),
        S("embedding_bag_max_pad", "nn_embedding_bag", [10, 3], {"mode": "max", "padding_idx": 3},
          lambda: tnn.EmbeddingBag(10, 3, mode="max", padding_idx=2),
          {"i": np.array([[1, 3, 4, 5], [3, 3, 2, 10]])}, torch_inputs={"i": np.array([[0, 2, 3, 4], [2, 2, 1, 9]])},
          seed=43),
    ]
    return cs


def functional_cases() -> list:
    x4 = rnd(2, 3, 5, 7, seed=50)
    g = (np.random.default_rng(51).standard_normal((2, 4, 6, 2)) * 0.8).astype(np.float32)
    theta = (np.random.default_rng(52).standard_normal((2, 2, 3)) * 0.7).astype(np.float32)
    cs = []
    for mode, kw, tkw in [
        ("nearest", {"size": [8, 11]}, {"size": (8, 11)}),
        ("nearest-exact", {"scale_factor": 1.7}, {"scale_factor": 1.7}),
        ("bilinear", {"scale_factor": [1.5, 0.6]}, {"scale_factor": (1.5, 0.6)}),
        ("bilinear", {"scale_factor": 2.3, "recompute_scale_factor": True},
         {"scale_factor": 2.3, "recompute_scale_factor": True}),
        ("bicubic", {"size": [9, 14], "align_corners": True}, {"size": (9, 14), "align_corners": True}),
        ("area", {"size": [3, 4]}, {"size": (3, 4)}),
    ]:
        cs.append(S(f"interpolate_{mode}_{len(cs)}", "nnf_interpolate", ["$x"], {"mode": mode, **kw},
                    lambda x, mode=mode, tkw=tkw: TF.interpolate(x, mode=mode, **tkw), {"x": x4}, kind="functional"))
    cs.append(S("interpolate_linear", "nnf_interpolate", ["$x"], {"size": 13, "mode": "linear"},
                lambda x: TF.interpolate(x, size=13, mode="linear"), {"x": rnd(2, 3, 6, seed=53)}, kind="functional"))
    for mode in ("bilinear", "nearest"):
        for pm in ("zeros", "border", "reflection"):
            for ac in (False, True):
                cs.append(S(f"grid_sample_{mode}_{pm}_{ac}", "nnf_grid_sample", ["$x", "$g"],
                            {"mode": mode, "padding_mode": pm, "align_corners": ac},
                            lambda x, g, mode=mode, pm=pm, ac=ac: TF.grid_sample(x, g, mode=mode, padding_mode=pm,
                                                                                 align_corners=ac),
                            {"x": x4, "g": g}, kind="functional", tol=2e-5))
    cs += [
        S("affine_grid", "nnf_affine_grid", ["$t", [2, 3, 4, 5]], {},
          lambda t: TF.affine_grid(t, (2, 3, 4, 5), align_corners=False), {"t": theta}, kind="functional"),
        S("affine_grid_3d_ac", "nnf_affine_grid", ["$t", [2, 1, 3, 4, 5]], {"align_corners": True},
          lambda t: TF.affine_grid(t, (2, 1, 3, 4, 5), align_corners=True),
          {"t": rnd(2, 3, 4, seed=54)}, kind="functional"),
        S("pdist", "nnf_pdist", ["$x"], {}, lambda x: TF.pdist(x), {"x": rnd(5, 4, seed=55)}, kind="functional"),
        S("pdist_p3", "nnf_pdist", ["$x"], {"p": 3}, lambda x: TF.pdist(x, 3), {"x": rnd(5, 4, seed=56)},
          kind="functional"),
        S("sdpa", "torch_scaled_dot_product_attention", ["$q", "$k", "$v"], {},
          lambda q, k, v: TF.scaled_dot_product_attention(q, k, v),
          {"q": rnd(2, 3, 5, 4, seed=57), "k": rnd(2, 3, 6, 4, seed=58), "v": rnd(2, 3, 6, 7, seed=59)},
          kind="functional"),
        S("sdpa_causal_scale", "torch_scaled_dot_product_attention", ["$q", "$k", "$v"],
          {"is_causal": True, "scale": 0.3}, lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, is_causal=True,
                                                                                            scale=0.3),
          {"q": rnd(2, 5, 4, seed=60), "k": rnd(2, 5, 4, seed=61), "v": rnd(2, 5, 3, seed=62)}, kind="functional"),
        S("sdpa_masks", "torch_scaled_dot_product_attention", ["$q", "$k", "$v", "$m"], {},
          lambda q, k, v, m: TF.scaled_dot_product_attention(q, k, v, m),
          {"q": rnd(2, 5, 4, seed=63), "k": rnd(2, 6, 4, seed=64), "v": rnd(2, 6, 3, seed=65),
           "m": np.random.default_rng(66).random((5, 6)) > 0.3}, kind="functional"),
        S("sdpa_float_mask", "torch_scaled_dot_product_attention", ["$q", "$k", "$v", "$m"], {},
          lambda q, k, v, m: TF.scaled_dot_product_attention(q, k, v, m),
          {"q": rnd(2, 5, 4, seed=67), "k": rnd(2, 6, 4, seed=68), "v": rnd(2, 6, 3, seed=69),
           "m": rnd(5, 6, seed=70)}, kind="functional"),
        S("max_unpool2d", "nnf_max_unpool2d", ["$x", "$i", 2], {"output_size": [5, 7]},
          lambda x, i: TF.max_unpool2d(x, i, 2, output_size=(5, 7)),
          {"x": rnd(2, 3, 2, 3, seed=71), "i": np.array([[[[1, 3, 12], [15, 17, 19]]] * 3] * 2)},
          torch_inputs={"i": np.array([[[[0, 2, 11], [14, 16, 18]]] * 3] * 2)}, kind="functional"),
        S("embedding_bag_offsets_sum", "nnf_embedding_bag", ["$i", "$w", "$o"], {"mode": "sum"},
          lambda i, w, o: TF.embedding_bag(i, w, o, mode="sum"),
          {"i": np.array([1, 3, 2, 5, 5, 9]), "w": rnd(10, 3, seed=72), "o": np.array([0, 2, 2, 5])},
          torch_inputs={"i": np.array([0, 2, 1, 4, 4, 8])}, kind="functional"),
    ]
    return cs


def attention_mask_cases() -> list:
    """nnf_multi_head_attention_forward with attention and padding masks (bool and float)."""
    out = []
    rng = np.random.default_rng(80)
    for name, bool_mask in (("bool", True), ("float", False)):
        q, k = rnd(5, 2, 8, seed=81), rnd(6, 2, 8, seed=82)
        w, b = rnd(24, 8, seed=83, scale=0.4), rnd(24, seed=84)
        ow, ob = rnd(8, 8, seed=85, scale=0.4), rnd(8, seed=86)
        am = rng.random((5, 6)) > 0.6 if bool_mask else rnd(5, 6, seed=87)
        kpm = np.array([[False] * 5 + [True], [False] * 6])
        ts = {n: torch.tensor(a, requires_grad=a.dtype.kind == "f") for n, a in
              dict(q=q, k=k, w=w, b=b, ow=ow, ob=ob, am=am, kpm=kpm).items()}
        o, a = TF.multi_head_attention_forward(ts["q"], ts["k"], ts["k"], 8, 2, ts["w"], ts["b"], None, None, False,
                                               0.0, ts["ow"], ts["ob"], training=False,
                                               key_padding_mask=ts["kpm"], attn_mask=ts["am"])
        cot = rng.standard_normal(o.shape).astype(np.float32)
        (o * torch.tensor(cot)).sum().backward()
        out.append({"name": f"mha_forward_{name}_mask", "inputs": {n: enc(a) for n, a in
                                                                   dict(q=q, k=k, w=w, b=b, ow=ow, ob=ob, am=am,
                                                                        kpm=kpm).items()},
                    "output": enc(o.detach().numpy()), "weights": enc(a.detach().numpy()), "cot": enc(cot),
                    "grads": {n: enc(t.grad.numpy()) for n, t in ts.items() if t.grad is not None}})
    return out


def packed_rnn_cases() -> list:
    """RNN / LSTM / GRU on packed, unsorted variable-length batches."""
    out = []
    x = rnd(3, 5, 2, seed=90)
    lens = [2, 5, 3]
    for cls, rname in ((tnn.RNN, "nn_rnn"), (tnn.LSTM, "nn_lstm"), (tnn.GRU, "nn_gru")):
        for kw in ({}, {"num_layers": 2, "bidirectional": True}):
            torch.manual_seed(91)
            m = cls(2, 3, batch_first=True, **kw)
            tx = torch.tensor(x, requires_grad=True)
            p = tnn.utils.rnn.pack_padded_sequence(tx, torch.tensor(lens), batch_first=True, enforce_sorted=False)
            o, h = m(p)
            po, pl = tnn.utils.rnn.pad_packed_sequence(o, batch_first=True)
            hn = h[0] if isinstance(h, tuple) else h
            rng = np.random.default_rng(92)
            c1 = rng.standard_normal(po.shape).astype(np.float32)
            c2 = rng.standard_normal(hn.shape).astype(np.float32)
            ((po * torch.tensor(c1)).sum() + (hn * torch.tensor(c2)).sum()).backward()
            out.append({"name": f"packed_{rname}_{len(kw)}", "call": rname, "kwargs": kw, "seed": 91, "x": enc(x),
                        "lens": lens, "padded": enc(po.detach().numpy()), "lengths": pl.tolist(),
                        "h": enc(hn.detach().numpy()), "c1": enc(c1), "c2": enc(c2), "grad_x": enc(tx.grad.numpy()),
                        "param_grads": {r_name(n): enc(q.grad.numpy()) for n, q in m.named_parameters()}})
    return out


def weight_norm_cases() -> list:
    """torch.nn.utils.weight_norm on a seeded Linear: g, v, forward and the gradients of g and v."""
    out = []
    for dim in (0, 1):
        torch.manual_seed(95)
        lin = tnn.Linear(5, 4)
        w0 = lin.weight.detach().numpy().copy()
        lin = tnn.utils.weight_norm(lin, dim=dim)
        x = rnd(3, 5, seed=96)
        y = lin(torch.tensor(x))
        cot = np.random.default_rng(97).standard_normal(y.shape).astype(np.float32)
        (y * torch.tensor(cot)).sum().backward()
        out.append({"dim_r": dim + 1, "seed": 95, "w0": enc(w0), "x": enc(x), "cot": enc(cot),
                    "y": enc(y.detach().numpy()), "g": enc(lin.weight_g.detach().numpy()),
                    "grad_g": enc(lin.weight_g.grad.numpy()), "grad_v": enc(lin.weight_v.grad.numpy())})
    return out


def main() -> None:
    about = "PyTorch 2.13 CPU via tools/make_nn_extra_fixtures.py; R-side calls use R torch's names and conventions"
    mods = [reorder(run_case(c), c.torch_fn) for c in module_cases()]
    funs = [run_functional(c) for c in functional_cases()]
    (FIXTURES / "nn_extra.json").write_text(json.dumps({
        "about": about, "modules": mods, "functional": funs, "mha_masks": attention_mask_cases(),
        "packed": packed_rnn_cases(), "weight_norm": weight_norm_cases()}))
    print(f"{len(mods)} module, {len(funs)} functional cases")


if __name__ == "__main__":
    main()
