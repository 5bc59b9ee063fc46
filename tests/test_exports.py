"""R torch's exports that were absent from the shim (issue 13): the cheap wrappers built (conv_tbc,
conv_transpose3d, poisson, nn_pairwise_distance, clone_module, buffers, call_torch_function, dtype$.type(),
head/tail), and the unsupported ones' clear errors. The shim-side check that every one of R torch's 753
exports exists is r_shim/tests/testthat/test-exports.R (its list: r-torch-exports.txt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import unsupported
from rtorch_py.bridge import rsemantics as RS
from rtorch_py.nn import functional_conv as FC
from tests.gradcheck import gradcheck

EXPORTS = Path(__file__).resolve().parents[1] / "r_shim" / "tests" / "testthat" / "r-torch-exports.txt"


def test_export_list_is_r_torch_namespace() -> None:
    names = EXPORTS.read_text().split()
    assert len(names) == 753 == len(set(names))
    # spot checks on both ends of the list and the names this issue added
    for name in ("%>%", "yield", "torch_tensor_from_buffer", "buffer_from_torch_tensor", "nn_pairwise_distance",
                 "torch_conv_tbc", "nnf_conv_tbc", "torch_poisson", "clone_module", "OptimizerIgnite"):
        assert name in names


@pytest.mark.parametrize("name", [n for names in unsupported._NAMES.values() for n in names])
def test_unsupported_exports_name_themselves_and_why(name: str) -> None:
    with pytest.raises(RuntimeError, match=rf"^{name}: not supported in rtorch_py: \w"):
        getattr(rt, name)()


def _conv_tbc_reference(x: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int) -> np.ndarray:
    """out[t, n, o] = b[o] + sum_k sum_c xp[t + k, n, c] w[k, c, o] (xp: x zero-padded in time)."""
    xp = np.pad(x, ((pad, pad), (0, 0), (0, 0)))
    k = w.shape[0]
    t_out = xp.shape[0] - k + 1
    return np.stack([np.einsum("knc,kco->no", xp[t:t + k], w) for t in range(t_out)]) + b


@pytest.mark.parametrize("pad", [0, 1, 2])
def test_conv_tbc_values_and_gradients(pad: int) -> None:
    g = np.random.default_rng(pad)
    x, w, b = g.standard_normal((5, 2, 3)), g.standard_normal((3, 3, 4)), g.standard_normal(4)
    out = rt.torch_conv_tbc(rt.torch_tensor(x, dtype=rt.torch_float64()), rt.torch_tensor(w, dtype=rt.torch_float64()),
                            rt.torch_tensor(b, dtype=rt.torch_float64()), pad)
    np.testing.assert_allclose(out._data, _conv_tbc_reference(x, w, b, pad), rtol=1e-12, atol=1e-12)
    gradcheck(lambda a, v, c: FC.nnf_conv_tbc(a, v, c, pad), [x, w, b])


def test_conv_tbc_shape_errors() -> None:
    with pytest.raises(RuntimeError, match=r"nnf_conv_tbc: input has 3 channels and weight \[2, 2, 4\]"):
        FC.nnf_conv_tbc(rt.torch_ones(5, 2, 3), rt.torch_ones(2, 2, 4), rt.torch_zeros(4))
    with pytest.raises(RuntimeError, match=r"expected input \(T, N, C_in\)"):
        FC.nnf_conv_tbc(rt.torch_ones(5, 3), rt.torch_ones(2, 3, 4), rt.torch_zeros(4))


def test_conv_transpose3d_is_nnf_conv_transpose3d() -> None:
    rt.torch_manual_seed(1)
    x, w = rt.torch_randn(1, 2, 3, 3, 3), rt.torch_randn(2, 1, 2, 2, 2)
    np.testing.assert_array_equal(rt.torch_conv_transpose3d(x, w, stride=2)._data,
                                  rt.nnf_conv_transpose3d(x, w, stride=2)._data)


def test_poisson_draws_are_the_distributions_sampler() -> None:
    rate = rt.torch_tensor([0.5, 3.0, 12.0, 40.0])
    rt.torch_manual_seed(7)
    a = rt.torch_poisson(rate)
    rt.torch_manual_seed(7)
    b = rt.distr_poisson(rate).sample()
    np.testing.assert_array_equal(a._data, b._data)
    assert a.dtype == rt.torch_float() and np.all(a._data == np.round(a._data))
    assert rt.torch_poisson(rt.torch_zeros(3))._data.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(RuntimeError, match="non-negative"):
        rt.torch_poisson(rt.torch_tensor([-1.0]))


def test_pairwise_distance_module() -> None:
    x1, x2 = rt.torch_tensor([[0.0, 0.0], [1.0, 2.0]]), rt.torch_tensor([[3.0, 4.0], [1.0, 2.0]])
    d = rt.nn_pairwise_distance(eps=0)(x1, x2)
    np.testing.assert_allclose(d._data, [5.0, 0.0])
    d1 = rt.nn_pairwise_distance(p=1, eps=0, keepdim=True)(x1, x2)
    assert d1.shape == (2, 1) and d1._data.ravel().tolist() == [7.0, 0.0]


def test_clone_module() -> None:
    m = rt.nn_linear(2, 3)
    shallow, deep = rt.clone_module(m), rt.clone_module(m, deep=True)
    assert shallow.weight is m.weight and deep.weight is not m.weight
    np.testing.assert_array_equal(deep.weight._data, m.weight._data)
    with pytest.raises(TypeError, match="clone_module: `module` must be an nn_module"):
        rt.clone_module(rt.torch_ones(2))


def test_buffers_share_memory_and_round_trip() -> None:
    buf = np.arange(6, dtype=np.float32)
    t = rt.torch_tensor_from_buffer(buf, shape=[2, 3], dtype="float")
    np.testing.assert_array_equal(t._data, buf.reshape(2, 3))
    t.mul_(2)
    np.testing.assert_array_equal(buf, np.arange(6) * 2)  # no copy
    raw = rt.buffer_from_torch_tensor(rt.torch_tensor([[1.0, 2.0], [3.0, 4.0]], dtype=rt.torch_float64()))
    assert raw.dtype == np.uint8 and raw.size == 32
    back = rt.torch_tensor_from_buffer(raw, shape=[2, 2], dtype=rt.torch_float64())
    assert back._data.tolist() == [[1.0, 2.0], [3.0, 4.0]]  # row-major bytes
    with pytest.raises(ValueError, match="needs 16 bytes, the buffer has 8"):
        rt.torch_tensor_from_buffer(np.zeros(2, np.float32), shape=4, dtype="float")


def test_call_torch_function() -> None:
    with pytest.warns(UserWarning, match="allows access to unexported functions"):
        assert rt.call_torch_function("torch_abs", rt.torch_tensor([-2.0])).item() == 2.0
    assert rt.call_torch_function("torch_sum", rt.torch_tensor([[1, 2], [3, 4]]), dim=1, quiet=True)._data.tolist() \
        == [4, 6]
    with pytest.raises(ValueError, match="starting with 'torch_'"):
        rt.call_torch_function("torsh_abs", 1, quiet=True)
    with pytest.raises(ValueError, match="check your spelling"):
        rt.call_torch_function("torch_abss", 1, quiet=True)


def test_dtype_type_is_libtorch_scalar_type_name() -> None:
    for dt, name in ((rt.torch_uint8(), "Byte"), (rt.torch_float(), "Float"), (rt.torch_long(), "Long"),
                     (rt.torch_float16(), "Half"), (rt.torch_bool(), "Bool")):
        assert getattr(dt, ".type")() == name


def test_head_and_tail() -> None:
    x = rt.torch_arange(1, 10)
    assert RS.r_head(x)._data.tolist() == [1, 2, 3, 4, 5, 6]
    assert RS.r_tail(x, 3)._data.tolist() == [8, 9, 10]
    assert RS.r_head(x, -8)._data.tolist() == [1, 2] and RS.r_tail(x, -8)._data.tolist() == [9, 10]
    assert RS.r_head(x, 20).shape == (10,)
    m = rt.torch_stack([x, x], dim=2)
    assert RS.r_head(m, 2)._data.tolist() == [[1, 1], [2, 2]]
    with pytest.raises(ValueError, match="0-d tensor"):
        RS.r_head(rt.torch_tensor(1.0).squeeze(), 1)


# -- libtorch internals R torch's tests call (test-gen-namespace.R) ------------------------------------------------

@pytest.mark.parametrize("p", [0.0, 1.0, 2.0, 3.0, float("inf")])
def test_cdist_backward_is_cdists_gradient(p: float) -> None:
    rt.torch_manual_seed(5)
    x1 = rt.torch_randn(2, 3, 2, dtype=rt.torch_float64(), requires_grad=True)
    x2 = rt.torch_randn(2, 4, 2, dtype=rt.torch_float64())
    d = rt.torch_cdist(x1, x2, p)
    g = rt.torch_randn(2, 3, 4, dtype=rt.torch_float64())
    want = np.zeros((2, 3, 2)) if p == 0 else rt.autograd_grad([d], [x1], [g])[0]._data
    got = rt.torch__cdist_backward(g, x1, x2, p, d.detach())
    np.testing.assert_allclose(got._data, want, rtol=1e-12, atol=1e-12)
    # where a distance is 0 its pair contributes nothing (libtorch; the norm has no gradient there)
    same = rt.torch_tensor([[1.0, 2.0]], dtype=rt.torch_float64())
    z = rt.torch__cdist_backward(rt.torch_ones(1, 1, dtype=rt.torch_float64()), same, same, p,
                                 rt.torch_zeros(1, 1, dtype=rt.torch_float64()))
    assert z._data.tolist() == [[0.0, 0.0]]


def test_batch_norm_impl_index_returns_native_results() -> None:
    x = np.array([[1.0, 10.0], [3.0, 20.0], [8.0, 60.0]])
    w, b = np.array([2.0, 0.5]), np.array([0.1, -1.0])
    rm, rv = rt.torch_zeros(2, dtype=rt.torch_float64()), rt.torch_ones(2, dtype=rt.torch_float64())
    f64 = rt.torch_float64()
    out = rt.torch__batch_norm_impl_index(rt.torch_tensor(x, dtype=f64), rt.torch_tensor(w, dtype=f64),
                                          rt.torch_tensor(b, dtype=f64), rm, rv, True, 0.1, 1e-5, True)
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(out[0]._data, (x - mean) / np.sqrt(var + 1e-5) * w + b, rtol=1e-12)
    np.testing.assert_allclose(out[1]._data, mean, rtol=1e-12)
    np.testing.assert_allclose(out[2]._data, 1 / np.sqrt(var + 1e-5), rtol=1e-12)
    assert out[3].shape == (0,) and out[4] == 0
    np.testing.assert_allclose(rm._data, 0.1 * mean, rtol=1e-12)  # running stats updated as nnf_batch_norm
    ev = rt.torch__batch_norm_impl_index(rt.torch_tensor(x, dtype=f64), None, None, rm, rv, False, 0.1, 1e-5, True)
    assert ev[1].shape == (0,) and ev[2].shape == (0,)


def test_detach_and_clone_keep_the_parameter_mark() -> None:
    # R torch keeps a tensor's attributes (its class nn_parameter) through $detach() and $clone() (#1136)
    p = rt.nn_parameter(rt.torch_tensor([1.0, 2.0]))
    d, c = p.detach(), rt.torch_clone(p)
    assert rt.is_nn_parameter(d) and rt.is_nn_parameter(c)
    assert not d.requires_grad and np.shares_memory(d._data, p._data)
    assert c.requires_grad and not np.shares_memory(c._data, p._data)
    plain = rt.torch_ones(2)
    assert not rt.is_nn_parameter(plain.detach()) and not rt.is_nn_parameter(rt.torch_clone(plain))
    assert not rt.is_nn_parameter(p * 2)  # results of ops are plain tensors


def test_sparse_methods_answer_for_dense_tensors_or_name_themselves() -> None:
    x = rt.torch_ones(2, 2)
    assert x.is_sparse() is False and x.is_sparse_csr() is False
    assert x.to_dense() is x and x.to_dense(dtype=rt.torch_float64()).dtype == rt.torch_float64()
    for name in ("to_sparse", "to_sparse_csr", "indices", "values", "coalesce", "sparse_dim"):
        with pytest.raises(RuntimeError, match=rf"^{name}: not supported in rtorch_py: sparse tensors"):
            getattr(x, name)()
