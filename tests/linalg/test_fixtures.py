"""linalg_*, torch_fft_*, windows, stft and complex ops against PyTorch 2.13's values
(tests/fixtures/linalg_fft.json, written by tools/make_linalg_fixtures.py). Calls are R-style: 1-based dims."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import rtorch_py as R
from rtorch_py import Tensor

FIX = json.loads((Path(__file__).parent.parent / "fixtures" / "linalg_fft.json").read_text())
INF = math.inf


def dec(spec: dict) -> np.ndarray:
    if "c" in spec:
        a = np.asarray(spec["c"], dtype=np.float64).reshape(spec["shape"] + [2])
        return a[..., 0] + 1j * a[..., 1]
    return np.asarray(spec["v"], dtype=np.float64).reshape(spec["shape"])


def T(spec: dict) -> Tensor:  # noqa: N802
    return R.torch_tensor(np.asarray(dec(spec), dtype=spec["dtype"]))


def _ord(s: str):
    return {"fro": "fro", "nuc": "nuc", "inf": INF, "-inf": -INF}.get(s, None) if not s.lstrip("-").replace(
        ".", "").isdigit() else float(s)


def ours(name: str, x: dict):  # noqa: C901 - one line per case family
    a = list(x.values())
    A = a[0] if a else None  # noqa: N806
    head = name.rsplit("_", 1)[0] if name[-1].isdigit() and "x" in name.rsplit("_", 1)[1] else name
    parts = head.split("_")
    simple = {"det": R.linalg_det, "inv": R.linalg_inv, "cholesky": R.linalg_cholesky, "eigvalsh": R.linalg_eigvalsh,
              "matrix_exp": R.torch_matrix_exp, "cond": R.linalg_cond, "logdet": R.torch_logdet,
              "svdvals": R.linalg_svdvals, "pinv": R.linalg_pinv, "rank": R.linalg_matrix_rank,
              "cholesky_inverse": R.torch_cholesky_inverse, "float32_inv": R.linalg_inv, "float32_det": R.linalg_det,
              "eigvals_nonsym": R.linalg_eigvals}
    if head in simple:
        return simple[head](A)
    if head in ("slogdet",):
        return R.linalg_slogdet(A)
    if head in ("solve", "solve_vec"):
        return R.linalg_solve(A, a[1])
    if head == "cholesky_upper":
        return R.linalg_cholesky(A, upper=True)
    if head == "matrix_power3":
        return R.linalg_matrix_power(A, 3)
    if head == "matrix_powerm2":
        return R.linalg_matrix_power(A, -2)
    if parts[0] == "cond":
        return R.linalg_cond(A, _ord(parts[1]))
    if head == "lu":
        return R.torch_lu(A)
    if head == "qr":
        return R.linalg_qr(A)
    if head == "qr_complete":
        return R.linalg_qr(A, mode="complete")
    if head == "geqrf":
        return R.torch_geqrf(A)
    if parts[:2] == ["matrix", "norm"]:
        return R.linalg_matrix_norm(A, ord=_ord(parts[2]))
    if parts[:3] == ["vector", "norm", "dim"]:
        return R.linalg_vector_norm(A, ord=_ord(parts[3]), dim=-1)
    if parts[:2] == ["vector", "norm"]:
        return R.linalg_vector_norm(A, ord=_ord(parts[2]))
    if parts[0] == "ormqr":
        return R.torch_ormqr(*R.torch_geqrf(A), a[1], parts[1] == "True", parts[2] == "True")
    if head.startswith("lstsq_rank"):
        return R.linalg_lstsq(A, a[1])["rank"]
    if head.startswith("lstsq"):
        return R.linalg_lstsq(A, a[1])["solution"]
    table = {
        "multi_dot": lambda: R.linalg_multi_dot(a),
        "solve_triangular": lambda: R.linalg_solve_triangular(A, a[1], upper=True),
        "solve_triangular_left_unit": lambda: R.linalg_solve_triangular(A, a[1], upper=False, left=False,
                                                                        unitriangular=True),
        "cholesky_solve": lambda: R.torch_cholesky_solve(A, a[1]),
        "householder_product": lambda: R.linalg_householder_product(A, a[1]),
        "tensorinv": lambda: R.linalg_tensorinv(A, ind=2),
        "tensorsolve": lambda: R.linalg_tensorsolve(A, a[1]),
        "fftfreq_5": lambda: R.torch_fft_fftfreq(5),
        "fftfreq_8_d": lambda: R.torch_fft_fftfreq(8, d=0.5),
        "rfftfreq_7": lambda: R.torch_fft_rfftfreq(7),
        "fftshift": lambda: R.torch_fft_fftshift(A),
        "fftshift_dim": lambda: R.torch_fft_fftshift(A, dim=2),
        "ifftshift": lambda: R.torch_fft_ifftshift(A),
        "stft_center": lambda: R.torch_stft(A, 8, hop_length=3, window=a[1], return_complex=True),
        "stft_nocenter_batch": lambda: R.torch_stft(A, 8, center=False, onesided=True, return_complex=True),
        "stft_win_length": lambda: R.torch_stft(A, 8, hop_length=2, win_length=6, window=a[1], normalized=True,
                                                return_complex=True),
        "istft_roundtrip": lambda: R.torch_istft(R.torch_stft(A, 8, hop_length=2, window=a[1], return_complex=True),
                                                 8, hop_length=2, window=a[1], length=32),
        "complex_abs": lambda: R.torch_abs(R.torch_complex(A, a[1])),
        "complex_angle": lambda: R.torch_angle(R.torch_complex(A, a[1])),
        "complex_mul": lambda: R.torch_complex(A, a[1]) * R.torch_complex(a[1], A),
        "complex_div": lambda: R.torch_complex(A, a[1]) / R.torch_complex(a[1], A),
        "complex_polar": lambda: R.torch_polar(R.torch_abs(A), a[1]),
        "complex_conj": lambda: R.torch_conj(R.torch_complex(A, a[1])),
        "view_as_complex": lambda: R.torch_view_as_complex(A),
        "complex_matmul": lambda: R.torch_matmul(R.torch_complex(A, a[1]), R.torch_t(R.torch_complex(a[1], A))),
        "real_angle": lambda: R.torch_angle(A),
    }
    if head in table:
        return table[head]()
    # fft family: <fn>[_n8|_s]_<norm>
    norm = parts[-1]
    fn = parts[0]
    nm = None if norm == "backward" else norm
    if head.startswith("fft_n8"):
        return R.torch_fft_fft(A, n=8, dim=1, norm=nm)
    if head.startswith("ifftn_s"):
        return R.torch_fft_ifftn(A, s=[4, 6], norm=nm)
    if fn == "irfft":
        return R.torch_fft_irfft(R.torch_fft_rfft(A), n=7, norm=nm)
    if fn == "irfftn":
        return R.torch_fft_irfftn(R.torch_fft_rfftn(A), norm=nm)
    if fn in ("fft", "ifft", "rfft", "fft2", "ifft2", "fftn", "rfftn", "hfft", "ihfft"):
        return getattr(R, f"torch_fft_{fn}")(A, norm=nm)
    # windows: <kind>_<n>_<periodic>
    kind, n, periodic = parts
    kw = {"beta": 5.0} if kind == "kaiser" else {}
    return getattr(R, f"torch_{kind}_window")(int(n), periodic == "True", dtype=R.torch_float64(), **kw)


@pytest.mark.parametrize("name", sorted(k for k in FIX if k != "errors"))
def test_matches_pytorch(name: str) -> None:
    case = FIX[name]
    inputs = {k: T(v) for k, v in case["inputs"].items()}
    for t in inputs.values():
        if t.dtype == R.torch_float64():
            t.requires_grad_(True)
    out = ours(name, inputs)
    outs = out if isinstance(out, list) else [out]
    assert len(outs) == len(case["out"])
    for o, want in zip(outs, case["out"]):
        w = dec(want)
        got = o._data
        assert list(got.shape) == want["shape"], name
        assert str(got.dtype) == want["dtype"].replace("complex64", "complex64"), name
        tol = 1e-4 if want["dtype"] in ("float32", "complex64") else 1e-8
        np.testing.assert_allclose(got, w, rtol=tol, atol=tol, err_msg=name)
    if "grad_fn" in case and name.split("_")[0] in PRIMITIVE_NAMES and not name.startswith(COMPOUND):
        first = next(o for o in outs if o.grad_fn is not None)
        assert first.grad_fn.name() == case["grad_fn"], name


# Cases whose op is one primitive here as in libtorch, so the node is named as libtorch names it.
PRIMITIVE_NAMES = {"det", "inv", "solve", "cholesky", "svdvals", "pinv", "fft", "ifft", "rfft", "fftn", "fft2",
                   "ifft2", "view", "hfft", "ihfft", "irfft", "slogdet", "eigvalsh", "qr", "matrix"}
COMPOUND = ("cholesky_inverse", "cholesky_solve", "solve_triangular", "matrix_power", "matrix_norm")
