"""R conventions converted in one place (rtorch_py/_r.py): 1-based dims and index tensors, sizes, numbers."""

from __future__ import annotations

import numpy as np
import pytest

from rtorch_py import torch_tensor
from rtorch_py._r import dim0, dims0, first_index, index0, size_arg, to_int


def test_dim0() -> None:
    assert dim0(1, 3) == 0 and dim0(3, 3) == 2 and dim0(-1, 3) == 2 and dim0(-3, 3) == 0
    assert dim0(1.0, 2) == 0 and dim0(np.int64(2), 2) == 1 and dim0(torch_tensor(2), 2) == 1
    assert dim0(1, 0) == 0 and dim0(-1, 0) == 0  # a 0-d tensor has one (virtual) dim, as libtorch
    with pytest.raises(IndexError, match="^Indexing starts at 1 but found a 0.$"):
        dim0(0, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-3, 3\], but got "
                                         r"4\)"):
        dim0(4, 3)
    with pytest.raises(IndexError, match=r"but got -4\)"):
        dim0(-4, 3)
    with pytest.raises(TypeError, match="dim must be a whole number, got 1.5"):
        dim0(1.5, 3)


def test_dims0() -> None:
    assert dims0([1, -1], 3) == (0, 2)
    assert dims0(2, 3) == (1,)
    assert dims0(np.array([1, 2]), 2) == (0, 1)
    with pytest.raises(RuntimeError, match="dim 1 appears multiple times in the list of dims"):
        dims0([1, -3], 3)


def test_size_arg() -> None:
    assert size_arg((2, 3)) == (2, 3)
    assert size_arg(([2, 3],)) == (2, 3)
    assert size_arg((np.array([4]),)) == (4,)
    assert size_arg((torch_tensor([1, 2]),)) == (1, 2)
    assert size_arg((2.0,)) == (2,)
    assert size_arg(()) == ()
    with pytest.raises(RuntimeError, match=r"f: Trying to create tensor with negative dimension -2: \[1, -2\]"):
        size_arg((1, -2), "f")


def test_index0() -> None:
    np.testing.assert_array_equal(index0(torch_tensor([1, 3]), "f"), [0, 2])
    np.testing.assert_array_equal(index0(torch_tensor([1.0, 2.0]), "f"), [0, 1])  # R's numbers are doubles
    np.testing.assert_array_equal(index0([-1, 2], "f", size=4), [3, 1])  # negative counts from the end
    assert index0(torch_tensor([2], dtype=None), "f").dtype == np.int64
    with pytest.raises(IndexError, match="Indexing starts at 1 but found a 0."):
        index0(torch_tensor([1, 0]), "f")
    with pytest.raises(TypeError, match="f: index must hold whole numbers"):
        index0(torch_tensor([1.5]), "f")
    with pytest.raises(RuntimeError, match=r"f\(\): Expected dtype int64 for index"):
        index0(torch_tensor([True]), "f")


def test_to_int_and_first_index() -> None:
    assert to_int(True) == 1 and to_int(3.0) == 3 and to_int(np.array([5])) == 5
    with pytest.raises(TypeError, match="k must be a whole number, got 'a'"):
        to_int("a", "k")
    assert first_index(0) == 1
