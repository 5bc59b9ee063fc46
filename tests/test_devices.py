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
