"""Bad input raises libtorch's message (tests/fixtures/linalg_fft.json "errors", from PyTorch 2.13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rtorch_py as R

WANT = json.loads((Path(__file__).parent.parent / "fixtures" / "linalg_fft.json").read_text())["errors"]

CALLS = {
    "inv_singular": lambda: R.linalg_inv(R.torch_zeros(2, 2)),
    "inv_singular_batch": lambda: R.linalg_inv(R.torch_stack([R.torch_eye(2), R.torch_zeros(2, 2)])),
    "det_nonsquare": lambda: R.linalg_det(R.torch_ones(2, 3)),
    "det_1d": lambda: R.linalg_det(R.torch_ones(3)),
    "det_int": lambda: R.linalg_det(R.torch_ones(2, 2, dtype=R.torch_long())),
    "cholesky_not_pd": lambda: R.linalg_cholesky(-R.torch_eye(2)),
    "cholesky_not_pd_batch": lambda: R.linalg_cholesky(R.torch_stack([R.torch_eye(2), -R.torch_eye(2)])),
    "solve_shapes": lambda: R.linalg_solve(R.torch_eye(3), R.torch_ones(2, 1)),
    "solve_singular": lambda: R.linalg_solve(R.torch_zeros(2, 2), R.torch_ones(2)),
    "qr_mode": lambda: R.linalg_qr(R.torch_eye(2), mode="x"),
    "eigh_uplo": lambda: R.linalg_eigh(R.torch_eye(2), UPLO="X"),
    "lstsq_rows": lambda: R.linalg_lstsq(R.torch_ones(3, 2), R.torch_ones(4, 1)),
    "matrix_norm_ord": lambda: R.linalg_matrix_norm(R.torch_ones(2, 2), ord=3),
    "matrix_power_nonsquare": lambda: R.linalg_matrix_power(R.torch_ones(2, 3), 2),
    "multi_dot_one": lambda: R.linalg_multi_dot([R.torch_ones(2, 2)]),
    "fft_norm": lambda: R.torch_fft_fft(R.torch_ones(4), norm="x"),
    "view_as_complex_shape": lambda: R.torch_view_as_complex(R.torch_ones(3)),
    "complex_dtypes": lambda: R.torch_complex(R.torch_ones(2), R.torch_ones(2, dtype=R.torch_float64())),
    "stft_return_complex": lambda: R.torch_stft(R.torch_ones(16), 8),
    "hann_negative": lambda: R.torch_hann_window(-1),
    "qr_backward_mode_r": lambda: R.linalg_qr(R.torch_ones(3, 2, requires_grad=True), mode="r")[1].sum().backward(),
}


def test_every_recorded_error_is_checked():
    assert sorted(CALLS) == sorted(WANT)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_message_is_libtorchs(name):
    with pytest.raises(RuntimeError) as info:
        CALLS[name]()
    assert str(info.value) == WANT[name]


def test_failed_call_leaves_inputs_untouched():
    a = R.torch_zeros(2, 2)
    with pytest.raises(RuntimeError):
        R.linalg_inv(a)
    assert a._data.tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_ex_variants_report_instead_of_raising():
    out = R.linalg_inv_ex(R.torch_stack([R.torch_eye(2), R.torch_zeros(2, 2)]))
    assert out["info"]._data.tolist() == [0, 1]
    ch = R.linalg_cholesky_ex(R.torch_stack([R.torch_eye(2), -R.torch_eye(2)]))
    assert ch["info"]._data.tolist() == [0, 1]
    with pytest.raises(RuntimeError, match="not positive-definite"):
        R.linalg_cholesky_ex(-R.torch_eye(2), check_errors=True)
