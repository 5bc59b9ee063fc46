"""Activation modules: thin wrappers holding the arguments of the ``nnf_*`` functions.

Example:
    >>> nn_leaky_relu(0.2)(torch_tensor([-1.0, 1.0]))
    torch_tensor
    -0.2000
     1.0000
    [ CPUFloatType{2} ]
"""

from __future__ import annotations

from .. import _check
from .._core.tensor import Tensor
from . import functional as F  # noqa: N812
from .module import layer_tensor, nn_Module, nn_parameter

__all__ = [
    "nn_relu", "nn_relu6", "nn_leaky_relu", "nn_elu", "nn_selu", "nn_celu", "nn_gelu", "nn_silu", "nn_mish",
    "nn_glu", "nn_sigmoid", "nn_tanh", "nn_softmax", "nn_log_softmax", "nn_softmin", "nn_softplus",
    "nn_softsign", "nn_hardtanh", "nn_hardsigmoid", "nn_hardswish", "nn_hardshrink", "nn_softshrink",
    "nn_tanhshrink", "nn_threshold", "nn_prelu", "nn_rrelu", "nn_log_sigmoid",
]


class nn_relu(nn_Module):  # noqa: N801
    """max(0, x)."""

    def initialize(self, inplace: bool = False) -> None:
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_relu(input, self.inplace)


class nn_relu6(nn_Module):  # noqa: N801
    """min(max(0, x), 6)."""

    def initialize(self, inplace: bool = False) -> None:
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_relu6(input, self.inplace)


class nn_leaky_relu(nn_Module):  # noqa: N801
    """x for x > 0, else negative_slope * x."""

    def initialize(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_leaky_relu(input, self.negative_slope, self.inplace)


class nn_elu(nn_Module):  # noqa: N801
    """x for x > 0, else alpha * (exp(x) - 1)."""

    def initialize(self, alpha: float = 1, inplace: bool = False) -> None:
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_elu(input, self.alpha, self.inplace)


class nn_selu(nn_Module):  # noqa: N801
    """Scaled ELU with the self-normalising constants."""

    def initialize(self, inplace: bool = False) -> None:
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_selu(input, self.inplace)


class nn_celu(nn_Module):  # noqa: N801
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""

    def initialize(self, alpha: float = 1, inplace: bool = False) -> None:
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_celu(input, self.alpha, self.inplace)


class nn_gelu(nn_Module):  # noqa: N801
    """x * Phi(x); ``approximate = "tanh"`` uses the tanh approximation."""

    def initialize(self, approximate: str = "none") -> None:
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_gelu(input, self.approximate)


class nn_silu(nn_Module):  # noqa: N801
    """x * sigmoid(x)."""

    def initialize(self, inplace: bool = False) -> None:
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_silu(input, self.inplace)


class nn_mish(nn_Module):  # noqa: N801
    """x * tanh(softplus(x))."""

    def initialize(self, inplace: bool = False) -> None:
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_mish(input, self.inplace)


class nn_glu(nn_Module):  # noqa: N801
    """Gated linear unit over ``dim`` (1-based, default the last)."""

    def initialize(self, dim: int = -1) -> None:
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_glu(input, self.dim)


class nn_sigmoid(nn_Module):  # noqa: N801
    """1 / (1 + exp(-x))."""

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_sigmoid(input)


class nn_tanh(nn_Module):  # noqa: N801
    """tanh(x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_tanh(input)


class nn_softmax(nn_Module):  # noqa: N801
    """softmax along ``dim`` (1-based).

    Example:
        >>> nn_softmax(2)(torch_ones(2, 2)).sum().item()
        2.0
    """

    def initialize(self, dim: int) -> None:
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_softmax(input, self.dim)


class nn_log_softmax(nn_Module):  # noqa: N801
    """log(softmax) along ``dim`` (1-based)."""

    def initialize(self, dim: int) -> None:
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_log_softmax(input, self.dim)


class nn_softmin(nn_Module):  # noqa: N801
    """softmax(-x) along ``dim`` (1-based)."""

    def initialize(self, dim: int) -> None:
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_softmin(input, self.dim)


class nn_softplus(nn_Module):  # noqa: N801
    """log(1 + exp(beta * x)) / beta, linear above ``threshold``."""

    def initialize(self, beta: float = 1, threshold: float = 20) -> None:
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_softplus(input, self.beta, self.threshold)


class nn_softsign(nn_Module):  # noqa: N801
    """x / (1 + |x|)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_softsign(input)


class nn_hardtanh(nn_Module):  # noqa: N801
    """x clamped to [min_val, max_val]."""

    def initialize(self, min_val: float = -1, max_val: float = 1, inplace: bool = False) -> None:
        if _check.number(min_val, "nn_hardtanh", "min_val") > _check.number(max_val, "nn_hardtanh", "max_val"):
            raise ValueError(f"nn_hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_hardtanh(input, self.min_val, self.max_val, self.inplace)


class nn_hardsigmoid(nn_Module):  # noqa: N801
    """relu6(x + 3) / 6."""

    def initialize(self, inplace: bool = False) -> None:
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_hardsigmoid(input, self.inplace)


class nn_hardswish(nn_Module):  # noqa: N801
    """x * relu6(x + 3) / 6."""

    def initialize(self, inplace: bool = False) -> None:
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_hardswish(input, self.inplace)


class nn_hardshrink(nn_Module):  # noqa: N801
    """x where |x| > lambd, else 0."""

    def initialize(self, lambd: float = 0.5) -> None:
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_hardshrink(input, self.lambd)


class nn_softshrink(nn_Module):  # noqa: N801
    """x -/+ lambd outside [-lambd, lambd], else 0."""

    def initialize(self, lambd: float = 0.5) -> None:
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_softshrink(input, self.lambd)


class nn_tanhshrink(nn_Module):  # noqa: N801
    """x - tanh(x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_tanhshrink(input)


class nn_threshold(nn_Module):  # noqa: N801
    """x where x > threshold, else value."""

    def initialize(self, threshold: float, value: float, inplace: bool = False) -> None:
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_threshold(input, self.threshold, self.value, self.inplace)


class nn_prelu(nn_Module):  # noqa: N801
    """x for x > 0, else a * x with a learned ``a`` (one, or one per channel), initialised to ``init``.

    Example:
        >>> nn_prelu(3).parameters.names()
        ['weight']
    """

    def initialize(self, num_parameters: int = 1, init: float = 0.25) -> None:
        self.num_parameters = _check.integer(num_parameters, "nn_prelu", "num_parameters")
        self.init = init
        self.weight = nn_parameter(layer_tensor((self.num_parameters,), init))

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_prelu(input, self.weight)


class nn_rrelu(nn_Module):  # noqa: N801
    """Randomized leaky ReLU: slopes drawn from U(lower, upper) in training, their mean in evaluation."""

    def initialize(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_rrelu(input, self.lower, self.upper, self.training, self.inplace)


class nn_log_sigmoid(nn_Module):  # noqa: N801
    """log(sigmoid(x))."""

    def forward(self, input: Tensor) -> Tensor:
        return F.nnf_logsigmoid(input)
