"""Learning-rate schedulers (R torch's ``lr_*``; learning-rate sequences are PyTorch's).

A scheduler changes each parameter group's ``lr`` when its ``step()`` is called, once per epoch (or per batch
for ``lr_one_cycle``), after ``optimizer.step()``. As in R torch and PyTorch, constructing one calls ``step()``
once, which sets the epoch-0 learning rate (``last_epoch`` becomes 0). ``lr_reduce_on_plateau``'s ``step``
takes the monitored metric.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .. import _check
from .._inform import inform
from .._r6 import R6, r6_class
from .optimizer import is_optimizer

__all__ = ["LRScheduler", "lr_scheduler", "lr_lambda", "lr_multiplicative", "lr_step", "lr_one_cycle",
           "lr_cosine_annealing", "lr_reduce_on_plateau"]


class LRScheduler(R6):
    """Base class of the schedulers (R torch's ``LRScheduler``): subclasses write ``get_lr()``, the list of
    new learning rates (one per parameter group) for epoch ``self.last_epoch``.

    Example:
        >>> class lr_halve(LRScheduler):
        ...     def get_lr(self):
        ...         return [g["lr"] / 2 if self.last_epoch > 0 else g["lr"] for g in self.optimizer.param_groups]
        >>> opt = optim_sgd([torch_zeros(1, requires_grad=True)], lr=1)
        >>> s = lr_halve(opt); s.step(); s.step()
        >>> s.get_last_lr()
        [0.25]
    """

    _r_class = "LRScheduler"

    def initialize(self, optimizer: Any, last_epoch: int = -1, verbose: bool = False) -> None:
        """Record the base learning rates (``initial_lr``) and take the first step."""
        if not is_optimizer(optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i + 1}] when resuming "
                                   f"an optimizer")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.verbose = verbose
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for ``self.last_epoch`` (one per parameter group)."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_lr()")

    def step(self) -> None:
        """Advance one epoch and set each group's ``lr``."""
        self._step_count += 1
        self.last_epoch += 1
        values = self.get_lr()
        if isinstance(values, (int, float)):  # R's sapply() over one group: a length-1 vector arrives as a number
            values = [values]
        groups = self.optimizer.param_groups
        if len(values) != len(groups):
            raise ValueError(f"get_lr() returned {len(values)} learning rates for {len(groups)} parameter groups")
        for i, (group, lr) in enumerate(zip(groups, values), 1):
            group["lr"] = lr
            if self.verbose:
                inform(f"Adjusting learning rate of group {i} to {lr:.4f}")
        self._last_lr = [group["lr"] for group in groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's fields except the optimizer (functions are left out: they are code, not state)."""
        return {k: v for k, v in vars(self).items() if k != "optimizer" and not callable(v)
                and not (isinstance(v, list) and v and all(callable(e) for e in v))}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore fields saved by :meth:`state_dict`."""
        vars(self).update(state_dict)


def lr_scheduler(classname: str | None = None, inherit: type = LRScheduler, *,
                 private: Mapping[str, Any] | None = None, active: Mapping[str, Any] | None = None,
                 **members: Any) -> type:
    """Create a scheduler class (R torch's ``lr_scheduler()``): ``get_lr`` (and usually ``initialize``, which
    calls ``self.super.initialize(optimizer, last_epoch, verbose)``) are functions taking ``self``.

    Example:
        >>> def init(self, optimizer, factor=0.5, last_epoch=-1):
        ...     self.factor = factor
        ...     self.super.initialize(optimizer, last_epoch)
        >>> def get_lr(self):
        ...     return [b * self.factor ** self.last_epoch for b in self.base_lrs]
        >>> lr_exponential = lr_scheduler("lr_exponential", initialize=init, get_lr=get_lr)
        >>> opt = optim_sgd([torch_zeros(1, requires_grad=True)], lr=1)
        >>> s = lr_exponential(opt); s.step()
        >>> s.get_last_lr()
        [0.5]
    """
    if not (isinstance(inherit, type) and issubclass(inherit, LRScheduler)):
        raise TypeError("`inherit` must be a learning rate scheduler class")
    return r6_class(classname, inherit, LRScheduler, members, private, active)


def _lambdas(optimizer: Any, lr_lambda: Any) -> list[Callable[[int], float]]:
    n = len(optimizer.param_groups)
    if callable(lr_lambda):
        return [lr_lambda] * n
    lr_lambda = list(lr_lambda)
    if len(lr_lambda) != n:
        raise ValueError(f"Expected {n} lr_lambdas, but got {len(lr_lambda)}")
    for f in lr_lambda:
        if not callable(f):
            raise TypeError(f"lr_lambda should be a function, but got {type(f).__name__}")
    return lr_lambda


class lr_lambda(LRScheduler):  # noqa: N801 - R torch's name
    """Learning rate = initial lr * ``lr_lambda(epoch)`` (one function, or one per parameter group).

    Example:
        >>> opt = optim_sgd([torch_zeros(1, requires_grad=True)], lr=1)
        >>> s = lr_lambda(opt, lr_lambda=lambda epoch: 0.95 ** epoch)
        >>> s.step(); s.get_last_lr()
        [0.95]
    """

    _r_class = "lr_lambda"

    def initialize(self, optimizer: Any, lr_lambda: Any, last_epoch: int = -1, verbose: bool = False) -> None:
        self.lr_lambdas = _lambdas(optimizer, lr_lambda)
        super().initialize(optimizer, last_epoch, verbose)

    def get_lr(self) -> list[float]:
        return [base * f(self.last_epoch) for f, base in zip(self.lr_lambdas, self.base_lrs)]


class lr_multiplicative(LRScheduler):  # noqa: N801 - R torch's name
    """Each epoch after the first, multiply the learning rate by ``lr_lambda(epoch)``.

    Example:
        >>> opt = optim_sgd([torch_zeros(1, requires_grad=True)], lr=1)
        >>> s = lr_multiplicative(opt, lr_lambda=lambda epoch: 0.5)
        >>> s.step(); s.step(); s.get_last_lr()
        [0.25]
    """

    _r_class = "lr_multiplicative"

    def initialize(self, optimizer: Any, lr_lambda: Any, last_epoch: int = -1, verbose: bool = False) -> None:
        self.lr_lambdas = _lambdas(optimizer, lr_lambda)
        super().initialize(optimizer, last_epoch, verbose)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [g["lr"] for g in groups]
        return [g["lr"] * f(self.last_epoch) for f, g in zip(self.lr_lambdas, groups)]


class lr_step(LRScheduler):  # noqa: N801 - R torch's name
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Example:
        >>> opt = optim_sgd([torch_zeros(1, requires_grad=True)], lr=1)
        >>> s = lr_step(opt, step_size=2, gamma=0.1)
        >>> lrs = []
        >>> for _ in range(4):
        ...     s.step(); lrs.append(round(s.get_last_lr()[0], 6))
        >>> lrs
        [1, 0.1, 0.1, 0.01]
    """

    _r_class = "lr_step"

    def initialize(self, optimizer: Any, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        _check.integer(step_size, "lr_step", "step_size", min=1)
        _check.number(gamma, "lr_step", "gamma")
        self.step_size = step_size
        self.gamma = gamma
        super().initialize(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [g["lr"] for g in groups]
        return [g["lr"] * self.gamma for g in groups]


class lr_cosine_annealing(LRScheduler):  # noqa: N801 - R torch's name
    r"""Cosine annealing (SGDR without restarts): :math:`\eta_t = \eta_{min} + (\eta_{max} - \eta_{min})(1 +
    \cos(\pi t / T_{max})) / 2`, computed recursively from the current lr as PyTorch does.

    Example:
        >>> opt = optim_sgd([torch_zeros(1, requires_grad=True)], lr=1)
        >>> s = lr_cosine_annealing(opt, T_max=2)
        >>> s.step(); round(s.get_last_lr()[0], 6)
        0.5
    """

    _r_class = "lr_cosine_annealing"

    def initialize(self, optimizer: Any, T_max: int, eta_min: float = 0.0, last_epoch: int = -1,  # noqa: N803
                   verbose: bool = False) -> None:
        _check.number(T_max, "lr_cosine_annealing", "T_max")
        _check.number(eta_min, "lr_cosine_annealing", "eta_min")
        self.T_max = T_max
        self.eta_min = eta_min
        super().initialize(optimizer, last_epoch, verbose)

    def get_lr(self) -> list[float]:
        groups, t_max, eta_min, epoch = self.optimizer.param_groups, self.T_max, self.eta_min, self.last_epoch
        if self._is_initial:
            return [g["lr"] for g in groups]
        if self._step_count == 1 and epoch > 0:  # resuming: the closed form
            return [eta_min + (base - eta_min) * (1 + math.cos(epoch * math.pi / t_max)) / 2
                    for base in self.base_lrs]
        if (epoch - 1 - t_max) % (2 * t_max) == 0:
            return [g["lr"] + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
                    for base, g in zip(self.base_lrs, groups)]
        return [(1 + math.cos(math.pi * epoch / t_max)) / (1 + math.cos(math.pi * (epoch - 1) / t_max))
                * (g["lr"] - eta_min) + eta_min for g in groups]


def _per_group(name: str, optimizer: Any, value: Any) -> list[Any]:
    n = len(optimizer.param_groups)
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != n:
            raise ValueError(f"expected {n} values for {name} but got {len(value)}")
        return list(value)
    return [value] * n


def _positive_number(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"Expected positive integer {name}, but got {value}")


class lr_one_cycle(LRScheduler):  # noqa: N801 - R torch's name
    """The 1cycle policy (Smith & Topin, 2017): the learning rate rises from ``max_lr / div_factor`` to
    ``max_lr`` over ``pct_start`` of ``total_steps`` (or ``epochs * steps_per_epoch``), then anneals to
    ``initial_lr / final_div_factor``; with ``cycle_momentum`` the momentum (or Adam's beta1) moves inversely
    between ``max_momentum`` and ``base_momentum``. Step it after every batch.

    Example:
        >>> opt = optim_sgd([torch_zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        >>> s = lr_one_cycle(opt, max_lr=1, total_steps=10)
        >>> [round(lr, 6) for lr in s.get_last_lr()], opt.param_groups[0]["momentum"]
        ([0.04], 0.95)
    """

    _r_class = "lr_one_cycle"

    def initialize(self, optimizer: Any, max_lr: Any, total_steps: int | None = None, epochs: int | None = None,
                   steps_per_epoch: int | None = None, pct_start: float = 0.3, anneal_strategy: str = "cos",
                   cycle_momentum: bool = True, base_momentum: Any = 0.85, max_momentum: Any = 0.95,
                   div_factor: float = 25.0, final_div_factor: float = 10000.0, last_epoch: int = -1,
                   verbose: bool = False, *, three_phase: bool = False) -> None:
        if not is_optimizer(optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if total_steps is not None:
            _positive_number("total_steps", total_steps)
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            _positive_number("epochs", epochs)
            _positive_number("steps_per_epoch", steps_per_epoch)
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if isinstance(pct_start, bool) or not isinstance(pct_start, int | float) or not 0 <= pct_start <= 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must by one of 'cos' or 'linear', instead got {anneal_strategy}")
        self.anneal_strategy = anneal_strategy
        up = float(pct_start * self.total_steps) - 1
        if three_phase:
            self._phases = [(up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (float(2 * pct_start * self.total_steps) - 2, "max_lr", "initial_lr", "base_momentum",
                             "max_momentum"),
                            (self.total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self._phases = [(up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (self.total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        groups = optimizer.param_groups
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, m in zip(groups, max_lrs):
                group["initial_lr"] = m / div_factor
                group["max_lr"] = m
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum with `cycle_momentum` enabled")
            self.use_beta1 = "betas" in optimizer.defaults
            max_ms = _per_group("max_momentum", optimizer, max_momentum)
            base_ms = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for group, mx, base in zip(groups, max_ms, base_ms):
                    self._set_momentum(group, mx)
                    group["max_momentum"] = mx
                    group["base_momentum"] = base
        super().initialize(optimizer, last_epoch, verbose)

    def _set_momentum(self, group: dict, value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *tuple(group["betas"])[1:])
        else:
            group["momentum"] = value

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ValueError(f"Tried to step {step_num + 1} times. The specified number of total steps is "
                             f"{self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr0, lr1, m0, m1) in enumerate(self._phases):
                if step_num <= end or i == len(self._phases) - 1:
                    pct = (step_num - start) / (end - start)
                    lrs.append(self._anneal(group[lr0], group[lr1], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[m0], group[m1], pct))
                    break
                start = end
        return lrs


class lr_reduce_on_plateau(LRScheduler):  # noqa: N801 - R torch's name
    """Multiply the learning rate by ``factor`` once the metric passed to ``step(metrics)`` has not improved
    (by ``threshold``, relative or absolute) for more than ``patience`` epochs; then wait ``cooldown`` epochs.
    Unlike the other schedulers, construction does not step.

    Example:
        >>> opt = optim_sgd([torch_zeros(1, requires_grad=True)], lr=1)
        >>> s = lr_reduce_on_plateau(opt, patience=1, factor=0.5)
        >>> for loss in [3, 2, 2, 2, 2]:
        ...     s.step(loss)
        >>> s.get_last_lr()
        [0.5]
    """

    _r_class = "lr_reduce_on_plateau"

    def initialize(self, optimizer: Any, mode: str = "min", factor: float = 0.1, patience: int = 10,
                   threshold: float = 0.0001, threshold_mode: str = "rel", cooldown: int = 0, min_lr: Any = 0,
                   eps: float = 1e-08, verbose: bool = False) -> None:
        fn = "lr_reduce_on_plateau"
        if _check.number(factor, fn, "factor") >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        _check.integer(patience, fn, "patience", min=0)
        _check.integer(cooldown, fn, "cooldown", min=0)
        _check.number(threshold, fn, "threshold")
        _check.number(eps, fn, "eps")
        if not is_optimizer(optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown!")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown!")
        self.optimizer = optimizer
        self.factor = factor
        n = len(optimizer.param_groups)
        if isinstance(min_lr, Sequence):
            if len(min_lr) != n:
                raise ValueError(f"expected {n} min_lrs, got {len(min_lr)}")
            self.min_lrs = list(min_lr)
        else:
            self.min_lrs = [min_lr] * n
        self.patience, self.cooldown, self.eps, self.verbose = patience, cooldown, eps, verbose
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.last_epoch = 0
        self._last_lr = [g["lr"] for g in optimizer.param_groups]
        self.best = math.inf if mode == "min" else -math.inf
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min":
            return a < best * (1.0 - self.threshold) if self.threshold_mode == "rel" else a < best - self.threshold
        return a > best * (self.threshold + 1.0) if self.threshold_mode == "rel" else a > best + self.threshold

    def step(self, metrics: Any) -> None:  # type: ignore[override]
        """Take the epoch's metric (a number or a one-element tensor) and reduce the lr if it plateaued."""
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during cooldown don't count
        if self.num_bad_epochs > self.patience:
            for i, group in enumerate(self.optimizer.param_groups):
                old_lr = float(group["lr"])
                new_lr = max(old_lr * self.factor, self.min_lrs[i])
                if old_lr - new_lr > self.eps:
                    group["lr"] = new_lr
                    if self.verbose:
                        inform(f"Adjusting learning rate of group {i + 1} to {new_lr:.4f}")
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]
