"""The torch_* functions of functions_stats / functions_index / functions_shape / special / dtype_info:
values against PyTorch 2.13 (tests/fixtures/api_functions.json, written by tools/make_api_fixtures.py),
float64 finite-difference gradients of every differentiable one, R conventions and error messages."""

from __future__ import annotations

import builtins
import json
import math
from pathlib import Path

import numpy as np
import pytest
from gradcheck import gradcheck

import rtorch_py as R
from rtorch_py import Tensor, torch_tensor

CASES = json.loads((Path(__file__).parent / "fixtures" / "api_functions.json").read_text())["cases"]
# The fixture's calls are written as in R; these names make them valid Python too.
R_SYNTAX = {"TRUE": True, "FALSE": False, "c": lambda *a: builtins.list(a), "list": lambda *a: builtins.list(a)}


def _tensor(spec: dict) -> Tensor:
    return torch_tensor(np.array(spec["v"], dtype=spec["dtype"]).reshape(spec["shape"]))


def _compare(got: object, want: object, name: str) -> None:
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), name
        for g, w in zip(got, want):
            _compare(g, w, name)
        return
    assert isinstance(got, Tensor), name
    assert list(got.shape) == want["shape"], (name, got.shape, want["shape"])
    exp = np.array(want["v"], dtype=np.float64).reshape(want["shape"])
    np.testing.assert_allclose(got._data.astype(np.float64), exp, rtol=1e-6, atol=1e-9, equal_nan=True,
                               err_msg=name)
    kind = {"float64": "f", "float32": "f", "int64": "i", "int32": "i", "bool": "b"}[want["dtype"]]
    assert got._data.dtype.kind == kind, (name, got._data.dtype, want["dtype"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_values_match_pytorch(case: dict) -> None:
    env = {**vars(R), **R_SYNTAX, **{f"a{i}": _tensor(s) for i, s in enumerate(case["inputs"])}}
    got = eval(case["r"], env)  # noqa: S307 - the fixture's own expressions
    _compare(got, case["out"], case["name"])


# -- gradients (float64 finite differences, several shapes, broadcasting) ------------------------------------

rng = np.random.default_rng(7)


def f(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape)


def distinct(*shape: int) -> np.ndarray:
    n = int(np.prod(shape))
    return (rng.permutation(n) + rng.uniform(-0.3, 0.3, n)).reshape(shape)


def pos(*shape: int) -> np.ndarray:
    return rng.uniform(0.5, 3.0, shape)


GRADS = [
    ("median_all", lambda x: R.torch_median(x), [distinct(3, 4)]),
    ("median_dim", lambda x: R.torch_median(x, 2)[0], [distinct(3, 5)]),
    ("nanmedian", lambda x: R.torch_nanmedian(x, 1)[0], [distinct(4, 2)]),
    ("kthvalue", lambda x: R.torch_kthvalue(x, 2, 1, True)[0], [distinct(4, 3)]),
    ("mode", lambda x: R.torch_mode(x, 2)[0], [distinct(2, 3)]),
    ("quantile", lambda x: R.torch_quantile(x, torch_tensor([0.2, 0.7], dtype=R.torch_float64()), dim=2),
     [distinct(3, 6)]),
    ("quantile_all", lambda x: R.torch_quantile(x, 0.35), [distinct(7)]),
    ("nanquantile", lambda x: R.torch_nanquantile(x, 0.5, dim=1, keepdim=True), [distinct(5, 2)]),
    ("cummax", lambda x: R.torch_cummax(x, 2)[0], [distinct(3, 5)]),
    ("cummin", lambda x: R.torch_cummin(x, 1)[0], [distinct(4, 2)]),
    ("logcumsumexp", lambda x: R.torch_logcumsumexp(x, 2), [f(3, 4) * 5]),
    ("nansum", lambda x: R.torch_nansum(x, 2), [f(3, 4)]),
    ("nanmean", lambda x: R.torch_nanmean(x), [f(3, 4)]),
    ("diff", lambda x, p: R.torch_diff(x, 2, 1, prepend=p), [f(4, 3), f(1, 3)]),
    ("trapz", lambda y, x: R.torch_trapz(y, x), [f(3, 5), np.sort(f(5))]),
    ("renorm", lambda x: R.torch_renorm(x, 2, 2, 1.0), [f(3, 4) * 2]),
    ("lgamma", lambda x: R.torch_lgamma(x), [pos(5)]),
    ("digamma", lambda x: R.torch_digamma(x), [pos(2, 3)]),
    ("polygamma", lambda x: R.torch_polygamma(1, x), [pos(4)]),
    ("mvlgamma", lambda x: R.torch_mvlgamma(x, 2), [pos(3) + 1]),
    ("erfc", lambda x: R.torch_erfc(x), [f(5)]),
    ("erfinv", lambda x: R.torch_erfinv(x), [rng.uniform(-0.9, 0.9, 5)]),
    ("i0", lambda x: R.torch_i0(x), [f(5) * 2]),
    ("logit", lambda x: R.torch_logit(x), [rng.uniform(0.1, 0.9, (2, 3))]),
    ("logaddexp", lambda a, b: R.torch_logaddexp(a, b), [f(3, 4), f(4)]),
    ("logaddexp2", lambda a, b: R.torch_logaddexp2(a, b), [f(2, 1), f(1, 3)]),
    ("hypot", lambda a, b: R.torch_hypot(a, b), [f(3, 2), f(2)]),
    ("exp2", lambda x: R.torch_exp2(x), [f(4)]),
    ("deg2rad", lambda x: R.torch_deg2rad(x), [f(4)]),
    ("frac", lambda x: R.torch_frac(x), [f(4) * 3 + 0.1]),
    ("ldexp", lambda x: R.torch_ldexp(x, torch_tensor([1, -2, 3])), [f(2, 3)]),
    ("xlogy", lambda x, y: R.torch_xlogy(x, y), [f(3), pos(3)]),
    ("sinc", lambda x: R.torch_sinc(x), [f(4)]),
    ("take", lambda x: R.torch_take(x, torch_tensor([[1, 6], [6, 2]])), [f(2, 3)]),
    ("take_along_dim", lambda x: R.torch_take_along_dim(x, torch_tensor([[2, 1]]), dim=2), [f(3, 2)]),
    ("index", lambda x: R.torch_index(x, [torch_tensor([1, 2, 1]), torch_tensor([3, 1, 3])]), [f(2, 3)]),
    ("index_put", lambda x, v: R.torch_index_put(x, [torch_tensor([1, 1])], v, accumulate=True), [f(3, 2), f(2)]),
    ("index_add", lambda x, s: R.torch_index_add(x, 2, torch_tensor([1, 3, 1]), s, alpha=2), [f(2, 3), f(2, 3)]),
    ("index_fill", lambda x: R.torch_index_fill(x, 1, torch_tensor([2]), 0.5), [f(3, 2)]),
    ("index_copy", lambda x, s: R.torch_index_copy(x, 1, torch_tensor([3, 1]), s), [f(3, 2), f(2, 2)]),
    ("scatter_reduce_mean", lambda x, s: R.torch_scatter_reduce(x, 1, torch_tensor([1, 1, 3]), s, "mean"),
     [f(3), f(3)]),
    ("put", lambda x, s: R.torch_put(x, torch_tensor([4, 1]), s, accumulate=True), [f(2, 2), f(2)]),
    ("repeat_interleave", lambda x: R.torch_repeat_interleave(x, torch_tensor([2, 0, 1]), dim=1), [f(3, 2)]),
    ("meshgrid", lambda a, b: R.torch_meshgrid([a, b])[1] * R.torch_meshgrid([a, b])[0], [f(2), f(3)]),
    ("tensordot", lambda a, b: R.torch_tensordot(a, b, [[2, 1], [1, 2]]), [f(3, 2, 2), f(2, 3, 2)]),
    ("kron", lambda a, b: R.torch_kron(a, b), [f(2, 2), f(1, 3)]),
    ("cross", lambda a, b: R.torch_cross(a, b, dim=1), [f(3, 2), f(3, 1)]),
    ("cdist", lambda a, b: R.torch_cdist(a, b), [f(2, 3), f(4, 3)]),
    ("pdist", lambda a: R.torch_pdist(a), [f(4, 3)]),
    ("diag_embed", lambda a: R.torch_diag_embed(a, -1, 3, 1), [f(2, 3)]),
    ("diagflat", lambda a: R.torch_diagflat(a, 1), [f(2, 2)]),
    ("block_diag", lambda a, b: R.torch_block_diag([a, b]), [f(2, 1), f(2)]),
    ("cartesian_prod", lambda a, b: R.torch_cartesian_prod([a, b]), [f(2), f(3)]),
    ("combinations", lambda a: R.torch_combinations(a, 2), [f(4)]),
    ("rot90", lambda a: R.torch_rot90(a, 1, [1, 3]), [f(2, 3, 2)]),
    ("vander", lambda a: R.torch_vander(a), [f(3)]),
    ("atleast_3d", lambda a: R.torch_atleast_3d(a) * 2, [f(3)]),
    ("dstack", lambda a, b: R.torch_dstack([a, b]), [f(2, 2), f(2, 2)]),
    ("addbmm", lambda s, a, b: R.torch_addbmm(s, a, b, beta=0.5, alpha=2), [f(2), f(3, 2, 4), f(3, 4, 2)]),
    ("baddbmm", lambda s, a, b: R.torch_baddbmm(s, a, b), [f(2, 1), f(2, 2, 3), f(2, 3, 1)]),
    ("addmv", lambda s, m, v: R.torch_addmv(s, m, v, alpha=-1), [f(1), f(2, 3), f(3)]),
    ("addr", lambda s, a, b: R.torch_addr(s, a, b, beta=3), [f(2, 3), f(2), f(3)]),
    ("pixel_shuffle", lambda a: R.torch_pixel_shuffle(a, 2), [f(1, 4, 2, 1)]),
    ("as_strided", lambda a: R.torch_as_strided(a, [2, 2], [1, 2]), [f(5)]),
    ("upsample_nearest2d", lambda a: R.torch_upsample_nearest2d(a, [3, 5]), [f(1, 1, 2, 3)]),
    ("upsample_trilinear3d", lambda a: R.torch_upsample_trilinear3d(a, [3, 2, 3], align_corners=False),
     [f(1, 1, 2, 3, 2)]),
    ("upsample_trilinear3d_ac", lambda a: R.torch_upsample_trilinear3d(a, [3, 3, 1], align_corners=True),
     [f(1, 2, 2, 2, 2)]),
    ("sdpa", lambda q, k, v: R.torch_scaled_dot_product_attention(q, k, v, is_causal=True),
     [f(2, 3, 4), f(2, 3, 4), f(2, 3, 2)]),
    ("conv3d", lambda x, w, b: R.torch_conv3d(x, w, b, stride=[1, 2, 1], padding=[1, 0, 1]),
     [f(1, 2, 3, 3, 2), f(2, 2, 2, 2, 1), f(2)]),
    ("max_unpool2d", lambda a: R.torch_max_unpool2d(a, torch_tensor([[[[1, 4]]]]), [2, 2]), [f(1, 1, 1, 2)]),
    ("conv_transpose3d", lambda x, w, b: R.torch_conv_transpose3d(x, w, b, stride=[2, 1, 1], padding=[0, 1, 0],
                                                                   output_padding=[1, 0, 0]),
     [f(1, 2, 2, 3, 2), f(2, 3, 2, 2, 2), f(3)]),
    ("conv_transpose3d_groups", lambda x, w: R.torch_conv_transpose3d(x, w, groups=2, dilation=[1, 2, 1]),
     [f(2, 4, 2, 2, 1), f(4, 1, 1, 2, 2)]),
]


def test_poisson_gradient_is_zero_as_libtorch() -> None:
    rate = torch_tensor([[0.5, 12.0], [3.0, 40.0]], requires_grad=True)
    y = R.torch_poisson(rate)
    assert y.grad_fn.name() == "PoissonBackward0"
    (y * torch_tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    assert rate.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(RuntimeError, match="\"poisson_cpu\" not implemented for 'Long'"):
        R.torch_poisson(torch_tensor([1, 2]))
    with pytest.raises(RuntimeError, match="invalid Poisson rate, expected rate to be non-negative"):
        R.torch_poisson(torch_tensor([-1.0]))
    g = R.torch_generator()  # a generator of its own: the same stream as the default after the same seed
    g.set_current_seed(5)
    R.torch_manual_seed(5)
    assert R.torch_poisson(torch_tensor([3.0, 30.0]), generator=g).tolist() == \
        R.torch_poisson(torch_tensor([3.0, 30.0])).tolist()


@pytest.mark.parametrize("name,fn,inputs", GRADS, ids=[g[0] for g in GRADS])
def test_gradients(name: str, fn: object, inputs: list) -> None:
    gradcheck(fn, inputs)


def test_special_second_order() -> None:
    gradcheck(lambda x: R.torch_lgamma(x), [pos(3)], second_order=True)
    gradcheck(lambda x: R.torch_i0(x), [np.array([0.0, 0.7, -1.3])], second_order=True)


# -- R conventions and errors -------------------------------------------------------------------------------

def test_returned_indices_are_one_based() -> None:
    x = torch_tensor([[3.0, 1.0, 2.0]])
    assert R.torch_kthvalue(x, 1, 2)[1].item() == 2
    assert R.torch_cummax(torch_tensor([1.0, 0.0]), 1)[1]._data.tolist() == [1, 1]
    assert R.torch_unique_consecutive(torch_tensor([5, 5, 7]), True)[1]._data.tolist() == [1, 1, 2]
    assert R.torch_unique(torch_tensor([[2, 2], [1, 1], [2, 2]]), return_inverse=True, dim=1)[1]._data.tolist() \
        == [2, 1, 2]
    assert R.torch_tril_indices(2, 2)._data.min() == 1


def test_index_arguments_are_one_based() -> None:
    with pytest.raises(IndexError, match="Indexing starts at 1 but found a 0."):
        R.torch_bincount(torch_tensor([1, 0]))
    with pytest.raises(IndexError, match="Indexing starts at 1 but found a 0."):
        R.torch_index_add(R.torch_zeros(2), 1, torch_tensor([0]), R.torch_ones(1))
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 1 with size 2"):
        R.torch_index_fill(R.torch_zeros(2), 1, torch_tensor([3]), 1)
    with pytest.raises(IndexError, match="out of range: tried to access index 7 on a tensor of 6 elements"):
        R.torch_take(R.torch_zeros(2, 3), torch_tensor([7]))


def test_dimension_errors_are_one_based() -> None:
    x = R.torch_zeros(2, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 2\], but got 3\)"):
        R.torch_median(x, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-3, 3\], but got 4\)"):
        R.torch_diag_embed(x, dim1=4, dim2=1)
    with pytest.raises(RuntimeError, match="inputs dimension 1 must have length 3"):
        R.torch_cross(x, x, dim=1)
    with pytest.raises(RuntimeError, match="contracted dimensions need to match, but first has size 3 in dim 1 "
                                           "and second has size 2 in dim 3"):
        R.torch_tensordot(R.torch_zeros(3, 4, 5), R.torch_zeros(4, 3, 2), [[2, 1], [1, 3]])
    with pytest.raises(RuntimeError, match=r"kthvalue\(\): selected number k out of range"):
        R.torch_kthvalue(x, 4, 2)


def test_bad_arguments() -> None:
    with pytest.raises(RuntimeError, match="q values must be in the range"):
        R.torch_quantile(R.torch_ones(3), 1.5)
    with pytest.raises(RuntimeError, match="input tensor must be either float or double"):
        R.torch_quantile(torch_tensor([1, 2]), 0.5)
    with pytest.raises(RuntimeError, match="not differentiable in rtorch_py"):
        R.torch_scatter_reduce(R.torch_ones(2, requires_grad=True), 1, torch_tensor([1]), R.torch_ones(1),
                               "amax")
    with pytest.raises(RuntimeError, match="polygamma"):
        R.torch_polygamma(-1, R.torch_ones(1))
    with pytest.raises(RuntimeError, match=r"All elements must be greater than \(p-1\)/2"):
        R.torch_mvlgamma(torch_tensor([0.2]), 2)
    with pytest.raises(RuntimeError, match="not implemented for 'Float'"):
        R.torch_gcd(R.torch_ones(1), R.torch_ones(1))


def test_upsample_backward_is_the_gradient_of_forward() -> None:
    g = torch_tensor(f(1, 1, 3, 4))
    got = R.torch_upsample_nearest2d_backward(g, [3, 4], [1, 1, 2, 2])
    # each input pixel receives the sum of the gradients of the outputs that copy it
    src_r, src_c = np.floor(np.arange(3) * 2 / 3).astype(int), np.floor(np.arange(4) * 2 / 4).astype(int)
    want = np.zeros((2, 2))
    np.add.at(want, (src_r[:, None], src_c[None, :]), g._data[0, 0])
    np.testing.assert_allclose(got._data[0, 0], want)
    out = R.torch_zeros(1)
    assert R.torch_upsample_nearest1d_out(out, self=R.torch_ones(1, 1, 2), output_size=[3]) is out
    assert out.shape == (1, 1, 3)


def test_unsupported_names_say_why() -> None:
    for name, why in (("torch_quantize_per_tensor", "quantized"), ("jit_trace", "TorchScript"),
                      ("torch_sparse_coo_tensor", "sparse"), ("install_torch_from_file", "no libtorch installation"),
                      ("cuda_empty_cache", "CPU only")):
        with pytest.raises(RuntimeError, match=f"{name}: not supported in rtorch_py: .*{why}"):
            getattr(R, name)()
    assert R.backends_mps_is_available() is False and R.torch_is_installed() is True


def test_inplace_index_put_returns_self() -> None:
    x = R.torch_zeros(3)
    y = R.torch_index_put_(x, [torch_tensor([3])], torch_tensor(2.0))
    assert y is x and x._data.tolist() == [0.0, 0.0, 2.0]
    w = R.torch_ones(3, requires_grad=True)
    h = w * 1
    R.torch_index_put_(h, [torch_tensor([1])], torch_tensor(5.0))
    h.sum().backward()
    assert w.grad._data.tolist() == [0.0, 1.0, 1.0]


# -- dtype and format objects --------------------------------------------------------------------------------

def test_dtype_information() -> None:
    fi = R.torch_finfo(R.torch_float32())
    assert (fi.bits, fi.eps, fi.max) == (32, float(np.finfo(np.float32).eps), float(np.finfo(np.float32).max))
    assert R.torch_finfo().bits == 32
    assert R.torch_iinfo(R.torch_int16()).min == -32768
    with pytest.raises(TypeError, match="requires a floating point input type"):
        R.torch_finfo(R.torch_long())
    assert R.torch_promote_types(R.torch_uint8(), R.torch_int8()) is R.torch_int16()
    assert R.torch_promote_types(R.torch_long(), R.torch_half()) is R.torch_half()
    assert R.torch_can_cast(R.torch_long(), R.torch_float()) and not R.torch_can_cast(R.torch_float(), R.torch_bool())
    assert R.torch_result_type(torch_tensor([1, 2], dtype=R.torch_int()), 1.0) is R.torch_float()
    assert R.torch_result_type(torch_tensor([1, 2], dtype=R.torch_int()), 1) is R.torch_int()


def test_bfloat16_dtype_object() -> None:
    b = R.torch_bfloat16()
    assert b.is_floating_point and repr(b) == "torch_BFloat16" and R.torch_finfo(b).bits == 16
    assert R.torch_zeros(2, dtype=b).dtype is b and R.torch_zeros(2, dtype=b).element_size() == 2


def test_generator_objects_drive_random_functions() -> None:
    g = R.torch_generator()
    assert g.current_seed() == 67280421310721
    g.set_current_seed(3)
    a = R.torch_randn(4, generator=g)
    R.torch_manual_seed(3)
    assert np.array_equal(a._data, R.torch_randn(4)._data)
    g.set_current_seed(3)
    assert np.array_equal(a._data, R.torch_randn(4, generator=g)._data)


def test_format_constants() -> None:
    assert R.torch_contiguous_format() == R.torch_contiguous_format()
    assert R.torch_contiguous_format() != R.torch_preserve_format()
    assert R.is_torch_memory_format(R.torch_channels_last_format()) and R.is_torch_layout(R.torch_strided())


def test_logaddexp_of_equal_infinities() -> None:
    ninf = torch_tensor(-math.inf)
    assert np.isneginf(R.torch_logaddexp(ninf, ninf).item())
    assert np.isposinf(R.torch_logaddexp(-ninf, -ninf).item())


def test_creation_and_wrapper_conventions() -> None:
    x = R.torch_empty_strided([2, 3], [1, 2])
    assert x.shape == (2, 3) and x.stride() == [1.0, 2.0]
    assert R.torch_arange(torch_tensor(3), torch_tensor(1), torch_tensor(-1))._data.tolist() == [3.0, 2.0, 1.0]
    assert R.torch_one_hot(torch_tensor([1, 3]))._data.tolist() == [[1, 0, 0], [0, 0, 1]]
    with pytest.raises(ValueError, match="cannot be given when `mean` or `std` is a tensor"):
        R.torch_normal(R.torch_zeros(2), 1, [2, 2])
    a, b = R.torch_rand(4, 2, 3), R.torch_rand(3, 3, 5)
    assert R.torch_tensordot(a, b, [3, 1]).shape == R.torch_tensordot(a, b, 1).shape == (4, 2, 3, 5)
    assert R.torch_ones(size=[2, 3]).shape == (2, 3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'sise'"):
        R.torch_ones(sise=[2])


def test_where_with_two_numbers() -> None:
    c = torch_tensor([True, False])
    w = R.torch_where(c, 1.0, 0.0)
    assert w.dtype is R.torch_float() and w._data.tolist() == [1.0, 0.0]
    assert R.torch_where(c, 2, 3).dtype is R.torch_long()
    assert R.torch_where(c, self=1, other=torch_tensor([5.0, 6.0]))._data.tolist() == [1.0, 6.0]


# -- $ methods added for issue 13 --------------------------------------------------------------------------

def test_methods_take_r_argument_names() -> None:
    x = R.torch_arange(1, 6)
    assert x.view(size=[2, 3]).shape == (2, 3) and x.reshape(shape=[3, 2]).shape == (3, 2)
    assert torch_tensor([1.0]).expand([2, 3], True).shape == (2, 3)
    assert R.torch_ones(2, 3).stride() == [3.0, 1.0] and R.torch_ones(2, 3).stride(1) == 3.0
    assert x.polygamma(0)._data.shape == (6,)
    v, i = torch_tensor([3.0, 1.0, 2.0]).kthvalue(2)
    assert (v.item(), i.item()) == (2.0, 3)


def test_storage_resize_and_fills() -> None:
    x = R.torch_zeros(4)
    assert x.storage().data_ptr() == x[1:].storage().data_ptr() and x.storage().size() == 4
    assert x.clone().storage().data_ptr() != x.storage().data_ptr()
    r = torch_tensor([1, 2, 3])
    assert r.resize_(2, 2) is r and r._data.tolist() == [[1, 2], [3, 0]]
    m = R.torch_zeros(5, 2)
    m.fill_diagonal_(1, wrap=True)
    assert m._data.tolist() == [[1, 0], [0, 1], [0, 0], [1, 0], [0, 1]]
    m2 = R.torch_zeros(5, 2)
    m2.fill_diagonal_(1)
    assert m2._data.sum() == 2
    p = R.torch_zeros(2, 2)
    assert p.put_(torch_tensor([4, 4]), torch_tensor([1.0, 2.0]), accumulate=True) is p
    assert p._data.tolist() == [[0.0, 0.0], [0.0, 3.0]]
    assert torch_tensor([1, 2]).new_empty(3).dtype is R.torch_long()
    assert repr(x.device) == "torch_device(type='cpu')" and x.device.type == "cpu" and not x.is_cuda


def test_inplace_index_methods_and_gradients() -> None:
    w = R.torch_ones(3, requires_grad=True)
    h = w * 2
    h.index_fill_(1, torch_tensor([2]), 0.0)
    h.sum().backward()
    assert w.grad._data.tolist() == [2.0, 0.0, 2.0]
    z = R.torch_zeros(2, 2)
    assert z.index_copy_(1, torch_tensor([2]), torch_tensor([[1.0, 2.0]])) is z
    assert z._data.tolist() == [[0.0, 0.0], [1.0, 2.0]]


def test_nn_forms() -> None:
    with pytest.raises(IndexError, match="Indexing starts at 1 but found a 0."):
        R.torch_nll_loss(R.torch_zeros(1, 3), torch_tensor([0]))
    assert R.torch_nll_loss(torch_tensor([[-1.0, -2.0]]), torch_tensor([2]), reduction=0).shape == (1,)
    x = R.torch_rand(2, 4, 4)
    g = R.torch__adaptive_avg_pool2d_backward(R.torch_ones(2, 2, 2), x)
    np.testing.assert_allclose(g._data, np.full((2, 4, 4), 0.25))


def test_nnf_names_of_the_new_functions() -> None:
    x = torch_tensor([-1.0, 2.0])
    assert R.nnf_relu_(x) is x and x._data.tolist() == [0.0, 2.0]
    w = R.torch_ones(2, requires_grad=True)
    h = w * torch_tensor([-0.5, 3.0])
    R.nnf_hardtanh_(h)
    h.sum().backward()
    assert w.grad._data.tolist() == [-0.5, 0.0]
    assert R.nnf_pdist(R.torch_ones(3, 2)).shape == (3,) and R.is_torch_device(x.device)
    up = R.nnf_max_unpool2d(R.torch_ones(1, 1, 1, 1), torch_tensor([[[[4]]]]), kernel_size=2)
    assert up._data.reshape(-1).tolist() == [0.0, 0.0, 0.0, 1.0]
