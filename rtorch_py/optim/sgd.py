"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _check
from .._core import parallel
from .._core.tensor import Tensor
from ._kernels import fma, scalar, wide_scalar
from .optimizer import Optimizer, optim_required

__all__ = ["optim_sgd"]


class optim_sgd(Optimizer):  # noqa: N801 - R torch's name
    r"""SGD, R torch's ``optim_sgd`` (``lr`` has no default).

    With :math:`d = g + weight\_decay \cdot \theta`: with momentum :math:`\mu`, the buffer is :math:`b = d` on
    the first step, then :math:`b = \mu b + (1 - dampening) d`; the step direction is :math:`d + \mu b`
    (nesterov) or :math:`b`; :math:`\theta \leftarrow \theta - lr \cdot direction`. State: ``momentum_buffer``.
    Weight decay is PyTorch's (R torch adds ``weight_decay`` times the parameter's index: a bug).

    Example:
        >>> x = torch_tensor([1.0], requires_grad=True)
        >>> opt = optim_sgd(x, lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.zero_grad(); (x * x).sum().backward(); opt.step()
        >>> x
        torch_tensor
         0.4600
        [ CPUFloatType{1} ]
    """

    def initialize(self, params: Any, lr: Any = optim_required(), momentum: float = 0.0, dampening: float = 0.0,  # noqa: B008
                   weight_decay: float = 0.0, nesterov: bool = False) -> None:
        self._nonneg(lr, "lr", "learning rate")
        self._nonneg(momentum, "momentum", "momentum value")
        self._nonneg(weight_decay, "weight_decay", "weight_decay value")
        self._number(dampening, "dampening")
        if _check.flag(nesterov, type(self).__name__, "nesterov") and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().initialize(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                    "weight_decay": weight_decay, "nesterov": nesterov})

    def step(self, closure: Any = None) -> Any:
        """One optimization step; returns ``closure()``'s loss, or None without a closure."""
        consts: dict = {}  # per (group, dtype): the scalars, made once per step, not per parameter
        return self._step_helper(closure, lambda group, param, g, p: self._loop(group, param, g, consts))

    @staticmethod
    def _constants(group: dict, dtype: np.dtype) -> tuple:
        momentum = group["momentum"]
        return (wide_scalar(group["weight_decay"], dtype), scalar(momentum, dtype),
                wide_scalar(1 - group["dampening"], dtype), wide_scalar(momentum, dtype),
                wide_scalar(-group["lr"], dtype))

    def _loop(self, group: dict, param: Tensor, g: int, consts: dict) -> None:
        data = param._data
        key = (g, data.dtype)
        c = consts.get(key)
        if c is None:
            c = consts[key] = self._constants(group, data.dtype)
        d_p, wide = self._buffers(param, 1, True)
        grad = param._grad._data
        buf, fresh = None, False
        if group["momentum"] != 0:
            st = self.state.get(param)
            if st is None or "momentum_buffer" not in st:
                buf, fresh = np.empty_like(grad), True
                self.state[param] = {"momentum_buffer": Tensor._wrap(buf)}
            else:
                buf = st["momentum_buffer"]._data
        flags = (group["weight_decay"] != 0, fresh, group["nesterov"])
        if data.ndim and parallel.splits(data.size):
            # a large parameter: the whole update by slices, one per thread (the buffer's passes too, not only
            # the fused multiply-adds); the kernels inside run inline (one parallel region at a time). (Blocks of
            # 64K elements through all the passes, for the cache, measured 1.06-1.13x slower: per-block calls.)
            w0, w1 = wide if wide is not None else (None, None)
            parallel.for_slices(lambda sl: _update(data[sl], grad[sl], None if buf is None else buf[sl], d_p[sl],
                                                   None if w0 is None else (w0[sl], w1[sl]), c, flags),
                                data.shape[0], data.size)
        else:
            _update(data, grad, buf, d_p, wide, c, flags)
        param._version[0] += 1


def _update(data: np.ndarray, grad: np.ndarray, buf: np.ndarray | None, d_p: np.ndarray, wide: Any, c: tuple,
            flags: tuple[bool, bool, bool]) -> None:
    """PyTorch's _single_tensor_sgd on arrays (or slices of them): grad.add(param, alpha=wd);
    buf.mul_(m).add_(grad, alpha=1 - d) (``fresh``: buf = grad); grad.add(buf, alpha=m) for nesterov;
    param.add_(grad, alpha=-lr). ``c``: optim_sgd._constants; ``buf`` None without momentum."""
    weight_decay, momentum_t, one_minus_dampening, momentum_w, neg_lr = c
    decay, fresh, nesterov = flags
    if decay:
        fma(data, weight_decay, grad, d_p, wide)
        grad = d_p
    if buf is not None:
        if fresh:
            np.copyto(buf, grad)
        else:
            np.multiply(buf, momentum_t, out=buf)
            fma(grad, one_minus_dampening, buf, buf, wide)
        if nesterov:
            fma(buf, momentum_w, grad, d_p, wide)
            grad = d_p
        else:
            grad = buf
    fma(grad, neg_lr, data, data, wide)
