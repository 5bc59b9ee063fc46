"""R torch's autograd functions: ``with_no_grad``, ``autograd_grad``, ``autograd_function`` and friends."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ._core import autograd
from ._core.autograd import enable_grad, no_grad
from ._core.tensor import Tensor

__all__ = ["with_no_grad", "with_enable_grad", "local_no_grad", "local_enable_grad", "autograd_grad",
           "autograd_backward", "autograd_function", "autograd_set_grad_mode", "autograd_is_enabled",
           "no_grad", "enable_grad"]


def with_no_grad(code: Callable[[], Any] | None = None) -> Any:
    """Run ``code`` without recording gradients; without ``code``, a context manager / decorator.

    Example:
        >>> with with_no_grad():
        ...     y = torch_ones(1, requires_grad=True) * 2
        >>> y.requires_grad
        False
    """
    if code is None:
        return no_grad()
    with no_grad():
        return code()


def with_enable_grad(code: Callable[[], Any] | None = None) -> Any:
    """Run ``code`` with gradient recording on (inside a no-grad region)."""
    if code is None:
        return enable_grad()
    with enable_grad():
        return code()


@contextlib.contextmanager
def local_no_grad() -> Iterator[None]:
    """Gradient recording off until the end of the ``with`` block (R's ``local_no_grad()``)."""
    with no_grad():
        yield


@contextlib.contextmanager
def local_enable_grad() -> Iterator[None]:
    """Gradient recording on until the end of the ``with`` block (R's ``local_enable_grad()``)."""
    with enable_grad():
        yield


def autograd_set_grad_mode(enabled: bool) -> None:
    """Turn gradient recording on or off."""
    autograd.set_grad_enabled(enabled)


def autograd_is_enabled() -> bool:
    """Whether gradient recording is on."""
    return autograd.is_grad_enabled()


def _as_list(x: Any) -> list:
    if x is None:
        return None
    return [x] if isinstance(x, Tensor) else list(x)


def autograd_grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
                  create_graph: bool = False, allow_unused: bool = False) -> list:
    """Gradients of ``outputs`` with respect to ``inputs`` (a list, one per input; NULL for unused ones
    with ``allow_unused``), without touching ``.grad``.

    Example:
        >>> x = torch_tensor(3.0, requires_grad=True)
        >>> autograd_grad(x * x, x)[0].item()
        6.0
    """
    return autograd.grad(_as_list(outputs), _as_list(inputs), _as_list(grad_outputs), retain_graph,
                         create_graph, allow_unused)


def autograd_backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
                      create_graph: bool = False) -> None:
    """Accumulate the gradients of ``tensors`` (weighted by ``grad_tensors``) into the leaves' ``$grad``.

    Example:
        >>> x = torch_tensor(2.0, requires_grad=True)
        >>> autograd_backward(x * x)
        >>> x.grad.item()
        4.0
    """
    autograd.backward(_as_list(tensors), _as_list(grad_tensors), retain_graph, create_graph)


class AutogradContext:
    """``ctx`` of a custom autograd function: ``save_for_backward`` and ``saved_variables``, plus any
    attribute the forward sets (R: ``ctx$foo <- ...``)."""

    def __init__(self) -> None:
        self._saved: tuple = ()
        self._needs: tuple = ()

    def save_for_backward(self, *args: Any, **kwargs: Any) -> None:
        """Keep values (tensors or others; a list or named arguments) for the backward."""
        if kwargs:
            self._saved = dict(kwargs)
        else:
            self._saved = args[0] if len(args) == 1 and isinstance(args[0], (list, dict)) else list(args)

    @property
    def saved_variables(self) -> Any:
        """What ``save_for_backward`` kept (a list, or a dict for named arguments)."""
        return self._saved

    @property
    def needs_input_grad(self) -> tuple:
        """Per argument of the forward, whether its gradient is wanted."""
        return self._needs

    def mark_non_differentiable(self, *args: Any) -> None:
        """Accepted for R torch's API; it has no effect here (no output is marked)."""


def _check_backward_grads(grads: Any, names: list, params: list, tensors: tuple) -> tuple:
    """The gradients an autograd_function's backward returned, one per tensor argument, checked as libtorch's
    validate_outputs checks them: their number, names, types and shapes (a broadcastable shape is summed back
    by the engine)."""
    if grads is None:
        grads = {}
    if isinstance(grads, dict):
        unknown = [k for k in grads if k not in params]
        if unknown:
            raise RuntimeError(f"autograd_function: backward returned a gradient for '{unknown[0]}', which is not an "
                               f"argument of forward (its arguments: {', '.join(params)})")
        out = [grads.get(n) for n in names]
    else:
        out = [grads] if isinstance(grads, Tensor) else list(grads) if isinstance(grads, (list, tuple)) else None
        if out is None:
            raise TypeError(f"autograd_function: backward must return a list of gradients (or a named list), got "
                            f"{type(grads).__name__}")
        if len(out) == len(params) and len(params) != len(names):
            out = [out[params.index(n)] for n in names]
        elif len(out) != len(names):
            raise RuntimeError(f"function backward returned an incorrect number of gradients (expected "
                               f"{len(names)}, got {len(out)})")
    for i, (gi, t) in enumerate(zip(out, tensors)):
        if gi is None:
            continue
        if not isinstance(gi, Tensor):
            raise TypeError(f"autograd_function: backward returned a value of class {type(gi).__name__} as the "
                            f"gradient of '{names[i]}': gradients must be tensors or NULL")
        try:
            ok = np.broadcast_shapes(t.shape, gi.shape) == tuple(gi.shape)
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f"Function backward returned an invalid gradient at index {i} - got "
                               f"[{', '.join(map(str, gi.shape))}] but expected shape compatible with "
                               f"[{', '.join(map(str, t.shape))}]")
    return tuple(out)


def autograd_function(forward: Callable, backward: Callable) -> Callable:
    """A differentiable function from a forward ``f(ctx, ...)`` and a backward ``b(ctx, grad_output)``
    that returns the gradients of the tensor arguments (a list in argument order, or a dict by name).

    Example:
        >>> square = autograd_function(
        ...     forward=lambda ctx, x: (ctx.save_for_backward(x), x * x)[1],
        ...     backward=lambda ctx, g: [2 * ctx.saved_variables[0] * g])
        >>> x = torch_tensor(3.0, requires_grad=True); square(x).backward(); x.grad.item()
        6.0
    """
    import inspect  # noqa: PLC0415

    params = list(inspect.signature(forward).parameters)[1:]

    def apply(*args: Any, **kwargs: Any) -> Any:
        from ._core.ops import record  # noqa: PLC0415

        ctx = AutogradContext()
        bound = dict(zip(params, args))
        bound.update(kwargs)
        names = [n for n, v in bound.items() if isinstance(v, Tensor)]
        tensors = tuple(bound[n] for n in names)
        ctx._needs = tuple(t._requires_grad for t in tensors)
        with no_grad():
            out = forward(ctx, *args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"autograd_function: forward must return one tensor (several outputs are not supported), "
                            f"got {type(out).__name__}")

        def rule(g: Tensor) -> tuple:
            return _check_backward_grads(backward(ctx, g), names, params, tensors)

        return record(out._data, "torch::autograd::CppNode<RFunction>", rule, tensors)

    return apply



