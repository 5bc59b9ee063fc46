"""The autograd engine (rtorch_py/_core/autograd.py): accumulation, retain_graph, freed graphs, implicit
gradients, version counters, hooks, retain_grad, detach, grad modes, higher order, libtorch's errors."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from fixture_cases import load

import rtorch_py as rt
from rtorch_py import Tensor, torch_tensor

ERR = load("core_errors.json")


def leaf(values: object, dtype: object = None) -> Tensor:
    return torch_tensor(values, dtype=dtype or rt.torch_double(), requires_grad=True)


def g(x: Tensor) -> np.ndarray:
    assert x.grad is not None
    return x.grad._data


# -- .grad on leaves --------------------------------------------------------------------------------------------

def test_grad_accumulates_over_backward_calls() -> None:
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    np.testing.assert_allclose(g(x), [2.0, 4.0])
    (x * 3).sum().backward()
    np.testing.assert_allclose(g(x), [5.0, 7.0])
    x.grad.zero_()
    (x * 3).sum().backward()
    np.testing.assert_allclose(g(x), [3.0, 3.0])


def test_grad_has_leaf_dtype_and_shape_after_broadcast_and_promotion() -> None:
    x = leaf([[1.0], [2.0]], rt.torch_float())  # (2, 1) float32
    y = torch_tensor([1.0, 2.0, 3.0], dtype=rt.torch_double())  # (3,) float64
    (x * y).sum().backward()
    assert x.grad.shape == (2, 1) and x.grad.dtype is rt.torch_float()
    np.testing.assert_allclose(g(x), [[6.0], [6.0]])


def test_same_leaf_used_twice_sums_both_paths() -> None:
    x = leaf(3.0)
    (x * x + x).backward()
    assert x.grad.item() == 7.0


def test_grad_of_leaf_is_owned_not_shared() -> None:
    """The stored .grad is a fresh buffer: accumulating into it must not change another leaf's grad."""
    a, b = leaf([1.0, 2.0]), leaf([1.0, 2.0])
    (a + b).sum().backward()
    a.grad.add_(1)
    np.testing.assert_allclose(g(b), [1.0, 1.0])


def test_no_grad_for_non_leaves_unless_retained() -> None:
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y.retain_grad() * y
    w = x + 1
    (z.sum() + w.sum()).backward()
    np.testing.assert_allclose(g(y), [4.0, 8.0])
    assert w.grad is None
    assert y.is_leaf is False and x.is_leaf is True


def test_retain_grad_accumulates_and_is_noop_on_leaf() -> None:
    x = leaf([1.0])
    assert x.retain_grad() is x
    y = x * 2
    y.retain_grad()
    y.retain_grad()  # twice registers once
    (y * 3).sum().backward(retain_graph=True)
    (y * 3).sum().backward()
    np.testing.assert_allclose(g(y), [6.0])


# -- backward arguments and errors ----------------------------------------------------------------------------

def test_implicit_gradient_only_for_scalars() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=ERR["implicit_grad"]):
        (x * 2).backward()
    (x * 2).backward(gradient=torch_tensor([1.0, 0.5], dtype=rt.torch_double()))
    np.testing.assert_allclose(g(x), [2.0, 1.0])
    leaf([1.0]).sum().backward()  # one element of any shape is fine
    y = leaf([[2.0]])
    (y * y).backward()
    np.testing.assert_allclose(g(y), [[4.0]])


def test_gradient_shape_mismatch() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of \[3\] and "
                                           r"output\[0\] has a shape of \[2\]"):
        (x * 2).backward(torch_tensor([1.0, 1.0, 1.0]))


def test_backward_on_tensor_without_grad() -> None:
    with pytest.raises(RuntimeError, match=ERR["no_grad_fn"]):
        torch_tensor([1.0]).sum().backward()


def test_freed_graph_errors_and_retain_graph_keeps_it() -> None:
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(g(x), [4.0, 8.0])
    with pytest.raises(RuntimeError, match=r"Trying to backward through the graph a second time"):
        y.backward()
    assert str(ERR["backward_twice"]).startswith("Trying to backward through the graph a second time")


def test_graph_without_saved_tensors_can_run_twice() -> None:
    """libtorch only errors when a freed node needs saved values; add/sum save nothing."""
    x = leaf([1.0, 2.0])
    y = (x + 1).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(g(x), [2.0, 2.0])


def test_create_graph_implies_retain_graph() -> None:
    x = leaf(2.0)
    y = x ** 3
    y.backward(create_graph=True)
    assert x.grad.requires_grad
    np.testing.assert_allclose(g(x), 12.0)
    gx = x.grad
    x.grad = None
    gx.backward()  # d(3x^2)/dx = 6x
    np.testing.assert_allclose(g(x), 12.0)


def test_backward_returns_none_and_engine_is_iterative() -> None:
    x = leaf([1.0])
    y = x
    for _ in range(5000):  # far beyond Python's recursion limit
        y = y * 1.0001
    assert y.sum().backward() is None
    np.testing.assert_allclose(g(x), [1.0001 ** 5000], rtol=1e-9)


def test_deterministic_order_of_hooks() -> None:
    def hook_order() -> list:
        seen: list = []
        x = leaf([1.0])
        a = x * 2
        b = x * 3
        a.register_hook(lambda gr: seen.append("a"))
        b.register_hook(lambda gr: seen.append("b"))
        (a + b).sum().backward()
        return seen

    first = hook_order()
    for _ in range(3):
        assert hook_order() == first
    assert first == ["b", "a"]  # newest node first, as libtorch's single-threaded engine


# -- in-place and version counters ---------------------------------------------------------------------------------

def test_inplace_on_leaf_requiring_grad_errors() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=ERR["leaf_inplace"]):
        x.add_(1)
    with pytest.raises(RuntimeError, match=ERR["leaf_inplace"]):
        x[0] = 5.0
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0:1].mul_(2)
    with rt.with_no_grad():
        x.add_(1)  # allowed without grad recording (optimizer steps)
        x[0] = 7.0
    np.testing.assert_allclose(x._data, [7.0, 3.0])


def test_inplace_on_saved_tensor_errors_at_backward() -> None:
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * y  # saves y
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"one of the variables needed for gradient computation has been "
                                           r"modified by an inplace operation: .* is at version 1; expected "
                                           r"version 0 instead"):
        z.sum().backward()
    assert ERR["saved_modified"].startswith("one of the variables needed for gradient computation")


def test_inplace_on_saved_output_errors() -> None:
    x = leaf([1.0, 2.0])
    y = x.exp()  # saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_through_a_view_bumps_the_shared_version() -> None:
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x * 1
    z = (y * y).sum()  # saves y
    y[0].zero_()  # a view of y: same version counter
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_inplace_not_touching_saved_values_is_fine() -> None:
    x = leaf([1.0, 2.0])
    y = x + 1  # AddBackward saves nothing
    y.mul_(3)
    y.sum().backward()
    np.testing.assert_allclose(g(x), [3.0, 3.0])
    assert y.grad_fn.name == "MulBackward0"


def test_inplace_result_keeps_its_place_in_the_graph() -> None:
    x = leaf([1.0, 2.0])
    y = x * x
    y.add_(x).mul_(2)  # y = 2 (x^2 + x)
    y.sum().backward()
    np.testing.assert_allclose(g(x), [6.0, 10.0])


def test_inplace_on_view_rebases_base() -> None:
    """libtorch's CopySlices: writing through a view updates the base's graph."""
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x * 1
    y[0].mul_(3)
    assert y.grad_fn.name == "CopySlices"
    (y * x).sum().backward()
    np.testing.assert_allclose(g(x), [[6.0, 12.0], [6.0, 8.0]])


def test_inplace_on_view_of_non_contiguous_and_setitem_on_view() -> None:
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = (x * 1).t()  # non-contiguous view of a fresh base
    col = y[1]  # x[:, 1] through two views
    col[0] = 10.0  # setitem on a view of a view
    base = y._base
    assert base is not None and base.grad_fn.name == "CopySlices"
    (y * 2).sum().backward()
    np.testing.assert_allclose(g(x), [[2.0, 0.0, 2.0], [2.0, 2.0, 2.0]])  # x[0, 1] was overwritten


def test_inplace_with_grad_input_on_plain_tensor() -> None:
    w = leaf([1.0, 2.0])
    buf = rt.torch_zeros(2, dtype=rt.torch_double())
    buf.add_(w * 3)
    assert buf.requires_grad and buf.grad_fn is not None
    buf.sum().backward()
    np.testing.assert_allclose(g(w), [3.0, 3.0])


def test_setitem_with_grad_value() -> None:
    w = leaf([1.0, 2.0])
    buf = rt.torch_zeros(3, 2, dtype=rt.torch_double())
    buf[1] = w * w
    buf.sum().backward()
    np.testing.assert_allclose(g(w), [2.0, 4.0])


# -- hooks --------------------------------------------------------------------------------------------------------

def test_hooks_see_and_replace_gradients() -> None:
    x = leaf([1.0, 2.0])
    seen = []
    h = x.register_hook(lambda gr: seen.append(gr._data.copy()))
    y = x * 3
    y.register_hook(lambda gr: gr * 10)  # replaces y's gradient
    y.sum().backward()
    np.testing.assert_allclose(g(x), [30.0, 30.0])
    np.testing.assert_allclose(seen[0], [30.0, 30.0])
    h()  # the returned function removes the hook
    x.grad = None
    (x * 1).sum().backward()
    assert len(seen) == 1


def test_hook_handle_removes_with_remove() -> None:
    x = leaf([1.0, 2.0])
    handle = x.register_hook(lambda gr: gr * 0)
    assert repr(handle) == "<torch_hook>"  # R torch's torch_hook
    handle.remove()
    handle.remove()  # a second removal does nothing
    (x * 5).sum().backward()
    np.testing.assert_allclose(g(x), [5.0, 5.0])


def test_leaf_hook_can_replace_gradient() -> None:
    x = leaf([1.0, 2.0])
    x.register_hook(lambda gr: gr * 0)
    (x * 5).sum().backward()
    np.testing.assert_allclose(g(x), [0.0, 0.0])


def test_hook_on_tensor_without_grad_errors() -> None:
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        torch_tensor([1.0]).register_hook(lambda gr: gr)


# -- requires_grad / detach ---------------------------------------------------------------------------------------

def test_requires_grad_flags() -> None:
    x = torch_tensor([1.0, 2.0])
    assert not x.requires_grad and x.grad_fn is None and x.is_leaf
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad
    x.requires_grad = True
    y = x * 2
    assert y.requires_grad and not y.is_leaf and y.grad_fn.name == "MulBackward0"
    assert y.requires_grad_(True) is y
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)
    with pytest.raises(RuntimeError, match=ERR["int_requires_grad"]):
        torch_tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match=ERR["int_requires_grad"]):
        torch_tensor([1, 2], requires_grad=True)
    assert not (torch_tensor([1.0]) * x).detach().requires_grad


def test_ops_on_non_grad_inputs_record_nothing() -> None:
    x = torch_tensor([1.0, 2.0])
    y = (x * 2).exp().sum()
    assert y.grad_fn is None and not y.requires_grad


def test_detach_shares_storage_and_version() -> None:
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert d.grad_fn is None and not d.requires_grad and d.is_leaf
    assert np.shares_memory(d._data, y._data)
    d[0] = 100.0
    assert y._data[0] == 100.0
    assert y._version[0] == d._version[0] == 1


def test_detach_inplace() -> None:
    x = leaf([1.0, 2.0])
    y = x * 2
    assert y.detach_() is y
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf
    z = (y * x).sum()
    z.backward()
    np.testing.assert_allclose(g(x), [2.0, 4.0])
    with pytest.raises(RuntimeError, match="Can't detach views in-place"):
        (x * 1)[0].detach_()


def test_data_field_is_detached() -> None:
    x = leaf([1.0, 2.0])
    assert not x.data().requires_grad and np.shares_memory(x.data()._data, x._data)


def test_numpy_of_requires_grad_errors() -> None:
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        leaf([1.0]).numpy()
    x = torch_tensor([1.0])
    assert np.shares_memory(x.numpy(), x._data)


# -- higher order -----------------------------------------------------------------------------------------------

def test_higher_order_gradients() -> None:
    x = leaf(1.5)
    y = x.sin() * x ** 2
    (g1,) = rt.autograd_grad(y, x, create_graph=True)
    (g2,) = rt.autograd_grad(g1, x, create_graph=True)
    (g3,) = rt.autograd_grad(g2, x)
    v = 1.5
    np.testing.assert_allclose(g1.item(), np.cos(v) * v ** 2 + 2 * v * np.sin(v))
    np.testing.assert_allclose(g2.item(), -np.sin(v) * v ** 2 + 4 * v * np.cos(v) + 2 * np.sin(v))
    np.testing.assert_allclose(g3.item(), -np.cos(v) * v ** 2 - 6 * v * np.sin(v) + 6 * np.cos(v))
    assert not g3.requires_grad


def test_gradient_penalty_style_double_backward() -> None:
    w = leaf([[1.0, -2.0], [0.5, 3.0]])
    x = leaf([0.3, -0.7])
    out = (w.matmul(x)).tanh().sum()
    (gx,) = rt.autograd_grad(out, x, create_graph=True)
    penalty = (gx * gx).sum()
    penalty.backward()
    assert w.grad is not None and x.grad is not None
    # finite difference of the penalty in w[0, 0]
    def pen(w00: float) -> float:
        ww = np.array([[w00, -2.0], [0.5, 3.0]])
        xx = np.array([0.3, -0.7])
        s = 1 - np.tanh(ww @ xx) ** 2
        gxx = ww.T @ s
        return float(gxx @ gxx)
    num = (pen(1.0 + 1e-6) - pen(1.0 - 1e-6)) / 2e-6
    np.testing.assert_allclose(g(w)[0, 0], num, rtol=1e-5)


# -- memory -------------------------------------------------------------------------------------------------------

def test_graph_is_freed_with_its_output() -> None:
    x = leaf(np.ones(1000))
    y = (x * 2).exp()
    ref = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert ref() is None


def test_next_functions_and_node_names() -> None:
    x = leaf([1.0])
    y = (x * 2).sum()
    assert repr(y.grad_fn) == "<SumBackward0>"
    (mul,) = y.grad_fn.next_functions
    assert mul.name == "MulBackward0"
    acc = mul.next_functions[0]
    assert repr(acc) == "<AccumulateGrad>" and acc.variable is x
    assert y.grad_fn.name_() == "SumBackward0"
    assert y.grad_fn.name() == "SumBackward0" and mul.name() == "MulBackward0"  # callable, as torch's
    assert acc.name() == "torch::autograd::AccumulateGrad"


def test_backward_inputs_limits_accumulation() -> None:
    x, w = leaf([1.0, 2.0]), leaf([3.0])
    h = x * w
    (h * h).sum().backward(inputs=[w])
    assert x.grad is None
    np.testing.assert_allclose(g(w), [2 * 3.0 * (1 + 4)])
    h2 = x * w
    (h2 * 1).sum().backward(inputs=h2)  # a non-leaf input gets .grad too
    np.testing.assert_allclose(g(h2), [1.0, 1.0])


# -- a node with several outputs (split) ---------------------------------------------------------------------------

def _pieces(x: Tensor) -> list[Tensor]:
    from rtorch_py._core import ops as O  # noqa: PLC0415

    return O.split(x, 1, [2, 1, 3])


def test_split_is_one_node_with_an_output_per_piece() -> None:
    """Each piece's grad_fn hands its gradient to the one split node: pieces without a gradient give zeros,
    the input's gradient is one array; names and next_functions as libtorch's (the input's node)."""
    x = leaf(np.arange(12.0).reshape(2, 6))
    a, b, c = _pieces(x)
    assert a.grad_fn.name() == b.grad_fn.name() == "SplitBackward0"
    (acc,) = c.grad_fn.next_functions
    assert acc.variable is x
    ((a * 2).sum() + (c * c).sum()).backward()  # b unused
    want = np.zeros((2, 6))
    want[:, :2] = 2
    want[:, 3:] = 2 * x._data[:, 3:]
    np.testing.assert_array_equal(g(x), want)


def test_split_piece_hooks_retained_graph_and_autograd_grad() -> None:
    """A hook on one piece changes only its part; a retained graph runs twice (the gradients add up);
    autograd_grad of a piece."""
    x = leaf(np.ones((3, 6)))
    a, b, c = _pieces(x * 1.0)
    b.register_hook(lambda gr: gr * 10)
    loss = (a + 0).sum() + (b * 2).sum() + (c * 3).sum()
    loss.backward(retain_graph=True)
    want = np.concatenate([np.full((3, 2), 1.0), np.full((3, 1), 20.0), np.full((3, 3), 3.0)], 1)
    np.testing.assert_array_equal(g(x), want)
    loss.backward()
    np.testing.assert_array_equal(g(x), 2 * want)
    a2, b2, _ = _pieces(x * 1.0)
    (gb,) = rt.autograd_grad([(a2.sum() + (b2 * b2).sum())], [b2])
    np.testing.assert_array_equal(gb._data, np.full((3, 1), 2.0))


def test_split_piece_modified_in_place() -> None:
    """An in-place op on a piece (a view of the input) is differentiated through (its base's CopySlices)."""
    x = leaf(np.ones((3, 6)))
    a, b, c = _pieces(x * 1.0)
    c.mul_(3)
    ((a + 0).sum() + (b * 2).sum() + c.sum()).backward()
    want = np.concatenate([np.full((3, 2), 1.0), np.full((3, 1), 2.0), np.full((3, 3), 3.0)], 1)
    np.testing.assert_array_equal(g(x), want)


@pytest.mark.parametrize("shape, axis, sizes", [((5, 4), 0, [2, 3]), ((2, 6, 3), 1, [1, 4, 1]),
                                                 ((4, 3), 1, [1, 1, 1]), ((3, 7), 1, [3, 0, 4])])
def test_split_gradcheck(shape: tuple, axis: int, sizes: list) -> None:
    from rtorch_py._core import ops as O  # noqa: PLC0415
    from tests.gradcheck import gradcheck  # noqa: PLC0415

    def fn(x: Tensor) -> Tensor:  # some pieces unused, others through different functions
        ps = O.split(x, axis, sizes)
        return O.cat([O.mul(ps[0], ps[0]), O.exp(ps[-1])], axis)

    x = np.random.default_rng(len(shape) + axis).standard_normal(shape)
    gradcheck(fn, [x])
    gradcheck(fn, [x], second_order=True)
