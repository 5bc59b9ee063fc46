"""R conventions converted in one place (rtorch_py/_r.py): 1-based dims and index tensors, sizes, numbers."""

from __future__ import annotations

import numpy as np
import pytest

from rtorch_py import torch_tensor
from rtorch_py._r import axes_of, axis_of, index_of, sizes_of, to_int


def test_axis_of() -> None:
    assert axis_of(1, 3) == 0 and axis_of(3, 3) == 2 and axis_of(-1, 3) == 2 and axis_of(-3, 3) == 0
    assert axis_of(1.0, 2) == 0 and axis_of(np.int64(2), 2) == 1 and axis_of(torch_tensor(2), 2) == 1
    assert axis_of(1, 0) == 0 and axis_of(-1, 0) == 0  # a 0-d tensor has one (virtual) dim, as libtorch
    with pytest.raises(IndexError, match="^Indexing starts at 1 but found a 0.$"):
        axis_of(0, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-3, 3\], but got "
                                         r"4\)"):
        axis_of(4, 3)
    with pytest.raises(IndexError, match=r"but got -4\)"):
        axis_of(-4, 3)
    with pytest.raises(TypeError, match="dim must be a whole number, got 1.5"):
        axis_of(1.5, 3)


def test_axes_of() -> None:
    assert axes_of([1, -1], 3) == (0, 2)
    assert axes_of(2, 3) == (1,)
    assert axes_of(np.array([1, 2]), 2) == (0, 1)
    with pytest.raises(RuntimeError, match="dim 1 appears multiple times in the list of dims"):
        axes_of([1, -3], 3)


def test_sizes_of() -> None:
    assert sizes_of((2, 3)) == (2, 3)
    assert sizes_of(([2, 3],)) == (2, 3)
    assert sizes_of((np.array([4]),)) == (4,)
    assert sizes_of((torch_tensor([1, 2]),)) == (1, 2)
    assert sizes_of((2.0,)) == (2,)
    assert sizes_of(()) == ()
    with pytest.raises(RuntimeError, match=r"f: Trying to create tensor with negative dimension -2: \[1, -2\]"):
        sizes_of((1, -2), "f")


def test_index_of() -> None:
    np.testing.assert_array_equal(index_of(torch_tensor([1, 3]), "f")._data, [0, 2])
    np.testing.assert_array_equal(index_of(torch_tensor([1.0, 2.0]), "f")._data, [0, 1])  # R's numbers: doubles
    np.testing.assert_array_equal(index_of([-1, 2], "f", size=4)._data, [3, 1])  # negative counts from the end
    assert index_of(torch_tensor([2], dtype=None), "f")._data.dtype == np.int64
    with pytest.raises(IndexError, match="Indexing starts at 1 but found a 0."):
        index_of(torch_tensor([1, 0]), "f")
    with pytest.raises(TypeError, match="f: index must hold whole numbers"):
        index_of(torch_tensor([1.5]), "f")
    with pytest.raises(RuntimeError, match=r"f\(\): Expected dtype int64 for index"):
        index_of(torch_tensor([True]), "f")


def test_to_int() -> None:
    assert to_int(True) == 1 and to_int(3.0) == 3 and to_int(np.array([5])) == 5
    with pytest.raises(TypeError, match="k must be a whole number, got 'a'"):
        to_int("a", "k")


def test_sizes_by_name() -> None:
    """R torch takes a creation function's sizes by name too (``torch_randn(size = c(2, 3))``)."""
    from rtorch_py import torch_manual_seed, torch_randn, torch_zeros

    torch_manual_seed(3)
    a = torch_randn(size=(2, 3))
    torch_manual_seed(3)
    assert a.shape == (2, 3) and (a._data == torch_randn(2, 3)._data).all()
    assert torch_zeros(size=[4]).shape == (4,)
    with pytest.raises(TypeError, match="unexpected keyword argument 'sizes'"):
        torch_randn(sizes=3)
    with pytest.raises(TypeError, match="given both by position and by name"):
        torch_randn(2, size=3)
