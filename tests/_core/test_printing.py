"""rtorch_py._core.printing against libtorch <= 2.7's operator<< text (tests/fixtures/print_format.json)
and R torch's print() wrapping (cpp_torch_tensor_print + Tensor$print)."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rtorch_py._core import printing
from rtorch_py._core.printing import TRUNCATION_LINE, TYPE_NAMES, format_tensor, r_tensor_text

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "print_format.json").read_text())["cases"]


def case_array(case: dict) -> np.ndarray:
    dtype = np.dtype(case["dtype"])
    if dtype.kind == "f":
        values = np.array([float.fromhex(v) for v in case["data"]], dtype=np.float64)
    else:
        values = np.array(case["data"], dtype=np.int64)
    return values.astype(dtype).reshape(case["shape"])


def r_reference(text: str, n: int, suffix: str = "") -> str:
    """R torch's cpp_torch_tensor_print on the full C++ text, written independently of the module."""
    lines = text.split("\n")
    if n > 1 and len(lines) > n:
        lines = lines[:n] + [TRUNCATION_LINE, lines[-1]]
    return "torch_tensor\n" + "\n".join(lines) + suffix + "\n"


# --- the libtorch vectors ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_print_format_vectors(case):
    assert format_tensor(case_array(case)) == case["text"]


def test_all_vectors_present():
    assert len(CASES) == 223


@pytest.mark.parametrize("case", CASES[::7], ids=[c["name"] for c in CASES[::7]])
def test_r_text_of_vectors(case):
    assert r_tensor_text(case_array(case)) == r_reference(case["text"], 30)


def test_type_names():
    assert {str(k): v for k, v in TYPE_NAMES.items()} == {
        "float32": "Float",
        "float64": "Double",
        "float16": "Half",
        "int64": "Long",
        "int32": "Int",
        "int16": "Short",
        "int8": "Char",
        "uint8": "Byte",
        "bool": "Bool",
        "complex64": "ComplexFloat",
        "complex128": "ComplexDouble",
    }


# --- rules beyond the vectors ---------------------------------------------------------------------------


def test_negative_nan_prints_like_glibc():
    # glibc's printf writes the sign of a NaN; numpy's 0/0 on x86 yields one with the sign bit set.
    x = np.array([-np.nan, 1.5, np.nan], dtype=np.float32)
    assert format_tensor(x) == "   -nan\n 1.5000\n    nan\n[ CPUFloatType{3} ]"
    assert format_tensor(np.array([[-np.nan, 1.5], [2.0, 3.0]])) == (
        "   -nan  1.5000\n 2.0000  3.0000\n[ CPUDoubleType{2,2} ]"
    )
    assert format_tensor(np.float32(-np.nan)) == "-nan\n[ CPUFloatType{} ]"


def test_scale_line_in_every_column_block_and_3d_slice():
    # Checked against libtorch 2.13's printer, which differs only in the first line of a slice (no indent).
    x = np.linspace(-1, 1, 24).reshape(1, 2, 12) * 1e-3
    assert format_tensor(x) == "\n".join(
        [
            "(1,.,.) = ",
            " Columns 1 to 9 0.001 *",
            " -1.0000 -0.9130 -0.8261 -0.7391 -0.6522 -0.5652 -0.4783 -0.3913 -0.3043",
            "   0.0435  0.1304  0.2174  0.3043  0.3913  0.4783  0.5652  0.6522  0.7391",
            "",
            "Columns 10 to 12 0.001 *",
            " -0.2174 -0.1304 -0.0435",
            "   0.8261  0.9130  1.0000",
            "[ CPUDoubleType{1,2,12} ]",
        ]
    )


def test_sticky_precision_after_a_fixed_slice():
    # %g keeps the stream precision: once a slice used %.4f, later integer slices use %.4g.
    x = np.array([[[1234567.0]], [[0.5]], [[1234567.0]]])
    assert format_tensor(x) == (
        "(1,.,.) = \n 1.23457e+06\n\n(2,.,.) = \n  0.5000\n\n(3,.,.) = \n 1.235e+06\n[ CPUDoubleType{3,1,1} ]"
    )


def test_unsupported_dtype():
    with pytest.raises(TypeError, match="uint16"):
        format_tensor(np.zeros(2, dtype=np.uint16))


def test_complex_prints_footer_and_r_torchs_hint():
    # libtorch's operator<< writes no values of a complex tensor; R torch adds a hint line (its snapshot)
    assert format_tensor(np.zeros(10, dtype=np.complex64)) == "[ CPUComplexFloatType{10} ]"
    assert r_tensor_text(np.zeros(10, dtype=np.complex64), suffix="[ requires_grad = TRUE ]") == (
        "torch_tensor\n\u2139 Use `$real` or `$imag` to print the contents of this tensor.\n"
        "[ CPUComplexFloatType{10} ][ requires_grad = TRUE ]\n")


def test_non_contiguous_input():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7
    t = x.transpose(2, 0, 1)
    assert format_tensor(t) == format_tensor(np.ascontiguousarray(t))


@pytest.mark.parametrize(
    "x",
    [
        np.random.default_rng(0).standard_normal((300, 10)).astype(np.float32),
        np.random.default_rng(1).integers(-50, 50, (40, 60)),
        np.random.default_rng(2).integers(-(2**20), 2**20, (3000,)) / 2.0**10,  # exact .4f ties
        (np.random.default_rng(3).integers(-(10**6), 10**6, (2500, 1)) * 2 + 1) / 20000.0,  # near ties
        np.random.default_rng(4).standard_normal((30, 100)) * 1e-3,  # scaled
        np.random.default_rng(5).choice([0.0, -0.0, 1.0, -3.0], (50, 50)),
        np.random.default_rng(6).standard_normal((20, 5, 30)) * 40,
    ],
    ids=["randn", "ints", "ties", "near-ties", "scaled", "signed-zero", "3d"],
)
def test_vectorised_cells_match_printf(x, monkeypatch):
    fast = format_tensor(x)
    monkeypatch.setattr(printing, "_VECTORISED_MIN_CELLS", 10**12)
    assert fast == format_tensor(x)


# --- R's print ---------------------------------------------------------------------------------------


def test_r_prefix_suffix_and_newline():
    x = np.array([1.5, 2.0], dtype=np.float32)
    assert r_tensor_text(x) == "torch_tensor\n 1.5000\n 2.0000\n[ CPUFloatType{2} ]\n"
    assert r_tensor_text(x, suffix="[ requires_grad = TRUE ]") == (
        "torch_tensor\n 1.5000\n 2.0000\n[ CPUFloatType{2} ][ requires_grad = TRUE ]\n"
    )
    assert r_tensor_text(np.float32(0.806475)) == "torch_tensor\n0.806475\n[ CPUFloatType{} ]\n"
    assert r_tensor_text(np.zeros((0, 3), np.float32)) == "torch_tensor\n[ CPUFloatType{0,3} ]\n"


def test_r_truncation_of_long_vector():
    x = np.arange(100, dtype=np.int64)
    lines = r_tensor_text(x, suffix="[ grad_fn = <MulBackward0> ]").split("\n")
    assert lines[0] == "torch_tensor"
    assert lines[1:31] == [f"{i:3d}" for i in range(30)]
    assert lines[31:] == [TRUNCATION_LINE, "[ CPULongType{100} ][ grad_fn = <MulBackward0> ]", ""]


def test_r_truncation_counts_the_footer():
    # 30 values + footer = 31 lines > 30: the message appears although no value is hidden.
    thirty = r_tensor_text(np.arange(30)).split("\n")
    assert thirty[30:] == [" 29", TRUNCATION_LINE, "[ CPULongType{30} ]", ""]
    assert TRUNCATION_LINE not in r_tensor_text(np.arange(29))


@pytest.mark.parametrize("n", [-1, 0, 1])
def test_r_small_n_disables_truncation(n):
    x = np.arange(100)
    assert r_tensor_text(x, n=n) == "torch_tensor\n" + format_tensor(x) + "\n"


def test_r_truncation_with_n():
    assert r_tensor_text(np.arange(5), n=2) == f"torch_tensor\n 0\n 1\n{TRUNCATION_LINE}\n[ CPULongType{{5}} ]\n"
    assert r_tensor_text(np.arange(5), n=6) == "torch_tensor\n" + format_tensor(np.arange(5)) + "\n"


def test_r_truncation_of_slices_counts_blank_lines():
    x = np.random.default_rng(0).standard_normal((10, 3, 5)).astype(np.float32)
    lines = r_tensor_text(x).split("\n")
    assert lines[1] == "(1,.,.) = " and lines[26] == "(6,.,.) = "
    assert lines[30] == ""  # the blank line after slice 6 is the 30th line
    assert lines[31:] == [TRUNCATION_LINE, "[ CPUFloatType{10,3,5} ]", ""]


def test_r_truncation_of_column_blocks():
    x = np.arange(40 * 30, dtype=np.float32).reshape(40, 30) / 3
    assert r_tensor_text(x) == r_reference(format_tensor(x), 30)
    assert r_tensor_text(x * 1e-3, n=45) == r_reference(format_tensor(x * 1e-3), 45)


shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=7)
elements = st.floats(-1e6, 1e6, width=32) | st.sampled_from([np.nan, np.inf, -np.inf])


@settings(max_examples=150, deadline=None)
@given(
    hnp.arrays(np.float32, shapes, elements=elements)
    | hnp.arrays(np.int64, shapes, elements=st.integers(-(10**6), 10**6)),
    st.integers(-1, 40),
)
def test_r_text_is_the_full_text_truncated(x, n):
    assert r_tensor_text(x, n=n, suffix="[ s ]") == r_reference(format_tensor(x), n, "[ s ]")
