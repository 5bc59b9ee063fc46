"""Float64 finite-difference checks of the linear-algebra, FFT and complex derivative rules, over several
shapes including batches (and broadcasting where the op broadcasts)."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import gradcheck

import rtorch_py as R
from rtorch_py._core import complex_ops as C
from rtorch_py._core import fft_ops as F
from rtorch_py._core import linalg_ops as L
from rtorch_py._core import ops as O

rng = np.random.default_rng(7)
SQUARE = [(3, 3), (2, 4, 4), (2, 1, 3, 3)]
RECT = [(4, 3), (3, 5), (2, 4, 3), (2, 3, 5), (3, 3)]


def _sym(a):
    return a + O.transpose(a, -1, -2)


def _spd(a):
    n = a.shape[-1]
    return O.matmul(a, O.transpose(a, -1, -2)) + R.torch_tensor(np.eye(n) * n)


@pytest.mark.parametrize("shape", SQUARE)
def test_square_matrix_rules(shape):
    A = rng.standard_normal(shape)  # noqa: N806
    gradcheck(L.inv, [A])
    gradcheck(L.det, [A])
    gradcheck(lambda a: L.slogdet(a)[1], [A])
    gradcheck(L.matrix_exp, [A * 0.5])
    gradcheck(lambda a: L.cholesky(_spd(a)), [A])
    gradcheck(lambda a: L.cholesky(_spd(a), upper=True), [A])
    gradcheck(lambda a: L.eigh(_sym(a))[0], [A])
    gradcheck(lambda a: L.eigh(_sym(a))[1] ** 2, [A])  # eigenvectors up to sign
    gradcheck(lambda a: R.linalg_eigvalsh(_sym(a), UPLO="U"), [A])


@pytest.mark.parametrize("shape", SQUARE)
def test_solve_broadcasts_batches_and_vectors(shape):
    A = rng.standard_normal(shape)  # noqa: N806
    n = shape[-1]
    gradcheck(R.linalg_solve, [A, rng.standard_normal(shape[:-1] + (2,))])
    gradcheck(R.linalg_solve, [A, rng.standard_normal((n, 2))])  # B's batch dims broadcast
    gradcheck(R.linalg_solve, [A, rng.standard_normal(shape[:-1])])  # a batch of vectors
    gradcheck(lambda a, b: R.linalg_solve(a, b, left=False), [A, rng.standard_normal((2, n))])
    gradcheck(lambda a, b: R.linalg_solve_triangular(a, b, upper=True), [A, rng.standard_normal((n, 2))])
    gradcheck(lambda a, b: R.linalg_solve_triangular(a, b, upper=False, left=False, unitriangular=True),
              [A, rng.standard_normal((2, n))])
    gradcheck(lambda a, b: R.torch_cholesky_solve(b, R.linalg_cholesky(_spd(a))), [A, rng.standard_normal((n, 2))])


@pytest.mark.parametrize("shape", RECT)
def test_decomposition_rules(shape):
    A = rng.standard_normal(shape)  # noqa: N806
    gradcheck(L.svdvals, [A])
    gradcheck(lambda a: L.svd(a, False)[0] ** 2, [A])
    gradcheck(lambda a: L.svd(a, False)[2] ** 2, [A])
    gradcheck(lambda a: O.matmul(L.svd(a, False)[0], L.svd(a, False)[2]), [A])
    gradcheck(lambda a: L.qr(a)[0], [A])
    gradcheck(lambda a: L.qr(a)[1], [A])
    r = L.qr(R.torch_tensor(A).requires_grad_(True), "r")[1]
    with pytest.raises(RuntimeError, match="depends on Q, which is not computed when mode='r'"):
        r.sum().backward()
    gradcheck(R.linalg_pinv, [A])
    gradcheck(R.torch_pinverse, [A])


@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 3), (3, 3)])
def test_lstsq_gradient(shape):
    A, B = rng.standard_normal(shape), rng.standard_normal(shape[:-1] + (2,))  # noqa: N806
    gradcheck(lambda a, b: R.linalg_lstsq(a, b)["solution"], [A, B])
    gradcheck(lambda a, b: R.linalg_lstsq(a, b)["solution"], [A, rng.standard_normal(shape[:-1])])  # vectors


@pytest.mark.parametrize("shape", RECT)
def test_norms(shape):
    A = rng.standard_normal(shape)  # noqa: N806
    for o in ["fro", "nuc", np.inf, -np.inf, 1, -1, 2, -2]:
        gradcheck(lambda a, o=o: R.linalg_matrix_norm(a, ord=o), [A])
    for o in [2, 1, 3.5, np.inf]:
        gradcheck(lambda a, o=o: R.linalg_vector_norm(a, ord=o, dim=-1), [A])
        gradcheck(lambda a, o=o: R.linalg_norm(a, o, dim=[-2, -1] if o in (1, 2, np.inf) else -1), [A])
    gradcheck(lambda a: R.linalg_norm(a), [A])


def test_compound_matrix_functions():
    A = rng.standard_normal((2, 3, 3))  # noqa: N806
    gradcheck(lambda a: R.linalg_matrix_power(a, 3), [A])
    gradcheck(lambda a: R.linalg_matrix_power(a, -2), [A])
    gradcheck(lambda a: R.linalg_cond(a), [A])
    gradcheck(lambda a: R.linalg_cond(a, "fro"), [A])
    gradcheck(lambda a, b, c: R.linalg_multi_dot([a, b, c]),
              [rng.standard_normal(3), rng.standard_normal((3, 4)), rng.standard_normal((4, 2))])
    gradcheck(lambda a: R.linalg_tensorinv(a, ind=2), [rng.standard_normal((6, 2, 3))])
    gradcheck(R.torch_logdet, [rng.standard_normal((3, 3)) + 4 * np.eye(3)])


@pytest.mark.parametrize("norm", ["backward", "forward", "ortho"])
@pytest.mark.parametrize("n", [5, 6])
def test_fft_primitives(norm, n):
    a, b = rng.standard_normal((2, n)), rng.standard_normal((2, n))
    gradcheck(lambda a, b: C.view_as_real(F.c2c(C.complex_(a, b), (1,), norm, True)), [a, b])
    gradcheck(lambda a, b: C.view_as_real(F.c2c(C.complex_(a, b), (0, 1), norm, False)), [a, b])
    gradcheck(lambda a: C.view_as_real(F.r2c(a, 1, norm)), [a])
    gradcheck(lambda a: C.view_as_real(F.r2c(a, 0, norm, False)), [a])
    m = n // 2 + 1
    gradcheck(lambda a, b: F.c2r(C.complex_(a, b), 1, n, norm), [a[:, :m], b[:, :m]])


def test_fft_api_with_sizes_and_dims():
    x = rng.standard_normal((3, 4))
    gradcheck(lambda x: R.torch_fft_fft(x, n=6, dim=1).abs(), [x])
    gradcheck(lambda x: R.torch_view_as_real(R.torch_fft_ifft(x, n=2)), [x])
    gradcheck(lambda x: R.torch_fft_irfft(R.torch_fft_rfft(x, n=6), n=5), [x])
    gradcheck(lambda x: R.torch_fft_rfftn(x).abs(), [x])
    gradcheck(lambda x: R.torch_fft_irfftn(R.torch_fft_fft2(x), s=[3, 4]), [x])
    gradcheck(lambda x: R.torch_fft_hfft(x, dim=1), [x])
    gradcheck(lambda x: R.torch_view_as_real(R.torch_fft_ihfft(x, dim=1)), [x])
    gradcheck(lambda x: R.torch_fft_fftshift(x), [x])
    gradcheck(lambda x: R.torch_stft(x, 4, hop_length=1, window=R.torch_hann_window(4, dtype=R.torch_float64()),
                                     return_complex=False), [rng.standard_normal(12)])


def test_complex_rules_with_broadcasting():
    a, b = rng.standard_normal((2, 3)), rng.standard_normal(3)
    gradcheck(lambda a, b: R.torch_abs(R.torch_complex(a, b)), [a, b])
    gradcheck(lambda a, b: R.torch_angle(R.torch_complex(a, b)), [a, b])
    gradcheck(lambda a, b: R.torch_view_as_real(R.torch_complex(a, b) * R.torch_complex(b, a)), [a, b])
    gradcheck(lambda a, b: R.torch_imag(R.torch_conj(R.torch_complex(a, b) / R.torch_complex(b + 3, a))), [a, b])
    gradcheck(lambda a: R.torch_real(R.torch_view_as_complex(a)), [rng.standard_normal((3, 2))])
    gradcheck(lambda r, t: R.torch_view_as_real(R.torch_polar(r, t)), [rng.random(4) + 0.5, rng.standard_normal(4)])
    gradcheck(lambda a, b: R.torch_abs(R.torch_matmul(R.torch_complex(a, a * 2), R.torch_complex(b, b * 0.5))),
              [rng.standard_normal((2, 3)), rng.standard_normal((3, 2))])


@pytest.mark.parametrize("name", ["exp", "sin", "cos", "tanh", "sqrt", "log", "reciprocal", "sigmoid", "neg",
                                  "sinh", "rsqrt", "tan", "square"])
def test_elementwise_rules_on_complex_inputs(name):
    # holomorphic ops: PyTorch's gradient g * conj(f'(z)), through the real and imaginary parts
    fn = getattr(R, f"torch_{name}")
    a, b = rng.standard_normal((2, 3)), rng.standard_normal(3)
    gradcheck(lambda a, b: R.torch_view_as_real(fn(R.torch_complex(a + 3, b))), [a, b])


def test_complex_arithmetic_rules():
    a, b = rng.standard_normal((2, 3)), rng.standard_normal(3)
    gradcheck(lambda a, b: R.torch_view_as_real(R.torch_complex(a, b) ** 3), [a, b])
    gradcheck(lambda a, b: R.torch_view_as_real(R.torch_complex(a, b).sum()), [a, b])
    gradcheck(lambda a, b: R.torch_view_as_real(R.torch_complex(a, b) - R.torch_complex(b, a) * 2 + 1j), [a, b])
    gradcheck(lambda a, b: R.torch_abs(R.torch_complex(a, b) * a), [a, b])  # complex times real
