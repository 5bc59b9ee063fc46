"""Expected values of tests/conformance/conversions.R: ``expect()`` gives one entry per emitted name, in the script's
order (tests/bridge/test_conformance.py runs the script both ways and compares)."""

from __future__ import annotations

from typing import Any

import numpy as np
from conformance_util import LIST, TLIST, A, D, I, L, S, T, item

import rtorch_py as rt
from rtorch_py import nn


def expect() -> dict[str, Any]:
    m = np.array([[1.0, 3, 5], [2, 4, 6]])
    a = np.arange(1, 25).reshape(4, 3, 2).transpose()  # R's array(1:24, c(2, 3, 4)), column-major
    tm = rt.torch_tensor([[1.0, 3, 5], [2, 4, 6]])
    ta = rt.torch_tensor(a)
    return {
        "double": T(rt.torch_tensor([1.5, -2.25, 0.1, 1e-3, 3e38])),
        "integer": T(rt.torch_tensor([1, -7, 2147483647])),
        "logical": T(rt.torch_tensor([True, False, True])),
        "length1": T(rt.torch_tensor([2.0])),
        "length1_integer": T(rt.torch_tensor([2])),
        "dtype_double": T(rt.torch_tensor([0.1, 2], dtype=rt.torch_float64())),
        "dtype_long_from_double": T(rt.torch_tensor([1.7, -1.7, 3], dtype=rt.torch_long())),
        "dtype_float_from_integer": T(rt.torch_tensor([1, 2, 3], dtype=rt.torch_float())),
        "dtype_int32": T(rt.torch_tensor([4, 5], dtype=rt.torch_int())),
        "dtype_bool_from_double": T(rt.torch_tensor([0, 2.5], dtype=rt.torch_bool())),
        "requires_grad": T(rt.torch_tensor([1.0, 2], requires_grad=True)),
        "matrix": T(tm),
        "matrix_entries": A(m),
        "array3": T(ta),
        "array3_entry": item(ta[1, 2, 3].item()),
        "logical_matrix": T(rt.torch_tensor([[True, True], [False, True], [False, False]])),
        "byrow_matrix": T(rt.torch_tensor([[1, 2, 3], [4, 5, 6]])),
        "as_array_0d": A(rt.as_array(rt.torch_scalar_tensor(2.5))),
        "as_array_1d": A(rt.as_array(rt.torch_tensor([1.5, 2]))),
        "as_array_2d": A(rt.as_array(tm)),
        "as_array_3d": A(rt.as_array(ta)),
        "as_array_long": A(rt.as_array(rt.torch_tensor([1, 2, 3]))),
        "as_array_int32": A(rt.as_array(rt.torch_tensor([1, 2, 3], dtype=rt.torch_int()))),
        "as_array_bool": A(rt.as_array(rt.torch_tensor([True, False]))),
        "as_array_float": A(rt.as_array(rt.torch_tensor(0.1))),
        "as_array_double": A(rt.as_array(rt.torch_tensor(0.1, dtype=rt.torch_double()))),
        "as_array_big_long": A(rt.as_array(rt.torch_tensor(3e9, dtype=rt.torch_long()))),
        "identical_matrix": L(np.array_equal(rt.as_array(tm), m)),
        "identical_array": L(np.array_equal(rt.as_array(ta), a)),
        "as_numeric": D(*m.ravel(order="F")),
        "as_integer": I(1, 5),
        "as_logical": L(True, False),
        "as_matrix": A(m),
        "as_vector": I(*a.ravel(order="F")),
        "length": I(rt.torch_zeros(2, 3, 4).numel()),
        "dim": I(*rt.torch_zeros(2, 3, 4).shape),
        "item_float": item(rt.torch_tensor(2.5).item()),
        "item_float_tenth": item(rt.torch_tensor(0.1).item()),
        "item_double": item(rt.torch_tensor(0.1, dtype=rt.torch_double()).item()),
        "item_long": item(rt.torch_tensor(7).item()),
        "item_int32": item(rt.torch_tensor(3, dtype=rt.torch_int()).item()),
        "item_bool": item(rt.torch_tensor(True).item()),
        "item_sum_long": item(rt.torch_tensor([1, 2, 3, 4]).sum().item()),
        "item_mean": item(rt.torch_tensor([1.0, 2, 4]).mean().item()),
        "item_any": item((rt.torch_tensor([1, 2, 3]) > 2).any().item()),
        "shape": I(*rt.torch_zeros(3, 1, 2).shape),
        "shape_0d": I(*rt.torch_scalar_tensor(1).shape),
        "shape_vector_arg": I(*rt.torch_zeros([2, 4]).shape),
        "size": I(*rt.torch_zeros(2, 5).size()),
        "size_dim": I(rt.torch_zeros(2, 5).size(2)),
        "size_negative_dim": I(rt.torch_zeros(2, 5).size(-1)),
        "ndim": I(rt.torch_zeros(2, 5).ndim),
        "dim_method": I(rt.torch_zeros(2, 5).dim()),
        "numel": I(rt.torch_zeros(2, 5).numel()),
        "dtype_names": S(*[d.name for d in (rt.torch_float(), rt.torch_double(), rt.torch_long(), rt.torch_int(),
                                            rt.torch_bool(), rt.torch_float32(), rt.torch_float64(),
                                            rt.torch_int64(), rt.torch_float16())]),
        "dtype_of_ops": S(*[t.dtype.name for t in (
            rt.torch_tensor([1, 2]) / 2, rt.torch_tensor([1, 2]) * 2, rt.torch_tensor([1, 2]) * 1.5,
            rt.torch_tensor([True, False]) + 1, rt.torch_tensor([1, 2]).float(),
            rt.torch_tensor([1.0]).to(dtype=rt.torch_double()))]),
        "split": TLIST(rt.torch_split(rt.torch_arange(1.0, 5.0), 2)),
        "unbind": TLIST(rt.torch_unbind(tm, 2)),
        "state_dict_names": S(*nn.nn_linear(2, 1).state_dict()),
        "creation": LIST(T(rt.torch_zeros(2, 3, dtype=rt.torch_long())),
                         T(rt.torch_ones_like(rt.torch_tensor([1, 2, 3]))), T(rt.torch_full([2, 2], 7.0)),
                         T(rt.torch_eye(3)), T(rt.torch_linspace(0, 1, 5)), I(*rt.torch_empty(2, 0).shape),
                         T(rt.torch_zeros_like(tm))),
    }
