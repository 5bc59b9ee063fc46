"""Weight normalization, R torch's ``nn_utils_weight_norm``: a parameter ``w`` is replaced by ``w_g`` (its norm
over every dim but ``dim``) and ``w_v`` (its direction), and recomputed as v * g / ||v|| (libtorch's
_weight_norm, node WeightNormInterfaceBackward0) before every forward."""

from __future__ import annotations

from typing import Any

from .._core import nn_ops as NO  # noqa: N812
from .._core.autograd import no_grad
from .._core.tensor import Tensor
from .._r import Pos1, r_api
from .module import nn_Module, nn_parameter

__all__ = ["nn_utils_weight_norm", "WeightNorm"]


class WeightNorm:
    """Applies / recomputes / removes weight normalization of parameter ``name`` of a module (R6-style:
    ``nn_utils_weight_norm$new(name, dim)`` then ``$apply(module)``, ``$recompute(module)``, ``$remove(module)``).

    Example:
        >>> lin = nn_linear(3, 2); wn = nn_utils_weight_norm("weight", 1); _ = wn.apply(lin)
        >>> sorted(lin.parameters)
        ['bias', 'weight_g', 'weight_v']
    """

    def __init__(self, name: str, axis: int | None) -> None:
        self.name = name
        self.dim = axis

    def compute_weight(self, module: nn_Module) -> Tensor:
        """v * g / ||v|| from the module's ``<name>_g`` and ``<name>_v``."""
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return NO.weight_norm(v, g, self.dim)

    def apply(self, module: nn_Module) -> WeightNorm:
        """Replace the parameter by ``<name>_g`` and ``<name>_v`` and recompute it before each forward."""
        if not isinstance(module, nn_Module):
            raise TypeError(f"nn_utils_weight_norm: expected an nn_module, got {type(module).__name__}")
        w = module._parameters.get(self.name)
        if w is None:
            raise ValueError(f"nn_utils_weight_norm: the module has no parameter '{self.name}'")
        if self.dim is not None and not 0 <= self.dim < w.ndim:
            raise IndexError(f"nn_utils_weight_norm: dim {self.dim + 1} is out of range for a parameter with "
                             f"{w.ndim} dims")
        with no_grad():
            g = Tensor._wrap(NO.norm_except_axis(w._data, self.dim).astype(w._data.dtype))
            v = Tensor._wrap(w._data.copy())
        del module._parameters[self.name]
        module.__dict__.pop(self.name, None)
        module.register_parameter(self.name + "_g", nn_parameter(g))
        module.register_parameter(self.name + "_v", nn_parameter(v))
        module.__dict__[self.name] = self.compute_weight(module)
        forward = module.forward

        def normed_forward(*args: Any, **kwargs: Any) -> Any:
            self.recompute(module)
            return forward(*args, **kwargs)

        module.__dict__["forward"] = normed_forward
        return self

    def recompute(self, module: nn_Module) -> None:
        """Set the module's ``<name>`` to v * g / ||v|| (a tensor in the graph of g and v)."""
        module.__dict__[self.name] = self.compute_weight(module)

    def call(self, module: nn_Module) -> None:
        """What runs before each forward: ``recompute``."""
        self.recompute(module)

    def remove(self, module: nn_Module) -> nn_Module:
        """Undo: ``<name>`` becomes a parameter again holding the current v * g / ||v||."""
        with no_grad():
            w = self.compute_weight(module)
        for suffix in ("_g", "_v"):
            module._unregister(self.name + suffix)
        module.__dict__.pop(self.name, None)
        module.__dict__.pop("forward", None)
        module.register_parameter(self.name, nn_parameter(Tensor._wrap(w._data.copy())))
        return module


@r_api
def nn_utils_weight_norm(name: str = "weight", dim: Pos1 | None = 1) -> WeightNorm:
    """A weight normalization of parameter ``name`` over every dim but ``dim`` (1-based; NULL: the whole
    tensor); ``$apply(module)`` installs it.

    Example:
        >>> wn = nn_utils_weight_norm("weight", 2); lin = nn_linear(4, 3); _ = wn.apply(lin)
        >>> lin.weight_g.shape
        (1, 4)
    """
    return WeightNorm(str(name), dim)
