"""Gradient clipping: ``nn_utils_clip_grad_norm_`` and ``nn_utils_clip_grad_value_`` (in place, as PyTorch)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _check
from .._core.tensor import Tensor
from .._r import to_int

__all__ = ["nn_utils_clip_grad_norm_", "nn_utils_clip_grad_value_", "nn_prune_head", "is_undefined_tensor"]


def _params(parameters: Any, fn: str) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    if isinstance(parameters, dict):
        parameters = list(parameters.values())
    try:
        items = list(parameters)
    except TypeError:
        raise _check.fail_type(fn, "parameters", "a tensor or a list of tensors", parameters) from None
    for p in items:
        _check.tensor(p, fn, "parameters")
    return items


def nn_utils_clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2,
                             error_if_nonfinite: bool = False) -> Tensor:
    """Scale the gradients in place so that their joint ``norm_type``-norm is at most ``max_norm``; returns
    the joint norm before clipping.

    Example:
        >>> m = nn_linear(3, 1); m(torch_ones(1, 3)).sum().backward()
        >>> total = nn_utils_clip_grad_norm_(m.parameters, 0.1)
    """
    grads = [p._grad for p in _params(parameters, "nn_utils_clip_grad_norm_") if p._grad is not None]
    max_norm = _check.number(max_norm, "nn_utils_clip_grad_norm_", "max_norm")
    norm_type = _check.number(norm_type, "nn_utils_clip_grad_norm_", "norm_type")
    if not grads:
        return Tensor._wrap(np.zeros((), dtype=np.float32))
    dt = grads[0]._data.dtype
    if norm_type == math.inf:
        norms = np.array([np.max(np.abs(g._data)) if g._data.size else 0 for g in grads], dtype=dt)
        total = norms.max()
    else:
        norms = np.array([np.linalg.norm(g._data.reshape(-1), norm_type) for g in grads], dtype=dt)
        total = np.linalg.norm(norms, norm_type).astype(dt)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"nn_utils_clip_grad_norm_: The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable this error and scale the "
                           "gradients by the non-finite norm anyway, set `error_if_nonfinite=FALSE`")
    coef = min(dt.type(max_norm) / (total + dt.type(1e-6)), dt.type(1.0))
    for g in grads:
        np.multiply(g._data, g._data.dtype.type(coef), out=g._data)
        g._version[0] += 1
    return Tensor._wrap(np.asarray(total, dtype=dt))


def nn_utils_clip_grad_value_(parameters: Any, clip_value: float) -> None:
    """Clamp every gradient in place to [-clip_value, clip_value].

    Example:
        >>> m = nn_linear(3, 1); m(torch_ones(1, 3)).sum().backward()
        >>> nn_utils_clip_grad_value_(m.parameters, 0.1)
    """
    v = _check.number(clip_value, "nn_utils_clip_grad_value_", "clip_value")
    for p in _params(parameters, "nn_utils_clip_grad_value_"):
        g = p._grad
        if g is not None:
            np.clip(g._data, -v, v, out=g._data)
            g._version[0] += 1


def nn_prune_head(x: Any, head_size: int = 1) -> Any:
    """An ``nn_sequential`` of ``x``'s children without the last ``head_size`` (R torch's ``nn_prune_head``;
    the children are shared, not copied).

    Example:
        >>> len(nn_prune_head(nn_sequential(nn_relu(), nn_tanh(), nn_linear(2, 3))))
        2
    """
    from .module import nn_Module, nn_sequential  # noqa: PLC0415

    if not isinstance(x, nn_Module):
        raise TypeError(f"nn_prune_head: `x` must be an nn_module, got {type(x).__name__}")
    n = to_int(head_size, "nn_prune_head: head_size")
    children = list(x._modules.values())
    if n < 0 or n > len(children):
        raise ValueError(f"nn_prune_head: head_size must be between 0 and the number of children "
                         f"({len(children)}), got {n}")
    return nn_sequential(*children[:len(children) - n])


def is_undefined_tensor(x: Any) -> bool:
    """Whether ``x`` is an undefined tensor: here NULL (a gradient never computed), as R torch's undefined
    tensors.

    Example:
        >>> is_undefined_tensor(nn_linear(1, 1).weight.grad)
        True
    """
    return x is None
