"""The primitives of rtorch_py/_core/distr_ops.py: values (special functions against scipy/math, factorisations
by reconstruction), float64 finite-difference gradients over several shapes with broadcasting, errors; the
rejection samplers' use of the generator (the distribution fixtures check their draws against PyTorch)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gradcheck import gradcheck

from rtorch_py import torch_tensor
from rtorch_py._core import distr_ops as Q
from rtorch_py._core import linalg_ops as LA
from rtorch_py._core import ops as O
from rtorch_py._core import rng

R = np.random.default_rng(0)


def T(a: np.ndarray):  # noqa: N802
    return torch_tensor(np.asarray(a))


def test_special_function_values() -> None:
    x = np.array([0.5, 1.0, 2.5, 10.0])
    assert np.allclose(Q.lgamma(T(x))._data, [math.lgamma(v) for v in x], rtol=1e-14)
    assert Q.digamma(T(np.array([1.0])))._data[0] == pytest.approx(-0.5772156649015329)
    assert Q.digamma(T(np.array([0.0])))._data[0] == -np.inf
    assert Q.polygamma(1, T(np.array([1.0])))._data[0] == pytest.approx(math.pi ** 2 / 6)
    assert Q.erfinv(T(np.array([math.erf(0.3)])))._data[0] == pytest.approx(0.3)
    xl = Q.xlogy(T(np.array([0.0, 0.0, 2.0, 0.0])), T(np.array([0.0, np.inf, 3.0, np.nan])))._data
    assert xl[0] == 0 and xl[1] == 0 and xl[2] == pytest.approx(2 * math.log(3)) and np.isnan(xl[3])
    f32 = Q.lgamma(torch_tensor(np.array([3.5], dtype=np.float32)))
    assert f32._data.dtype == np.float32


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_special_function_gradients(shape: tuple) -> None:
    x = R.uniform(0.5, 4.0, shape)
    gradcheck(Q.lgamma, [x], second_order=True)
    gradcheck(Q.digamma, [x], second_order=True)
    gradcheck(lambda t: Q.polygamma(2, t), [x])
    gradcheck(Q.erfinv, [R.uniform(-0.9, 0.9, shape)], second_order=True)
    gradcheck(Q.xlogy, [R.uniform(0.5, 3, shape), R.uniform(0.5, 3, shape[-1:])])
    gradcheck(Q.xlogy, [R.uniform(0.5, 3, (2, 1) + shape[-1:]), R.uniform(0.5, 3, shape)])


def test_xlogy_gradient_at_zero_matches_libtorch() -> None:
    x = torch_tensor(np.array([0.0, 0.0]), requires_grad=True)
    y = torch_tensor(np.array([2.0, 0.0]), requires_grad=True)
    Q.xlogy(x, y).sum().backward()
    assert x.grad._data[0] == pytest.approx(math.log(2)) and x.grad._data[1] == 0
    assert y.grad._data[0] == 0 and np.isnan(y.grad._data[1])


def _spd(b):
    return O.matmul(b, O.transpose(b, -1, -2)) + O.as_tensor(np.eye(b._data.shape[-1]))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_cholesky_values_and_gradient(shape: tuple) -> None:
    b = R.normal(size=shape)
    a = _spd(T(b))
    low = LA.cholesky(a)._data
    assert np.allclose(low @ np.swapaxes(low, -1, -2), a._data) and np.allclose(np.triu(low, 1), 0)
    up = LA.cholesky(a, upper=True)._data
    assert np.allclose(up, np.swapaxes(low, -1, -2))
    gradcheck(lambda t: LA.cholesky(_spd(t)), [b])
    gradcheck(lambda t: LA.cholesky(_spd(t), upper=True), [b])


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unit", [False, True])
def test_solve_triangular_values_and_gradient(upper: bool, left: bool, unit: bool) -> None:
    a = np.tril(R.normal(size=(3, 3))) + 3 * np.eye(3)
    a = a.T if upper else a
    b = R.normal(size=(2, 3, 3))
    x = LA.solve_triangular(T(a), T(b), upper=upper, left=left, unitriangular=unit)._data
    tri = (np.triu(a) if upper else np.tril(a)).copy()
    if unit:
        np.fill_diagonal(tri, 1)
    assert np.allclose(tri @ x if left else x @ tri, b)
    gradcheck(lambda s, t: LA.solve_triangular(s, t, upper=upper, left=left, unitriangular=unit), [a, b])


def test_linalg_errors() -> None:
    with pytest.raises(RuntimeError, match="leading minor of order 2 is not positive-definite"):
        LA.cholesky(T(np.array([[1.0, 2.0], [2.0, 1.0]])))
    with pytest.raises(RuntimeError, match="A must be batches of square matrices, but they are 2 by 3 matrices"):
        LA.cholesky(T(np.zeros((2, 3))))
    with pytest.raises(RuntimeError, match=r"Incompatible shapes of A and B for the equation AX = B \(3x3 and 2x1\)"):
        LA.solve_triangular(T(np.eye(3)), T(np.ones((2, 1))), upper=False)


def test_sampler_errors_and_generator_position() -> None:
    with pytest.raises(ValueError, match="expects 'alpha' >= 0"):
        rng.Generator(1).gamma(np.array([-1.0]))
    with pytest.raises(RuntimeError, match="invalid Poisson rate, expected rate to be non-negative"):
        Q.poisson(T(np.array([-0.5])))
    # the blocks drawn ahead are given back: the generator stands right after the words the sampler used (an
    # even count, 64-bit draws), not after a whole block
    g = rng.Generator(9)
    g.poisson(np.array([0.5, 20.0]))
    nxt = g.random32(4)
    used = [n for n in range(0, 200, 2) if np.array_equal(rng.Generator(9).random32(n + 4)[n:], nxt)]
    assert len(used) == 1


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_gammainc_values_and_gradient_in_x(shape: tuple) -> None:
    a = T(R.uniform(0.5, 3.0, shape[-1:]))
    x = R.uniform(0.2, 4.0, shape)
    assert np.allclose(Q.gammainc(T(np.array([1.0])), T(np.array([2.0])))._data, 1 - math.exp(-2.0))
    gradcheck(lambda t: Q.gammainc(a, t), [x])
    ar = torch_tensor(np.array([1.5]), requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for 'self' .* igamma\\) is not implemented"):
        Q.gammainc(ar, T(np.array([1.0]))).sum().backward()
