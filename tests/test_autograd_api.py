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
    assert seen["needs"] == {"a": True, "b": False}
    assert a.grad.item() == 2.0 and b.grad is None
    out = f(torch_tensor([1.0]), b)
    assert not out.requires_grad


def test_autograd_function_errors() -> None:
    f = autograd_function(lambda ctx, x: 3, lambda ctx, g: [g])
    with pytest.raises(TypeError, match="forward must return a tensor or a list of tensors, got int"):
        f(leaf([1.0]))


def test_core_grad_mode_functions() -> None:
    autograd.set_grad_enabled(False)
    try:
        assert not autograd.is_grad_enabled()
    finally:
        autograd.set_grad_enabled(True)


# -- autograd_function: several outputs, mark_dirty, mark_non_differentiable ---------------------------------------

def test_autograd_function_list_outputs_backward_gets_all_gradients() -> None:
    calls = []

    def backward(ctx: object, g1: Tensor, g2: Tensor) -> dict:
        calls.append((g1._data.tolist(), g2._data.tolist()))
        return {"x": g1 * 2 + g2 * 3 * ctx.saved_variables["x"] ** 2}

    def forward(ctx: object, x: Tensor, k: float) -> list:
        ctx.save_for_backward(x=x, k=k)
        return [x * k, x ** 3]

    f = autograd_function(forward, backward)
    x = leaf([2.0])
    a, b = f(x, 2.0)
    (a + b).sum().backward()
    # each output's gradient runs the backward with the other output's gradient materialised as zeros
    assert sorted(calls) == [([0.0], [1.0]), ([1.0], [0.0])]
    assert x.grad.item() == 2.0 + 3 * 4.0


def test_autograd_function_backward_taking_one_list() -> None:
    f = autograd_function(lambda ctx, x: [x * 2, x * 3], lambda ctx, grads: [grads[0] * 2 + grads[1] * 3])
    x = leaf([1.0])
    out = f(x)
    out[1].backward()
    assert x.grad.item() == 3.0


def test_autograd_function_set_materialize_grads_false_passes_none() -> None:
    seen = []

    def forward(ctx: object, x: Tensor) -> list:
        ctx.set_materialize_grads(False)
        return [x * 2, x * 3]

    def backward(ctx: object, g1: Tensor | None, g2: Tensor | None) -> list:
        seen.append((g1 is None, g2 is None))
        return [(g1 * 2) if g1 is not None else g2 * 3]

    x = leaf([1.0])
    f = autograd_function(forward, backward)
    f(x)[1].backward()
    assert seen == [(True, False)] and x.grad.item() == 3.0


def test_autograd_function_mark_non_differentiable_and_bool_outputs() -> None:
    def forward(ctx: object, x: Tensor) -> list:
        a, b = x + 1, x + 2
        ctx.mark_non_differentiable(a)
        return [a, b, x > 0]

    f = autograd_function(forward, lambda ctx, ga, gb, gm: [gb])
    x = leaf([1.0])
    a, b, m = f(x)
    assert not a.requires_grad and b.requires_grad and not m.requires_grad
    b.backward()
    assert x.grad.item() == 1.0


def test_autograd_function_mark_dirty() -> None:
    def forward(ctx: object, a: Tensor, b: Tensor) -> list:
        ctx.mark_dirty(a)
        return [a.add_(b), b + 2]

    f = autograd_function(forward, lambda ctx, ga, gb: {"a": ga, "b": ga + gb})
    x, y = torch_tensor([2.0]), leaf([3.0])
    r = f(x, y)
    assert r[0] is x and x.requires_grad and x.item() == 5.0
    r[0].backward()
    assert y.grad.item() == 1.0

    def double_in_place(ctx: object, x: Tensor) -> list:
        x.mul_(2)
        ctx.mark_dirty(x)
        return [x, x]

    g = autograd_function(double_in_place, lambda ctx, g1, g2: [g1 * 2 + g2 * 2])
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        g(leaf([5.0]))


# -- hooks, anomaly mode ------------------------------------------------------------------------------------------

def test_hook_returning_none_or_non_tensor_keeps_gradient_tensor_replaces_it() -> None:
    x = leaf([2.0])
    x.register_hook(lambda g: "printed")  # an R hook's last value (print's string) is not a gradient
    (x * 2).backward()
    assert x.grad.item() == 2.0
    x = leaf([2.0])
    h = x.register_hook(lambda g: g * 10)
    (x * 2).backward()
    assert x.grad.item() == 20.0
    h.remove()
    x.grad = None
    (x * 2).backward()
    assert x.grad.item() == 2.0


def test_autograd_grad_does_not_run_hooks_beyond_its_inputs() -> None:
    x = leaf(np.arange(8.0).reshape(4, 2))
    a, b = x[0:2], x[2:4]
    called = []
    x.register_hook(lambda g: called.append(1))
    go = torch_tensor(np.ones((2, 2)), dtype=rt.torch_double())
    ga, gb = autograd_grad(a + 2 * b, [a, b], grad_outputs=go, create_graph=True)
    assert ga._data.tolist() == [[1, 1], [1, 1]] and gb._data.tolist() == [[2, 2], [2, 2]]
    assert called == [] and x.grad is None


def test_detect_anomaly_hint_and_warning() -> None:
    def failing() -> None:
        x = leaf([1.0, 2.0])
        y = torch_tensor([0.5], dtype=rt.torch_double())
        b = (x ** y).sum()
        y.add_(1)
        b.backward()

    with pytest.raises(RuntimeError, match="enable anomaly detection.*set_detect_anomaly"):
        failing()
    with pytest.warns(UserWarning, match="should be enabled only for debugging"), \
            pytest.raises(RuntimeError, match="backtrace further above"):
        rt.with_detect_anomaly(failing)
    with pytest.raises(RuntimeError, match="enable anomaly detection"):
        failing()  # the mode ends with the call


def test_is_undefined_tensor() -> None:
    x = leaf([1.0])
    assert rt.is_undefined_tensor(x.grad) and not rt.is_undefined_tensor(x)
    out = autograd_grad((x * 2).sum(), [x, leaf([2.0])], allow_unused=True)
    assert not rt.is_undefined_tensor(out[0]) and rt.is_undefined_tensor(out[1])
    with pytest.raises(TypeError, match="is_undefined_tensor: `x` must be a tensor or NULL, got str"):
        rt.is_undefined_tensor("a")


def test_root_gradient_of_a_shape_the_output_expands_to_is_summed_as_libtorch() -> None:
    # R torch calls libtorch's C++ grad(): its engine sums a root gradient whose shape the output expands to
    # (autograd_grad(mean(w), w, ones_like(w)) gives ones_like(w).sum() / n per element); other shapes fail
    w = leaf(np.arange(6.0).reshape(2, 3))
    (g,) = autograd_grad(w.mean(), w, torch_tensor(np.ones((2, 3))))
    assert np.allclose(g._data, 1.0)
    y = w * 2
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of \[4\]"):
        rt.autograd_backward(y, torch_tensor(np.ones(4)))


def test_autograd_grad_runs_only_the_nodes_between_outputs_and_inputs() -> None:
    x = leaf([1.0, 2.0])
    h = x * 3  # a non-leaf before the input: its hook must not run
    seen = []
    h.register_hook(lambda g: seen.append("h"))
    a = h * 2
    a.register_hook(lambda g: seen.append("a") or g * 10)  # the input's own hook runs before capture
    out = (a * a).sum()
    (ga,) = autograd_grad(out, a)
    assert seen == ["a"] and np.allclose(ga._data, 10 * 2 * a._data)
    assert x.grad is None
