"""dtype objects, the default dtype and torch's type promotion (table from PyTorch in core_promotion.json)."""

from __future__ import annotations

import numpy as np
import pytest
from fixture_cases import NP, load

import rtorch_py as rt
from rtorch_py._core import dtype as D  # noqa: N812
from rtorch_py._core.tensor import Tensor

PROMO = load("core_promotion.json")
NAMES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _t(name: str, shape: tuple = (2,)) -> Tensor:
    return Tensor._wrap(np.ones(shape, dtype=NP[name]))


@pytest.mark.parametrize("pair", sorted(PROMO["tensor_tensor"]))
def test_promotion_tensor_tensor(pair: str) -> None:
    a, b = pair.split(",")
    assert np.dtype(D.result_type(_t(a)._data, _t(b)._data)) == np.dtype(NP[PROMO["tensor_tensor"][pair]])
    assert D.promote_types(np.dtype(NP[a]), np.dtype(NP[b])) == np.dtype(NP[PROMO["tensor_tensor"][pair]])


@pytest.mark.parametrize("pair", sorted(PROMO["tensor_0d"]))
def test_promotion_tensor_zero_dim(pair: str) -> None:
    a, b = pair.split(",")
    got = D.result_type(_t(a)._data, _t(b, ())._data)
    assert np.dtype(got) == np.dtype(NP[PROMO["tensor_0d"][pair]])


@pytest.mark.parametrize("pair", sorted(PROMO["tensor_scalar"]))
def test_promotion_tensor_python_scalar(pair: str) -> None:
    a, kind = pair.split(",")
    scalar = {"bool": True, "int": 2, "float": 2.5}[kind]
    expected = np.dtype(NP[PROMO["tensor_scalar"][pair]])
    assert np.dtype(D.result_type(_t(a)._data, scalar)) == expected
    if a != "bool" or kind != "bool":  # bool + bool is an error for sub only; add works
        assert (_t(a) + scalar)._data.dtype == expected
        assert (scalar + _t(a))._data.dtype == expected


@pytest.mark.parametrize("key", sorted(PROMO["ops"]))
def test_result_dtype_of_ops(key: str) -> None:
    op, pair = key.split(":")
    a, b = pair.split(",")
    fn = {"add": rt.torch_add, "mul": rt.torch_mul, "div": rt.torch_div, "eq": rt.torch_eq,
          "maximum": rt.torch_maximum, "sub": rt.torch_sub, "pow": rt.torch_pow, "remainder": rt.torch_remainder,
          "where": lambda x, y: rt.torch_where(x > 0, x, y)}[op]
    other = {"scalar_float32": 2.5, "scalar_int64": 2, "scalar_bool": True}.get(b)
    expected = PROMO["ops"][key]
    if expected == "error":
        with pytest.raises(RuntimeError):
            fn(_t(a), other if other is not None else _t(b))
        return
    out = fn(_t(a), other if other is not None else _t(b))
    assert out._data.dtype == np.dtype(NP[expected]), f"{key}: {out._data.dtype}"


def test_dtype_objects() -> None:
    assert rt.torch_float() is rt.torch_float32() is D.float32
    assert rt.torch_double() is rt.torch_float64()
    assert rt.torch_long() is rt.torch_int64()
    assert rt.torch_int() is rt.torch_int32()
    assert rt.torch_short() is rt.torch_int16()
    assert rt.torch_half() is rt.torch_float16()
    for f, name in [(rt.torch_float, "Float"), (rt.torch_double, "Double"), (rt.torch_long, "Long"),
                    (rt.torch_int, "Int"), (rt.torch_short, "Short"), (rt.torch_int8, "Char"),
                    (rt.torch_uint8, "Byte"), (rt.torch_bool, "Bool"), (rt.torch_half, "Half")]:
        assert f().name == name
        assert repr(f()) == f"torch_{name}"
    assert rt.torch_float().is_floating_point and not rt.torch_long().is_floating_point
    assert rt.is_torch_dtype(rt.torch_bool()) and not rt.is_torch_dtype("float")


def test_as_dtype_accepts_names_and_numpy() -> None:
    assert D.as_dtype("float64") is D.float64
    assert D.as_dtype("Long") is D.int64
    assert D.as_dtype("long") is D.int64
    assert D.as_dtype(np.int32) is D.int32
    assert D.as_dtype(np.dtype("bool")) is D.bool_
    with pytest.raises(ValueError, match="unknown dtype 'complex'"):
        D.as_dtype("complex")
    assert D.from_numpy_dtype(np.dtype(np.complex64)) is D.complex64
    with pytest.raises(TypeError, match="no rtorch_py equivalent"):
        D.from_numpy_dtype(np.dtype(np.uint16))


def test_dtype_pickles_to_the_same_object() -> None:
    import pickle  # noqa: PLC0415

    assert pickle.loads(pickle.dumps(rt.torch_double())) is rt.torch_double()


def test_default_dtype() -> None:
    assert rt.torch_get_default_dtype() is rt.torch_float()
    try:
        rt.torch_set_default_dtype(rt.torch_double())
        assert rt.torch_tensor(1.5).dtype is rt.torch_double()
        assert rt.torch_zeros(2).dtype is rt.torch_double()
        assert rt.torch_randn(2).dtype is rt.torch_double()
        assert (rt.torch_tensor([1, 2]) / 2).dtype is rt.torch_double()
        assert (rt.torch_tensor([1, 2]) * 0.5).dtype is rt.torch_double()
        assert rt.torch_tensor([1, 2]).dtype is rt.torch_long()
    finally:
        rt.torch_set_default_dtype(rt.torch_float())
    assert rt.torch_tensor(1.5).dtype is rt.torch_float()
    with pytest.raises(TypeError, match="only floating-point types"):
        rt.torch_set_default_dtype(rt.torch_long())


def test_float16_storage() -> None:
    x = rt.torch_tensor([1.5, 2.25], dtype=rt.torch_half())
    assert x.dtype is rt.torch_half() and x._data.dtype == np.float16
    assert (x + 1).dtype is rt.torch_half()
    assert (x + rt.torch_tensor([1, 2])).dtype is rt.torch_half()
    assert x.float().dtype is rt.torch_float()
    assert x.element_size() == 2
    assert "CPUHalfType{2}" in str(x)


def test_issue_promotion_rules() -> None:
    """The rules the issue names: int + float -> float32; float32 op Python float -> float32; comparisons ->
    bool; int / int -> float32; float64 dims win over float32 0-d; Python ints keep integer tensors."""
    i, f = rt.torch_tensor([1, 2]), rt.torch_tensor([1.0, 2.0])
    assert (i + f).dtype is rt.torch_float() and (f + i).dtype is rt.torch_float()
    assert (f * 2.5).dtype is rt.torch_float() and (2.5 * f).dtype is rt.torch_float()
    assert (i * 2.5).dtype is rt.torch_float() and (i * 2).dtype is rt.torch_long()
    assert (i / i).dtype is rt.torch_float()
    for cmp in [i < f, i == 2, f >= 1.5, f != f]:
        assert cmp.dtype is rt.torch_bool()
    d = rt.torch_tensor([1.0], dtype=rt.torch_double())
    assert (d + rt.torch_tensor(1.0)).dtype is rt.torch_double()
    assert (f + rt.torch_tensor(1.0, dtype=rt.torch_double())).dtype is rt.torch_float()
    assert (i + rt.torch_tensor(1.5)).dtype is rt.torch_float()
    b = rt.torch_tensor([True, False])
    assert (b + b).dtype is rt.torch_bool() and (b + 1).dtype is rt.torch_long() and (b * 1.5).dtype is rt.torch_float()
    assert (b & b).dtype is rt.torch_bool() and (~b).dtype is rt.torch_bool()


def test_complex_promotion_as_torch() -> None:
    # torch.promote_types / scalar promotion as PyTorch 2.13 gives them (checked there by hand)
    c64, c128 = np.dtype(np.complex64), np.dtype(np.complex128)
    assert D.promote_types(c64, np.dtype(np.float64)) == c128
    assert D.promote_types(c64, np.dtype(np.float16)) == c64
    assert D.promote_types(c128, np.dtype(np.float32)) == c128
    assert D.promote_types(c64, np.dtype(np.int64)) == c64
    assert D.promote_types(c64, np.dtype(np.bool_)) == c64
    assert D.result_type(np.ones(2, np.float64), 1j) == c128
    assert D.result_type(np.ones(2, np.float32), 1j) == c64
    assert D.result_type(np.ones(2, np.int64), 1j) == c64
    assert D.result_type(np.ones(2, np.complex64), 2.5) == c64
    assert D.as_dtype("cdouble") is D.complex128 and not D.complex64.is_floating_point and D.complex64.is_complex
