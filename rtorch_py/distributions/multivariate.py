"""Multivariate normal and mixtures of one family of components."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import linalg_ops as LA  # noqa: N812 - cholesky and triangular solves: linalg's, one implementation
from .._core import ops as O
from .._core import rng
from .._core.autograd import no_grad
from .._core.tensor import Tensor
from . import constraints as C
from .distribution import Distribution, param_tensor, shape_of
from .univariate import Categorical, _f

__all__ = ["MultivariateNormal", "MixtureSameFamily"]


def _mT(x: Tensor) -> Tensor:  # noqa: N802
    return O.transpose(x, -1, -2)


def _eye_like(x: Tensor) -> Tensor:
    n = x._data.shape[-1]
    return Tensor._wrap(np.eye(n, dtype=x._data.dtype))


class MultivariateNormal(Distribution):
    """MultivariateNormal(loc, covariance_matrix | precision_matrix | scale_tril):
    ``distr_multivariate_normal``; computations go through the lower Cholesky factor."""

    _classname = "torch_MultivariateNormal"
    arg_constraints = {"loc": C.constraint_real_vector, "covariance_matrix": C.constraint_positive_definite,
                       "precision_matrix": C.constraint_positive_definite,
                       "scale_tril": C.constraint_lower_cholesky}
    support = C.constraint_real_vector
    has_rsample = True

    def initialize(self, loc: Any, covariance_matrix: Any = None, precision_matrix: Any = None,
                   scale_tril: Any = None, validate_args: Any = None) -> None:
        fn = "distr_multivariate_normal"
        loc = _f(param_tensor(loc, "loc", fn))
        if loc._data.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        m = _f(param_tensor(given[0], "matrix", fn))
        if m._data.ndim < 2:
            raise ValueError("scale_tril, covariance_matrix or precision_matrix must be at least two-dimensional, "
                             "with optional leading batch dimensions")
        batch = np.broadcast_shapes(m._data.shape[:-2], loc._data.shape[:-1])
        ev = loc._data.shape[-1:]
        self.covariance_matrix = self.precision_matrix = None
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = m
            self._given = "scale_tril"
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = LA.cholesky(m)
            self._given = "covariance_matrix"
        else:
            lf = LA.cholesky(O.flip(m, (-2, -1)))
            l_inv = _mT(O.flip(lf, (-2, -1)))
            self._unbroadcasted_scale_tril = LA.solve_triangular(l_inv, _eye_like(m), upper=False)
            self._given = "precision_matrix"
        self._given_matrix = O.expand(m, batch + m._data.shape[-2:])
        self.loc = O.expand(loc, batch + ev)
        del self.covariance_matrix, self.precision_matrix
        self._check_args(validate_args, batch, ev)

    def _check_args(self, validate_args: Any, batch: tuple, ev: tuple) -> None:
        self._batch_shape, self._event_shape = tuple(batch), tuple(ev)
        self._validate_args = self._validate_default if validate_args is None else bool(validate_args)
        if self._validate_args:
            for name, value in (("loc", self.loc), (self._given, self._given_matrix)):
                if not bool(np.all(self.arg_constraints[name].check(value)._data)):
                    raise ValueError(f"The parameter {name} has invalid values")

    def expand(self, batch_shape: Any, _instance: Any = None) -> MultivariateNormal:
        shape = shape_of(batch_shape, "batch_shape")
        new = self._new()
        new.loc = O.expand(self.loc, shape + self._event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        new._given = self._given
        new._given_matrix = O.expand(self._given_matrix, shape + self._given_matrix._data.shape[-2:])
        new._check_args(False, shape, self._event_shape)
        new._validate_args = self._validate_args
        return new

    @property
    def scale_tril(self) -> Tensor:
        """The lower Cholesky factor of the covariance, over the batch."""
        return O.expand(self._unbroadcasted_scale_tril, self._batch_shape + self._event_shape * 2)

    @property
    def covariance_matrix(self) -> Tensor:
        """The covariance matrix, over the batch."""
        s = self._unbroadcasted_scale_tril
        return O.expand(O.matmul(s, _mT(s)), self._batch_shape + self._event_shape * 2)

    @covariance_matrix.setter
    def covariance_matrix(self, value: Any) -> None:
        pass

    @covariance_matrix.deleter
    def covariance_matrix(self) -> None:
        pass

    @property
    def precision_matrix(self) -> Tensor:
        """The inverse of the covariance matrix, over the batch."""
        s = self._unbroadcasted_scale_tril
        s_inv = LA.solve_triangular(s, _eye_like(s), upper=False)
        return O.expand(O.matmul(_mT(s_inv), s_inv), self._batch_shape + self._event_shape * 2)

    @precision_matrix.setter
    def precision_matrix(self, value: Any) -> None:
        pass

    @precision_matrix.deleter
    def precision_matrix(self) -> None:
        pass

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        v = O.sum(O.pow(self._unbroadcasted_scale_tril, 2), -1)
        return O.expand(v, self._batch_shape + self._event_shape)

    def rsample(self, sample_shape: Any = None) -> Tensor:
        shape = self._extended_shape(sample_shape)
        eps = Tensor._wrap(rng.default_generator.normal(shape, 0.0, 1.0, self.loc._data.dtype))
        return self.loc + O.squeeze(O.matmul(self._unbroadcasted_scale_tril, O.unsqueeze(eps, -1)), -1)

    def _half_log_det(self) -> Tensor:
        return O.sum(O.log(O.diagonal(self._unbroadcasted_scale_tril, 0, -2, -1)), -1)

    def log_prob(self, value: Any) -> Tensor:
        v = self._value(value)
        diff = v - self.loc
        z = LA.solve_triangular(self._unbroadcasted_scale_tril, O.unsqueeze(diff, -1), upper=False)
        m = O.sum(O.pow(O.squeeze(z, -1), 2), -1)
        k = self._event_shape[0]
        return (m + k * math.log(2 * math.pi)) * -0.5 - self._half_log_det()

    def entropy(self) -> Tensor:
        k = self._event_shape[0]
        h = self._half_log_det() + 0.5 * k * (1.0 + math.log(2 * math.pi))
        # R torch returns size 1 for an unbatched distribution (R has no 0-d results here)
        return O.expand(h, self._batch_shape) if self._batch_shape else O.reshape(h, (1,))


class MixtureSameFamily(Distribution):
    """A mixture: ``mixture_distribution`` (a Categorical over K) picks one of the K components batched in
    the last batch dim of ``component_distribution``: ``distr_mixture_same_family``."""

    _classname = "torch_MixtureSameFamily"
    arg_constraints: dict = {}
    has_rsample = False

    def initialize(self, mixture_distribution: Any, component_distribution: Any, validate_args: Any = None) -> None:
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError("The Mixture distribution needs to be an instance of torch_Categorical")
        if not isinstance(component_distribution, Distribution):
            raise ValueError("The Component distribution need to be an instance of torch_Distribution")
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        mdbs = mixture_distribution._batch_shape
        cdbs = component_distribution._batch_shape[:-1]
        for size1, size2 in zip(reversed(mdbs), reversed(cdbs)):
            if size1 != 1 and size2 != 1 and size1 != size2:
                raise ValueError(f"`mixture_distribution.batch_shape` ({list(mdbs)}) is not compatible with "
                                 f"`component_distribution.batch_shape` ({list(cdbs)})")
        km = mixture_distribution.logits._data.shape[-1]
        kc = component_distribution._batch_shape[-1] if component_distribution._batch_shape else None
        if km != kc:
            raise ValueError(f"`mixture_distribution component` ({km}) does not equal "
                             f"`component_distribution.batch_shape[-1]` ({kc})")
        self._num_component = km
        self._event_ndims = len(component_distribution._event_shape)
        super().initialize(cdbs, component_distribution._event_shape, validate_args)

    @property
    def mixture_distribution(self) -> Categorical:
        return self._mixture_distribution

    @property
    def component_distribution(self) -> Distribution:
        return self._component_distribution

    @property
    def support(self) -> Any:
        return self._component_distribution.support

    def expand(self, batch_shape: Any, _instance: Any = None) -> MixtureSameFamily:
        shape = shape_of(batch_shape, "batch_shape")
        comp = self._component_distribution.expand(shape + (self._num_component,))
        mix = self._mixture_distribution.expand(shape)
        return MixtureSameFamily(mix, comp, self._validate_args)

    def _pad(self, x: Tensor) -> Tensor:
        return O.unsqueeze(x, -1 - self._event_ndims)

    def _pad_mixture_dimensions(self, x: Tensor) -> Tensor:
        dist_batch_ndims = len(self._batch_shape)
        cat_batch_ndims = len(self._mixture_distribution._batch_shape)
        pad_ndims = 0 if cat_batch_ndims == 1 else dist_batch_ndims - cat_batch_ndims
        xs = x._data.shape
        return O.reshape(x, xs[:-1] + (1,) * pad_ndims + xs[-1:] + (1,) * self._event_ndims)

    @property
    def mean(self) -> Tensor:
        probs = self._pad_mixture_dimensions(self._mixture_distribution.probs)
        return O.sum(probs * self._component_distribution.mean, -1 - self._event_ndims)

    @property
    def variance(self) -> Tensor:
        probs = self._pad_mixture_dimensions(self._mixture_distribution.probs)
        axis = -1 - self._event_ndims
        comp = self._component_distribution
        mean_cond_var = O.sum(probs * comp.variance, axis)
        var_cond_mean = O.sum(probs * O.pow(comp.mean - self._pad(self.mean), 2), axis)
        return mean_cond_var + var_cond_mean

    def cdf(self, value: Any) -> Tensor:
        x = self._pad(param_tensor(value, "value", "cdf"))
        cdf_x = self._component_distribution.cdf(x)
        return O.sum(cdf_x * self._mixture_distribution.probs, -1)

    def log_prob(self, value: Any) -> Tensor:
        x = self._pad(param_tensor(value, "value", "log_prob"))
        log_prob_x = self._component_distribution.log_prob(x)
        log_mix_prob = O.log_softmax(self._mixture_distribution.logits, -1)
        return O.logsumexp(log_prob_x + log_mix_prob, -1)

    def sample(self, sample_shape: Any = None) -> Tensor:
        ss = shape_of(sample_shape)
        with no_grad():
            gather_axis = len(ss) + len(self._batch_shape)
            es = self._event_shape
            mix_sample = self._mixture_distribution.sample(ss)  # 1-based categories
            comp_samples = self._component_distribution.sample(ss)
            idx = (mix_sample._data - 1).reshape(mix_sample._data.shape + (1,) * (len(es) + 1))
            idx = np.broadcast_to(idx, idx.shape[:-len(es) - 1] + (1,) + es) if es else idx
            out = O.gather(comp_samples, gather_axis, Tensor._wrap(np.ascontiguousarray(idx)))
            return O.squeeze(out, gather_axis)
