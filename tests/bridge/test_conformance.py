"""Conformance scripts (tests/conformance/*.R): R torch code covering ../shared/reference/r-torch-api.md,
each run through the shim twice, with Python hosting R (this process's rpy2 R) and with R hosting Python
(Rscript). A script emits ``@@<TAB>name<TAB>JSON`` lines (tests/conformance/emit.R); every value must equal the
same computation written here with the Python API: exactly (values, dtypes, shapes, R types, printed text,
error messages), random streams lined up by ``torch_manual_seed``. Where R semantics have no Python
counterpart (R's own messages, visibility) the expectation is written out; where a convention could slip on
both sides alike (1-based indices), it is also checked against numpy.

The expectations of a script are in ``expect_<script>()``, one entry per emitted name, in the script's order.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rbridge_util import ROOT, run

import rtorch_py as rt
from rtorch_py import nn, optim
from rtorch_py.bridge.rsemantics import r_format

CONF = ROOT / "tests" / "conformance"
EMIT = CONF / "emit.R"

# -- encoding Python values as emit.R encodes R values ---------------------------------------------------------------


def _num(v: float) -> Any:
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    return v


def _rvalues(arr: np.ndarray) -> list:
    kind = arr.dtype.kind
    flat = arr.ravel(order="F")
    if kind == "b":
        return [bool(v) for v in flat]
    if kind in "iu":
        return [int(v) for v in flat]
    return [_num(v) for v in flat]


def T(t: rt.Tensor) -> dict:
    """A tensor (its dtype, shape, requires_grad and values in row-major order)."""
    return {"r": "tensor", "dtype": t.dtype.name, "shape": list(t.shape), "requires_grad": bool(t.requires_grad),
            "values": _rvalues(np.ascontiguousarray(t.detach().numpy()).ravel())}


def V(kind: str, values: Any, dim: Any = None, names: Any = None) -> dict:
    """An R atomic vector of type ``kind`` (double, integer, logical, character)."""
    if isinstance(values, np.ndarray):
        values = values.ravel(order="F").tolist()
    elif not isinstance(values, (list, tuple)):
        values = [values]
    conv = {"double": _num, "integer": int, "logical": bool, "character": str}[kind]
    return {"r": kind, "dim": None if dim is None else list(dim), "names": None if names is None else list(names),
            "values": [conv(v) for v in values]}


def D(*values: Any, dim: Any = None, names: Any = None) -> dict:
    return V("double", list(values), dim, names)


def I(*values: Any, dim: Any = None, names: Any = None) -> dict:  # noqa: E743 - R's integer
    return V("integer", list(values), dim, names)


def L(*values: Any, dim: Any = None, names: Any = None) -> dict:
    return V("logical", list(values), dim, names)


def S(*values: Any, names: Any = None) -> dict:
    return V("character", list(values), None, names)


def A(arr: Any) -> dict:
    """What as_array() gives for a numpy array / tensor: an R vector (<= 1 dims) or matrix/array."""
    if isinstance(arr, rt.Tensor):
        arr = arr.detach().numpy()
    arr = np.asarray(arr)
    if arr.dtype.kind in "iu" and arr.size and (arr.min() < -(2**31 - 1) or arr.max() > 2**31 - 1):
        arr = arr.astype(np.float64)  # a long beyond R's integers comes back as a double
    kind = {"b": "logical", "i": "integer", "u": "integer"}.get(arr.dtype.kind, "double")
    return V(kind, arr.ravel(order="F").tolist(), arr.shape if arr.ndim >= 2 else None)


def item(v: Any) -> dict:
    """A Python scalar as R gets it ($item(), a length-1 result)."""
    if isinstance(v, (bool, np.bool_)):
        return L(v)
    if isinstance(v, (int, np.integer)):
        return I(v)
    return D(v)


def LIST(*values: dict, names: Any = None) -> dict:
    return {"r": "list", "names": None if names is None else list(names), "values": list(values)}


def TLIST(ts: Any) -> dict:
    """A Python list of tensors (R: an unnamed list) or dict of tensors (R: a named list)."""
    if isinstance(ts, dict):
        return LIST(*[T(t) for t in ts.values()], names=list(ts))
    return LIST(*[T(t) for t in ts])


NULL = {"r": "NULL"}


def E(fn: Callable[[], Any]) -> dict:
    """The error message the Python API raises for ``fn()`` (an R error carries it unchanged)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any Python error is an R error
        return {"r": "error", "message": str(e)}
    return {"r": "no error"}


def P(obj: Any, *args: Any) -> dict:
    """What print() writes for a Python object (r_format: the same text R torch prints)."""
    return S(r_format(obj, *args))


def rarray(values: Any, dim: tuple[int, ...]) -> list:
    """R's array(values, dim), filled column-major, as nested Python lists (so that torch_tensor() gives floats
    float32 and ints int64, as from R)."""
    return np.asarray(values).reshape(dim[::-1]).T.tolist()


def rmat(values: list, nrow: int) -> list:
    """R's matrix(values, nrow)."""
    return rarray(values, (nrow, len(values) // nrow))


# -- running the scripts ---------------------------------------------------------------------------------------------

def parse(out: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for line in out.splitlines():
        if line.startswith("@@\t"):
            _, name, payload = line.split("\t", 2)
            assert name not in results, f"{name} emitted twice"
            results[name] = json.loads(payload)
    return results


def compare(got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Every emitted value equals its expectation (all differences reported at once)."""
    problems = [f"{k}: emitted by R but not expected" for k in got if k not in expected]
    problems += [f"{k}: expected but not emitted" for k in expected if k not in got]
    for k, v in expected.items():
        if k in got and got[k] != v:
            problems.append(f"{k}:\n    R:      {json.dumps(got[k])[:1500]}\n    Python: {json.dumps(v)[:1500]}")
    assert not problems, "\n".join(problems)


def run_in_session(r: Any, script: Path) -> str:
    """The script through the process's embedded R (rpy2): its standard output."""
    import os
    import warnings

    from rtorch_py.bridge._hooks import install_warning_hook

    os.environ["RTORCH_CONFORMANCE_EMIT"] = str(EMIT)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), warnings.catch_warnings():
        warnings.simplefilter("always")
        install_warning_hook()  # pytest records warnings its own way; R must see these ones
        status = r.run_file(script)
    assert status == 0, f"{script.name} failed under rpy2:\n{buf.getvalue()[-3000:]}"
    return buf.getvalue()


def run_with_rscript(env: dict[str, str], script: Path) -> str:
    proc = run(["Rscript", str(script)], env={**env, "RTORCH_CONFORMANCE_EMIT": str(EMIT)})
    assert proc.returncode == 0, f"{script.name} failed under Rscript:\n{proc.stderr[-3000:]}"
    return proc.stdout


# ================================================================================================================
# conversions.R
# ================================================================================================================

def expect_conversions() -> dict[str, Any]:
    m = np.array([[1.0, 3, 5], [2, 4, 6]])
    a = np.arange(1, 25).reshape(4, 3, 2).transpose()  # R's array(1:24, c(2, 3, 4)), column-major
    tm = rt.torch_tensor([[1.0, 3, 5], [2, 4, 6]])
    ta = rt.torch_tensor(a)
    return {
        "double": T(rt.torch_tensor([1.5, -2.25, 0.1, 1e-3, 3e38])),
        "integer": T(rt.torch_tensor([1, -7, 2147483647])),
        "logical": T(rt.torch_tensor([True, False, True])),
        "length1": T(rt.torch_tensor([2.0])),
        "length1_integer": T(rt.torch_tensor([2])),
        "dtype_double": T(rt.torch_tensor([0.1, 2], dtype=rt.torch_float64())),
        "dtype_long_from_double": T(rt.torch_tensor([1.7, -1.7, 3], dtype=rt.torch_long())),
        "dtype_float_from_integer": T(rt.torch_tensor([1, 2, 3], dtype=rt.torch_float())),
        "dtype_int32": T(rt.torch_tensor([4, 5], dtype=rt.torch_int())),
        "dtype_bool_from_double": T(rt.torch_tensor([0, 2.5], dtype=rt.torch_bool())),
        "requires_grad": T(rt.torch_tensor([1.0, 2], requires_grad=True)),
        "matrix": T(tm),
        "matrix_entries": A(m),
        "array3": T(ta),
        "array3_entry": item(ta[1, 2, 3].item()),
        "logical_matrix": T(rt.torch_tensor([[True, True], [False, True], [False, False]])),
        "byrow_matrix": T(rt.torch_tensor([[1, 2, 3], [4, 5, 6]])),
        "as_array_0d": A(rt.as_array(rt.torch_scalar_tensor(2.5))),
        "as_array_1d": A(rt.as_array(rt.torch_tensor([1.5, 2]))),
        "as_array_2d": A(rt.as_array(tm)),
        "as_array_3d": A(rt.as_array(ta)),
        "as_array_long": A(rt.as_array(rt.torch_tensor([1, 2, 3]))),
        "as_array_int32": A(rt.as_array(rt.torch_tensor([1, 2, 3], dtype=rt.torch_int()))),
        "as_array_bool": A(rt.as_array(rt.torch_tensor([True, False]))),
        "as_array_float": A(rt.as_array(rt.torch_tensor(0.1))),
        "as_array_double": A(rt.as_array(rt.torch_tensor(0.1, dtype=rt.torch_double()))),
        "as_array_big_long": A(rt.as_array(rt.torch_tensor(3e9, dtype=rt.torch_long()))),
        "identical_matrix": L(np.array_equal(rt.as_array(tm), m)),
        "identical_array": L(np.array_equal(rt.as_array(ta), a)),
        "as_numeric": D(*m.ravel(order="F")),
        "as_integer": I(1, 5),
        "as_logical": L(True, False),
        "as_matrix": A(m),
        "as_vector": I(*a.ravel(order="F")),
        "length": I(rt.torch_zeros(2, 3, 4).numel()),
        "dim": I(*rt.torch_zeros(2, 3, 4).shape),
        "item_float": item(rt.torch_tensor(2.5).item()),
        "item_float_tenth": item(rt.torch_tensor(0.1).item()),
        "item_double": item(rt.torch_tensor(0.1, dtype=rt.torch_double()).item()),
        "item_long": item(rt.torch_tensor(7).item()),
        "item_int32": item(rt.torch_tensor(3, dtype=rt.torch_int()).item()),
        "item_bool": item(rt.torch_tensor(True).item()),
        "item_sum_long": item(rt.torch_tensor([1, 2, 3, 4]).sum().item()),
        "item_mean": item(rt.torch_tensor([1.0, 2, 4]).mean().item()),
        "item_any": item((rt.torch_tensor([1, 2, 3]) > 2).any().item()),
        "shape": I(*rt.torch_zeros(3, 1, 2).shape),
        "shape_0d": I(*rt.torch_scalar_tensor(1).shape),
        "shape_vector_arg": I(*rt.torch_zeros([2, 4]).shape),
        "size": I(*rt.torch_zeros(2, 5).size()),
        "size_dim": I(rt.torch_zeros(2, 5).size(2)),
        "size_negative_dim": I(rt.torch_zeros(2, 5).size(-1)),
        "ndim": I(rt.torch_zeros(2, 5).ndim),
        "dim_method": I(rt.torch_zeros(2, 5).dim()),
        "numel": I(rt.torch_zeros(2, 5).numel()),
        "dtype_names": S(*[d.name for d in (rt.torch_float(), rt.torch_double(), rt.torch_long(), rt.torch_int(),
                                            rt.torch_bool(), rt.torch_float32(), rt.torch_float64(),
                                            rt.torch_int64(), rt.torch_float16())]),
        "dtype_of_ops": S(*[t.dtype.name for t in (
            rt.torch_tensor([1, 2]) / 2, rt.torch_tensor([1, 2]) * 2, rt.torch_tensor([1, 2]) * 1.5,
            rt.torch_tensor([True, False]) + 1, rt.torch_tensor([1, 2]).float(),
            rt.torch_tensor([1.0]).to(dtype=rt.torch_double()))]),
        "split": TLIST(rt.torch_split(rt.torch_arange(1.0, 5.0), 2)),
        "unbind": TLIST(rt.torch_unbind(tm, 2)),
        "state_dict_names": S(*nn.nn_linear(2, 1).state_dict()),
        "creation": LIST(T(rt.torch_zeros(2, 3, dtype=rt.torch_long())),
                         T(rt.torch_ones_like(rt.torch_tensor([1, 2, 3]))), T(rt.torch_full([2, 2], 7.0)),
                         T(rt.torch_eye(3)), T(rt.torch_linspace(0, 1, 5)), I(*rt.torch_empty(2, 0).shape),
                         T(rt.torch_zeros_like(tm))),
    }


# ================================================================================================================
# dims.R
# ================================================================================================================

def expect_dims() -> dict[str, Any]:
    xm = np.array(rmat([3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], 3), dtype=np.float32)
    x = rt.torch_tensor(xm)
    rt.torch_manual_seed(7)
    r = rt.torch_randn(2, 3, 4)
    ilong = rt.torch_long()

    def idx(*v: int, shape: Any = None) -> rt.Tensor:
        t = rt.torch_tensor(list(v), dtype=ilong)
        return t if shape is None else t.reshape(shape)

    # the 1-based conventions themselves, against numpy (so that both sides cannot share a 0-based slip)
    assert rt.torch_argmax(x).item() == int(np.argmax(xm)) + 1
    assert rt.torch_max(x, dim=1)[1].numpy().tolist() == (np.argmax(xm, axis=0) + 1).tolist()
    assert rt.torch_nonzero(x > 4).numpy().tolist() == (np.argwhere(xm > 4) + 1).tolist()
    assert rt.torch_index_select(x, 2, idx(4, 1)).numpy().tolist() == xm[:, [3, 0]].tolist()
    assert rt.torch_arange(1.0, 5.0).numpy().tolist() == [1, 2, 3, 4, 5]

    return {
        "r": T(r),
        "sum_dim1": T(rt.torch_sum(x, dim=1)),
        "sum_dim2_keep": T(x.sum(dim=2, keepdim=True)),
        "sum_dims": T(rt.torch_sum(r, dim=[1, 3])),
        "sum_neg": T(rt.torch_sum(r, dim=-1)),
        "mean_dim": T(rt.torch_mean(r, 2)),
        "mean_neg_keep": T(r.mean(dim=-3, keepdim=True)),
        "prod": T(rt.torch_prod(x, 2)),
        "std": T(rt.torch_std(r, dim=3)),
        "var_keep": T(rt.torch_var(x, 1, keepdim=True)),
        "logsumexp": T(rt.torch_logsumexp(r, 1)),
        "cumsum": T(rt.torch_cumsum(x, dim=2)),
        "cumsum_neg": T(rt.torch_cumsum(x, -2)),
        "softmax": T(rt.torch_softmax(r, dim=2)),
        "all_dim": T(rt.torch_all(x > 1, dim=2)),
        "any_dim": T((x > 8).any(dim=1)),
        "max_dim1": TLIST(rt.torch_max(x, dim=1)),
        "max_dim2": TLIST(x.max(dim=2)),
        "min_dim2_keep": TLIST(rt.torch_min(x, dim=2, keepdim=True)),
        "max_all": T(rt.torch_max(x)),
        "min_neg": TLIST(r.min(dim=-1)),
        "argmax": T(rt.torch_argmax(x)),
        "argmax_dim1": T(rt.torch_argmax(x, dim=1)),
        "argmin_dim2": T(x.argmin(dim=2)),
        "argmax_neg": T(rt.torch_argmax(r, dim=-2)),
        "argmax_keep": T(r.argmax(dim=3, keepdim=True)),
        "sort": TLIST(rt.torch_sort(x, dim=2)),
        "sort_desc": TLIST(rt.torch_sort(r, dim=1, descending=True)),
        "sort_default": TLIST(x.sort()),
        "topk": TLIST(rt.torch_topk(x, 2)),
        "topk_dim1_smallest": TLIST(rt.torch_topk(x, k=2, dim=1, largest=False)),
        "topk_method": TLIST(r.topk(3, dim=2)),
        "nonzero": T(rt.torch_nonzero(x > 4)),
        "nonzero_list": TLIST(rt.torch_nonzero(x > 4, as_list=True)),
        "nonzero_method": T((r > 1).nonzero()),
        "gather": T(rt.torch_gather(x, 2, rt.torch_tensor(rmat([1, 4, 2, 2, 3, 1], 3)))),
        "gather_dim1": T(x.gather(1, idx(3, 1, 2, 3, shape=[1, 4]))),
        "index_select": T(rt.torch_index_select(x, 2, idx(4, 1))),
        "index_select_method": T(x.index_select(1, idx(3, 3, 1))),
        "index_select_neg_dim": T(rt.torch_index_select(r, -1, idx(2, 4))),
        "scatter_value": T(rt.torch_zeros(3, 4).scatter(2, idx(1, 2, 4, shape=[3, 1]), 9.0)),
        "scatter_src": T(rt.torch_scatter(rt.torch_zeros(2, 4), 2, rt.torch_tensor([[4, 3], [1, 2]]),
                                         rt.torch_tensor([[10.0, 30], [20, 40]]))),
        "scatter_add": T(rt.torch_scatter_add(rt.torch_zeros(3), 1, idx(1, 3, 1), rt.torch_tensor([1.0, 2, 3]))),
        "one_hot": T(nn.nnf_one_hot(idx(1, 3, 2))),
        "one_hot_classes": T(nn.nnf_one_hot(idx(1, 3), num_classes=4)),
        "embedding": T(nn.nnf_embedding(idx(2, 1, 2), rt.torch_tensor([[1.0, 3, 5], [2, 4, 6]]))),
        "cat1": I(*rt.torch_cat([x, x], dim=1).shape),
        "cat2": T(rt.torch_cat([x, x * 2], dim=2)),
        "cat_default": I(*rt.torch_cat([x, x]).shape),
        "cat_neg": I(*rt.torch_cat([r, r], dim=-1).shape),
        "stack1": I(*rt.torch_stack([x, x], dim=1).shape),
        "stack3": T(rt.torch_stack([x, x + 1], dim=3)),
        "stack_neg": I(*rt.torch_stack([x, x], dim=-1).shape),
        "squeeze": I(*rt.torch_zeros(2, 1, 3, 1).squeeze().shape),
        "squeeze_dim": I(*rt.torch_zeros(2, 1, 3, 1).squeeze(2).shape),
        "squeeze_neg": I(*rt.torch_squeeze(rt.torch_zeros(2, 1, 3, 1), -1).shape),
        "squeeze_not_one": I(*rt.torch_zeros(2, 1, 3, 1).squeeze(1).shape),
        "unsqueeze1": I(*x.unsqueeze(1).shape),
        "unsqueeze3": I(*rt.torch_unsqueeze(x, 3).shape),
        "unsqueeze_neg": I(*x.unsqueeze(-1).shape),
        "flatten": I(*rt.torch_flatten(r).shape),
        "flatten_2": T(rt.torch_flatten(r, start_dim=2)),
        "flatten_12": I(*r.flatten(start_dim=1, end_dim=2).shape),
        "transpose": T(rt.torch_transpose(r, 1, 3)),
        "transpose_neg": I(*r.transpose(-1, -2).shape),
        "t": T(x.t()),
        "permute": T(r.permute([3, 1, 2])),
        "movedim": I(*rt.torch_movedim(r, 1, 3).shape),
        "flip": T(rt.torch_flip(x, 2)),
        "roll": T(rt.torch_roll(x, 1, 2)),
        "narrow": T(rt.torch_narrow(x, 2, 2, 2)),
        "chunk": TLIST(rt.torch_chunk(x, 2, dim=2)),
        "split_dim": TLIST(rt.torch_split(x, 3, dim=2)),
        "unbind1": TLIST(rt.torch_unbind(x, 1)),
        "size_dim": I(r.size(3)),
        "arange": T(rt.torch_arange(1.0, 5.0)),
        "arange_step": T(rt.torch_arange(0.0, 1.0, 0.25)),
        "arange_int": T(rt.torch_arange(1, 4)),
        "arange_down": T(rt.torch_arange(5.0, 1.0, -2.0)),
        "arange_not_reached": T(rt.torch_arange(0.0, 10.0, 3.0)),
        "arange_long_dtype": T(rt.torch_arange(1.0, 3.0, dtype=ilong)),
        **_randint_part(),
        "err_sum0": E(lambda: rt.torch_sum(x, dim=0)),
        "err_mean0": E(lambda: x.mean(dim=0)),
        "err_argmax0": E(lambda: rt.torch_argmax(x, dim=0)),
        "err_cat0": E(lambda: rt.torch_cat([x, x], dim=0)),
        "err_softmax0": E(lambda: rt.torch_softmax(x, 0)),
        "err_unsqueeze0": E(lambda: x.unsqueeze(0)),
        "err_transpose0": E(lambda: x.transpose(0, 1)),
        "err_dim_range": E(lambda: rt.torch_sum(x, dim=3)),
        "err_dim_range_neg": E(lambda: rt.torch_sum(x, dim=-3)),
        "err_index_select0": E(lambda: rt.torch_index_select(x, 1, idx(0, 1))),
        "err_index_select_high": E(lambda: rt.torch_index_select(x, 1, idx(4))),
        "err_gather0": E(lambda: rt.torch_gather(x, 2, rt.torch_zeros(3, 1, dtype=ilong))),
        "err_one_hot0": E(lambda: nn.nnf_one_hot(idx(0, 1))),
    }


def _randint_part() -> dict[str, Any]:
    rt.torch_manual_seed(3)
    ri = rt.torch_randint(0.0, 3.0, size=2000)
    assert ri.min().item() == 0 and ri.max().item() == 2  # high is excluded
    return {
        "randint_min_max": D(ri.min().item(), ri.max().item()),  # float: R torch's default dtype
        "randint_values": T(rt.torch_randint(1.0, 7.0, [2.0, 5.0])),
        "randint_dtype": T(rt.torch_randint(0.0, 10.0, 3.0, dtype=rt.torch_long())),
        "randperm": T(rt.torch_randperm(6.0)),
    }


# ================================================================================================================
# ops.R
# ================================================================================================================

def expect_ops() -> dict[str, Any]:
    a = rt.torch_tensor([-7.5, -2, 0.5, 3, 7])
    b = rt.torch_tensor([2, 3, -2, 2.5, -4])
    n = rt.torch_tensor([-7, -3, 5, 9])
    m = rt.torch_tensor([2, 2, -3, 4])
    p = rt.torch_tensor([True, False, True, False])
    q = rt.torch_tensor([True, True, False, False])
    num = rt.torch_tensor  # an R number on the left of %% / %/%: a tensor, as R torch's methods make it
    land, lor, lnot = rt.torch_logical_and, rt.torch_logical_or, rt.torch_logical_not
    bool_ = rt.torch_scalar_tensor
    pos = rt.torch_tensor([0.25, 1, 2.5, 9])

    def trunc_div(x: Any, y: Any) -> rt.Tensor:
        return rt.torch_div(x, y, rounding_mode="trunc")

    def tl(*ts: rt.Tensor) -> dict:
        return TLIST(list(ts))

    z = rt.torch_tensor([1.0, 2, 3])
    z.add_(10.0)
    z.mul_(rt.torch_tensor([1, 0.5, 2]))
    z.clamp_(max=12.0)
    return {
        "add": tl(a + b, a + 2.0, 2.0 + a, a),
        "sub": tl(a - b, a - 1.5, 1.5 - a, -a),
        "mul": tl(a * b, a * 0.2, 3.0 * a),
        "div": tl(a / b, a / 4.0, 1.0 / a),
        "pow": tl(a ** 2.0, abs(a) ** b, 2.0 ** a, a ** 0.5, b ** -1),
        "fmod": tl(rt.torch_fmod(a, b), rt.torch_fmod(a, 2.0), rt.torch_fmod(num([10.0]), b), rt.torch_fmod(n, m),
                   rt.torch_fmod(n, 3)),
        "intdiv": tl(trunc_div(a, b), trunc_div(a, 2.0), trunc_div(num([10.0]), b), trunc_div(n, m),
                     trunc_div(n, 2)),
        "long_ops": tl(n + m, n * 2, n - 1, n / m, n * 0.5, n + True, -n),
        "int_power": tl(n ** 2, m ** 2.0),
        "bool_arith": tl(p + q, p * 2.0, p + 1),
        "vector_operand": tl(a + rt.torch_tensor([1.0, 2, 3, 4, 5]), rt.torch_tensor([5.0, 4, 3, 2, 1]) * a,
                             n + rt.torch_tensor([1, 2, 3, 4])),
        "matrix_broadcast": T(rt.torch_ones(2, 3) * rt.torch_tensor(rmat([1.0, 2, 3, 4, 5, 6], 2))),
        "broadcast": T(rt.torch_ones(2, 1) + rt.torch_tensor([1.0, 2, 3])),
        "compare": tl(a == b, a != 2.0, a < b, a <= 0.5, a > -2.0, a >= b, a < 3.0, a == 0.5, n >= m, n < 0),
        "logical": tl(lnot(p), land(p, q), lor(p, q), land(p, bool_(True)), lor(bool_(False), q),
                      land(a > 0.0, b > 0.0), lnot(a > 0.0)),
        "math": tl(rt.torch_exp(a), rt.torch_sqrt(pos), rt.torch_abs(a), rt.torch_abs(n), rt.torch_log(pos),
                   rt.torch_log(pos) / math.log(2), rt.torch_log(pos) / math.log(10), rt.torch_log2(pos),
                   rt.torch_log10(pos), rt.torch_log1p(pos), rt.torch_expm1(a), rt.torch_sign(a), rt.torch_floor(a),
                   rt.torch_ceil(a), rt.torch_trunc(a)),
        "trig": tl(rt.torch_sin(a), rt.torch_cos(a), rt.torch_tan(b), rt.torch_asin(pos / 10.0),
                   rt.torch_acos(pos / 10.0), rt.torch_atan(a), rt.torch_sinh(b), rt.torch_cosh(b), rt.torch_tanh(a)),
        "round": tl(rt.torch_round(rt.torch_tensor([0.5, 1.5, 2.5, -0.5, 2.567, -1.234])),
                    rt.torch_round(rt.torch_tensor([2.567, -1.234, 0.125]), decimals=2),
                    rt.torch_round(rt.torch_tensor([1234.5, 55]), decimals=-1)),
        "cumulative": tl(rt.torch_cumsum(a, dim=1), rt.torch_cumprod(b, dim=1)),
        "summary": tl(rt.torch_sum(a), rt.torch_prod(b), rt.torch_max(a), rt.torch_min(n), rt.torch_all(p),
                      rt.torch_any(p), rt.torch_mean(a), rt.torch_sum(n), rt.torch_max(p)),
        "summary_several": tl(a.sum() + b.sum(), a.prod() * b.prod(), rt.torch_maximum(a.max(), n.max()),
                              rt.torch_minimum(rt.torch_minimum(b.min(), a.min()), n.min()),
                              rt.torch_sum(rt.torch_ones(2, 3), dim=2),
                              rt.torch_prod(b.view([1, 5]), dim=2, keepdim=True)),
        "summary_number": {"r": "error", "message": "sum() on tensors takes tensors only, got Tensor, float"},
        "methods": tl(a.add(1.0), a.add(b, alpha=2.0), a.sub(b), a.mul(b), a.div(b),
                      a.div(b, rounding_mode="floor"), a.div(b, rounding_mode="trunc"), a.pow(2.0),
                      a.clamp(min=-1.0, max=1.0), a.remainder(b), a.fmod(-2.0), a.abs().sqrt(), a.exp().log(),
                      a.neg(), a.reciprocal(), a.sign()),
        "functions": LIST(*[x if isinstance(x, dict) else T(x) for x in (
            rt.torch_add(a, b), rt.torch_sub(a, 1.0), rt.torch_mul(2.0, a), rt.torch_div(a, 2.0), rt.torch_pow(a, 2.0),
            rt.torch_clamp(a, -1.0, 1.0), rt.torch_where(a > 0.0, a, b), rt.torch_maximum(a, b), rt.torch_minimum(a, b),
            rt.torch_remainder(a, 3.0), rt.torch_fmod(a, 3.0), rt.torch_div(a, b, rounding_mode="floor"),
            rt.torch_eq(a, b), item(rt.torch_allclose(a, a + 1e-9)), item(rt.torch_equal(n, n)),
            rt.torch_logical_xor(p, q), rt.torch_matmul(rt.torch_ones(2, 3), rt.torch_tensor([1.0, 2, 3])),
            rt.torch_mm(rt.torch_ones(2, 3), rt.torch_ones(3, 2)),
            rt.torch_einsum("ij,j->i", [rt.torch_ones(2, 3), rt.torch_tensor([1.0, 2, 3])]))]),
        "inplace": T(z),
        "division_by_zero": tl(a / 0.0, trunc_div(n, rt.torch_tensor([1, 1, 1, 1])),
                               rt.torch_tensor([0.0]) / 0.0),
    }


# ================================================================================================================
# indexing.R: the same selections with Python's 0-based subscripts
# ================================================================================================================

def expect_indexing() -> dict[str, Any]:
    x = rt.torch_tensor(rarray(range(1, 61), (3, 4, 5)))
    v = rt.torch_tensor([10.0, 20, 30, 40, 50, 60])
    m = rt.torch_tensor(rmat([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 3))

    def tl(*ts: Any) -> dict:
        return LIST(*[t if isinstance(t, dict) else T(t) for t in ts])

    def sh(t: rt.Tensor) -> dict:
        return I(*t.shape)

    out: dict[str, Any] = {
        "scalar_all": T(x[1, 2, 3]),
        "scalar_item": item(x[1, 2, 3].item()),
        "missing": tl(x[0], x[:, 1], x[:, :, 4], x[1, 2]),
        "N": tl(v[-1], x[-1, -1, -1], x[:, 1:, -1], v[2:]),
        "ellipsis": tl(x[..., 0], x[0, ...], x[0, ..., 1], x[..., 1:3]),
        "newaxis": tl(sh(x[:, 0, None]), sh(x[None, 0, 0, :]), sh(v[None, :]), sh(v[:, None]), x[0, None, :, 0]),
        "negative": tl(v[-1], v[-2], x[-1, -1, -1], x[:, -2], v[-3:-1], rt.torch_tensor([1, 2, 3])[-3:-1], v[-4:]),
        "ranges": tl(v[1:4], v[0:6:2], v[1:6:3], x[0:2, 1:3, 0:5:2], m[1:3]),
        "vectors": tl(v[[0, 2, 5]], v[[5, 0, 0]], x[[0, 2], 1][:, [4, 0]], x[[0, 2]][:, :, [4, 0]],
                      m[[2, 0]][:, [0, 2, 3]], m[[0, 2]][:, [0, 2, 3]], m[[2, 0]][:, [0, 2, 3]],
                      x[[0, 2]][:, [3, 0]][:, :, 1:3]),
        "masks": tl(v[v > 25.0], m[m % 2.0 == 0.0], x[x > 55],
                    v[rt.torch_tensor([True, False, True, False, False, True])], m[m[:, 0] > 1.0], m[:, m[0] > 3.0]),
        "drop_false": tl(sh(x[0:1]), sh(x[1:2, 2:3, 3:4]), m[1:2], v[2:3]),
        "long_index": tl(v[[0, 5, 1]], m[[2, 0]], x[1:2, [3, 0], 0], v[v.argmax().item() - 1]),
        "variables": tl(v[1], m[1, [0, 2]], v[1:4], x[1, :, [1, 3]]),
        "chained": tl(x[1][:, 2], m[:, 1][1], x[0].sum(), m.t()[3]),
    }
    y = v.clone()
    y[0] = 0.0
    y[-1] = -1.0
    y[2:4] = rt.torch_tensor([7.0, 8])
    out["assign_vector"] = T(y)
    y = m.clone()
    y[1] = 0.0
    y[:, 2] = rt.torch_tensor([-1.0, -2, -3])
    y[0, [0, 3]] = 100.0
    out["assign_matrix"] = T(y)
    y = m.clone()
    for i in (0, 2):
        for j in (1, 3):
            y[i, j] = 0.0
    for i in (1, 2):
        for j in (2, 3):
            y[i, j] = -1.0
    out["assign_outer"] = T(y)
    y = m.clone()
    y[y > 6.0] = 0.0
    out["assign_mask"] = T(y)
    y = m.clone()
    y[y > 6.0] = y[y > 6.0] * 10.0
    out["assign_mask_values"] = T(y)
    y = x.clone()
    y[..., 0] = rt.torch_zeros(3, 4)
    y[1, 2] = rt.torch_tensor([1, 2, 3, 4, 5])
    y[-1, -1, -1] = -5.0
    out["assign_3d"] = T(y)
    y = v.clone()
    y[[1, 4]] = rt.torch_tensor([-2.0, -5])
    out["assign_long_index"] = T(y)
    grad_h = rt.torch_tensor([-1.0, 2, -3, 4])
    h = rt.torch_tensor([-0.5, 1, -2, 3])
    grad_h[h < 0.0] = 0.0
    out["assign_seed_mask"] = T(grad_h)
    out |= {
        "err_zero": {"r": "error", "message": "Indexing starts at 1 but found a 0."},
        # R's subscripts count from 1 in the message too (R torch's wording); Python's x[6] reads 0-based
        "err_out_of_range": {"r": "error", "message": "index 7 is out of bounds for dimension 1 with size 6"},
        "err_too_many": E(lambda: m[0, 0, 0]),
        "err_long_zero": {"r": "error", "message": "Indexing starts at 1 but found a 0."},
    }
    return out


# ================================================================================================================
# nn.R
# ================================================================================================================

def _block_initialize(self: Any, d_in: int, d_out: int) -> None:
    self.fc = nn.nn_linear(d_in, d_out)
    self.scale = nn.nn_parameter(rt.torch_ones(d_out))
    self.calls = 0.0


def _block_forward(self: Any, x: rt.Tensor) -> rt.Tensor:
    self.calls = self.calls + 1
    return self.fc(x) * self.scale


def _res_initialize(self: Any, d: int) -> None:
    self.super.initialize(d, d)
    self.shift = nn.nn_buffer(rt.torch_zeros(d) + 0.5)


def _net_initialize(self: Any, d_in: int, hidden: int, n_classes: int) -> None:
    self.body = nn.nn_sequential(Block(d_in, hidden), nn.nn_relu(), ResBlock(hidden))
    self.head = nn.nn_linear(hidden, n_classes)


Block = nn.nn_module("Block", initialize=_block_initialize, forward=_block_forward)
ResBlock = nn.nn_module("ResBlock", inherit=Block, initialize=_res_initialize,
                        forward=lambda self, x: x + rt.torch_tanh(self.super.forward(x)) - self.shift)
Net = nn.nn_module("Net", initialize=_net_initialize, forward=lambda self, x: self.head(self.body(x)))


def expect_nn() -> dict[str, Any]:
    out: dict[str, Any] = {}
    rt.torch_manual_seed(11)
    model = Net(4.0, 8.0, 3.0)
    x = rt.torch_randn(16.0, 4.0)
    y = rt.torch_randint(1.0, 4.0, size=16.0, dtype=rt.torch_long())
    out["init_params"] = TLIST(model.parameters)
    out["class"] = S("Net", "nn_module")
    out["child_class"] = S("ResBlock", "nn_module")
    out["n_children"] = I(len(model), len(model.body))
    out["param_names"] = S(*model.parameters)
    out["buffer_names"] = S(*model.buffers)
    out["state_dict_names"] = S(*model.state_dict())
    out["describe"] = S(f"ResBlock with {len(model.body[2].parameters)} parameters")
    out["forward"] = T(model(x))
    out["pipe"] = T(rt.torch_sum(model.body(x), dim=2))
    opt = optim.optim_adam(model.parameters, lr=0.01)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = nn.nnf_cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    out["losses"] = D(*losses)
    out["trained_params"] = TLIST(model.parameters)
    out["grads"] = TLIST({k: v.grad for k, v in model.parameters.items()})
    out["calls"] = D(model.body[0].calls, model.body[2].calls)
    model.eval()
    out["training_flags"] = L(model.training, model.body.training, model.body[0].training)
    model.train()
    out["training_again"] = L(model.body[2].training)
    model.zero_grad()
    out["grad_after_zero_grad"] = T(model.head.bias.grad)

    rt.torch_manual_seed(5)
    seq_model = nn.nn_sequential(nn.nn_linear(3, 6), nn.nn_tanh(), nn.nn_linear(6, 1))
    xs = rt.torch_randn(20, 3)
    ys = xs.sum(dim=2, keepdim=True)
    opt = optim.optim_adam(seq_model.parameters, lr=0.05)
    for _ in range(4):
        opt.zero_grad()
        loss = nn.nnf_mse_loss(seq_model(xs), ys)
        loss.backward()
        opt.step()
    out["seq_params"] = TLIST(seq_model.parameters)

    rt.torch_manual_seed(2)
    logits = rt.torch_randn(5, 4, requires_grad=True)
    target = rt.torch_tensor([1, 4, 2, 2, 3])
    ce, nll = nn.nnf_cross_entropy, nn.nnf_nll_loss
    out |= {
        "ce": T(ce(logits, target)),
        "ce_none": T(ce(logits, target, reduction="none")),
        "ce_weight": T(ce(logits, target, weight=rt.torch_tensor([1.0, 2, 0.5, 1]))),
        "ce_ignore": T(ce(logits, target, ignore_index=2.0)),
        "ce_smoothing": T(ce(logits, target, label_smoothing=0.1)),
        "nll": T(nll(nn.nnf_log_softmax(logits, dim=2), target)),
        "nll_ignore_sum": T(nll(nn.nnf_log_softmax(logits, 2), target, ignore_index=4.0, reduction="sum")),
        "ce_module_ignore": T(nn.nn_cross_entropy_loss(ignore_index=1.0)(logits, target)),
        "nll_module": T(nn.nn_nll_loss(reduction="none")(rt.torch_log_softmax(logits, 2), target)),
        "multi_margin": T(nn.nnf_multi_margin_loss(logits, target)),
    }
    images = rt.torch_randn(2, 3, 2, 2)
    pixels = rt.torch_randint(1.0, 4.0, [2.0, 2.0, 2.0], dtype=rt.torch_long())
    out["ce_spatial"] = T(ce(images, pixels))
    ce(logits, target, ignore_index=4.0).backward()
    out["ce_grad"] = T(logits.grad)
    out["ce_target0"] = E(lambda: ce(logits, rt.torch_tensor([0, 1, 1, 1, 1])))
    out["ce_target_high"] = E(lambda: ce(logits, rt.torch_tensor([5, 1, 1, 1, 1])))
    out["nll_target0"] = E(lambda: nll(logits, rt.torch_tensor([1, 0, 1, 1, 1])))
    return out


# ================================================================================================================
# optim.R
# ================================================================================================================

def expect_optim() -> dict[str, Any]:

    out: dict[str, Any] = {}
    rt.torch_manual_seed(21)
    w0 = rt.torch_randn(3, 2)
    xs = rt.torch_randn(8, 3)
    ys = rt.torch_randn(8, 2)

    def f(w: rt.Tensor) -> rt.Tensor:
        return ((xs.mm(w) - ys) ** 2.0).mean()

    def trajectory(make_opt: Callable, steps: int = 5) -> dict:
        w = w0.clone().requires_grad_(True)
        opt = make_opt([w])
        traj = []
        for _ in range(steps):
            opt.zero_grad()
            f(w).backward()
            opt.step()
            traj.append(w.detach().clone())
        return TLIST(traj)

    out["sgd"] = trajectory(lambda p: optim.optim_sgd(p, lr=0.1))
    out["sgd_momentum"] = trajectory(lambda p: optim.optim_sgd(p, lr=0.1, momentum=0.9))
    out["sgd_nesterov_wd"] = trajectory(lambda p: optim.optim_sgd(p, lr=0.05, momentum=0.8, nesterov=True,
                                                              weight_decay=0.01))
    out["sgd_dampening"] = trajectory(lambda p: optim.optim_sgd(p, lr=0.1, momentum=0.5, dampening=0.1))
    out["adam"] = trajectory(lambda p: optim.optim_adam(p, lr=0.05))
    out["adam_amsgrad_wd"] = trajectory(lambda p: optim.optim_adam(p, lr=0.05, betas=[0.8, 0.9], amsgrad=True,
                                                               weight_decay=0.1))
    out["adamw"] = trajectory(lambda p: optim.optim_adamw(p, lr=0.05))
    out["rmsprop"] = trajectory(lambda p: optim.optim_rmsprop(p, lr=0.01))
    out["rmsprop_centered"] = trajectory(lambda p: optim.optim_rmsprop(p, lr=0.01, alpha=0.9, momentum=0.5,
                                                                   centered=True))
    out["adagrad"] = trajectory(lambda p: optim.optim_adagrad(p, lr=0.1, lr_decay=0.01))

    calls = [0]

    def lbfgs(w: rt.Tensor, **kw: Any) -> tuple[Any, Callable]:
        opt = optim.optim_lbfgs([w], **kw)

        def closure() -> rt.Tensor:
            calls[0] += 1
            opt.zero_grad()
            loss = f(w)
            loss.backward()
            return loss

        return opt, closure

    w = w0.clone().requires_grad_(True)
    opt, closure = lbfgs(w, lr=1.0, max_iter=10.0)
    out["lbfgs_first_loss"] = T(opt.step(closure))
    opt.step(closure)
    out["lbfgs_w"] = T(w)
    out["lbfgs_calls"] = D(calls[0])
    w = w0.clone().requires_grad_(True)
    opt, closure = lbfgs(w, lr=0.5, max_iter=8.0, history_size=3.0, line_search_fn="strong_wolfe")
    for _ in range(2):
        opt.step(closure)
    out["lbfgs_wolfe_w"] = T(w)

    w = w0.clone().requires_grad_(True)
    opt = optim.optim_sgd([w], lr=0.1)

    def sgd_closure() -> rt.Tensor:
        opt.zero_grad()
        loss = f(w)
        loss.backward()
        return loss

    out["sgd_closure_value"] = T(opt.step(sgd_closure))
    out["step_without_closure"] = NULL if opt.step() is None else {"r": "not NULL"}
    opt.step()
    opt.zero_grad()
    out["visibility"] = L(True, False)
    out["w_after_closure_steps"] = T(w)

    w1 = rt.torch_ones(2, requires_grad=True)
    w2 = rt.torch_ones(2, requires_grad=True)
    opt = optim.optim_sgd([{"params": [w1], "lr": 0.5}, {"params": [w2]}], lr=0.01, momentum=0.9)
    out["group_lrs"] = D(*[g["lr"] for g in opt.param_groups])
    out["group_momentum"] = D(*[g["momentum"] for g in opt.param_groups])
    for _ in range(3):
        opt.zero_grad()
        ((w1 * 2.0).sum() + (w2 ** 2.0).sum()).backward()
        opt.step()
    out["groups_trained"] = TLIST([w1, w2])
    opt.add_param_group({"params": [rt.torch_zeros(1, requires_grad=True)], "lr": 0.2})
    out["added_group"] = LIST(I(len(opt.param_groups)), D(opt.param_groups[2]["lr"]),
                              D(opt.param_groups[2]["momentum"]))
    d = opt.defaults
    out["defaults"] = LIST(D(d["lr"]), D(d["momentum"]), D(d["dampening"]), D(d["weight_decay"]),
                           L(d["nesterov"]), names=["lr", "momentum", "dampening", "weight_decay", "nesterov"])
    out["invalid_lr"] = E(lambda: optim.optim_sgd([w1], lr=-1.0))
    out["invalid_betas"] = E(lambda: optim.optim_adam([w1], betas=[1.5, 0.9]))

    def lr_trace(opt: Any, sched: Any, n: int, momentum: bool = False) -> dict:
        trace = []
        for _ in range(n):
            trace.append(opt.param_groups[0]["momentum" if momentum else "lr"])
            opt.step()
            sched.step()
        return D(*trace)

    def new_sgd(**kw: Any) -> Any:
        return optim.optim_sgd([rt.torch_zeros(1, requires_grad=True)], lr=0.1, **kw)

    opt = new_sgd()
    out["lr_step"] = lr_trace(opt, optim.lr_step(opt, step_size=3.0, gamma=0.5), 10)
    opt = new_sgd()
    out["lr_lambda"] = lr_trace(opt, optim.lr_lambda(opt, lr_lambda=lambda epoch: 0.95 ** epoch), 6)
    opt = new_sgd()
    out["lr_lambda_closure"] = lr_trace(opt, optim.lr_lambda(opt, lambda e: 1 / (1 + 2.0 * e)), 6)
    opt = new_sgd()
    out["lr_multiplicative"] = lr_trace(opt, optim.lr_multiplicative(opt, lr_lambda=lambda e: 0.9), 5)
    opt = new_sgd(momentum=0.9)
    out["lr_one_cycle"] = lr_trace(opt, optim.lr_one_cycle(opt, max_lr=1.0, total_steps=10.0), 10)
    opt = new_sgd(momentum=0.9)
    out["lr_one_cycle_momentum"] = lr_trace(opt, optim.lr_one_cycle(opt, max_lr=1.0, total_steps=10.0), 10,
                                            momentum=True)
    opt = new_sgd(momentum=0.9)
    out["lr_one_cycle_linear"] = lr_trace(opt, optim.lr_one_cycle(opt, max_lr=0.5, epochs=2.0, steps_per_epoch=5.0,
                                                              anneal_strategy="linear", pct_start=0.4), 10)
    opt = new_sgd()
    out["lr_cosine"] = lr_trace(opt, optim.lr_cosine_annealing(opt, T_max=4.0, eta_min=0.01), 9)

    w = w0.clone().requires_grad_(True)
    opt = optim.optim_adam([w], lr=0.1)
    sched = optim.lr_step(opt, step_size=2.0, gamma=0.1)
    for _ in range(6):
        opt.zero_grad()
        f(w).backward()
        opt.step()
        sched.step()
    out["adam_with_lr_step"] = T(w)
    return out


# ================================================================================================================
# autograd.R
# ================================================================================================================

def expect_autograd() -> dict[str, Any]:
    out: dict[str, Any] = {}
    rt.torch_manual_seed(4)
    x = rt.torch_randn(3, 2, requires_grad=True)
    w = rt.torch_randn(2, requires_grad=True)
    y = (x * w).sum()
    y.backward()
    out["grad_x"] = T(x.grad)
    out["grad_w"] = T(w.grad)
    z = (x ** 2.0 * w).mean()
    z.backward(retain_graph=True)
    out["grad_x_accumulated"] = T(x.grad)
    z.backward()
    out["grad_x_twice"] = T(x.grad)
    x.grad.zero_()
    out["grad_zeroed"] = T(x.grad)
    (x.sum() * 3.0).backward()
    out["grad_after_zero"] = T(x.grad)
    out["fields"] = LIST(L(x.requires_grad), L(x.is_leaf), L(y.is_leaf), L(y.requires_grad),
                         L(x.grad.requires_grad))
    out["backward_again"] = E(lambda: y.backward())
    out["backward_nonscalar"] = E(lambda: (x * 2.0).backward())
    (x * 2.0).backward(gradient=rt.torch_ones(3, 2) * 0.5)
    out["grad_with_gradient"] = T(x.grad)

    a = rt.torch_tensor([1.5, -2, 3], requires_grad=True)
    b = rt.torch_tensor([0.5, 4, -1], requires_grad=True)
    g = rt.autograd_grad((a ** 3.0 * b).sum(), [a, b], create_graph=True)
    out["autograd_grad"] = TLIST(g)
    out["second_order"] = TLIST(rt.autograd_grad(g[0].sum(), a))
    unused = rt.autograd_grad((a * 2.0).sum(), [a, b], allow_unused=True)
    out["allow_unused"] = LIST(T(unused[0]), NULL if unused[1] is None else T(unused[1]))
    out["grad_outputs"] = TLIST(rt.autograd_grad(a * b, a, grad_outputs=rt.torch_tensor([1.0, 0, -1])))
    out["a_grad_untouched"] = NULL if a.grad is None else T(a.grad)
    rt.autograd_backward([(a * b).sum(), (a ** 2.0).sum()])
    out["autograd_backward"] = TLIST([a.grad, b.grad])
    rt.autograd_backward(a * b, grad_tensors=rt.torch_tensor([2.0, 2, 2]))
    out["autograd_backward_weighted"] = T(a.grad)
    out["grad_unused"] = E(lambda: rt.autograd_grad((a * 2.0).sum(), [a, b]))

    def exp_forward(ctx: Any, i: rt.Tensor) -> rt.Tensor:
        result = i.exp()
        ctx.save_for_backward(result=result)
        return result

    def mul_forward(ctx: Any, p: rt.Tensor, q: rt.Tensor, k: float) -> rt.Tensor:
        ctx.save_for_backward(p, q)
        ctx.k = k
        return p * q * k

    def mul_backward(ctx: Any, grad: rt.Tensor) -> dict:
        s = ctx.saved_variables
        return {"p": grad * s[1] * ctx.k, "q": grad * s[0] * ctx.k}

    my_exp = rt.autograd_function(exp_forward, lambda ctx, go: {"i": go * ctx.saved_variables["result"]})
    scaled_mul = rt.autograd_function(mul_forward, mul_backward)
    p = rt.torch_tensor([0.1, 0.2, -0.3], requires_grad=True)
    q = rt.torch_tensor([2.0, -1, 0.5], requires_grad=True)
    e = my_exp(p)
    out["custom_forward"] = T(e)
    e.sum().backward()
    out["custom_grad"] = T(p.grad)
    r = scaled_mul(p, q, 3.0)
    (r ** 2.0).sum().backward()
    out["custom_two_inputs"] = TLIST([r, p.grad, q.grad])

    with rt.local_no_grad():
        nx = x * 2.0
    out["with_no_grad"] = LIST(L(nx.requires_grad), NULL if nx.grad_fn is None else {"r": "object"})
    with rt.local_no_grad():
        x.sub_(x.grad * 0.1)
    out["sgd_by_hand"] = LIST(T(x), L(x.requires_grad), L(x.is_leaf))
    with rt.local_no_grad():
        inside = (x * 2.0).requires_grad
    out["local_no_grad"] = L(inside, (x * 2.0).requires_grad)
    with rt.local_no_grad(), rt.local_enable_grad():
        out["with_enable_grad"] = L((x * 2.0).requires_grad)
    d = x.detach()
    out["detach"] = LIST(L(d.requires_grad), L(d.is_leaf))
    out["inplace_on_leaf"] = E(lambda: x.add_(1.0))

    h = x.mm(w.unsqueeze(2))
    h.retain_grad()
    out["retain_grad_invisible"] = L(False)
    seen = []

    def hook(grad: rt.Tensor) -> rt.Tensor:
        seen.append(grad.clone())
        return grad * 2.0

    handle = h.register_hook(hook)
    out["hook_handle"] = LIST(S("torch_hook", "py_object"), P(handle))
    x.grad.zero_()
    w.grad = None
    (h ** 2.0).sum().backward()
    out["retained"] = T(h.grad)
    out["hook_saw"] = TLIST(seen)
    out["grad_through_hook"] = TLIST([x.grad, w.grad])
    leaf = rt.torch_tensor([1.0, 2], requires_grad=True)
    leaf_hook = leaf.register_hook(lambda g: g + 100.0)
    (leaf * 3.0).sum().backward()
    out["leaf_hook"] = T(leaf.grad)
    leaf_hook.remove()
    (leaf * 3.0).sum().backward()
    out["leaf_hook_removed"] = T(leaf.grad)
    return out


# ================================================================================================================
# printing.R
# ================================================================================================================

def r_list_print(d: dict[str, Any]) -> str:
    """What R's print() of a named list of tensors writes: ``$name`` (backquoted when not syntactic), the
    element's print, a blank line."""
    import re

    def label(name: str) -> str:
        return name if re.fullmatch(r"[A-Za-z.][A-Za-z0-9._]*", name) and not re.match(r"\.[0-9]", name) \
            else f"`{name}`"

    return "".join(f"${label(k)}\n{r_format(v)}\n" for k, v in d.items())


def _printing_net_initialize(self: Any) -> None:
    self.conv = nn.nn_conv2d(1, 4, 3)
    self.fc = nn.nn_linear(16, 2)
    self.w = nn.nn_parameter(rt.torch_zeros(5))
    self.running = nn.nn_buffer(rt.torch_ones(3, 2))


def expect_printing() -> dict[str, Any]:
    out: dict[str, Any] = {}
    rt.torch_manual_seed(9)
    t = rt.torch_tensor
    out |= {
        "float_2d": P(rt.torch_randn(3, 4)),
        "float_1d": P(t([1.5, -2, 3.25])),
        "float_0d": P(rt.torch_scalar_tensor(3.14159)),
        "float_3d": P(rt.torch_randn(2, 3, 2)),
        "float_4d": P(rt.torch_arange(1.0, 24.0).view([2, 2, 3, 2])),
        "float_scale": P(t([12345.678, 0.001, -5])),
        "float_small": P(t([1e-5, 2e-6, -3e-5])),
        "float_ints": P(t([1.0, 2, 300])),
        "float_special": P(t([1.0, math.nan, math.inf, -math.inf])),
        "double": P(rt.torch_randn(2, 2, dtype=rt.torch_double())),
        "long": P(t([[1, 300], [-20, 4]])),
        "int32": P(t([1, 2, 3], dtype=rt.torch_int())),
        "bool": P(t([True, False, True])),
        "uint8": P(t([1.0, 255], dtype=rt.torch_uint8())),
        "half": P(t([0.5, 1.25], dtype=rt.torch_half())),
        "empty": P(rt.torch_zeros(0)),
        "empty_2d": P(rt.torch_zeros(2, 0)),
        "long_vector": P(rt.torch_randn(100)),
        "long_vector_n": P(rt.torch_randn(50), 5),
        "long_vector_all": P(rt.torch_arange(1.0, 40.0), -1),
        "wide": P(rt.torch_randn(2, 30)),
        "requires_grad": P(t([1.0, 2], requires_grad=True)),
        "grad_fn_tensor": P(t([1.0, 2], requires_grad=True) * 2.0),
        "requires_grad_option": P(t([1.0, 2], requires_grad=True), 30, True),
        "grad_fn_option": P(t([1.0, 2], requires_grad=True) * 2.0, 30, True),
        "grad_fn": P((t([1.0, 2], requires_grad=True) * 2.0).grad_fn),
        "grad_fn_sum": P(rt.torch_ones(2, requires_grad=True).sum().grad_fn),
        "dtypes": S(*[r_format(d) for d in (rt.torch_float(), rt.torch_long(), rt.torch_bool(), rt.torch_float64())]),
    }
    rt.torch_manual_seed(10)
    lin = nn.nn_linear(3, 2)
    seq = nn.nn_sequential(nn.nn_linear(2, 3), nn.nn_relu(), nn.nn_linear(3, 1))
    out["parameters_linear"] = S(r_list_print(lin.parameters))
    out["parameters_sequential"] = S(r_list_print(seq.parameters))
    out["module_linear"] = P(lin)
    out["module_sequential"] = P(seq)
    net_class = nn.nn_module("Net", initialize=_printing_net_initialize, forward=lambda self, x: self.fc(x))
    out["module_r_defined"] = P(net_class())
    out["module_generator"] = P(net_class)
    out["module_relu"] = P(nn.nn_relu())
    out["module_dropout"] = P(nn.nn_dropout(0.3))
    opt_adam = optim.optim_adam(lin.parameters, lr=0.01)
    out["optimizer_adam"] = P(opt_adam)
    out["optimizer_sgd"] = P(optim.optim_sgd(lin.parameters, lr=0.1, momentum=0.9))
    out["scheduler"] = P(optim.lr_step(opt_adam, step_size=2.0))
    assert opt_adam.step() is None
    out["step_null"] = S("NULL\n")
    return out


# ================================================================================================================
# errors.R
# ================================================================================================================

def expect_errors() -> dict[str, Any]:
    x = rt.torch_ones(2, 3)

    def err(message: str) -> dict:
        return {"r": "error", "message": message}

    def set_parameters() -> None:
        nn.nn_linear(1, 1).parameters = {}

    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = nn.nnf_mse_loss(rt.torch_ones(3, 1), rt.torch_ones(3))
    return {
        "broadcast": E(lambda: x + rt.torch_ones(4)),
        "mm_shapes": E(lambda: x.mm(rt.torch_ones(2, 2))),
        "matmul_shapes": E(lambda: rt.torch_matmul(x, rt.torch_ones(4))),
        "view": E(lambda: x.view([4.0, 2.0])),
        "cat_shapes": E(lambda: rt.torch_cat([x, rt.torch_ones(2, 2)], dim=1)),
        "requires_grad_long": E(lambda: rt.torch_tensor([1, 2, 3], requires_grad=True)),
        "backward_no_grad": E(lambda: x.sum().backward()),
        "linear_shapes": E(lambda: nn.nn_linear(4, 2)(x)),
        "invalid_lr": E(lambda: optim.optim_adam([rt.torch_ones(1, requires_grad=True)], lr=-0.5)),
        "invalid_momentum": E(lambda: optim.optim_sgd([rt.torch_ones(1, requires_grad=True)], lr=0.1,
                                                      momentum=-1.0)),
        "reshape": E(lambda: rt.torch_reshape(x, [5.0, -1.0])),
        "unknown_reduction": E(lambda: nn.nnf_mse_loss(x, x, reduction="average")),
        "parameters_read_only": E(set_parameters),
        "factor": err("factors are not supported by torch: convert with as.integer() or as.character() first"),
        "index_zero": err("Indexing starts at 1 but found a 0."),
        "dim_zero": E(lambda: x.sum(dim=0)),
        "after_errors": T((x * 2.0).sum()),
        "trycatch": S("caught"),
        "try": L(True),
        "condition_is_error": L(True),
        "message_via_condition": S(E(lambda: x.mm(x))["message"]),
        "r_error_in_forward": err("forward failed: 3x2"),
        "r_error_in_sequential": err("forward failed: 1x2"),
        "r_error_in_closure": err("closure failed"),
        "r_error_in_lr_lambda": err("lambda failed at 1"),
        "r_error_in_hook": err("hook failed"),
        "r_error_in_backward": err("custom backward failed"),
        "python_error_in_r_callback": E(lambda: nn.nn_linear(2, 1).weight.mm(rt.torch_ones(5, 5))),
        "still_fine": D(2.0),
        "warning_message": S(*[str(w.message) for w in caught]),
        "warning_value": T(value),
    }


# ================================================================================================================
# the tests
# ================================================================================================================

EXPECT: dict[str, Callable[[], dict[str, Any]]] = {
    name[len("expect_"):]: fn for name, fn in dict(globals()).items() if name.startswith("expect_")
}
SCRIPTS = sorted(p.stem for p in CONF.glob("*.R") if p.name != "emit.R")
# the scripts Rscript runs too (R hosting Python): each costs an R and a Python start (~1 s), so all of them
RSCRIPT = SCRIPTS


def test_every_script_has_expectations():
    assert SCRIPTS and sorted(EXPECT) == SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_under_rpy2(clean_r, script):
    got = parse(run_in_session(clean_r, CONF / f"{script}.R"))
    compare(got, EXPECT[script]())


@pytest.mark.parametrize("script", RSCRIPT)
def test_script_under_rscript(r_env, script):
    got = parse(run_with_rscript(r_env, CONF / f"{script}.R"))
    compare(got, EXPECT[script]())


if __name__ == "__main__":  # pragma: no cover - print one script's expectations: python test_conformance.py NAME
    for k, v in EXPECT[sys.argv[1]]().items():
        print(k, json.dumps(v))
