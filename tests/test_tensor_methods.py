"""Tensor methods (rtorch_py/tensor_methods.py): the torch_* functions bound as methods, the in-place ``*_``
variants (value = out-of-place result, same dtype and storage, version bumped, recorded for autograd, libtorch's
errors) and the conversion/creation helpers."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import Tensor, tensor_methods, torch_tensor

X = np.array([[1.5, -2.0, 3.25], [4.0, 0.5, -6.0]])
POS = np.array([[1.5, 2.0, 3.25], [4.0, 0.5, 6.0]])
UNIT = np.array([[0.5, -0.25, 0.75], [-0.5, 0.1, 0.9]])


def t(a: np.ndarray = X, dtype: object = None) -> Tensor:
    return torch_tensor(a, dtype=dtype or rt.torch_float())


def test_every_method_is_bound_to_its_function() -> None:
    assert len(tensor_methods.METHODS) > 150
    for name, m in tensor_methods.METHODS.items():
        assert name in tensor_methods.R_TORCH_METHODS, name  # only R torch's methods are declared
        assert getattr(Tensor, name) is m.function, name
        if name not in tensor_methods._SPECIAL:  # e.g. reshape: a method of its own, sizes as arguments
            assert m.function is getattr(rt, f"torch_{name}"), name
        if m.inplace is not None:
            assert getattr(Tensor, m.inplace).__name__ == m.inplace, name
    assert tensor_methods.METHODS["add"].r_args == ("other", "alpha")
    assert tensor_methods.METHODS["add"].inplace == "add_"


def test_a_new_function_gets_its_method_where_r_torch_has_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from rtorch_py import functions

    declared = tensor_methods.R_TORCH_METHODS
    # a method R torch has (with an in-place variant) that has no torch_ function here yet, e.g. frac
    name = next(n for n in declared if f"{n}_" in declared and not hasattr(Tensor, n) and not hasattr(rt, f"torch_{n}"))

    def fn(self: Tensor) -> Tensor:
        return self - rt.torch_trunc(self)

    def torch_not_in_r_torch(self: Tensor) -> Tensor:
        return self

    monkeypatch.setattr(functions, f"torch_{name}", fn, raising=False)
    monkeypatch.setattr(functions, "torch_not_in_r_torch", torch_not_in_r_torch, raising=False)
    try:
        table = tensor_methods._assemble()
        assert table[name].inplace == f"{name}_" and getattr(Tensor, name) is fn
        x = t(np.array([1.25, -2.5]))
        assert np.allclose(getattr(x, name)()._data, [0.25, -0.5])
        assert getattr(x, f"{name}_")() is x and np.allclose(x._data, [0.25, -0.5])
        assert not hasattr(Tensor, "not_in_r_torch")
    finally:
        for n in (name, f"{name}_"):
            if n in vars(Tensor):
                delattr(Tensor, n)


def test_methods_are_the_functions() -> None:
    x = t()
    assert np.array_equal(x.sum(dim=2)._data, rt.torch_sum(x, dim=2)._data)
    assert np.array_equal(x.max(dim=1)[1]._data, [2, 2, 1])
    assert np.array_equal(x.exp()._data, rt.torch_exp(x)._data)
    assert np.array_equal(x.matmul(x.t())._data, rt.torch_matmul(x, rt.torch_t(x))._data)
    assert x.argmax().item() == 4


# (method, args, out-of-place equivalent, input)
INPLACE = [
    ("add_", (2.0,), lambda x: x + 2.0, X), ("add_", (t(UNIT), ), lambda x: x + t(UNIT), X),
    ("add_", (t(UNIT),), lambda x: rt.torch_add(x, t(UNIT), alpha=3), X, {"alpha": 3}),
    ("sub_", (t(UNIT[0]),), lambda x: x - t(UNIT[0]), X), ("mul_", (3.0,), lambda x: x * 3.0, X),
    ("div_", (t(POS),), lambda x: x / t(POS), X), ("pow_", (2,), lambda x: x ** 2, X),
    ("clamp_", (-1.0, 1.0), lambda x: rt.torch_clamp(x, -1.0, 1.0), X),
    ("clip_", (None, 0.0), lambda x: rt.torch_clamp(x, max=0.0), X),
    ("addcmul_", (t(UNIT), t(POS)), lambda x: rt.torch_addcmul(x, t(UNIT), t(POS)), X),
    ("addcdiv_", (t(UNIT), t(POS)), lambda x: rt.torch_addcdiv(x, t(UNIT), t(POS), value=0.5), X, {"value": 0.5}),
    ("lerp_", (t(POS), 0.25), lambda x: rt.torch_lerp(x, t(POS), 0.25), X),
    ("fmod_", (1.5,), lambda x: rt.torch_fmod(x, 1.5), X), ("remainder_", (1.5,), lambda x: x % 1.5, X),
    ("masked_fill_", (t(X) > 0, 0.0), lambda x: rt.torch_masked_fill(x, t(X) > 0, 0.0), X),
    ("scatter_", (2, torch_tensor([[3], [1]]), 9.0), lambda x: rt.torch_scatter(x, 2, torch_tensor([[3], [1]]),
                                                                                value=9.0), X),
    ("scatter_add_", (1, torch_tensor([[2, 1, 1]]), t(POS[:1])),
     lambda x: rt.torch_scatter_add(x, 1, torch_tensor([[2, 1, 1]]), t(POS[:1])), X),
    ("square_", (), rt.torch_square, X), ("round_", (), rt.torch_round, X * 1.3),
    ("float_power_", (2,), lambda x: rt.torch_float_power(x, 2).float(), X),
    ("maximum_", (t(UNIT),), lambda x: rt.torch_maximum(x, t(UNIT)), X),
    ("minimum_", (t(UNIT),), lambda x: rt.torch_minimum(x, t(UNIT)), X),
    ("logical_not_", (), lambda x: rt.torch_logical_not(x).float(), X),
    ("logical_and_", (t(UNIT) > 0,), lambda x: rt.torch_logical_and(x, t(UNIT) > 0).float(), X),
    ("logical_or_", (t(UNIT) > 0,), lambda x: rt.torch_logical_or(x, t(UNIT) > 0).float(), X * 0),
    ("fill_", (7.0,), lambda x: rt.torch_full_like(x, 7.0), X), ("zero_", (), rt.torch_zeros_like, X),
    ("copy_", (t(UNIT[0]),), lambda x: t(UNIT[0]).expand(2, 3) * 1, X),
]
for _u in ["abs", "exp", "expm1", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "sigmoid", "relu", "sign",
           "floor", "ceil", "trunc", "reciprocal", "neg", "erf", "fix", "negative", "absolute", "arctan"]:
    INPLACE.append((f"{_u}_", (), getattr(rt, f"torch_{_u}"), X))
for _u in ["log", "log1p", "log2", "log10", "sqrt", "rsqrt"]:
    INPLACE.append((f"{_u}_", (), getattr(rt, f"torch_{_u}"), POS))
for _u in ["asin", "acos", "arcsin", "arccos"]:
    INPLACE.append((f"{_u}_", (), getattr(rt, f"torch_{_u}"), UNIT))


@pytest.mark.parametrize("case", INPLACE, ids=[f"{c[0]}-{i}" for i, c in enumerate(INPLACE)])
def test_inplace_matches_out_of_place_and_bumps_version(case: tuple) -> None:
    name, args, ref, data = case[:4]
    kwargs = case[4] if len(case) > 4 else {}
    x = t(data)
    storage = x._data
    v = x._version[0]
    out = getattr(x, name)(*args, **kwargs)
    assert out is x
    assert x._data is storage, "in-place ops keep the storage"
    assert x._version[0] == v + 1
    expected = ref(t(data))
    assert x.dtype is rt.torch_float()
    np.testing.assert_allclose(x._data, expected._data.astype(np.float32), rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("case", INPLACE, ids=[f"{c[0]}-{i}" for i, c in enumerate(INPLACE)])
def test_inplace_under_autograd(case: tuple) -> None:
    name, args, ref, data = case[:4]
    kwargs = case[4] if len(case) > 4 else {}
    leaf = torch_tensor(data, dtype=rt.torch_double(), requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place "
                                           "operation."):
        getattr(leaf, name)(*args, **kwargs)
    y = leaf * 1
    getattr(y, name)(*args, **kwargs)
    assert y.requires_grad and y.grad_fn is not None
    if not name.startswith("logical_"):  # libtorch keeps the old node for these (not differentiable)
        assert y.grad_fn.name != "MulBackward0" or name in ("mul_", "square_")
    y.sum().backward()  # the recorded result is differentiable end to end
    assert leaf.grad is not None and leaf.grad.shape == leaf.shape


def test_inplace_view_ops_change_shape_in_place() -> None:
    x = t()
    storage = x._data.base if x._data.base is not None else x._data
    assert x.t_() is x and x.shape == (3, 2) and x._version[0] == 1
    assert np.shares_memory(x._data, storage)
    x.unsqueeze_(1)
    assert x.shape == (1, 3, 2)
    x.squeeze_()
    assert x.shape == (3, 2)
    x.transpose_(1, 2)
    assert x.shape == (2, 3)
    np.testing.assert_array_equal(x._data, X.astype(np.float32))
    w = torch_tensor(X, requires_grad=True)
    y = w * 1
    y.t_()
    assert y.grad_fn.name == "TBackward1" and y.shape == (3, 2)
    y.unsqueeze_(1)
    assert y.grad_fn.name == "UnsqueezeBackward1"
    y.squeeze_(1)
    assert y.grad_fn.name == "SqueezeBackward4"
    (y * torch_tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
    np.testing.assert_array_equal(w.grad._data, np.arange(6.0).reshape(3, 2).T)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w.t_()


def test_inplace_dtype_rules() -> None:
    i = torch_tensor([1, 2, 3])
    assert i.add_(2)._data.tolist() == [3, 4, 5] and i.dtype is rt.torch_long()
    with pytest.raises(RuntimeError, match="div_: result type Float can't be cast to the desired output type Long"):
        torch_tensor([1, 2]).div_(2)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        torch_tensor([1, 2]).mul_(1.5)
    with pytest.raises(RuntimeError, match="result type Long can't be cast to the desired output type Bool"):
        torch_tensor([True]).add_(1)
    f = t()
    f.add_(torch_tensor([1, 2, 3]))  # a wider-category operand is fine the other way round
    assert f.dtype is rt.torch_float()
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"):
        rt.torch_ones(3).add_(rt.torch_ones(2, 3))


def test_fill_copy_zero() -> None:
    x = t()
    x.fill_(torch_tensor(2.5))
    assert np.all(x._data == 2.5)
    x.copy_(torch_tensor([1, 2, 3]))  # broadcast and cast
    np.testing.assert_array_equal(x._data, [[1, 2, 3], [1, 2, 3]])
    with pytest.raises(RuntimeError, match=r"copy_: the size of src \(\[4\]\) must be broadcastable to self"):
        x.copy_(rt.torch_ones(4))
    x.zero_()
    assert not x._data.any()
    w = torch_tensor([1.0, 2.0], requires_grad=True)
    buf = rt.torch_zeros(2)
    buf.copy_(w * 3)  # copying a tensor that requires grad records the copy
    buf.sum().backward()
    np.testing.assert_array_equal(w.grad._data, [3.0, 3.0])
    with rt.with_no_grad():
        w.zero_()
        w.fill_(1.0)
    assert w._data.tolist() == [1.0, 1.0]


def test_random_fills_keep_shape_dtype_and_bump_version() -> None:
    for name, args in [("uniform_", ()), ("normal_", ()), ("bernoulli_", (0.5,)), ("random_", (1, 5))]:
        x = rt.torch_zeros(3, 4, dtype=rt.torch_double())
        v = x._version[0]
        assert getattr(x, name)(*args) is x
        assert x.shape == (3, 4) and x.dtype is rt.torch_double() and x._version[0] == v + 1
    r = rt.torch_zeros(1000).random_(1, 5)
    assert set(np.unique(r._data)) <= {1.0, 2.0, 3.0, 4.0}
    u = rt.torch_zeros(1000).uniform_(-2, -1)
    assert u._data.min() >= -2 and u._data.max() < -1


def test_new_and_like_helpers() -> None:
    x = t(dtype=rt.torch_double())
    assert x.new_zeros(2, 3).dtype is rt.torch_double() and x.new_zeros(2, 3).shape == (2, 3)
    assert x.new_ones([4]).shape == (4,)
    assert x.new_full([2], 3).dtype is rt.torch_double()
    assert x.new_tensor([1, 2]).dtype is rt.torch_double()
    assert x.new_zeros(2, dtype=rt.torch_long()).dtype is rt.torch_long()
    assert x.is_floating_point() and not torch_tensor([1]).is_floating_point()


def test_shape_methods() -> None:
    x = t()
    assert x.view(3, 2).shape == (3, 2) and x.view([6]).shape == (6,) and x.view(-1, 2).shape == (3, 2)
    assert x.view_as(rt.torch_ones(6)).shape == (6,)
    assert x.reshape_as(rt.torch_ones(3, 2)).shape == (3, 2)
    assert rt.torch_ones(3).expand_as(x).shape == (2, 3)
    assert rt.torch_ones(2, 1).expand(2, 3).shape == (2, 3)
    assert rt.torch_ones(2, 1).expand([-1, 4]).shape == (2, 4)
    assert x.repeat(1, 2).shape == (2, 6) and x.repeat([2, 1, 1]).shape == (2, 2, 3)
    np.testing.assert_array_equal(x.where(x > 0, 0.0)._data, np.where(X > 0, X, 0).astype(np.float32))


def test_overwriting_inplace_ops_cut_the_gradient_with_libtorch_nodes() -> None:
    w = torch_tensor([1.0, 2.0, 3.0], requires_grad=True)
    for name, args, node in [("uniform_", (), "UniformBackward0"), ("normal_", (), "NormalBackward0"),
                             ("bernoulli_", (0.5,), "BernoulliBackward2"), ("random_", (1, 5), "RandomBackward1"),
                             ("fill_", (2.0,), "FillBackward2"), ("fill_", (torch_tensor(2.0),), "FillBackward3"),
                             ("zero_", (), "ZeroBackward0"), ("copy_", (rt.torch_zeros(3),), "CopyBackwards")]:
        w.grad = None
        y = w * 1
        getattr(y, name)(*args)
        assert y.grad_fn.name == node, name
        (y * w).sum().backward()
        np.testing.assert_allclose(w.grad._data, y._data, err_msg=name)  # only the direct path remains
    v = torch_tensor(5.0, requires_grad=True)
    buf = rt.torch_zeros(3)
    buf.fill_(v * 2)
    buf.sum().backward()
    assert v.grad.item() == 6.0
    with pytest.raises(RuntimeError, match="fill_ only supports 0-dimension value tensor"):
        rt.torch_zeros(3).fill_(rt.torch_ones(3))


def test_augmented_assignment_works_in_place_as_pytorch():
    w = rt.torch_ones(3, requires_grad=True)
    (w * 2).sum().backward()
    same = w
    with rt.with_no_grad():
        w -= 0.5 * w.grad  # a manual SGD step must update the parameter itself
    assert same is w
    assert rt.as_array(w).tolist() == [0.0, 0.0, 0.0]
    x = rt.torch_tensor([1.0, 2.0])
    alias = x
    version = x._version[0]
    x += 1
    x *= 2
    x /= 4
    assert alias is x and x._version[0] == version + 3
    assert rt.as_array(alias).tolist() == [1.0, 1.5]
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf = rt.torch_ones(2, requires_grad=True)
        leaf += 1
    n = rt.torch_tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        n += 0.5
