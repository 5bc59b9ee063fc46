"""Write tests/fixtures/linalg_fft.json from PyTorch 2.13 (development only; the suite never imports torch).

Each case: named inputs (float64/float32 arrays; complex ones as [..., 2] real/imaginary pairs) and torch's
outputs (complex outputs likewise as [..., 2]), plus ``grad_fn`` names of the differentiable ones. The test
(tests/linalg/test_fixtures.py) computes the same case with rtorch_py's R-named functions (1-based dims).

Run: ``.venv/bin/python tools/make_linalg_fixtures.py``.
"""

from __future__ import annotations

import json

import numpy as np
import torch
from _fixture_util import FIXTURES

rng = np.random.default_rng(20261204)


def mat(*shape: int, spd: bool = False, dtype: str = "float64") -> np.ndarray:
    a = rng.standard_normal(shape)
    if spd:
        a = a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])
    return a.astype(dtype)


def enc(x: torch.Tensor | np.ndarray | float) -> dict:
    t = torch.as_tensor(x).detach()
    if t.is_complex():
        return {"c": torch.view_as_real(t.resolve_conj()).tolist(), "dtype": str(t.dtype).removeprefix("torch."),
                "shape": list(t.shape)}
    return {"v": t.tolist(), "dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape)}


CASES: list[tuple[str, dict, object]] = []


def case(name: str, fn: object, **inputs: np.ndarray) -> None:
    CASES.append((name, inputs, fn))


L = torch.linalg
for sh in [(3, 3), (2, 4, 4)]:
    s = "x".join(map(str, sh))
    case(f"det_{s}", L.det, A=mat(*sh))
    case(f"slogdet_{s}", lambda A: tuple(L.slogdet(A)), A=mat(*sh))
    case(f"inv_{s}", L.inv, A=mat(*sh))
    case(f"solve_{s}", L.solve, A=mat(*sh), B=mat(*sh[:-1], 2))
    case(f"solve_vec_{s}", L.solve, A=mat(*sh), B=mat(*sh[:-1]))
    case(f"cholesky_{s}", L.cholesky, A=mat(*sh, spd=True))
    case(f"cholesky_upper_{s}", lambda A: L.cholesky(A, upper=True), A=mat(*sh, spd=True))
    case(f"eigvalsh_{s}", L.eigvalsh, A=mat(*sh, spd=True))
    case(f"matrix_exp_{s}", L.matrix_exp, A=mat(*sh) * 0.5)
    case(f"matrix_power3_{s}", lambda A: L.matrix_power(A, 3), A=mat(*sh))
    case(f"matrix_powerm2_{s}", lambda A: L.matrix_power(A, -2), A=mat(*sh))
    case(f"cond_{s}", L.cond, A=mat(*sh))
    for p in ["fro", "nuc", 1, -1, 2, -2]:
        case(f"cond_{p}_{s}", lambda A, p=p: L.cond(A, p), A=mat(*sh))
    case(f"logdet_{s}", torch.logdet, A=mat(*sh))
    case(f"lu_{s}", lambda A: tuple(torch.linalg.lu_factor(A)), A=mat(*sh))
    case(f"cholesky_inverse_{s}", torch.cholesky_inverse, A=np.linalg.cholesky(mat(*sh, spd=True)))
for sh in [(4, 3), (3, 5), (2, 4, 3), (2, 3, 5)]:
    s = "x".join(map(str, sh))
    case(f"svdvals_{s}", L.svdvals, A=mat(*sh))
    case(f"pinv_{s}", L.pinv, A=mat(*sh))
    case(f"qr_{s}", lambda A: tuple(L.qr(A)), A=mat(*sh))
    case(f"qr_complete_{s}", lambda A: tuple(L.qr(A, mode="complete")), A=mat(*sh))
    case(f"geqrf_{s}", lambda A: tuple(torch.geqrf(A)), A=mat(*sh))
    case(f"rank_{s}", L.matrix_rank, A=mat(*sh))
    for o in ["fro", "nuc", float("inf"), -float("inf"), 1, -1, 2, -2]:
        case(f"matrix_norm_{o}_{s}", lambda A, o=o: L.matrix_norm(A, o), A=mat(*sh))
    for o in [2, 1, 3.5, float("inf"), -float("inf"), 0, -1]:
        case(f"vector_norm_{o}_{s}", lambda A, o=o: L.vector_norm(A, o), A=mat(*sh))
        case(f"vector_norm_dim_{o}_{s}", lambda A, o=o: L.vector_norm(A, o, dim=-1), A=mat(*sh))
case("lstsq_4x3", lambda A, B: L.lstsq(A, B).solution, A=mat(4, 3), B=mat(4, 2))
case("lstsq_b_2x5x3", lambda A, B: L.lstsq(A, B).solution, A=mat(2, 5, 3), B=mat(2, 5, 2))
case("lstsq_rank_2x5x3", lambda A, B: L.lstsq(A, B).rank, A=mat(2, 5, 3), B=mat(2, 5, 2))
case("multi_dot", lambda A, B, C: L.multi_dot([A, B, C]), A=mat(3), B=mat(3, 4), C=mat(4, 2))
case("solve_triangular", lambda A, B: L.solve_triangular(A, B, upper=True), A=mat(3, 3), B=mat(3, 2))
case("solve_triangular_left_unit", lambda A, B: L.solve_triangular(A, B, upper=False, left=False,
                                                                     unitriangular=True), A=mat(3, 3), B=mat(2, 3))
case("cholesky_solve", lambda B, A: torch.cholesky_solve(B, A), B=mat(3, 2), A=np.linalg.cholesky(mat(3, 3, spd=True)))
case("householder_product", lambda A, tau: L.householder_product(A, tau), A=mat(4, 3), tau=mat(2))
case("tensorinv", lambda A: L.tensorinv(A, ind=1), A=mat(6, 6).reshape(6, 2, 3))
case("tensorsolve", lambda A, B: L.tensorsolve(A, B), A=mat(6, 6).reshape(2, 3, 6), B=mat(2, 3))
case("float32_inv", L.inv, A=mat(3, 3, dtype="float32"))
case("float32_det", L.det, A=mat(2, 3, 3, dtype="float32"))
case("eigvals_nonsym", L.eigvals, A=np.array([[0.0, -1.0], [1.0, 0.0]]))
for left in (True, False):
    for tr in (True, False):
        case(f"ormqr_{left}_{tr}", lambda A, C, left=left, tr=tr: torch.ormqr(*torch.geqrf(A), C, left, tr),
             A=mat(4, 3), C=mat(4, 2) if left else mat(2, 4))

# -- fft -----------------------------------------------------------------------------------------------------
F = torch.fft
for norm in [None, "forward", "ortho"]:
    nm = norm or "backward"
    case(f"fft_{nm}", lambda x, norm=norm: F.fft(x, norm=norm), x=mat(2, 5))
    case(f"fft_n8_{nm}", lambda x, norm=norm: F.fft(x, n=8, dim=0, norm=norm), x=mat(5, 3))
    case(f"ifft_{nm}", lambda x, norm=norm: F.ifft(x, norm=norm), x=mat(2, 6))
    case(f"rfft_{nm}", lambda x, norm=norm: F.rfft(x, norm=norm), x=mat(3, 6))
    case(f"irfft_{nm}", lambda x, norm=norm: F.irfft(F.rfft(x), n=7, norm=norm), x=mat(3, 7))
    case(f"fft2_{nm}", lambda x, norm=norm: F.fft2(x, norm=norm), x=mat(2, 3, 4))
    case(f"ifft2_{nm}", lambda x, norm=norm: F.ifft2(x, norm=norm), x=mat(3, 4))
    case(f"fftn_{nm}", lambda x, norm=norm: F.fftn(x, norm=norm), x=mat(2, 3, 4))
    case(f"ifftn_s_{nm}", lambda x, norm=norm: F.ifftn(x, s=(4, 6), norm=norm), x=mat(2, 3, 4))
    case(f"rfftn_{nm}", lambda x, norm=norm: F.rfftn(x, norm=norm), x=mat(2, 3, 4))
    case(f"irfftn_{nm}", lambda x, norm=norm: F.irfftn(F.rfftn(x), norm=norm), x=mat(2, 3, 4))
    case(f"hfft_{nm}", lambda x, norm=norm: F.hfft(x, norm=norm), x=mat(5))
    case(f"ihfft_{nm}", lambda x, norm=norm: F.ihfft(x, norm=norm), x=mat(6))
case("fftfreq_5", lambda: F.fftfreq(5))
case("fftfreq_8_d", lambda: F.fftfreq(8, d=0.5))
case("rfftfreq_7", lambda: F.rfftfreq(7))
case("fftshift", lambda x: F.fftshift(x), x=mat(3, 4))
case("fftshift_dim", lambda x: F.fftshift(x, dim=1), x=mat(3, 5))
case("ifftshift", lambda x: F.ifftshift(x), x=mat(5, 3))
for n in [1, 2, 7, 10]:
    for periodic in [True, False]:
        case(f"hann_{n}_{periodic}", lambda n=n, p=periodic: torch.hann_window(n, p, dtype=torch.float64))
        case(f"hamming_{n}_{periodic}", lambda n=n, p=periodic: torch.hamming_window(n, p, dtype=torch.float64))
        case(f"blackman_{n}_{periodic}", lambda n=n, p=periodic: torch.blackman_window(n, p, dtype=torch.float64))
        case(f"bartlett_{n}_{periodic}", lambda n=n, p=periodic: torch.bartlett_window(n, p, dtype=torch.float64))
        case(f"kaiser_{n}_{periodic}", lambda n=n, p=periodic: torch.kaiser_window(n, p, beta=5.0,
                                                                                   dtype=torch.float64))
case("stft_center", lambda x, w: torch.stft(x, 8, hop_length=3, window=w, return_complex=True),
     x=mat(40), w=np.hanning(8))
case("stft_nocenter_batch", lambda x: torch.stft(x, 8, center=False, onesided=True, return_complex=True),
     x=mat(2, 30))
case("stft_win_length", lambda x, w: torch.stft(x, 8, hop_length=2, win_length=6, window=w, normalized=True,
                                                return_complex=True), x=mat(20), w=np.hanning(6))
case("istft_roundtrip", lambda x, w: torch.istft(torch.stft(x, 8, hop_length=2, window=w, return_complex=True),
                                                 8, hop_length=2, window=w, length=32), x=mat(32), w=np.hanning(8))

# -- complex ---------------------------------------------------------------------------------------------------
case("complex_abs", lambda a, b: torch.complex(a, b).abs(), a=mat(2, 3), b=mat(2, 3))
case("complex_angle", lambda a, b: torch.complex(a, b).angle(), a=mat(2, 3), b=mat(2, 3))
case("complex_mul", lambda a, b: torch.complex(a, b) * torch.complex(b, a), a=mat(2, 3), b=mat(2, 3))
case("complex_div", lambda a, b: torch.complex(a, b) / torch.complex(b, a), a=mat(2, 3), b=mat(2, 3))
case("complex_polar", lambda a, b: torch.polar(a.abs(), b), a=mat(4), b=mat(4))
case("complex_conj", lambda a, b: torch.complex(a, b).conj(), a=mat(4), b=mat(4))
case("view_as_complex", lambda a: torch.view_as_complex(a), a=mat(3, 2))
case("complex_matmul", lambda a, b: torch.complex(a, b) @ torch.complex(b, a).T, a=mat(2, 3), b=mat(2, 3))
case("real_angle", lambda a: a.angle(), a=np.array([-1.0, 0.0, 2.0]))


def run(fn: object, inputs: dict) -> dict:
    ts = {k: torch.from_numpy(v.copy()) for k, v in inputs.items()}
    grad = {}
    for t in ts.values():
        if t.dtype == torch.float64:
            t.requires_grad_(True)
    out = fn(*ts.values())
    outs = out if isinstance(out, tuple) else (out,)
    for o in outs:
        if isinstance(o, torch.Tensor) and o.grad_fn is not None:
            grad = {"grad_fn": o.grad_fn.name()}
            break
    return {"inputs": {k: enc(v) for k, v in inputs.items()}, "out": [enc(o) for o in outs], **grad}


# -- errors: libtorch's messages (first line) --------------------------------------------------------------------
ERRORS = {
    "inv_singular": lambda: L.inv(torch.zeros(2, 2)),
    "inv_singular_batch": lambda: L.inv(torch.stack([torch.eye(2), torch.zeros(2, 2)])),
    "det_nonsquare": lambda: L.det(torch.ones(2, 3)),
    "det_1d": lambda: L.det(torch.ones(3)),
    "det_int": lambda: L.det(torch.ones(2, 2, dtype=torch.long)),
    "cholesky_not_pd": lambda: L.cholesky(-torch.eye(2)),
    "cholesky_not_pd_batch": lambda: L.cholesky(torch.stack([torch.eye(2), -torch.eye(2)])),
    "solve_shapes": lambda: L.solve(torch.eye(3), torch.ones(2, 1)),
    "solve_singular": lambda: L.solve(torch.zeros(2, 2), torch.ones(2)),
    "qr_mode": lambda: L.qr(torch.eye(2), mode="x"),
    "eigh_uplo": lambda: L.eigh(torch.eye(2), UPLO="X"),
    "lstsq_rows": lambda: L.lstsq(torch.ones(3, 2), torch.ones(4, 1)),
    "matrix_norm_ord": lambda: L.matrix_norm(torch.ones(2, 2), ord=3),
    "matrix_power_nonsquare": lambda: L.matrix_power(torch.ones(2, 3), 2),
    "multi_dot_one": lambda: L.multi_dot([torch.ones(2, 2)]),
    "fft_norm": lambda: torch.fft.fft(torch.ones(4), norm="x"),
    "view_as_complex_shape": lambda: torch.view_as_complex(torch.ones(3)),
    "complex_dtypes": lambda: torch.complex(torch.ones(2), torch.ones(2, dtype=torch.float64)),
    "stft_return_complex": lambda: torch.stft(torch.ones(16), 8),
    "hann_negative": lambda: torch.hann_window(-1),
    "qr_backward_mode_r": lambda: L.qr(torch.ones(3, 2, requires_grad=True), mode="r")[1].sum().backward(),
}


def message(fn: object) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - recording whatever libtorch raises
        return str(e).split("\n")[0].strip()
    raise AssertionError("expected an error")


def main() -> None:
    fixtures = {name: run(fn, inputs) for name, inputs, fn in CASES}
    fixtures["errors"] = {name: message(fn) for name, fn in ERRORS.items()}
    path = FIXTURES / "linalg_fft.json"
    path.write_text(json.dumps(fixtures, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({len(fixtures)} cases, {path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
