"""Functional forms (``nnf_*``) of the activations, linear maps, dropout, normalization and embedding layers,
plus ``nnf_one_hot``, ``nnf_pad``, ``nnf_normalize`` and the distances. R's conventions: ``dim`` is 1-based,
class values and embedding indices are 1-based. Convolutions and pooling are in ``functional_conv.py``.

Most activations are compound ops (their gradients come from the primitives' rules); where libtorch's gradient
differs from the compound one at a boundary (hardtanh family: zero at the clamping limits), a primitive keeps
libtorch's behaviour.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._core import nn_ops as NO  # noqa: N812
from .._core import ops as O  # noqa: N812
from .._core import rng
from .._core.autograd import no_grad
from .._core.errors import Axis, Pos, worded
from .._core.tensor import Tensor
from .._r import Dim, Index1, r_api, to_int
from ..functions import _cast

__all__ = [
    "nnf_relu", "nnf_relu6", "nnf_leaky_relu", "nnf_elu", "nnf_selu", "nnf_celu", "nnf_gelu", "nnf_silu",
    "nnf_mish", "nnf_glu", "nnf_sigmoid", "nnf_tanh", "nnf_softmax", "nnf_log_softmax", "nnf_softmin",
    "nnf_softplus", "nnf_softsign", "nnf_hardtanh", "nnf_hardsigmoid", "nnf_hardswish", "nnf_hardshrink",
    "nnf_softshrink", "nnf_tanhshrink", "nnf_threshold", "nnf_prelu", "nnf_rrelu", "nnf_logsigmoid",
    "nnf_log_sigmoid", "nnf_linear", "nnf_bilinear", "nnf_dropout", "nnf_dropout2d", "nnf_dropout3d",
    "nnf_alpha_dropout", "nnf_batch_norm", "nnf_layer_norm", "nnf_group_norm", "nnf_instance_norm",
    "nnf_embedding", "nnf_one_hot", "nnf_pad", "nnf_normalize", "nnf_cosine_similarity",
    "nnf_pairwise_distance",
]

_wrap = Tensor._wrap


def _t(x: Any, fn: str, arg: str = "input") -> Tensor:
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"{fn}: `{arg}` must be a torch_tensor, got {type(x).__name__}")


def _float(x: Tensor, fn: str, arg: str = "input") -> Tensor:
    if x._data.dtype.kind != "f":
        raise TypeError(f"{fn}: `{arg}` must be a floating point tensor, got {x.dtype.name}")
    return x


def _inplace(x: Tensor, fn: Callable[[Tensor], Tensor], inplace: bool) -> Tensor:
    """Apply ``fn`` out of place, or write its result into ``x`` through Tensor._inplace (the one helper)."""
    return x._inplace(fn, name=getattr(fn, "__name__", "inplace")) if inplace else fn(x)


def _num(x: Any, fn: str, arg: str) -> float:
    if isinstance(x, Tensor):
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}: `{arg}` must be a number, got {x!r}")
    return float(x)


# -- activations --------------------------------------------------------------------------------------------------

def nnf_relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(0, x).

    Example:
        >>> nnf_relu(torch_tensor([-1.0, 2.0]))
        torch_tensor
         0
         2
        [ CPUFloatType{2} ]
    """
    x = _t(input, "nnf_relu")
    return _inplace(x, O.relu, True) if inplace else O.relu(x)


def nnf_relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6)."""
    return _inplace(_t(input, "nnf_relu6"), lambda x: NO.hardtanh(x, 0.0, 6.0), inplace)


def nnf_hardtanh(input: Tensor, min_val: float = -1, max_val: float = 1, inplace: bool = False) -> Tensor:
    """x clamped to [min_val, max_val] (gradient zero at and beyond the limits)."""
    lo, hi = _num(min_val, "nnf_hardtanh", "min_val"), _num(max_val, "nnf_hardtanh", "max_val")
    if lo > hi:
        raise ValueError(f"nnf_hardtanh: min_val ({lo}) cannot be greater than max_val ({hi})")
    return _inplace(_t(input, "nnf_hardtanh"), lambda x: NO.hardtanh(x, lo, hi), inplace)


def nnf_leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, else negative_slope * x."""
    s = _num(negative_slope, "nnf_leaky_relu", "negative_slope")
    return _inplace(_t(input, "nnf_leaky_relu"), lambda x: O.where(O.gt(x, 0), x, O.mul(x, s)), inplace)


def _elu(x: Tensor, alpha: float, scale: float = 1.0, input_scale: float = 1.0) -> Tensor:
    # expm1 sees min(x, 0), so the unselected branch never overflows into a NaN gradient; taken by where(), not
    # clamp, so that -0.0 stays -0.0 (libtorch's elu(-0.0) is -0.0)
    pos = O.gt(x, 0)
    neg = O.where(pos, 0.0, x)
    neg = O.expm1(neg if input_scale == 1.0 else O.mul(neg, input_scale))
    out = O.where(pos, x, O.mul(neg, alpha))
    return out if scale == 1.0 else O.mul(out, scale)


def nnf_elu(input: Tensor, alpha: float = 1, inplace: bool = False) -> Tensor:
    """x for x > 0, else alpha * (exp(x) - 1)."""
    a = _num(alpha, "nnf_elu", "alpha")
    return _inplace(_float(_t(input, "nnf_elu"), "nnf_elu"), lambda x: _elu(x, a), inplace)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def nnf_selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants."""
    return _inplace(_float(_t(input, "nnf_selu"), "nnf_selu"),
                    lambda x: _elu(x, _SELU_ALPHA, _SELU_SCALE), inplace)


def nnf_celu(input: Tensor, alpha: float = 1, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    a = _num(alpha, "nnf_celu", "alpha")
    if a == 0:
        raise ValueError("nnf_celu: ZeroDivisionError: alpha cannot be 0 for CELU")
    return _inplace(_float(_t(input, "nnf_celu"), "nnf_celu"), lambda x: _elu(x, a, 1.0, 1.0 / a), inplace)


def nnf_gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (``approximate = "tanh"``: the tanh approximation).

    Example:
        >>> round(nnf_gelu(torch_tensor(1.0)).item(), 4)
        0.8413
    """
    x = _float(_t(input, "nnf_gelu"), "nnf_gelu")
    if approximate == "none":
        return O.mul(O.mul(x, 0.5), O.add(O.erf(O.mul(x, 1.0 / math.sqrt(2.0))), 1.0))
    if approximate == "tanh":
        inner = O.mul(O.add(x, O.mul(O.pow(x, 3), 0.044715)), math.sqrt(2.0 / math.pi))
        return O.mul(O.mul(x, 0.5), O.add(O.tanh(inner), 1.0))
    raise ValueError(f"nnf_gelu: approximate argument must be either none or tanh, got {approximate!r}")


def nnf_silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (swish), computed as libtorch's kernel x / (1 + exp(-x)) (bit-equal in float32)."""
    return _inplace(_float(_t(input, "nnf_silu"), "nnf_silu"), NO.silu, inplace)


def nnf_mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    return _inplace(_float(_t(input, "nnf_mish"), "nnf_mish"), lambda x: O.mul(x, O.tanh(_softplus(x, 1, 20))),
                    inplace)


@r_api
def nnf_glu(input: Tensor, dim: Dim = -1) -> Tensor:
    """a * sigmoid(b), where a and b are the two halves of ``input`` along ``dim``."""
    x = _float(_t(input, "nnf_glu"), "nnf_glu")
    n = x.shape[dim]
    if n % 2:
        raise worded(RuntimeError, "nnf_glu: Halving dimension must be even, but dimension {d} is size {n}",
                     d=Axis(dim), n=n)
    return O.mul(NO.narrow(x, dim, 0, n // 2), O.sigmoid(NO.narrow(x, dim, n // 2, n // 2)))


def nnf_sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x))."""
    return O.sigmoid(_t(input, "nnf_sigmoid"))


def nnf_tanh(input: Tensor) -> Tensor:
    """tanh(x)."""
    return O.tanh(_t(input, "nnf_tanh"))


def _softmax_dim(x: Tensor, dim: int | None) -> int:
    if dim is None:  # PyTorch's legacy implicit choice
        return 0 if x.ndim in (0, 1, 3) else 1
    return dim


@r_api
def nnf_softmax(input: Tensor, dim: Dim | None, dtype: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (1-based).

    Example:
        >>> nnf_softmax(torch_tensor([1.0, 1.0]), dim=1)
        torch_tensor
         0.5000
         0.5000
        [ CPUFloatType{2} ]
    """
    x = _cast(_t(input, "nnf_softmax"), dtype)
    return O.softmax(x, _softmax_dim(x, dim))


@r_api
def nnf_log_softmax(input: Tensor, dim: Dim | None = None, dtype: Any = None) -> Tensor:
    """log(softmax(x)) along ``dim`` (1-based), computed stably."""
    x = _cast(_t(input, "nnf_log_softmax"), dtype)
    return O.log_softmax(x, _softmax_dim(x, dim))


@r_api
def nnf_softmin(input: Tensor, dim: Dim | None, dtype: Any = None) -> Tensor:
    """softmax(-x) along ``dim`` (1-based)."""
    x = _cast(_t(input, "nnf_softmin"), dtype)
    return O.softmax(O.neg(x), _softmax_dim(x, dim))


def _softplus(x: Tensor, beta: float, threshold: float) -> Tensor:
    bx = x if beta == 1 else O.mul(x, beta)
    # log1p(exp(.)) sees at most `threshold`: no overflow in the branch where() drops. Capped by where(), not
    # clamp, so that a NaN input's gradient is NaN, as libtorch's softplus_backward gives.
    over = O.gt(bx, threshold)
    soft = O.log1p(O.exp(O.where(over, threshold, bx)))
    if beta != 1:
        soft = O.div(soft, beta)
    return O.where(over, x, soft)


def nnf_softplus(input: Tensor, beta: float = 1, threshold: float = 20) -> Tensor:
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    b, th = _num(beta, "nnf_softplus", "beta"), _num(threshold, "nnf_softplus", "threshold")
    return _softplus(_float(_t(input, "nnf_softplus"), "nnf_softplus"), b, th)


def nnf_softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    x = _t(input, "nnf_softsign")
    return O.div(x, O.add(O.abs(x), 1))


def nnf_hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6."""
    return _inplace(_float(_t(input, "nnf_hardsigmoid"), "nnf_hardsigmoid"), NO.hardsigmoid, inplace)


def nnf_hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6."""
    return _inplace(_float(_t(input, "nnf_hardswish"), "nnf_hardswish"), NO.hardswish, inplace)


def nnf_hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    x = _t(input, "nnf_hardshrink")
    lam = _num(lambd, "nnf_hardshrink", "lambd")
    return O.where(O.le(O.abs(x), lam), 0.0, x)  # libtorch's test: a NaN passes (value and gradient)


def nnf_softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd for x > lambd, x + lambd for x < -lambd, else 0."""
    x = _t(input, "nnf_softshrink")
    lam = _num(lambd, "nnf_softshrink", "lambd")
    if lam < 0:
        raise ValueError(f"nnf_softshrink: lambda must be greater or equal to 0, but found to be {lam}.")
    # zero on [-lambd, lambd] as libtorch tests it; a NaN passes (value and gradient)
    return O.where(O.le(O.abs(x), lam), 0.0, O.where(O.gt(x, lam), O.sub(x, lam), O.add(x, lam)))


def nnf_tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    x = _t(input, "nnf_tanhshrink")
    return O.sub(x, O.tanh(x))


def nnf_threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    th, v = _num(threshold, "nnf_threshold", "threshold"), _num(value, "nnf_threshold", "value")
    # libtorch's test, x <= threshold: a NaN stays NaN and gets the gradient
    return _inplace(_t(input, "nnf_threshold"), lambda x: O.where(O.le(x, th), v, x), inplace)


def nnf_prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x for x > 0, else weight * x, with one weight per channel (dim 2) or one shared weight."""
    x = _t(input, "nnf_prelu")
    w = _t(weight, "nnf_prelu", "weight")
    n = w._data.size
    if n != 1:
        if x.ndim < 2 or x.shape[1] != n:
            raise RuntimeError(f"nnf_prelu: Mismatch of parameter numbers and input channel size. Found parameter "
                               f"numbers = {n} and channel size = {x.shape[1] if x.ndim >= 2 else 1}.")
        w = O.reshape(w, (1, n) + (1,) * (x.ndim - 2))
    elif w.ndim:
        w = O.reshape(w, ())
    return O.where(O.gt(x, 0), x, O.mul(w, x))


def nnf_rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
              inplace: bool = False) -> Tensor:
    """Randomized leaky ReLU: in training, each non-positive element gets a slope drawn from U(lower, upper)
    (libtorch's draws: one per such element, in order); in evaluation the slope is (lower + upper) / 2."""
    x = _float(_t(input, "nnf_rrelu"), "nnf_rrelu")
    lo, hi = _num(lower, "nnf_rrelu", "lower"), _num(upper, "nnf_rrelu", "upper")
    if not training:
        slope = (lo + hi) / 2
        return _inplace(x, lambda t: O.where(O.gt(t, 0), t, O.mul(t, slope)), inplace)
    neg = x._data <= 0
    noise = np.ones(x.shape, dtype=x._data.dtype)
    k = int(neg.sum())
    if k:
        noise[neg] = rng.default_generator.uniform((k,), lo, hi, np.float64).astype(x._data.dtype)
    nt = _wrap(noise)
    return _inplace(x, lambda t: O.mul(t, nt), inplace)


def nnf_logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), stable for large |x|."""
    x = _float(_t(input, "nnf_logsigmoid"), "nnf_logsigmoid")
    # -|x| as a branch, so that at 0 its derivative is -1 and the gradient 1/2 (abs's is 0 there)
    neg = O.lt(x, 0)
    return O.sub(O.where(neg, x, 0.0), O.log1p(O.exp(O.where(neg, x, O.neg(x)))))


nnf_log_sigmoid = nnf_logsigmoid


# -- linear maps --------------------------------------------------------------------------------------------------

def nnf_linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x W^T + b (one node; libtorch's AddmmBackward0 for matrix input).

    Example:
        >>> nnf_linear(torch_ones(2, 3), torch_ones(4, 3)).shape
        (2, 4)
    """
    # (checks on the arrays themselves: this runs for every layer of every step)
    x = input if input.__class__ is Tensor else _t(input, "nnf_linear")
    w = weight if weight.__class__ is Tensor else _t(weight, "nnf_linear", "weight")
    xs, ws = x._data.shape, w._data.shape
    if len(ws) not in (1, 2):
        raise RuntimeError(f"nnf_linear: weight must be a matrix (out_features x in_features), got shape "
                           f"{list(ws)}")
    if not xs or xs[-1] != ws[-1]:
        lead = "x".join(map(str, xs[:-1] or (1,)))
        raise RuntimeError(f"nnf_linear: input of size {list(xs)} does not fit weight of size {list(ws)} "
                           f"(in_features {ws[-1]}): mat1 and mat2 shapes cannot be multiplied "
                           f"({lead}x{xs[-1] if xs else 1} and {ws[-1]}x{ws[0]})")
    if bias is not None and (bias if bias.__class__ is Tensor else _t(bias, "nnf_linear", "bias"))._data.shape \
            not in ((ws[0],), ()):
        raise RuntimeError(f"nnf_linear: bias of size {list(bias.shape)} does not match out_features "
                           f"{ws[0]}")
    if len(ws) == 1:
        out = O.matmul(x, w)
        return out if bias is None else O.add(out, bias)
    return O.linear(x, w, bias)


def nnf_bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_o = x1^T W_o x2 + b_o over the last dim of both inputs."""
    x1, x2 = _t(input1, "nnf_bilinear", "input1"), _t(input2, "nnf_bilinear", "input2")
    w = _t(weight, "nnf_bilinear", "weight")
    if w.ndim != 3 or x1.shape[-1] != w.shape[1] or x2.shape[-1] != w.shape[2] or x1.shape[:-1] != x2.shape[:-1]:
        raise RuntimeError(f"nnf_bilinear: expected input1 [..., {w.shape[1] if w.ndim == 3 else '?'}] and input2 "
                           f"[..., {w.shape[2] if w.ndim == 3 else '?'}] with the same leading sizes and a 3-d "
                           f"weight, got input1 {list(x1.shape)}, input2 {list(x2.shape)}, weight "
                           f"{list(w.shape)}")
    lead = x1.shape[:-1]
    a = O.reshape(x1, (-1, x1.shape[-1]))
    b = O.reshape(x2, (-1, x2.shape[-1]))
    out = O.einsum("bi,oij,bj->bo", a, w, b)
    if bias is not None:
        out = O.add(out, bias)
    return O.reshape(out, lead + (w.shape[0],))


# -- dropout ------------------------------------------------------------------------------------------------------

def _check_p(p: Any, fn: str) -> float:
    pv = _num(p, fn, "p")
    if not 0.0 <= pv <= 1.0:
        raise ValueError(f"{fn}: dropout probability has to be between 0 and 1, but got {pv}")
    return pv


def _dropout(x: Tensor, p: float, noise_shape: tuple, inplace: bool) -> Tensor:
    # libtorch's CPU path: noise = bernoulli_(1 - p) (one 64-bit draw per element), noise /= (1 - p) in the
    # input's dtype, result = input * noise.
    dt = x._data.dtype
    if p == 1:
        noise = np.zeros(noise_shape, dtype=dt)
    else:
        noise = rng.default_generator.bernoulli(1.0 - p, noise_shape, dt) / dt.type(1.0 - p)
    nt = _wrap(noise.astype(dt, copy=False))
    return _inplace(x, lambda t: O.mul(t, nt), inplace)


def nnf_dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) (training only).

    Example:
        >>> torch_manual_seed(1); nnf_dropout(torch_ones(4), p=0.5).shape
        (4,)
    """
    x = _float(_t(input, "nnf_dropout"), "nnf_dropout")
    pv = _check_p(p, "nnf_dropout")
    if not training or pv == 0 or x._data.size == 0:
        return x
    return _dropout(x, pv, x.shape, inplace)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, fn: str) -> Tensor:
    # R torch calls libtorch's feature_dropout for any input: (N, C, ...) with one draw per (sample, channel).
    x = _float(_t(input, fn), fn)
    pv = _check_p(p, fn)
    if x.ndim < 2:
        raise RuntimeError(f"{fn}: Feature dropout requires at least 2 dimensions in the input, got shape "
                           f"{list(x.shape)}")
    if not training or pv == 0 or x._data.size == 0:
        return x
    return _dropout(x, pv, x.shape[:2] + (1,) * (x.ndim - 2), inplace)


def nnf_dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels (dim 2) of (N, C, H, W) input with probability ``p``, scaling the rest."""
    nd = getattr(input, "ndim", None)
    if nd is not None and nd != 4:  # R torch / PyTorch warn; channels are still dim 2
        import warnings  # noqa: PLC0415

        warnings.warn(f"nnf_dropout2d: Received a {nd}-D input to dropout2d, which expects (N, C, H, W): "
                      "channel-wise dropout over dim 2 is applied; use nnf_dropout for element-wise dropout",
                      UserWarning, stacklevel=2)
    return _feature_dropout(input, p, training, inplace, "nnf_dropout2d")


def nnf_dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels (dim 2) of (N, C, D, H, W) input with probability ``p``, scaling the rest."""
    return _feature_dropout(input, p, training, inplace, "nnf_dropout3d")


def nnf_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout that keeps the SELU self-normalising mean and variance (libtorch's alpha dropout)."""
    x = _float(_t(input, "nnf_alpha_dropout"), "nnf_alpha_dropout")
    pv = _check_p(p, "nnf_alpha_dropout")
    if not training or pv == 0 or x._data.size == 0:
        return x
    dt = x._data.dtype
    alpha = 1.7580993408473766
    keep = rng.default_generator.bernoulli(1.0 - pv, x.shape, dt)
    a = 1.0 / math.sqrt((alpha * alpha * pv + 1) * (1 - pv))
    b = (keep - 1) * (alpha * a) + alpha * a * pv  # libtorch: b = noise.add(-1).mul_(alpha * a).add_(alpha * a * p)
    noise = (keep * dt.type(a)).astype(dt)
    bt, nt = _wrap(b.astype(dt)), _wrap(noise)
    return _inplace(x, lambda t: O.add(O.mul(t, nt), bt), inplace)


# -- normalization ------------------------------------------------------------------------------------------------

def _channel_shape(x: Tensor) -> tuple:
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _normalize(x: Tensor, mean: Tensor, var: Tensor, eps: float) -> Tensor:
    """(x - mean) / sqrt(var + eps), the step every norm shares."""
    return O.mul(O.sub(x, mean), O.rsqrt(O.add(var, eps)))


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple | None = None) -> Tensor:
    """out * weight + bias, each optional; weight and bias are reshaped to ``shape`` (the channel shape)
    when given, else broadcast as they are."""
    if weight is not None:
        out = O.mul(out, weight if shape is None else O.reshape(weight, shape))
    if bias is not None:
        out = O.add(out, bias if shape is None else O.reshape(bias, shape))
    return out


def nnf_batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                   weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
                   momentum: float | None = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel (dim 2) by the batch statistics (training; the running statistics are
    updated in place: ``(1 - momentum) * running + momentum * batch``, unbiased variance) or by the running
    statistics (evaluation).

    Example:
        >>> x = torch_randn(8, 3)
        >>> nnf_batch_norm(x, torch_zeros(3), torch_ones(3), training=True).shape
        (8, 3)
    """
    x = _float(_t(input, "nnf_batch_norm"), "nnf_batch_norm")
    if x.ndim < 2:
        raise RuntimeError(f"nnf_batch_norm: expected an input with at least 2 dims (N, C, ...), got shape "
                           f"{list(x.shape)}")
    c = x.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t._data.size != c:
            raise RuntimeError(f"nnf_batch_norm: {name} should contain {c} elements not {t._data.size}")
    cs = _channel_shape(x)
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        n = x._data.size // c
        if n <= 1:
            raise ValueError(f"nnf_batch_norm: Expected more than 1 value per channel when training, got input "
                             f"size {list(x.shape)}")
        mean = O.mean(x, axes, keepdim=True)
        var = O.var(x, axes, correction=0, keepdim=True)
        if running_mean is not None or running_var is not None:
            m = 0.0 if momentum is None else float(momentum)
            dt = x._data.dtype
            with no_grad():
                if running_mean is not None:
                    rm = running_mean._data
                    rm[...] = (rm * dt.type(1 - m) + mean._data.reshape(-1) * dt.type(m)).astype(rm.dtype)
                    running_mean._version[0] += 1
                if running_var is not None:
                    rv = running_var._data
                    unbiased = var._data.reshape(-1) * dt.type(n / (n - 1))
                    rv[...] = (rv * dt.type(1 - m) + unbiased * dt.type(m)).astype(rv.dtype)
                    running_var._version[0] += 1
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("nnf_batch_norm: running_mean and running_var must be given when training is FALSE")
        # Running statistics are state, not inputs: libtorch gives them no gradient.
        mean = _wrap(running_mean._data.reshape(cs))
        var = _wrap(running_var._data.reshape(cs))
    return _affine(_normalize(x, mean, var, eps), weight, bias, cs)


def nnf_instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                      weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                      momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each (sample, channel) plane by its own statistics."""
    x = _float(_t(input, "nnf_instance_norm"), "nnf_instance_norm")
    if x.ndim < 3:
        raise RuntimeError(f"nnf_instance_norm: expected an input with at least 3 dims (N, C, ...), got shape "
                           f"{list(x.shape)}")
    n, c = x.shape[:2]
    folded = O.reshape(x, (1, n * c) + x.shape[2:])
    rm = None if running_mean is None else O.repeat(running_mean, (n,))
    rv = None if running_var is None else O.repeat(running_var, (n,))
    out = nnf_batch_norm(folded, rm, rv, None, None, use_input_stats, momentum, eps)
    if running_mean is not None and use_input_stats:
        with no_grad():
            running_mean._data[...] = rm._data.reshape(n, c).mean(0)
            running_var._data[...] = rv._data.reshape(n, c).mean(0)
    return _affine(O.reshape(out, x.shape), weight, bias, _channel_shape(x))


def _shape_arg(shape: Any, fn: str, arg: str) -> tuple[int, ...]:
    if isinstance(shape, Tensor):
        shape = shape._data.reshape(-1).tolist()
    if isinstance(shape, (list, tuple, np.ndarray)):
        return tuple(to_int(s, f"{fn}: {arg}") for s in shape)
    return (to_int(shape, f"{fn}: {arg}"),)


def nnf_layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
                   bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the last ``length(normalized_shape)`` dims (biased variance), then scale and shift."""
    x = _float(_t(input, "nnf_layer_norm"), "nnf_layer_norm")
    ns = _shape_arg(normalized_shape, "nnf_layer_norm", "normalized_shape")
    k = len(ns)
    if x.shape[x.ndim - k:] != ns or k > x.ndim:
        raise RuntimeError(f"nnf_layer_norm: Given normalized_shape={list(ns)}, expected input with shape "
                           f"[*, {', '.join(map(str, ns))}], but got input of size {list(x.shape)}")
    if all(p is None or (p.__class__ is Tensor and p._data.dtype == x._data.dtype and p.shape == ns)
           for p in (weight, bias)):
        return NO.layer_norm(x, weight, bias, k, float(eps))  # one node, its own rule
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = O.mean(x, axes, keepdim=True)
    var = O.var(x, axes, correction=0, keepdim=True)
    return _affine(_normalize(x, mean, var, eps), weight, bias)


def nnf_group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
                   eps: float = 1e-5) -> Tensor:
    """Normalize each group of ``C / num_groups`` channels per sample, then scale and shift per channel."""
    x = _float(_t(input, "nnf_group_norm"), "nnf_group_norm")
    g = to_int(num_groups, "nnf_group_norm: num_groups")
    if x.ndim < 2 or x.shape[1] % g:
        raise RuntimeError(f"nnf_group_norm: Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(x.shape)} and num_groups={g}")
    n = x.shape[0]
    grouped = O.reshape(x, (n, g, -1))
    mean = O.mean(grouped, (2,), keepdim=True)
    var = O.var(grouped, (2,), correction=0, keepdim=True)
    return _affine(O.reshape(_normalize(grouped, mean, var, eps), x.shape), weight, bias, _channel_shape(x))


# -- embedding and one-hot ----------------------------------------------------------------------------------------

def _padding_idx0(padding_idx: Any, num: int, fn: str) -> int | None:
    if padding_idx is None:
        return None
    p = to_int(padding_idx, f"{fn}: padding_idx")
    if p == 0 or not -num <= p <= num:
        raise ValueError(f"{fn}: padding_idx must be within 1..{num} (or -{num}..-1), got {p}")
    return p - 1 if p > 0 else p + num


@r_api
def _embedding_index(index: Index1) -> Tensor:
    return index


def _embedding_rows(idx_t: Tensor, num: int, fn: str) -> np.ndarray:
    """The 0-based rows an embedding (or embedding bag) of ``num`` rows reads: integer indices, 1-based, in
    range (libtorch's errors)."""
    if idx_t._data.dtype.kind not in "iu":
        raise RuntimeError(f"{fn}: Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {idx_t.dtype.name} instead")
    idx = _embedding_index(idx_t)._data
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        raise worded(IndexError, "nnf_embedding: index {i} is out of range for an embedding with {num} rows "
                     "(indices are 1-based)", i=Pos(int(idx.min() if idx.min() < 0 else idx.max())),
                     num=num).one_based()
    return idx


def nnf_embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` at the 1-based indices in ``input`` (R's convention); the ``padding_idx`` row
    (1-based) gets no gradient. With ``max_norm``, referenced rows longer than it are renormalized in place.

    Example:
        >>> nnf_embedding(torch_tensor([1, 3]), torch_randn(4, 2)).shape
        (2, 2)
    """
    idx_t = _t(input, "nnf_embedding")
    w = _t(weight, "nnf_embedding", "weight")
    if w.ndim != 2:
        raise RuntimeError(f"nnf_embedding: 'weight' must be 2-D, got shape {list(w.shape)}")
    num = w.shape[0]
    idx = _embedding_rows(idx_t, num, "nnf_embedding")
    pad = _padding_idx0(padding_idx, num, "nnf_embedding")
    if max_norm is not None:
        _embedding_renorm(w, idx, float(max_norm), float(norm_type))
    return NO.embedding(w, idx, pad, bool(scale_grad_by_freq))


def _embedding_renorm(w: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    rows = np.unique(idx)
    d = w._data
    norms = np.linalg.norm(d[rows].astype(np.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(d.dtype)
        d[rows[big]] *= scale[:, None]
        w._version[0] += 1


def nnf_one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """One-hot encoding of 1-based class values (R's convention): shape (..., num_classes), long.

    Example:
        >>> nnf_one_hot(torch_tensor([1, 3]))
        torch_tensor
         1  0  0
         0  0  1
        [ CPULongType{2,3} ]
    """
    t = _t(tensor, "nnf_one_hot", "tensor")
    if t._data.dtype.kind not in "iu":
        raise RuntimeError(f"nnf_one_hot: one_hot is only applicable to index tensor (long), got {t.dtype.name}")
    vals = t._data.astype(np.int64)
    k = to_int(num_classes, "nnf_one_hot: num_classes")
    if vals.size and vals.min() < 1:
        raise RuntimeError(f"nnf_one_hot: Class values must be positive (1-based), found {int(vals.min())}")
    if k == -1:
        k = int(vals.max()) if vals.size else 0
    elif vals.size and vals.max() > k:
        raise RuntimeError(f"nnf_one_hot: Class values must be smaller than num_classes ({k}), found "
                           f"{int(vals.max())}")
    out = (vals[..., None] - 1 == np.arange(k)).astype(np.int64)
    return _wrap(out)


# -- padding ------------------------------------------------------------------------------------------------------

def nnf_pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last dims: ``pad = c(left, right, top, bottom, ...)`` starting from the last dim (negative
    values crop). Modes: "constant" (with ``value``), "reflect", "replicate", "circular".

    Example:
        >>> nnf_pad(torch_ones(2, 2), [1, 1]).shape
        (2, 4)
    """
    x = _t(input, "nnf_pad")
    pads = [to_int(p, "nnf_pad: pad") for p in (pad._data.reshape(-1).tolist() if isinstance(pad, Tensor)
                                                else (pad if isinstance(pad, (list, tuple, np.ndarray)) else [pad]))]
    if len(pads) % 2 or len(pads) // 2 > x.ndim:
        raise RuntimeError(f"nnf_pad: Padding length must be divisible by 2 and at most twice the number of "
                           f"dims ({x.ndim}), got pad of length {len(pads)}")
    per_axis = [(0, 0)] * x.ndim
    for i in range(len(pads) // 2):
        per_axis[x.ndim - 1 - i] = (pads[2 * i], pads[2 * i + 1])
    if mode == "constant":
        v = 0.0 if value is None else _num(value, "nnf_pad", "value")
        return NO.pad_constant(x, tuple(per_axis), v)
    if mode not in ("reflect", "replicate", "circular"):
        raise ValueError(f"nnf_pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}")
    out = x
    for ax, (a, b) in enumerate(per_axis):
        if not a and not b:
            continue
        n = x.shape[ax]
        i = np.arange(-a, n + b)
        if mode == "reflect":
            if a >= n or b >= n:
                raise worded(RuntimeError, "nnf_pad: Padding size should be less than the corresponding input "
                             "dimension, but got: padding ({a}, {b}) at dimension {d} of input {shape}", a=a, b=b,
                             d=Axis(ax), shape=list(x.shape)).one_based()
            i = np.abs(i)
            i = np.where(i >= n, 2 * (n - 1) - i, i)
        elif mode == "replicate":
            if n == 0:
                raise worded(RuntimeError, "nnf_pad: cannot replicate-pad an empty dimension {d}",
                             d=Axis(ax)).one_based()
            i = np.clip(i, 0, n - 1)
        else:
            if a > n or b > n:
                raise worded(RuntimeError, "nnf_pad: Padding value causes wrapping around more than once: "
                             "padding ({a}, {b}) at dimension {d} of input {shape}", a=a, b=b, d=Axis(ax),
                             shape=list(x.shape)).one_based()
            i = np.mod(i, n)
        out = O.index_select(out, ax, _wrap(i.astype(np.int64)))
    return out


# -- distances and normalization ----------------------------------------------------------------------------------

@r_api
def nnf_normalize(input: Tensor, p: float = 2, dim: Dim = 2, eps: float = 1e-12, out: Any = None) -> Tensor:
    """x / max(||x||_p, eps) along ``dim`` (1-based; default 2, the features of a matrix)."""
    x = _float(_t(input, "nnf_normalize"), "nnf_normalize")
    norm = O.norm(x, float(p), (dim,), keepdim=True)
    return O.div(x, O.clamp(norm, min=float(eps)))


def nnf_cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 2, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along ``dim`` (1-based), as libtorch: each input
    divided by its own (clamped) norm first; the clamp is outside the graph."""
    a, b = _t(x1, "nnf_cosine_similarity", "x1"), _t(x2, "nnf_cosine_similarity", "x2")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise RuntimeError(f"nnf_cosine_similarity: x1 {list(a.shape)} and x2 {list(b.shape)} do not "
                           "broadcast") from None
    a = O.expand(a, shape) if a.shape != shape else a
    b = O.expand(b, shape) if b.shape != shape else b
    return _cosine_similarity(a, b, dim, eps)


@r_api
def _cosine_similarity(a: Tensor, b: Tensor, dim: Dim, eps: float) -> Tensor:
    ax = dim
    na = O.norm(a, 2.0, (ax,), keepdim=True)
    nb = O.norm(b, 2.0, (ax,), keepdim=True)
    # clamp_min_ under no_grad in libtorch: the gradient flows as if the norm were unclamped.
    na = O.add(na, _wrap(np.maximum(na._data, eps) - na._data))
    nb = O.add(nb, _wrap(np.maximum(nb._data, eps) - nb._data))
    return O.sum(O.mul(O.div(a, na), O.div(b, nb)), (ax,))


def nnf_pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2, eps: float = 1e-6, keepdim: bool = False
                          ) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim."""
    a, b = _t(x1, "nnf_pairwise_distance", "x1"), _t(x2, "nnf_pairwise_distance", "x2")
    diff = O.add(O.sub(a, b), eps)
    nd = max(a.ndim, b.ndim)
    return O.norm(diff, float(p), (nd - 1,) if nd else None, keepdim=keepdim)
