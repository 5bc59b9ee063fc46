"""The rest of issue 14: silu as libtorch computes it (bit for bit in float32), 0-d sizes, ``x$data()``,
nn_sequential's errors (fixtures: tools/make_nn_rest_fixtures.py)."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from tests.gradcheck import gradcheck
from tests.nn.nn_cases import dec, load

FIX = load("nn_rest.json")


@pytest.mark.parametrize("case", FIX["silu"], ids=lambda c: str(c["x"]["shape"]))
def test_silu_float32_equals_libtorch_bit_for_bit(case: dict) -> None:
    x = rt.torch_tensor(dec(case["x"]), requires_grad=True)
    y = rt.nnf_silu(x)
    y.backward(rt.torch_tensor(dec(case["cot"])))
    np.testing.assert_array_equal(y._data, dec(case["y"]))
    np.testing.assert_array_equal(x.grad._data, dec(case["grad"]))
    assert y.grad_fn.name() == "SiluBackward0"


def test_silu_inplace_and_module() -> None:
    x = rt.torch_tensor([-1.0, 0.0, 1.0])
    expected = rt.nnf_silu(x)._data.copy()
    np.testing.assert_array_equal(expected, np.float32([-0.26894142, 0.0, 0.73105858]))  # R torch's test
    rt.nn_silu(inplace=True)(x)
    np.testing.assert_array_equal(x._data, expected)
    with pytest.raises(TypeError, match="nnf_silu"):
        rt.nnf_silu(rt.torch_tensor([1, 2]))


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 1, 3)])
def test_silu_gradcheck_first_and_second_order(shape: tuple) -> None:
    x = np.random.default_rng(len(shape)).standard_normal(shape) * 3
    gradcheck(rt.nnf_silu, [x], second_order=True)


def test_silu_float64_and_special_values() -> None:
    x = np.array([-np.inf, -200.0, -1.0, 0.0, 2.5, 200.0, np.inf, np.nan])
    got = rt.nnf_silu(rt.torch_tensor(x))._data
    with np.errstate(over="ignore", invalid="ignore"):
        want = x / (1 + np.exp(-x))
    np.testing.assert_array_equal(got, want)
    got32 = rt.nnf_silu(rt.torch_tensor(x.astype(np.float32)))._data
    np.testing.assert_array_equal(np.isnan(got32), np.isnan(want))
    np.testing.assert_allclose(got32[1:-2], want[1:-2].astype(np.float32), rtol=1e-6)


def test_size_of_0d_tensor_is_empty_tuple_and_data_is_a_method() -> None:
    s = rt.torch_tensor(1.5).sum()
    assert s.size() == () and rt.torch_zeros(2, 3).size() == (2, 3)
    p = rt.torch_ones(2, requires_grad=True)
    d = p.data()
    assert not d.requires_grad and d.grad_fn is None
    d.add_(1)  # the same storage, as libtorch's Tensor::data()
    assert p._data.tolist() == [2.0, 2.0]


def test_sequential_rejects_non_modules_and_classes() -> None:
    with pytest.raises(TypeError, match="Expected <nn_module> but got object of type <int>"):
        rt.nn_sequential(rt.nn_relu(), 3)
    with pytest.raises(TypeError, match='Module "1" must be initialized'):
        rt.nn_sequential(rt.nn_relu(), rt.nn_linear)


def test_verbose_scheduler_informs_on_stderr(capsys: pytest.CaptureFixture) -> None:
    o = rt.optim_adam([rt.torch_ones(2, requires_grad=True)], lr=1)
    s = rt.lr_reduce_on_plateau(o, factor=0.1, patience=0, verbose=True)
    for _ in range(2):
        s.step(1.0)
    assert capsys.readouterr().err == "Adjusting learning rate of group 1 to 0.1000\n"


GS = FIX["grid_sample_3d"][0]


@pytest.mark.parametrize("case", GS["cases"], ids=lambda c: f"{c['mode']}-{c['padding_mode']}-{c['align_corners']}")
def test_grid_sample_5d_against_pytorch(case: dict) -> None:
    x = rt.torch_tensor(dec(GS["x"]), requires_grad=True)
    g = rt.torch_tensor(dec(GS["g"]), requires_grad=True)
    y = rt.nnf_grid_sample(x, g, mode=case["mode"], padding_mode=case["padding_mode"],
                           align_corners=case["align_corners"])
    y.backward(rt.torch_tensor(dec(GS["cot"])))
    np.testing.assert_allclose(y._data, dec(case["y"]), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(x.grad._data, dec(case["grad_x"]), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(g.grad._data, dec(case["grad_g"]), rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("ac", [False, True])
def test_grid_sample_5d_gradcheck(mode: str, padding_mode: str, ac: bool) -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 2, 3, 4, 3))
    # away from integer source positions (the sampler's kinks), so finite differences are smooth
    g = rng.uniform(-1.2, 1.2, (2, 2, 3, 2, 3))
    gradcheck(lambda a, b: rt.nnf_grid_sample(a, b, mode=mode, padding_mode=padding_mode, align_corners=ac),
              [x, g], eps=1e-7)


def test_grid_sample_shape_errors() -> None:
    x = rt.torch_randn(1, 2, 3, 4, 5)
    with pytest.raises(RuntimeError, match=r"nnf_grid_sample: expected .*got input \[1, 2, 3, 4, 5\] and grid"):
        rt.nnf_grid_sample(x, rt.torch_zeros(1, 2, 2, 2, 2))
    with pytest.raises(RuntimeError, match="5-D input"):
        rt.nnf_grid_sample(x, rt.torch_zeros(1, 2, 2, 3))


@pytest.mark.parametrize("case", FIX["gumbel_softmax"], ids=lambda c: str(c["x"]["shape"]))
def test_gumbel_softmax_draws_as_libtorch(case: dict) -> None:
    x = rt.torch_tensor(dec(case["x"]), requires_grad=True)
    rt.torch_manual_seed(case["seed"])
    y = rt.nnf_gumbel_softmax(x, tau=case["tau"], hard=case["hard"], dim=case["dim_r"])
    y.backward(rt.torch_tensor(dec(case["cot"])))
    np.testing.assert_allclose(y._data, dec(case["y"]), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(x.grad._data, dec(case["grad"]), rtol=1e-5, atol=1e-6)
    assert rt.torch_rand(1).item() == pytest.approx(case["after"], abs=0)


@pytest.mark.parametrize("shape, dim", [((3, 4), -1), ((2, 3, 4), 2), ((5,), 1)])
def test_gumbel_softmax_gradcheck(shape: tuple, dim: int) -> None:
    def fn(x: rt.Tensor) -> rt.Tensor:
        rt.torch_manual_seed(11)  # the same draws at every evaluation
        return rt.nnf_gumbel_softmax(x, tau=0.7, dim=dim)

    gradcheck(fn, [np.random.default_rng(len(shape)).standard_normal(shape)])


BF = FIX["bfloat16"]


def test_bfloat16_storage_rounds_as_libtorch() -> None:
    x = rt.torch_tensor(dec(BF["x"]))
    b = x.to(dtype=rt.torch_bfloat16())
    assert b.dtype is rt.torch_bfloat16() and repr(b.dtype) == "torch_BFloat16"
    np.testing.assert_array_equal(b._data, dec(BF["bf16"]))  # NaN == NaN for assert_array_equal
    back = b.to(dtype=rt.torch_float())
    assert back.dtype is rt.torch_float() and back._data.dtype.metadata is None
    np.testing.assert_array_equal(back._data, dec(BF["bf16"]))
    # creation with the dtype rounds too
    np.testing.assert_array_equal(rt.torch_tensor(dec(BF["x"]), dtype=rt.torch_bfloat16())._data, dec(BF["bf16"]))
    assert str(rt.torch_ones(2, dtype=rt.torch_bfloat16())).endswith("[ CPUBFloat16Type{2} ]")


@pytest.mark.parametrize("op", ["add", "mul", "div", "add_scalar", "mul_f32", "exp", "sum", "matmul"])
def test_bfloat16_ops_round_their_results(op: str) -> None:
    bf = rt.torch_bfloat16()
    x = rt.torch_tensor(dec(BF["x"])).to(dtype=bf)
    y = rt.torch_tensor(dec(BF["y"])).to(dtype=bf)
    got = {"add": lambda: x + y, "mul": lambda: x * y, "div": lambda: x / y, "add_scalar": lambda: x + 1.3,
           "mul_f32": lambda: x * rt.torch_tensor(dec(BF["y"])), "exp": lambda: rt.torch_exp(y),
           "sum": lambda: y.sum(), "matmul": lambda: y[:12].reshape(3, 4).matmul(y[12:24].reshape(4, 3))}[op]()
    want = BF["ops"][op]
    assert got.dtype is (bf if want["dtype"] == "torch.bfloat16" else rt.torch_float())
    expected = dec(want["value"])
    if op in ("add", "mul", "div", "add_scalar", "mul_f32"):  # one rounding of the float32 result: exact
        np.testing.assert_array_equal(got._data, expected)
    else:  # libtorch accumulates sums and products in float32 in its own order: one bfloat16 ulp
        np.testing.assert_allclose(got._data, expected, rtol=2 ** -7, atol=1e-30)


def test_bfloat16_module_to_and_backward() -> None:
    lin = rt.nn_linear(3, 2)
    lin.to(dtype=rt.torch_bfloat16())
    assert lin.weight.dtype is rt.torch_bfloat16() and lin.bias.dtype is rt.torch_bfloat16()
    assert lin.weight.requires_grad
    out = lin(rt.torch_randn(4, 3, dtype=rt.torch_bfloat16()))
    out.sum().backward()
    assert out.dtype is rt.torch_bfloat16() and lin.weight.grad.dtype is rt.torch_bfloat16()
    g = lin.weight.grad._data
    np.testing.assert_array_equal(g, rt._core.dtype.round_bf16(g))  # stored values are bfloat16 values
