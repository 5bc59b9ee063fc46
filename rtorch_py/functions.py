"""R torch's tensor functions (``torch_*``) over the 0-based core: dims and indices 1-based, R's argument
names and defaults. The same functions become tensor methods (``x.sum(dim = 1)``) in ``tensor_methods``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _check
from ._core import ops as O  # noqa: N812
from ._core.dtype import as_dtype
from ._core.dtype import dtype as Dtype  # noqa: N812
from ._core.tensor import Tensor
from ._r import Dim, DimNew, DimOrder, Dims, Index1, Indices1, Int, Pos1, ValuesIndices1, r_api, to_int
from .named import common_names, reject_names

_wrap = Tensor._wrap


def _t(x: Any, fn: str, arg: str = "self") -> Tensor:
    if x.__class__ is Tensor:
        return x
    if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
        # an R vector or array where a tensor is expected: converted as torch_tensor() would (R torch does)
        return Tensor._wrap(np.array(x, dtype=as_dtype("float32").np if x.dtype.kind == "f" else
                                     np.int64 if x.dtype.kind in "iu" else np.bool_))
    return _check.tensor(x, fn, arg)


def _cast(x: Tensor, dtype: Any) -> Tensor:
    """``x`` converted to ``dtype`` first when one is given (the ``dtype`` argument of reductions, softmax)."""
    return x if dtype is None else O.to_dtype(x, as_dtype(dtype).np)


# -- elementwise ----------------------------------------------------------------------------------------------

def torch_add(self: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    """``self + alpha * other`` with broadcasting.

    Example:
        >>> torch_add(torch_ones(2), 1).sum().item()
        4.0
    """
    return O.add(self, other, alpha)


def torch_sub(self: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    """``self - alpha * other`` with broadcasting."""
    return O.sub(self, other, alpha)


def torch_mul(self: Tensor, other: Any) -> Tensor:
    """Elementwise product with broadcasting.

    Example:
        >>> torch_mul(torch_tensor([1.0, 2.0]), 3).sum().item()
        9.0
    """
    return O.mul(self, other)


def torch_div(self: Tensor, other: Any, rounding_mode: str | None = None) -> Tensor:
    """Elementwise quotient; ``rounding_mode`` "trunc" or "floor" rounds it (integer division)."""
    return O.div(self, other, rounding_mode)


def torch_pow(self: Any, exponent: Any) -> Tensor:
    """``self ^ exponent`` elementwise, with broadcasting (``self`` may be a number)."""
    return O.pow(self, exponent)


def torch_float_power(self: Any, exponent: Any) -> Tensor:
    """``self ^ exponent`` computed in double precision (the result is float64)."""
    return O.pow(O.to_dtype(self, np.dtype(np.float64)), exponent)


torch_multiply, torch_divide, torch_subtract, torch_true_divide = torch_mul, torch_div, torch_sub, torch_div


def torch_maximum(self: Tensor, other: Tensor) -> Tensor:
    """Elementwise maximum of two tensors (NaN propagates)."""
    return O.maximum(self, other)


def torch_minimum(self: Tensor, other: Tensor) -> Tensor:
    """Elementwise minimum of two tensors (NaN propagates)."""
    return O.minimum(self, other)


def torch_fmod(self: Tensor, other: Any) -> Tensor:
    """Remainder of the division, with the sign of the dividend (C's fmod)."""
    return O.fmod(self, other)


def torch_remainder(self: Tensor, other: Any) -> Tensor:
    """Remainder of the division, with the sign of the divisor (R's ``%%``)."""
    return O.remainder(self, other)


def torch_atan2(self: Tensor, other: Tensor) -> Tensor:
    """Elementwise ``atan(self / other)`` in the quadrant of the point (other, self)."""
    return O.atan2(self, other)


def torch_where(condition: Tensor, self: Any = None, other: Any = None) -> Any:
    """Elements of ``self`` where ``condition``, else of ``other``; with one argument, ``torch_nonzero``."""
    if self is None and other is None:
        return torch_nonzero(condition, as_list=True)
    if not isinstance(self, Tensor) and not isinstance(other, Tensor):
        # two numbers (torch_where(cond, 1, 0)): the result type of the two scalars (floats: the default dtype)
        from ._core.dtype import result_type
        self = Tensor._wrap(np.asarray(self, dtype=result_type(self, other)))
    return O.where(condition, self, other)


def torch_lerp(self: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation ``self + weight * (end - self)``."""
    return O.lerp(self, end, weight)


def torch_clamp(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Elements limited to ``[min, max]`` (either bound may be NULL; bounds may be tensors).

    Example:
        >>> torch_clamp(torch_tensor([-2.0, 0.5, 3.0]), min = -1, max = 1)
        torch_tensor
        -1.0000
         0.5000
         1.0000
        [ CPUFloatType{3} ]
    """
    return O.clamp(self, min, max)


torch_clip = torch_clamp


def torch_square(self: Tensor) -> Tensor:
    """Elementwise ``self * self``."""
    return O.square(self)


def torch_addcmul(self: Tensor, tensor1: Tensor, tensor2: Tensor, value: Any = 1) -> Tensor:
    """``self + value * tensor1 * tensor2``."""
    return O.addcmul(self, tensor1, tensor2, value)


def torch_addcdiv(self: Tensor, tensor1: Tensor, tensor2: Tensor, value: Any = 1) -> Tensor:
    """``self + value * tensor1 / tensor2``."""
    return O.addcdiv(self, tensor1, tensor2, value)


def _unary_api(op: Any, rname: str) -> Any:
    def fn(self: Tensor) -> Tensor:
        return op(_t(self, rname))

    fn.__name__ = rname
    fn.__doc__ = f"Elementwise ``{rname[6:]}``."
    return fn


_UNARY = {
    "abs": O.abs, "exp": O.exp, "log": O.log, "log1p": O.log1p, "log2": O.log2, "log10": O.log10,
    "expm1": O.expm1, "sqrt": O.sqrt, "rsqrt": O.rsqrt, "sin": O.sin, "cos": O.cos, "tan": O.tan,
    "asin": O.asin, "acos": O.acos, "atan": O.atan,
    "asinh": O.asinh, "acosh": O.acosh, "atanh": O.atanh, "sinh": O.sinh, "cosh": O.cosh, "tanh": O.tanh,
    "sigmoid": O.sigmoid, "relu": O.relu, "sign": O.sign, "floor": O.floor, "ceil": O.ceil,
    "trunc": O.trunc, "reciprocal": O.reciprocal, "neg": O.neg, "erf": O.erf, "fix": O.trunc,
    "negative": O.neg, "absolute": O.abs, "arcsin": O.asin, "arccos": O.acos, "arctan": O.atan,
}
for _n, _op in _UNARY.items():
    globals()[f"torch_{_n}"] = _unary_api(_op, f"torch_{_n}")


def torch_round(self: Tensor, decimals: int = 0) -> Tensor:
    """Round half to even (at ``decimals`` places)."""
    decimals = to_int(decimals, "decimals")
    return O.round_decimals(self, decimals) if decimals else O.round_(self)


# -- comparisons ------------------------------------------------------------------------------------------------

def torch_eq(self: Tensor, other: Any) -> Tensor:
    """Elementwise ``self == other`` (a bool tensor)."""
    return O.eq(self, other)


def torch_ne(self: Tensor, other: Any) -> Tensor:
    """Elementwise ``self != other`` (a bool tensor)."""
    return O.ne(self, other)


def torch_lt(self: Tensor, other: Any) -> Tensor:
    """Elementwise ``self < other`` (a bool tensor)."""
    return O.lt(self, other)


def torch_le(self: Tensor, other: Any) -> Tensor:
    """Elementwise ``self <= other`` (a bool tensor)."""
    return O.le(self, other)


def torch_gt(self: Tensor, other: Any) -> Tensor:
    """Elementwise ``self > other`` (a bool tensor)."""
    return O.gt(self, other)


def torch_ge(self: Tensor, other: Any) -> Tensor:
    """Elementwise ``self >= other`` (a bool tensor)."""
    return O.ge(self, other)


torch_greater, torch_greater_equal, torch_less, torch_less_equal = torch_gt, torch_ge, torch_lt, torch_le
torch_not_equal = torch_ne


def torch_logical_and(self: Tensor, other: Tensor) -> Tensor:
    """Elementwise logical and (non-zero is true); a bool tensor."""
    return O.logical_and(self, other)


def torch_logical_or(self: Tensor, other: Tensor) -> Tensor:
    """Elementwise logical or (non-zero is true); a bool tensor."""
    return O.logical_or(self, other)


def torch_logical_xor(self: Tensor, other: Tensor) -> Tensor:
    """Elementwise logical exclusive or (non-zero is true); a bool tensor."""
    return O.logical_xor(self, other)


def torch_logical_not(self: Tensor) -> Tensor:
    """Elementwise logical not (non-zero is true); a bool tensor."""
    return O.logical_not(self)


def torch_isnan(self: Tensor) -> Tensor:
    """Which elements are NaN (a bool tensor)."""
    return _wrap(np.isnan(self._data))


def torch_isinf(self: Tensor) -> Tensor:
    """Which elements are +-Inf (a bool tensor)."""
    return _wrap(np.isinf(self._data))


def torch_isfinite(self: Tensor) -> Tensor:
    """Which elements are neither NaN nor +-Inf (a bool tensor)."""
    return _wrap(np.isfinite(self._data))


def torch_allclose(self: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
                   equal_nan: bool = False) -> bool:
    """Whether all elements are close: ``|self - other| <= atol + rtol * |other|``."""
    return bool(np.allclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def torch_isclose(self: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
                  equal_nan: bool = False) -> Tensor:
    """Elementwise ``|self - other| <= atol + rtol * |other|`` (a bool tensor)."""
    return _wrap(np.isclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def torch_equal(self: Tensor, other: Tensor) -> bool:
    """Whether both tensors have the same size and elements."""
    return self.shape == other.shape and bool(np.array_equal(self._data, other._data))


# -- reductions -------------------------------------------------------------------------------------------------

@r_api
def torch_sum(self: Tensor, dim: Dims | None = None, keepdim: bool = False, dtype: Dtype | None = None) -> Tensor:
    """Sum of all elements, or over ``dim`` (1-based; a vector of dims allowed).

    Example:
        >>> torch_sum(torch_ones(2, 3), dim = 1).shape
        (3,)
    """
    return O.sum(_cast(_t(self, "torch_sum"), dtype), dim, keepdim)


@r_api
def torch_mean(self: Tensor, dim: Dims | None = None, keepdim: bool = False, dtype: Dtype | None = None) -> Tensor:
    """Mean of all elements, or over ``dim`` (1-based; a vector of dims allowed).

    Example:
        >>> torch_mean(torch_tensor([[1.0, 2.0], [3.0, 4.0]]), dim = 2)
        torch_tensor
         1.5000
         3.5000
        [ CPUFloatType{2} ]
    """
    return O.mean(_cast(_t(self, "torch_mean"), dtype), dim, keepdim)


@r_api
def torch_prod(self: Tensor, dim: Dim | None = None, keepdim: bool = False, dtype: Dtype | None = None) -> Tensor:
    """Product of all elements, or along one (1-based) ``dim``."""
    return O.prod(_cast(_t(self, "torch_prod"), dtype), dim, keepdim)


def _extreme(self: Tensor, dim: Any, other: Any, keepdim: bool, largest: bool) -> Any:
    fn = "torch_max" if largest else "torch_min"
    self = _t(self, fn)
    if isinstance(dim, Tensor) and other is None:
        dim, other = None, dim
    if other is not None and dim is not None:
        what = "maximum" if largest else "minimum"
        raise ValueError(f"{fn}: give either `dim` (the {what} along a dim) or `other` (the elementwise {what}), "
                         "not both")
    if other is not None:
        other = _t(other, fn, "other") if isinstance(other, np.ndarray) else other
        return O.maximum(self, other) if largest else O.minimum(self, other)
    if dim is None:
        return O.amax(self) if largest else O.amin(self)
    return _extreme_dim(self, dim, keepdim, largest)


@r_api
def _extreme_dim(self: Tensor, dim: Dim, keepdim: bool, largest: bool) -> ValuesIndices1:
    return O.max_dim(self, dim, keepdim, largest)


def torch_max(self: Tensor, dim: Any = None, other: Any = None, keepdim: bool = False) -> Any:
    """The maximum; with ``dim`` a list of values and 1-based indices; with ``other`` the elementwise max."""
    return _extreme(self, dim, other, keepdim, True)


def torch_min(self: Tensor, dim: Any = None, other: Any = None, keepdim: bool = False) -> Any:
    """The minimum; with ``dim`` a list of values and 1-based indices; with ``other`` the elementwise min."""
    return _extreme(self, dim, other, keepdim, False)


@r_api
def torch_amax(self: Tensor, dim: Dims | None = None, keepdim: bool = False) -> Tensor:
    """Maximum over ``dim`` (all dims when NULL); ties share the gradient."""
    return O.amax(self, tuple(range(self.ndim)) if dim is None else dim, keepdim)


@r_api
def torch_amin(self: Tensor, dim: Dims | None = None, keepdim: bool = False) -> Tensor:
    """Minimum over ``dim`` (all dims when NULL); ties share the gradient."""
    return O.amin(self, tuple(range(self.ndim)) if dim is None else dim, keepdim)


@r_api
def torch_argmax(self: Tensor, dim: Dim | None = None, keepdim: bool = False) -> Indices1:
    """1-based index of the maximum (of the flattened tensor without ``dim``)."""
    return O.argmax(self, dim, keepdim)


@r_api
def torch_argmin(self: Tensor, dim: Dim | None = None, keepdim: bool = False) -> Indices1:
    """1-based index of the minimum (of the flattened tensor without ``dim``)."""
    return O.argmax(self, dim, keepdim, largest=False)


def _correction(unbiased: Any, correction: Any) -> float:
    if correction is not None:
        return float(correction)
    return 1.0 if unbiased in (None, True) else 0.0


@r_api
def torch_var(self: Tensor, dim: Dims | None = None, unbiased: bool = True, keepdim: bool = False,
              correction: Any = None) -> Tensor:
    """Variance (unbiased by default)."""
    return O.var(self, dim, _correction(unbiased, correction), keepdim)


@r_api
def torch_std(self: Tensor, dim: Dims | None = None, unbiased: bool = True, keepdim: bool = False,
              correction: Any = None) -> Tensor:
    """Standard deviation (unbiased by default)."""
    return O.std(self, dim, _correction(unbiased, correction), keepdim)


def torch_var_mean(self: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False) -> list:
    """``list(variance, mean)`` over ``dim`` (unbiased variance by default)."""
    return [torch_var(self, dim, unbiased, keepdim), torch_mean(self, dim, keepdim)]


def torch_std_mean(self: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False) -> list:
    """``list(standard deviation, mean)`` over ``dim`` (unbiased by default)."""
    return [torch_std(self, dim, unbiased, keepdim), torch_mean(self, dim, keepdim)]


def torch_norm(self: Tensor, p: Any = 2, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """The p-norm (``p = Inf`` the max norm), over ``dim`` (1-based) or all elements; libtorch's norm takes
    no named dims.

    Example:
        >>> torch_norm(torch_tensor([3.0, 4.0])).item()
        5.0
    """
    reject_names("torch_norm", "norm.names_ScalarOpt_dim", dim)
    return _norm(self, p, dim, keepdim, dtype)


@r_api
def _norm(self: Tensor, p: Any = 2, dim: Dims | None = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    if isinstance(p, str):
        if p != "fro":
            raise ValueError(f"torch_norm: p must be a number or 'fro', got {p!r}")
        p = 2
    x = _cast(self, dtype)
    return O.norm(x, float(p), dim, keepdim)


def torch_dist(self: Tensor, other: Tensor, p: Any = 2) -> Tensor:
    """The p-norm of ``self - other``."""
    return torch_norm(O.sub(self, other), p)


@r_api
def torch_logsumexp(self: Tensor, dim: Dims, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(self)))`` over ``dim``, computed without overflow."""
    return O.logsumexp(self, dim, keepdim)


@r_api
def torch_cumsum(self: Tensor, dim: Dim, dtype: Dtype | None = None) -> Tensor:
    """Cumulative sum along a (1-based) ``dim``.

    Example:
        >>> torch_cumsum(torch_tensor([1, 2, 3]), dim = 1)
        torch_tensor
         1
         3
         6
        [ CPULongType{3} ]
    """
    return O.cumsum(_cast(self, dtype), dim)


@r_api
def torch_cumprod(self: Tensor, dim: Dim, dtype: Dtype | None = None) -> Tensor:
    """Cumulative product along a (1-based) ``dim``."""
    return O.cumprod(_cast(self, dtype), dim)


@r_api
def torch_all(self: Tensor, dim: Dim | None = None, keepdim: bool = False) -> Tensor:
    """Whether all elements (along ``dim``) are non-zero: bool (uint8 for uint8 input, as libtorch)."""
    out = np.asarray(np.all(self._data, axis=dim, keepdims=keepdim))
    return _wrap(out.astype(np.uint8) if self._data.dtype == np.uint8 else out)


@r_api
def torch_any(self: Tensor, dim: Dim | None = None, keepdim: bool = False) -> Tensor:
    """Whether any element (along ``dim``) is non-zero: bool (uint8 for uint8 input, as libtorch)."""
    out = np.asarray(np.any(self._data, axis=dim, keepdims=keepdim))
    return _wrap(out.astype(np.uint8) if self._data.dtype == np.uint8 else out)


@r_api
def torch_count_nonzero(self: Tensor, dim: Dims | None = None) -> Tensor:
    """Number of non-zero elements (over ``dim`` when given), a long tensor."""
    return _wrap(np.asarray(np.count_nonzero(self._data, axis=dim), dtype=np.int64))


@r_api
def torch_softmax(self: Tensor, dim: Dim, dtype: Dtype | None = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along a (1-based) ``dim``, computed stably."""
    return O.softmax(_cast(self, dtype), dim)


@r_api
def torch_log_softmax(self: Tensor, dim: Dim, dtype: Dtype | None = None) -> Tensor:
    """``log(softmax(x))`` along a (1-based) ``dim``, computed stably."""
    return O.log_softmax(_cast(self, dtype), dim)


# -- linear algebra --------------------------------------------------------------------------------------------

def torch_matmul(self: Tensor, other: Tensor) -> Tensor:
    """Matrix product with numpy/torch broadcasting of batch dims.

    Example:
        >>> torch_matmul(torch_ones(2, 3), torch_ones(3)).shape
        (2,)
    """
    return O.matmul(self, other)


def torch_mm(self: Tensor, mat2: Tensor) -> Tensor:
    """Product of two matrices."""
    if self.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"torch_mm: self must be a matrix and mat2 must be a matrix, got {self.ndim}-d "
                           f"and {mat2.ndim}-d tensors")
    return O.matmul(self, mat2, "MmBackward0")


def torch_bmm(self: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of (b, n, m) and (b, m, p) tensors."""
    if self.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor (got {self.ndim}-d) and batch2 too (got {mat2.ndim}-d)")
    if self.shape[0] != mat2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {self.shape[0]} and "
                           f"{mat2.shape[0]}")
    return O.matmul(self, mat2, "BmmBackward0")


def torch_mv(self: Tensor, vec: Tensor) -> Tensor:
    """Product of a matrix and a vector."""
    if self.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"torch_mv: expected a matrix and a vector, got {self.ndim}-d and {vec.ndim}-d tensors")
    return O.matmul(self, vec, "MvBackward0")


def torch_dot(self: Tensor, tensor: Tensor) -> Tensor:
    """Inner product of two vectors of the same length (a 0-d tensor)."""
    if self.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {tensor.ndim}D tensors")
    if self.shape != tensor.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{self.shape[0]}] and src "
                           f"[{tensor.shape[0]}] to have the same number of elements, but got {self.shape[0]} "
                           f"and {tensor.shape[0]} elements respectively")
    return O.matmul(self, tensor, "DotBackward0")


def torch_outer(self: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors (a matrix)."""
    for name, v in (("self", self), ("vec2", vec2)):
        if _t(v, "torch_outer", name).ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return O.mul(O.unsqueeze(self, 1), O.unsqueeze(vec2, 0))


torch_ger = torch_outer


def torch_t(self: Tensor) -> Tensor:
    """Transpose of a matrix (a view); vectors and scalars are returned as they are."""
    return O.t(self)


def torch_einsum(equation: str, tensors: Sequence[Tensor]) -> Tensor:
    """Einstein summation, e.g. ``torch_einsum("ij,jk->ik", list(a, b))``."""
    return O.einsum(equation, *tensors)


def torch_addmm(self: Tensor, mat1: Tensor, mat2: Tensor, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * self + alpha * (mat1 %*% mat2)``."""
    return O.addmm(self, mat1, mat2, beta, alpha)


# -- shape ---------------------------------------------------------------------------------------------------------

def _shape_from(size: Sequence[Any], fn: str, numel: int) -> tuple[int, ...]:
    """Sizes with at most one -1 (inferred), as reshape/view take them."""
    if len(size) == 1 and isinstance(size[0], (list, tuple, np.ndarray, Tensor)):
        size = list(np.asarray(size[0]._data if isinstance(size[0], Tensor) else size[0]).reshape(-1))
    return tuple(to_int(s, f"{fn}: shape") for s in size)


def torch_reshape(self: Tensor, shape: Any) -> Tensor:
    """The elements in a new shape (one size may be -1, inferred); a view when possible.

    Example:
        >>> torch_reshape(torch_arange(1, 6), [2, -1]).shape
        (2, 3)
    """
    return O.reshape(self, _shape_from((shape,), "reshape", self._data.size))


@r_api
def torch_squeeze(self: Tensor, dim: Dim | None = None) -> Tensor:
    """Size-1 dims removed (all of them, or only the (1-based) ``dim``)."""
    return O.squeeze(self, dim)


@r_api
def torch_unsqueeze(self: Tensor, dim: DimNew) -> Tensor:
    """A size-1 dim inserted at (1-based) position ``dim``; a view."""
    return O.unsqueeze(self, dim)


@r_api
def torch_flatten(self: Tensor, start_dim: Dim = 1, end_dim: Dim = -1) -> Tensor:
    """Dims ``start_dim`` to ``end_dim`` (1-based, inclusive) merged into one."""
    if self.ndim == 0:
        return O.reshape(self, (1,))
    return O.flatten(self, start_dim, end_dim)


@r_api
def torch_unflatten(self: Tensor, dim: Dim, sizes: Any) -> Tensor:
    """``dim`` (1-based) split into ``sizes`` (one may be -1).

    Example:
        >>> torch_unflatten(torch_ones(2, 6), 2, [2, 3]).shape
        (2, 2, 3)
    """
    seq = sizes._data.tolist() if isinstance(sizes, Tensor) else sizes
    return O.unflatten(self, dim, [to_int(s, "sizes") for s in seq])


@r_api
def torch_permute(self: Tensor, dims: DimOrder, *more: DimOrder) -> Tensor:
    """The dims reordered (1-based ``dims``, a view): one vector as R torch (``c(2, 1)``), or from Python also
    separate numbers as PyTorch (``x.permute(2, 1)``).

    Example:
        >>> x = torch_zeros(2, 3)
        >>> x.permute(2, 1).shape, torch_permute(x, [2, 1]).shape
        ((3, 2), (3, 2))
    """
    d = (() if dims is None else dims) + more
    if len(d) == self.ndim and len(set(d)) != len(d):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    if sorted(d) != list(range(self.ndim)):
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {self.ndim} is not "
                           f"equal to len(dims) = {len(d)}")
    return O.permute(self, d)


@r_api
def torch_transpose(self: Tensor, dim0: Dim, dim1: Dim) -> Tensor:
    """Swap two (1-based) dims; a view."""
    return O.transpose(self, dim0, dim1)


def torch_movedim(self: Tensor, source: Any, destination: Any) -> Tensor:
    """Dims moved from ``source`` to ``destination`` positions (1-based); a view."""
    for d in (source, destination):
        if np.any(np.asarray(d._data if isinstance(d, Tensor) else d) == 0):
            raise ValueError("Dimension is 1-based, but found 0.")  # R torch's own check (a value_error)
    return _movedim(self, source, destination)


@r_api
def _movedim(self: Tensor, source: Dims, destination: Dims) -> Tensor:
    src, dst = source, destination
    order = [d for d in range(self.ndim) if d not in src]
    for s_, d_ in sorted(zip(dst, src)):
        order.insert(s_, d_)
    return O.permute(self, order)


def torch_cat(tensors: Sequence[Tensor], dim: Any = 1) -> Tensor:
    """Concatenate along an existing dim (1-based, or its name for named tensors); the result keeps the
    inputs' dim names when they agree.

    Example:
        >>> torch_cat([torch_ones(2, 3), torch_zeros(2, 1)], dim = 2).shape
        (2, 4)
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch_cat(): expected a non-empty list of Tensors")
    # R arrays in the list are converted as torch_tensor() would, as R torch's TensorList argument does
    tensors = [_t(t, "torch_cat", f"tensors[[{i}]]") for i, t in enumerate(tensors, 1)]
    names = common_names(tensors, "torch_cat")
    out = _cat(tensors, dim)
    if names is not None:
        out._names = names
    return out


@r_api
def _cat(tensors: list[Tensor], dim: Dim) -> Tensor:
    return O.cat(tensors, dim)


torch_concat = torch_cat


def torch_stack(tensors: Sequence[Tensor], dim: Any = 1) -> Tensor:
    """Tensors of one shape joined along a new (1-based) ``dim``.

    Example:
        >>> torch_stack([torch_ones(2), torch_zeros(2)]).shape
        (2, 2)
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    return _stack([_t(t, "torch_stack", f"tensors[[{i}]]") for i, t in enumerate(tensors, 1)], dim)


@r_api
def _stack(tensors: list[Tensor], dim: DimNew) -> Tensor:
    return O.stack(tensors, dim)


def torch_hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Tensors concatenated column-wise (along dim 1 for vectors, dim 2 otherwise)."""
    return torch_cat(tensors, 1 if tensors[0].ndim == 1 else 2)


def torch_vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Tensors concatenated row-wise (vectors become rows)."""
    return torch_cat([t if t.ndim > 1 else O.unsqueeze(t, 0) for t in tensors], 1)


@r_api
def torch_select(self: Tensor, dim: Dim, index: Pos1) -> Tensor:
    """The slice at 1-based ``index`` along ``dim`` (that dim removed); a negative index counts from the end.

    Example:
        >>> torch_select(torch_tensor([[1, 2], [3, 4]]), 1, 2)
        torch_tensor
         3
         4
        [ CPULongType{2} ]
    """
    return O.select(self, dim, index)


@r_api
def torch_narrow(self: Tensor, dim: Dim, start: Pos1, length: Int) -> Tensor:
    """``length`` elements along ``dim`` from ``start`` (1-based)."""
    return O.narrow(self, dim, start, length)


@r_api
def torch_split(self: Tensor, split_size: Any, dim: Dim = 1) -> list[Tensor]:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given sizes."""
    if isinstance(split_size, (list, tuple, np.ndarray)):
        return O.split_with_sizes(self, dim, [to_int(s, "split_size") for s in split_size])
    return O.split_size(self, dim, to_int(split_size, "split_size"))


@r_api
def torch_chunk(self: Tensor, chunks: Int, dim: Dim = 1) -> list[Tensor]:
    """``chunks`` (nearly) equal pieces along ``dim``; the last may be smaller."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    return O.split_size(self, dim, max(-(-self.shape[dim] // chunks), 1))


@r_api
def torch_unbind(self: Tensor, dim: Dim = 1) -> list[Tensor]:
    """The slices along ``dim`` (1-based), each without that dim."""
    return [O.index(self, (slice(None),) * dim + (i,)) for i in range(self.shape[dim])]


@r_api
def torch_flip(self: Tensor, dims: Dims) -> Tensor:
    """Elements in reverse order along the (1-based) ``dims``."""
    return O.flip(self, () if dims is None else dims)


@r_api
def torch_roll(self: Tensor, shifts: Any, dims: Dims | None = None) -> Tensor:
    """Elements shifted circularly by ``shifts`` along ``dims`` (of the flattened tensor without dims)."""
    sh = [to_int(s) for s in (shifts if isinstance(shifts, (list, tuple)) else [shifts])]
    if dims is None:
        return O.reshape(O.roll(O.reshape(self, (-1,)), sh, (0,)), self.shape)
    return O.roll(self, sh, dims)


def torch_tril(self: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below diagonal ``diagonal``); the rest zero."""
    return O.tril(self, to_int(diagonal))


def torch_triu(self: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above diagonal ``diagonal``); the rest zero."""
    return O.triu(self, to_int(diagonal))


@r_api
def torch_diagonal(self: Tensor, offset: Int = 0, dim1: Dim = 1, dim2: Dim = 2) -> Tensor:
    """The diagonal at ``offset`` of the (1-based) dims ``dim1`` and ``dim2``; a view."""
    return O.diagonal(self, offset, dim1, dim2)


def torch_diag(self: Tensor, diagonal: int = 0) -> Tensor:
    """A vector's diagonal matrix, or a matrix's diagonal (at ``diagonal``)."""
    if self.ndim == 1:
        n = self.shape[0] + abs(diagonal)
        z = O.Tensor._wrap(np.zeros((n, n), dtype=self._data.dtype))
        mask = O.Tensor._wrap(np.eye(n, k=diagonal, dtype=bool))
        return O.index_put(z, mask, self)
    return torch_diagonal(self, diagonal)


def torch_trace(self: Tensor) -> Tensor:
    """Sum of the main diagonal of a matrix."""
    return O.sum(O.diagonal(self))


def torch_broadcast_tensors(tensors: Sequence[Tensor]) -> list[Tensor]:
    """The tensors expanded to their common broadcast shape (views)."""
    shape = np.broadcast_shapes(*[t.shape for t in tensors])
    return [O.expand(t, shape) for t in tensors]


# -- indexing (1-based index tensors) ----------------------------------------------------------------------------

@r_api
def torch_gather(self: Tensor, dim: Dim, index: Index1, sparse_grad: bool = False) -> Tensor:
    """Values along ``dim`` at the 1-based positions in ``index``."""
    return O.gather(self, dim, index)


@r_api
def torch_scatter(self: Tensor, dim: Dim, index: Index1, src: Any = None, value: Any = None,
                  reduce: str | None = None) -> Tensor:
    """A copy of ``self`` with ``src`` (or ``value``) written at the 1-based ``index`` along ``dim``."""
    s = src if src is not None else value
    if s is None:
        raise ValueError("torch_scatter: one of src or value is required")
    return O.scatter(self, dim, index, s, reduce)


@r_api
def torch_scatter_add(self: Tensor, dim: Dim, index: Index1, src: Tensor) -> Tensor:
    """A copy of ``self`` with ``src`` added at the 1-based ``index`` along ``dim``."""
    return O.scatter(self, dim, index, src, "add")


@r_api
def torch_index_select(self: Tensor, dim: Dim, index: Index1) -> Tensor:
    """Slices along ``dim`` at the 1-based ``index`` (a vector)."""
    return O.index_select(self, dim, index)


def torch_masked_fill(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``self`` with ``value`` where ``mask`` is true."""
    return O.masked_fill(self, mask, value)


def torch_masked_select(self: Tensor, mask: Tensor) -> Tensor:
    """The elements where ``mask`` is true, as a vector."""
    return O.masked_select(self, mask)


def torch_nonzero(self: Tensor, as_list: bool = False) -> Any:
    """1-based coordinates of the non-zero elements (one row each), or one vector per dim."""
    nz = _nonzero(self)
    if as_list:
        return [O.index(nz, (slice(None), i)) for i in range(max(self.ndim, 1))]
    return nz


@r_api
def _nonzero(self: Tensor) -> Indices1:
    return O.nonzero(self)


@r_api
def torch_sort(self: Tensor, dim: Dim = -1, descending: bool = False, stable: bool = False) -> ValuesIndices1:
    """Sorted values and their 1-based indices along ``dim``."""
    return O.sort(self, dim, descending)


def torch_argsort(self: Tensor, dim: Any = -1, descending: bool = False) -> Tensor:
    """1-based indices that sort ``self`` along ``dim``."""
    return torch_sort(self, dim, descending)[1]


@r_api
def torch_topk(self: Tensor, k: Int, dim: Dim = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices1:  # noqa: A002
    """The ``k`` largest (smallest) values along ``dim`` and their 1-based indices."""
    return O.topk(self, k, dim, largest, sorted)


def torch_clone(self: Tensor, memory_format: Any = None) -> Tensor:
    """A copy with its own storage (differentiable); a parameter's copy stays marked as one, as R torch's
    clone keeps the tensor's attributes.

    Example:
        >>> is_nn_parameter(torch_clone(nn_parameter(torch_ones(1))))
        True
    """
    out = O.clone(self)
    out._is_param = self._is_param
    return out


def torch_cdist(x1: Tensor, x2: Tensor, p: float = 2) -> Tensor:
    """p-norm distances between the rows of ``x1`` (.., P, M) and ``x2`` (.., R, M): (.., P, R)."""
    diff = O.sub(O.unsqueeze(x1, -2), O.unsqueeze(x2, -3))
    return O.norm(diff, float(p), (-1,))


__all__ = [n for n in list(globals()) if n.startswith("torch_")]
