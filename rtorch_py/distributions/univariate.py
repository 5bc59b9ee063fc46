"""Univariate distributions: normal, bernoulli, categorical (1-based categories), poisson, gamma, chi2.

Samplers draw exactly what libtorch draws under the same seed: normal via ``normal_``, bernoulli via
``bernoulli(probs)``, categorical via ``multinomial(probs, n, replacement = TRUE)``, poisson and gamma via
libtorch's rejection samplers (rtorch_py/_core/rng.py).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import distr_ops as Q
from .._core import loss_ops as L
from .._core import ops as O
from .._core import rng
from .._core.autograd import no_grad
from .._core.tensor import Tensor
from . import constraints as C
from .distribution import Distribution, broadcast_all, param_tensor, shape_of

__all__ = ["Normal", "Bernoulli", "Categorical", "Poisson", "Gamma", "Chi2"]

_LOG_SQRT_2PI = math.log(math.sqrt(2 * math.pi))


def _f(x: Tensor) -> Tensor:
    """Integer or bool parameters as the default float dtype."""
    return x if x._data.dtype.kind == "f" else O.to_dtype(x, np.dtype(np.float32))


def _eps(t: Tensor) -> float:
    return float(np.finfo(t._data.dtype).eps)


def _clamp_probs(p: Tensor) -> Tensor:
    e = _eps(p)
    return O.clamp(p, e, 1 - e)


class Normal(Distribution):
    """Normal(loc, scale): ``distr_normal``."""

    _classname = "torch_Normal"
    arg_constraints = {"loc": C.constraint_real, "scale": C.constraint_positive}
    support = C.constraint_real
    has_rsample = True

    def initialize(self, loc: Any, scale: Any, validate_args: Any = None) -> None:
        self.loc, self.scale = broadcast_all(_f(param_tensor(loc, "loc", "distr_normal")),
                                             _f(param_tensor(scale, "scale", "distr_normal")))
        super().initialize(self.loc._data.shape, None, validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Normal:
        """This distribution with ``batch_shape`` (parameters expanded as views)."""
        shape = shape_of(batch_shape, "batch_shape")
        new = self._new()
        new.loc, new.scale = O.expand(self.loc, shape), O.expand(self.scale, shape)
        Distribution.initialize(new, shape, None, False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return O.pow(self.scale, 2)

    def rsample(self, sample_shape: Any = None) -> Tensor:
        shape = self._extended_shape(sample_shape)
        eps = Tensor._wrap(rng.default_generator.normal(shape, 0.0, 1.0, self.loc._data.dtype))
        return self.loc + eps * self.scale

    def log_prob(self, value: Any) -> Tensor:
        v = self._value(value)
        var = O.pow(self.scale, 2)
        return -O.pow(v - self.loc, 2) / (var * 2) - O.log(self.scale) - _LOG_SQRT_2PI

    def cdf(self, value: Any) -> Tensor:
        v = self._value(value)
        return (O.erf((v - self.loc) * O.reciprocal(self.scale) / math.sqrt(2)) + 1) * 0.5

    def icdf(self, value: Any) -> Tensor:
        v = param_tensor(value, "value", "icdf")
        return self.loc + self.scale * Q.erfinv(v * 2 - 1) * math.sqrt(2)

    def entropy(self) -> Tensor:
        return O.log(self.scale) + (0.5 + 0.5 * math.log(2 * math.pi))


def _probs_logits(probs: Any, logits: Any, fn: str) -> tuple[Tensor | None, Tensor | None]:
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    if probs is not None:
        return _f(param_tensor(probs, "probs", fn)), None
    return None, _f(param_tensor(logits, "logits", fn))


class Bernoulli(Distribution):
    """Bernoulli(probs or logits): ``distr_bernoulli``; samples are 0/1 in the parameter's dtype."""

    _classname = "torch_Bernoulli"
    arg_constraints = {"probs": C.constraint_unit_interval, "logits": C.constraint_real}
    support = C.constraint_boolean
    has_enumerate_support = True

    def initialize(self, probs: Any = None, logits: Any = None, validate_args: Any = None) -> None:
        p, lg = _probs_logits(probs, logits, "distr_bernoulli")
        if p is not None:
            self.probs = p
            self.logits = O.log(_clamp_probs(p)) - O.log1p(-_clamp_probs(p))
        else:
            self.logits = lg
            self.probs = O.sigmoid(lg)
        self._param = p if p is not None else lg
        super().initialize(self._param._data.shape, None, validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Bernoulli:
        shape = shape_of(batch_shape, "batch_shape")
        new = self._new()
        new.probs, new.logits = O.expand(self.probs, shape), O.expand(self.logits, shape)
        new._param = new.probs
        Distribution.initialize(new, shape, None, False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    @property
    def param_shape(self) -> tuple:
        return self._param._data.shape

    def sample(self, sample_shape: Any = None) -> Tensor:
        shape = self._extended_shape(sample_shape)
        p = np.broadcast_to(self.probs._data, shape)
        return Tensor._wrap(rng.default_generator.bernoulli(np.ascontiguousarray(p)))

    def log_prob(self, value: Any) -> Tensor:
        v = self._value(value)
        lg, v = broadcast_all(self.logits, _f(v))
        return -L.binary_cross_entropy_with_logits(lg, v, None, None, "none")

    def entropy(self) -> Tensor:
        return L.binary_cross_entropy_with_logits(self.logits, self.probs, None, None, "none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        bs = self._batch_shape
        values = Tensor._wrap(np.arange(2, dtype=self._param._data.dtype).reshape((-1,) + (1,) * len(bs)))
        return O.expand(values, (2,) + bs) if expand else values


class Categorical(Distribution):
    """Categorical(probs or logits) over the last dim: ``distr_categorical``; categories are 1-based, as
    R torch (``sample()`` draws 1..K, ``log_prob`` takes 1..K)."""

    _classname = "torch_Categorical"
    arg_constraints = {"probs": C.constraint_simplex, "logits": C.constraint_real_vector}
    has_enumerate_support = True

    def initialize(self, probs: Any = None, logits: Any = None, validate_args: Any = None) -> None:
        p, lg = _probs_logits(probs, logits, "distr_categorical")
        t = p if p is not None else lg
        if t._data.ndim < 1:
            raise ValueError("`probs` parameter must be at least one-dimensional.")
        if p is not None:
            self.probs = p / O.sum(p, -1, keepdim=True)
            self.logits = O.log(_clamp_probs(self.probs))
        else:
            self.logits = lg - O.logsumexp(lg, -1, keepdim=True)
            self.probs = O.softmax(self.logits, -1)
        self._param = self.probs if p is not None else self.logits
        self._num_events = t._data.shape[-1]
        super().initialize(t._data.shape[:-1], None, validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Categorical:
        shape = shape_of(batch_shape, "batch_shape")
        new = self._new()
        pshape = shape + (self._num_events,)
        new.probs, new.logits = O.expand(self.probs, pshape), O.expand(self.logits, pshape)
        new._param, new._num_events = new.probs, self._num_events
        Distribution.initialize(new, shape, None, False)
        new._validate_args = self._validate_args
        return new

    @property
    def support(self) -> C.Constraint:
        return C.constraint_integer_interval(1, self._num_events)

    @property
    def param_shape(self) -> tuple:
        return self._param._data.shape

    @property
    def mean(self) -> Tensor:
        return Tensor._wrap(np.full(self._extended_shape(), np.nan, dtype=self.probs._data.dtype))

    @property
    def variance(self) -> Tensor:
        return Tensor._wrap(np.full(self._extended_shape(), np.nan, dtype=self.probs._data.dtype))

    def sample(self, sample_shape: Any = None) -> Tensor:
        ss = shape_of(sample_shape)
        n = math.prod(ss)
        probs_2d = self.probs._data.reshape(-1, self._num_events)
        s2d = rng.default_generator.multinomial(probs_2d, n, True).T  # (n, batch)
        return Tensor._wrap(np.ascontiguousarray(s2d).reshape(self._extended_shape(ss)) + 1)

    def log_prob(self, value: Any) -> Tensor:
        v = param_tensor(value, "value", "log_prob")
        if self._validate_args:
            self._validate_sample(v)
        idx = v._data.astype(np.int64)[..., None] - 1
        shape = np.broadcast_shapes(idx.shape, self.logits._data.shape)
        idx = np.broadcast_to(idx, shape[:-1] + (1,))
        lg = O.expand(self.logits, shape)
        return O.squeeze(O.gather(lg, -1, Tensor._wrap(np.ascontiguousarray(idx))), -1)

    def entropy(self) -> Tensor:
        lg = O.clamp(self.logits, float(np.finfo(self.logits._data.dtype).min), None)
        return -O.sum(lg * self.probs, -1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        bs = self._batch_shape
        k = self._num_events
        values = Tensor._wrap(np.arange(1, k + 1, dtype=np.int64).reshape((-1,) + (1,) * len(bs)))
        return O.expand(values, (k,) + bs) if expand else values


class Poisson(Distribution):
    """Poisson(rate): ``distr_poisson``."""

    _classname = "torch_Poisson"
    arg_constraints = {"rate": C.constraint_nonnegative}
    support = C.constraint_nonnegative_integer

    def initialize(self, rate: Any, validate_args: Any = None) -> None:
        (self.rate,) = broadcast_all(_f(param_tensor(rate, "rate", "distr_poisson")))
        super().initialize(self.rate._data.shape, None, validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Poisson:
        shape = shape_of(batch_shape, "batch_shape")
        new = self._new()
        new.rate = O.expand(self.rate, shape)
        Distribution.initialize(new, shape, None, False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape: Any = None) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return Q.poisson(Tensor._wrap(np.ascontiguousarray(np.broadcast_to(self.rate._data, shape))))

    def log_prob(self, value: Any) -> Tensor:
        v = _f(self._value(value))
        rate, v = broadcast_all(self.rate, v)
        return Q.xlogy(v, rate) - rate - Q.lgamma(v + 1)


class Gamma(Distribution):
    """Gamma(concentration, rate): ``distr_gamma``; ``rsample`` is reparameterised (libtorch's gradient)."""

    _classname = "torch_Gamma"
    arg_constraints = {"concentration": C.constraint_positive, "rate": C.constraint_positive}
    support = C.constraint_nonnegative
    has_rsample = True

    def initialize(self, concentration: Any, rate: Any, validate_args: Any = None) -> None:
        self.concentration, self.rate = broadcast_all(
            _f(param_tensor(concentration, "concentration", "distr_gamma")),
            _f(param_tensor(rate, "rate", "distr_gamma")))
        super().initialize(self.concentration._data.shape, None, validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Gamma:
        shape = shape_of(batch_shape, "batch_shape")
        new = self._new()
        new.concentration, new.rate = O.expand(self.concentration, shape), O.expand(self.rate, shape)
        Distribution.initialize(new, shape, None, False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def variance(self) -> Tensor:
        return self.concentration / O.pow(self.rate, 2)

    def rsample(self, sample_shape: Any = None) -> Tensor:
        shape = self._extended_shape(sample_shape)
        value = Q.standard_gamma(O.expand(self.concentration, shape)) / O.expand(self.rate, shape)
        np.maximum(value._data, np.finfo(value._data.dtype).tiny, out=value._data)  # clamp_ on detached data
        return value

    def log_prob(self, value: Any) -> Tensor:
        v = _f(self._value(value))
        return (Q.xlogy(self.concentration, self.rate) + Q.xlogy(self.concentration - 1, v)
                - self.rate * v - Q.lgamma(self.concentration))

    def entropy(self) -> Tensor:
        c = self.concentration
        return c - O.log(self.rate) + Q.lgamma(c) + (1.0 - c) * Q.digamma(c)

    def cdf(self, value: Any) -> Tensor:
        """P(X <= value): the regularised incomplete gamma function (not differentiable in concentration)."""
        v = _f(self._value(value))
        return Q.gammainc(self.concentration, self.rate * v)


class Chi2(Gamma):
    """Chi-squared(df) = Gamma(df / 2, 1 / 2): ``distr_chi2``."""

    _classname = "torch_Chi2"
    arg_constraints = {"df": C.constraint_positive}

    def initialize(self, df: Any, validate_args: Any = None) -> None:
        d = _f(param_tensor(df, "df", "distr_chi2"))
        super().initialize(d * 0.5, Tensor._wrap(np.array(0.5, dtype=d._data.dtype)), validate_args)

    @property
    def df(self) -> Tensor:
        """The degrees of freedom."""
        return self.concentration * 2

    def expand(self, batch_shape: Any, _instance: Any = None) -> Chi2:
        return Gamma.expand(self, batch_shape)
