"""R torch's autograd API (rtorch_py/autograd_api.py): with_no_grad / with_enable_grad (context managers,
decorators, functions), local_*, autograd_grad, autograd_backward, autograd_function with ctx."""

from __future__ import annotations

import numpy as np
import pytest

import rtorch_py as rt
from rtorch_py import Tensor, autograd_function, autograd_grad, torch_tensor
from rtorch_py._core import autograd


def leaf(values: object) -> Tensor:
    return torch_tensor(values, dtype=rt.torch_double(), requires_grad=True)


# -- grad modes --------------------------------------------------------------------------------------------------

def test_no_grad_and_enable_grad_context_managers() -> None:
    x = leaf([1.0])
    with rt.with_no_grad():
        y = x * 2
        assert not rt.autograd_is_enabled()
        with rt.with_enable_grad():
            z = x * 2
            assert rt.autograd_is_enabled()
        assert not rt.autograd_is_enabled()
    assert rt.autograd_is_enabled()
    assert not y.requires_grad and z.requires_grad


def test_grad_mode_restored_after_exception() -> None:
    with pytest.raises(ValueError, match="boom"), rt.with_no_grad():
        raise ValueError("boom")
    assert rt.autograd_is_enabled()


def test_grad_mode_decorators() -> None:
    x = leaf([1.0])

    @rt.with_no_grad()
    def f(t: Tensor) -> Tensor:
        return t * 2

    @rt.no_grad()
    def f2(t: Tensor) -> Tensor:
        return t * 2

    @rt.enable_grad()
    def h(t: Tensor) -> Tensor:
        return t * 2

    assert not f(x).requires_grad and not f2(x).requires_grad
    assert f.__name__ == "f"
    with rt.with_no_grad():
        assert h(x).requires_grad
        assert not (x * 2).requires_grad


def test_with_no_grad_runs_a_function() -> None:
    x = leaf([1.0])
    y = rt.with_no_grad(lambda: x * 2)
    assert not y.requires_grad
    with rt.with_no_grad():
        z = rt.with_enable_grad(lambda: x * 2)
    assert z.requires_grad


def test_local_grad_modes_and_set_grad_mode() -> None:
    with rt.local_no_grad():
        assert not rt.autograd_is_enabled()
        with rt.local_enable_grad():
            assert rt.autograd_is_enabled()
    rt.autograd_set_grad_mode(False)
    try:
        assert not (leaf([1.0]) * 2).requires_grad
    finally:
        rt.autograd_set_grad_mode(True)
    assert autograd.is_grad_enabled()


# -- autograd_grad / autograd_backward ---------------------------------------------------------------------------

def test_autograd_grad_returns_and_leaves_grad_untouched() -> None:
    x = leaf([1.0, 2.0])
    (gx,) = autograd_grad((x * x).sum(), x)
    np.testing.assert_allclose(gx._data, [2.0, 4.0])
    assert x.grad is None
    assert not gx.requires_grad


def test_autograd_grad_lists_and_grad_outputs() -> None:
    x, w = leaf([1.0, 2.0]), leaf([3.0])
    y = x * w
    gx, gw = autograd_grad([y], [x, w], [torch_tensor([1.0, 10.0], dtype=rt.torch_double())])
    np.testing.assert_allclose(gx._data, [3.0, 30.0])
    np.testing.assert_allclose(gw._data, [21.0])
    a, b = autograd_grad([(x * 2).sum(), (x * 3).sum()], [x])[0], None
    np.testing.assert_allclose(a._data, [5.0, 5.0])
    assert b is None


def test_autograd_grad_of_non_leaf_inputs() -> None:
    x = leaf([1.0, 2.0])
    h = x * 3
    (gh,) = autograd_grad((h * h).sum(), h)
    np.testing.assert_allclose(gh._data, [6.0, 12.0])


def test_allow_unused_and_its_error() -> None:
    x, w = leaf([1.0, 2.0]), leaf([3.0])
    y = (x * x).sum()
    gx, gw = autograd_grad(y, [x, w], allow_unused=True, retain_graph=True)
    assert gw is None
    np.testing.assert_allclose(gx._data, [2.0, 4.0])
    with pytest.raises(RuntimeError, match=r"One of the differentiated Tensors \(input 2\) appears to not have been "
                                           r"used in the graph\. Set allow_unused=TRUE"):
        autograd_grad(y, [x, w])
    with pytest.raises(RuntimeError, match=r"One of the differentiated Tensors \(input 1\) does not require grad"):
        autograd_grad((x * 2).sum(), [torch_tensor([1.0])])


def test_retain_graph_and_create_graph() -> None:
    x = leaf(2.0)
    y = x ** 3
    (g1,) = autograd_grad(y, x, retain_graph=True)
    (g1b,) = autograd_grad(y, x)
    assert g1.item() == g1b.item() == 12.0
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        autograd_grad(y, x)
    y = x ** 3
    (g,) = autograd_grad(y, x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    (gg,) = autograd_grad(g, x)
    assert gg.item() == 12.0  # 6x
    (g,) = autograd_grad(x ** 3, x, create_graph=True)
    g.backward()
    assert x.grad.item() == 12.0


def test_autograd_backward() -> None:
    x = leaf([1.0, 2.0])
    rt.autograd_backward([(x * 2).sum(), (x * 3).sum()])
    np.testing.assert_allclose(x.grad._data, [5.0, 5.0])
    rt.autograd_backward(x * 2, torch_tensor([1.0, 0.0], dtype=rt.torch_double()))
    np.testing.assert_allclose(x.grad._data, [7.0, 5.0])


# -- autograd_function ---------------------------------------------------------------------------------------

def test_autograd_function_with_named_saved_variables() -> None:
    mul2 = autograd_function(
        forward=lambda ctx, x, y: (ctx.save_for_backward(x=x, y=y), x * y)[1],
        backward=lambda ctx, grad_output: {"x": grad_output * ctx.saved_variables["y"],
                                           "y": grad_output * ctx.saved_variables["x"]},
    )
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    z = mul2(x, y)
    assert z.grad_fn.name == "torch::autograd::CppNode<RFunction>"
    assert z.requires_grad and not z.is_leaf
    z.sum().backward()
    np.testing.assert_allclose(x.grad._data, [3.0, 4.0])
    np.testing.assert_allclose(y.grad._data, [1.0, 2.0])


def test_autograd_function_list_form_and_extra_arguments() -> None:
    calls = []

    def forward(ctx: object, x: Tensor, k: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.k = k
        calls.append(rt.autograd_is_enabled())
        return x ** 2 * k

    def backward(ctx: object, g: Tensor) -> list:
        (x,) = ctx.saved_variables
        return [2 * x * ctx.k * g]

    f = autograd_function(forward, backward)
    x = leaf([3.0])
    f(x, 5.0).backward()
    assert x.grad.item() == 30.0
    assert calls == [False]  # forward runs without recording, as R torch's
    (g,) = autograd_grad(f(x, 1.0), x, create_graph=True)
    assert g.requires_grad
    (gg,) = autograd_grad(g, x)
    assert gg.item() == 2.0


def test_autograd_function_needs_input_grad_and_non_grad_inputs() -> None:
    seen = {}

    def forward(ctx: object, a: Tensor, b: Tensor) -> Tensor:
        seen["needs"] = ctx.needs_input_grad
        return a * b

    f = autograd_function(forward, lambda ctx, g: [g * 2, g * 3])
    a, b = leaf([1.0]), torch_tensor([4.0], dtype=rt.torch_double())
    f(a, b).backward()
    assert seen["needs"] == (True, False)
    assert a.grad.item() == 2.0 and b.grad is None
    out = f(torch_tensor([1.0]), b)
    assert not out.requires_grad


def test_autograd_function_errors() -> None:
    f = autograd_function(lambda ctx, x: [x, x], lambda ctx, g: [g])
    with pytest.raises(TypeError, match="forward must return one tensor"):
        f(leaf([1.0]))


def test_core_grad_mode_functions() -> None:
    autograd.set_grad_enabled(False)
    try:
        assert not autograd.is_grad_enabled()
    finally:
        autograd.set_grad_enabled(True)
