"""Initialisers (``nn_init_*``): in place, without gradient, drawing from libtorch's generator exactly as
PyTorch's ``torch.nn.init`` does (same formulas for bounds, same draws in the same order), so a seeded model
starts with R torch's / PyTorch's weights bit for bit. On a meta tensor (a layer made inside
``with_device(device = "meta", ...)``) they change nothing and draw nothing, as libtorch's meta kernels: the
generator's stream stays where it was."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _check as check
from .._core import rng
from .._core.meta import is_meta
from .._core.tensor import Tensor

__all__ = [
    "nn_init_uniform_", "nn_init_normal_", "nn_init_constant_", "nn_init_zeros_", "nn_init_ones_",
    "nn_init_eye_", "nn_init_dirac_", "nn_init_xavier_uniform_", "nn_init_xavier_normal_",
    "nn_init_kaiming_uniform_", "nn_init_kaiming_normal_", "nn_init_orthogonal_", "nn_init_sparse_",
    "nn_init_trunc_normal_", "nn_init_calculate_gain",
]


def _check(tensor: Any, fn: str) -> Tensor:
    return check.tensor(tensor, fn, "tensor")


def _write(tensor: Tensor, values: Any, index: Any = ...) -> Tensor:
    """THE write of initial values (into ``tensor[index]``, 0-based): straight into the storage (no-grad
    semantics); the version bump keeps saved-tensor checks honest if the tensor was used in a graph. A meta
    tensor has no storage: unchanged."""
    if is_meta(tensor._data):
        return tensor
    tensor._data[index] = values
    tensor._version[0] += 1
    return tensor


def _float_dtype(tensor: Tensor, fn: str) -> np.dtype:
    return check.floating(tensor, fn, "tensor")._data.dtype


def _uniform(tensor: Tensor, a: float, b: float, generator: Any = None) -> Tensor:
    if is_meta(tensor._data):  # no draws (libtorch's meta uniform_)
        return tensor
    g = rng.default_generator if generator is None else generator
    return _write(tensor, g.uniform(tensor.shape, float(a), float(b), _float_dtype(tensor, "uniform_")))


def _normal(tensor: Tensor, mean: float, std: float, generator: Any = None) -> Tensor:
    if is_meta(tensor._data):  # no draws (libtorch's meta normal_)
        return tensor
    g = rng.default_generator if generator is None else generator
    return _write(tensor, g.normal(tensor.shape, float(mean), float(std), _float_dtype(tensor, "normal_")))


def nn_init_calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table: relu sqrt(2), tanh 5/3, selu 3/4, ...).

    Example:
        >>> nn_init_calculate_gain("tanh")
        1.6666666666666667
    """
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d")
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"nn_init_calculate_gain: negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"nn_init_calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _fans(tensor: Tensor, fn: str) -> tuple[int, int]:
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"{fn}: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
                         f"(got shape {list(shape)})")
    receptive = math.prod(shape[2:]) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _correct_fan(tensor: Tensor, mode: str, fn: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{fn}: mode {mode!r} not supported, please use one of 'fan_in', 'fan_out'")
    fan_in, fan_out = _fans(tensor, fn)
    return fan_in if mode == "fan_in" else fan_out


def nn_init_uniform_(tensor: Tensor, a: float = 0, b: float = 1, generator: Any = None) -> Tensor:
    """Fill with U(a, b).

    Example:
        >>> w = nn_init_uniform_(torch_empty(2, 3), -1, 1)
    """
    return _uniform(_check(tensor, "nn_init_uniform_"), a, b, generator)


def nn_init_normal_(tensor: Tensor, mean: float = 0, std: float = 1, generator: Any = None) -> Tensor:
    """Fill with N(mean, std^2).

    Example:
        >>> w = nn_init_normal_(torch_empty(2, 3), 0, 0.1)
    """
    return _normal(_check(tensor, "nn_init_normal_"), mean, std, generator)


def nn_init_trunc_normal_(tensor: Tensor, mean: float = 0, std: float = 1, a: float = -2, b: float = 2,
                          generator: Any = None) -> Tensor:
    """Fill with N(mean, std^2) truncated to [a, b] (inverse-CDF method: uniform, erfinv, scale, clamp).

    Example:
        >>> w = nn_init_trunc_normal_(torch_empty(100), std=0.02)
    """
    t = _check(tensor, "nn_init_trunc_normal_")
    dt = _float_dtype(t, "nn_init_trunc_normal_")
    if is_meta(t._data):  # no draws
        return t

    def norm_cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    lo, hi = norm_cdf((a - mean) / std), norm_cdf((b - mean) / std)
    g = rng.default_generator if generator is None else generator
    u = g.uniform(t.shape, 2 * lo - 1, 2 * hi - 1, dt)
    v = _erfinv(u)
    v = (v * dt.type(std * math.sqrt(2.0))).astype(dt)
    v = (v + dt.type(mean)).astype(dt)
    return _write(t, np.clip(v, dt.type(a), dt.type(b)))


_ERF = np.frompyfunc(math.erf, 1, 1)


def _erfinv(y: np.ndarray) -> np.ndarray:
    """libtorch's calc_erfinv: a rational first guess, then two Newton steps, in y's precision."""
    dt = y.dtype.type
    a = [dt(0.886226899), dt(-1.645349621), dt(0.914624893), dt(-0.140543331)]
    b = [dt(-2.118377725), dt(1.442710462), dt(-0.329097515), dt(0.012229801)]
    c = [dt(-1.970840454), dt(-1.624906493), dt(3.429567803), dt(1.641345311)]
    d = [dt(3.543889200), dt(1.637067800)]
    ya = np.abs(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = y * y
        num = ((a[3] * z + a[2]) * z + a[1]) * z + a[0]
        dem = (((b[3] * z + b[2]) * z + b[1]) * z + b[0]) * z + dt(1.0)
        central = y * num / dem
        zt = np.sqrt(-np.log((dt(1.0) - ya) / dt(2.0)))
        num_t = ((c[3] * zt + c[2]) * zt + c[1]) * zt + c[0]
        dem_t = (d[1] * zt + d[0]) * zt + dt(1.0)
        tail = np.copysign(num_t, y) / dem_t
        x = np.where(ya <= dt(0.7), central, tail).astype(y.dtype)
        k = dt(2.0) / dt(math.sqrt(math.pi))
        for _ in range(2):
            erf_x = _ERF(x.astype(np.float64)).astype(y.dtype)
            x = (x - (erf_x - y) / (k * np.exp(-x * x))).astype(y.dtype)
        x = np.where(ya == 1, np.copysign(np.inf, y), x)
        x = np.where(ya > 1, np.nan, x)
    return x.astype(y.dtype)


def nn_init_constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    t = _check(tensor, "nn_init_constant_")
    return _write(t, val)


def nn_init_ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    return _write(_check(tensor, "nn_init_ones_"), 1)


def nn_init_zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    return _write(_check(tensor, "nn_init_zeros_"), 0)


def nn_init_eye_(tensor: Tensor) -> Tensor:
    """The identity matrix (2-D tensors only).

    Example:
        >>> w = nn_init_eye_(torch_empty(3, 5))
    """
    t = _check(tensor, "nn_init_eye_")
    if t.ndim != 2:
        raise ValueError(f"nn_init_eye_: Only tensors with 2 dimensions are supported, got {t.ndim} dimensions")
    return _write(t, np.eye(t.shape[0], t.shape[1], dtype=t._data.dtype))


def nn_init_dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """The Dirac delta of a convolution weight (3-5 dims): the layer passes its input channels through."""
    t = _check(tensor, "nn_init_dirac_")
    nd = t.ndim
    if nd not in (3, 4, 5):
        raise ValueError(f"nn_init_dirac_: Only tensors with 3, 4, or 5 dimensions are supported, got {nd}")
    groups = check.integer(groups, "nn_init_dirac_", "groups", min=1)
    shape = t.shape
    if shape[0] % groups != 0:
        raise ValueError(f"nn_init_dirac_: dim 0 ({shape[0]}) must be divisible by groups ({groups})")
    out_per = shape[0] // groups
    min_dim = min(out_per, shape[1])
    vals = np.zeros(shape, dtype=t._data.dtype)
    centre = tuple(s // 2 for s in shape[2:])
    for g in range(groups):
        for dim in range(min_dim):
            vals[(g * out_per + dim, dim) + centre] = 1
    return _write(t, vals)


def nn_init_xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot).

    Example:
        >>> w = nn_init_xavier_uniform_(torch_empty(3, 5))
    """
    t = _check(tensor, "nn_init_xavier_uniform_")
    fan_in, fan_out = _fans(t, "nn_init_xavier_uniform_")
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return _uniform(t, -a, a, generator)


def nn_init_xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """N(0, std^2) with ``std = gain * sqrt(2 / (fan_in + fan_out))`` (Glorot)."""
    t = _check(tensor, "nn_init_xavier_normal_")
    fan_in, fan_out = _fans(t, "nn_init_xavier_normal_")
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return _normal(t, 0.0, std, generator)


def nn_init_kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                             nonlinearity: str = "leaky_relu", generator: Any = None) -> Tensor:
    """U(-bound, bound) with ``bound = gain * sqrt(3 / fan)`` (He); layers use ``a = sqrt(5)``.

    Example:
        >>> w = nn_init_kaiming_uniform_(torch_empty(3, 5), a=5 ** 0.5)
    """
    t = _check(tensor, "nn_init_kaiming_uniform_")
    if 0 in t.shape:
        return t
    fan = _correct_fan(t, mode, "nn_init_kaiming_uniform_")
    gain = nn_init_calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return _uniform(t, -bound, bound, generator)


def nn_init_kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                            nonlinearity: str = "leaky_relu", generator: Any = None) -> Tensor:
    """N(0, std^2) with ``std = gain / sqrt(fan)`` (He)."""
    t = _check(tensor, "nn_init_kaiming_normal_")
    if 0 in t.shape:
        return t
    fan = _correct_fan(t, mode, "nn_init_kaiming_normal_")
    gain = nn_init_calculate_gain(nonlinearity, a)
    return _normal(t, 0.0, gain / math.sqrt(fan), generator)


def nn_init_orthogonal_(tensor: Tensor, gain: float = 1, generator: Any = None) -> Tensor:
    """A (semi-)orthogonal matrix from the QR decomposition of a normal draw, signs fixed by diag(R).

    Example:
        >>> w = nn_init_orthogonal_(torch_empty(3, 5))
    """
    t = _check(tensor, "nn_init_orthogonal_")
    if t.ndim < 2:
        raise ValueError("nn_init_orthogonal_: Only tensors with 2 or more dimensions are supported")
    if t._data.size == 0 or is_meta(t._data):  # nothing to write: no draws
        return t
    rows = t.shape[0]
    cols = t._data.size // rows
    g = rng.default_generator if generator is None else generator
    flat = g.normal((rows, cols), 0.0, 1.0, _float_dtype(t, "nn_init_orthogonal_"))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diagonal(r))
    if rows < cols:
        q = q.T
    return _write(t, (q.reshape(t.shape) * gain).astype(t._data.dtype))


def nn_init_sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Any = None) -> Tensor:
    """N(0, std^2), then in each column a ``sparsity`` fraction of the rows (chosen at random) set to 0."""
    t = _check(tensor, "nn_init_sparse_")
    if t.ndim != 2:
        raise ValueError("nn_init_sparse_: Only tensors with 2 dimensions are supported")
    rows, cols = t.shape
    num_zeros = int(math.ceil(sparsity * rows))
    g = rng.default_generator if generator is None else generator
    meta = is_meta(t._data)
    dt = _float_dtype(t, "nn_init_sparse_")
    # a meta tensor's normal_ draws nothing, but PyTorch's permutations are CPU tensors: drawn all the same
    vals = np.zeros((rows, cols), dt) if meta else g.normal((rows, cols), 0.0, float(std), dt)
    for col in range(cols):  # one permutation per column, drawn in column order as PyTorch
        vals[g.randperm(rows)[:num_zeros], col] = 0
    return _write(t, vals)
