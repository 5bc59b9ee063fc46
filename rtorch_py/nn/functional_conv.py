"""Functional convolutions and pooling (``nnf_conv1d``, ``nnf_conv2d``, ``nnf_conv_transpose1d/2d``,
``nnf_max_pool1d/2d``, ``nnf_avg_pool1d/2d``, ``nnf_adaptive_*``) over the primitives in ``_core/nn_ops.py``.
1-D forms run the 2-D primitives on a unit height. Unbatched input (no N dim) is accepted as in PyTorch.
Indices returned by max pooling are 1-based (R's convention), flat over each input plane."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import nn_ops as NO  # noqa: N812
from .._core import ops as O  # noqa: N812
from .._core.tensor import Tensor
from .._r import one_based, to_int
from .functional import _t

__all__ = [
    "nnf_conv1d", "nnf_conv2d", "nnf_conv_transpose1d", "nnf_conv_transpose2d", "nnf_max_pool1d",
    "nnf_max_pool2d", "nnf_avg_pool1d", "nnf_avg_pool2d", "nnf_adaptive_avg_pool1d", "nnf_adaptive_avg_pool2d",
    "nnf_adaptive_max_pool1d", "nnf_adaptive_max_pool2d", "nnf_conv_tbc",
]

_wrap = Tensor._wrap


def _ntuple(v: Any, n: int, fn: str, arg: str) -> tuple[int, ...]:
    """An int or a vector of n ints (R numbers allowed) as an n-tuple."""
    if isinstance(v, Tensor):
        v = v._data.reshape(-1).tolist()
    if isinstance(v, (list, tuple, np.ndarray)):
        vals = [to_int(x, f"{fn}: {arg}") for x in v]
        if len(vals) == 1:
            vals = vals * n
        if len(vals) != n:
            raise ValueError(f"{fn}: `{arg}` must be one number or {n} numbers, got {len(vals)}")
        return tuple(vals)
    return (to_int(v, f"{fn}: {arg}"),) * n


def _shape_str(shape: tuple) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


def _batched(x: Tensor, spatial: int, fn: str) -> tuple[Tensor, bool]:
    nd = spatial + 2
    if x.ndim == nd:
        return x, False
    if x.ndim == nd - 1:
        return O.unsqueeze(x, 0), True
    raise RuntimeError(f"{fn}: Expected {nd - 1}D (unbatched) or {nd}D (batched) input, but got input of size: "
                       f"{_shape_str(x.shape)}")


def _check_float(x: Tensor, fn: str) -> None:
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}: expected a floating point input, got {x.dtype.name}")


def _unbatch_max(y: Tensor, idx: np.ndarray, spatial: int, unbatched: bool, return_indices: bool) -> Any:
    """A max pooling's result back from the 2-D batched primitive: drop the unit height (1-D) and the batch dim
    (unbatched input); ``list(output, indices)`` with 1-based indices when asked for."""
    if spatial == 1:
        y, idx = O.squeeze(y, 2), idx[:, :, 0]
    if unbatched:
        y, idx = O.squeeze(y, 0), idx[0]
    if return_indices:
        return one_based([y, _wrap(idx)], "ValuesIndices1")
    return y


# -- convolution --------------------------------------------------------------------------------------------------

def _conv_inputs(input: Tensor, weight: Tensor, groups: Any, spatial: int, layout: str,
                 fn: str) -> tuple[Tensor, bool, Tensor, int]:
    """Checks shared by convolutions and transposed ones: (batched input, unbatched, weight, groups)."""
    x, unbatched = _batched(_t(input, fn), spatial, fn)
    w = _t(weight, fn, "weight")
    if x._data.dtype != w._data.dtype:
        raise RuntimeError(f"{fn}: Input type ({x.dtype.name}) and weight type ({w.dtype.name}) should be the same")
    _check_float(x, fn)
    if w.ndim != spatial + 2:
        raise RuntimeError(f"{fn}: weight must be {spatial + 2}-D ({layout}, kernel...), got size "
                           f"{_shape_str(w.shape)}")
    g = to_int(groups, f"{fn}: groups")
    if g < 1:
        raise RuntimeError(f"{fn}: non-positive groups is not supported, got groups={g}")
    return x, unbatched, w, g


def _check_groups_divide(w: Tensor, g: int, fn: str) -> None:
    if w.shape[0] % g:
        raise RuntimeError(f"{fn}: Given groups={g}, expected weight to be divisible by {g} at dimension 0, but "
                           f"got weight of size {_shape_str(w.shape)} instead")


def _conv(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any, dilation: Any,
          groups: Any, spatial: int, fn: str) -> Tensor:
    x, unbatched, w, g = _conv_inputs(input, weight, groups, spatial, "out_channels, in_channels/groups", fn)
    c = x.shape[1]
    if c != w.shape[1] * g:
        raise RuntimeError(f"{fn}: Given groups={g}, weight of size {_shape_str(w.shape)}, expected "
                           f"input{_shape_str(x.shape)} to have {w.shape[1] * g} channels, but got {c} channels "
                           "instead")
    _check_groups_divide(w, g, fn)
    if bias is not None:
        b = _t(bias, fn, "bias")
        if b.shape != (w.shape[0],):
            raise RuntimeError(f"{fn}: Given weight of size {_shape_str(w.shape)}, expected bias to be 1-dimensional "
                               f"with {w.shape[0]} elements, but got bias of size {_shape_str(b.shape)} instead")
    s = _ntuple(stride, spatial, fn, "stride")
    d = _ntuple(dilation, spatial, fn, "dilation")
    k = w.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            p = (0,) * spatial
        elif padding == "same":
            if any(v != 1 for v in s):
                raise ValueError(f"{fn}: padding='same' is not supported for strided convolutions")
            total = [di * (ki - 1) for di, ki in zip(d, k)]
            p = tuple(t // 2 for t in total)
            extra = [t - 2 * (t // 2) for t in total]
            if any(extra):  # odd total padding: the extra row/column goes on the right, as PyTorch
                pads = ((0, 0), (0, 0)) + tuple((0, e) for e in extra)
                x = NO.pad_constant(x, pads, 0.0)
        else:
            raise ValueError(f"{fn}: Invalid padding string {padding!r}, should be one of 'valid', 'same'")
    else:
        p = _ntuple(padding, spatial, fn, "padding")
    if any(v <= 0 for v in s) or any(v <= 0 for v in d) or any(v < 0 for v in p):
        raise RuntimeError(f"{fn}: stride and dilation must be positive and padding non-negative, got stride="
                           f"{list(s)}, padding={list(p)}, dilation={list(d)}")
    insz = x.shape[2:]
    padded = [n + 2 * pi for n, pi in zip(insz, p)]
    eff = [di * (ki - 1) + 1 for di, ki in zip(d, k)]
    if any(pn < e for pn, e in zip(padded, eff)):
        raise RuntimeError(f"{fn}: Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
                           f"Kernel size: ({' x '.join(map(str, eff))}). Kernel size can't be greater than actual "
                           "input size")
    if spatial == 1:
        x2 = O.unsqueeze(x, 2)
        w2 = O.unsqueeze(w, 2)
        out = O.squeeze(NO.conv2d(x2, w2, bias, (1, s[0]), (0, p[0]), (1, d[0]), g), 2)
    else:
        out = NO.conv2d(x, w, bias, s, p, d, g)
    return O.squeeze(out, 0) if unbatched else out


def nnf_conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
               dilation: Any = 1, groups: Any = 1) -> Tensor:
    """1-D convolution of (N, C_in, L) with weight (C_out, C_in / groups, k).

    Example:
        >>> nnf_conv1d(torch_randn(2, 3, 10), torch_randn(4, 3, 3)).shape
        (2, 4, 8)
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "nnf_conv1d")


def nnf_conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: Any = 0) -> Tensor:  # noqa: A002
    """1-D convolution in time-batch-channel layout: ``input`` (T, N, C_in), ``weight`` (k, C_in, C_out),
    ``bias`` (C_out), ``pad`` zeros at both ends of time; the result is (T + 2 pad - k + 1, N, C_out).
    (``nnf_conv1d`` with the dims moved, so values and gradients are conv1d's.)

    Example:
        >>> nnf_conv_tbc(torch_ones(5, 2, 3), torch_ones(2, 3, 4), torch_zeros(4), pad = 1).shape
        (6, 2, 4)
    """
    fn = "nnf_conv_tbc"
    x, w, b = _t(input, fn, "input"), _t(weight, fn, "weight"), _t(bias, fn, "bias")
    if x.ndim != 3 or w.ndim != 3 or b.ndim != 1:
        raise RuntimeError(f"{fn}: expected input (T, N, C_in), weight (k, C_in, C_out) and bias (C_out), got "
                           f"input {list(x.shape)}, weight {list(w.shape)}, bias {list(b.shape)}")
    if x.shape[2] != w.shape[1] or w.shape[2] != b.shape[0]:
        raise RuntimeError(f"{fn}: input has {x.shape[2]} channels and weight {list(w.shape)} expects "
                           f"{w.shape[1]} in, {w.shape[2]} out; bias has {b.shape[0]}")
    out = nnf_conv1d(O.permute(x, (1, 2, 0)), O.permute(w, (2, 1, 0)), b, padding=to_int(pad, f"{fn}: pad"))
    return O.permute(out, (2, 0, 1))


def nnf_conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
               dilation: Any = 1, groups: Any = 1) -> Tensor:
    """2-D convolution of (N, C_in, H, W) with weight (C_out, C_in / groups, kH, kW); ``padding`` may also be
    "valid" or "same".

    Example:
        >>> nnf_conv2d(torch_randn(2, 3, 8, 8), torch_randn(4, 3, 3, 3), padding=1).shape
        (2, 4, 8, 8)
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "nnf_conv2d")


def _conv_transpose(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,
                    output_padding: Any, groups: Any, dilation: Any, spatial: int, fn: str) -> Tensor:
    x, unbatched, w, g = _conv_inputs(input, weight, groups, spatial, "in_channels, out_channels/groups", fn)
    if x.shape[1] != w.shape[0]:
        raise RuntimeError(f"{fn}: Given transposed=1, weight of size {_shape_str(w.shape)}, expected "
                           f"input{_shape_str(x.shape)} to have {w.shape[0]} channels, but got {x.shape[1]} "
                           "channels instead")
    _check_groups_divide(w, g, fn)
    cout = w.shape[1] * g
    if bias is not None and _t(bias, fn, "bias").shape != (cout,):
        raise RuntimeError(f"{fn}: expected bias of size [{cout}], got {_shape_str(bias.shape)}")
    s = _ntuple(stride, spatial, fn, "stride")
    p = _ntuple(padding, spatial, fn, "padding")
    op = _ntuple(output_padding, spatial, fn, "output_padding")
    d = _ntuple(dilation, spatial, fn, "dilation")
    if any(o >= si and o >= di for o, si, di in zip(op, s, d)):
        raise RuntimeError(f"{fn}: output padding must be smaller than either stride or dilation, but got "
                           f"output_padding={list(op)}, stride={list(s)}, dilation={list(d)}")
    k = w.shape[2:]
    out = [(n - 1) * si - 2 * pi + di * (ki - 1) + oi + 1
           for n, si, pi, di, ki, oi in zip(x.shape[2:], s, p, d, k, op)]
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{fn}: Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated "
                           f"output size per channel: ({' x '.join(map(str, out))}). Output size is too small")
    if spatial == 1:
        y = NO.conv_transpose2d(O.unsqueeze(x, 2), O.unsqueeze(w, 2), bias, (1, s[0]), (0, p[0]), (1, d[0]), g,
                                (1, out[0]))
        y = O.squeeze(y, 2)
    else:
        y = NO.conv_transpose2d(x, w, bias, s, p, d, g, tuple(out))
    return O.squeeze(y, 0) if unbatched else y


def nnf_conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                         padding: Any = 0, output_padding: Any = 0, groups: Any = 1, dilation: Any = 1) -> Tensor:
    """1-D transposed convolution, weight (C_in, C_out / groups, k)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1,
                           "nnf_conv_transpose1d")


def nnf_conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                         padding: Any = 0, output_padding: Any = 0, groups: Any = 1, dilation: Any = 1) -> Tensor:
    """2-D transposed convolution ("deconvolution"), weight (C_in, C_out / groups, kH, kW).

    Example:
        >>> nnf_conv_transpose2d(torch_randn(1, 4, 5, 5), torch_randn(4, 2, 3, 3), stride=2).shape
        (1, 2, 11, 11)
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
                           "nnf_conv_transpose2d")


# -- pooling -------------------------------------------------------------------------------------------------------

def _pool_out(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """libtorch's pooling_output_shape (ceil mode: the last window must start inside the padded input)."""
    num = n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = num // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _pool_args(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool,
               spatial: int, fn: str) -> tuple:
    k = _ntuple(kernel_size, spatial, fn, "kernel_size")
    s = k if stride is None or (isinstance(stride, (list, tuple)) and not stride) else \
        _ntuple(stride, spatial, fn, "stride")
    p = _ntuple(padding, spatial, fn, "padding")
    d = _ntuple(dilation, spatial, fn, "dilation")
    if any(v <= 0 for v in k + s + d):
        raise RuntimeError(f"{fn}: kernel_size, stride and dilation must be greater than zero, got kernel_size="
                           f"{list(k)}, stride={list(s)}, dilation={list(d)}")
    for ki, pi, di in zip(k, p, d):
        if pi < 0 or pi > (di * (ki - 1) + 1) // 2:
            raise RuntimeError(f"{fn}: pad should be at most half of effective kernel size, but got pad={pi}, "
                               f"kernel_size={ki} and dilation={di}")
    out = tuple(_pool_out(n, ki, si, pi, di, bool(ceil_mode)) for n, ki, si, pi, di in zip(x.shape[2:], k, s, p, d))
    if any(o < 1 for o in out):
        raise RuntimeError(f"{fn}: Given input size: ({'x'.join(map(str, x.shape[1:]))}). Calculated output size: "
                           f"({'x'.join(map(str, (x.shape[1],) + out))}). Output size is too small")
    return k, s, p, d, out


def _max_pool(input: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool,
              return_indices: bool, spatial: int, fn: str) -> Any:
    x, unbatched = _batched(_t(input, fn), spatial, fn)
    if x._data.dtype.kind == "b":
        raise RuntimeError(f"{fn}: not implemented for 'Bool'")
    k, s, p, d, out = _pool_args(x, kernel_size, stride, padding, dilation, ceil_mode, spatial, fn)
    if spatial == 1:
        x = O.unsqueeze(x, 2)
        k, s, d, out = (1,) + k, (1,) + s, (1,) + d, (1,) + out
        p = (0,) + p
    y, idx = NO.max_pool2d(x, k, s, p, d, out)
    return _unbatch_max(y, idx, spatial, unbatched, return_indices)


def nnf_max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                   ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over sliding windows of (N, C, L); with ``return_indices``, also their 1-based positions."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1,
                     "nnf_max_pool1d")


def nnf_max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                   ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over sliding windows of (N, C, H, W) (padding counts as -Inf); ``stride`` defaults to the kernel.
    With ``return_indices``: ``list(output, indices)``, indices 1-based and flat over H * W.

    Example:
        >>> nnf_max_pool2d(torch_randn(1, 1, 4, 4), 2).shape
        (1, 1, 2, 2)
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2,
                     "nnf_max_pool2d")


def _avg_pool(input: Tensor, kernel_size: Any, stride: Any, padding: Any, ceil_mode: bool,
              count_include_pad: bool, divisor_override: Any, spatial: int, fn: str) -> Tensor:
    x, unbatched = _batched(_t(input, fn), spatial, fn)
    _check_float(x, fn)
    k, s, p, _d, out = _pool_args(x, kernel_size, stride, padding, 1, ceil_mode, spatial, fn)
    if spatial == 1:
        x = O.unsqueeze(x, 2)
        k, s, p, out = (1,) + k, (1,) + s, (0,) + p, (1,) + out
    n, c, h, w = x.shape
    # Window sums are a depthwise convolution with a ones kernel on the zero-padded input (extra zeros on the
    # right for ceil-mode windows); the divisor follows libtorch per output position, separably.
    need = [(o - 1) * si + ki for o, si, ki in zip(out, s, k)]
    extra = [max(nd - (size + 2 * pi), 0) for nd, size, pi in zip(need, (h, w), p)]
    xp = NO.pad_constant(x, ((0, 0), (0, 0), (p[0], p[0] + extra[0]), (p[1], p[1] + extra[1])), 0.0)
    planes = O.reshape(xp, (n * c, 1) + xp.shape[2:])
    ones = _wrap(np.ones((1, 1) + k, dtype=x._data.dtype))
    sums = O.reshape(NO.conv2d(planes, ones, None, s, (0, 0), (1, 1), 1), (n, c) + out)
    if divisor_override is not None:
        div = float(to_int(divisor_override, f"{fn}: divisor_override"))
        if div == 0:
            raise RuntimeError(f"{fn}: divisor must be not zero")
        y = O.div(sums, div)
    else:
        counts = [_avg_counts(size, o, ki, si, pi, bool(count_include_pad))
                  for size, o, ki, si, pi in zip((h, w), out, k, s, p)]
        divisor = np.outer(counts[0], counts[1]).astype(x._data.dtype)
        y = O.div(sums, _wrap(divisor))
    if spatial == 1:
        y = O.squeeze(y, 2)
    return O.squeeze(y, 0) if unbatched else y


def _avg_counts(size: int, out: int, k: int, s: int, p: int, include_pad: bool) -> np.ndarray:
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)
    if include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def nnf_avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                   count_include_pad: bool = True) -> Tensor:
    """Average over sliding windows of (N, C, L)."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1, "nnf_avg_pool1d")


def nnf_avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                   count_include_pad: bool = True, divisor_override: Any = None) -> Tensor:
    """Average over sliding windows of (N, C, H, W); zero padding counts unless ``count_include_pad = FALSE``.

    Example:
        >>> nnf_avg_pool2d(torch_ones(1, 1, 4, 4), 2).sum().item()
        4.0
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2,
                     "nnf_avg_pool2d")


def _out_size(output_size: Any, x: Tensor, spatial: int, fn: str) -> tuple[int, ...]:
    if isinstance(output_size, (list, tuple)) and any(v is None for v in output_size):
        output_size = [x.shape[2 + i] if v is None else v for i, v in enumerate(output_size)]
    out = _ntuple(output_size, spatial, fn, "output_size")
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{fn}: output_size must be positive, got {list(out)}")
    if any(n == 0 for n in x.shape[2:]):
        raise RuntimeError(f"{fn}: Expected input to have non-zero size for non-batch dimensions, but input has "
                           f"sizes {_shape_str(x.shape)}")
    return out


def _adaptive_avg(input: Tensor, output_size: Any, spatial: int, fn: str) -> Tensor:
    x, unbatched = _batched(_t(input, fn), spatial, fn)
    _check_float(x, fn)
    out = _out_size(output_size, x, spatial, fn)
    dt = x._data.dtype
    # Adaptive averaging is separable: A_h x A_w^T with one averaging matrix per spatial dim.
    y = x
    if spatial == 2:
        y = O.matmul(_wrap(NO.adaptive_matrix(x.shape[2], out[0], dt)), y)
    aw = _wrap(np.ascontiguousarray(NO.adaptive_matrix(x.shape[-1], out[-1], dt).T))
    y = O.matmul(y, aw)
    return O.squeeze(y, 0) if unbatched else y


def nnf_adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling of (N, C, L) to ``output_size`` positions (libtorch's adaptive windows)."""
    return _adaptive_avg(input, output_size, 1, "nnf_adaptive_avg_pool1d")


def nnf_adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling of (N, C, H, W) to ``output_size`` (one number or two; NA/NULL keeps a size).

    Example:
        >>> nnf_adaptive_avg_pool2d(torch_randn(1, 3, 7, 5), [2, 3]).shape
        (1, 3, 2, 3)
    """
    return _adaptive_avg(input, output_size, 2, "nnf_adaptive_avg_pool2d")


def _adaptive_max(input: Tensor, output_size: Any, return_indices: bool, spatial: int, fn: str) -> Any:
    x, unbatched = _batched(_t(input, fn), spatial, fn)
    out = _out_size(output_size, x, spatial, fn)
    if spatial == 1:
        x = O.unsqueeze(x, 2)
        out = (1,) + out
    y, idx = NO.adaptive_max_pool2d(x, out)
    return _unbatch_max(y, idx, spatial, unbatched, return_indices)


def nnf_adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling of (N, C, L) to ``output_size`` positions."""
    return _adaptive_max(input, output_size, return_indices, 1, "nnf_adaptive_max_pool1d")


def nnf_adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling of (N, C, H, W) to ``output_size``; with ``return_indices`` also the 1-based flat indices."""
    return _adaptive_max(input, output_size, return_indices, 2, "nnf_adaptive_max_pool2d")
