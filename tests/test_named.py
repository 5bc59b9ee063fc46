"""Named dimensions (rtorch_py/named.py): factories' ``names =``, ``$names``/``$has_names()``/``$rename()``,
dims given by name in Dim/Dims arguments (values equal to the numbered dim's), ``torch_cat`` by name keeping
the names, and libtorch's errors (unknown name, duplicate names, norm's named dims)."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt


def named(*size: int, names: list) -> rt.Tensor:
    rt.torch_manual_seed(3)
    return rt.torch_randn(*size, names=names)


def test_factories_set_names_and_unnamed_tensors_have_none() -> None:
    assert rt.torch_randn(2, 2).names is None
    assert rt.torch_randn(2, 2).has_names() is False
    for make in (rt.torch_zeros, rt.torch_ones, rt.torch_empty, rt.torch_rand, rt.torch_randn):
        x = make(2, 3, names=["W", "H"])
        assert x.names == ["W", "H"] and x.has_names()
    assert rt.torch_full([2], 1.5, names=["A"]).names == ["A"]
    assert rt.torch_tensor([[1, 2]], names=["R", "C"]).names == ["R", "C"]
    # an unnamed dim reads "*" (libtorch's wildcard); all wildcards is no names at all
    assert rt.torch_zeros(2, 2, names=["A", "*"]).names == ["A", "*"]
    assert rt.torch_zeros(2, 2, names=["*", "*"]).names is None


def test_rename_by_position_by_pair_and_in_place() -> None:
    x = named(2, 2, names=["W", "H"])
    assert x.rename(W="a").names == ["a", "H"]
    assert x.rename(W="a", H="b").names == ["a", "b"]
    assert x.rename("a", "b").names == ["a", "b"]
    assert x.rename(["a", "b"]).names == ["a", "b"]
    assert x.rename(None).names is None
    assert x.names == ["W", "H"]  # rename is a new view; the original keeps its names
    y = x.rename(W="a")
    assert np.shares_memory(y._data, x._data)
    assert x.rename_(W="a") is x and x.names == ["a", "H"]
    u = rt.torch_randn(2, 2)
    assert u.rename("a", "b").names == ["a", "b"]


def test_rename_errors() -> None:
    with pytest.raises(RuntimeError, match=r"Tried to rename dim 'W' to dim 'a' in Tensor\[None, None\]"):
        rt.torch_randn(2, 2).rename(W="a")
    with pytest.raises(RuntimeError, match=r"Number of names \(3\) and number of dimensions in tensor \(2\)"):
        rt.torch_randn(2, 2).rename("a", "b", "c")
    with pytest.raises(RuntimeError, match="duplicate names"):
        rt.torch_zeros(2, 2, names=["a", "a"])


def test_rename_keeps_the_gradient_path() -> None:
    x = rt.torch_tensor([1.0, 2.0], requires_grad=True)
    y = x.rename("a")
    (y * y).sum().backward()
    assert x.grad._data.tolist() == [2.0, 4.0]


@pytest.mark.parametrize("fn", [rt.torch_sum, rt.torch_mean, rt.torch_var, rt.torch_std, rt.torch_logsumexp])
def test_a_dim_by_name_equals_the_numbered_dim(fn) -> None:
    x = named(3, 4, 5, names=["A", "B", "C"])
    for name, number in (("A", 1), ("B", 2), ("C", 3)):
        np.testing.assert_array_equal(fn(x, dim=name)._data, fn(x, dim=number)._data)
    np.testing.assert_array_equal(rt.torch_sum(x, dim=["A", "C"])._data, rt.torch_sum(x, dim=[1, 3])._data)


def test_var_mean_by_name() -> None:
    x = named(100, names=["a"])
    v, m = rt.torch_var_mean(x, dim="a")
    assert v.item() == pytest.approx(float(np.var(x._data.astype(np.float64), ddof=1)), rel=1e-5)
    assert m.item() == pytest.approx(float(np.mean(x._data.astype(np.float64))), rel=1e-5)


def test_cat_by_name_keeps_names() -> None:
    x = named(2, 3, 4, names=["A", "B", "C"])
    y = named(2, 4, 4, names=["A", "B", "C"])
    out = rt.torch_cat([x, y], dim="B")
    assert out.shape == (2, 7, 4) and out.names == ["A", "B", "C"]
    np.testing.assert_array_equal(out._data, np.concatenate([x._data, y._data], axis=1))
    # an unnamed input takes the named one's names; differing names at one position are an error
    assert rt.torch_cat([x, rt.torch_zeros(2, 1, 4)], dim=2).names == ["A", "B", "C"]
    with pytest.raises(RuntimeError, match="dim 'X' and dim 'B'"):
        rt.torch_cat([x, rt.torch_zeros(2, 1, 4, names=["A", "X", "C"])], dim=1)


def test_unknown_name_and_unnamed_tensor_errors() -> None:
    x = named(2, 3, names=["W", "H"])
    with pytest.raises(RuntimeError, match=r"torch_sum: Name 'Z' not found in Tensor\[W, H\]"):
        rt.torch_sum(x, dim="Z")
    with pytest.raises(RuntimeError, match=r"Name 'W' not found in Tensor\[None, None\]"):
        rt.torch_sum(rt.torch_zeros(2, 3), dim="W")
    with pytest.raises(RuntimeError, match="appears multiple times"):
        rt.torch_sum(x, dim=["W", "W"])


def test_norm_rejects_named_dims_as_libtorch() -> None:
    x = named(2, 3, names=["W", "H"])
    for d in ("W", "H"):
        with pytest.raises(RuntimeError, match="not yet supported with named tensors"):
            rt.torch_norm(x, dim=d)
    assert rt.torch_norm(x, dim=1).shape == (3,)
