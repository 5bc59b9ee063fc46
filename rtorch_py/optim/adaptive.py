"""Per-coordinate adaptive methods: Adagrad, Adadelta, RMSprop, Rprop, and averaged SGD (ASGD)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _check
from .._core.tensor import Tensor
from .._r6 import r_num
from ._kernels import addcdiv_, addcmul_, fma, lerp_, lerp_weight, scalar, wide_scalar
from .optimizer import Optimizer, _param_values, _zeros_like

__all__ = ["optim_adagrad", "optim_adadelta", "optim_rmsprop", "optim_rprop", "optim_asgd"]


class _LoopOptimizer(Optimizer):
    """``step`` = R torch's ``private$step_helper(closure, loop_fun)`` with the class's ``_loop``, which gets
    the group's scalars from ``_constants`` (made once per step and group, not once per parameter)."""

    _r_class = None  # an implementation detail, not an R class: printing skips it

    def step(self, closure: Any = None) -> Any:
        """One optimization step; returns ``closure()``'s loss, or None without a closure."""
        consts: dict = {}

        def loop(group: dict, param: Tensor, g: int, p: int) -> None:
            key = (g, param._data.dtype)
            c = consts.get(key)
            if c is None:
                c = consts[key] = self._constants(group, param._data.dtype)
            self._loop(group, param, c)

        return self._step_helper(closure, loop)

    def _constants(self, group: dict, dtype: np.dtype) -> tuple:
        raise NotImplementedError

    def _loop(self, group: dict, param: Tensor, c: tuple) -> None:
        raise NotImplementedError

    @staticmethod
    def _decayed_grad(group: dict, param: Tensor, out: np.ndarray, wide: Any, dtype: np.dtype) -> np.ndarray:
        """``grad.add(param, alpha=weight_decay)`` into ``out`` (the gradient itself without decay)."""
        grad = param._grad._data
        wd = group["weight_decay"]
        if wd == 0:
            return grad
        fma(param._data, wide_scalar(wd, dtype), grad, out, wide)
        return out


class optim_adagrad(_LoopOptimizer):  # noqa: N801 - R torch's name
    r"""Adagrad (Duchi et al., 2011), R torch's ``optim_adagrad``.

    :math:`clr = lr / (1 + (t - 1) \cdot lr\_decay)`, :math:`s \leftarrow s + g^2`,
    :math:`\theta \leftarrow \theta - clr \cdot g / (\sqrt{s} + \epsilon)`. State: ``step``, ``sum`` (starts at
    ``initial_accumulator_value``).

    Example:
        >>> x = torch_tensor([1.0], requires_grad=True)
        >>> opt = optim_adagrad(x, lr=0.5)
        >>> (x * x).sum().backward(); opt.step()
        >>> x
        torch_tensor
         0.5000
        [ CPUFloatType{1} ]
    """

    def initialize(self, params: Any, lr: float = 0.01, lr_decay: float = 0.0, weight_decay: float = 0.0,
                   initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        self._nonneg(lr, "lr", "learning rate")
        self._nonneg(lr_decay, "lr_decay", "lr_decay value")
        self._nonneg(weight_decay, "weight_decay", "weight_decay value")
        self._nonneg(initial_accumulator_value, "initial_accumulator_value", "initial_accumulator_value value")
        self._nonneg(eps, "eps", "epsilon value")
        super().initialize(params, {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                                    "initial_accumulator_value": initial_accumulator_value, "eps": eps})
        # As PyTorch and R torch: the state exists from the start (the accumulator holds its initial value).
        for group in self.param_groups:
            for param in _param_values(group["params"]):
                self.state[param] = {"step": 0, "sum": Tensor._wrap(
                    np.full_like(param._data, group["initial_accumulator_value"]))}

    def _constants(self, group: dict, dtype: np.dtype) -> tuple:
        return (scalar(group["eps"], dtype),)

    def _loop(self, group: dict, param: Tensor, c: tuple) -> None:
        # PyTorch: clr = lr / (1 + (step - 1) * lr_decay); sum.addcmul_(g, g, value=1);
        # std = sum.sqrt().add_(eps); param.addcdiv_(g, std, value=-clr)
        (eps,) = c
        data = param._data
        st = self.state.get(param)
        if st is None:
            st = self.state[param] = {"step": 0, "sum": Tensor._wrap(
                np.full_like(data, group["initial_accumulator_value"]))}
        tmp, dec, wide = self._buffers(param, 2, True)
        grad = self._decayed_grad(group, param, dec, wide, data.dtype)
        step = st["step"] = st["step"] + 1
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        s = st["sum"]._data
        addcmul_(s, grad, grad, None, tmp, wide)
        np.sqrt(s, out=tmp)
        np.add(tmp, eps, out=tmp)
        addcdiv_(data, grad, tmp, scalar(-clr, data.dtype), dec)
        param._version[0] += 1


class optim_adadelta(_LoopOptimizer):  # noqa: N801 - R torch's name
    r"""Adadelta (Zeiler, 2012), R torch's ``optim_adadelta``.

    :math:`v \leftarrow \rho v + (1-\rho) g^2`, :math:`\delta = \sqrt{u + \epsilon} / \sqrt{v + \epsilon} \cdot g`,
    :math:`u \leftarrow \rho u + (1-\rho) \delta^2`, :math:`\theta \leftarrow \theta - lr \cdot \delta`.
    State: ``step``, ``square_avg``, ``acc_delta``.

    Example:
        >>> x = torch_tensor([1.0], requires_grad=True)
        >>> opt = optim_adadelta(x)
        >>> (x * x).sum().backward(); opt.step()
        >>> round(x.item(), 6)
        0.996838
    """

    def initialize(self, params: Any, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-06,
                   weight_decay: float = 0.0) -> None:
        self._nonneg(lr, "lr", "learning rate")
        if not 0 <= self._number(rho, "rho") <= 1:
            raise ValueError(f"Invalid rho value: {r_num(rho)}")
        self._nonneg(eps, "eps", "epsilon value")
        self._nonneg(weight_decay, "weight_decay", "weight_decay value")
        super().initialize(params, {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay})

    def _constants(self, group: dict, dtype: np.dtype) -> tuple:
        rho = group["rho"]
        return (scalar(rho, dtype), scalar(1 - rho, dtype), scalar(group["eps"], dtype),
                wide_scalar(-group["lr"], dtype))

    def _loop(self, group: dict, param: Tensor, c: tuple) -> None:
        # PyTorch: square_avg.mul_(rho).addcmul_(g, g, value=1 - rho); std = square_avg.add(eps).sqrt_();
        # delta = acc_delta.add(eps).sqrt_().div_(std).mul_(g);
        # acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho); param.add_(delta, alpha=-lr)
        rho, one_minus_rho, eps, neg_lr = c
        data = param._data
        st = self.state.get(param)
        if st is None:
            st = self.state[param] = {"step": 0, "square_avg": _zeros_like(param), "acc_delta": _zeros_like(param)}
        std, delta, dec, wide = self._buffers(param, 3, True)
        grad = self._decayed_grad(group, param, dec, wide, data.dtype)
        st["step"] += 1
        sq, acc = st["square_avg"]._data, st["acc_delta"]._data
        np.multiply(sq, rho, out=sq)
        addcmul_(sq, grad, grad, one_minus_rho, std, wide)
        np.add(sq, eps, out=std)
        np.sqrt(std, out=std)
        np.add(acc, eps, out=delta)
        np.sqrt(delta, out=delta)
        np.divide(delta, std, out=delta)
        np.multiply(delta, grad, out=delta)
        np.multiply(acc, rho, out=acc)
        addcmul_(acc, delta, delta, one_minus_rho, std, wide)
        fma(delta, neg_lr, data, data, wide)
        param._version[0] += 1


class optim_rmsprop(_LoopOptimizer):  # noqa: N801 - R torch's name
    r"""RMSprop (Hinton), R torch's ``optim_rmsprop``.

    :math:`v \leftarrow \alpha v + (1-\alpha) g^2`; centered: :math:`\bar g \leftarrow \alpha \bar g + (1-\alpha)
    g` and :math:`a = \sqrt{v - \bar g^2} + \epsilon`, else :math:`a = \sqrt{v} + \epsilon`; with momentum
    :math:`b \leftarrow \mu b + g / a`, :math:`\theta \leftarrow \theta - lr \cdot b`, else
    :math:`\theta \leftarrow \theta - lr \cdot g / a`. State: ``step``, ``square_avg``, ``momentum_buffer``,
    ``grad_avg``.

    Example:
        >>> x = torch_tensor([1.0], requires_grad=True)
        >>> opt = optim_rmsprop(x, lr=0.01)
        >>> (x * x).sum().backward(); opt.step()
        >>> x
        torch_tensor
         0.9000
        [ CPUFloatType{1} ]
    """

    def initialize(self, params: Any, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-08,
                   weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False) -> None:
        self._nonneg(lr, "lr", "learning rate")
        self._nonneg(eps, "eps", "epsilon value")
        self._nonneg(momentum, "momentum", "momentum value")
        self._nonneg(weight_decay, "weight_decay", "weight_decay value")
        self._nonneg(alpha, "alpha", "alpha value")
        _check.flag(centered, "optim_rmsprop", "centered")
        super().initialize(params, {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                                    "momentum": momentum, "centered": centered})

    def _constants(self, group: dict, dtype: np.dtype) -> tuple:
        alpha, lr = group["alpha"], group["lr"]
        return (scalar(alpha, dtype), scalar(1 - alpha, dtype), lerp_weight(1 - alpha, dtype), scalar(-1, dtype),
                scalar(group["eps"], dtype), scalar(group["momentum"], dtype), wide_scalar(-lr, dtype),
                scalar(-lr, dtype))

    def _loop(self, group: dict, param: Tensor, c: tuple) -> None:
        # PyTorch: square_avg.mul_(alpha).addcmul_(g, g, value=1 - alpha); centered: grad_avg.lerp_(g, 1 - alpha),
        # avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_() else square_avg.sqrt(); avg.add_(eps);
        # momentum: buf.mul_(m).addcdiv_(g, avg), param.add_(buf, alpha=-lr); else param.addcdiv_(g, avg, -lr)
        alpha, one_minus_alpha, weight, minus_one, eps, momentum_t, neg_lr_w, neg_lr = c
        data = param._data
        st = self.state.get(param)
        momentum, centered = group["momentum"], group["centered"]
        if st is None:
            st = self.state[param] = {"step": 0, "square_avg": _zeros_like(param)}
            if momentum > 0:
                st["momentum_buffer"] = _zeros_like(param)
            if centered:
                st["grad_avg"] = _zeros_like(param)
        avg, tmp, dec, wide = self._buffers(param, 3, True)
        grad = self._decayed_grad(group, param, dec, wide, data.dtype)
        st["step"] += 1
        sq = st["square_avg"]._data
        np.multiply(sq, alpha, out=sq)
        addcmul_(sq, grad, grad, one_minus_alpha, tmp, wide)
        if centered:
            ga = st["grad_avg"]._data
            lerp_(ga, grad, weight, tmp, wide)
            avg[...] = sq
            addcmul_(avg, ga, ga, minus_one, tmp, wide)
            np.sqrt(avg, out=avg)
        else:
            np.sqrt(sq, out=avg)
        np.add(avg, eps, out=avg)
        if momentum > 0:
            buf = st["momentum_buffer"]._data
            np.multiply(buf, momentum_t, out=buf)
            addcdiv_(buf, grad, avg, None, tmp)
            fma(buf, neg_lr_w, data, data, wide)
        else:
            addcdiv_(data, grad, avg, neg_lr, tmp)
        param._version[0] += 1


class optim_rprop(_LoopOptimizer):  # noqa: N801 - R torch's name
    r"""Resilient backpropagation (Riedmiller & Braun, 1993), R torch's ``optim_rprop``.

    Per coordinate, the step size grows by ``etas[2]`` while the gradient keeps its sign and shrinks by
    ``etas[1]`` when it flips (then that coordinate does not move), clamped to ``step_sizes``;
    :math:`\theta \leftarrow \theta - sign(g) \cdot step`. State: ``step``, ``prev``, ``step_size``.

    Example:
        >>> x = torch_tensor([1.0], requires_grad=True)
        >>> opt = optim_rprop(x, lr=0.1)
        >>> (x * x).sum().backward(); opt.step()
        >>> x
        torch_tensor
         0.9000
        [ CPUFloatType{1} ]
    """

    def initialize(self, params: Any, lr: float = 0.01, etas: tuple[float, float] = (0.5, 1.2),
                   step_sizes: tuple[float, float] = (1e-06, 50)) -> None:
        self._nonneg(lr, "lr", "learning rate")
        if not isinstance(etas, (list, tuple, np.ndarray)) or len(etas) != 2:
            raise _check.fail_type("optim_rprop", "etas", "2 numbers", etas)
        if not (0 <= self._number(etas[0], "etas") <= 1 <= self._number(etas[1], "etas")):
            raise ValueError(f"Invalid eta values: {r_num(etas[0])}, {r_num(etas[1])}")
        super().initialize(params, {"lr": lr, "etas": etas, "step_sizes": step_sizes})

    def _constants(self, group: dict, dtype: np.dtype) -> tuple:
        (etaminus, etaplus), (lo, hi) = group["etas"], group["step_sizes"]
        return scalar(etaminus, dtype), scalar(etaplus, dtype), scalar(lo, dtype), scalar(hi, dtype)

    def _loop(self, group: dict, param: Tensor, c: tuple) -> None:
        # PyTorch: sign = grad.mul(prev).sign(); sign[>0] = etaplus; sign[<0] = etaminus; sign[==0] = 1;
        # step_size.mul_(sign).clamp_(min, max); grad = grad.clone(); grad[sign == etaminus] = 0;
        # param.addcmul_(grad.sign(), step_size, value=-1); prev.copy_(grad)
        etaminus, etaplus, lo, hi = c
        st = self.state.get(param)
        if st is None:
            st = self.state[param] = {"step": 0, "prev": _zeros_like(param), "step_size": Tensor._wrap(
                np.full_like(param._data, group["lr"]))}
        sign, grad, _ = self._buffers(param, 2, False)
        st["step"] += 1
        prev, step_size = st["prev"]._data, st["step_size"]._data
        np.copyto(grad, param._grad._data)
        np.multiply(grad, prev, out=sign)
        np.sign(sign, out=sign)
        # The three assignments in PyTorch's order (an eta of 0 or 1 makes the order matter).
        np.copyto(sign, etaplus, where=sign > 0)
        np.copyto(sign, etaminus, where=sign < 0)
        np.copyto(sign, 1, where=sign == 0)
        np.multiply(step_size, sign, out=step_size)
        np.clip(step_size, lo, hi, out=step_size)
        grad[sign == etaminus] = 0
        np.copyto(prev, grad)
        np.sign(grad, out=sign)
        np.multiply(sign, step_size, out=sign)  # exact: sign is -1, 0 or 1
        np.subtract(param._data, sign, out=param._data)
        param._version[0] += 1


class optim_asgd(_LoopOptimizer):  # noqa: N801 - R torch's name
    r"""Averaged SGD (Polyak & Juditsky, 1992), R torch's ``optim_asgd``; its decay term is R's ``lambda``
    (Python: ``lambd`` or ``**{"lambda": ...}``; the group key is ``"lambda"``).

    :math:`\theta \leftarrow \theta (1 - \lambda \eta) - \eta g`; the average ``ax`` follows
    :math:`\theta` once ``step > t0``; :math:`\eta = lr / (1 + \lambda \cdot lr \cdot t)^{\alpha}`,
    :math:`\mu = 1 / \max(1, t - t_0)`. State: ``step``, ``eta``, ``mu``, ``ax``.

    Example:
        >>> x = torch_tensor([1.0], requires_grad=True)
        >>> opt = optim_asgd(x, lr=0.1, **{"lambda": 0})
        >>> (x * x).sum().backward(); opt.step()
        >>> x
        torch_tensor
         0.8000
        [ CPUFloatType{1} ]
    """

    def initialize(self, params: Any, lr: float = 0.01, lambd: float = 0.0001, alpha: float = 0.75,
                   t0: float = 1000000.0, weight_decay: float = 0.0, **kwargs: Any) -> None:
        if "lambda" in kwargs:
            lambd = kwargs.pop("lambda")
        if kwargs:
            raise TypeError(f"optim_asgd() got an unexpected keyword argument '{next(iter(kwargs))}'")
        self._nonneg(lr, "lr", "learning rate")
        self._nonneg(weight_decay, "weight_decay", "weight_decay value")
        for value, arg in ((lambd, "lambda"), (alpha, "alpha"), (t0, "t0")):
            self._number(value, arg)
        super().initialize(params, {"lr": lr, "lambda": lambd, "alpha": alpha, "t0": t0,
                                    "weight_decay": weight_decay})

    def _constants(self, group: dict, dtype: np.dtype) -> tuple:
        return ()

    def _loop(self, group: dict, param: Tensor, c: tuple) -> None:
        # PyTorch (eta and mu are float32 scalars): param.mul_(1 - lambd * eta); param.add_(g, alpha=-eta);
        # ax.add_(param.sub(ax).mul_(mu)) if mu != 1 else ax.copy_(param);
        # eta = lr / (1 + lambd * lr * step) ** alpha; mu = 1 / max(1, step - t0)
        data = param._data
        dtype = data.dtype
        st = self.state.get(param)
        if st is None:
            st = self.state[param] = {"step": 0, "eta": float(np.float32(group["lr"])), "mu": 1.0,
                                      "ax": _zeros_like(param)}
        tmp, dec, wide = self._buffers(param, 2, True)
        grad = self._decayed_grad(group, param, dec, wide, dtype)
        step = st["step"] = st["step"] + 1
        lr, lambd, eta, mu = group["lr"], group["lambda"], st["eta"], st["mu"]
        np.multiply(data, scalar(1 - lambd * eta, dtype), out=data)
        fma(grad, wide_scalar(-eta, dtype), data, data, wide)
        ax = st["ax"]._data
        if mu != 1:
            np.subtract(data, ax, out=tmp)
            np.multiply(tmp, scalar(mu, dtype), out=tmp)
            np.add(ax, tmp, out=ax)
        else:
            np.copyto(ax, data)
        st["eta"] = float(np.float32(lr / ((1 + lambd * lr * step) ** group["alpha"])))
        st["mu"] = float(np.float32(1 / max(1, step - group["t0"])))
        param._version[0] += 1
