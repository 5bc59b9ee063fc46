"""The base of R torch's distributions (``torch_Distribution``), on the one R6 model (rtorch_py/_r6.py).

Shapes are R torch's: ``batch_shape`` and ``event_shape`` are vectors (NULL when empty); numbers given as
parameters become one-element tensors (R's ``torch_tensor(0.5)`` has size 1), so ``distr_normal(0, 1)`` has
``batch_shape`` 1. ``sample(sample_shape)`` draws ``c(sample_shape, batch_shape, event_shape)`` values.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import ops as O
from .._core.autograd import no_grad
from .._core.dtype import get_default_dtype
from .._core.tensor import Tensor
from .._r import to_int
from .._r6 import R6
from . import constraints as C

__all__ = ["Distribution", "param_tensor", "broadcast_all", "shape_of"]


def shape_of(shape: Any, what: str = "sample_shape") -> tuple[int, ...]:
    """A shape given as NULL, a number, a vector or a tensor, as a tuple of ints."""
    if shape is None:
        return ()
    if isinstance(shape, Tensor):
        shape = shape._data.reshape(-1).tolist()
    if isinstance(shape, (list, tuple, np.ndarray)):
        return tuple(to_int(s, what) for s in np.asarray(shape).reshape(-1).tolist())
    return (to_int(shape, what),)


def param_tensor(x: Any, name: str, fn: str) -> Tensor:
    """A parameter as a tensor: tensors as they are, numbers and vectors as float tensors (a number has
    size 1, as R's torch_tensor(number))."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, int, float, np.integer, np.floating)):
        return Tensor._wrap(np.array([float(x)], dtype=get_default_dtype().np))
    if isinstance(x, (list, tuple, np.ndarray)):
        arr = np.asarray(x, dtype=np.float64)
        if arr.dtype.kind not in "fiub":
            raise TypeError(f"{fn}: `{name}` must be a tensor or numbers, got {type(x).__name__}")
        return Tensor._wrap(arr.astype(get_default_dtype().np))
    raise TypeError(f"{fn}: `{name}` must be a tensor or a number, got {type(x).__name__}")


def broadcast_all(*values: Tensor) -> list[Tensor]:
    """The tensors expanded to their common shape (views; gradients flow back)."""
    shape = np.broadcast_shapes(*(v._data.shape for v in values))
    return [v if v._data.shape == shape else O.expand(v, shape) for v in values]


class Distribution(R6):
    """Base class of distributions: shapes, argument validation, ``sample`` from ``rsample``.

    Subclasses set ``arg_constraints`` (parameter name -> constraint), ``support``, ``has_rsample`` and
    implement ``rsample`` or ``sample``, ``log_prob`` and the rest they can.
    """

    _classname = "torch_Distribution"
    has_rsample = False
    has_enumerate_support = False
    arg_constraints: dict = {}
    support: Any = None
    _validate_default = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = [c.__dict__["_classname"] for c in cls.__mro__ if "_classname" in c.__dict__ and c is not R6]
        cls.__r_class__ = (*dict.fromkeys(names), "R6", "py_object")

    def initialize(self, batch_shape: Any = None, event_shape: Any = None, validate_args: Any = None) -> None:
        self._batch_shape = shape_of(batch_shape, "batch_shape")
        self._event_shape = shape_of(event_shape, "event_shape")
        self._validate_args = self._validate_default if validate_args is None else bool(validate_args)
        if self._validate_args:
            for param, constraint in self.arg_constraints.items():
                if constraint is C.constraint_dependent or param not in self._params():
                    continue
                value = getattr(self, param)
                if value is None:
                    continue
                if not bool(np.all(constraint.check(value)._data)):
                    raise ValueError(f"The parameter {param} has invalid values")

    def _params(self) -> set:
        return set(vars(self)) | {n for n in self.arg_constraints if hasattr(type(self), n)}

    # -- shapes ------------------------------------------------------------------------------------------
    @property
    def batch_shape(self) -> tuple[int, ...] | None:
        """The shape over which parameters are batched (NULL/None when empty, as R torch)."""
        return self._batch_shape or None

    @property
    def event_shape(self) -> tuple[int, ...] | None:
        """The shape of a single sample (NULL/None for scalar distributions)."""
        return self._event_shape or None

    def _extended_shape(self, sample_shape: Any = None) -> tuple[int, ...]:
        return shape_of(sample_shape) + self._batch_shape + self._event_shape

    # -- sampling ----------------------------------------------------------------------------------------
    def sample(self, sample_shape: Any = None) -> Tensor:
        """Draws of shape ``c(sample_shape, batch_shape, event_shape)``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = None) -> Tensor:
        """Reparameterised draws (gradients flow to the parameters), where the distribution has them."""
        raise NotImplementedError(f"rsample is not implemented for {type(self)._classname}: it has no "
                                  "reparameterised sampler (use $sample())")

    def sample_n(self, n: Any) -> Tensor:
        """``n`` draws (``sample(n)``)."""
        return self.sample(shape_of(n, "n"))

    # -- densities and moments (subclasses) --------------------------------------------------------------
    def log_prob(self, value: Any) -> Tensor:
        """The log of the probability density/mass at ``value``."""
        raise NotImplementedError(f"log_prob is not implemented for {type(self)._classname}")

    def cdf(self, value: Any) -> Tensor:
        """The cumulative distribution function at ``value``."""
        raise NotImplementedError(f"cdf is not implemented for {type(self)._classname}")

    def icdf(self, value: Any) -> Tensor:
        """The inverse cumulative distribution function at ``value``."""
        raise NotImplementedError(f"icdf is not implemented for {type(self)._classname}")

    def entropy(self) -> Tensor:
        """The entropy, over the batch."""
        raise NotImplementedError(f"entropy is not implemented for {type(self)._classname}")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """All values of a discrete support, along a new first dim (expanded over the batch with ``expand``)."""
        raise NotImplementedError(f"enumerate_support is not implemented for {type(self)._classname}")

    def perplexity(self) -> Tensor:
        """exp(entropy)."""
        return O.exp(self.entropy())

    @property
    def mean(self) -> Tensor:
        """The mean."""
        raise NotImplementedError(f"mean is not implemented for {type(self)._classname}")

    @property
    def variance(self) -> Tensor:
        """The variance."""
        raise NotImplementedError(f"variance is not implemented for {type(self)._classname}")

    @property
    def stddev(self) -> Tensor:
        """The standard deviation."""
        return O.sqrt(self.variance)

    # -- helpers -----------------------------------------------------------------------------------------
    def _value(self, value: Any) -> Tensor:
        v = param_tensor(value, "value", "log_prob")
        if self._validate_args:
            self._validate_sample(v)
        return v

    def _validate_sample(self, value: Tensor) -> None:
        ev = self._event_shape
        shape = value._data.shape
        if len(shape) < len(ev) or (ev and shape[len(shape) - len(ev):] != ev):
            raise ValueError(f"The right-most size of value must match event_shape: {list(shape)} vs {list(ev)}.")
        try:
            np.broadcast_shapes(shape, self._batch_shape + ev)
        except ValueError:
            raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {list(shape)} vs "
                             f"{list(self._batch_shape + ev)}.") from None
        if self.support is not None and self.support is not C.constraint_dependent:
            if not bool(np.all(self.support.check(value)._data)):
                raise ValueError("The value argument must be within the support")

    def _new(self) -> Distribution:
        new = type(self).__new__(type(self))
        return new

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        """This distribution with its parameters expanded to ``batch_shape`` (views, no copies)."""
        raise NotImplementedError(f"expand is not implemented for {type(self)._classname}")

    def __repr__(self) -> str:
        params = ", ".join(f"{n}: {getattr(self, n)._data.shape if isinstance(getattr(self, n, None), Tensor) else ''}"
                           for n in self.arg_constraints if isinstance(getattr(self, n, None), Tensor))
        return f"{type(self).__name__} ({params})"


_ = math
