"""Elementwise math beyond the basics: special functions (gamma family, erfc/erfinv, Bessel i0), log-space
sums, integer and bit operations, tests of the sign bit and infinities. Special functions are primitives in
``_core/special_ops.py`` (scipy forward, rules in derivatives.py); the others are written from primitives, so
their gradients come from those."""

from __future__ import annotations

import builtins  # Tensor has a float() method: annotations of its bound methods say builtins.float
import math
from typing import Any

import numpy as np

from ._core import ops as O  # noqa: N812
from ._core import special_ops as S  # noqa: N812
from ._core.tensor import Tensor
from ._r import Int, r_api

_wrap = Tensor._wrap

__all__ = [
    "torch_lgamma", "torch_digamma", "torch_polygamma", "torch_mvlgamma", "torch_erfc", "torch_erfinv",
    "torch_i0", "torch_logit", "torch_logaddexp", "torch_logaddexp2", "torch_hypot", "torch_exp2",
    "torch_deg2rad", "torch_rad2deg", "torch_frac", "torch_ldexp", "torch_sgn", "torch_nextafter",
    "torch_gcd", "torch_lcm", "torch_heaviside", "torch_signbit", "torch_isposinf", "torch_isneginf",
    "torch_isreal", "torch_is_nonzero", "torch_bitwise_and", "torch_bitwise_or", "torch_bitwise_xor",
    "torch_bitwise_not", "torch_bitwise_left_shift", "torch_bitwise_right_shift", "torch_floor_divide",
    "torch___and__", "torch___or__", "torch___xor__", "torch___lshift__", "torch___rshift__",
    "torch_arccosh", "torch_arcsinh", "torch_arctanh", "torch_xlogy", "torch_sinc",
]


def _tensor(x: Any, fn: str, arg: str = "self") -> Tensor:
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{fn}: argument '{arg}' must be a torch_tensor, got {type(x).__name__}")


def _data(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def torch_lgamma(self: Tensor) -> Tensor:
    """``log(|gamma(self)|)`` elementwise.

    Example:
        >>> torch_lgamma(torch_tensor([1.0, 3.0]))
        torch_tensor
         0.0000
         0.6931
        [ CPUFloatType{2} ]
    """
    return S.lgamma(_tensor(self, "torch_lgamma"))


def torch_digamma(self: Tensor) -> Tensor:
    """The digamma function, ``d/dx log(gamma(x))``; ``digamma(0)`` is ``-Inf``.

    Example:
        >>> round(torch_digamma(torch_tensor(1.0)).item(), 4)
        -0.5772
    """
    return S.digamma(_tensor(self, "torch_digamma"))


@r_api
def torch_polygamma(n: Int, input: Tensor) -> Tensor:  # noqa: A002
    """The ``n``-th derivative of digamma (``n = 0`` is digamma).

    Example:
        >>> round(torch_polygamma(1, torch_tensor(1.0)).item(), 4)  # pi^2 / 6
        1.6449
    """
    return S.polygamma(n, _tensor(input, "torch_polygamma", "input"))


@r_api
def torch_mvlgamma(self: Tensor, p: Int) -> Tensor:
    """The multivariate log-gamma of dimension ``p``: ``sum_i lgamma(x - i/2) + p(p-1)/4 log(pi)``; every
    element must exceed ``(p - 1) / 2``.

    Example:
        >>> round(torch_mvlgamma(torch_tensor(2.5), 2).item(), 4)
        0.857
    """
    x = _tensor(self, "torch_mvlgamma")
    if p < 1:
        raise RuntimeError(f"torch_mvlgamma: p has to be greater than or equal to 1, got {p}")
    if x._data.size and not np.all(x._data > (p - 1) / 2):
        raise RuntimeError(f"All elements must be greater than (p-1)/2 = {(p - 1) / 2}")
    total = S.lgamma(x)
    for i in range(1, p):
        total = O.add(total, S.lgamma(O.sub(x, i / 2)))
    return O.add(total, p * (p - 1) / 4 * math.log(math.pi))


def torch_erfc(self: Tensor) -> Tensor:
    """The complementary error function ``1 - erf(x)``, accurate for large x.

    Example:
        >>> torch_erfc(torch_tensor([0.0, 2.0]))
        torch_tensor
         1.0000
         0.0047
        [ CPUFloatType{2} ]
    """
    return S.erfc(_tensor(self, "torch_erfc"))


def torch_erfinv(self: Tensor) -> Tensor:
    """The inverse error function on (-1, 1) (``+-Inf`` at +-1, NaN outside).

    Example:
        >>> round(torch_erfinv(torch_tensor(0.5)).item(), 4)
        0.4769
    """
    return S.erfinv(_tensor(self, "torch_erfinv"))


def torch_i0(self: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 0.

    Example:
        >>> round(torch_i0(torch_tensor(1.0)).item(), 4)
        1.2661
    """
    return S.i0(_tensor(self, "torch_i0"))


def torch_logit(self: Tensor, eps: builtins.float | None = None) -> Tensor:
    """``log(p / (1 - p))``; with ``eps``, ``p`` is first clamped to ``[eps, 1 - eps]``.

    Example:
        >>> torch_logit(torch_tensor([0.5])).item()
        0.0
    """
    x = _tensor(self, "torch_logit")
    if eps is not None:
        x = O.clamp(x, float(eps), 1 - float(eps))
    with np.errstate(divide="ignore", invalid="ignore"):
        return O.log(O.div(x, O.sub(1, x)))


def torch_logaddexp(self: Tensor, other: Tensor) -> Tensor:
    """``log(exp(self) + exp(other))`` without overflow.

    Example:
        >>> round(torch_logaddexp(torch_tensor(1000.0), torch_tensor(1000.0)).item(), 4)
        1000.6932
    """
    a, b = _tensor(self, "torch_logaddexp"), _tensor(other, "torch_logaddexp", "other")
    m = O.maximum(a, b)
    with np.errstate(invalid="ignore"):
        d = O.abs(O.sub(a, b))
    # Equal infinities make d NaN; their log-sum is the infinity itself.
    safe = O.where(_wrap(np.asarray(np.isinf(m._data) & (a._data == b._data))), 0.0, d)
    return O.add(m, O.log1p(O.exp(O.neg(safe))))


def torch_logaddexp2(self: Tensor, other: Tensor) -> Tensor:
    """``log2(2^self + 2^other)`` without overflow.

    Example:
        >>> torch_logaddexp2(torch_tensor(3.0), torch_tensor(3.0)).item()
        4.0
    """
    ln2 = math.log(2.0)
    return O.div(torch_logaddexp(O.mul(self, ln2), O.mul(other, ln2)), ln2)


def torch_hypot(self: Tensor, other: Tensor) -> Tensor:
    """``sqrt(self^2 + other^2)`` elementwise.

    Example:
        >>> torch_hypot(torch_tensor(3.0), torch_tensor(4.0)).item()
        5.0
    """
    a, b = _tensor(self, "torch_hypot"), _tensor(other, "torch_hypot", "other")
    return O.sqrt(O.add(O.mul(a, a), O.mul(b, b)))


def torch_exp2(self: Tensor) -> Tensor:
    """``2^self`` elementwise.

    Example:
        >>> torch_exp2(torch_tensor(3.0)).item()
        8.0
    """
    x = _tensor(self, "torch_exp2")
    if x._data.dtype.kind != "f":
        x = O.to_dtype(x, O._float_data(x).dtype)
    return O.pow(2.0, x)


def torch_deg2rad(self: Tensor) -> Tensor:
    """Degrees to radians.

    Example:
        >>> round(torch_deg2rad(torch_tensor(180.0)).item(), 4)
        3.1416
    """
    return O.mul(_tensor(self, "torch_deg2rad"), math.pi / 180)


def torch_rad2deg(self: Tensor) -> Tensor:
    """Radians to degrees.

    Example:
        >>> round(torch_rad2deg(torch_tensor(math.pi)).item(), 3)
        180.0
    """
    return O.mul(_tensor(self, "torch_rad2deg"), 180 / math.pi)


def torch_frac(self: Tensor) -> Tensor:
    """The fractional part, ``self - trunc(self)`` (the sign of self).

    Example:
        >>> torch_frac(torch_tensor([1.25, -2.5]))
        torch_tensor
         0.2500
        -0.5000
        [ CPUFloatType{2} ]
    """
    x = _tensor(self, "torch_frac")
    return O.sub(x, O.trunc(x))


def torch_ldexp(self: Tensor, other: Tensor) -> Tensor:
    """``self * 2^other``.

    Example:
        >>> torch_ldexp(torch_tensor(1.5), torch_tensor(3)).item()
        12.0
    """
    x = _tensor(self, "torch_ldexp")
    if x._data.dtype.kind != "f":
        x = O.to_dtype(x, O._float_data(x).dtype)
    return O.mul(x, O.pow(2.0, other))


def torch_sgn(self: Tensor) -> Tensor:
    """The sign (``self / |self|``, 0 at 0) of real tensors.

    Example:
        >>> torch_sgn(torch_tensor([-2.0, 0.0, 3.0]))
        torch_tensor
        -1
         0
         1
        [ CPUFloatType{3} ]
    """
    return O.sign(_tensor(self, "torch_sgn"))


def torch_nextafter(self: Tensor, other: Tensor) -> Tensor:
    """The next floating-point value after ``self`` towards ``other`` (not differentiable).

    Example:
        >>> one, two = torch_tensor(1.0, dtype = torch_float64()), torch_tensor(2.0, dtype = torch_float64())
        >>> torch_nextafter(one, two).item() - 1
        2.220446049250313e-16
    """
    a, b = O._binary(_tensor(self, "torch_nextafter"), _tensor(other, "torch_nextafter", "other"))
    return _wrap(np.asarray(np.nextafter(a, b)))


def _integers(fn: str, *xs: Any) -> tuple:
    a, b = O._binary(*xs)
    for v in (a, b):
        if np.asarray(v).dtype.kind not in "iu":
            raise RuntimeError(f"{fn}: \"{fn.removeprefix('torch_')}_cpu\" not implemented for "
                               f"'{'Float' if np.asarray(v).dtype.kind == 'f' else 'Bool'}'")
    return a, b


def torch_gcd(self: Tensor, other: Tensor) -> Tensor:
    """The greatest common divisor of integer tensors.

    Example:
        >>> torch_gcd(torch_tensor([12, 18]), torch_tensor([8, 27]))
        torch_tensor
         4
         9
        [ CPULongType{2} ]
    """
    return _wrap(np.asarray(np.gcd(*_integers("torch_gcd", self, other))))


def torch_lcm(self: Tensor, other: Tensor) -> Tensor:
    """The least common multiple of integer tensors.

    Example:
        >>> torch_lcm(torch_tensor(4), torch_tensor(6)).item()
        12
    """
    return _wrap(np.asarray(np.lcm(*_integers("torch_lcm", self, other))))


def torch_heaviside(self: Tensor, values: Tensor) -> Tensor:
    """0 where ``self < 0``, 1 where ``self > 0`` and ``values`` where ``self == 0``.

    Example:
        >>> torch_heaviside(torch_tensor([-1.0, 0.0, 2.0]), torch_tensor(0.5))
        torch_tensor
         0.0000
         0.5000
         1.0000
        [ CPUFloatType{3} ]
    """
    x, v = _tensor(self, "torch_heaviside"), _tensor(values, "torch_heaviside", "values")
    if x._data.dtype != v._data.dtype:
        raise RuntimeError(f"heaviside is not yet implemented for tensors with different dtypes (input: "
                           f"{x.dtype.name}, values: {v.dtype.name})")
    return _wrap(np.asarray(np.heaviside(x._data, v._data)).astype(x._data.dtype))


def torch_signbit(self: Tensor) -> Tensor:
    """Whether the sign bit is set (true for -0.0 too).

    Example:
        >>> torch_signbit(torch_tensor([-0.0, 1.0]))
        torch_tensor
         1
         0
        [ CPUBoolType{2} ]
    """
    return _wrap(np.asarray(np.signbit(_tensor(self, "torch_signbit")._data)))


def torch_isposinf(self: Tensor) -> Tensor:
    """Which elements are ``+Inf``.

    Example:
        >>> torch_isposinf(torch_tensor([math.inf, -math.inf, 1.0])).sum().item()
        1
    """
    return _wrap(np.asarray(np.isposinf(_tensor(self, "torch_isposinf")._data)))


def torch_isneginf(self: Tensor) -> Tensor:
    """Which elements are ``-Inf``.

    Example:
        >>> torch_isneginf(torch_tensor([math.inf, -math.inf, 1.0])).sum().item()
        1
    """
    return _wrap(np.asarray(np.isneginf(_tensor(self, "torch_isneginf")._data)))


def torch_isreal(self: Tensor) -> Tensor:
    """Which elements are real (all of a real tensor).

    Example:
        >>> torch_isreal(torch_ones(2)).all().item()
        True
    """
    return _wrap(np.ones(_tensor(self, "torch_isreal").shape, dtype=bool))


def torch_is_nonzero(self: Tensor) -> bool:
    """Whether a one-element tensor is non-zero.

    Example:
        >>> torch_is_nonzero(torch_tensor(2))
        True
    """
    d = _tensor(self, "torch_is_nonzero")._data
    if d.size != 1:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous" if d.size == 0 else
                           "Boolean value of Tensor with more than one value is ambiguous")
    return bool(d.reshape(()))


def torch_bitwise_and(self: Tensor, other: Any) -> Tensor:
    """Bitwise and of integer or bool tensors.

    Example:
        >>> torch_bitwise_and(torch_tensor(12), 10).item()
        8
    """
    return O.bitwise(np.bitwise_and, self, other)


def torch_bitwise_or(self: Tensor, other: Any) -> Tensor:
    """Bitwise or of integer or bool tensors.

    Example:
        >>> torch_bitwise_or(torch_tensor(12), 10).item()
        14
    """
    return O.bitwise(np.bitwise_or, self, other)


def torch_bitwise_xor(self: Tensor, other: Any) -> Tensor:
    """Bitwise exclusive or of integer or bool tensors.

    Example:
        >>> torch_bitwise_xor(torch_tensor(12), 10).item()
        6
    """
    return O.bitwise(np.bitwise_xor, self, other)


def torch_bitwise_left_shift(self: Tensor, other: Any) -> Tensor:
    """``self`` shifted left by ``other`` bits.

    Example:
        >>> torch_bitwise_left_shift(torch_tensor(3), 2).item()
        12
    """
    return O.bitwise(np.left_shift, self, other)


def torch_bitwise_right_shift(self: Tensor, other: Any) -> Tensor:
    """``self`` shifted right by ``other`` bits (arithmetic shift).

    Example:
        >>> torch_bitwise_right_shift(torch_tensor(12), 2).item()
        3
    """
    return O.bitwise(np.right_shift, self, other)


def torch_bitwise_not(self: Tensor) -> Tensor:
    """Bitwise not of an integer or bool tensor (logical not for bool).

    Example:
        >>> torch_bitwise_not(torch_tensor(0)).item()
        -1
    """
    d = _tensor(self, "torch_bitwise_not")._data
    if d.dtype.kind == "f":
        raise RuntimeError("bitwise_not is not implemented for floating-point tensors")
    return _wrap(np.asarray(np.invert(d)))


torch___and__, torch___or__, torch___xor__ = torch_bitwise_and, torch_bitwise_or, torch_bitwise_xor
torch___lshift__, torch___rshift__ = torch_bitwise_left_shift, torch_bitwise_right_shift


def torch_floor_divide(self: Tensor, other: Any) -> Tensor:
    """``self / other`` rounded down (integer tensors stay integer).

    Example:
        >>> torch_floor_divide(torch_tensor([7, -7]), 2)
        torch_tensor
         3
        -4
        [ CPULongType{2} ]
    """
    return O.div(self, other, "floor")


torch_arccosh, torch_arcsinh, torch_arctanh = (lambda self: O.acosh(self)), (lambda self: O.asinh(self)), \
    (lambda self: O.atanh(self))
torch_arccosh.__name__, torch_arcsinh.__name__, torch_arctanh.__name__ = "torch_arccosh", "torch_arcsinh", \
    "torch_arctanh"
torch_arccosh.__doc__ = "Elementwise inverse hyperbolic cosine (``torch_acosh``)."
torch_arcsinh.__doc__ = "Elementwise inverse hyperbolic sine (``torch_asinh``)."
torch_arctanh.__doc__ = "Elementwise inverse hyperbolic tangent (``torch_atanh``)."


def torch_xlogy(self: Any, other: Any) -> Tensor:
    """``self * log(other)``, 0 where ``self`` is 0 (unless other is NaN).

    Example:
        >>> torch_xlogy(torch_tensor([0.0, 2.0]), torch_tensor([0.0, 1.0]))
        torch_tensor
         0
         0
        [ CPUFloatType{2} ]
    """
    x = self if isinstance(self, Tensor) else O.as_tensor(self)
    y = other if isinstance(other, Tensor) else O.as_tensor(other)
    zero = _wrap(np.asarray((x._data == 0) & ~np.isnan(y._data)))
    safe = O.where(zero, 1.0, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return O.where(zero, 0.0, O.mul(x, O.log(safe)))


def torch_sinc(self: Tensor) -> Tensor:
    """The normalized sinc, ``sin(pi x) / (pi x)`` (1 at 0).

    Example:
        >>> torch_sinc(torch_tensor([0.0, 0.5]))
        torch_tensor
         1.0000
         0.6366
        [ CPUFloatType{2} ]
    """
    x = _tensor(self, "torch_sinc")
    zero = _wrap(np.asarray(x._data == 0))
    px = O.mul(O.where(zero, 1.0, x), math.pi)
    return O.where(zero, 1.0, O.div(O.sin(px), px))
