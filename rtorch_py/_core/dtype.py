"""Data types: libtorch's dtype objects over numpy dtypes, and torch's type-promotion rules."""

from __future__ import annotations

import numpy as np

__all__ = ["dtype", "as_dtype", "from_numpy_dtype", "get_default_dtype", "set_default_dtype", "promote_types",
           "complex_of", "real_of", "result_type", "bfloat16", "is_bf16", "round_bf16", "cast_array"]

# Promotion categories, as torch: bool < integer < floating < complex.
_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:  # noqa: N801 - named as torch's dtype class
    """A tensor element type (``torch_float32()``, ``torch_long()``, ...).

    Example:
        >>> torch_float32()
        torch_Float
    """

    __slots__ = ("name", "np", "category", "is_floating_point", "is_complex", "itemsize")

    def __init__(self, name: str, np_dtype: type) -> None:
        self.name = name  # libtorch's scalar type name: Float, Double, Long, ...
        self.np = np.dtype(np_dtype)
        kind = self.np.kind
        self.category = _BOOL if kind == "b" else _FLOAT if kind == "f" else _COMPLEX if kind == "c" else _INT
        self.is_floating_point = self.category == _FLOAT
        self.is_complex = self.category == _COMPLEX
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"torch_{self.name}"

    def __reduce__(self) -> tuple:
        return (as_dtype, (self.name,))


def _scalar_type(self: dtype) -> str:
    """R torch's ``dtype$.type()``: libtorch's scalar type name ("Float", "Byte", ...)."""
    return self.name


setattr(dtype, ".type", _scalar_type)  # noqa: B010 - R's `x$dtype$.type()`: not a Python identifier


float32 = dtype("Float", np.float32)
float64 = dtype("Double", np.float64)
float16 = dtype("Half", np.float16)
int64 = dtype("Long", np.int64)
int32 = dtype("Int", np.int32)
int16 = dtype("Short", np.int16)
int8 = dtype("Char", np.int8)
uint8 = dtype("Byte", np.uint8)
bool_ = dtype("Bool", np.bool_)
complex64 = dtype("ComplexFloat", np.complex64)
complex128 = dtype("ComplexDouble", np.complex128)

# bfloat16 storage: float32 arrays whose values are rounded to bfloat16 (8 significand bits, round to nearest
# even), tagged by the numpy descriptor's metadata. numpy compares the tagged descriptor equal to float32 (and
# hashes it alike), so code that must tell them apart asks is_bf16(); ops record()ed from bfloat16 inputs are
# rounded back (ops.record), so the values stay bfloat16 and the dtype reads torch_BFloat16.
BF16_NP = np.dtype(np.float32, metadata={"torch": "BFloat16"})
bfloat16 = dtype("BFloat16", np.float32)
bfloat16.np = BF16_NP
bfloat16.itemsize = 2
BF16_SEEN = [False]  # set once a bfloat16 array exists: record() checks for them only from then on


def is_bf16(np_dtype: np.dtype) -> bool:
    """Whether a numpy descriptor is the bfloat16 tag (float32 storage of bfloat16 values)."""
    return np_dtype.metadata is not None and np_dtype.metadata.get("torch") == "BFloat16"


def round_bf16(a: np.ndarray) -> np.ndarray:
    """Float values rounded to bfloat16 (round to nearest, ties to even; NaN stays NaN, overflow gives inf),
    as libtorch's float -> BFloat16 conversion; a new array of the tagged descriptor.

    Example:
        >>> round_bf16(np.float32([1.00390625, 1.01171875, 3.14159265])).tolist()
        [1.0, 1.015625, 3.140625]
    """
    f = np.asarray(a, dtype=np.float32)
    bits = np.ascontiguousarray(f).view(np.uint32).reshape(f.shape)  # (ascontiguousarray makes 0-d 1-d)
    rounded = (bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))) & np.uint32(0xFFFF0000)
    out = np.where(np.isnan(f), np.float32(np.nan), rounded.view(np.float32)).astype(BF16_NP)
    BF16_SEEN[0] = True
    return out


def cast_array(a: np.ndarray, np_dtype: np.dtype) -> np.ndarray:
    """``a.astype(np_dtype)``, rounding to bfloat16 for the bfloat16 tag (always: an array tagged by a plain
    numpy cast holds unrounded values)."""
    if is_bf16(np_dtype):
        return round_bf16(a.real if a.dtype.kind == "c" else a)
    if a.dtype == np_dtype and not is_bf16(a.dtype):
        return a
    return a.astype(np_dtype)


ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool_, complex64, complex128)
_BY_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update(
    {
        "float": float32, "float32": float32, "float64": float64, "double": float64, "float16": float16,
        "half": float16, "int64": int64, "long": int64, "int32": int32, "int": int32, "int16": int16,
        "short": int16, "int8": int8, "uint8": uint8, "bool": bool_,
        "cfloat": complex64, "complex64": complex64, "cdouble": complex128, "complex128": complex128,
        "bfloat16": bfloat16, "BFloat16": bfloat16,
    }
)
_default = float32


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """The dtype object for a numpy dtype; a clear error for types libtorch has no name for here."""
    if np_dtype.metadata is not None and is_bf16(np_dtype):
        return bfloat16
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        raise TypeError(f"numpy dtype {np_dtype} has no rtorch_py equivalent") from None


def as_dtype(x: object) -> dtype:
    """Accepts a dtype object, its name ("float32", "Long", ...) or a numpy dtype."""
    if isinstance(x, dtype):
        return x
    if isinstance(x, str):
        try:
            return _BY_NAME[x] if x in _BY_NAME else _BY_NAME[x.lower()]
        except KeyError:
            raise ValueError(f"unknown dtype {x!r}") from None
    try:
        return from_numpy_dtype(np.dtype(x))
    except TypeError as e:
        raise TypeError(f"expected a dtype, got {x!r}") from e


def get_default_dtype() -> dtype:
    """The dtype of new floating-point tensors (float32 unless changed)."""
    return _default


def set_default_dtype(d: dtype) -> None:
    """Set the dtype of new floating-point tensors (a floating dtype; TypeError otherwise)."""
    global _default
    d = as_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d!r}")
    _default = d


def _category_of_scalar(x: object) -> int:
    if isinstance(x, (bool, np.bool_)):
        return _BOOL
    if isinstance(x, (int, np.integer)):
        return _INT
    if isinstance(x, (complex, np.complexfloating)):
        return _COMPLEX
    return _FLOAT


def complex_of(d: np.dtype) -> np.dtype:
    """The complex type with components of the floating type ``d`` (float64 -> complex128, else complex64)."""
    return _C128 if d == _F64 or d == _C128 else _C64


def real_of(d: np.dtype) -> np.dtype:
    """The component type of a complex type (a real type is its own)."""
    return _F64 if d == _C128 else _F32 if d == _C64 else d


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """torch.promote_types: across categories the higher category's type wins as it is (int64 + float32 ->
    float32, int64 + float16 -> float16, unlike numpy's float64); within one, the wider type (numpy's rule:
    uint8 + int8 -> int16)."""
    if a.metadata is not None or b.metadata is not None:  # bfloat16 (its tag compares equal to float32)
        ba, bb = is_bf16(a), is_bf16(b)
        if ba and bb:
            return a
        other = b if ba else a
        if ba or bb:
            if other.kind in "biu":
                return BF16_NP
            # with float16 -> float32 (torch); with float32 / float64 / complex, the other type
            return np.dtype(np.float32) if other == np.float16 or other == np.float32 else other
    if a == b:
        return a
    ca, cb = _BY_NP[a].category, _BY_NP[b].category
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi.kind == "c" and lo.kind == "f":  # complex64 + float64 -> complex128, as torch
            return complex_of(np.promote_types(real_of(hi), lo))
        return hi
    return np.promote_types(a, b)


def result_type(*operands: object) -> np.dtype:
    """torch's promotion: dimensioned tensors > 0-d tensors > Python scalars, by category.

    Operands are numpy arrays (tensor data) or Python scalars. A lower-priority operand only changes the
    result when its category (bool < int < float) is higher; a Python float then gives the default dtype.
    """
    dim_t = zero_t = None
    scalar_cat = -1
    for x in operands:
        if isinstance(x, np.ndarray):
            if x.ndim:
                dim_t = x.dtype if dim_t is None else promote_types(dim_t, x.dtype)
            else:
                zero_t = x.dtype if zero_t is None else promote_types(zero_t, x.dtype)
        else:
            scalar_cat = max(scalar_cat, _category_of_scalar(x))
    result = dim_t
    for lower in (zero_t,):
        if lower is None:
            continue
        if result is None or _BY_NP[lower].category > _BY_NP[result].category:
            result = lower
    if scalar_cat >= 0 and (result is None or scalar_cat > _BY_NP[result].category):
        if scalar_cat == _COMPLEX:  # a complex scalar keeps a float tensor's width (float64 -> complex128)
            result = complex_of(result if result is not None and result.kind == "f" else _default.np)
        else:
            result = (_BOOL_NP, _INT_NP, _default.np)[scalar_cat]
    return result


_BOOL_NP = np.dtype(np.bool_)
_INT_NP = np.dtype(np.int64)
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_C64, _C128 = np.dtype(np.complex64), np.dtype(np.complex128)
