"""The optimizer base (R torch's ``torch_Optimizer`` R6 class) and the ``optimizer()`` constructor.

Object model (PyTorch's ``torch/optim/optimizer.py``, with R torch's names and layout):
- ``defaults``: the hyperparameters given to the constructor;
- ``param_groups``: a list of dicts, ``"params"`` (a list of tensors, or a name -> tensor dict such as
  ``model.parameters``, kept as given) plus every hyperparameter;
- ``state``: per-parameter dicts keyed by the parameter tensor;
- ``step(closure=None)`` runs under no-grad (the closure with grad enabled), skips parameters without a
  gradient and returns the closure's loss or None. Every optimizer writes only its per-parameter loop body and
  hands it to ``_step_helper`` (R torch's ``private$step_helper``).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

import numpy as np

from .. import _check
from .._core import autograd
from .._core.tensor import Tensor
from .._r6 import R6, r6_class, r_num

__all__ = ["Optimizer", "OptimizerState", "optimizer", "optim_required", "is_optim_required", "is_optimizer"]


class optim_required:  # noqa: N801 - R torch's name
    """Marks a hyperparameter without a default (R torch's ``optim_required()``): a parameter group that does
    not set it is an error.

    Example:
        >>> optim_sgd([torch_zeros(1, requires_grad=True)])  # lr is required
        Traceback (most recent call last):
        ValueError: parameter group didn't specify a value of required optimization parameter lr
    """

    _instance: optim_required | None = None

    def __new__(cls) -> optim_required:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "optim_required()"

    def _r_source(self) -> str:
        return "optim_required()"


def is_optim_required(x: Any) -> bool:
    """Whether ``x`` is the ``optim_required()`` marker."""
    return isinstance(x, optim_required)


def is_optimizer(x: Any) -> bool:
    """Whether ``x`` is a torch optimizer (R torch's ``is_optimizer``)."""
    return isinstance(x, Optimizer)


def _param_values(params: Any) -> Iterable[Tensor]:
    if params.__class__ is list:  # the usual group (a list; model.parameters is a dict): before the ABC's check
        return params
    return params.values() if isinstance(params, dict) or isinstance(params, Mapping) else params


def _zeros_like(param: Tensor) -> Tensor:
    """A fresh zero state buffer shaped and typed as ``param``."""
    return Tensor._wrap(np.zeros_like(param._data))




class OptimizerState(MutableMapping):
    """Per-parameter state: a mapping parameter -> dict for Python code (``opt.state[p]``) and R torch's state
    object for R code: ``opt$state$get(param)``, ``opt$state$set(param, list(...))``, ``opt$state$map``
    (the states by parameter address). A dict would reach R as a plain list, losing the parameters.

    Example:
        >>> x = torch_zeros(1, requires_grad=True)
        >>> opt = optim_adam([x]); (x * 2).sum().backward(); opt.step()
        >>> opt.state.get(x)["step"], len(opt.state.map)
        (1, 1)
    """

    __slots__ = ("_d",)

    def __init__(self, items: Any = ()) -> None:
        self._d: dict[Tensor, Any] = dict(items)

    def __getitem__(self, param: Tensor) -> Any:
        return self._d[param]

    def __setitem__(self, param: Tensor, value: Any) -> None:
        self._d[param] = value

    def __delitem__(self, param: Tensor) -> None:
        del self._d[param]

    def __iter__(self) -> Iterator[Tensor]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __contains__(self, param: object) -> bool:
        return param in self._d

    def get(self, param: Tensor, default: Any = None) -> Any:
        """The state of ``param`` (NULL in R when it has none)."""
        return self._d.get(param, default)

    def set(self, param: Tensor, value: Any) -> None:
        """Set the state of ``param`` (R torch's ``state$set(param, value)``)."""
        self._d[param] = value

    @property
    def map(self) -> dict[str, Any]:
        """The states by parameter address (R torch's ``state$map``)."""
        return {f"0x{id(p):x}": v for p, v in self._d.items()}

    def __repr__(self) -> str:
        return f"OptimizerState({len(self._d)} parameters)"


def _check_hyperparameters(cls: type, args: tuple, kwargs: dict) -> None:
    """``params`` must be given (R torch's constructors name it); the numbers are checked by each constructor
    (rtorch_py._check, one wording)."""
    try:
        bound = inspect.signature(cls.initialize).bind_partial(None, *args, **kwargs).arguments
    except TypeError:
        return  # the call itself fails with Python's binding error, reworded by the bridge
    if "params" in bound and bound["params"] is None:
        raise ValueError(f"{cls.__name__}(): argument 'params' is NULL: give the tensors to optimize "
                         "(e.g. model$parameters)")


class Optimizer(R6):
    """Base class of all optimizers (R torch's ``torch_Optimizer``).

    Subclass it and write ``initialize`` (validate, build ``defaults``, call ``super().initialize(params,
    defaults)``) and ``step`` (usually ``return self._step_helper(closure, loop_body)``), or build one with
    :func:`optimizer`.

    Example:
        >>> class optim_plain_sgd(Optimizer):
        ...     def initialize(self, params, lr=0.1):
        ...         super().initialize(params, {"lr": lr})
        ...     def step(self, closure=None):
        ...         def body(group, param, g, p):
        ...             param.data().sub_(param.grad * group["lr"])
        ...         return self._step_helper(closure, body)
        >>> x = torch_ones(2, requires_grad=True)
        >>> opt = optim_plain_sgd([x])
        >>> (x * x).sum().backward(); opt.step()
        >>> x
        torch_tensor
         0.8000
         0.8000
        [ CPUFloatType{2} ]
    """

    _r_class = "torch_Optimizer"
    _r_private = ("step_helper",)
    # Kept out of the printed R6 member list: state_dict()/load_state_dict() arrived in R torch after the
    # version whose print the seed document shows (its list has add_param_group, clone, defaults, initialize,
    # param_groups, state, step, zero_grad).
    _r6_hidden = frozenset({"state_dict", "load_state_dict"})

    defaults: dict[str, Any]
    param_groups: list[dict[str, Any]]
    state: OptimizerState

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _check_hyperparameters(type(self), args, kwargs)
        super().__init__(*args, **kwargs)

    def initialize(self, params: Any, defaults: dict[str, Any]) -> None:
        """Set up ``defaults``, ``state`` and ``param_groups`` from ``params``: a tensor, a list of tensors, a
        name -> tensor dict (one group), or a list of dicts (one group each, ``"params"`` plus overrides)."""
        self.defaults = defaults
        self.state = OptimizerState()
        self.param_groups = []
        self._scratch: dict[Tensor, Any] = {}
        if isinstance(params, Tensor):
            groups: list[Any] = [{"params": [params]}]
        elif isinstance(params, Mapping):
            if params and all(isinstance(v, Tensor) for v in params.values()):
                groups = [{"params": params}]  # a named list of parameters (model.parameters): one group
            elif "params" in params:
                groups = [params]  # one group given as a dict
            else:
                raise ValueError("optimizer got an empty parameter list" if not params
                                 else "Wrong parameters specification.")
        else:
            params = list(params)
            if not params:
                raise ValueError("optimizer got an empty parameter list")
            if isinstance(params[0], Tensor):
                groups = [{"params": params}]
            elif isinstance(params[0], Mapping):
                groups = params
            else:
                raise ValueError("Wrong parameters specification.")
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group: its ``"params"`` plus any hyperparameters; missing ones are taken from ``defaults``.

        Example:
            >>> a, b = torch_zeros(1, requires_grad=True), torch_zeros(1, requires_grad=True)
            >>> opt = optim_sgd([a], lr=0.1)
            >>> opt.add_param_group({"params": [b], "lr": 0.01})
            >>> [g["lr"] for g in opt.param_groups]
            [0.1, 0.01]
        """
        if not isinstance(param_group, Mapping):
            raise ValueError("param group is not named")
        if "params" not in param_group:
            raise ValueError("param group must have a `params` element")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, Mapping):
            params = copy.copy(params)  # R copies lists: later edits of the caller's dict don't leak in
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the "
                            "ordering of tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)
        for p in _param_values(params):
            if not isinstance(p, Tensor):
                raise ValueError(f"optimizer can only optimize Tensors, but one of the params is "
                                 f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = {"params": params}
        group.update((k, v) for k, v in param_group.items() if k != "params")
        for name, default in self.defaults.items():
            if name not in group:
                if is_optim_required(default):
                    raise ValueError(f"parameter group didn't specify a value of required optimization "
                                     f"parameter {name}")
                group[name] = default
        seen = {id(p) for g in self.param_groups for p in _param_values(g["params"])}
        if any(id(p) in seen for p in _param_values(params)):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, *, set_to_none: bool = False) -> None:
        """Zero every parameter's gradient in place (R torch's default) or, with ``set_to_none``, drop it."""
        for group in self.param_groups:
            for p in _param_values(group["params"]):
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                    continue
                if g._grad_fn is not None or g._requires_grad:  # a create_graph gradient: leave its graph
                    g.detach_()
                if g._data.flags.writeable:
                    g._data.fill(0)
                    g._version[0] += 1
                else:  # a read-only (broadcast) buffer cannot be zeroed in place
                    p._grad = Tensor._wrap(np.zeros(g._data.shape, g._data.dtype))

    def _step_helper(self, closure: Callable[[], Any] | None,
                     loop_fun: Callable[[dict, Tensor, int, int], None]) -> Any:
        """Run ``closure`` with grad enabled, then ``loop_fun(group, param, g, p)`` under no-grad for every
        parameter that has a gradient (``g``, ``p``: 0-based positions of the group and of the parameter in
        it); return the closure's loss (None without a closure)."""
        return self._step_groups(closure, loop_fun, None)

    def _step_groups(self, closure: Callable[[], Any] | None, loop_fun: Callable[[dict, Tensor, int, int], None],
                     group_fun: Callable[[dict, int], bool] | None) -> Any:
        """``_step_helper`` (whose signature R torch prints) with ``group_fun(group, g)``: when given, it runs
        first for each group and returns whether it updated the whole group (a multi-tensor update: the group's
        parameters then skip ``loop_fun``)."""
        mode = autograd._GradMode
        prev = mode.enabled
        try:
            loss = None
            if closure is not None:
                mode.enabled = True
                loss = closure()
            mode.enabled = False
            for g, group in enumerate(self.param_groups):
                if group_fun is not None and group_fun(group, g):
                    continue
                for p, param in enumerate(_param_values(group["params"])):
                    if param._grad is not None:
                        loop_fun(group, param, g, p)
        finally:
            mode.enabled = prev
        return loss

    # -- constructor checks ---------------------------------------------------------------------------------
    def _nonneg(self, value: Any, arg: str, what: str) -> None:
        """R torch's constructor check of a hyperparameter: a number (rtorch_py._check's wording, naming the
        optimizer and the argument), then ``Invalid <what>: <value>`` when it is negative."""
        if is_optim_required(value):
            return
        v = _check.number(value, type(self).__name__, arg)
        if v < 0:
            raise ValueError(f"Invalid {what}: {r_num(v)}")

    def _number(self, value: Any, arg: str, **bounds: Any) -> float:
        """``value`` checked as a number (optionally within ``min``/``max``) for this optimizer."""
        return _check.number(value, type(self).__name__, arg, **bounds)

    # -- helpers for loop bodies --------------------------------------------------------------------------
    def _buffers(self, param: Tensor, n: int, wide: bool) -> tuple:
        """Per-parameter scratch arrays reused across steps (kept out of ``state``): ``n`` arrays like the
        parameter, then the float64 pair for fused multiply-adds (None unless ``wide`` and float32: see
        ``_kernels.fma``)."""
        bufs = self._scratch.get(param)
        data = param._data
        if bufs is None or bufs[0] != data.shape or bufs[1] != data.dtype or len(bufs) != n + 3:
            pair = (np.empty(data.shape), np.empty(data.shape)) if wide and data.dtype == np.float32 else None
            bufs = (data.shape, data.dtype, *(np.empty_like(data) for _ in range(n)), pair)
            self._scratch[param] = bufs
        return bufs[2:]

    # -- R6 ------------------------------------------------------------------------------------------------
    def clone(self, deep: bool = False) -> Optimizer:
        """A copy sharing the parameters (R6's ``clone``): groups, defaults and per-parameter state dicts are
        copied; with ``deep`` the state tensors are copied too."""
        new = copy.copy(self)
        new.defaults = dict(self.defaults)
        new.param_groups = [{**g, "params": copy.copy(g["params"])} for g in self.param_groups]
        new.state = OptimizerState((p, _copy_state(s, deep)) for p, s in self.state.items())
        new._scratch = {}
        return new

    # -- state dict (R torch's layout) --------------------------------------------------------------------
    def _all_params(self) -> list[Tensor]:
        return [p for g in self.param_groups for p in _param_values(g["params"])]

    def state_dict(self) -> dict[str, Any]:
        """``{"param_groups": [...], "state": {...}}`` as R torch lays it out: each group's ``"params"`` is the
        list of 1-based positions of its parameters among all groups' parameters, and ``"state"`` maps those
        positions to the per-parameter state (tensors shared, not copied).

        Example:
            >>> x = torch_zeros(2, requires_grad=True)
            >>> opt = optim_adam([x]); (x.sum()).backward(); opt.step()
            >>> sd = opt.state_dict()
            >>> sd["param_groups"][0]["params"], sorted(sd["state"][1])
            ([1], ['exp_avg', 'exp_avg_sq', 'step'])
        """
        params = self._all_params()
        groups, pos = [], 1
        for g in self.param_groups:
            n = len(g["params"])
            groups.append({**g, "params": list(range(pos, pos + n))})
            pos += n
        state = {i: dict(self.state[p]) for i, p in enumerate(params, 1) if p in self.state}
        return {"param_groups": groups, "state": state}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> Optimizer:
        """Load a :meth:`state_dict` (from this package or R torch): the groups' hyperparameters and the
        per-parameter state (tensors copied, so two optimizers never share buffers). State keys are 1-based
        positions, as integers or strings."""
        groups = state_dict["param_groups"]
        if isinstance(groups, Mapping):  # one group, or R's list of groups with names
            groups = [groups] if "params" in groups else list(groups.values())
        if len(groups) != len(self.param_groups):
            raise ValueError("Loaded state dict has a different number of parameter groups")
        for mine, theirs in zip(self.param_groups, groups):
            if len(mine["params"]) != len(_positions(theirs["params"])):
                raise ValueError("Loaded state dict contains a parameter group that doesn't match the size of "
                                 "optimizer's group")
        for mine, theirs in zip(self.param_groups, groups):
            mine.update((k, _like(mine.get(k), v)) for k, v in theirs.items() if k != "params")
        params = self._all_params()
        self.state = OptimizerState()
        state = state_dict["state"]
        if isinstance(state, list):  # an empty R list, or R's unnamed list: positions in order
            state = dict(enumerate(state, 1))
        for key, value in state.items():
            index = int(key)
            if not 1 <= index <= len(params):
                raise ValueError(f"Loaded state dict refers to parameter {index}, but the optimizer has "
                                 f"{len(params)} parameters")
            self.state[params[index - 1]] = _copy_state(value, True)
        return self


def _positions(params: Any) -> list:
    """A group's ``params`` in a state dict: 1-based positions (from R: one number, or a numeric vector)."""
    if isinstance(params, (int, float, np.integer, np.floating)):
        return [int(params)]
    if isinstance(params, np.ndarray):
        return [int(v) for v in params.ravel()]
    return list(params)


def _like(old: Any, new: Any) -> Any:
    """A hyperparameter loaded from a state dict, in the type the optimizer keeps it (R gives vectors for
    tuples such as ``betas`` and doubles for whole numbers)."""
    if isinstance(new, np.ndarray):
        new = new.tolist()
    if isinstance(old, tuple) and isinstance(new, (list, tuple)):
        return tuple(new)
    if isinstance(old, float) and isinstance(new, int) and not isinstance(new, bool):
        return float(new)
    return new


def _copy_value(v: Any, deep: bool) -> Any:
    if isinstance(v, Tensor):
        return Tensor._wrap(v._data.copy()) if deep else v
    if isinstance(v, list):
        return [_copy_value(e, deep) for e in v]
    return v


def _copy_state(s: Mapping[str, Any], deep: bool) -> dict[str, Any]:
    return {k: _copy_value(v, deep) for k, v in s.items()}


def optimizer(name: str | None = None, inherit: type = Optimizer, *, private: Mapping[str, Any] | None = None,
              active: Mapping[str, Any] | None = None, **members: Any) -> type:
    """Create an optimizer class (R torch's ``optimizer()``): ``initialize`` and ``step`` are functions taking
    ``self``; ``self.super`` is the parent (R6's ``super$``) and ``self.private`` the private members.

    Example:
        >>> def init(self, params, learning_rate):
        ...     self.super.initialize(params, {"learning_rate": learning_rate})
        >>> def step(self, closure=None):
        ...     def body(group, param, g, p):
        ...         param.data().add_(param.grad * -group["learning_rate"])
        ...     return self.private.step_helper(closure, body)
        >>> optim_sgd2 = optimizer("optim_sgd2", initialize=init, step=step)
        >>> x = torch_tensor(1.0, requires_grad=True)
        >>> opt = optim_sgd2(x, learning_rate=0.1)
        >>> for _ in range(100):
        ...     opt.zero_grad(); (x * x).backward(); _ = opt.step()
        >>> abs(x.item()) < 1e-9
        True
    """
    if not (isinstance(inherit, type) and issubclass(inherit, Optimizer)):
        raise TypeError("`inherit` must be an optimizer class (such as optim_adam)")
    return r6_class(name, inherit, Optimizer, members, private, active)
