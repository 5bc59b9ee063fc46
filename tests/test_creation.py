"""Creating tensors (rtorch_py/creation.py): torch_tensor's conversion rules, sizes as separate arguments or
one list, the filled and range constructors (arange end inclusive), the random constructors' shapes, dtypes,
ranges and errors (their streams are tested with the RNG), *_like, devices."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import Tensor, torch_tensor


def arr(x: Tensor) -> np.ndarray:
    return x._data


# -- torch_tensor ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "dtype", "shape"), [
    (1.5, "Float", ()), (2, "Long", ()), (True, "Bool", ()), ([1.0, 2.0], "Float", (2,)), ([1, 2], "Long", (2,)),
    ([True, False], "Bool", (2,)), ([1, 2.5], "Float", (2,)), ([[1, 2], [3, 4]], "Long", (2, 2)),
    ([], "Float", (0,)), (np.array([1, 2], dtype=np.int32), "Int", (2,)), (np.array([1.0]), "Double", (1,)),
    (np.array([1.0], dtype=np.float16), "Half", (1,)), (np.uint8(3), "Byte", ()), (np.float64(2.0), "Double", ()),
    (np.array([[True]]), "Bool", (1, 1)), ([np.float32(1.0), 2.0], "Float", (2,)),
])
def test_torch_tensor_conversion_rules(data: object, dtype: str, shape: tuple) -> None:
    x = torch_tensor(data)
    assert x.dtype.name == dtype and x.shape == shape


def test_torch_tensor_dtype_and_requires_grad() -> None:
    x = torch_tensor([1, 2], dtype=rt.torch_double(), requires_grad=True)
    assert x.dtype is rt.torch_double() and x.requires_grad and x.is_leaf
    assert torch_tensor([1.7, -1.7], dtype=rt.torch_long())._data.tolist() == [1, -1]
    assert torch_tensor([1.0], dtype="float64").dtype is rt.torch_double()
    # a float64 request keeps the Python float exactly (no detour through the default float32)
    assert torch_tensor(0.1, dtype=rt.torch_double()).item() == 0.1
    assert torch_tensor([0.1, 1e-300], dtype=rt.torch_double())._data.tolist() == [0.1, 1e-300]
    assert rt.torch_scalar_tensor(0.1, dtype=rt.torch_double()).item() == 0.1
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        torch_tensor([1, 2], requires_grad=True)


def test_torch_tensor_copies_its_input() -> None:
    a = np.array([1.0, 2.0])
    x = torch_tensor(a)
    a[0] = 100.0
    assert arr(x)[0] == 1.0
    y = torch_tensor(x)
    assert not np.shares_memory(arr(y), arr(x)) and y.dtype is x.dtype
    w = torch_tensor([1.0], requires_grad=True)
    assert not torch_tensor(w).requires_grad  # a new leaf, as torch.tensor(t)
    z = torch_tensor([torch_tensor(1.0), torch_tensor(2.0)])
    assert z.shape == (2,) and z.dtype is rt.torch_float()


def test_torch_tensor_errors() -> None:
    with pytest.raises(ValueError, match="torch_tensor: data must be a rectangular nested list of numbers"):
        torch_tensor([[1, 2], [3]])
    with pytest.raises(TypeError, match="torch_tensor: cannot convert values of type <U1"):
        torch_tensor(["a"])
    with pytest.raises(TypeError, match="torch_tensor: cannot convert an object of class dict"):
        torch_tensor({"a": 1})
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        torch_tensor([1.0], device="cuda")
    assert torch_tensor([1.0], device="cpu").device == "cpu"


def test_tensor_constructor_and_scalar_tensor() -> None:
    assert Tensor([1, 2]).dtype is rt.torch_long()
    assert Tensor([1.0], requires_grad=True).requires_grad
    s = rt.torch_scalar_tensor(2.5)
    assert s.shape == () and s.dtype is rt.torch_float() and s.item() == 2.5
    assert rt.torch_scalar_tensor(3).dtype is rt.torch_long()
    assert rt.torch_scalar_tensor(torch_tensor([4.0]), dtype=rt.torch_double()).shape == ()
    with pytest.raises(ValueError, match="torch_scalar_tensor: value must have one element, got 2"):
        rt.torch_scalar_tensor([1, 2])


# -- filled --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [rt.torch_zeros, rt.torch_ones, rt.torch_empty])
def test_sizes_as_arguments_or_one_list(fn: object) -> None:
    for args in [(2, 3), ([2, 3],), ((2, 3),), (np.array([2, 3]),), (torch_tensor([2, 3]),), (2.0, 3.0)]:
        x = fn(*args)
        assert x.shape == (2, 3) and x.dtype is rt.torch_float()
    assert fn().shape == ()
    assert fn(0).shape == (0,)
    assert fn(2, dtype=rt.torch_long()).dtype is rt.torch_long()
    assert fn(2, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match=r"Trying to create tensor with negative dimension -1: \[2, -1\]"):
        fn(2, -1)
    with pytest.raises(TypeError, match="size must be a whole number, got 1.5"):
        fn(1.5)
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        fn(2, device="cuda")


def test_filled_values() -> None:
    assert not arr(rt.torch_zeros(2, 2)).any()
    assert arr(rt.torch_ones(3)).tolist() == [1.0, 1.0, 1.0]
    assert rt.torch_ones(2, dtype=rt.torch_bool())._data.tolist() == [True, True]
    f = rt.torch_full(c(2, 2), 7)
    assert f.dtype is rt.torch_long() and arr(f).tolist() == [[7, 7], [7, 7]]
    assert rt.torch_full(c(2), 2.5).dtype is rt.torch_float()
    assert rt.torch_full(c(2), True).dtype is rt.torch_bool()
    assert rt.torch_full(c(3), 1, dtype=rt.torch_double()).dtype is rt.torch_double()
    assert rt.torch_full(4, 0.5).shape == (4,)


def test_eye() -> None:
    np.testing.assert_array_equal(arr(rt.torch_eye(3)), np.eye(3))
    np.testing.assert_array_equal(arr(rt.torch_eye(2, 3)), np.eye(2, 3))
    assert rt.torch_eye(2, dtype=rt.torch_long()).dtype is rt.torch_long()
    assert rt.torch_eye(2).dtype is rt.torch_float()


def test_like_functions() -> None:
    x = torch_tensor([[1, 2, 3]])
    for fn in [rt.torch_zeros_like, rt.torch_ones_like, rt.torch_empty_like]:
        y = fn(x)
        assert y.shape == (1, 3) and y.dtype is rt.torch_long()
        assert fn(x, dtype=rt.torch_float()).dtype is rt.torch_float()
    assert arr(rt.torch_full_like(x, 4)).tolist() == [[4, 4, 4]]
    assert rt.torch_full_like(x, 4.5, dtype=rt.torch_double()).dtype is rt.torch_double()
    f = torch_tensor([1.0, 2.0], dtype=rt.torch_double())
    assert rt.torch_rand_like(f).dtype is rt.torch_double() and rt.torch_rand_like(f).shape == (2,)
    assert rt.torch_randn_like(f).shape == (2,)
    r = rt.torch_randint_like(x, 5)
    assert r.dtype is rt.torch_long() and arr(r).min() >= 0 and arr(r).max() < 5
    assert arr(rt.torch_randint_like(x, 3, 4)).tolist() == [[3, 3, 3]]
    assert rt.torch_zeros_like(f, requires_grad=True).requires_grad


# -- ranges ----------------------------------------------------------------------------------------------------

def test_arange_includes_end() -> None:
    assert arr(rt.torch_arange(1, 5)).tolist() == [1, 2, 3, 4, 5]
    assert rt.torch_arange(1, 5).dtype is rt.torch_long()
    # one bound counts from 0 up to, not including, it (R torch: length(torch_arange(10)) == 10)
    assert arr(rt.torch_arange(4)).tolist() == [0, 1, 2, 3]
    assert arr(rt.torch_arange(1, 10, 3)).tolist() == [1, 4, 7, 10]
    assert arr(rt.torch_arange(1, 9, 3)).tolist() == [1, 4, 7]
    assert arr(rt.torch_arange(5, 1, -2)).tolist() == [5, 3, 1]
    assert arr(rt.torch_arange(3, 3)).tolist() == [3]
    f = rt.torch_arange(0, 1, 0.25)
    assert f.dtype is rt.torch_float() and arr(f).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert rt.torch_arange(0, 1, 0.1).shape == (11,)  # end included despite rounding of 0.1
    assert rt.torch_arange(1, 3, dtype=rt.torch_double()).dtype is rt.torch_double()
    assert rt.torch_arange(1.0, 3.0).dtype is rt.torch_float()
    assert rt.torch_arange(1, 3, requires_grad=True, dtype=rt.torch_float()).requires_grad
    with pytest.raises(RuntimeError, match="upper bound and larger bound inconsistent with step sign"):
        rt.torch_arange(5, 1)
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        rt.torch_arange(1, 5, 0)


def test_range_and_linspace_logspace() -> None:
    with pytest.warns(UserWarning, match="torch_range is deprecated"):
        r = rt.torch_range(1, 3)
    assert r.dtype is rt.torch_float() and arr(r).tolist() == [1.0, 2.0, 3.0]
    assert arr(rt.torch_linspace(0, 1, 5)).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert rt.torch_linspace(0, 1).shape == (100,)
    assert rt.torch_linspace(0, 1, 0).shape == (0,)
    assert arr(rt.torch_linspace(2, 3, 1)).tolist() == [2.0]
    assert rt.torch_linspace(0, 1, 3, dtype=rt.torch_double()).dtype is rt.torch_double()
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        rt.torch_linspace(0, 1, -1)
    np.testing.assert_allclose(arr(rt.torch_logspace(0, 3, 4)), [1, 10, 100, 1000])
    np.testing.assert_allclose(arr(rt.torch_logspace(0, 2, 3, base=2)), [1, 2, 4])


# -- random: shapes, dtypes, ranges, errors ---------------------------------------------------------------------

def test_random_shapes_and_dtypes() -> None:
    rt.torch_manual_seed(1)
    for fn in [rt.torch_rand, rt.torch_randn]:
        assert fn(2, 3).shape == (2, 3) and fn(c(2, 3)).shape == (2, 3) and fn(4).dtype is rt.torch_float()
        assert fn(2, dtype=rt.torch_double()).dtype is rt.torch_double()
        assert fn(2, requires_grad=True).requires_grad
    u = arr(rt.torch_rand(10000))
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.02
    z = arr(rt.torch_randn(10000))
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05


def test_randint_high_exclusive() -> None:
    r = rt.torch_randint(0, 3, c(2000))
    assert r.dtype is rt.torch_float() and set(np.unique(arr(r))) == {0, 1, 2}  # R torch: the default dtype
    assert rt.torch_randint(0, 3, c(2), dtype=rt.torch_long()).dtype is rt.torch_long()
    assert rt.torch_randint(-2, 2, c(2, 3)).shape == (2, 3)
    assert rt.torch_randint(0, 5, c(3), dtype=rt.torch_double()).dtype is rt.torch_double()
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to', but got from=3 >= to=3"):
        rt.torch_randint(3, 3, c(2))


def test_randperm_normal_bernoulli_multinomial() -> None:
    p = rt.torch_randperm(6)
    assert p.dtype is rt.torch_long() and sorted(arr(p).tolist()) == list(range(6))
    n = rt.torch_normal(2.0, 0.5, size=c(5000))
    assert n.shape == (5000,) and abs(arr(n).mean() - 2) < 0.05 and abs(arr(n).std() - 0.5) < 0.05
    m = rt.torch_normal(torch_tensor([0.0, 100.0]), 0.001)
    assert m.shape == (2,) and abs(arr(m)[1] - 100) < 0.1
    m2 = rt.torch_normal(torch_tensor([[0.0], [10.0]]), torch_tensor([1e-3, 1e-3, 1e-3]))
    assert m2.shape == (2, 3)
    with pytest.raises(RuntimeError, match="torch_normal: size is required"):
        rt.torch_normal(0, 1)
    b = rt.torch_bernoulli(torch_tensor([0.0, 1.0, 0.0, 1.0]))
    assert arr(b).tolist() == [0.0, 1.0, 0.0, 1.0] and b.dtype is rt.torch_float()
    assert set(np.unique(arr(rt.torch_bernoulli(rt.torch_ones(1000) * 0.5)))) == {0.0, 1.0}
    with pytest.raises(RuntimeError, match="bernoulli_ expects p to be in \\[0, 1\\]"):
        rt.torch_bernoulli(torch_tensor([1.5]))
    mn = rt.torch_multinomial(torch_tensor([0.0, 0.0, 1.0]), 4, replacement=True)
    assert arr(mn).tolist() == [3, 3, 3, 3] and mn.dtype is rt.torch_long()  # 1-based
    mn2 = rt.torch_multinomial(torch_tensor([[1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]), 3)
    assert mn2.shape == (2, 3) and sorted(arr(mn2)[0].tolist()) == [1, 2, 3] and arr(mn2)[1, 0] == 2
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size\\(-1\\) samples without "
                                           "replacement"):
        rt.torch_multinomial(torch_tensor([1.0, 1.0]), 3)
    with pytest.raises(RuntimeError, match="probability tensor contains either `inf`, `nan` or element < 0"):
        rt.torch_multinomial(torch_tensor([1.0, -1.0]), 1)


def test_seed_helpers_restore_state() -> None:
    rt.torch_manual_seed(3)
    a = arr(rt.torch_randn(3)).copy()
    rt.torch_manual_seed(3)
    inside = rt.with_torch_manual_seed(lambda: arr(rt.torch_randn(3)).copy(), seed=3)
    np.testing.assert_array_equal(inside, a)
    np.testing.assert_array_equal(arr(rt.torch_randn(3)), a)  # the outer stream continued where it was


# -- devices and helpers -------------------------------------------------------------------------------------------

def test_devices_and_helpers() -> None:
    assert repr(rt.torch_device("cpu")) == "torch_device(type='cpu')"
    assert rt.torch_device(rt.torch_device("cpu")) == "cpu"
    assert not rt.cuda_is_available()
    assert rt.torch_device("cuda").type == "cuda"  # an object only, as in R torch: tensors there are errors
    with pytest.raises(RuntimeError, match="device 'cuda' is not available: rtorch_py runs on the CPU only"):
        rt.torch_ones(1, device=rt.torch_device("cuda"))
    assert rt.is_torch_tensor(rt.torch_ones(1)) and not rt.is_torch_tensor(np.ones(1))
    assert isinstance(rt.as_array(rt.torch_ones(2)), np.ndarray)


def c(*v: int) -> list:
    return list(v)
