"""R torch's "ignite" optimizers (``optim_ignite_adam``, ``_adamw``, ``_sgd``, ``_rmsprop``, ``_adagrad``): the same
updates as the ordinary optimizers (one implementation: they subclass them), with the ignite family's own
state-dict layout and checks, as R torch's test-ignite.R describes them:

- ``state_dict()$state`` is keyed by the parameters' 1-based positions as strings ("1", "2", ...) and every
  entry carries all of the algorithm's state names (e.g. Adam's ``max_exp_avg_sq`` even without amsgrad);
- ``load_state_dict()`` checks the layout and names what is missing;
- an ignite optimizer cannot be deep cloned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._core.tensor import Tensor
from .adam import optim_adam, optim_adamw
from .adaptive import optim_adagrad, optim_rmsprop
from .optimizer import _copy_state, _zeros_like
from .sgd import optim_sgd

__all__ = ["optim_ignite_adam", "optim_ignite_adamw", "optim_ignite_sgd", "optim_ignite_rmsprop",
           "optim_ignite_adagrad"]


class _Ignite:
    """The ignite family's state-dict layout over an ordinary optimizer's update (mixed in first)."""

    _r_class = "OptimizerIgnite"
    _state_names: tuple[str, ...] = ()

    def _check_params(self, params: Any) -> None:
        if params is None or (not isinstance(params, Tensor) and hasattr(params, "__len__") and len(params) == 0):
            raise ValueError(f"{type(self).__name__}: `params` must have length > 0 (got an empty list)")

    def _full_state(self, param: Tensor, st: Mapping[str, Any]) -> dict[str, Any]:
        out = {}
        for name in self._state_names:
            v = st.get(name)
            if v is None:  # libtorch keeps an (undefined) tensor: here zeros shaped like the parameter
                v = 0 if name == "step" else _zeros_like(param)
            if name == "step":  # a tensor, as every entry of libtorch's state (R torch's test reads them all)
                v = Tensor._wrap(np.asarray(v, dtype=np.int64))
            out[name] = v
        return out

    def state_dict(self) -> dict[str, Any]:
        """``{"param_groups", "state"}``: groups' ``params`` as 1-based positions, state keyed "1", "2", ...

        Example:
            >>> x = torch_zeros(2, requires_grad=True)
            >>> opt = optim_ignite_adam([x], lr=0.1); x.sum().backward(); opt.step()
            >>> sorted(opt.state_dict()["state"]["1"])
            ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']
        """
        sd = super().state_dict()  # type: ignore[misc]
        params = self._all_params()  # type: ignore[attr-defined]
        sd["state"] = {str(i): self._full_state(params[i - 1], st) for i, st in sd["state"].items()}
        return sd

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> Any:
        """Load a ``state_dict()``, checking its layout (R torch's ignite messages)."""
        if not isinstance(state_dict, Mapping) or set(state_dict) != {"param_groups", "state"}:
            raise ValueError("The `state_dict` must be a list with elements 'param_groups' and 'state'.")
        params = self._all_params()  # type: ignore[attr-defined]
        for g in state_dict["param_groups"]:
            need = {"params", *self.defaults}  # type: ignore[attr-defined]
            if not isinstance(g, Mapping) or not need <= set(g):
                raise ValueError("The param_groups of the state dict must include names 'params', "
                                 + ", ".join(f"'{n}'" for n in self.defaults) + ".")  # type: ignore[attr-defined]
        state = state_dict["state"]
        have = {int(k) for k in state}
        with_state = [i for i, p in enumerate(params, 1) if p in self.state]  # type: ignore[attr-defined]
        missing = [i for i in with_state if i not in have]
        if missing:
            raise ValueError("To-be loaded state dict is missing states for parameters "
                             + ", ".join(map(str, missing)) + ".")
        for k, st in state.items():
            absent = [n for n in self._state_names if n not in st]
            if absent:
                raise ValueError(f"The {int(k)}-th state has elements with names "
                                 f"{', '.join(sorted(st))}, but expected {', '.join(self._state_names)}.")
        # from R a one-parameter group's positions arrive as a scalar
        groups = [{**g, "params": [int(v) for v in np.atleast_1d(np.asarray(g["params"]))]}
                  for g in state_dict["param_groups"]]
        state = {int(k): {n: (int(v.item()) if n == "step" and isinstance(v, Tensor) else v) for n, v in st.items()}
                 for k, st in state.items()}
        super().load_state_dict({"param_groups": groups,  # type: ignore[misc]
                                 "state": {k: _copy_state(v, True) for k, v in state.items()}})
        return self

    def clone(self, deep: bool = False) -> Any:
        """A shallow copy; deep copies are refused (libtorch's optimizer state cannot be duplicated)."""
        if deep:
            raise RuntimeError("OptimizerIgnite cannot be deep cloned.")
        return super().clone(False)  # type: ignore[misc]


class optim_ignite_adam(_Ignite, optim_adam):  # noqa: N801 - R torch's name
    """Adam in the ignite family (``optim_adam``'s update).

    Example:
        >>> w = torch_ones(2, requires_grad=True); opt = optim_ignite_adam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); [round(v, 4) for v in w._data.tolist()]
        [0.9, 0.9]
    """

    _r_class = "optim_ignite_adam"
    _state_names = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step")

    def initialize(self, params: Any, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                   eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False) -> None:
        self._check_params(params)
        super().initialize(params, lr, betas, eps, weight_decay, amsgrad)


class optim_ignite_adamw(_Ignite, optim_adamw):  # noqa: N801 - R torch's name
    """AdamW in the ignite family (``optim_adamw``'s update)."""

    _r_class = "optim_ignite_adamw"
    _state_names = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step")

    def initialize(self, params: Any, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                   eps: float = 1e-8, weight_decay: float = 0.01, amsgrad: bool = False) -> None:
        self._check_params(params)
        super().initialize(params, lr, betas, eps, weight_decay, amsgrad)


class optim_ignite_sgd(_Ignite, optim_sgd):  # noqa: N801 - R torch's name
    """SGD in the ignite family (``optim_sgd``'s update)."""

    _r_class = "optim_ignite_sgd"
    _state_names = ("momentum_buffer",)

    def initialize(self, params: Any, lr: float = 0.001, momentum: float = 0, dampening: float = 0,
                   weight_decay: float = 0, nesterov: bool = False) -> None:
        self._check_params(params)
        super().initialize(params, lr, momentum, dampening, weight_decay, nesterov)


class optim_ignite_rmsprop(_Ignite, optim_rmsprop):  # noqa: N801 - R torch's name
    """RMSprop in the ignite family (``optim_rmsprop``'s update)."""

    _r_class = "optim_ignite_rmsprop"
    _state_names = ("grad_avg", "square_avg", "momentum_buffer", "step")

    def initialize(self, params: Any, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                   weight_decay: float = 0, momentum: float = 0, centered: bool = False) -> None:
        self._check_params(params)
        super().initialize(params, lr, alpha, eps, weight_decay, momentum, centered)


class optim_ignite_adagrad(_Ignite, optim_adagrad):  # noqa: N801 - R torch's name
    """Adagrad in the ignite family (``optim_adagrad``'s update)."""

    _r_class = "optim_ignite_adagrad"
    _state_names = ("step", "sum")

    def initialize(self, params: Any, lr: float = 0.01, lr_decay: float = 0, weight_decay: float = 0,
                   initial_accumulator_value: float = 0, eps: float = 1e-10) -> None:
        self._check_params(params)
        super().initialize(params, lr, lr_decay, weight_decay, initial_accumulator_value, eps)
