"""R torch's constraint objects (``constraint_*``): what values a distribution's parameters and support take.

``constraint$check(value)`` returns a boolean tensor over the batch (the last ``event_dim`` dims reduced).
Instances (``constraint_real``, ``constraint_positive`` ...) are used as they are; parameterised ones are
classes, made with ``constraint_less_than$new(1)`` (R6's ``$new``) or ``constraint_less_than(1)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import ops as O
from .._core.tensor import Tensor
from .._r6 import R6

__all__ = [
    "Constraint", "constraint_real", "constraint_real_vector", "constraint_boolean", "constraint_positive",
    "constraint_nonnegative", "constraint_unit_interval", "constraint_simplex", "constraint_nonnegative_integer",
    "constraint_positive_integer", "constraint_lower_cholesky", "constraint_lower_triangular",
    "constraint_positive_definite", "constraint_dependent", "constraint_greater_than",
    "constraint_greater_than_eq", "constraint_less_than", "constraint_interval", "constraint_half_open_interval",
    "constraint_integer_interval",
]


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._wrap(np.asarray(x, dtype=np.float32))


def _bound(x: Any) -> Tensor:
    """A bound as a tensor (R torch keeps them as tensors: ``constraint$upper_bound`` is one)."""
    return x if isinstance(x, Tensor) else Tensor._wrap(np.asarray(x, dtype=np.float32).reshape(-1))


def _b(x: Tensor) -> np.ndarray:
    d = x._data
    return d.reshape(()) if d.size == 1 else d


def _wrap_bool(a: Any) -> Tensor:
    return Tensor._wrap(np.asarray(a, dtype=np.bool_))


class Constraint(R6):
    """A region of valid values: ``check(value)`` is TRUE where ``value`` lies in it (over the batch)."""

    _classname = "torch_Constraint"
    is_discrete = False
    event_dim = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = [c.__dict__["_classname"] for c in cls.__mro__ if "_classname" in c.__dict__ and c is not R6]
        cls.__r_class__ = (*dict.fromkeys(names), "R6", "py_object")

    @classmethod
    def new(cls, *args: Any, **kwargs: Any) -> Constraint:
        """R6's ``$new(...)``: a new constraint of this class."""
        return cls(*args, **kwargs)

    def check(self, value: Any) -> Tensor:
        """Whether ``value`` satisfies the constraint (a boolean tensor)."""
        d = _t(value)._data
        return _wrap_bool(self._check(d))

    def _check(self, d: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self)._classname}>"


Constraint.__r_class__ = ("torch_Constraint", "R6", "py_object")


def _events(ok: np.ndarray, event_dim: int) -> np.ndarray:
    return ok.all(axis=tuple(range(-event_dim, 0))) if event_dim else ok


class _Real(Constraint):
    _classname = "torch_Real"

    def _check(self, d):
        return d == d


class _IndependentReal(Constraint):
    _classname = "torch_IndependentConstraint"
    event_dim = 1

    def _check(self, d):
        return _events(d == d, 1)


class _Boolean(Constraint):
    _classname = "torch_Boolean"
    is_discrete = True

    def _check(self, d):
        return (d == 0) | (d == 1)


class constraint_greater_than(Constraint):  # noqa: N801 - R torch's name
    """Values > ``lower_bound``."""

    _classname = "torch_GreaterThan"

    def initialize(self, lower_bound: Any) -> None:
        self.lower_bound = _bound(lower_bound)

    def _check(self, d):
        return _b(self.lower_bound) < d


class constraint_greater_than_eq(Constraint):  # noqa: N801
    """Values >= ``lower_bound``."""

    _classname = "torch_GreaterThanEq"

    def initialize(self, lower_bound: Any) -> None:
        self.lower_bound = _bound(lower_bound)

    def _check(self, d):
        return _b(self.lower_bound) <= d


class constraint_less_than(Constraint):  # noqa: N801
    """Values < ``upper_bound``.

    Example:
        >>> constraint_less_than(1).check(torch_tensor([0.5, 1.5])).numpy().tolist()
        [True, False]
    """

    _classname = "torch_LessThan"

    def initialize(self, upper_bound: Any) -> None:
        self.upper_bound = _bound(upper_bound)

    def _check(self, d):
        return d < _b(self.upper_bound)


class constraint_interval(Constraint):  # noqa: N801
    """Values in [``lower_bound``, ``upper_bound``]."""

    _classname = "torch_Interval"

    def initialize(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = _bound(lower_bound), _bound(upper_bound)

    def _check(self, d):
        return (_b(self.lower_bound) <= d) & (d <= _b(self.upper_bound))


class constraint_half_open_interval(Constraint):  # noqa: N801
    """Values in [``lower_bound``, ``upper_bound``)."""

    _classname = "torch_HalfOpenInterval"

    def initialize(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = _bound(lower_bound), _bound(upper_bound)

    def _check(self, d):
        return (_b(self.lower_bound) <= d) & (d < _b(self.upper_bound))


class constraint_integer_interval(Constraint):  # noqa: N801
    """Whole numbers in [``lower_bound``, ``upper_bound``]."""

    _classname = "torch_IntegerInterval"
    is_discrete = True

    def initialize(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = _bound(lower_bound), _bound(upper_bound)

    def _check(self, d):
        return (d % 1 == 0) & (_b(self.lower_bound) <= d) & (d <= _b(self.upper_bound))


class _IntegerGreaterThan(Constraint):
    _classname = "torch_IntegerGreaterThan"
    is_discrete = True

    def initialize(self, lower_bound: Any) -> None:
        self.lower_bound = _bound(lower_bound)

    def _check(self, d):
        return (d % 1 == 0) & (d >= _b(self.lower_bound))


class _Simplex(Constraint):
    _classname = "torch_Simplex"
    event_dim = 1

    def _check(self, d):
        return np.all(d >= 0, axis=-1) & (np.abs(d.sum(-1) - 1) < 1e-6)


class _LowerTriangular(Constraint):
    _classname = "torch_LowerTriangular"
    event_dim = 2

    def _check(self, d):
        return _events(np.tril(d) == d, 2)


class _LowerCholesky(Constraint):
    _classname = "torch_LowerCholesky"
    event_dim = 2

    def _check(self, d):
        lower = _events(np.tril(d) == d, 2)
        positive_diag = np.all(np.diagonal(d, axis1=-2, axis2=-1) > 0, axis=-1)
        return lower & positive_diag


class _PositiveDefinite(Constraint):
    _classname = "torch_PositiveDefinite"
    event_dim = 2

    def _check(self, d):
        # symmetric matrices with positive eigenvalues; R torch returns the batch's answers with a leading
        # dim of 1 (a batch of n matrices gives a 1 x n result)
        sym = _events(np.abs(d - np.swapaxes(d, -1, -2)) <= 1e-6 * (1 + np.abs(d)), 2)
        with np.errstate(all="ignore"):
            ev = np.linalg.eigvalsh(d.astype(np.float64)) if d.size else np.zeros(d.shape[:-1])
        return ((ev.min(axis=-1) > 0) & sym)[None]


class _Dependent(Constraint):
    _classname = "torch_Dependent"

    def check(self, value: Any) -> Tensor:
        raise ValueError("Cannot determine validity of dependent constraint")


constraint_real = _Real()
constraint_real_vector = _IndependentReal()
constraint_boolean = _Boolean()
constraint_positive = constraint_greater_than(0.0)
constraint_nonnegative = constraint_greater_than_eq(0.0)
constraint_unit_interval = constraint_interval(0.0, 1.0)
constraint_simplex = _Simplex()
constraint_nonnegative_integer = _IntegerGreaterThan(0)
constraint_positive_integer = _IntegerGreaterThan(1)
constraint_lower_triangular = _LowerTriangular()
constraint_lower_cholesky = _LowerCholesky()
constraint_positive_definite = _PositiveDefinite()
constraint_dependent = _Dependent()

_ = O  # ops are imported for subclasses written with tensor ops
