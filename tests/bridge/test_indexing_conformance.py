"""R torch's `[` and `[<-` through the shim, case by case against the same selection written with numpy's
0-based subscripts (the semantics of ../shared/reference/r-torch-api.md: missing, NULL, N, `..`, negative,
ranges with steps, vectors, masks, drop)."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt

A = np.arange(1, 25, dtype=np.float32).reshape(2, 3, 4)
V = np.arange(1, 11, dtype=np.int64)

CASES_3D = [
    ("x[1, , ]", lambda a: a[0]),
    ("x[, 2, ]", lambda a: a[:, 1]),
    ("x[, , 4]", lambda a: a[:, :, 3]),
    ("x[2, 3, 4]", lambda a: a[1, 2, 3]),
    ("x[-1, , ]", lambda a: a[-1]),
    ("x[, -1, -2]", lambda a: a[:, -1, -2]),
    ("x[, 2:3, ]", lambda a: a[:, 1:3]),
    ("x[, , 1:4:2]", lambda a: a[:, :, 0:4:2]),
    ("x[, , 2:N]", lambda a: a[:, :, 1:]),
    ("x[N, N, N]", lambda a: a[-1, -1, -1]),
    ("x[.., 1]", lambda a: a[..., 0]),
    ("x[1, ..]", lambda a: a[0, ...]),
    ("x[1, .., 2]", lambda a: a[0, ..., 1]),
    ("x[, 1, NULL]", lambda a: a[:, 0, None]),
    ("x[NULL, 1, 1, ]", lambda a: a[None, 0, 0, :]),
    ("x[1, , , drop = FALSE]", lambda a: a[0:1]),
    ("x[1, 2, , drop = FALSE]", lambda a: a[0:1, 1:2]),
    ("x[, c(1, 3), ]", lambda a: a[:, [0, 2]]),
    ("x[, c(1, 3), c(2, 4)]", lambda a: a[:, [0, 2]][:, :, [1, 3]]),
    ("x[2, c(3, 1), ]", lambda a: a[1, [2, 0]]),
    ("x[, , -3:-2]", lambda a: a[:, :, -3:-1]),
    ("x[x > 20]", lambda a: a[a > 20]),
    ("x[, , c(TRUE, FALSE, TRUE, FALSE)]", lambda a: a[:, :, [True, False, True, False]]),
    ("x[torch_tensor(c(2L, 1L)), 1, 1]", lambda a: a[[1, 0], 0, 0]),
    ("x[2, , ][, 3]", lambda a: a[1][:, 2]),
]


@pytest.fixture
def rx(clean_r):
    clean_r.eval("library(torch); NULL")
    clean_r.assign("x", rt.torch_tensor(A))
    clean_r.assign("v", rt.torch_tensor(V))
    return clean_r


@pytest.mark.parametrize("code, expected", CASES_3D, ids=[c for c, _ in CASES_3D])
def test_subset(rx, code, expected):
    got = rx.eval(code)
    np.testing.assert_array_equal(got.numpy(), expected(A))
    assert got.shape == expected(A).shape


CASES_1D = [
    ("v[1]", lambda a: a[0]),
    ("v[-1]", lambda a: a[-1]),
    ("v[3:5]", lambda a: a[2:5]),
    ("v[1:10:3]", lambda a: a[0:10:3]),
    ("v[8:N]", lambda a: a[7:]),
    ("v[-3:-2]", lambda a: a[-3:-1]),
    ("v[c(10, 1)]", lambda a: a[[9, 0]]),
    ("v[v %% 2 == 0]", lambda a: a[a % 2 == 0]),
]


@pytest.mark.parametrize("code, expected", CASES_1D, ids=[c for c, _ in CASES_1D])
def test_subset_vector(rx, code, expected):
    np.testing.assert_array_equal(rx.eval(code).numpy(), expected(V))


ASSIGN = [
    ("x[1, , ] <- 0", lambda a: a.__setitem__(0, 0)),
    ("x[, 2, 3] <- -1", lambda a: a.__setitem__((slice(None), 1, 2), -1)),
    ("x[x > 20] <- 0", lambda a: a.__setitem__(a > 20, 0)),
    ("x[.., 1] <- torch_tensor(matrix(c(7, 8, 9, 10, 11, 12), 2))",
     lambda a: a.__setitem__((..., 0), np.array([[7, 9, 11], [8, 10, 12]]))),
    ("x[2, 1:3:2, N] <- c(100, 200)", lambda a: a.__setitem__((1, slice(0, 3, 2), -1), [100, 200])),
]


@pytest.mark.parametrize("code, change", ASSIGN, ids=[c for c, _ in ASSIGN])
def test_subassign(rx, code, change):
    rx.eval(code + "; NULL")
    expected = A.copy()
    change(expected)
    np.testing.assert_array_equal(rx.get("x").numpy(), expected)


def test_errors_name_the_problem(rx):
    from rtorch_py.bridge import RError

    with pytest.raises(RError, match="Indexing starts at 1"):
        rx.eval("x[0, 1, 1]")
    with pytest.raises(RError, match="out of"):
        rx.eval("x[3, 1, 1]")
