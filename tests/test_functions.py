"""R-named functions (rtorch_py/functions.py): 1-based dims (0 is an error, negative counts from the end),
1-based index tensors in and 1-based indices out, R argument names and defaults, the functions the PyTorch
fixtures do not cover, and clear errors. Values of the covered ops are in tests/_core/test_ops.py."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import Tensor, torch_tensor

X = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
DIM0 = "Indexing starts at 1 but found a 0."


def t(a: object = X, dtype: object = None) -> Tensor:
    return torch_tensor(np.asarray(a), dtype=dtype)


def arr(x: Tensor) -> np.ndarray:
    return x._data


# -- dim = 0 is an error everywhere a dim is taken -----------------------------------------------------------------

DIM_FUNCTIONS = [
    ("torch_sum", lambda d: rt.torch_sum(t(), dim=d)), ("torch_mean", lambda d: rt.torch_mean(t(), dim=d)),
    ("torch_prod", lambda d: rt.torch_prod(t(), dim=d)), ("torch_max", lambda d: rt.torch_max(t(), dim=d)),
    ("torch_min", lambda d: rt.torch_min(t(), dim=d)), ("torch_argmax", lambda d: rt.torch_argmax(t(), dim=d)),
    ("torch_argmin", lambda d: rt.torch_argmin(t(), dim=d)), ("torch_amax", lambda d: rt.torch_amax(t(), dim=d)),
    ("torch_var", lambda d: rt.torch_var(t(), dim=d)), ("torch_std", lambda d: rt.torch_std(t(), dim=d)),
    ("torch_norm", lambda d: rt.torch_norm(t(), dim=d)), ("torch_logsumexp", lambda d: rt.torch_logsumexp(t(), d)),
    ("torch_cumsum", lambda d: rt.torch_cumsum(t(), d)), ("torch_cumprod", lambda d: rt.torch_cumprod(t(), d)),
    ("torch_all", lambda d: rt.torch_all(t() > 0, dim=d)), ("torch_any", lambda d: rt.torch_any(t() > 0, dim=d)),
    ("torch_softmax", lambda d: rt.torch_softmax(t(), d)), ("torch_squeeze", lambda d: rt.torch_squeeze(t(), d)),
    ("torch_unsqueeze", lambda d: rt.torch_unsqueeze(t(), d)), ("torch_flatten", lambda d: rt.torch_flatten(t(), d)),
    ("torch_permute", lambda d: rt.torch_permute(t(), [d, 1])),
    ("torch_transpose", lambda d: rt.torch_transpose(t(), d, 1)), ("torch_cat", lambda d: rt.torch_cat([t()], d)),
    ("torch_stack", lambda d: rt.torch_stack([t()], d)), ("torch_split", lambda d: rt.torch_split(t(), 1, d)),
    ("torch_chunk", lambda d: rt.torch_chunk(t(), 2, d)), ("torch_narrow", lambda d: rt.torch_narrow(t(), d, 1, 1)),
    ("torch_flip", lambda d: rt.torch_flip(t(), d)), ("torch_roll", lambda d: rt.torch_roll(t(), 1, d)),
    ("torch_gather", lambda d: rt.torch_gather(t(), d, t([[1]], rt.torch_long()))),
    ("torch_scatter", lambda d: rt.torch_scatter(t(), d, t([[1]], rt.torch_long()), value=1.0)),
    ("torch_index_select", lambda d: rt.torch_index_select(t(), d, t([1], rt.torch_long()))),
    ("torch_sort", lambda d: rt.torch_sort(t(), d)), ("torch_topk", lambda d: rt.torch_topk(t(), 1, d)),
    ("torch_argsort", lambda d: rt.torch_argsort(t(), d)), ("torch_unbind", lambda d: rt.torch_unbind(t(), d)),
    ("size", lambda d: t().size(d)),
    ("torch_diagonal", lambda d: rt.torch_diagonal(t(), dim1=d)),
]


@pytest.mark.parametrize("call", [c[1] for c in DIM_FUNCTIONS], ids=[c[0] for c in DIM_FUNCTIONS])
def test_dim_zero_is_an_error(call: object) -> None:
    with pytest.raises(IndexError, match=DIM0):
        call(0)


def test_movedim_dim_zero_is_a_value_error() -> None:
    # R torch checks movedim's dims itself, with its own words and class (value_error).
    with pytest.raises(ValueError, match="Dimension is 1-based, but found 0."):
        rt.torch_movedim(rt.torch_randn(2, 3), 0, 1)
    with pytest.raises(IndexError, match=r"in range of \[-2, 2\], but got 3\)"):
        rt.torch_movedim(rt.torch_randn(2, 3), 3, 1)


@pytest.mark.parametrize("call", [c[1] for c in DIM_FUNCTIONS if c[0] not in ("torch_unsqueeze", "torch_stack")],
                         ids=[c[0] for c in DIM_FUNCTIONS if c[0] not in ("torch_unsqueeze", "torch_stack")])
def test_dim_out_of_range_is_an_error(call: object) -> None:
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 2\], but got "
                                         r"3\)"):
        call(3)


def test_negative_dims_count_from_the_end() -> None:
    x = t()
    assert arr(rt.torch_sum(x, dim=-1)).tolist() == [9.0, 12.0]
    assert arr(rt.torch_sum(x, dim=-2)).tolist() == [5.0, 7.0, 9.0]
    assert rt.torch_unsqueeze(x, -1).shape == (2, 3, 1)
    assert rt.torch_unsqueeze(x, -3).shape == (1, 2, 3)
    assert rt.torch_stack([x, x], -1).shape == (2, 3, 2)
    assert rt.torch_cat([x, x], -1).shape == (2, 6)


# -- indices are 1-based both ways --------------------------------------------------------------------------------

def test_returned_indices_are_one_based() -> None:
    x = t()
    v, i = rt.torch_max(x, dim=2)
    assert arr(v).tolist() == [5.0, 6.0] and arr(i).tolist() == [2, 3] and i.dtype is rt.torch_long()
    v, i = rt.torch_min(x, dim=1, keepdim=True)
    assert arr(i).tolist() == [[1, 2, 1]]
    assert rt.torch_argmax(x).item() == 6 and rt.torch_argmin(x).item() == 1
    assert arr(rt.torch_argmax(x, dim=2)).tolist() == [2, 3]
    assert arr(rt.torch_argmin(x, dim=1, keepdim=True)).tolist() == [[1, 2, 1]]
    assert arr(rt.torch_sort(x, dim=2)[1]).tolist() == [[1, 3, 2], [2, 1, 3]]
    assert arr(rt.torch_sort(x, dim=2, descending=True)[1]).tolist() == [[2, 3, 1], [3, 1, 2]]
    assert arr(rt.torch_argsort(x)).tolist() == [[1, 3, 2], [2, 1, 3]]
    assert arr(rt.torch_topk(x, 2)[1]).tolist() == [[2, 3], [3, 1]]
    assert arr(rt.torch_topk(x, 1, dim=1, largest=False)[1]).tolist() == [[1, 2, 1]]
    assert arr(rt.torch_nonzero(x > 4)).tolist() == [[1, 2], [2, 3]]
    rows, cols = rt.torch_nonzero(x > 4, as_list=True)
    assert arr(rows).tolist() == [1, 2] and arr(cols).tolist() == [2, 3]
    assert [arr(a).tolist() for a in rt.torch_where(x > 4)] == [[1, 2], [2, 3]]
    assert arr(rt.torch_nonzero(torch_tensor([0, 3, 0, 1]))).tolist() == [[2], [4]]


def test_index_tensors_are_one_based() -> None:
    x = t()
    i = torch_tensor([[2, 1, 2]])
    assert arr(rt.torch_gather(x, 1, i)).tolist() == [[4.0, 5.0, 6.0]]
    assert arr(rt.torch_index_select(x, 2, torch_tensor([3, 1]))).tolist() == [[3.0, 1.0], [6.0, 4.0]]
    assert arr(rt.torch_index_select(x, 1, torch_tensor([2.0]))).tolist() == [[4.0, 2.0, 6.0]]  # R doubles
    s = rt.torch_scatter(rt.torch_zeros(2, 3), 1, torch_tensor([[2, 1, 2]]), value=1.0)
    assert arr(s).tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]]
    sa = rt.torch_scatter_add(rt.torch_zeros(3), 1, torch_tensor([1, 1, 3]), rt.torch_ones(3))
    assert arr(sa).tolist() == [2.0, 0.0, 1.0]
    with pytest.raises(IndexError, match=DIM0):
        rt.torch_gather(x, 1, torch_tensor([[0, 1, 1]]))
    with pytest.raises(IndexError, match=DIM0):
        rt.torch_index_select(x, 1, torch_tensor([0]))
    with pytest.raises(IndexError, match=r"gather\(\): index 3 is out of bounds for dimension with size 2"):
        rt.torch_gather(x, 1, torch_tensor([[3, 1, 1]]))
    with pytest.raises(IndexError, match=r"index_select\(\): index 4 is out of bounds for dimension with size 3"):
        rt.torch_index_select(x, 2, torch_tensor([4]))
    with pytest.raises(IndexError, match="index_select\\(\\): Index is supposed to be a vector"):
        rt.torch_index_select(x, 2, torch_tensor([[1]]))


def test_narrow_split_chunk_r_semantics() -> None:
    x = t(np.arange(10.0).reshape(2, 5))
    assert arr(rt.torch_narrow(x, 2, 2, 3)).tolist() == [[1.0, 2.0, 3.0], [6.0, 7.0, 8.0]]  # start 1-based
    assert arr(rt.torch_narrow(x, 2, -2, 2)).tolist() == [[3.0, 4.0], [8.0, 9.0]]  # negative from the end
    with pytest.raises(IndexError, match=r"start \(5\) \+ length \(2\) exceeds dimension size \(5\)\."):
        rt.torch_narrow(x, 2, 5, 2)
    assert [p.shape for p in rt.torch_split(x, 2, dim=2)] == [(2, 2), (2, 2), (2, 1)]
    assert [p.shape for p in rt.torch_split(x, [1, 4], dim=2)] == [(2, 1), (2, 4)]
    assert [p.shape for p in rt.torch_chunk(x, 2, dim=2)] == [(2, 3), (2, 2)]
    assert [p.shape for p in rt.torch_chunk(rt.torch_ones(2), 5)] == [(1,), (1,)]
    with pytest.raises(RuntimeError, match="split expects split_size be non-negative, but got split_size=0"):
        rt.torch_split(x, 0)
    with pytest.raises(RuntimeError, match="chunk expects `chunks` to be greater than 0, got: 0"):
        rt.torch_chunk(x, 0)
    assert all(np.shares_memory(arr(p), arr(x)) for p in rt.torch_split(x, 2, 2))


def test_reductions_defaults_and_options() -> None:
    x = t()
    assert rt.torch_sum(x).item() == 21.0 and rt.torch_sum(x).shape == ()
    assert rt.torch_sum(x, dim=[1, 2]).item() == 21.0
    assert rt.torch_sum(x, dim=2, keepdim=True).shape == (2, 1)
    assert rt.torch_mean(x, dim=[]).item() == 3.5  # an empty dim vector reduces everything
    with pytest.raises(RuntimeError, match="dim 1 appears multiple times in the list of dims"):
        rt.torch_sum(x, dim=[1, -2])
    np.testing.assert_allclose(rt.torch_var(x).item(), np.var(X, ddof=1), rtol=1e-6)  # unbiased by default
    np.testing.assert_allclose(rt.torch_var(x, unbiased=False).item(), np.var(X), rtol=1e-6)
    np.testing.assert_allclose(rt.torch_std(x, dim=2, correction=0)._data, np.std(X, 1), rtol=1e-6)
    v, m = rt.torch_var_mean(x, dim=1)
    np.testing.assert_allclose(arr(v), np.var(X, 0, ddof=1), rtol=1e-6)
    np.testing.assert_allclose(arr(m), X.mean(0), rtol=1e-6)
    s, m = rt.torch_std_mean(x)
    np.testing.assert_allclose([s.item(), m.item()], [np.std(X, ddof=1), 3.5], rtol=1e-6)
    assert rt.torch_sum(torch_tensor([1, 2]), dtype=rt.torch_double()).dtype is rt.torch_double()
    assert rt.torch_mean(torch_tensor([1, 2]), dtype=rt.torch_float()).item() == 1.5
    assert rt.torch_prod(torch_tensor([2, 3])).item() == 6
    assert arr(rt.torch_count_nonzero(x > 2, dim=2)).tolist() == [2, 2]
    assert rt.torch_count_nonzero(x > 2).item() == 4
    assert rt.torch_all(x > 0).item() and not rt.torch_any(x > 6).item()
    assert arr(rt.torch_any(x > 4, dim=1)).tolist() == [False, True, True]
    assert rt.torch_logsumexp(x, 2, keepdim=True).shape == (2, 1)
    assert rt.torch_amin(x, dim=1).shape == (3,)
    np.testing.assert_allclose(rt.torch_norm(x, p="fro").item(), np.linalg.norm(X), rtol=1e-6)
    np.testing.assert_allclose(rt.torch_dist(x, x * 0).item(), np.linalg.norm(X), rtol=1e-6)
    with pytest.raises(ValueError, match="torch_norm: p must be a number or 'fro', got 'nuc'"):
        rt.torch_norm(x, p="nuc")
    with pytest.raises(RuntimeError, match="std and var only support floating point"):
        rt.torch_var(torch_tensor([1, 2]))
    with pytest.raises(RuntimeError, match="norm\\(\\): input dtype should be either floating point"):
        rt.torch_norm(torch_tensor([3, 4]))


def test_max_min_forms() -> None:
    x = t()
    assert rt.torch_max(x).item() == 6.0 and rt.torch_min(x).item() == 1.0
    other = t([[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]])
    assert arr(rt.torch_max(x, other=other)).tolist() == [[2.0, 5.0, 3.0], [4.0, 2.0, 6.0]]
    assert arr(rt.torch_min(x, other)).tolist() == [[1.0, 2.0, 2.0], [2.0, 2.0, 2.0]]  # a tensor as 2nd arg
    with pytest.raises(RuntimeError, match="max\\(\\): Expected reduction dim to be specified for input.numel\\(\\) "
                                           "== 0"):
        rt.torch_max(rt.torch_zeros(0))
    with pytest.raises(IndexError, match="max\\(\\): Expected reduction dim 1 to have non-zero size"):
        rt.torch_max(rt.torch_zeros(0, 2), dim=1)
    v, i = rt.torch_max(torch_tensor(3.0), dim=1)
    assert v.item() == 3.0 and i.item() == 1


# -- shape functions -------------------------------------------------------------------------------------------

def test_shape_functions() -> None:
    x = t()
    assert rt.torch_reshape(x, [3, -1]).shape == (3, 2)
    assert x.reshape(3, 2).shape == (3, 2) and x.reshape([6]).shape == (6,)
    assert rt.torch_squeeze(rt.torch_ones(1, 2, 1)).shape == (2,)
    assert rt.torch_squeeze(rt.torch_ones(1, 2, 1), 3).shape == (1, 2)
    assert rt.torch_squeeze(x, 1).shape == (2, 3)  # not of size 1: unchanged
    assert rt.torch_unsqueeze(x, 1).shape == (1, 2, 3) and rt.torch_unsqueeze(x, 3).shape == (2, 3, 1)
    assert rt.torch_flatten(rt.torch_ones(2, 3, 4)).shape == (24,)
    assert rt.torch_flatten(rt.torch_ones(2, 3, 4), start_dim=2).shape == (2, 12)
    assert rt.torch_flatten(torch_tensor(1.0)).shape == (1,)
    with pytest.raises(RuntimeError, match="flatten\\(\\) has invalid args: start_dim cannot come after end_dim"):
        rt.torch_flatten(rt.torch_ones(2, 3, 4), 3, 2)
    assert rt.torch_permute(rt.torch_ones(2, 3, 4), [3, 1, 2]).shape == (4, 2, 3)
    with pytest.raises(RuntimeError, match="permute\\(\\): duplicate dims are not allowed"):
        rt.torch_permute(x, [1, 1])
    with pytest.raises(RuntimeError, match="number of dimensions in the tensor input does not match"):
        rt.torch_permute(x, [1])
    assert rt.torch_transpose(x, 1, 2).shape == (3, 2)
    assert rt.torch_transpose(x, dim0=2, dim1=1).shape == (3, 2)
    assert rt.torch_movedim(rt.torch_ones(2, 3, 4), 1, 3).shape == (3, 4, 2)
    assert rt.torch_movedim(rt.torch_ones(2, 3, 4), [1, 2], [3, 1]).shape == (3, 4, 2)
    assert rt.torch_t(x).shape == (3, 2) and rt.torch_t(rt.torch_ones(3)).shape == (3,)
    assert rt.torch_hstack([x, x]).shape == (2, 6) and rt.torch_hstack([t([1.0]), t([2.0])]).shape == (2,)
    assert rt.torch_vstack([x[0], x[1]]).shape == (2, 3)
    assert [u.shape for u in rt.torch_unbind(x, 2)] == [(2,), (2,), (2,)]
    assert arr(rt.torch_flip(x, 2))[0].tolist() == [3.0, 5.0, 1.0]
    assert arr(rt.torch_roll(x, 1))[0].tolist() == [6.0, 1.0, 5.0]  # no dims: flattened
    assert arr(rt.torch_roll(x, -1, 2))[0].tolist() == [5.0, 3.0, 1.0]
    assert [b.shape for b in rt.torch_broadcast_tensors([x, x[0]])] == [(2, 3), (2, 3)]
    assert arr(rt.torch_diag(t([1.0, 2.0]))).tolist() == [[1.0, 0.0], [0.0, 2.0]]
    assert arr(rt.torch_diag(t([1.0, 2.0]), 1)).tolist() == [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    assert arr(rt.torch_diag(x[:, :2])).tolist() == [1.0, 2.0]
    assert rt.torch_trace(x[:, :2]).item() == 3.0
    assert arr(rt.torch_tril(x)).tolist() == [[1.0, 0.0, 0.0], [4.0, 2.0, 0.0]]
    assert arr(rt.torch_triu(x, 1)).tolist() == [[0.0, 5.0, 3.0], [0.0, 0.0, 6.0]]
    d = rt.torch_diagonal(x)
    assert arr(d).tolist() == [1.0, 2.0] and np.shares_memory(arr(d), arr(x))
    assert arr(rt.torch_diagonal(x, offset=-1)).tolist() == [4.0]
    with pytest.raises(RuntimeError, match="stack expects a non-empty TensorList"):
        rt.torch_stack([])
    with pytest.raises(RuntimeError, match="torch_cat\\(\\): expected a non-empty list of Tensors"):
        rt.torch_cat([])
    with pytest.raises(TypeError, match=r"torch_cat: argument 'tensors\[\[2\]\]' must be a torch_tensor"):
        rt.torch_cat([x, [1, 2]])
    with pytest.raises(RuntimeError, match="torch_cat\\(\\): Tensors must have same number of dimensions"):
        rt.torch_cat([x, t([1.0, 2.0])])
    with pytest.raises(RuntimeError, match="zero-dimensional tensor \\(at position 1\\) cannot be concatenated"):
        rt.torch_cat([torch_tensor(1.0)])


# -- elementwise and misc ---------------------------------------------------------------------------------------

def test_elementwise_extras() -> None:
    x = t()
    assert arr(rt.torch_add(x, 1, alpha=2))[0, 0] == 3.0
    with pytest.raises(RuntimeError, match="For integral input tensors, argument alpha must not be a floating point"):
        rt.torch_add(torch_tensor([1]), torch_tensor([2]), alpha=2.5)
    assert arr(rt.torch_div(torch_tensor([-7, 7]), 2, rounding_mode="trunc")).tolist() == [-3, 3]
    assert arr(rt.torch_div(torch_tensor([-7, 7]), 2, rounding_mode="floor")).tolist() == [-4, 3]
    assert arr(rt.torch_div(torch_tensor([-7.0, 7.0]), 2, rounding_mode="floor")).tolist() == [-4.0, 3.0]
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        rt.torch_div(torch_tensor([1]), torch_tensor([0]), rounding_mode="trunc")
    assert arr(rt.torch_div(torch_tensor([1.0]), 0))[0] == np.inf
    assert rt.torch_float_power(torch_tensor([2]), 2).dtype is rt.torch_double()
    assert arr(rt.torch_clamp(x, min=t([2.0, 2.0, 2.0])))[0].tolist() == [2.0, 5.0, 3.0]
    assert arr(rt.torch_clip(x, max=2))[1].tolist() == [2.0, 2.0, 2.0]
    assert arr(rt.torch_where(x > 3, x, 0))[0].tolist() == [0.0, 5.0, 0.0]
    assert arr(rt.torch_logical_xor(x > 2, x > 4))[0].tolist() == [False, False, True]
    assert arr(rt.torch_isfinite(t([1.0, np.inf, np.nan]))).tolist() == [True, False, False]
    assert arr(rt.torch_isnan(t([1.0, np.nan]))).tolist() == [False, True]
    assert arr(rt.torch_isinf(t([-np.inf, 1.0]))).tolist() == [True, False]
    assert arr(rt.torch_isclose(x, x + 1e-9)).all()
    assert rt.torch_allclose(t([1.0, 2.0]), t([1.0, 2.0 + 1e-7]))
    assert not rt.torch_allclose(t([1.0, np.nan]), t([1.0, np.nan]))
    assert rt.torch_equal(x, x.clone()) and not rt.torch_equal(x, x[0])
    assert arr(rt.torch_round(t([0.5, 1.5, 2.5, -0.5]))).tolist() == [0.0, 2.0, 2.0, -0.0]  # half to even
    assert arr(rt.torch_round(t([1.2345]), decimals=2))[0] == pytest.approx(1.23)
    with pytest.raises(RuntimeError, match="lerp: expected floating-point tensors"):
        rt.torch_lerp(torch_tensor([1]), torch_tensor([2]), 0.5)
    with pytest.raises(TypeError, match="torch_exp: argument 'self' must be a torch_tensor, got an object of class"):
        rt.torch_exp([1.0])
    with pytest.raises(TypeError, match="torch_sum: argument 'self' must be a torch_tensor, got an object of class"):
        rt.torch_sum([1.0])


def test_unary_integer_inputs_promote_to_float() -> None:
    i = torch_tensor([1, 4])
    for name in ["exp", "log", "sqrt", "sin", "sigmoid", "tanh", "rsqrt", "log1p", "expm1"]:
        assert getattr(rt, f"torch_{name}")(i).dtype is rt.torch_float(), name
    for name in ["abs", "neg", "sign", "floor", "relu"]:
        assert getattr(rt, f"torch_{name}")(i).dtype is rt.torch_long(), name


def test_linear_algebra_errors_and_extras() -> None:
    a = rt.torch_ones(2, 3)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"):
        rt.torch_matmul(a, a)
    with pytest.raises(RuntimeError, match="torch_mm: self must be a matrix and mat2 must be a matrix"):
        rt.torch_mm(a, rt.torch_ones(3))
    with pytest.raises(RuntimeError, match="torch_mv: expected a matrix and a vector"):
        rt.torch_mv(a, a)
    with pytest.raises(RuntimeError, match="batch1 and batch2 must have same number of batches, got 2 and 3"):
        rt.torch_bmm(rt.torch_ones(2, 2, 2), rt.torch_ones(3, 2, 2))
    with pytest.raises(RuntimeError, match="inconsistent tensor size"):
        rt.torch_dot(rt.torch_ones(3), rt.torch_ones(2))
    with pytest.raises(RuntimeError, match="outer: Expected 1-D argument self, but got 2-D"):
        rt.torch_outer(a, rt.torch_ones(2))
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
        rt.torch_matmul(torch_tensor([[1, 2]]), torch_tensor([[1.0], [2.0]]))
    with pytest.raises(RuntimeError, match=r"einsum\(\): 2 operands in the equation but 1 tensors given"):
        rt.torch_einsum("i,i->", [rt.torch_ones(3)])
    assert rt.torch_einsum("ii", [rt.torch_eye(3)]).item() == 3.0
    assert rt.torch_addmm(rt.torch_ones(2), a, rt.torch_ones(3, 2), beta=0.5, alpha=2).shape == (2, 2)
    assert arr(rt.torch_addmm(rt.torch_ones(2), a, rt.torch_ones(3, 2), beta=0.5, alpha=2))[0, 0] == 6.5
    assert arr(rt.torch_cdist(t([[0.0, 0.0], [3.0, 4.0]]), t([[0.0, 0.0]])))[:, 0].tolist() == [0.0, 5.0]
    assert rt.torch_matmul(torch_tensor([[1, 2]]), torch_tensor([[3], [4]])).item() == 11


def test_masks_and_selection() -> None:
    x = t()
    assert arr(rt.torch_masked_select(x, x > 3)).tolist() == [5.0, 4.0, 6.0]
    assert arr(rt.torch_masked_fill(x, x > 3, 0.0))[0].tolist() == [1.0, 0.0, 3.0]
    with pytest.raises(RuntimeError, match="masked_fill_ only supports boolean masks"):
        rt.torch_masked_fill(x, x, 0.0)
    with pytest.raises(RuntimeError, match="masked_fill_ only supports a 0-dimensional value tensor"):
        rt.torch_masked_fill(x, x > 3, t([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="masked_select: expected BoolTensor for mask"):
        rt.torch_masked_select(x, x)
    with pytest.raises(ValueError, match="torch_scatter: one of src or value is required"):
        rt.torch_scatter(x, 1, torch_tensor([[1]]))
    v, i = rt.torch_sort(torch_tensor([2, 1, 2, 1]))
    assert arr(v).tolist() == [1, 1, 2, 2] and arr(i).tolist() == [2, 4, 1, 3]  # stable
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        rt.torch_topk(x, 4)


def test_shape_and_dtype_errors_name_the_function() -> None:
    x, four = t(), rt.torch_ones(4)
    for call, fn in [(lambda: rt.torch_maximum(x, four), "maximum"), (lambda: rt.torch_fmod(x, four), "fmod"),
                     (lambda: rt.torch_remainder(x, four), "remainder"), (lambda: rt.torch_atan2(x, four), "atan2"),
                     (lambda: rt.torch_where(x > 1, x, four), "where"), (lambda: x ** four, "pow"),
                     (lambda: rt.torch_clamp(x, min=four), "clamp"), (lambda: x == four, "equal"),
                     (lambda: rt.torch_masked_select(x, torch_tensor([True, False])), "masked_select"),
                     (lambda: rt.torch_lerp(x, four, 0.5), "lerp"),
                     (lambda: rt.torch_addcmul(x, x, four), "addcmul")]:
        with pytest.raises(RuntimeError, match=rf"^{fn}: The size of tensor a \(\d\) must match the size of tensor "
                                               rf"b \(\d\) at non-singleton dimension \d$"):
            call()
    with pytest.raises(TypeError, match="operands must be tensors or numbers, not str"):
        x + "a"
    with pytest.raises(TypeError, match="expected at least one tensor operand, got int and int"):
        rt.torch_add(1, 2)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        rt.torch_fmod(torch_tensor([1]), 0)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        torch_tensor([1]) % 0
    assert np.isnan(arr(rt.torch_fmod(t([1.0]), 0.0))[0])
    with pytest.raises(RuntimeError, match="isn't allowed in a leading, non-existing dimension 1"):
        x.expand(-1, -1, 3)


def test_gather_scatter_index_shapes() -> None:
    x = t(np.arange(12.0).reshape(3, 4))
    assert arr(rt.torch_gather(x, 1, torch_tensor([[3, 1], [2, 2]]))).tolist() == [[8.0, 1.0], [4.0, 5.0]]
    with pytest.raises(RuntimeError, match=r"gather\(\): Index tensor must have the same number of dimensions"):
        rt.torch_gather(x, 1, torch_tensor([1, 2]))
    with pytest.raises(RuntimeError, match=r"gather\(\): Size does not match at dimension 2 expected index "
                                           r"\[1, 5\] to be smaller than self \[3, 4\] apart from dimension 1"):
        rt.torch_gather(x, 1, torch_tensor([[1, 1, 1, 1, 1]]))
    s = rt.torch_scatter(rt.torch_zeros(2, 3), 1, torch_tensor([[2, 1]]), rt.torch_ones(2, 3) * 5)
    assert arr(s).tolist() == [[0.0, 5.0, 0.0], [5.0, 0.0, 0.0]]
    with pytest.raises(RuntimeError, match=r"scatter\(\): Expected index \[1, 3\] to be smaller than self \[2, 3\] "
                                           r"apart from dimension 1 and to be smaller size than src \[1, 2\]"):
        rt.torch_scatter(rt.torch_zeros(2, 3), 1, torch_tensor([[1, 2, 1]]), rt.torch_ones(1, 2))


def test_zero_dim_tensors_take_dim_one() -> None:
    s = torch_tensor(3.0)
    for fn in [rt.torch_sum, rt.torch_mean, rt.torch_amax, rt.torch_prod, rt.torch_var]:
        assert fn(s, dim=1).shape == ()
    assert rt.torch_cumsum(s, 1).shape == () and rt.torch_logsumexp(s, -1).item() == 3.0
    assert rt.torch_flip(s, 1).item() == 3.0 and rt.torch_softmax(s, 1).item() == 1.0
    assert [v.shape for v in rt.torch_sort(s)] == [(), ()] and rt.torch_sort(s)[1].item() == 1
    assert rt.torch_topk(s, 1)[1].item() == 1 and rt.torch_gather(s, 1, torch_tensor(1)).item() == 3.0
    assert rt.torch_unsqueeze(s, 1).shape == (1,) and rt.torch_squeeze(s, 1).shape == ()
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-1, 1\], but got "
                                         r"2\)"):
        rt.torch_sum(s, dim=2)


def test_inverse_hyperbolic_functions_and_select_values():
    x = rt.torch_tensor([0.5, 0.25, -0.75], dtype=rt.torch_float64())
    np.testing.assert_allclose(rt.torch_asinh(x).numpy(), np.arcsinh([0.5, 0.25, -0.75]))
    np.testing.assert_allclose(rt.torch_atanh(x).numpy(), np.arctanh([0.5, 0.25, -0.75]))
    np.testing.assert_allclose(rt.torch_acosh(x + 2).numpy(), np.arccosh([2.5, 2.25, 1.25]))
    assert rt.torch_asinh(x).grad_fn is None
    m = rt.torch_tensor([[1, 2, 3], [4, 5, 6]])
    assert rt.as_array(m.select(1, 2)).tolist() == [4, 5, 6]
    assert rt.as_array(rt.torch_select(m, 2, -1)).tolist() == [3, 6]
    with pytest.raises(IndexError, match="Indexing starts at 1"):
        rt.torch_select(m, 1, 0)


def test_stack_and_cat_convert_r_arrays_in_the_list() -> None:
    # R torch's TensorList argument takes R matrices (test-linalg "lstsq": torch_stack(list(rbind(...), ...)))
    a, b = np.array([[2.0, 5.0], [3.0, 2.0]]), np.array([[4.0, 2.0], [2.0, 0.0]])
    s = rt.torch_stack([a, b], dim=1)
    assert s.dtype == rt.torch_float() and s.shape == (2, 2, 2)
    np.testing.assert_array_equal(arr(s), np.stack([a, b]).astype(np.float32))
    c = rt.torch_cat([t(), np.array([[7, 8, 9]])], dim=1)
    np.testing.assert_array_equal(arr(c), np.vstack([X, [[7.0, 8.0, 9.0]]]).astype(np.float32))
    with pytest.raises(TypeError, match=r"tensors\[\[2\]\]"):
        rt.torch_stack([t(), "a"])


def test_reduction_codes_are_doubles_as_r_torch() -> None:
    codes = (rt.torch_reduction_none(), rt.torch_reduction_mean(), rt.torch_reduction_sum())
    assert codes == (0.0, 1.0, 2.0) and all(type(c) is float for c in codes)
