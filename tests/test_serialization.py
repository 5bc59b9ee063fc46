"""torch_save / torch_load / torch_serialize (R torch's serialization version 3), state dicts of every layer,
optimizer state dicts through a file, and load_state_dict of PyTorch checkpoints (fixtures written by PyTorch
2.13: tools/make_serialization_fixtures.py) through the restricted unpickler."""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy as st
from doc_examples import run_examples

import rtorch_py
from rtorch_py import (
    load_state_dict,
    nn_module,
    torch_load,
    torch_manual_seed,
    torch_ones,
    torch_randn,
    torch_save,
    torch_serialize,
    torch_tensor,
    torch_zeros,
)
from rtorch_py import nn as N
from rtorch_py import optim as O
from rtorch_py._core.tensor import Tensor
from rtorch_py._rds import RClassed, r_serialize, r_unserialize

FIX = Path(__file__).parent / "fixtures" / "serialization"
NP = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "int64": np.int64, "int32": np.int32,
      "int16": np.int16, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_}


def same(a: Tensor, b: Tensor) -> bool:
    return a._data.dtype == b._data.dtype and a._data.shape == b._data.shape and np.array_equal(a._data, b._data)


# -- tensors ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", list(NP))
@pytest.mark.parametrize("shape", [(), (0, 3), (5,), (2, 3, 4)])
def test_tensor_round_trip_every_dtype(dtype: str, shape: tuple) -> None:
    rng = np.random.default_rng(1)
    arr = (rng.standard_normal(shape) * 50).astype(NP[dtype])
    x = Tensor._wrap(arr)
    y = torch_load(torch_serialize(x))
    assert same(x, y) and y is not x and not y.requires_grad


def test_tensor_keeps_requires_grad_and_is_a_leaf() -> None:
    x = torch_randn(3, 3, requires_grad=True) * 2  # not a leaf: loads as a leaf requiring grad
    y = torch_load(torch_serialize(x))
    assert y.requires_grad and y.is_leaf and same(x.detach(), y.detach())


def test_paths_file_objects_and_bytes(tmp_path: Path) -> None:
    x = torch_randn(4)
    torch_save(x, tmp_path / "a.pt")
    torch_save(x, str(tmp_path / "b.pt"))
    buf = io.BytesIO()
    torch_save(x, buf)
    for src in (tmp_path / "a.pt", str(tmp_path / "b.pt"), io.BytesIO(buf.getvalue()), buf.getvalue()):
        assert same(torch_load(src), x)
    assert (tmp_path / "a.pt").read_bytes() == buf.getvalue() == torch_serialize(x)


def test_tensor_file_is_r_torch_layout() -> None:
    x = torch_randn(2, 3, requires_grad=True)
    data = torch_serialize(x)
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    assert set(header) == {"__metadata__", "...unnamed..."}
    assert header["...unnamed..."]["dtype"] == "F32" and header["...unnamed..."]["shape"] == [2, 3]
    meta = json.loads(header["__metadata__"]["__r__"])
    assert meta == {"type": "tensor", "version": 3, "requires_grad": {"...unnamed...": True}, "special_dtype": []}
    assert np.array_equal(st.load(data)["...unnamed..."], x._data)  # the safetensors package reads it


# -- lists --------------------------------------------------------------------------------------------------------

def test_nested_lists_keep_values_structure_and_sharing() -> None:
    z = torch_randn(3)
    obj = {"x": torch_randn(2, requires_grad=True), "n": [torch_tensor([1, 2]), z, z, 4.5, "s", None, True, 7],
           "d": {"inner": z, "t": (1, 2.5), "arr": np.arange(4, dtype=np.int16)}}
    out = torch_load(torch_serialize(obj))
    assert list(out) == ["x", "n", "d"]
    assert same(out["x"].detach(), obj["x"].detach()) and out["x"].requires_grad
    assert same(out["n"][0], obj["n"][0]) and out["n"][3:] == [4.5, "s", None, True, 7]
    assert out["n"][1] is out["n"][2] is out["d"]["inner"]  # one tensor, stored once
    assert out["d"]["t"] == (1, 2.5)
    assert out["d"]["arr"].dtype == np.int16 and out["d"]["arr"].tolist() == [0, 1, 2, 3]
    header = json.loads(torch_serialize(obj)[8:8 + struct.unpack("<Q", torch_serialize(obj)[:8])[0]])
    assert len([k for k in header if k not in ("__metadata__", "__robj__")]) == 3


def test_unnamed_list_and_int_keys() -> None:
    a, b = torch_randn(2), torch_randn(3)
    assert [same(u, v) for u, v in zip(torch_load(torch_serialize([a, b])), [a, b])] == [True, True]
    out = torch_load(torch_serialize({1: a, 2: {"k": b}}))  # an optimizer's state: keys become names
    assert same(out["1"], a) and same(out["2"]["k"], b)


def test_list_object_is_r_serialize_output() -> None:
    x = torch_randn(2)
    data = torch_serialize({"a": x, "b": 4.0})
    robj = st.load(data)["__robj__"].tobytes()
    tree = r_unserialize(robj)
    assert tree["b"] == 4.0
    assert tree["a"].classes == ["torch_tensor_address"] and tree["a"].value[0] in st.load(data)


def test_list_written_by_r_loads() -> None:
    # __robj__ is R's serialize() of list(a = <address "k1">, b = list(y = 4), c = "s") (written by R,
    # tools/make_serialization_fixtures.py); the file is assembled with the safetensors package
    robj = (FIX / "r_list.rds").read_bytes()
    tensors = {"k1": np.arange(6, dtype=np.float32).reshape(2, 3), "__robj__": np.frombuffer(robj, np.uint8)}
    meta = json.dumps({"type": "list", "version": 3, "requires_grad": {"k1": True}, "special_dtype": []})
    out = torch_load(st.save(tensors, metadata={"__r__": meta}))
    assert list(out) == ["a", "b", "c"]
    assert out["a"].requires_grad and out["a"]._data.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert out["b"] == {"y": 4.0} and out["c"] == "s"


def test_safetensors_file_with_r_torch_metadata(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    meta = json.dumps({"type": "tensor", "version": 3, "requires_grad": [], "special_dtype": []})
    st.save_file({"...unnamed...": np.array([[1, 2], [3, 4]], np.int32)}, path, metadata={"__r__": meta})
    y = torch_load(path)
    assert y._data.dtype == np.int32 and y._data.tolist() == [[1, 2], [3, 4]] and not y.requires_grad


def test_plain_safetensors_file_loads_as_dict_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "plain.safetensors"
    st.save_file({"w": np.ones((2, 2), np.float32), "b": np.zeros(2, np.float64)}, path)
    with pytest.warns(UserWarning, match="File not saved with `torch_save"):
        out = torch_load(path)
    assert set(out) == {"w", "b"} and out["b"]._data.dtype == np.float64


# -- modules ---------------------------------------------------------------------------------------------------------

def _seq_input():
    return (torch_randn(2, 4),)


# name -> (constructor, inputs for forward or None (state only))
LAYERS = {
    "nn_linear": (lambda: N.nn_linear(4, 3), _seq_input),
    "nn_bilinear": (lambda: N.nn_bilinear(3, 4, 2), lambda: (torch_randn(2, 3), torch_randn(2, 4))),
    "nn_conv1d": (lambda: N.nn_conv1d(2, 3, 3), lambda: (torch_randn(2, 2, 8),)),
    "nn_conv2d": (lambda: N.nn_conv2d(2, 3, 3, padding=1), lambda: (torch_randn(2, 2, 5, 5),)),
    "nn_conv_transpose1d": (lambda: N.nn_conv_transpose1d(2, 3, 3), lambda: (torch_randn(2, 2, 5),)),
    "nn_conv_transpose2d": (lambda: N.nn_conv_transpose2d(2, 3, 3), lambda: (torch_randn(2, 2, 4, 4),)),
    "nn_batch_norm1d": (lambda: N.nn_batch_norm1d(3), lambda: (torch_randn(4, 3),)),
    "nn_batch_norm2d": (lambda: N.nn_batch_norm2d(3), lambda: (torch_randn(2, 3, 4, 4),)),
    "nn_batch_norm3d": (lambda: N.nn_batch_norm3d(3), lambda: (torch_randn(2, 3, 2, 2, 2),)),
    "nn_group_norm": (lambda: N.nn_group_norm(2, 4), lambda: (torch_randn(2, 4, 3),)),
    "nn_layer_norm": (lambda: N.nn_layer_norm(4), _seq_input),
    "nn_embedding": (lambda: N.nn_embedding(10, 3), lambda: (torch_tensor([[1, 5], [10, 2]]),)),
    "nn_prelu": (lambda: N.nn_prelu(), _seq_input),
    "nn_rnn": (lambda: N.nn_rnn(4, 5, num_layers=2), lambda: (torch_randn(3, 2, 4),)),
    "nn_gru": (lambda: N.nn_gru(4, 5), lambda: (torch_randn(3, 2, 4),)),
    "nn_lstm": (lambda: N.nn_lstm(4, 5, bidirectional=True), lambda: (torch_randn(3, 2, 4),)),
    "nn_adaptive_log_softmax_with_loss": (lambda: N.nn_adaptive_log_softmax_with_loss(8, 10, [4, 8]), None),
    "nn_sequential": (lambda: N.nn_sequential(N.nn_linear(4, 5), N.nn_relu(), N.nn_linear(5, 2)), _seq_input),
    "nn_module_list": (lambda: N.nn_module_list([N.nn_linear(4, 2), N.nn_batch_norm1d(2)]), None),
    "nn_module_dict": (lambda: N.nn_module_dict({"a": N.nn_linear(4, 2), "b": N.nn_layer_norm(2)}), None),
    "nn_cross_entropy_loss": (lambda: N.nn_cross_entropy_loss(weight=torch_tensor([1.0, 2.0, 0.5])),
                              lambda: (torch_randn(4, 3), torch_tensor([1, 2, 3, 1]))),
    "nn_nll_loss": (lambda: N.nn_nll_loss(weight=torch_tensor([1.0, 2.0, 0.5])),
                    lambda: (torch_randn(4, 3), torch_tensor([1, 2, 3, 1]))),
    "nn_bce_loss": (lambda: N.nn_bce_loss(weight=torch_tensor([1.0, 2.0])),
                    lambda: (torch_tensor([[0.2, 0.7]]), torch_tensor([[0.0, 1.0]]))),
    "nn_bce_with_logits_loss": (lambda: N.nn_bce_with_logits_loss(pos_weight=torch_tensor([1.0, 3.0])),
                                lambda: (torch_randn(3, 2), torch_tensor([[0.0, 1.0]] * 3))),
    "nn_dropout": (lambda: N.nn_dropout(0.3), _seq_input),
    "nn_threshold": (lambda: N.nn_threshold(0.1, 20), _seq_input),
    "nn_softmax": (lambda: N.nn_softmax(2), _seq_input),
    "nn_softmin": (lambda: N.nn_softmin(2), _seq_input),
    "nn_log_softmax": (lambda: N.nn_log_softmax(2), _seq_input),
    "nn_max_pool1d": (lambda: N.nn_max_pool1d(2), lambda: (torch_randn(2, 3, 6),)),
    "nn_max_pool2d": (lambda: N.nn_max_pool2d(2), lambda: (torch_randn(2, 3, 6, 6),)),
    "nn_avg_pool1d": (lambda: N.nn_avg_pool1d(2), lambda: (torch_randn(2, 3, 6),)),
    "nn_avg_pool2d": (lambda: N.nn_avg_pool2d(2), lambda: (torch_randn(2, 3, 6, 6),)),
    "nn_adaptive_avg_pool1d": (lambda: N.nn_adaptive_avg_pool1d(3), lambda: (torch_randn(2, 3, 6),)),
    "nn_adaptive_avg_pool2d": (lambda: N.nn_adaptive_avg_pool2d(3), lambda: (torch_randn(2, 3, 6, 6),)),
    "nn_adaptive_max_pool1d": (lambda: N.nn_adaptive_max_pool1d(3), lambda: (torch_randn(2, 3, 6),)),
    "nn_adaptive_max_pool2d": (lambda: N.nn_adaptive_max_pool2d(3), lambda: (torch_randn(2, 3, 6, 6),)),
    "nn_unflatten": (lambda: N.nn_unflatten(2, [2, 2]), _seq_input),
    # attention, transformers, 3-d and vision layers
    "nn_multihead_attention": (lambda: N.nn_multihead_attention(4, 2, add_bias_kv=True),
                               lambda: (torch_randn(3, 2, 4), torch_randn(3, 2, 4), torch_randn(3, 2, 4))),
    "nn_transformer_encoder_layer": (lambda: N.nn_transformer_encoder_layer(4, 2, 8, dropout=0.0),
                                     lambda: (torch_randn(3, 2, 4),)),
    "nn_transformer_encoder": (lambda: N.nn_transformer_encoder(N.nn_transformer_encoder_layer(4, 2, 8, dropout=0.0),
                                                                2), lambda: (torch_randn(3, 2, 4),)),
    "nn_conv3d": (lambda: N.nn_conv3d(2, 3, 2), lambda: (torch_randn(1, 2, 3, 3, 3),)),
    "nn_conv_transpose3d": (lambda: N.nn_conv_transpose3d(2, 3, 2), lambda: (torch_randn(1, 2, 2, 2, 2),)),
    "nn_max_pool3d": (lambda: N.nn_max_pool3d(2), lambda: (torch_randn(1, 2, 4, 4, 4),)),
    "nn_avg_pool3d": (lambda: N.nn_avg_pool3d(2), lambda: (torch_randn(1, 2, 4, 4, 4),)),
    "nn_adaptive_avg_pool3d": (lambda: N.nn_adaptive_avg_pool3d(2), lambda: (torch_randn(1, 2, 4, 4, 4),)),
    "nn_adaptive_max_pool3d": (lambda: N.nn_adaptive_max_pool3d(2), lambda: (torch_randn(1, 2, 4, 4, 4),)),
    "nn_lp_pool1d": (lambda: N.nn_lp_pool1d(2, 2), lambda: (torch_randn(2, 3, 6),)),
    "nn_lp_pool2d": (lambda: N.nn_lp_pool2d(2, 2), lambda: (torch_randn(2, 3, 6, 6),)),
    "nn_max_unpool1d": (lambda: N.nn_max_unpool1d(2), None),
    "nn_max_unpool2d": (lambda: N.nn_max_unpool2d(2), None),
    "nn_max_unpool3d": (lambda: N.nn_max_unpool3d(2), None),
    "nn_fractional_max_pool2d": (lambda: N.nn_fractional_max_pool2d(2, output_size=3), None),
    "nn_fractional_max_pool3d": (lambda: N.nn_fractional_max_pool3d(2, output_size=3), None),
    "nn_upsample": (lambda: N.nn_upsample(scale_factor=2, mode="bilinear"), lambda: (torch_randn(1, 2, 3, 3),)),
    "nn_pixel_shuffle": (lambda: N.nn_pixel_shuffle(2), lambda: (torch_randn(1, 8, 2, 2),)),
    "nn_pixel_unshuffle": (lambda: N.nn_pixel_unshuffle(2), lambda: (torch_randn(1, 2, 4, 4),)),
    "nn_unfold": (lambda: N.nn_unfold(2), lambda: (torch_randn(1, 2, 4, 4),)),
    "nn_fold": (lambda: N.nn_fold(3, 2), lambda: (torch_randn(1, 8, 4),)),
    "nn_local_response_norm": (lambda: N.nn_local_response_norm(2), lambda: (torch_randn(2, 4, 3),)),
    "nn_embedding_bag": (lambda: N.nn_embedding_bag(10, 3), lambda: (torch_tensor([[1, 5], [10, 2]]),)),
    "nn_contrib_sparsemax": (lambda: N.nn_contrib_sparsemax(), _seq_input),
}
# Modules without a required argument: built with defaults, checked on a (2, 4) input or for their fields.
NO_ARGS_FORWARD = ["nn_alpha_dropout", "nn_celu", "nn_dropout2d", "nn_dropout3d", "nn_elu", "nn_flatten", "nn_gelu",
                   "nn_glu", "nn_hardshrink", "nn_hardsigmoid", "nn_hardswish", "nn_hardtanh", "nn_identity",
                   "nn_leaky_relu", "nn_log_sigmoid", "nn_mish", "nn_relu", "nn_relu6", "nn_rrelu", "nn_selu",
                   "nn_sigmoid", "nn_silu", "nn_softplus", "nn_softshrink", "nn_softsign", "nn_tanh",
                   "nn_tanhshrink"]
NO_ARGS_FIELDS = ["nn_aum_loss", "nn_cosine_embedding_loss", "nn_ctc_loss", "nn_hinge_embedding_loss",
                  "nn_huber_loss", "nn_kl_div_loss", "nn_l1_loss", "nn_margin_ranking_loss", "nn_mse_loss",
                  "nn_multi_margin_loss", "nn_multilabel_margin_loss", "nn_multilabel_soft_margin_loss",
                  "nn_poisson_nll_loss", "nn_smooth_l1_loss", "nn_soft_margin_loss", "nn_triplet_margin_loss",
                  "nn_triplet_margin_with_distance_loss", "nn_softmax2d", "nn_pairwise_distance"]
NOT_LAYERS = {"nn_Module", "nn_module_print_width", "nn_loss", "nn_weighted_loss"}  # bases and a setting


def test_every_layer_is_covered() -> None:
    exported = {n for n in dir(rtorch_py) if n.startswith("nn_") and isinstance(getattr(rtorch_py, n), type)}
    assert exported - NOT_LAYERS == set(LAYERS) | set(NO_ARGS_FORWARD) | set(NO_ARGS_FIELDS)


def _perturb(m) -> None:
    """Values no fresh module has (so a load that copies nothing fails), running stats included."""
    rng = np.random.default_rng(3)
    for t in m.state_dict(keepvars=True).values():
        if t._data.dtype.kind == "f":
            t._data[...] = rng.uniform(0.5, 1.5, t._data.shape).astype(t._data.dtype)  # variances stay > 0
        elif t._data.dtype.kind == "i":
            t._data[...] = 5


def _outputs(m, inputs):
    torch_manual_seed(11)
    out = m(*inputs)
    return out[0] if isinstance(out, (tuple, list)) else out


def _fields(m) -> dict:
    return {k: v for k, v in m.__dict__.items()
            if k != "_training" and not isinstance(v, (Tensor, N.nn_Module, dict, set))}


def _check_same_module(a, b, make_inputs) -> None:
    assert type(a) is type(b) and a.training == b.training
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb) and all(same(sa[k], sb[k]) for k in sa)
    pa, pb = a.parameters, b.parameters
    assert pa.names() == pb.names() and [p.requires_grad for p in pa.values()] == [p.requires_grad for p in pb.values()]
    assert _fields(a) == _fields(b)
    if make_inputs is not None:
        a.eval()
        b.eval()
        inputs = make_inputs()
        assert same(_outputs(a, inputs).detach(), _outputs(b, inputs).detach())


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_save_load_and_state_dict(name: str) -> None:
    make, make_inputs = LAYERS[name]
    torch_manual_seed(1)
    m = make()
    _perturb(m)
    loaded = torch_load(torch_serialize(m))
    _check_same_module(m, loaded, make_inputs)
    # state_dict() -> load_state_dict() into a fresh module, strict, also through a file
    fresh = make().train(m.training)  # the mode is not part of a state dict
    fresh.load_state_dict(torch_load(torch_serialize(m.state_dict())))
    _check_same_module(m, fresh, make_inputs)


@pytest.mark.parametrize("name", NO_ARGS_FORWARD + NO_ARGS_FIELDS)
def test_layer_without_arguments(name: str) -> None:
    m = getattr(rtorch_py, name)()
    loaded = torch_load(torch_serialize(m))
    _check_same_module(m, loaded, _seq_input if name in NO_ARGS_FORWARD else None)


def test_load_state_dict_strict_and_not_strict() -> None:
    m = N.nn_linear(3, 2)
    sd = m.state_dict()
    del sd["bias"]
    sd["extra"] = torch_randn(1)
    with pytest.raises(ValueError) as e:
        N.nn_linear(3, 2).load_state_dict(sd)
    msg = str(e.value)
    assert 'Missing key(s) in state_dict: "bias".' in msg and 'Unexpected key(s) in state_dict: "extra".' in msg
    assert "Error(s) in loading state_dict for <nn_linear>" in msg
    other = N.nn_linear(3, 2)
    bias = other.bias._data.copy()
    other.load_state_dict(sd, strict=False)
    assert same(other.weight, m.weight) and np.array_equal(other.bias._data, bias)
    with pytest.raises(RuntimeError, match=r"size mismatch for weight: copying a param with shape \[2, 3\]"):
        N.nn_linear(4, 2).load_state_dict(m.state_dict())


def test_load_state_dict_refer_to_state_dict() -> None:
    a = N.nn_sequential(N.nn_linear(2, 1), N.nn_batch_norm1d(1))
    sd = torch_load(torch_serialize(a.state_dict()))
    b = N.nn_sequential(N.nn_linear(2, 1), N.nn_batch_norm1d(1))
    b.load_state_dict(sd, **{".refer_to_state_dict": True})  # R torch's argument, as R passes it
    assert b.parameters["0.weight"] is sd["0.weight"] and b[1].running_mean is sd["1.running_mean"]
    assert b[0].weight.requires_grad and not b[1].running_mean.requires_grad
    with pytest.raises(TypeError, match="load_state_dict: unused argument"):
        b.load_state_dict(sd, foo=1)


def test_custom_module_shared_parameters_requires_grad_and_fields() -> None:
    Net = nn_module("SaveNet",
                    initialize=lambda self: (setattr(self, "a", N.nn_linear(3, 3)), setattr(self, "k", 7),
                                             setattr(self, "names", ("x", "y"))),
                    forward=lambda self, x: self.a(x) * self.k)
    m = Net()
    m.b = m.a  # the same submodule twice
    m.a.bias.requires_grad_(False)
    m.eval()
    m2 = torch_load(torch_serialize(m))
    assert type(m2) is Net and m2.b is m2.a and m2.k == 7 and m2.names == ("x", "y") and not m2.training
    assert not m2.a.bias.requires_grad and m2.a.weight.requires_grad and m2.a.weight.is_leaf
    x = torch_randn(2, 3)
    assert same(m(x).detach(), m2(x).detach())
    m2.a.weight.sum().backward()  # loaded parameters train
    assert m2.a.weight.grad is not None


def test_module_file_is_safetensors_with_state_dict_names() -> None:
    m = N.nn_sequential(N.nn_linear(2, 2), N.nn_batch_norm1d(2))
    data = torch_serialize(m)
    names = set(st.load(data))
    assert set(m.state_dict()) | {"__robj__"} == names
    meta = json.loads(json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])["__metadata__"]["__r__"])
    assert meta["type"] == "module" and meta["requires_grad"] == {k: True for k in m.parameters.names()}


def _as_if_from_another_process(data: bytes, **changes: str) -> bytes:
    """The file with its object's class token (and ``changes``) rewritten: loading it cannot use the class
    object of this process."""
    arrays = st.load(data)
    tree = r_unserialize(arrays.pop("__robj__").tobytes())
    tree.value.update(token="other-process:1", **changes)
    arrays["__robj__"] = np.frombuffer(r_serialize(tree), np.uint8)
    header = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])
    return st.save(arrays, metadata=header["__metadata__"])


def test_module_class_must_exist() -> None:
    data = _as_if_from_another_process(torch_serialize(N.nn_linear(2, 2)), **{"class": "nowhere:Missing",
                                                                              "classname": "Missing"})
    with pytest.raises(ValueError, match=r"class 'Missing', which is not defined in this session"):
        torch_load(data)


def test_run_time_class_is_found_by_name_even_if_it_shadows_a_layer() -> None:
    Shadow = nn_module("nn_relu", initialize=lambda self: setattr(self, "w", N.nn_parameter(torch_randn(1))),
                       forward=lambda self, x: x * self.w)
    m = Shadow()
    out = torch_load(_as_if_from_another_process(torch_serialize(m)))
    assert type(out) is Shadow and same(out.w, m.w)
    relu = torch_load(_as_if_from_another_process(torch_serialize(N.nn_relu())))
    assert type(relu) is N.nn_relu


def test_r_torch_module_file_is_a_clear_error() -> None:
    # R torch stores the module's R6 object (R closures and environments) in __robj__
    robj = (FIX / "r_closure.rds").read_bytes()
    tensors = {"weight": np.ones((1, 1), np.float32), "__robj__": np.frombuffer(robj, np.uint8)}
    meta = json.dumps({"type": "module", "version": 3, "requires_grad": {"weight": True}, "special_dtype": []})
    with pytest.raises(ValueError, match=r"holds an R torch module \(an R6 object saved by R torch\)"):
        torch_load(st.save(tensors, metadata={"__r__": meta}))


class Stateful:
    """An object with a state_dict (R torch saves datasets this way)."""

    def __init__(self) -> None:
        self.x = torch_randn(3)
        self.n = 4

    def state_dict(self) -> dict:
        return {"x": self.x}

    def load_state_dict(self, sd: dict) -> None:
        self.x = sd["x"]


def test_object_with_state_dict() -> None:
    s = Stateful()
    out = torch_load(torch_serialize(s))
    assert type(out) is Stateful and out.n == 4 and same(out.x, s.x)
    data = torch_serialize(s)
    assert json.loads(json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])["__metadata__"]["__r__"])["type"] \
        == "state_dict"


# -- datasets (R torch's "can save datasets with ser3") ---------------------------------------------------------------

Pairs = rtorch_py.dataset(
    "ser_pairs",
    initialize=lambda self, n: (setattr(self, "x", torch_randn(n, 3)), setattr(self, "y", torch_randn(n)),
                                setattr(self, "n", n), setattr(self, "parts", [torch_ones(2)])),
    **{".getitem": lambda self, i: [self.x[i - 1], self.y[i - 1]], ".length": lambda self: self.n})


def test_dataset_state_dict_is_its_flat_tensor_fields() -> None:
    ds = Pairs(4)
    assert list(ds.state_dict()) == ["x", "y"]  # not n, not the tensor inside the list
    ds.load_state_dict({"x": torch_ones(2, 3)})
    assert ds.x.tolist() == [[1.0] * 3] * 2
    t = torch_zeros(2)
    ds.load_state_dict({"y": t}, **{".refer_to_state_dict": True})
    assert ds.y is t
    with pytest.raises(TypeError, match="load_state_dict: `x` must be a named list of tensors"):
        ds.load_state_dict([torch_ones(1)])


def test_dataset_round_trip_keeps_fields_and_items(tmp_path: Path) -> None:
    ds = Pairs(5)
    ds.x.requires_grad_(True)
    torch_save(ds, tmp_path / "ds.pt")
    data = (tmp_path / "ds.pt").read_bytes()
    header = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])
    meta = json.loads(header["__metadata__"]["__r__"])
    assert meta["type"] == "state_dict" and meta["requires_grad"] == {"x": True}  # as R torch writes a dataset
    assert {"x", "y", "__robj__"} <= set(header)
    out = torch_load(tmp_path / "ds.pt")
    assert type(out) is Pairs and len(out) == 5 and out.n == 5
    assert same(out.x, ds.x) and out.x.requires_grad and same(out.parts[0], ds.parts[0])
    assert same(out.get_item(3)[1], ds.get_item(3)[1])
    again = torch_load(_as_if_from_another_process(data))  # found by name, as in a new session
    assert type(again) is Pairs and same(again.y, ds.y)


def test_builtin_datasets_round_trip() -> None:
    td = rtorch_py.tensor_dataset(torch_randn(4, 2), torch_tensor([1, 2, 3, 4]))
    out = torch_load(torch_serialize(td))
    assert len(out) == 4 and same(out.get_item(2)[0], td.get_item(2)[0]) and out.get_item(2)[1].item() == 2


def test_dataset_without_its_generator_is_a_clear_error() -> None:
    data = _as_if_from_another_process(torch_serialize(Pairs(2)), **{"class": "nowhere:Gone", "classname": "Gone"})
    with pytest.raises(ValueError, match=r"holds a dataset of class 'Gone', which is not defined in this session: "
                                         r"define its generator \(e.g. Gone <- dataset\(\"Gone\", ...\)\)"):
        torch_load(data)


# -- optimizers ---------------------------------------------------------------------------------------------------

OPTIMIZERS = {
    "sgd": lambda p: O.optim_sgd(p, lr=0.05, momentum=0.9, nesterov=True),
    "adam": lambda p: O.optim_adam(p, lr=0.05, amsgrad=True),
    "adamw": lambda p: O.optim_adamw(p, lr=0.05),
    "rmsprop": lambda p: O.optim_rmsprop(p, lr=0.01, momentum=0.5, centered=True),
    "adagrad": lambda p: O.optim_adagrad(p, lr=0.1),
    "adadelta": lambda p: O.optim_adadelta(p),
    "asgd": lambda p: O.optim_asgd(p, lr=0.05, t0=2),
    "rprop": lambda p: O.optim_rprop(p, lr=0.01),
}


def _train(model, opt, x, y, steps: int) -> None:
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_state_dict_through_a_file_resumes_the_same_trajectory(name: str, tmp_path: Path) -> None:
    make = OPTIMIZERS[name]
    torch_manual_seed(5)
    x, y = torch_randn(16, 3), torch_randn(16, 1)
    torch_manual_seed(6)
    ref = N.nn_sequential(N.nn_linear(3, 4), N.nn_relu(), N.nn_linear(4, 1))
    model = torch_load(torch_serialize(ref))
    ref_opt = make(ref.parameters)
    _train(ref, ref_opt, x, y, 8)  # uninterrupted: 8 steps

    opt = make(model.parameters)
    _train(model, opt, x, y, 3)
    torch_save(model, tmp_path / "model.pt")
    torch_save(opt.state_dict(), tmp_path / "opt.pt")
    model2 = torch_load(tmp_path / "model.pt")
    opt2 = make(model2.parameters)
    opt2.load_state_dict(torch_load(tmp_path / "opt.pt"))
    _train(model2, opt2, x, y, 5)
    for k, p in ref.parameters.items():
        assert np.array_equal(p._data, model2.parameters[k]._data), k


def test_optimizer_state_dict_from_r_shapes() -> None:
    # R hands a one-parameter group's `params` as a number and `betas` as a numeric vector
    x = torch_tensor([1.0], requires_grad=True)
    opt = O.optim_adam([x], lr=0.1)
    (2 * x).sum().backward()
    opt.step()
    sd = opt.state_dict()
    r_like = {"param_groups": [{**sd["param_groups"][0], "params": 1, "betas": np.array([0.5, 0.6])}],
              "state": {"1": sd["state"][1]}}
    opt2 = O.optim_adam([x])
    opt2.load_state_dict(r_like)
    assert opt2.param_groups[0]["betas"] == (0.5, 0.6) and opt2.param_groups[0]["lr"] == 0.1
    assert opt2.state[x]["step"] == 1 and opt2.state[x]["exp_avg"] is not sd["state"][1]["exp_avg"]


# -- PyTorch checkpoints ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fname", ["state_dict_zip.pt", "state_dict_legacy.pt"])
def test_pytorch_checkpoint_loads_with_equal_values(fname: str) -> None:
    expected = json.loads((FIX / "expected.json").read_text())
    sd = load_state_dict(FIX / fname)
    assert list(sd) == list(expected)
    for k, t in sd.items():
        e = expected[k]
        want = np.array(e["values"], dtype=NP[e["dtype"]]).reshape(e["shape"])
        assert t._data.dtype == want.dtype and t._data.shape == want.shape and np.array_equal(t._data, want), k
        assert not t.requires_grad
    sd["view_t"]._data[0, 0] = -1  # views come back as their own tensors
    assert sd["view_row"]._data[0] == 12


def test_pytorch_parameters_keep_requires_grad() -> None:
    sd = load_state_dict(FIX / "parameters.pt")
    assert sd["w"].requires_grad and not sd["frozen"].requires_grad
    assert sd["frozen"]._data.tolist() == [2.0, 2.0, 2.0]


def test_pytorch_checkpoint_into_a_model() -> None:
    sd = load_state_dict(FIX / "state_dict_zip.pt")
    model = N.nn_sequential(N.nn_linear(3, 4), N.nn_batch_norm1d(4), N.nn_linear(4, 2))
    model.load_state_dict({k: v for k, v in sd.items() if k[0].isdigit()})
    assert same(model[1].running_mean, sd["1.running_mean"]) and int(model[1].num_batches_tracked.item()) == 1


class _Evil:
    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


class _EvilOpen:
    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (open, (self.target, "w"))


@pytest.mark.parametrize("payload", [_Evil, _EvilOpen])
@pytest.mark.parametrize("fmt", ["zip", "legacy"])
def test_malicious_pickle_is_refused_and_creates_nothing(tmp_path: Path, payload: type, fmt: str) -> None:
    target = tmp_path / "pwned"
    evil = pickle.dumps({"weight": payload(str(target))}, protocol=2)
    path = tmp_path / "evil.pt"
    if fmt == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("archive/data.pkl", evil)
            z.writestr("archive/version", "3\n")
    else:
        path.write_bytes(b"".join(pickle.dumps(v, protocol=2) for v in (0x1950A86A20F9469CFC6C, 1001, {})) + evil)
    name = "posix.system" if payload is _Evil else "io.open"
    with pytest.raises(pickle.UnpicklingError, match=rf"refusing to load global '{name}'"):
        load_state_dict(path)
    assert not target.exists()


def test_checkpoint_geometry_outside_storage_is_refused(tmp_path: Path) -> None:
    from rtorch_py._pt_pickle import _rebuild_tensor_v2, _Storage

    with pytest.raises(pickle.UnpicklingError, match="lies outside its storage of 4 elements"):
        _rebuild_tensor_v2(_Storage(np.zeros(4, np.float32)), 2, (2, 2), (2, 1))
    with pytest.raises(ValueError, match="not a PyTorch checkpoint"):
        (tmp_path / "junk.pt").write_bytes(b"junk")
        load_state_dict(tmp_path / "junk.pt")


# -- errors -----------------------------------------------------------------------------------------------------------

def test_errors(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="torch_save: cannot save an object of type function"):
        torch_serialize(lambda: 1)
    with pytest.raises(TypeError, match=r"torch_save: cannot save obj\$f, a value of type builtin_function_or_method"):
        torch_serialize({"f": print})
    with pytest.raises(TypeError, match=r"cannot save an optimizer or scheduler \(optim_sgd\) itself"):
        torch_serialize(O.optim_sgd([torch_randn(1, requires_grad=True)], lr=0.1))
    with pytest.raises(ValueError, match="Unexpected device NULL"):
        torch_load(torch_serialize(torch_randn(1)), device=None)
    with pytest.raises(RuntimeError, match="CPU only"):
        torch_load(torch_serialize(torch_randn(1)), device="cuda")
    with pytest.raises(ValueError, match="RDS file"):
        torch_load(b"X\n\x00\x00\x00\x03")
    with pytest.raises(ValueError, match="too short"):
        torch_load(b"abc")
    with pytest.raises(ValueError, match="header is truncated"):
        torch_load(struct.pack("<Q", 1000) + b"{}")
    good = torch_serialize(torch_randn(2))
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        torch_load(good[:-4])
    with pytest.raises(ValueError, match="'__r__' metadata is not a JSON object"):
        torch_load(st.save({"x": np.zeros(1, np.float32)}, metadata={"__r__": "{broken"}))
    with pytest.raises(TypeError, match="`path` must be a file path"):
        torch_save(torch_randn(1), 3)
    with pytest.raises(ValueError, match="dtype BF16, which rtorch_py does not support"):
        torch_load(st.save({"x": np.zeros(2, np.float16)}).replace(b'"F16"', b'"BF16"', 1))


def test_rds_codec_round_trip() -> None:
    v = {"a": 1.5, "b": [1, "x", None], "c": np.arange(6).reshape(2, 3), "d": RClassed(["k"], ["cls"]),
         "e": b"\x00\x01", "f": [True, False], "g": "é"}
    out = r_unserialize(r_serialize(v))
    assert out["a"] == 1.5 and out["b"] == [1, "x", None] and out["e"] == b"\x00\x01" and out["g"] == "é"
    assert out["c"].tolist() == [[0, 1, 2], [3, 4, 5]] and out["d"] == RClassed(["k"], ["cls"])
    assert out["f"] == [True, False]


def test_rds_reads_r_output() -> None:
    # R's serialize(list(a = structure("k1", class = "torch_tensor_address"), b = list(y = 4), c = "s"), NULL)
    tree = r_unserialize((FIX / "r_list.rds").read_bytes())
    assert tree["a"] == RClassed(["k1"], ["torch_tensor_address"]) and tree["b"] == {"y": 4.0} and tree["c"] == "s"
    with pytest.raises(ValueError, match="value of type 'closure', which only R can read"):
        r_unserialize((FIX / "r_closure.rds").read_bytes())


@pytest.mark.parametrize("name", ["serialization", "_rds"])
def test_docstring_examples(name: str) -> None:
    import importlib

    assert run_examples(importlib.import_module(f"rtorch_py.{name}")).failed == 0


def test_complex_tensor_round_trip() -> None:
    """A cfloat tensor is stored as safetensors' C64 and comes back equal (R torch's test-save block)."""
    z = rtorch_py.torch_complex(rtorch_py.torch_randn(4, 3), rtorch_py.torch_randn(4, 3))
    back = rtorch_py.torch_load(rtorch_py.torch_serialize(z))
    assert back._data.dtype == np.complex64
    np.testing.assert_array_equal(back._data, z._data)


def test_module_skeleton_keeps_structure_and_no_values() -> None:
    # what saveRDS() keeps of a module (the bridge asks at serialization; R torch keeps no tensor data either)
    from rtorch_py._core.meta import MetaArray
    from rtorch_py.serialization import module_from_skeleton, module_skeleton

    Net = nn_module("SkeletonNet", initialize=lambda self: (
        setattr(self, "fc", N.nn_linear(3, 2)), setattr(self, "again", self.fc),
        setattr(self, "bn", N.nn_batch_norm1d(2)), setattr(self, "k", 3)),
        forward=lambda self, x: self.bn(self.fc(x)) * self.k)
    m = Net()
    m.fc.bias.requires_grad_(False)
    data = module_skeleton(m)
    values = m.fc.weight._data.tobytes()
    assert values not in data  # no tensor values
    back = module_from_skeleton(data)
    assert type(back) is Net and back.k == 3 and back.again is back.fc
    for (key, t), (_, orig) in zip(back.state_dict(keepvars=True).items(), m.state_dict(keepvars=True).items()):
        assert isinstance(t._data, MetaArray), key
        assert (t.shape, t.dtype, t.requires_grad, t._is_param) == \
            (orig.shape, orig.dtype, orig.requires_grad, orig._is_param), key
    # load_state_dict gives the meta tensors copies of the values, in their dtype, keeping requires_grad
    sd = m.state_dict()
    back.load_state_dict(sd)
    m.eval()
    back.eval()
    x = torch_randn(4, 3)
    assert np.array_equal(back(x)._data, m(x)._data)
    assert back.fc.weight.requires_grad and not back.fc.bias.requires_grad and back.fc.weight._is_param
    assert back.again is back.fc and back.fc.weight is not sd["fc.weight"]
    assert not np.shares_memory(back.fc.weight._data, sd["fc.weight"]._data)
    # a field that cannot be described (only R can describe R values): no description
    m.other = object()
    assert module_skeleton(m) is None


def test_load_state_dict_gives_meta_tensors_values_in_their_dtype() -> None:
    m = rtorch_py.with_device(lambda: N.nn_linear(2, 2), device="meta")
    m.to(dtype=rtorch_py.torch_float64())
    src = N.nn_linear(2, 2)
    m.load_state_dict(src.state_dict())
    assert m.weight.device.type == "cpu" and m.weight.dtype == rtorch_py.torch_float64()
    assert np.array_equal(m.weight._data, src.weight._data.astype(np.float64)) and m.weight._is_param
