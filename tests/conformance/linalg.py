"""Expected values of tests/conformance/linalg.R: ``expect()`` gives one entry per emitted name, in the script's
order (tests/bridge/test_conformance.py runs the script both ways and compares)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from conformance_util import LIST, TLIST, A, E, L, P, S, T, V, item

import rtorch_py as rt


def expect() -> dict[str, Any]:
    a = rt.torch_arange(0, 8, dtype=rt.torch_float()) - 4
    b = a.reshape(3, 3)
    f64 = rt.torch_float64()
    m = rt.torch_tensor([[4.0, 1, 0], [1, 3, 1], [0, 1, 2]], dtype=f64)
    eye3 = rt.torch_eye(3, dtype=f64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rank = rt.linalg_matrix_rank(m, tol=1e-3)
    A6 = rt.torch_eye(6, dtype=f64).reshape(2, 6, 3).permute([2, 1, 3])  # noqa: N806 - 1-based permute
    x = rt.torch_tensor([[1.0, 2, 3, 4], [0, 1, 0, -1]])
    z = rt.torch_tensor(np.array([1 - 0j + 0.5j, -2 + 3j]).astype(np.complex64))
    z2 = rt.torch_complex(z.real, rt.torch_tensor([7.0, 8]))
    shape = lambda t: V("integer", list(t.shape))  # noqa: E731 - R's $shape
    return {
        "norm_vector": T(rt.linalg_norm(a)),
        "norm_matrix_inf": T(rt.linalg_norm(b, float("inf"))),
        "norm_dim2": T(rt.linalg_norm(b, dim=2)),
        "norm_dim1": T(rt.linalg_norm(b, dim=1)),
        "vector_norm_ord": T(rt.linalg_vector_norm(b, ord=3.5, dim=[1, 2])),
        "matrix_norm_dims": T(rt.linalg_matrix_norm(b.expand(2, -1, -1), dim=[1, 3])),
        "det": T(rt.linalg_det(m)),
        "slogdet": TLIST(rt.linalg_slogdet(m)),
        "inv": T(rt.linalg_inv(m)),
        "solve_vector": T(rt.linalg_solve(m, rt.torch_tensor([1.0, 2, 3], dtype=f64))),
        "cholesky_ex": TLIST(rt.linalg_cholesky_ex(m)),
        "inv_ex_names": S("inverse", "info"),
        "eigh": T(rt.linalg_eigh(m)[0]),
        "eigvalsh_upper": T(rt.linalg_eigvalsh(m, UPLO="U")),
        "qr_r": T(rt.linalg_qr(m)[1]),
        "svdvals": T(rt.linalg_svdvals(m)),
        "lstsq_names": S("solution", "residuals", "rank", "singular_values"),
        "lstsq_solution": T(rt.linalg_lstsq(m, eye3)["solution"]),
        "matrix_power": T(rt.linalg_matrix_power(m, 3)),
        "matrix_rank_warning": S(str(caught[0].message)),
        "matrix_rank_tol": T(rank),
        "tensorinv": shape(rt.linalg_tensorinv(rt.torch_eye(6, dtype=f64).reshape(6, 2, 3), ind=2)),
        "tensorsolve_dims": shape(rt.linalg_tensorsolve(A6, rt.torch_ones(2, 3, dtype=f64), dims=[1])),
        "lu": TLIST(rt.torch_lu(m)),
        "torch_svd_v": shape(rt.torch_svd(m)[2]),
        "method_det": T(m.det()),
        "method_inverse": T(m.inverse()),
        "singular": E(lambda: rt.linalg_inv(rt.torch_zeros(2, 2))),
        "not_pd": E(lambda: rt.linalg_cholesky(-rt.torch_eye(2))),
        "not_square": E(lambda: rt.linalg_det(rt.torch_ones(2, 3))),
        "fft_dim1": T(rt.torch_view_as_real(rt.torch_fft_fft(x, dim=1))),
        "rfft": T(rt.torch_fft_rfft(x)),
        "irfft": T(rt.torch_fft_irfft(rt.torch_fft_rfft(x), n=4)),
        "fftfreq": T(rt.torch_fft_fftfreq(5)),
        "fftshift_dim2": T(rt.torch_fft_fftshift(x, dim=2)),
        "hann": T(rt.torch_hann_window(5)),
        "stft_shape": shape(rt.torch_stft(rt.torch_ones(64), n_fft=16, return_complex=False)),
        "hann_null": E(lambda: rt.torch_hann_window(None)),
        "complex_from_r": T(z),
        "complex_double": L(True),
        "complex_as_array": V("complex", [1 + 0.5j, -2 + 3j]),
        "complex_as_complex": V("complex", [1 + 2j]),
        "complex_abs": T(z.abs()),
        "complex_angle": T(rt.torch_angle(z)),
        "complex_real_imag": LIST(T(z.real), T(z.imag)),
        "complex_set_imag": T(z2),
        "complex_mul": T(z2 * z2),
        "complex_polar": T(rt.torch_polar(rt.torch_tensor([1.0, 2]), rt.torch_tensor([0.0, 0]))),
        "complex_print": S("torch_tensor\n\u2139 Use `$real` or `$imag` to print the contents of this tensor.\n"
                           "[ CPUComplexFloatType{3} ]\n"),
        # the suffix follows the torch.print_grad option, as for real tensors
        "complex_print_grad": P(2 * rt.torch_complex(rt.torch_ones(2), rt.torch_ones(2)).requires_grad_(True)),
        "cfloat_dtype": L(True),
    }


_unused = (A, item)
