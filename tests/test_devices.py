"""Devices (libtorch's parsing; CPU and meta tensors; the default-device context), meta tensors (shape and
dtype without data), the old seeding option, and the small objects of rtorch_py/internals.py."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py._core.meta import MetaArray


def test_device_objects_parse_as_libtorch() -> None:
    d = rt.torch_device("cuda:1")
    assert (d.type, d.index, str(d), repr(d)) == ("cuda", 1, "cuda:1", "torch_device(type='cuda', index=1)")
    assert rt.torch_device("cuda", 1) == d and rt.torch_device("cuda") != d
    assert rt.torch_device("cpu", 0).index == 0 and rt.torch_device("cpu").index is None
    assert str(rt.torch_device("mps")) == "mps" and rt.torch_device("cpu") != rt.torch_device("cpu", 0)
    with pytest.raises(RuntimeError, match="type should not include an index because index was passed explicitly"):
        rt.torch_device("cuda:0", 1)
    with pytest.raises(RuntimeError, match=r"Expected one of cpu, cuda, .* device type at start of device string: "
                                           r"gpu"):
        rt.torch_device("gpu")
    with pytest.raises(RuntimeError, match="Invalid device string: 'cuda:x'"):
        rt.torch_device("cuda:x")
    with pytest.raises(RuntimeError, match="Device index must not be negative"):
        rt.torch_device("cuda", -1)
    assert rt.is_meta_device(rt.torch_device("meta")) and not rt.is_meta_device(rt.torch_ones(1).device)
    assert rt.is_cuda_device(d) and rt.is_cpu_device(rt.torch_ones(1).device)


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps", "xla"])
def test_tensors_on_other_devices_are_a_clear_error(device: str) -> None:
    for make in (lambda: rt.torch_randn(2, device=device), lambda: rt.torch_tensor([1.0], device=device),
                 lambda: rt.torch_ones(2).to(device=device), lambda: rt.nn_linear(1, 1).to(device=device)):
        with pytest.raises(RuntimeError, match=f"device '{device}': not supported in rtorch_py"):
            make()
    with pytest.raises(RuntimeError, match="not supported in rtorch_py"):
        rt.with_device(lambda: None, device=device)


def test_meta_tensors_have_shape_and_dtype_only() -> None:
    x = rt.torch_randn(1000, 1000, device="meta")
    assert isinstance(x._data, MetaArray) and x._data.strides == (0, 0)  # no memory in its size
    assert x.shape == (1000, 1000) and x.dtype == rt.torch_float() and x.device.type == "meta"
    assert x.device == rt.torch_device("meta") and x.device != rt.torch_ones(1).device
    assert repr(rt.torch_zeros(2, 3, dtype=rt.torch_long(), device="meta")).splitlines() == [
        "torch_tensor", "...", "[ METALongType{2,3} ]"]
    # views and elementwise ops give meta tensors (shape broadcast, dtype promoted)
    y = x[:2] * rt.torch_ones(1000) + 1
    assert (y.shape, y.device.type, y.dtype) == ((2, 1000), "meta", rt.torch_float())
    assert (x > 0).dtype == rt.torch_bool() and (x > 0).device.type == "meta"
    assert x.t().reshape(-1).device.type == "meta" and x.exp().device.type == "meta"
    assert rt.torch_ones(3).to(device="meta").device.type == "meta"
    assert rt.torch_zeros_like(x).device.type == "meta"


def test_reading_meta_values_is_a_clear_error() -> None:
    x = rt.torch_randn(3, device="meta")
    for op, what in ((lambda: x.sum(), "add.reduce"), (lambda: x[0].item(), "item"),
                     (lambda: rt.as_array(x), "as_array"), (lambda: x.view(1, 3).mm(x.view(3, 1)), "matmul")):
        with pytest.raises(RuntimeError, match=f"{what}: not supported in rtorch_py on meta tensors"):
            op()
    with pytest.raises(RuntimeError, match="Cannot copy out of meta tensor; no data!"):
        x.cpu()
    with pytest.raises(RuntimeError, match="Cannot copy out of meta tensor; no data!"):
        x.to(device="cpu")


def test_meta_tensors_draw_no_random_numbers() -> None:
    rt.torch_manual_seed(3)
    expected = rt.torch_randn(4).tolist()
    rt.torch_manual_seed(3)
    rt.torch_randn(5, device="meta")
    rt.torch_rand(5, device="meta")
    rt.torch_randint(0, 3, 5, device="meta")
    rt.torch_randperm(5, device="meta")
    assert rt.torch_randn(4).tolist() == expected


def test_default_device_context_nests_and_restores() -> None:
    def body() -> tuple:
        x = rt.torch_randn(2)
        a = rt.with_device(lambda: rt.torch_randn(2), device="cpu")
        return x, a, rt.torch_tensor([1.0])

    x, a, t = rt.with_device(body, device="meta")
    assert (x.device.type, a.device.type, t.device.type) == ("meta", "cpu", "meta")
    assert rt.torch_randn(1).device.type == "cpu"
    with pytest.raises(ZeroDivisionError):
        rt.with_device(lambda: 1 / 0, device="meta")
    assert rt.torch_zeros(1).device.type == "cpu"  # restored after an error too


def test_module_to_meta() -> None:
    m = rt.nn_linear(2, 3)
    m.to(device="meta")
    assert m.weight.device.type == "meta" and m.weight.shape == (3, 2) and m.weight._is_param
    assert "weight" in m.parameters.keys()


_LAYERS = {  # every layer that allocates parameters or buffers itself (nn/module.py's layer_tensor)
    "linear": lambda: rt.nn_linear(4, 3), "bilinear": lambda: rt.nn_bilinear(2, 3, 4),
    "conv2d": lambda: rt.nn_conv2d(3, 5, 3), "conv_transpose1d": lambda: rt.nn_conv_transpose1d(2, 4, 3),
    "conv3d": lambda: rt.nn_conv3d(2, 2, 2), "batch_norm2d": lambda: rt.nn_batch_norm2d(4),
    "layer_norm": lambda: rt.nn_layer_norm(4), "group_norm": lambda: rt.nn_group_norm(2, 4),
    "embedding": lambda: rt.nn_embedding(5, 3, padding_idx=2),
    "embedding_bag": lambda: rt.nn_embedding_bag(5, 3, padding_idx=2), "prelu": lambda: rt.nn_prelu(3),
    "gru": lambda: rt.nn_gru(3, 4, num_layers=2, bidirectional=True), "lstm": lambda: rt.nn_lstm(3, 4),
    "rnn": lambda: rt.nn_rnn(3, 4), "mha": lambda: rt.nn_multihead_attention(8, 2, add_bias_kv=True, kdim=4),
    "transformer": lambda: rt.nn_transformer_encoder_layer(8, 2, dim_feedforward=16),
}


@pytest.mark.parametrize("name", sorted(_LAYERS))
def test_layers_made_on_the_meta_device_are_meta_and_draw_nothing(name: str) -> None:
    # R torch: with_device(device = "meta", nn_linear(10, 10)) makes meta parameters; libtorch's init kernels
    # on meta tensors draw nothing, so the generator's stream is where it was
    cpu = _LAYERS[name]()
    rt.torch_manual_seed(7)
    expected = rt.torch_randn(3)._data
    rt.torch_manual_seed(7)
    meta = rt.with_device(_LAYERS[name], device="meta")
    assert np.array_equal(rt.torch_randn(3)._data, expected)  # nothing was drawn making the meta layer
    for key, t in meta.state_dict().items():
        c = cpu.state_dict()[key]
        assert isinstance(t._data, MetaArray) and t.device.type == "meta", key
        assert (t.shape, t.dtype, t.requires_grad) == (c.shape, c.dtype, c.requires_grad), key
    assert [p._is_param for p in meta.parameters] == [p._is_param for p in cpu.parameters]
    assert rt.torch_device("cpu") == rt.torch_ones(1).device  # the default device is back


def test_meta_model_becomes_real_by_refer_to_state_dict() -> None:
    # R torch's test-nn.R "Can initialize a model in the meta device and copy parameters to it"
    model = rt.with_device(lambda: rt.nn_sequential(rt.nn_conv2d(3, 5, 3), rt.nn_batch_norm2d(5)), device="meta")
    model[1].bias.requires_grad_(False)
    real = rt.nn_sequential(rt.nn_conv2d(3, 5, 3), rt.nn_batch_norm2d(5))
    sd = real.state_dict()
    model.load_state_dict(sd, **{".refer_to_state_dict": True})
    for key, t in model.state_dict().items():
        assert t.device.type == "cpu" and np.array_equal(t._data, sd[key]._data), key
    assert model[0].weight is sd["0.weight"] and model[0].weight.requires_grad
    assert not model[1].bias.requires_grad and len(model.parameters) == 4
    x = rt.torch_randn(2, 3, 6, 6)
    assert np.array_equal(model(x)._data, real(x)._data)


def test_init_functions_leave_meta_tensors_alone() -> None:
    rt.torch_manual_seed(3)
    expected = rt.torch_randn(4)._data
    w = rt.torch_empty(6, 4, device="meta")
    rt.torch_manual_seed(3)
    for init in (rt.nn_init_uniform_, rt.nn_init_normal_, rt.nn_init_trunc_normal_, rt.nn_init_zeros_,
                 rt.nn_init_ones_, rt.nn_init_eye_, rt.nn_init_xavier_uniform_, rt.nn_init_xavier_normal_,
                 rt.nn_init_kaiming_uniform_, rt.nn_init_kaiming_normal_, rt.nn_init_orthogonal_):
        assert init(w) is w and isinstance(w._data, MetaArray)
    assert rt.nn_init_constant_(w, 2) is w
    assert rt.nn_init_dirac_(rt.torch_empty(2, 2, 3, device="meta")).device.type == "meta"
    assert np.array_equal(rt.torch_randn(4)._data, expected)  # no draws
    # sparse_: normal_ draws nothing on meta, but PyTorch's column permutations are CPU tensors: drawn as usual
    rt.torch_manual_seed(3)
    rt.nn_init_sparse_(rt.torch_empty(3, 2), 0.5)
    cpu_next = rt.torch_randn(2)._data
    rt.torch_manual_seed(3)
    rt.torch_randn(3, 2)  # the normal draw a CPU tensor makes
    rt.nn_init_sparse_(rt.torch_empty(3, 2, device="meta"), 0.5)
    assert np.array_equal(rt.torch_randn(2)._data, cpu_next)


def test_old_seed_behavior_draws_one_number_after_seeding() -> None:
    # R torch with options(torch.old_seed_behavior = TRUE): PyTorch's manual_seed(2019); randint(1, 1e6, (1,));
    # randn(1) gives -0.3642260432243347 (test-generator.R), plain seeding 0.6613521575927734 for seed 1
    rt.torch_manual_seed(2019, old_seed_behavior=True)
    assert rt.torch_randn(1).item() == pytest.approx(-0.3642260432243347, abs=1e-7)
    rt.torch_manual_seed(1)
    assert rt.torch_randn(1).item() == pytest.approx(0.6613521575927734, abs=1e-7)


def test_generator_seeds_are_64_bit() -> None:
    g = rt.torch_generator()
    g.set_current_seed(123456789101112)
    assert g.current_seed() == 123456789101112


def test_scalar_dimname_and_variable_list_objects() -> None:
    assert [rt.torch_scalar(v).type for v in (1.5, 2, True)] == [rt.torch_double(), rt.torch_long(), rt.torch_bool()]
    assert rt.torch_scalar(rt.torch_tensor([4])).to_r() == 4 and rt.is_torch_scalar(rt.torch_scalar(1))
    assert not rt.is_torch_scalar(1)
    with pytest.raises(TypeError, match="torch_scalar: argument 'x' must be a single number or logical, got str"):
        rt.torch_scalar("a")
    with pytest.raises(ValueError, match=r"torch_scalar: argument 'x' must have one element, got a tensor of shape "
                                         r"\[2\]"):
        rt.torch_scalar(rt.torch_ones(2))
    assert str(rt.torch_dimname("hello")) == "hello" and rt.is_torch_dimname(rt.torch_dimname("*"))
    assert rt.torch_dimname_list(list("abc")).to_r() == ["a", "b", "c"]
    with pytest.raises(RuntimeError, match="Invalid name: a valid identifier .* got: '1x'"):
        rt.torch_dimname_list(["ok", "1x"])
    vl = rt.torch_variable_list([rt.torch_ones(1), rt.torch_zeros(2)])
    assert len(vl.to_r()) == 2 and vl.to_r()[1].shape == (2,) and rt.is_torch_variable_list(vl)
    with pytest.raises(TypeError, match="torch_variable_list: element 2 of 'x' must be a tensor, got int"):
        rt.torch_variable_list([rt.torch_ones(1), 3])


def test_tanh_backward_is_tanh_gradient() -> None:
    x = rt.torch_randn(5, dtype=rt.torch_float64(), requires_grad=True)
    y = rt.torch_tanh(x)
    y.backward(rt.torch_ones_like(x) * 2)
    np.testing.assert_allclose(rt.torch_tanh_backward(2, y).detach()._data, x.grad._data, rtol=1e-12)
    # hand-derived: d/dx tanh(x) = 1 - tanh(x)^2
    np.testing.assert_allclose(rt.torch_tanh_backward(rt.torch_ones(1), rt.torch_tensor([0.5])).item(), 0.75)
