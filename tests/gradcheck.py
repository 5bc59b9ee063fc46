"""Finite-difference gradient checks (float64), shared by the test suite."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from rtorch_py import Tensor, autograd_grad, torch_tensor


def gradcheck(fn: Callable[..., Tensor], inputs: Sequence[np.ndarray | Tensor], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-4, seed: int = 0, second_order: bool = False) -> None:
    """Check d(fn(*inputs))/d(inputs) against central differences, in float64.

    The output is contracted with a fixed random cotangent, so non-scalar outputs are covered too.
    Integer/bool numpy inputs are passed through as constants. With second_order, the gradient itself is
    checked the same way (create_graph=True).
    """
    xs = [x if isinstance(x, Tensor) else torch_tensor(np.asarray(x, dtype=np.float64)
                                                        if np.asarray(x).dtype.kind == "f" else np.asarray(x))
          for x in inputs]
    diff = [i for i, x in enumerate(xs) if x.dtype.is_floating_point]
    for i in diff:
        assert xs[i]._data.dtype == np.float64, "gradcheck needs float64 inputs"
        xs[i].requires_grad_(True)
    out = fn(*xs)
    rng = np.random.default_rng(seed)
    cot = rng.standard_normal(out.shape)

    def scalar(*args: Tensor) -> float:
        return float(np.sum(fn(*args)._data.astype(np.float64) * cot))

    grads = autograd_grad([out], [xs[i] for i in diff], [torch_tensor(cot)], allow_unused=True,
                          create_graph=second_order)
    for i, g in zip(diff, grads):
        x = xs[i]._data
        num = np.zeros_like(x)
        for j in np.ndindex(x.shape):
            orig = x[j]
            x[j] = orig + eps
            fp = scalar(*xs)
            x[j] = orig - eps
            fm = scalar(*xs)
            x[j] = orig
            num[j] = (fp - fm) / (2 * eps)
        ana = np.zeros_like(x) if g is None else g._data
        np.testing.assert_allclose(ana, num, atol=atol, rtol=rtol,
                                   err_msg=f"gradient of input {i} (shape {x.shape}) differs")
    if second_order:
        def first(*args: Tensor) -> Tensor:
            for a in args:
                if a.dtype.is_floating_point:
                    a.requires_grad_(True)
            o = fn(*args)
            gs = autograd_grad([o], [args[i] for i in diff], [torch_tensor(cot)], create_graph=True,
                               allow_unused=True)
            total = None
            for g in gs:
                if g is not None:
                    s = (g * g).sum()
                    total = s if total is None else total + s
            return total

        gradcheck(first, [x.detach()._data.copy() if x.dtype.is_floating_point else x._data for x in xs],
                  eps=eps, atol=atol * 10, rtol=rtol * 10, seed=seed + 1)
