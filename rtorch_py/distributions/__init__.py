"""R torch's probability distributions (``distr_*``) and constraints (``constraint_*``).

Example:
    >>> torch_manual_seed(1)
    >>> d = distr_normal(torch_zeros(2), torch_ones(2))
    >>> d.sample(3).shape
    (3, 2)
    >>> round(d.log_prob(torch_zeros(2))[0].item(), 4)
    -0.9189
"""

from __future__ import annotations

from typing import Any

from .constraints import *  # noqa: F403
from .constraints import __all__ as _constraints_all
from .distribution import Distribution
from .multivariate import MixtureSameFamily, MultivariateNormal
from .univariate import Bernoulli, Categorical, Chi2, Gamma, Normal, Poisson

__all__ = ["Distribution", "Normal", "Bernoulli", "Categorical", "Poisson", "Gamma", "Chi2", "MultivariateNormal",
           "MixtureSameFamily", "distr_normal", "distr_bernoulli", "distr_categorical", "distr_poisson",
           "distr_gamma", "distr_chi2", "distr_multivariate_normal", "distr_mixture_same_family",
           *_constraints_all]


def distr_normal(loc: Any, scale: Any, validate_args: Any = None) -> Normal:
    """The normal distribution with mean ``loc`` and standard deviation ``scale``.

    Example:
        >>> distr_normal(0, 1).entropy().item() > 1.41
        True
    """
    return Normal(loc, scale, validate_args)


def distr_bernoulli(probs: Any = None, logits: Any = None, validate_args: Any = None) -> Bernoulli:
    """The Bernoulli distribution (0/1) with success probability ``probs`` or log-odds ``logits``.

    Example:
        >>> distr_bernoulli(0.3).mean.item()
        0.30000001192092896
    """
    return Bernoulli(probs, logits, validate_args)


def distr_categorical(probs: Any = None, logits: Any = None, validate_args: Any = None) -> Categorical:
    """The categorical distribution over 1..K (the last dim of ``probs`` or ``logits``).

    Example:
        >>> torch_manual_seed(1); distr_categorical(torch_tensor([0.0, 1.0])).sample().item()
        2
    """
    return Categorical(probs, logits, validate_args)


def distr_poisson(rate: Any, validate_args: Any = None) -> Poisson:
    """The Poisson distribution with ``rate``.

    Example:
        >>> distr_poisson(2).log_prob(0).exp().item()  # exp(-2)
        0.1353352814912796
    """
    return Poisson(rate, validate_args)


def distr_gamma(concentration: Any, rate: Any, validate_args: Any = None) -> Gamma:
    """The gamma distribution with shape ``concentration`` and ``rate``.

    Example:
        >>> distr_gamma(2, 4).mean.item()
        0.5
    """
    return Gamma(concentration, rate, validate_args)


def distr_chi2(df: Any, validate_args: Any = None) -> Chi2:
    """The chi-squared distribution with ``df`` degrees of freedom.

    Example:
        >>> distr_chi2(3).variance.item()
        6.0
    """
    return Chi2(df, validate_args)


def distr_multivariate_normal(loc: Any, covariance_matrix: Any = None, precision_matrix: Any = None,
                              scale_tril: Any = None, validate_args: Any = None) -> MultivariateNormal:
    """The multivariate normal with mean ``loc`` and one of ``covariance_matrix``, ``precision_matrix`` or
    ``scale_tril``.

    Example:
        >>> m = distr_multivariate_normal(torch_zeros(2), torch_eye(2))
        >>> m.sample(4).shape
        (4, 2)
    """
    return MultivariateNormal(loc, covariance_matrix, precision_matrix, scale_tril, validate_args)


def distr_mixture_same_family(mixture_distribution: Any, component_distribution: Any,
                              validate_args: Any = None) -> MixtureSameFamily:
    """A mixture of the components batched in ``component_distribution``'s last batch dim, weighted by the
    categorical ``mixture_distribution``.

    Example:
        >>> comp = distr_normal(torch_zeros(2), torch_ones(2))
        >>> gmm = distr_mixture_same_family(distr_categorical(torch_ones(2)), comp)
        >>> gmm.sample(3).shape
        (3,)
    """
    return MixtureSameFamily(mixture_distribution, component_distribution, validate_args)
