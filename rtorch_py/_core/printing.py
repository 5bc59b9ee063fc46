"""Tensor text exactly as libtorch <= 2.7 (iostream ``operator<<``) writes it, and R torch's ``print``.

Pure numpy: the tensor layer passes its data array. The rules are those of libtorch's
``aten/src/ATen/core/Formatting.cpp`` before the fmt rewrite (see ``shared/reference/printing.md``):

* the values are converted to float64 and every 1-D tensor, 2-D matrix and 2-D slice of a 3-D+
  tensor gets its own format (:func:`_choose_formats`);
* one layout function per rank (:func:`_vector_lines`, :func:`_matrix_lines`, :func:`_slices_lines`);
* R's ``print(n = 30)`` keeps the first ``n`` lines and the footer (:func:`r_tensor_text`).

Cells are formatted with Python's ``%`` operator, which follows C's ``printf`` for ``%g``/``%f``/``%e``
(and so libstdc++'s ``num_put``) except that it drops the sign of a NaN: glibc writes ``-nan``, so
NaNs with the sign bit set take a per-cell path. Large blocks in the common ``%.4f`` / integer formats
are built with numpy instead (:func:`_vectorised_text`), digit for digit the same text.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np

from .dtype import is_bf16
from .meta import MetaArray

__all__ = ["TYPE_NAMES", "LINE_SIZE", "TRUNCATION_LINE", "format_tensor", "r_tensor_text"]

#: numpy dtype -> libtorch scalar type name, as used in the footer ``[ CPU<Name>Type{...} ]``.
TYPE_NAMES: dict[np.dtype, str] = {
    np.dtype(np.float32): "Float",
    np.dtype(np.float64): "Double",
    np.dtype(np.float16): "Half",
    np.dtype(np.int64): "Long",
    np.dtype(np.int32): "Int",
    np.dtype(np.int16): "Short",
    np.dtype(np.int8): "Char",
    np.dtype(np.uint8): "Byte",
    np.dtype(np.bool_): "Bool",
    np.dtype(np.complex64): "ComplexFloat",
    np.dtype(np.complex128): "ComplexDouble",
}

#: R torch prints no values of a complex tensor (libtorch's operator<< writes only their footer), but this.
COMPLEX_LINE = "\u2139 Use `$real` or `$imag` to print the contents of this tensor."

#: libtorch's default ``linesize`` for ``operator<<``.
LINE_SIZE = 80
#: the line R torch inserts before the footer when it cuts the output.
TRUNCATION_LINE = "... [the output was truncated (use n=-1 to disable)]"


class _Format(NamedTuple):
    """How one 1-D tensor / matrix prints: a printf cell spec, its width and the scale."""

    spec: str  # e.g. "%7.4f"; values are right-aligned, the width is a minimum
    width: int
    scale: float = 1.0  # values are divided by it; != 1 adds a "<scale> *" line

    @property
    def scale_line(self) -> str:
        # printScale: defaultfloat at the precision 4 that the fixed format left on the stream.
        return f"{self.scale:.4g} *"


# ---------------------------------------------------------------------------------------------------
# Choosing the format
# ---------------------------------------------------------------------------------------------------


def _choose_formats(stack: np.ndarray, integral: bool = False) -> list[_Format]:
    """Formats for each row of ``stack`` (float64, shape (slices, numel)), in print order.

    Per row (libtorch's ``__printFormat``), ignoring nan/inf:
      integer mode when every value equals its ceiling; ``expMin``/``expMax`` = floor(log10 |x|) + 1 of
      the smallest / largest value, 0 counting as 1. expMax starts at |first value| and is replaced only
      by a *signed* value above it, so large negative values do not widen the column.
    ``%g`` keeps the stream's precision: 6 until a row chooses ``%e``/``%f`` (precision 4), after which
    integer-mode rows of the same tensor print with ``%.4g``. ``integral`` skips the ceiling test.
    """
    finite = np.isfinite(stack)
    all_finite = bool(finite.all())
    magnitude = np.abs(stack)
    if all_finite:
        has_finite = np.ones(len(stack), dtype=bool)
        first = magnitude[:, 0]
        smallest = magnitude.min(axis=1)
        largest_signed = stack.max(axis=1)
        whole = np.ones(len(stack), dtype=bool) if integral else (stack == np.ceil(stack)).all(axis=1)
    else:
        has_finite = finite.any(axis=1)
        first = magnitude[np.arange(len(stack)), finite.argmax(axis=1)]
        smallest = np.where(finite, magnitude, np.inf).min(axis=1)
        largest_signed = np.where(finite, stack, -np.inf).max(axis=1)
        with np.errstate(invalid="ignore"):
            whole = ((stack == np.ceil(stack)) | ~finite).all(axis=1)
    largest = np.maximum(first, largest_signed)

    formats = []
    g_precision = 6
    for int_mode, any_finite, lo, hi in zip(whole.tolist(), has_finite.tolist(), smallest.tolist(), largest.tolist()):
        exp_min = _exponent(lo) if any_finite else 1
        exp_max = _exponent(hi) if any_finite else 1
        fmt = _format_for(int_mode, exp_min, exp_max, g_precision)
        if not fmt.spec.endswith("g"):
            g_precision = 4
        formats.append(fmt)
    return formats


def _exponent(magnitude: float) -> int:
    """floor(log10(x)) + 1 with C's log10 (math.log10), 0 -> 1."""
    return math.floor(math.log10(magnitude)) + 1 if magnitude != 0 else 1


def _format_for(int_mode: bool, exp_min: int, exp_max: int, g_precision: int) -> _Format:
    """The branch table of ``__printFormat``."""
    if int_mode:
        if exp_max > 9:
            return _Format("%11.4e", 11)
        width = exp_max + 1
        return _Format(f"%{width}.{g_precision}g", width)
    if exp_max - exp_min > 4:
        width = 12 if abs(exp_max) > 99 or abs(exp_min) > 99 else 11
        return _Format(f"%{width}.4e", width)
    if exp_max > 5 or exp_max < 0:
        return _Format("%7.4f", 7, math.pow(10.0, exp_max - 1))  # C's pow, like std::pow
    width = 7 if exp_max == 0 else exp_max + 6
    return _Format(f"%{width}.4f", width)


# ---------------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------------


def _format_rows(block: np.ndarray, fmt: _Format) -> list[str]:
    """Each row of a 2-D float64 block as text: cells right-aligned, separated by one space."""
    rows, cols = block.shape
    if rows == 0:
        return []
    if fmt.scale != 1:
        block = block / fmt.scale
    if block.size >= _VECTORISED_MIN_CELLS:
        text = _vectorised_text(block, fmt)
        if text is not None:
            return text.split("\n")
    if _has_negative_nan(block):
        return [" ".join(_c_cell(fmt, v) for v in row) for row in block.tolist()]
    # One % call for the whole block is ~2x faster than one per row.
    row_spec = " ".join([fmt.spec] * cols)
    return ("\n".join([row_spec] * rows) % tuple(block.ravel().tolist())).split("\n")


# Below this many cells numpy's per-call overhead costs more than Python's % formatting.
_VECTORISED_MIN_CELLS = 2048
_n = np.arange(10000)
# "0000" ... "9999" as one uint32 each, so that one gather yields four ASCII digits.
_FOUR_DIGITS = (48 + np.stack([_n // 1000, _n // 100 % 10, _n // 10 % 10, _n % 10], axis=1)).astype(np.uint8)
_FOUR_DIGITS = _FOUR_DIGITS.view(np.uint32).ravel()
del _n


def _vectorised_text(block: np.ndarray, fmt: _Format) -> str | None:
    """The rows of ``block`` joined by newlines, built with numpy, for the common cases.

    Handles ``%w.4f`` and integer-mode ``%w.pg`` (integral values below 10^p, which %g prints as plain
    integers) when every value is finite and fits its column. Returns None otherwise (``%e``, nan/inf,
    a value wider than the column because of the expMax quirk), and the caller uses ``%``.
    """
    if fmt.spec.endswith("e") or not np.isfinite(block).all():
        return None
    magnitude = np.abs(block)
    if fmt.spec.endswith("f"):
        units = _round_ten_thousandths(magnitude)
        if units is None:
            return None
        whole = units // 10000
        frac = units - whole * 10000
    else:
        precision = int(fmt.spec[fmt.spec.index(".") + 1 : -1])
        if magnitude.max() >= 10.0**precision:
            return None
        whole, frac = magnitude.astype(np.int64), None
    return _assemble(whole, frac, np.signbit(block), fmt.width)


def _round_ten_thousandths(magnitude: np.ndarray) -> np.ndarray | None:
    """round(x * 10^4) for x >= 0, exactly as printf's ``%.4f`` rounds (the exact binary value, ties
    to even), or None when some x * 10^4 >= 2^52.

    y = fl(x * 10^4) can only round differently from the exact product when y is exactly a
    half-integer; the exact residual (Dekker's product, no FMA needed since 10^4 has 14 bits) says
    which side the true product lies on.
    """
    y = magnitude * 1e4
    if y.max() >= 2.0**52:
        return None
    floor = np.floor(y)
    frac = y - floor  # exact for y < 2^52
    split = magnitude * 134217729.0  # Veltkamp split: x = hi + lo, both with 26 significant bits
    hi = split - (split - magnitude)
    residual = (hi * 1e4 - y) + (magnitude - hi) * 1e4  # x * 10^4 - y, exactly
    units = floor.astype(np.int64)
    odd = (units & 1).astype(bool)
    return units + ((frac > 0.5) | ((frac == 0.5) & ((residual > 0) | ((residual == 0) & odd))))


def _assemble(whole: np.ndarray, frac: np.ndarray | None, negative: np.ndarray, width: int) -> str | None:
    """Cells ``[-]whole[.frac]`` (frac: 4 digits) right-aligned to ``width`` in a byte matrix, separated
    by spaces, rows ending in newlines; None if a cell is wider than ``width``."""
    rows, cols = whole.shape
    whole, negative = whole.ravel(), negative.ravel()
    m = width if frac is None else width - 5  # columns for the sign and the integer digits
    if whole.max() >= 10**m or (negative & (whole >= (10 ** (m - 1) if m > 1 else 0))).any():
        return None
    places = 10 ** np.arange(m - 1, -1, -1, dtype=np.int64)
    places[-1] = 0  # the units digit is always written
    blank = whole[:, None] < places  # leading zeros, a prefix of each row
    sign = blank & negative[:, None]
    sign[:, :-1] &= ~blank[:, 1:]  # the last blank column
    cells = np.empty((len(whole), width + 1), np.uint8)
    cells[:, :m] = np.where(blank, np.where(sign, ord("-"), ord(" ")), _digits(whole, m))
    if frac is not None:
        cells[:, m] = ord(".")
        cells[:, m + 1 : width] = _digits(frac.ravel(), 4)
    cells[:, width] = ord(" ")
    cells = cells.reshape(rows, cols * (width + 1))
    cells[:, -1] = ord("\n")
    return cells.tobytes().decode("ascii")[:-1]


def _digits(values: np.ndarray, count: int) -> np.ndarray:
    """The last ``count`` decimal digits of non-negative int64 ``values`` as ASCII, zero-padded."""
    groups = -(-count // 4)
    out = np.empty((len(values), groups), np.uint32)
    for i in range(groups - 1, -1, -1):
        higher = values // 10000  # a scalar divisor: numpy divides by a constant quickly
        out[:, i] = _FOUR_DIGITS[values - higher * 10000]
        values = higher
    return out.view(np.uint8)[:, 4 * groups - count :]


def _has_negative_nan(values: np.ndarray) -> bool:
    nan = np.isnan(values)
    return bool(nan.any()) and bool(np.signbit(values[nan]).any())


def _c_cell(fmt: _Format, value: float) -> str:
    """One cell as printf writes it, including glibc's ``-nan``."""
    if value != value and math.copysign(1.0, value) < 0:
        return "-nan".rjust(fmt.width)
    return fmt.spec % value


def _scalar_text(value: float) -> str:
    """A 0-d tensor: ``%g`` (precision 6, defaultfloat)."""
    return _c_cell(_Format("%g", 0), value)


# ---------------------------------------------------------------------------------------------------
# Layouts: each returns the lines before the footer; ``limit`` (None = all) lets them stop early once
# at least that many lines exist, since R's truncation discards the rest.
# ---------------------------------------------------------------------------------------------------


def _vector_lines(values: np.ndarray, integral: bool, limit: int | None) -> list[str]:
    """1-D: an optional scale line, then one value per line."""
    (fmt,) = _choose_formats(values.reshape(1, -1), integral)
    head = [fmt.scale_line] if fmt.scale != 1 else []
    shown = values if limit is None else values[:limit]
    return head + _format_rows(shown.reshape(-1, 1), fmt)


def _matrix_lines(matrix: np.ndarray, fmt: _Format, indent: int, limit: int | None) -> list[str]:
    """2-D (``__printMatrix``): column blocks of at most (80 - indent) // (width + 1) columns.

    When the columns need several blocks, each starts with ``Columns a to b`` followed by ``indent``
    spaces and no newline; blocks are separated by an empty line. The first line of the matrix is
    preceded by ``indent`` spaces, the scale line (if any) by nothing more, the first row after it by
    ``indent`` spaces, and every later row by ``indent`` spaces plus one when scaled.
    """
    rows, cols = matrix.shape
    pad = " " * indent
    row_pad = pad + " " if fmt.scale != 1 else pad
    per_line = (LINE_SIZE - indent) // (fmt.width + 1)
    lines: list[str] = []
    for first in range(0, cols, per_line):
        last = min(first + per_line, cols)
        head = pad if first == 0 else ""
        if per_line < cols:
            if first:
                lines.append("")
            head += f"Columns {first + 1} to {last}{pad}"
        if fmt.scale != 1:
            lines.append(head + fmt.scale_line)
            head = pad
        shown = rows if limit is None else min(rows, max(1, limit - len(lines)))
        texts = _format_rows(matrix[:shown, first:last], fmt)
        lines.append(head + texts[0])
        lines.extend([row_pad + t for t in texts[1:]])
        if limit is not None and len(lines) >= limit:
            break
    return lines


def _slices_lines(values: np.ndarray, integral: bool, limit: int | None) -> list[str]:
    """3-D and more (``__printTensor``): 2-D slices, FIRST index fastest, each with its own format.

    Each slice: a header ``(i,j,.,.) = `` (1-based, trailing space) then the matrix with indent 1;
    slices are separated by an empty line.
    """
    lead = values.shape[:-2]
    rows, cols = values.shape[-2:]
    k = len(lead)
    # C order over the reversed leading axes == first index varying fastest.
    stack = values.transpose(*range(k - 1, -1, -1), k, k + 1).reshape(-1, rows, cols)
    if limit is not None:  # every slice takes at least rows + 2 lines
        stack = stack[: limit // (rows + 2) + 1]
    formats = _choose_formats(stack.reshape(len(stack), -1), integral)
    indices = itertools.product(*[range(1, n + 1) for n in reversed(lead)])
    lines: list[str] = []
    for matrix, fmt, index in zip(stack, formats, indices):
        if lines:
            lines.append("")
        lines.append(f"({','.join(map(str, reversed(index)))},.,.) = ")
        remaining = None if limit is None else limit - len(lines)
        lines.extend(_matrix_lines(matrix, fmt, 1, remaining))
        if limit is not None and len(lines) >= limit:
            break
    return lines


# ---------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------


def _type_name(dtype: np.dtype) -> str:
    if np.dtype(dtype).metadata is not None and is_bf16(np.dtype(dtype)):
        return "BFloat16"
    name = TYPE_NAMES.get(np.dtype(dtype))
    if name is None:
        if np.dtype(dtype).name == "bfloat16":  # ml_dtypes, if the tensor layer uses it
            return "BFloat16"
        raise TypeError(
            f"cannot print a tensor of dtype {np.dtype(dtype)}; expected one of {', '.join(str(d) for d in TYPE_NAMES)}"
        )
    return name


def _footer(data: np.ndarray) -> str:
    return f"[ CPU{_type_name(data.dtype)}Type{{{','.join(map(str, data.shape))}}} ]"


def _meta_text(data: MetaArray) -> str:
    """R torch's text of a meta tensor (it has no values): ``...`` and the footer ``[ META<Type>Type{..} ]``."""
    return f"...\n[ META{_type_name(data.dtype)}Type{{{','.join(map(str, data.shape))}}} ]"


def _body_lines(data: np.ndarray, limit: int | None = None) -> list[str]:
    """The lines before the footer; with ``limit``, at least ``limit`` of them when there are that many."""
    values = np.asarray(data, dtype=np.float64)  # libtorch prints via .to(kDouble)
    integral = data.dtype.kind in "biu"  # no ceiling test needed
    if values.ndim == 0:
        return [_scalar_text(float(values))]
    if values.size == 0:
        return []
    if values.ndim == 1:
        return _vector_lines(values, integral, limit)
    if values.ndim == 2:
        (fmt,) = _choose_formats(values.reshape(1, -1), integral)
        return _matrix_lines(values, fmt, 0, limit)
    return _slices_lines(values, integral, limit)


def format_tensor(data: np.ndarray) -> str:
    """libtorch's ``operator<<`` text for ``data``, footer included, no trailing newline.

    >>> print(format_tensor(np.array([[1.5, -2.0], [0.25, 3.0]], dtype=np.float32)))
     1.5000 -2.0000
     0.2500  3.0000
    [ CPUFloatType{2,2} ]
    """
    if isinstance(data, MetaArray):
        return _meta_text(data)
    data = np.asarray(data)
    footer = _footer(data)  # first: rejects unsupported dtypes
    if data.dtype.kind == "c":
        return footer
    return "\n".join([*_body_lines(data), footer])


def r_tensor_text(data: np.ndarray, n: int = 30, suffix: str = "") -> str:
    """What R torch's ``print(tensor, n)`` writes.

    ``torch_tensor``, then the C++ text; when that text has more than ``n`` lines (footer included)
    and ``n > 1``, only its first ``n`` lines, the line ``... [the output was truncated (use n=-1 to
    disable)]`` and the footer. ``suffix`` (``[ grad_fn = <MulBackward0> ]``, ``[ requires_grad = TRUE
    ]`` or "") follows the footer directly, then a newline. ``n <= 1`` (e.g. -1) never truncates.

    >>> print(r_tensor_text(np.arange(3), suffix="[ requires_grad = TRUE ]"), end="")
    torch_tensor
     0
     1
     2
    [ CPULongType{3} ][ requires_grad = TRUE ]
    """
    if isinstance(data, MetaArray):
        return f"torch_tensor\n{_meta_text(data)}{suffix}\n"
    data = np.asarray(data)
    footer = _footer(data)
    if data.dtype.kind == "c":
        return f"torch_tensor\n{COMPLEX_LINE}\n{footer}{suffix}\n"
    if n > 1:
        body = _body_lines(data, limit=n)
        if len(body) + 1 > n:
            body = [*body[:n], TRUNCATION_LINE]
    else:
        body = _body_lines(data)
    return "torch_tensor\n" + "\n".join([*body, footer]) + suffix + "\n"
