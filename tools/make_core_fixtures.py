"""Write tests/fixtures/core_*.json from PyTorch (the development-only oracle; the suite never imports torch).

Every case is an R-style call: the R function name (``torch_sum``), positional arguments and keyword arguments
exactly as a user of rtorch_py passes them (1-based ``dim``, 1-based index tensors, inclusive ranges). This
script knows, for each R function, how to compute the same thing with PyTorch (0-based), and records:

* the output values, dtype and shape (lists of outputs for ``torch_max(x, dim)``, ``torch_sort`` ...);
* ``grad_fn``: ``out.grad_fn.name()`` when the float inputs require grad, so our node names match libtorch's;
* ``grads``: the gradient of ``sum(out * cot)`` for each input marked ``grad`` (``cot`` is stored too);
* ``core_promotion.json``: torch's result dtype for binary ops over every pair of dtypes and scalar kinds;
* ``core_errors.json``: libtorch's error messages for the calls the core reproduces.

Run: ``.venv/bin/python tools/make_core_fixtures.py`` (deterministic; rerun after adding cases).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import torch
from _fixture_util import FIXTURES, NP, I, call_torch, spec

TORCH_DT = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "int64": torch.int64,
            "int32": torch.int32, "int16": torch.int16, "int8": torch.int8, "uint8": torch.uint8,
            "bool": torch.bool}
DT_NAME = {v: k for k, v in TORCH_DT.items()}

_rng = np.random.default_rng(20240601)


# -- inputs ----------------------------------------------------------------------------------------------------

def T(shape: tuple, dtype: str = "float32", kind: str = "normal", grad: bool | None = None) -> dict:  # noqa: N802
    """A tensor input: random values of a kind; float inputs require grad unless ``grad=False``."""
    n = int(np.prod(shape)) if shape else 1
    if kind == "normal":
        v = _rng.standard_normal(n)
    elif kind == "pos":
        v = _rng.uniform(0.5, 2.5, n)
    elif kind == "unit":
        v = _rng.uniform(-0.9, 0.9, n)
    elif kind == "nonzero":
        v = _rng.uniform(0.5, 2.0, n) * _rng.choice([-1, 1], n)
    elif kind == "int":
        v = _rng.integers(-5, 6, n)
    elif kind == "posint":
        v = _rng.integers(1, 6, n)
    elif kind == "bool":
        v = _rng.integers(0, 2, n).astype(bool)
    elif kind == "halves":  # exercises round-half-even and ties
        v = _rng.choice([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.3, -0.7], n)
    elif kind == "special":
        v = np.resize(np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -2.0]), n)
    elif kind == "ties":
        v = _rng.integers(0, 3, n).astype(float)
    elif kind == "distinct":
        v = _rng.permutation(n).astype(float) + _rng.uniform(-0.2, 0.2, n)
    else:
        raise ValueError(kind)
    arr = np.asarray(v).astype(NP[dtype]).reshape(shape)
    if grad is None:
        grad = dtype.startswith("float") and dtype != "float16"
    return spec(arr, dtype, grad)


def TL(*specs: dict) -> dict:  # noqa: N802
    return {"tl": list(specs)}


def encode_out(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        arr = x.detach().numpy()
        vals = arr.astype(np.float64).tolist() if arr.dtype.kind == "f" else arr.tolist()
        return {"t": vals, "dtype": DT_NAME[x.dtype], "shape": list(x.shape)}
    if isinstance(x, (list, tuple)):
        return [encode_out(v) for v in x]
    return x


# -- R semantics computed with torch ---------------------------------------------------------------------------

def d0(dim: Any) -> Any:
    """1-based R dim(s) -> 0-based torch dim(s); negative dims are the same in both."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        return [d0(d) for d in dim]
    return dim - 1 if dim > 0 else dim


def _reduce(fn: Any) -> Any:
    def op(self, dim=None, keepdim=False, dtype=None):  # noqa: ANN001, ANN202
        kw = {} if dtype is None else {"dtype": TORCH_DT[dtype]}
        if dim is None:
            return fn(self, **kw)
        return fn(self, d0(dim), keepdim=keepdim, **kw)

    return op


def _extreme(fn: Any) -> Any:
    def op(self, dim=None, other=None, keepdim=False):  # noqa: ANN001, ANN202
        if other is not None:
            return torch.maximum(self, other) if fn is torch.max else torch.minimum(self, other)
        if dim is None:
            return fn(self)
        v, i = fn(self, d0(dim), keepdim=keepdim)
        return [v, i + 1]

    return op


def _argext(fn: Any) -> Any:
    def op(self, dim=None, keepdim=False):  # noqa: ANN001, ANN202
        return (fn(self) if dim is None else fn(self, d0(dim), keepdim=keepdim)) + 1

    return op


def _spread(fn: Any) -> Any:
    def op(self, dim=None, unbiased=True, keepdim=False, correction=None):  # noqa: ANN001, ANN202
        corr = (1 if unbiased else 0) if correction is None else correction
        return fn(self, dim=d0(dim), correction=corr, keepdim=keepdim)

    return op


def _norm(self, p=2, dim=None, keepdim=False, dtype=None):  # noqa: ANN001, ANN202
    # R torch calls aten::norm (NormBackward0/1), not linalg.vector_norm as torch.norm does in Python.
    if p == "fro":
        p = 2
    if dim is None:
        return torch.ops.aten.norm.Scalar(self, p)
    return torch.ops.aten.norm.ScalarOpt_dim(self, p, d0(dim) if isinstance(dim, list) else [d0(dim)], keepdim)


def _scatter(self, dim, index, src=None, value=None, reduce=None):  # noqa: ANN001, ANN202
    s = src if src is not None else value
    if reduce == "add" and isinstance(s, torch.Tensor):
        return torch.scatter_add(self, d0(dim), index - 1, s)
    return torch.scatter(self, d0(dim), index - 1, s) if reduce is None else \
        torch.scatter(self, d0(dim), index - 1, s, reduce=reduce)


def _split(self, split_size, dim=1):  # noqa: ANN001, ANN202
    return list(torch.split(self, split_size, d0(dim)))


def _narrow(self, dim, start, length):  # noqa: ANN001, ANN202
    n = self.shape[d0(dim)]
    return torch.narrow(self, d0(dim), start - 1 if start > 0 else start + n, length)


def _flatten(self, start_dim=1, end_dim=-1):  # noqa: ANN001, ANN202
    return torch.flatten(self, d0(start_dim), d0(end_dim))


def _sort(self, dim=-1, descending=False, stable=False):  # noqa: ANN001, ANN202
    v, i = torch.sort(self, dim=d0(dim), descending=descending)  # CPU sort is stable (R: SortBackward0)
    return [v, i + 1]


def _topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: ANN001, ANN202, A002
    v, i = torch.topk(self, k, d0(dim), largest, sorted)
    return [v, i + 1]


def _arange(start=0, end=None, step=1, dtype=None):  # noqa: ANN001, ANN202
    # R torch's arange includes `end`; numerically torch.arange over [start, end + step/2) gives the same
    # elements for the cases below (whole-number steps or steps that divide the range exactly).
    kw = {} if dtype is None else {"dtype": TORCH_DT[dtype]}
    if end is None:  # one bound: 0 up to, not including, it (R torch's test: length(torch_arange(10)) == 10)
        return torch.arange(start, **kw)
    if all(isinstance(v, int) for v in (start, end, step)) and dtype is None:
        return torch.arange(start, end + (1 if step > 0 else -1), step)
    return torch.arange(start, end + step / 2, step, **kw)


R = {
    # elementwise
    "torch_add": lambda self, other, alpha=1: torch.add(self, other, alpha=alpha),
    "torch_sub": lambda self, other, alpha=1: torch.sub(self, other, alpha=alpha),
    "torch_mul": torch.mul,
    # R torch calls the overload without rounding_mode / decimals when they are not given (DivBackward0).
    "torch_div": lambda self, other, rounding_mode=None: torch.div(self, other) if rounding_mode is None else
    torch.div(self, other, rounding_mode=rounding_mode),
    "torch_pow": torch.pow,
    "torch_fmod": torch.fmod,
    "torch_remainder": torch.remainder,
    "torch_maximum": torch.maximum,
    "torch_minimum": torch.minimum,
    "torch_where": torch.where,
    "torch_lerp": torch.lerp,
    "torch_clamp": lambda self, min=None, max=None: torch.clamp(self, min, max),  # noqa: A006
    "torch_square": torch.square,
    "torch_round": lambda self, decimals=0: torch.round(self, decimals=decimals) if decimals else torch.round(self),
    "torch_addcmul": lambda self, tensor1, tensor2, value=1: torch.addcmul(self, tensor1, tensor2, value=value),
    "torch_addcdiv": lambda self, tensor1, tensor2, value=1: torch.addcdiv(self, tensor1, tensor2, value=value),
    "torch_atan2": torch.atan2,
    # comparison and logic
    "torch_eq": torch.eq, "torch_ne": torch.ne, "torch_lt": torch.lt, "torch_le": torch.le,
    "torch_gt": torch.gt, "torch_ge": torch.ge, "torch_isnan": torch.isnan, "torch_isinf": torch.isinf,
    "torch_isfinite": torch.isfinite,
    "torch_logical_and": torch.logical_and, "torch_logical_or": torch.logical_or,
    "torch_logical_xor": torch.logical_xor, "torch_logical_not": torch.logical_not,
    "torch_allclose": lambda self, other, rtol=1e-05, atol=1e-08, equal_nan=False: torch.allclose(
        self, other, rtol, atol, equal_nan),
    "torch_equal": torch.equal,
    # reductions
    "torch_sum": _reduce(torch.sum),
    "torch_mean": _reduce(torch.mean),
    "torch_prod": _reduce(torch.prod),
    "torch_max": _extreme(torch.max),
    "torch_min": _extreme(torch.min),
    "torch_amax": lambda self, dim=None, keepdim=False: torch.amax(self, d0(dim) if dim is not None else [],
                                                                   keepdim),
    "torch_argmax": _argext(torch.argmax),
    "torch_argmin": _argext(torch.argmin),
    "torch_var": _spread(torch.var),
    "torch_std": _spread(torch.std),
    "torch_norm": _norm,
    "torch_logsumexp": lambda self, dim, keepdim=False: torch.logsumexp(self, d0(dim), keepdim),
    "torch_cumsum": lambda self, dim: torch.cumsum(self, d0(dim)),
    "torch_cumprod": lambda self, dim: torch.cumprod(self, d0(dim)),
    "torch_all": lambda self, dim=None, keepdim=False: torch.all(self) if dim is None else
    torch.all(self, d0(dim), keepdim),
    "torch_any": lambda self, dim=None, keepdim=False: torch.any(self) if dim is None else
    torch.any(self, d0(dim), keepdim),
    "torch_softmax": lambda self, dim: torch.softmax(self, d0(dim)),
    "torch_log_softmax": lambda self, dim: torch.log_softmax(self, d0(dim)),
    # linear algebra
    "torch_matmul": torch.matmul, "torch_mm": torch.mm, "torch_bmm": torch.bmm, "torch_mv": torch.mv,
    "torch_dot": torch.dot, "torch_outer": torch.outer, "torch_t": torch.t,
    "torch_einsum": lambda equation, tensors: torch.einsum(equation, *tensors),
    "torch_addmm": lambda self, mat1, mat2, beta=1, alpha=1: torch.addmm(self, mat1, mat2, beta=beta,
                                                                        alpha=alpha),
    # shape
    "torch_reshape": lambda self, shape: torch.reshape(self, shape),
    "torch_squeeze": lambda self, dim=None: torch.squeeze(self) if dim is None else torch.squeeze(self, d0(dim)),
    "torch_unsqueeze": lambda self, dim: torch.unsqueeze(self, d0(dim)),
    "torch_flatten": _flatten,
    "torch_permute": lambda self, dims: torch.permute(self, d0(dims)),
    "torch_transpose": lambda self, dim0, dim1: torch.transpose(self, d0(dim0), d0(dim1)),
    "torch_cat": lambda tensors, dim=1: torch.cat(tensors, d0(dim)),
    "torch_stack": lambda tensors, dim=1: torch.stack(tensors, d0(dim)),
    "torch_split": _split,
    "torch_chunk": lambda self, chunks, dim=1: list(torch.chunk(self, chunks, d0(dim))),
    "torch_narrow": _narrow,
    "torch_flip": lambda self, dims: torch.flip(self, d0(dims) if isinstance(dims, list) else [d0(dims)]),
    "torch_roll": lambda self, shifts, dims=None: torch.roll(self, shifts, d0(dims)),
    "torch_tril": lambda self, diagonal=0: torch.tril(self, diagonal),
    "torch_triu": lambda self, diagonal=0: torch.triu(self, diagonal),
    "method_expand": lambda self, *size: self.expand(*size),
    "method_repeat": lambda self, *size: self.repeat(*size),
    "method_view": lambda self, *size: self.view(*size),
    # indexing (1-based index tensors in, 1-based indices out)
    "torch_gather": lambda self, dim, index: torch.gather(self, d0(dim), index - 1),
    "torch_scatter": _scatter,
    "torch_scatter_add": lambda self, dim, index, src: torch.scatter_add(self, d0(dim), index - 1, src),
    "torch_index_select": lambda self, dim, index: torch.index_select(self, d0(dim), index - 1),
    "torch_masked_fill": torch.masked_fill,
    "torch_masked_select": torch.masked_select,
    "torch_nonzero": lambda self: torch.nonzero(self) + 1,
    "torch_sort": _sort,
    "torch_topk": _topk,
    # creation (deterministic ones)
    "torch_arange": _arange,
    "torch_linspace": lambda start, end, steps=100, dtype=None: torch.linspace(
        start, end, steps, dtype=TORCH_DT[dtype] if dtype else None),
    "torch_logspace": lambda start, end, steps=100, base=10.0, dtype=None: torch.logspace(
        start, end, steps, base, dtype=TORCH_DT[dtype] if dtype else None),
    "torch_eye": lambda n, m=None, dtype=None: torch.eye(n, n if m is None else m,
                                                        dtype=TORCH_DT[dtype] if dtype else None),
}
UNARY = ["abs", "neg", "exp", "log", "log1p", "log2", "log10", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan",
         "tanh", "sigmoid", "relu", "sign", "floor", "ceil", "trunc", "reciprocal", "asin", "acos", "atan",
         "sinh", "cosh", "erf"]
for _u in UNARY:
    R[f"torch_{_u}"] = getattr(torch, _u)
OPERATORS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
             "**": lambda a, b: a ** b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
             "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
             ">=": lambda a, b: a >= b, "&": lambda a, b: a & b, "|": lambda a, b: a | b,
             "^": lambda a, b: a ^ b, "%": lambda a, b: a % b, "//": lambda a, b: a // b,
             "neg": lambda a: -a, "~": lambda a: ~a, "@": lambda a, b: a @ b}
for _k, _f in OPERATORS.items():
    R[f"op{_k}"] = _f


# -- the cases --------------------------------------------------------------------------------------------------

CASES: list[tuple[str, str, list, dict]] = []


def case(cid: str, fn: str, *args: Any, **kwargs: Any) -> None:
    CASES.append((cid, fn, list(args), kwargs))


BINARY_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((4, 1, 3), (2, 1)),
                 ((2, 3), ())]
for fn, kind_b in [("torch_add", "normal"), ("torch_sub", "normal"), ("torch_mul", "normal"),
                   ("torch_div", "nonzero"), ("torch_maximum", "normal"), ("torch_minimum", "normal"),
                   ("torch_atan2", "nonzero")]:
    for sa, sb in BINARY_SHAPES:
        case(f"{fn}/{sa}-{sb}", fn, T(sa), T(sb, kind=kind_b))
    case(f"{fn}/f64", fn, T((2, 3), "float64"), T((3,), "float64", kind_b))
    if fn != "torch_atan2":
        case(f"{fn}/int", fn, T((2, 3), "int64", "int"), T((3,), "int64", "posint"))
    case(f"{fn}/int+float", fn, T((2, 3), "int64", "int"), T((3,), kind=kind_b))
for fn in ["torch_add", "torch_sub", "torch_mul", "torch_div"]:
    case(f"{fn}/scalar-float", fn, T((2, 3)), 2.5)
    case(f"{fn}/scalar-int", fn, T((2, 3)), 3)
    case(f"{fn}/int-scalar-float", fn, T((2, 3), "int64", "int"), 2.5)
    case(f"{fn}/int-scalar-int", fn, T((2, 3), "int64", "int"), 2)
    case(f"{fn}/f64-0d-f32", fn, T((2, 3), "float64"), T((), "float32", "nonzero"))
    case(f"{fn}/f32-0d-f64", fn, T((2, 3), "float32"), T((), "float64", "nonzero"))
    case(f"{fn}/int32-int64", fn, T((2, 3), "int32", "posint"), T((3,), "int64", "posint"))
    case(f"{fn}/uint8-int8", fn, T((4,), "uint8", "posint"), T((4,), "int8", "posint"))
case("torch_add/alpha", "torch_add", T((2, 3)), T((2, 3)), alpha=2.5)
case("torch_sub/alpha", "torch_sub", T((2, 3)), T((3,)), alpha=-2)
case("torch_add/bool", "torch_add", T((4,), "bool", "bool"), T((4,), "bool", "bool"))
case("torch_mul/bool-float", "torch_mul", T((4,), "bool", "bool"), T((4,)))
for mode in ["trunc", "floor"]:
    case(f"torch_div/{mode}", "torch_div", T((2, 3)), T((3,), kind="nonzero"), rounding_mode=mode)
    case(f"torch_div/{mode}-int", "torch_div", T((2, 4), "int64", "int"), I([3, -2, 4, -3]), rounding_mode=mode)
for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3))]:
    case(f"torch_pow/{sa}-{sb}", "torch_pow", T(sa, kind="pos"), T(sb))
case("torch_pow/scalar", "torch_pow", T((2, 3)), 3)
case("torch_pow/scalar-float", "torch_pow", T((2, 3), kind="pos"), 0.5)
case("torch_pow/scalar-neg", "torch_pow", T((2, 3), kind="pos"), -1.5)
case("torch_pow/scalar-base", "torch_pow", 2.0, T((2, 3)))
case("torch_pow/int", "torch_pow", T((2, 3), "int64", "int"), 2)
case("torch_pow/f64", "torch_pow", T((2, 3), "float64", "pos"), T((2, 3), "float64"))
case("torch_pow/int-tensor", "torch_pow", T((5,), "int64", "int"), I([0, 1, 2, 3, 2]))
for fn in ["torch_fmod", "torch_remainder"]:
    case(f"{fn}/t", fn, T((2, 3), kind="normal"), T((3,), kind="nonzero"))
    case(f"{fn}/scalar", fn, T((2, 3), kind="normal"), 1.5)
    case(f"{fn}/scalar-neg", fn, T((2, 3), kind="normal"), -0.7)
    case(f"{fn}/int", fn, T((2, 4), "int64", "int"), I([3, -2, 4, -3]))
    case(f"{fn}/f64", fn, T((2, 3), "float64"), T((2, 3), "float64", "nonzero"))
case("torch_where/t", "torch_where", T((2, 3), "bool", "bool"), T((2, 3)), T((2, 3)))
case("torch_where/bcast", "torch_where", T((2, 1), "bool", "bool"), T((3,)), T((2, 3)))
case("torch_where/scalar", "torch_where", T((2, 3), "bool", "bool"), T((2, 3)), 0.0)
case("torch_where/mixed", "torch_where", T((2, 3), "bool", "bool"), T((2, 3), "int64", "int"), T((2, 3)))
case("torch_lerp/scalar", "torch_lerp", T((2, 3)), T((2, 3)), 0.3)
case("torch_lerp/tensor", "torch_lerp", T((2, 3)), T((3,)), T((2, 3), kind="unit"))
case("torch_lerp/f64", "torch_lerp", T((4,), "float64"), T((4,), "float64"), 0.75)
for lo, hi in [(-0.5, 0.5), (None, 0.2), (-0.1, None)]:
    case(f"torch_clamp/{lo}-{hi}", "torch_clamp", T((3, 4)), min=lo, max=hi)
case("torch_clamp/int", "torch_clamp", T((6,), "int64", "int"), min=-2, max=3)
case("torch_clamp/int-float", "torch_clamp", T((6,), "int64", "int"), min=-2.5)
case("torch_clamp/f64", "torch_clamp", T((6,), "float64"), min=-0.5, max=0.5)
case("torch_clamp/tensor", "torch_clamp", T((2, 3)), min=T((3,), grad=False), max=T((2, 3), "float32", "pos",
                                                                                     grad=False))
case("torch_square/f", "torch_square", T((2, 3)))
case("torch_square/int", "torch_square", T((2, 3), "int64", "int"))
case("torch_round/decimals", "torch_round", T((2, 3), "float64"), decimals=2)
case("torch_addcmul/t", "torch_addcmul", T((2, 3)), T((2, 3)), T((3,)), value=0.5)
case("torch_addcdiv/t", "torch_addcdiv", T((2, 3)), T((2, 3)), T((3,), kind="nonzero"), value=-2)
case("torch_addcmul/default", "torch_addcmul", T((3,), "float64"), T((3,), "float64"), T((3,), "float64"))

UNARY_KIND = {"log": "pos", "log1p": "pos", "log2": "pos", "log10": "pos", "sqrt": "pos", "rsqrt": "pos",
              "reciprocal": "nonzero", "asin": "unit", "acos": "unit", "tan": "unit"}
for u in UNARY:
    k = UNARY_KIND.get(u, "normal")
    fn = f"torch_{u}"
    case(f"{fn}/5", fn, T((5,), kind=k))
    case(f"{fn}/2x3", fn, T((2, 3), kind=k))
    case(f"{fn}/0d", fn, T((), kind=k))
    case(f"{fn}/f64", fn, T((2, 2), "float64", k))
    if u not in ("asin", "acos", "erf"):
        case(f"{fn}/int", fn, T((5,), "int64", "posint" if k in ("pos", "nonzero") else "int"))
    case(f"{fn}/special", fn, T((7,), kind="special", grad=False))
for u in ["floor", "ceil", "trunc", "sign", "abs", "round"]:
    case(f"torch_{u}/halves", f"torch_{u}", T((8,), kind="halves"))

# comparisons / logic
for fn in ["torch_eq", "torch_ne", "torch_lt", "torch_le", "torch_gt", "torch_ge"]:
    case(f"{fn}/t", fn, T((2, 3), kind="ties"), T((3,), kind="ties"))
    case(f"{fn}/scalar", fn, T((2, 3), kind="ties"), 1)
    case(f"{fn}/int-float", fn, T((2, 3), "int64", "int"), T((2, 3), kind="ties"))
    case(f"{fn}/nan", fn, T((7,), kind="special"), T((7,), kind="special"))
for fn in ["torch_isnan", "torch_isinf", "torch_isfinite"]:
    case(f"{fn}/special", fn, T((7,), kind="special"))
    case(f"{fn}/int", fn, T((3,), "int64", "int"))
for fn in ["torch_logical_and", "torch_logical_or", "torch_logical_xor"]:
    case(f"{fn}/bool", fn, T((2, 3), "bool", "bool"), T((3,), "bool", "bool"))
    case(f"{fn}/float", fn, T((2, 3), kind="ties"), T((2, 3), kind="ties"))
case("torch_logical_not/bool", "torch_logical_not", T((5,), "bool", "bool"))
case("torch_logical_not/float", "torch_logical_not", T((5,), kind="ties"))
_a = T((2, 3), grad=False)
case("torch_allclose/same", "torch_allclose", _a, _a)
case("torch_allclose/diff", "torch_allclose", T((2, 3)), T((2, 3)))
case("torch_allclose/bcast", "torch_allclose", T((2, 3), kind="ties"), I([[0.0, 0.0, 0.0]], "float32"))
case("torch_allclose/tol", "torch_allclose", I([1.0, 2.0], "float32"), I([1.001, 2.0], "float32"), atol=0.01)
case("torch_allclose/nan", "torch_allclose", I([1.0, np.nan], "float64"), I([1.0, np.nan], "float64"),
     equal_nan=True)
case("torch_equal/same", "torch_equal", _a, _a)
case("torch_equal/diff", "torch_equal", T((2, 3)), T((2, 3)))
case("torch_equal/shape", "torch_equal", I([1.0, 2.0], "float32"), I([[1.0, 2.0]], "float32"))
for k in ["+", "-", "*", "/", "**", "==", "!=", "<", "<=", ">", ">="]:
    kb = "pos" if k == "**" else "nonzero"
    case(f"op{k}/tt", f"op{k}", T((2, 3), kind="pos" if k == "**" else "normal"), T((3,), kind=kb))
    case(f"op{k}/ts", f"op{k}", T((2, 3), kind="pos" if k == "**" else "normal"), 2.0)
    case(f"op{k}/st", f"op{k}", 2.0, T((2, 3), kind=kb))
    case(f"op{k}/int-s", f"op{k}", T((2, 3), "int64", "posint"), 2)
    case(f"op{k}/s-int", f"op{k}", 3, T((2, 3), "int64", "posint"))
for k in ["&", "|", "^"]:
    case(f"op{k}/bool", f"op{k}", T((2, 3), "bool", "bool"), T((3,), "bool", "bool"))
    case(f"op{k}/int", f"op{k}", T((2, 3), "int64", "int"), T((3,), "int64", "int"))
    case(f"op{k}/bool-s", f"op{k}", T((4,), "bool", "bool"), True)
for k in ["%", "//"]:
    case(f"op{k}/tt", f"op{k}", T((2, 3), kind="normal", grad=k == "%"), T((3,), kind="nonzero", grad=k == "%"))
    case(f"op{k}/int", f"op{k}", T((2, 4), "int64", "int"), I([3, -2, 4, -3]))
    case(f"op{k}/ts", f"op{k}", T((2, 3), kind="normal", grad=k == "%"), 0.7)
case("opneg/f", "opneg", T((2, 3)))
case("opneg/int", "opneg", T((2, 3), "int64", "int"))
case("op~/bool", "op~", T((5,), "bool", "bool"))
case("op~/int", "op~", T((5,), "int64", "int"))
case("op@/mm", "op@", T((2, 3)), T((3, 4)))
case("op@/mv", "op@", T((2, 3)), T((3,)))

# reductions
RED_SHAPES = [(5,), (3, 4), (2, 3, 4)]
for fn, kind in [("torch_sum", "normal"), ("torch_mean", "normal"), ("torch_prod", "nonzero"),
                 ("torch_logsumexp", "normal"), ("torch_var", "normal"), ("torch_std", "normal"),
                 ("torch_norm", "normal"), ("torch_amax", "distinct")]:
    for shp in RED_SHAPES:
        if fn != "torch_logsumexp":
            case(f"{fn}/{shp}", fn, T(shp, kind=kind))
        for dim in range(1, len(shp) + 1):
            for keep in (False, True):
                case(f"{fn}/{shp}/dim{dim}/keep{keep}", fn, T(shp, kind=kind), dim=dim, keepdim=keep)
        case(f"{fn}/{shp}/dim-1", fn, T(shp, kind=kind), dim=-1)
    if fn not in ("torch_prod",):
        case(f"{fn}/dims", fn, T((2, 3, 4), kind=kind), dim=[1, 3])
        case(f"{fn}/dims-keep", fn, T((2, 3, 4), kind=kind), dim=[2, 3], keepdim=True)
    if fn != "torch_logsumexp":
        case(f"{fn}/0d", fn, T((), kind=kind))
        case(f"{fn}/f64", fn, T((3, 4), "float64", kind), dim=2)
for fn in ["torch_sum", "torch_prod"]:
    case(f"{fn}/int", fn, T((3, 4), "int64", "int"))
    case(f"{fn}/int-dim", fn, T((3, 4), "int32", "int"), dim=1)
    case(f"{fn}/bool", fn, T((3, 4), "bool", "bool"))
    case(f"{fn}/dtype", fn, T((3, 4), "int64", "int"), dtype="float64")
case("torch_mean/dtype", "torch_mean", T((3, 4), "float32"), dtype="float64")
case("torch_sum/empty", "torch_sum", T((0, 3)))
case("torch_sum/empty-dim", "torch_sum", T((0, 3)), dim=1)
case("torch_prod/zeros", "torch_prod", I([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0], [2.0, 3.0, 4.0]], "float64") | {
    "grad": True}, dim=2)
case("torch_prod/zero-all", "torch_prod", I([1.0, 0.0, 2.0, 3.0], "float64") | {"grad": True})
case("torch_prod/zero-two", "torch_prod", I([1.0, 0.0, 2.0, 0.0], "float64") | {"grad": True})
for fn in ["torch_var", "torch_std"]:
    case(f"{fn}/biased", fn, T((3, 4)), unbiased=False)
    case(f"{fn}/biased-dim", fn, T((3, 4)), dim=2, unbiased=False, keepdim=True)
    case(f"{fn}/correction", fn, T((3, 4)), dim=1, correction=2)
    case(f"{fn}/one", fn, T((1, 3)), dim=1)
for p in [1, 3, 0, float("inf"), float("-inf"), "fro", 0.5]:
    case(f"torch_norm/p{p}", "torch_norm", T((3, 4), kind="nonzero"), p=p)
    case(f"torch_norm/p{p}/dim", "torch_norm", T((3, 4), kind="nonzero"), p=p, dim=2)
case("torch_norm/f64-dims", "torch_norm", T((3, 4), "float64"), p=2, dim=[1, 2])
case("torch_norm/zero", "torch_norm", I([[0.0, 0.0], [1.0, 2.0]], "float64") | {"grad": True}, dim=2)
for fn in ["torch_max", "torch_min"]:
    for shp in RED_SHAPES:
        case(f"{fn}/{shp}", fn, T(shp, kind="distinct"))
        for dim in range(1, len(shp) + 1):
            for keep in (False, True):
                case(f"{fn}/{shp}/dim{dim}/keep{keep}", fn, T(shp, kind="distinct"), dim=dim, keepdim=keep)
        case(f"{fn}/{shp}/dim-1", fn, T(shp, kind="distinct"), dim=-1)
    case(f"{fn}/ties", fn, I([1.0, 3.0, 3.0, 0.0], "float64") | {"grad": True})
    case(f"{fn}/ties-dim", fn, I([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 1.0, 1.0]], "float64") | {"grad": True},
         dim=2)
    case(f"{fn}/other", fn, T((2, 3)), other=T((3,)))
    case(f"{fn}/int", fn, T((3, 4), "int64", "int"), dim=1)
    case(f"{fn}/0d", fn, T((), kind="distinct"))
case("torch_amax/ties", "torch_amax", I([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], "float64") | {"grad": True}, dim=2)
for fn in ["torch_argmax", "torch_argmin"]:
    case(f"{fn}/all", fn, T((3, 4), kind="distinct"))
    case(f"{fn}/dim1", fn, T((3, 4), kind="distinct"), dim=1)
    case(f"{fn}/dim2-keep", fn, T((3, 4), kind="distinct"), dim=2, keepdim=True)
    case(f"{fn}/dim-1", fn, T((2, 3, 4), kind="distinct"), dim=-1)
    case(f"{fn}/ties", fn, I([1.0, 3.0, 3.0, 0.0, 0.0], "float32"))
    case(f"{fn}/int", fn, T((6,), "int64", "int"))
for fn, kind in [("torch_cumsum", "normal"), ("torch_cumprod", "nonzero")]:
    for shp in RED_SHAPES:
        for dim in range(1, len(shp) + 1):
            case(f"{fn}/{shp}/dim{dim}", fn, T(shp, kind=kind), dim=dim)
        case(f"{fn}/{shp}/dim-1", fn, T(shp, kind=kind), dim=-1)
    case(f"{fn}/int", fn, T((3, 4), "int64", "int"), dim=2)
    case(f"{fn}/bool", fn, T((3, 4), "bool", "bool"), dim=2)
case("torch_cumprod/zeros", "torch_cumprod", I([[1.0, 0.0, 2.0, 3.0], [2.0, 3.0, 0.0, 0.0]], "float64") | {
    "grad": True}, dim=2)
for fn in ["torch_all", "torch_any"]:
    case(f"{fn}/bool", fn, T((3, 4), "bool", "bool"))
    case(f"{fn}/dim", fn, T((3, 4), "bool", "bool"), dim=2)
    case(f"{fn}/dim-keep", fn, T((3, 4), "bool", "bool"), dim=1, keepdim=True)
    case(f"{fn}/float", fn, T((3, 4), kind="ties"))
    case(f"{fn}/int-dim", fn, T((3, 4), "int64", "int"), dim=2)
    case(f"{fn}/uint8", fn, T((3, 4), "uint8", "posint"), dim=1)
for fn in ["torch_softmax", "torch_log_softmax"]:
    case(f"{fn}/dim1", fn, T((3, 4)), dim=1)
    case(f"{fn}/dim-1", fn, T((2, 3, 4), "float64"), dim=-1)

# linear algebra
for sa, sb in [((2, 3), (3, 4)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((5, 2, 3), (5, 3, 4)),
               ((5, 2, 3), (3, 4)), ((2, 1, 2, 3), (4, 3, 2)), ((3,), (2, 3, 4)), ((2, 2, 3), (3,))]:
    case(f"torch_matmul/{sa}-{sb}", "torch_matmul", T(sa), T(sb))
case("torch_matmul/f64", "torch_matmul", T((2, 3), "float64"), T((3, 2), "float64"))
case("torch_matmul/int", "torch_matmul", T((2, 3), "int64", "int"), T((3, 2), "int64", "int"))
case("torch_mm/t", "torch_mm", T((2, 3)), T((3, 4)))
case("torch_mm/f64", "torch_mm", T((4, 3), "float64"), T((3, 1), "float64"))
case("torch_bmm/t", "torch_bmm", T((3, 2, 4)), T((3, 4, 2)))
case("torch_mv/t", "torch_mv", T((2, 3)), T((3,)))
case("torch_dot/t", "torch_dot", T((4,)), T((4,)))
case("torch_dot/int", "torch_dot", T((4,), "int64", "int"), T((4,), "int64", "int"))
case("torch_outer/t", "torch_outer", T((3,)), T((4,)))
case("torch_t/2d", "torch_t", T((2, 3)))
case("torch_t/1d", "torch_t", T((3,)))
case("torch_t/0d", "torch_t", T(()))
case("torch_addmm/t", "torch_addmm", T((4,)), T((2, 3)), T((3, 4)))
case("torch_addmm/beta", "torch_addmm", T((2, 4)), T((2, 3)), T((3, 4)), beta=0.5, alpha=2)
for eq, shapes in [("ij,jk->ik", [(2, 3), (3, 4)]), ("ij->ji", [(2, 3)]), ("ii->i", [(3, 3)]),
                   ("ij->", [(2, 3)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("i,j->ij", [(3,), (4,)]),
                   ("ij,ij->i", [(2, 3), (2, 3)]), ("ijk->kj", [(2, 3, 4)]), ("ij,jk,kl->il",
                                                                              [(2, 3), (3, 4), (4, 2)]),
                   ("ij,j", [(2, 3), (3,)]), ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 2)]), ("ii", [(3, 3)])]:
    case(f"torch_einsum/{eq}", "torch_einsum", eq, TL(*[T(s) for s in shapes]))

# shape
case("torch_reshape/t", "torch_reshape", T((2, 3)), shape=[3, 2])
case("torch_reshape/infer", "torch_reshape", T((2, 3, 4)), shape=[-1, 4])
case("torch_reshape/0d", "torch_reshape", T(()), shape=[1, 1])
case("torch_reshape/to0d", "torch_reshape", T((1,)), shape=[])
case("method_view/t", "method_view", T((2, 6)), 3, 4)
case("method_view/infer", "method_view", T((2, 6)), -1)
case("method_view/list", "method_view", T((2, 6)), [4, 3])
case("torch_squeeze/all", "torch_squeeze", T((1, 3, 1, 2)))
case("torch_squeeze/dim", "torch_squeeze", T((1, 3, 1, 2)), dim=3)
case("torch_squeeze/dim-noop", "torch_squeeze", T((1, 3, 1, 2)), dim=2)
case("torch_squeeze/dim-neg", "torch_squeeze", T((2, 3, 1)), dim=-1)
for d in [1, 2, 3, -1, -3]:
    case(f"torch_unsqueeze/{d}", "torch_unsqueeze", T((2, 3)), dim=d)
case("torch_unsqueeze/0d", "torch_unsqueeze", T(()), dim=1)
case("torch_flatten/all", "torch_flatten", T((2, 3, 4)))
case("torch_flatten/range", "torch_flatten", T((2, 3, 4, 2)), start_dim=2, end_dim=3)
case("torch_flatten/start", "torch_flatten", T((2, 3, 4)), start_dim=2)
case("torch_flatten/0d", "torch_flatten", T(()))
case("torch_permute/3", "torch_permute", T((2, 3, 4)), dims=[3, 1, 2])
case("torch_permute/neg", "torch_permute", T((2, 3, 4)), dims=[-1, 2, 1])
case("torch_transpose/2", "torch_transpose", T((2, 3)), dim0=1, dim1=2)
case("torch_transpose/3", "torch_transpose", T((2, 3, 4)), dim0=1, dim1=3)
case("torch_transpose/neg", "torch_transpose", T((2, 3, 4)), dim0=-1, dim1=-2)
case("method_expand/t", "method_expand", T((3, 1)), 3, 4)
case("method_expand/new", "method_expand", T((3,)), 2, 3)
case("method_expand/keep", "method_expand", T((3, 1)), -1, 2)
case("method_expand/list", "method_expand", T((1, 3)), [2, 2, 3])
case("method_repeat/t", "method_repeat", T((2, 3)), 2, 2)
case("method_repeat/more", "method_repeat", T((3,)), 2, 1, 2)
case("method_repeat/list", "method_repeat", T((2, 1)), [1, 3])
case("torch_cat/dim1", "torch_cat", TL(T((2, 3)), T((1, 3))))
case("torch_cat/dim2", "torch_cat", TL(T((2, 3)), T((2, 1)), T((2, 2))), dim=2)
case("torch_cat/neg", "torch_cat", TL(T((2, 3)), T((2, 1))), dim=-1)
case("torch_cat/mixed", "torch_cat", TL(T((2,), "int64", "int"), T((3,))))
case("torch_cat/empty", "torch_cat", TL(T((2, 3)), T((0,))))
case("torch_stack/dim1", "torch_stack", TL(T((2, 3)), T((2, 3))))
case("torch_stack/dim3", "torch_stack", TL(T((2, 3)), T((2, 3)), T((2, 3))), dim=3)
case("torch_stack/neg", "torch_stack", TL(T((2, 3)), T((2, 3))), dim=-1)
case("torch_split/size", "torch_split", T((5, 2)), 2)
case("torch_split/sizes", "torch_split", T((2, 6)), [1, 2, 3], dim=2)
case("torch_split/exact", "torch_split", T((4, 2)), 2)
case("torch_chunk/3", "torch_chunk", T((5, 2)), 3)
case("torch_chunk/dim2", "torch_chunk", T((2, 6)), 4, dim=2)
case("torch_chunk/more", "torch_chunk", T((2,)), 4)
case("torch_narrow/t", "torch_narrow", T((4, 5)), dim=2, start=2, length=3)
case("torch_narrow/neg", "torch_narrow", T((4, 5)), dim=1, start=-2, length=2)
case("torch_flip/1", "torch_flip", T((2, 3)), dims=1)
case("torch_flip/both", "torch_flip", T((2, 3, 2)), dims=[1, 3])
case("torch_flip/neg", "torch_flip", T((2, 3)), dims=-1)
case("torch_roll/t", "torch_roll", T((3, 4)), shifts=1, dims=2)
case("torch_tril/t", "torch_tril", T((3, 4)))
case("torch_triu/k", "torch_triu", T((3, 4)), diagonal=1)

# indexing
case("torch_gather/dim1", "torch_gather", T((3, 4)), 1, I([[1, 3, 2, 1], [3, 3, 1, 2]]))
case("torch_gather/dim2", "torch_gather", T((3, 4)), 2, I([[4, 1], [2, 2], [1, 3]]))
case("torch_gather/3d", "torch_gather", T((2, 3, 2)), -1, I([[[2], [1], [2]], [[1], [1], [2]]]))
case("torch_gather/smaller", "torch_gather", T((3, 4)), 1, I([[3, 1], [2, 2]]))  # index smaller than self
case("torch_gather/0d", "torch_gather", T(()), 1, I(1))
case("torch_scatter/src-larger", "torch_scatter", T((3, 4)), 1, I([[2, 1]]), src=T((2, 3), grad=False))
case("torch_scatter/src", "torch_scatter", T((3, 4)), 2, I([[2, 1], [4, 3], [1, 2]]), src=T((3, 2)))
case("torch_scatter/value", "torch_scatter", T((3, 4)), 1, I([[1, 3, 2, 1]]), value=-1.5)
case("torch_scatter/add", "torch_scatter", T((3, 4)), 2, I([[2, 2], [4, 4], [1, 1]]), src=T((3, 2)),
     reduce="add")
case("torch_scatter_add/t", "torch_scatter_add", T((3, 4)), 1, I([[1, 1, 3, 3], [3, 1, 1, 2]]), T((2, 4)))
case("torch_index_select/dim1", "torch_index_select", T((4, 3)), 1, I([4, 1, 1]))
case("torch_index_select/dim2", "torch_index_select", T((2, 3, 2)), 2, I([3, 2]))
case("torch_index_select/int32", "torch_index_select", T((4, 3)), 1, I([2, 2], "int32"))
case("torch_masked_fill/scalar", "torch_masked_fill", T((2, 3)), T((2, 3), "bool", "bool"), -1.0)
case("torch_masked_fill/bcast", "torch_masked_fill", T((2, 3)), T((3,), "bool", "bool"), 2)
case("torch_masked_fill/tensor", "torch_masked_fill", T((2, 3)), T((2, 3), "bool", "bool"), T(()))
case("torch_masked_fill/int", "torch_masked_fill", T((2, 3), "int64", "int"), T((2, 3), "bool", "bool"), 7)
case("torch_masked_select/t", "torch_masked_select", T((2, 3)), T((2, 3), "bool", "bool"))
case("torch_masked_select/bcast", "torch_masked_select", T((2, 3)), T((3,), "bool", "bool"))
case("torch_nonzero/2d", "torch_nonzero", T((3, 4), kind="ties"))
case("torch_nonzero/1d", "torch_nonzero", T((6,), "int64", "int"))
case("torch_nonzero/bool", "torch_nonzero", T((2, 3), "bool", "bool"))
for shp in [(6,), (3, 4)]:
    for desc in (False, True):
        case(f"torch_sort/{shp}/{desc}", "torch_sort", T(shp, kind="distinct"), descending=desc)
case("torch_sort/dim1", "torch_sort", T((3, 4), kind="distinct"), dim=1)
case("torch_sort/ties", "torch_sort", I([2.0, 1.0, 2.0, 1.0, 3.0, 2.0], "float64") | {"grad": True})
case("torch_sort/ties-desc", "torch_sort", I([2.0, 1.0, 2.0, 1.0, 3.0, 2.0], "float64") | {"grad": True},
     descending=True)
case("torch_sort/int", "torch_sort", T((6,), "int64", "int"))
case("torch_topk/t", "torch_topk", T((6,), kind="distinct"), 3)
case("torch_topk/smallest", "torch_topk", T((3, 5), kind="distinct"), 2, largest=False)
case("torch_topk/dim1", "torch_topk", T((4, 3), kind="distinct"), 2, dim=1)

# 0-d tensors take dim 1 (and -1) as their one virtual dim
for fn in ["torch_sum", "torch_mean", "torch_amax", "torch_prod", "torch_logsumexp", "torch_cumsum",
           "torch_cumprod", "torch_softmax", "torch_argmax", "torch_max"]:
    case(f"{fn}/0d-dim", fn, T(()), dim=1)
case("torch_flip/0d", "torch_flip", T(()), dims=1)
case("torch_sort/0d", "torch_sort", T(()))
case("torch_topk/0d", "torch_topk", T(()), 1)
case("torch_unsqueeze/0d-neg", "torch_unsqueeze", T(()), dim=-1)
case("torch_squeeze/0d", "torch_squeeze", T(()), dim=1)

# creation
case("torch_arange/int", "torch_arange", 1, 5)
case("torch_arange/one", "torch_arange", 5)
case("torch_arange/step", "torch_arange", 1, 10, 3)
case("torch_arange/neg-step", "torch_arange", 5, 1, -2)
case("torch_arange/float", "torch_arange", 0, 1, 0.25)
case("torch_arange/float-end", "torch_arange", 0.5, 2.5)
case("torch_arange/dtype", "torch_arange", 1, 4, dtype="float64")
case("torch_linspace/t", "torch_linspace", 0, 1, 5)
case("torch_linspace/neg", "torch_linspace", -3.5, 7.25, 11)
case("torch_linspace/one", "torch_linspace", 2, 3, 1)
case("torch_linspace/default", "torch_linspace", -1, 1)
case("torch_linspace/f64", "torch_linspace", 0, 1, 7, dtype="float64")
case("torch_logspace/t", "torch_logspace", 0, 2, 3)
case("torch_logspace/base", "torch_logspace", -1, 3, 5, base=2.0)
case("torch_eye/3", "torch_eye", 3)
case("torch_eye/2x4", "torch_eye", 2, 4)
case("torch_eye/long", "torch_eye", 2, dtype="int64")


# -- run --------------------------------------------------------------------------------------------------------

def run_case(cid: str, fn: str, args: list, kwargs: dict) -> dict:
    out, leaves = call_torch(R[fn], args, kwargs)
    rec = {"id": cid, "fn": fn, "args": args, "kwargs": kwargs, "out": encode_out(out)}
    first = out[0] if isinstance(out, (list, tuple)) else out
    if isinstance(first, torch.Tensor) and first.grad_fn is not None:
        rec["grad_fn"] = first.grad_fn.name()
        if first.dtype.is_floating_point:
            cot = _rng.standard_normal(tuple(first.shape)).astype(np.float64)
            wanted = [t for s, t in leaves if t.requires_grad]
            grads = torch.autograd.grad(first, wanted, torch.from_numpy(cot).to(first.dtype), allow_unused=True)
            rec["cot"] = cot.tolist()
            rec["grads"] = [encode_out(g) if g is not None else None for g in grads]
    return rec


def promotion() -> dict:
    """torch's result dtype: tensor (dim >= 1) op tensor, tensor op 0-d tensor, tensor op Python scalar."""
    names = list(TORCH_DT)
    table: dict[str, Any] = {"tensor_tensor": {}, "tensor_0d": {}, "tensor_scalar": {}, "ops": {}}
    for a in names:
        for b in names:
            ta, tb = torch.ones(2, dtype=TORCH_DT[a]), torch.ones(2, dtype=TORCH_DT[b])
            table["tensor_tensor"][f"{a},{b}"] = DT_NAME[torch.result_type(ta, tb)]
            table["tensor_0d"][f"{a},{b}"] = DT_NAME[torch.result_type(ta, torch.ones((), dtype=TORCH_DT[b]))]
        for sname, s in [("bool", True), ("int", 2), ("float", 2.5)]:
            table["tensor_scalar"][f"{a},{sname}"] = DT_NAME[torch.result_type(torch.ones(2, dtype=TORCH_DT[a]), s)]
    # result dtypes of the ops themselves (div of ints is float, comparisons bool, ...)
    for a in ["float32", "float64", "int64", "int32", "uint8", "bool"]:
        for b in ["float32", "float64", "int64", "int32", "uint8", "bool"]:
            ta, tb = torch.ones(2, dtype=TORCH_DT[a]), torch.ones(2, dtype=TORCH_DT[b])
            for opname, f in [("add", torch.add), ("mul", torch.mul), ("div", torch.div), ("eq", torch.eq),
                              ("maximum", torch.maximum), ("where", lambda x, y: torch.where(x > 0, x, y))]:
                try:
                    table["ops"][f"{opname}:{a},{b}"] = DT_NAME[f(ta, tb).dtype]
                except RuntimeError:
                    table["ops"][f"{opname}:{a},{b}"] = "error"
            if b in ("float32", "int64", "bool"):
                s = {"float32": 2.5, "int64": 2, "bool": True}[b]
                for opname, f in [("sub", torch.sub), ("div", torch.div), ("pow", torch.pow),
                                  ("remainder", torch.remainder)]:
                    try:
                        table["ops"][f"{opname}:{a},scalar_{b}"] = DT_NAME[f(ta, s).dtype]
                    except RuntimeError:
                        table["ops"][f"{opname}:{a},scalar_{b}"] = "error"
    return table


def _err(fn: Any) -> str:
    try:
        fn()
    except (RuntimeError, IndexError, ValueError, TypeError) as e:
        return str(e).split("\n")[0]
    raise AssertionError("no error")


def errors() -> dict:
    """libtorch's messages for the errors the core reproduces (first line)."""
    def backward_twice() -> None:
        x = torch.ones(2, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()

    def leaf_inplace() -> None:
        x = torch.ones(2, requires_grad=True)
        x.add_(1)

    def saved_modified() -> None:
        x = torch.ones(2, requires_grad=True)
        y = x * 2
        z = y * y
        y.add_(1)
        z.sum().backward()

    def view_noncontig() -> None:
        torch.ones(2, 3).t().view(6)

    return {
        "add_shape": _err(lambda: torch.ones(2, 3) + torch.ones(4)),
        "mm_shape": _err(lambda: torch.mm(torch.ones(2, 3), torch.ones(4, 5))),
        "matmul_0d": _err(lambda: torch.matmul(torch.ones(()), torch.ones(3))),
        "implicit_grad": _err(lambda: (torch.ones(2, requires_grad=True) * 2).backward()),
        "no_grad_fn": _err(lambda: torch.ones(2).sum().backward()),
        "backward_twice": _err(backward_twice),
        "leaf_inplace": _err(leaf_inplace),
        "saved_modified": _err(saved_modified),
        "view_noncontig": _err(view_noncontig),
        "view_size": _err(lambda: torch.ones(2, 3).view(4)),
        "reshape_size": _err(lambda: torch.ones(2, 3).reshape(4)),
        "int_requires_grad": _err(lambda: torch.ones(2, dtype=torch.int64).requires_grad_()),
        "item_many": _err(lambda: torch.ones(2).item()),
        "bool_many": _err(lambda: bool(torch.ones(2))),
        "expand": _err(lambda: torch.ones(3).expand(2, 4)),
        "expand_fewer": _err(lambda: torch.ones(2, 3).expand(3)),
        "cat_shape": _err(lambda: torch.cat([torch.ones(2, 3), torch.ones(2, 4)], 0)),
        "stack_shape": _err(lambda: torch.stack([torch.ones(2, 3), torch.ones(2, 4)])),
        "repeat_fewer": _err(lambda: torch.ones(2, 3).repeat(2)),
        "sub_bool": _err(lambda: torch.ones(2, dtype=torch.bool) - torch.ones(2, dtype=torch.bool)),
        "pow_int_neg": _err(lambda: torch.tensor([2, 3]) ** -1),
        "mean_int": _err(lambda: torch.tensor([2, 3]).mean()),
        "where_cond": _err(lambda: torch.where(torch.ones(2), torch.ones(2), torch.ones(2))),
        "masked_fill_mask": _err(lambda: torch.ones(2).masked_fill(torch.ones(2), 1.0)),
        "gather_dtype": _err(lambda: torch.gather(torch.ones(2, 2), 0, torch.ones(2, 2))),
        "topk_k": _err(lambda: torch.topk(torch.ones(3), 4)),
        "clamp_none": _err(lambda: torch.clamp(torch.ones(2))),
        "inplace_cast": _err(lambda: torch.ones(2, dtype=torch.int64).add_(1.5)),
        "inplace_shape": _err(lambda: torch.ones(3).add_(torch.ones(2, 3))),
        "requires_grad_nonleaf": _err(lambda: (torch.ones(2, requires_grad=True) * 2).requires_grad_(False)),
        "grad_unused": _err(lambda: torch.autograd.grad((torch.ones(2, requires_grad=True) * 2).sum(),
                                                        [torch.ones(2, requires_grad=True)])),
        "grad_shape": _err(lambda: (torch.ones(2, requires_grad=True) * 2).backward(torch.ones(3))),
        "dot_dims": _err(lambda: torch.dot(torch.ones(2, 2), torch.ones(2))),
        "bmm_dims": _err(lambda: torch.bmm(torch.ones(2, 2), torch.ones(2, 2))),
        "t_dims": _err(lambda: torch.ones(2, 2, 2).t()),
        "numpy_grad": _err(lambda: torch.ones(2, requires_grad=True).numpy()),
        "div_mode": _err(lambda: torch.div(torch.ones(2), 2, rounding_mode="up")),
        "int_div_zero": _err(lambda: torch.div(torch.tensor([1]), torch.tensor([0]), rounding_mode="floor")),
        "flatten_args": _err(lambda: torch.ones(2, 3, 4).flatten(2, 1)),
        "chunk_zero": _err(lambda: torch.ones(3).chunk(0)),
        "split_sizes": _err(lambda: torch.ones(5).split([2, 2])),
        "narrow_range": _err(lambda: torch.ones(5).narrow(0, 3, 3)),
        "max_empty": _err(lambda: torch.ones(0).max()),
    }


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    ids = [c[0] for c in CASES]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, dup
    recs = [run_case(*c) for c in CASES]
    about = ("R-style calls (1-based dims/indices) and PyTorch " + torch.__version__ +
             " results: out, grad_fn name, grads of sum(out * cot). Written by tools/make_core_fixtures.py.")
    (FIXTURES / "core_ops.json").write_text(json.dumps({"about": about, "cases": recs}, allow_nan=True) + "\n")
    (FIXTURES / "core_promotion.json").write_text(json.dumps(promotion(), indent=0, sort_keys=True) + "\n")
    (FIXTURES / "core_errors.json").write_text(json.dumps(errors(), indent=0, sort_keys=True) + "\n")
    print(f"{len(recs)} op cases; grads for {sum('grads' in r for r in recs)}")


if __name__ == "__main__":
    main()
