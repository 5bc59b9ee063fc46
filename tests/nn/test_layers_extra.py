"""Attention, transformers, interpolation, vision functionals, 3-d layers, embedding bags and packed recurrent
layers against PyTorch 2.13 (tests/fixtures/nn_extra.json from tools/make_nn_extra_fixtures.py): seeded initial
weights bit for bit, forward values, gradients of inputs and parameters."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import rtorch_py as rt

sys.path.insert(0, str(Path(__file__).parent))
from nn_cases import close, dec, load, run_case  # noqa: E402

DATA = load("nn_extra.json")


@pytest.mark.parametrize("case", DATA["modules"], ids=[c["name"] for c in DATA["modules"]])
def test_module(case: dict) -> None:
    run_case(case)


@pytest.mark.parametrize("case", DATA["functional"], ids=[c["name"] for c in DATA["functional"]])
def test_functional(case: dict) -> None:
    run_case(case)


@pytest.mark.parametrize("case", DATA["mha_masks"], ids=[c["name"] for c in DATA["mha_masks"]])
def test_multi_head_attention_forward_masks(case: dict) -> None:
    t = {}
    for n, v in case["inputs"].items():
        a = dec(v)
        t[n] = rt.torch_tensor(a).requires_grad_(a.dtype.kind == "f")
    out, w = rt.nnf_multi_head_attention_forward(t["q"], t["k"], t["k"], 8, 2, t["w"], t["b"], None, None, False,
                                                 0.0, t["ow"], t["ob"], training=False, key_padding_mask=t["kpm"],
                                                 attn_mask=t["am"])
    close(out._data, dec(case["output"]), 1e-5, "output")
    close(w._data, dec(case["weights"]), 1e-5, "weights")
    (out * rt.torch_tensor(dec(case["cot"]))).sum().backward()
    for n, g in case["grads"].items():
        close(t[n].grad._data, dec(g), 1e-5, f"gradient of {n}")


@pytest.mark.parametrize("case", DATA["packed"], ids=[c["name"] for c in DATA["packed"]])
def test_packed_rnn(case: dict) -> None:
    x = rt.torch_tensor(dec(case["x"])).requires_grad_(True)
    rt.torch_manual_seed(case["seed"])
    m = getattr(rt, case["call"])(2, 3, batch_first=True, **case["kwargs"])
    p = rt.nn_utils_rnn_pack_padded_sequence(x, case["lens"], batch_first=True, enforce_sorted=False)
    o, h = m(p)
    padded, lengths = rt.nn_utils_rnn_pad_packed_sequence(o, batch_first=True)
    hn = h[0] if isinstance(h, list) else h
    close(padded._data, dec(case["padded"]), 1e-5, "padded output")
    assert lengths._data.tolist() == case["lengths"]
    close(hn._data, dec(case["h"]), 1e-5, "final hidden state")
    ((padded * rt.torch_tensor(dec(case["c1"]))).sum() + (hn * rt.torch_tensor(dec(case["c2"]))).sum()).backward()
    close(x.grad._data, dec(case["grad_x"]), 1e-5, "gradient of x")
    params = m.parameters
    for n, g in case["param_grads"].items():
        close(params[n].grad._data, dec(g), 1e-5, f"gradient of {n}")


def test_packing_round_trip_and_indices() -> None:
    x = rt.torch_tensor(np.array([[1, 2, 0, 0], [1, 2, 3, 0], [1, 2, 3, 4]]))
    p = rt.nn_utils_rnn_pack_padded_sequence(x, [2, 3, 4], batch_first=True, enforce_sorted=False)
    assert p.data._data.tolist() == [1, 1, 1, 2, 2, 2, 3, 3, 4]
    assert p.batch_sizes._data.tolist() == [3, 3, 2, 1]
    assert p.sorted_indices._data.tolist() == [3, 2, 1]  # 1-based, as R torch shows them
    back, lens = rt.nn_utils_rnn_pad_packed_sequence(p, batch_first=True)
    assert back._data.tolist() == x._data.tolist() and lens._data.tolist() == [2, 3, 4]
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        rt.nn_utils_rnn_pack_padded_sequence(x, [2, 3, 4], batch_first=True)
    seq = rt.nn_utils_rnn_pack_sequence([rt.torch_tensor([1, 2, 3]), rt.torch_tensor([4, 5]), rt.torch_tensor([6])])
    assert seq.data._data.tolist() == [1, 4, 6, 2, 5, 3]
    assert rt.nn_utils_rnn_pad_sequence([rt.torch_ones(5, 2), rt.torch_ones(3, 2)], padding_value=-1).shape == (5, 2, 2)


def test_rnn_names_and_mode() -> None:
    lstm = rt.nn_lstm(10, 5, num_layers=2, bidirectional=True)
    assert list(lstm.parameters)[:5] == ["weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                                         "weight_ih_l1_reverse"]
    assert "weight_ih_l2" in lstm.parameters
    assert (lstm.mode, rt.nn_gru(1, 1).mode, rt.nn_rnn(1, 1).mode, rt.nn_rnn(1, 1, nonlinearity="relu").mode) == \
        ("LSTM", "GRU", "RNN_TANH", "RNN_RELU")


def test_sparsemax_hand_derived() -> None:
    # projection onto the simplex: z = (0.5, 0.3, 0.2, 0.1) -> tau = 0.025 on the full support
    z = rt.torch_tensor(np.array([[0.5, 0.3, 0.2, 0.1], [0.01, 0.01, 0.01, 5.0]], dtype=np.float64))
    out = rt.nnf_contrib_sparsemax(z, dim=2)._data
    np.testing.assert_allclose(out, [[0.475, 0.275, 0.175, 0.075], [0, 0, 0, 1]], atol=1e-12)
    np.testing.assert_allclose(rt.nnf_contrib_sparsemax(z.t(), dim=1)._data, out.T, atol=1e-12)


def test_gumbel_softmax_properties() -> None:
    rt.torch_manual_seed(3)
    logits = rt.torch_randn(4, 5)
    soft = rt.nnf_gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft._data.sum(1), 1, rtol=1e-6)
    hard = rt.nnf_gumbel_softmax(logits.requires_grad_(True), hard=True)
    assert sorted(np.unique(hard._data).tolist()) == [0.0, 1.0] and hard._data.sum() == 4
    hard.sum().backward()  # straight-through: the soft sample's gradient (softmax rows sum to a constant)
    np.testing.assert_allclose(logits.grad._data, 0, atol=1e-6)


def test_transformer_encoder_stack_and_masks() -> None:
    rt.torch_manual_seed(1)
    layer = rt.nn_transformer_encoder_layer(d_model=8, nhead=2, dim_feedforward=16, dropout=0)
    enc = rt.nn_transformer_encoder(layer, num_layers=3, norm=rt.nn_layer_norm(8))
    x = rt.torch_randn(4, 2, 8)
    manual = x
    for m in enc.layers:
        manual = m(manual)
    np.testing.assert_allclose(enc(x)._data, enc.norm(manual)._data, rtol=1e-6, atol=1e-6)
    assert enc.layers[0].linear1.weight is not layer.linear1.weight  # deep copies
    causal = rt.torch_tensor(np.triu(np.ones((4, 4), dtype=bool), 1))
    np.testing.assert_array_equal(layer(x, src_mask=causal)._data, layer(x, is_causal=True)._data)
    with pytest.raises(ValueError, match="should not be set when is_causal"):
        layer(x, src_mask=causal, is_causal=True)
    with pytest.raises(ValueError, match="divisible by num_heads"):
        rt.nn_multihead_attention(10, 3)


def test_interpolate_errors() -> None:
    x = rt.torch_ones(1, 1, 2, 2)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        rt.nnf_interpolate(x, size=4, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor"):
        rt.nn_upsample()(x)
    with pytest.raises(ValueError, match="same number of spatial dimensions"):
        rt.nnf_interpolate(x, scale_factor=[2, 2, 2])
    with pytest.raises(NotImplementedError, match="needs 3D input"):
        rt.nnf_interpolate(x, size=4, mode="linear")
    with pytest.raises(RuntimeError, match="Expected 3D or 4D"):
        rt.nnf_unfold(rt.torch_randn(2, 5, 3, 4, 5), kernel_size=[2, 3])


def test_module_api() -> None:
    seq = rt.nn_sequential(rt.nn_relu(), rt.nn_tanh(), rt.nn_relu6(), rt.nn_linear(2, 3))
    assert len(rt.nn_prune_head(seq)) == 3 and len(rt.nn_prune_head(seq, 2)) == 2
    lst = rt.nn_module_list([rt.nn_relu(), rt.nn_tanh()])
    lst.insert(rt.nn_dropout(), index=1)  # R: x$insert(index = 1, m)
    assert type(lst[0]).__name__ == "nn_dropout" and len(lst) == 3
    bn = rt.nn_batch_norm2d(3)
    sd = {k: v for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
    bn.load_state_dict(sd)  # a checkpoint without the counter still loads
    assert rt.is_undefined_tensor(rt.nn_linear(1, 1).weight.grad)
    w = rt.torch_zeros(2, requires_grad=True)
    assert w.set_grad_(rt.torch_ones(2)) is w and w.grad._data.tolist() == [1.0, 1.0]  # R torch's set_grad_
    with pytest.raises(RuntimeError, match="different size or type"):
        w.set_grad_(rt.torch_ones(3))


@pytest.mark.parametrize("case", DATA["weight_norm"], ids=[f"dim{c['dim_r']}" for c in DATA["weight_norm"]])
def test_weight_norm(case: dict) -> None:
    rt.torch_manual_seed(case["seed"])
    lin = rt.nn_linear(5, 4)
    np.testing.assert_array_equal(lin.weight._data, dec(case["w0"]))
    wn = rt.nn_utils_weight_norm("weight", case["dim_r"])
    wn.apply(lin)
    close(lin.weight_g._data, dec(case["g"]), 1e-6, "weight_g")
    assert lin.weight.grad_fn.name() == "WeightNormInterfaceBackward0"
    y = lin(rt.torch_tensor(dec(case["x"])))
    close(y._data, dec(case["y"]), 1e-5, "output")
    (y * rt.torch_tensor(dec(case["cot"]))).sum().backward()
    close(lin.weight_g.grad._data, dec(case["grad_g"]), 1e-5, "gradient of weight_g")
    close(lin.weight_v.grad._data, dec(case["grad_v"]), 1e-5, "gradient of weight_v")
    wn.remove(lin)
    assert sorted(lin.parameters) == ["bias", "weight"] and lin.weight.grad_fn is None
    close(lin.weight._data, dec(case["w0"]), 1e-6, "weight after remove")
