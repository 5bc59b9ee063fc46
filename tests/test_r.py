"""R conventions converted in one place (rtorch_py/_r.py): 1-based dims and index tensors, sizes, numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import rtorch_py as rt
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


# -- @r_api: declared argument kinds, one generated wrapper -------------------------------------------------------

from rtorch_py import _r as _r_mod  # noqa: E402
from rtorch_py import torch_ones, torch_randn  # noqa: E402
from rtorch_py._core.errors import Axis, Pos, worded  # noqa: E402
from rtorch_py._core.tensor import Tensor  # noqa: E402
from rtorch_py._r import (  # noqa: E402
    KINDS,
    Class1,
    Dim,
    DimNew,
    Dims,
    Index1,
    Indices1,
    Int,
    Pos1,
    Size,
    ValuesIndices1,
    declared,
    positions_of,
    r_api,
    stop_of,
)


@r_api
def _probe(self: Tensor, dim: Dim, dims: Dims | None = None, new: DimNew = 1, pos: Pos1 = 1,
           idx: Index1 | None = None, n: Int = 0, *size: Size, flag: bool = False) -> Any:
    return dim, dims, new, pos, None if idx is None else idx._data.tolist(), n, size, flag


def test_r_api_converts_each_declared_kind() -> None:
    x = torch_ones(2, 3, 4)
    assert _probe(x, 1) == (0, None, 0, 0, None, 0, (), False)
    assert _probe(x, -1, [1, 3], 4, -1, torch_tensor([1, 3]), 2.0, 5, 6, flag=True) == \
        (2, (0, 2), 3, -1, [0, 2], 2, (5, 6), True)
    assert _probe(x, 2, (), 1, 2, None, 1, [7, 8])[1] is None  # an empty vector of dims is NULL
    assert _probe(x, 2, None, 1, 2, None, 1, [7, 8])[6] == (7, 8)  # sizes as one vector


def test_r_api_keeps_the_signature_and_module() -> None:
    import inspect

    assert str(inspect.signature(_probe)).startswith("(self: 'Tensor', dim: 'Dim', dims: 'Dims | None' = None")
    assert _probe.__globals__ is globals() and _probe.__name__ == "_probe"
    assert declared(_probe) == {"dim": "Dim", "dims": "Dims", "new": "DimNew", "pos": "Pos1", "idx": "Index1",
                                "n": "Int", "size": "Size"}
    assert declared(rt.torch_sort) == {"dim": "Dim", "return": "ValuesIndices1"}
    assert set(KINDS) == {"Dim", "DimNew", "Dims", "DimOrder", "Pos1", "Index1", "Size", "Int", "Class1"}
    for loss in (rt.nnf_nll_loss, rt.nnf_cross_entropy, rt.nnf_multi_margin_loss, rt.nnf_multilabel_margin_loss):
        assert declared(loss) == {"target": "Class1"}  # class targets are declared, not checked by hand


@r_api
def _classes(input: Tensor, target: Class1, ignore_index: int | None = None) -> Any:  # noqa: A002
    t0, keep, n = target.indices(input, ignore_index)
    return t0.tolist(), None if keep is None else keep.tolist(), n


def test_class1_targets_are_made_zero_based_after_their_checks() -> None:
    assert _classes(torch_ones(3, 4), torch_tensor([4, 1, 2])) == ([3, 0, 1], None, 4)
    assert _classes(torch_ones(4), torch_tensor(4)) == (3, None, 4)  # unbatched: classes along dim 1
    # (N, C, d): classes along dim 2; an ignored target (R's class number) may be out of range
    assert _classes(torch_ones(2, 3, 2), torch_tensor([[3, -100], [1, 2]]), -100) == \
        ([[2, 0], [0, 1]], [[True, False], [True, True]], 3)
    with pytest.raises(IndexError, match=r"^_classes: Target 0 is out of bounds. \(class indices are 1-based\) "
                                         r"Expected values in 1..4$"):
        _classes(torch_ones(2, 4), torch_tensor([1, 0]))
    with pytest.raises(IndexError, match=r"^_classes: Target 5 is out of bounds. Expected values in 1..4$"):
        _classes(torch_ones(2, 4), torch_tensor([5, 1]))
    with pytest.raises(RuntimeError, match=r"_classes: expected scalar type Long but found Float for argument "
                                           r"'target' \(class indices 1..4"):
        _classes(torch_ones(2, 4), torch_tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(2\) to match target batch_size \(3\)"):
        _classes(torch_ones(2, 4), torch_tensor([1, 2, 3]))
    with pytest.raises(TypeError, match="_classes: argument 'target' must be a torch_tensor"):
        _classes(torch_ones(2, 4), [1, 2])
    rows = _r_mod.ClassTargets(torch_tensor([[2, 1, -1, 4]]), "f").rows(torch_ones(1, 4))
    assert rows[0].tolist() == [[1, 0, 0, 0]] and rows[1].tolist() == [[True, True, False, False]]


def test_r_api_errors_name_the_function_and_count_from_one() -> None:
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-3, 3\], but got 4\)"):
        _probe(torch_ones(2, 3, 4), 4)
    with pytest.raises(IndexError, match="Indexing starts at 1 but found a 0."):
        _probe(torch_ones(2), 1, None, 1, 0)
    with pytest.raises(TypeError, match=r"_probe: argument 'self' must be a torch_tensor, got \"a\""):
        _probe("a", 1)


@r_api
def _returns(self: Tensor, which: str) -> Indices1:
    return Tensor._wrap(np.array([0, 2])) if which == "i" else None


@r_api
def _pair(self: Tensor) -> ValuesIndices1:
    return self, Tensor._wrap(np.array([0, 1]))


@r_api
def _fails(self: Tensor, dim: Dim) -> None:
    raise worded(IndexError, "index {i} is out of bounds for dimension {d} with size {n}", i=Pos(3), d=Axis(dim), n=3)


def test_r_api_returns_indices_one_based_and_rewords_core_errors() -> None:
    assert _returns(torch_ones(1), "i")._data.tolist() == [1, 3]
    v, i = _pair(torch_ones(2))
    assert i._data.tolist() == [1, 2] and v._data.tolist() == [1.0, 1.0]
    with pytest.raises(IndexError, match="^index 4 is out of bounds for dimension 2 with size 3$"):
        _fails(torch_ones(2, 2), 2)


def test_worded_errors_read_zero_based_from_python_subscripts() -> None:
    x = torch_tensor([1.0, 2.0, 3.0])
    with pytest.raises(IndexError, match="^index 5 is out of bounds for dimension 0 with size 3$"):
        x[5]
    with pytest.raises(IndexError, match=r"^select\(\): index 4 out of range for tensor of size \[3\] at dimension 1$"):
        rt.torch_select(x, 1, 4)
    with pytest.raises(RuntimeError, match="except in dimension 1. Expected size 2 but got size 3 for tensor number 2"):
        rt.torch_cat([torch_randn(8, 2, 7), torch_randn(8, 3, 7)], dim=1)


def test_positions_and_stops() -> None:
    assert positions_of(np.array([1, 3, -1])).tolist() == [0, 2, -1]
    assert (stop_of(3), stop_of(-1), stop_of(-2)) == (3, None, -1)
    with pytest.raises(IndexError, match="Indexing starts at 1"):
        positions_of(np.array([0]))


def test_no_hand_conversions_in_the_api_layer() -> None:
    """1-based conversions happen only in _r.py: the API layer calls none of the old helpers, adds no 1 to
    indices and words no message with a hand-shifted dim (``{ax + 1}``); those go through worded errors."""
    import re
    from pathlib import Path

    root = Path(rt.__file__).parent
    pattern = re.compile(r"\b(dim0|dims0|index0|size_arg|first_index)\(|O\.add\(\w+, 1\)|"
                         r"\{(ax|axis|dim|d|k)(\.\w+)? \+ 1\}|_data \+ 1\b")
    offenders = []
    for f in sorted(root.rglob("*.py")):
        rel = f.relative_to(root).as_posix()
        if rel.startswith("_core/") or rel == "_r.py":
            continue
        for n, line in enumerate(f.read_text().splitlines(), 1):
            if pattern.search(line.split("#")[0]):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []


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
