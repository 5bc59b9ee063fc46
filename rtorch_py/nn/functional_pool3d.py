"""3-d convolutions and the remaining pools: ``nnf_conv3d`` / ``nnf_conv_transpose3d``, ``nnf_max_pool3d``,
``nnf_avg_pool3d``, ``nnf_adaptive_avg_pool3d`` / ``nnf_adaptive_max_pool3d``, ``nnf_lp_pool1d/2d``,
``nnf_max_unpool1d/2d/3d`` and ``nnf_fractional_max_pool2d/3d``.

A 3-d convolution is a sum over the kernel's depth of 2-d convolutions with the output depth folded into the
batch (one conv2d call per kernel slice, never a loop over the batch); the transposed one scatters the same
way. Max-type pools gather each window's maximum from the (-Inf padded) input: a window index table per axis
(fixed for max_pool3d, ragged for adaptive pools, drawn per plane for fractional pools as libtorch draws it),
one argmax over the windows, then one differentiable gather.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import nn_ops as NO  # noqa: N812
from .._core import ops as O  # noqa: N812
from .._core import rng
from .._core.tensor import Tensor
from .._r import Index1, one_based, r_api, to_int
from .functional import _t
from .functional_conv import (
    _avg_counts,
    _batched,
    _check_float,
    _ntuple,
    _out_size,
    _pool_args,
    _shape_str,
    nnf_avg_pool1d,
    nnf_avg_pool2d,
)

__all__ = [
    "nnf_conv3d", "nnf_conv_transpose3d", "nnf_max_pool3d", "nnf_avg_pool3d", "nnf_adaptive_avg_pool3d",
    "nnf_adaptive_max_pool3d", "nnf_lp_pool1d", "nnf_lp_pool2d", "nnf_max_unpool1d", "nnf_max_unpool2d",
    "nnf_max_unpool3d", "nnf_fractional_max_pool2d", "nnf_fractional_max_pool3d",
]

_wrap = Tensor._wrap


# -- 3-d convolutions ----------------------------------------------------------------------------------------------

def _conv3_inputs(input: Tensor, weight: Tensor, fn: str) -> tuple[Tensor, bool, Tensor]:
    x = _t(input, fn)
    w = _t(weight, fn, "weight")
    if w.ndim != 5:
        raise RuntimeError(f"{fn}: Expected 5-dimensional weight, but got weight of size {_shape_str(w.shape)}")
    if x.ndim not in (4, 5):
        raise RuntimeError(f"{fn}: Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: "
                           f"{_shape_str(x.shape)}")
    unbatched = x.ndim == 4
    if unbatched:
        x = O.unsqueeze(x, 0)
    if x._data.dtype != w._data.dtype:
        raise RuntimeError(f"{fn}: Input type ({x.dtype.name}) and weight type ({w.dtype.name}) should be the same")
    return x, unbatched, w


def _fold_depth(x: Tensor, idx: np.ndarray) -> Tensor:
    """x[:, :, idx] (N, C, Do, H, W) -> (N * Do, C, H, W)."""
    n, c = x.shape[:2]
    sel = O.index(x, (slice(None), slice(None), _wrap(idx)))
    sel = O.transpose(sel, 1, 2)
    return O.reshape(sel, (n * len(idx), c) + x.shape[3:])


def nnf_conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
               dilation: Any = 1, groups: Any = 1) -> Tensor:
    """3-D convolution of (N, C_in, D, H, W) with weight (C_out, C_in / groups, kD, kH, kW).

    Example:
        >>> nnf_conv3d(torch_randn(1, 2, 5, 5, 5), torch_randn(3, 2, 3, 3, 3)).shape
        (1, 3, 3, 3, 3)
    """
    fn = "nnf_conv3d"
    x, unbatched, w = _conv3_inputs(input, weight, fn)
    g = to_int(groups, f"{fn}: groups")
    if x.shape[1] != w.shape[1] * g or w.shape[0] % g:
        raise RuntimeError(f"{fn}: Given groups={g}, weight of size {_shape_str(w.shape)}, expected "
                           f"input{_shape_str(x.shape)} to have {w.shape[1] * g} channels, but got {x.shape[1]} "
                           "channels instead")
    s = _ntuple(stride, 3, fn, "stride")
    d = _ntuple(dilation, 3, fn, "dilation")
    k = w.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            p = (0, 0, 0)
        elif padding == "same":
            if any(v != 1 for v in s):
                raise ValueError(f"{fn}: padding='same' is not supported for strided convolutions")
            total = [di * (ki - 1) for di, ki in zip(d, k)]
            p = tuple(t // 2 for t in total)
            if any(t % 2 for t in total):
                x = NO.pad_constant(x, ((0, 0), (0, 0)) + tuple((0, t % 2) for t in total), 0.0)
        else:
            raise ValueError(f"{fn}: Invalid padding string {padding!r}, should be one of 'valid', 'same'")
    else:
        p = _ntuple(padding, 3, fn, "padding")
    if any(v <= 0 for v in s + d) or any(v < 0 for v in p):
        raise RuntimeError(f"{fn}: stride and dilation must be positive and padding non-negative, got stride="
                           f"{list(s)}, padding={list(p)}, dilation={list(d)}")
    if bias is not None and _t(bias, fn, "bias").shape != (w.shape[0],):
        raise RuntimeError(f"{fn}: expected bias of size [{w.shape[0]}], got {_shape_str(bias.shape)}")
    padded = [n + 2 * pi for n, pi in zip(x.shape[2:], p)]
    eff = [di * (ki - 1) + 1 for di, ki in zip(d, k)]
    if any(pn < e for pn, e in zip(padded, eff)):
        raise RuntimeError(f"{fn}: Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
                           f"Kernel size: ({' x '.join(map(str, eff))}). Kernel size can't be greater than actual "
                           "input size")
    if p[0]:
        x = NO.pad_constant(x, ((0, 0), (0, 0), (p[0], p[0]), (0, 0), (0, 0)), 0.0)
    n = x.shape[0]
    do = (padded[0] - eff[0]) // s[0] + 1
    starts = np.arange(do) * s[0]
    out = None
    for kd in range(k[0]):
        planes = _fold_depth(x, starts + kd * d[0])
        y = NO.conv2d(planes, O.select(w, 2, kd), None, s[1:], p[1:], d[1:], g)
        out = y if out is None else O.add(out, y)
    out = O.transpose(O.reshape(out, (n, do) + out.shape[1:]), 1, 2)
    if bias is not None:
        out = O.add(out, O.reshape(bias, (1, -1, 1, 1, 1)))
    return O.squeeze(out, 0) if unbatched else out


def nnf_conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                         padding: Any = 0, output_padding: Any = 0, groups: Any = 1, dilation: Any = 1) -> Tensor:
    """3-D transposed convolution, weight (C_in, C_out / groups, kD, kH, kW).

    Example:
        >>> nnf_conv_transpose3d(torch_randn(1, 2, 3, 3, 3), torch_randn(2, 4, 3, 3, 3), stride=2).shape
        (1, 4, 7, 7, 7)
    """
    fn = "nnf_conv_transpose3d"
    x, unbatched, w = _conv3_inputs(input, weight, fn)
    g = to_int(groups, f"{fn}: groups")
    if x.shape[1] != w.shape[0] or w.shape[0] % g:
        raise RuntimeError(f"{fn}: Given transposed=1, weight of size {_shape_str(w.shape)}, expected "
                           f"input{_shape_str(x.shape)} to have {w.shape[0]} channels, but got {x.shape[1]} "
                           "channels instead")
    s, p, op, d = (_ntuple(v, 3, fn, a) for v, a in ((stride, "stride"), (padding, "padding"),
                                                    (output_padding, "output_padding"), (dilation, "dilation")))
    if any(o >= si and o >= di for o, si, di in zip(op, s, d)):
        raise RuntimeError(f"{fn}: output padding must be smaller than either stride or dilation, but got "
                           f"output_padding={list(op)}, stride={list(s)}, dilation={list(d)}")
    k = w.shape[2:]
    cout = w.shape[1] * g
    if bias is not None and _t(bias, fn, "bias").shape != (cout,):
        raise RuntimeError(f"{fn}: expected bias of size [{cout}], got {_shape_str(bias.shape)}")
    out = [(m - 1) * si - 2 * pi + di * (ki - 1) + oi + 1
           for m, si, pi, di, ki, oi in zip(x.shape[2:], s, p, d, k, op)]
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{fn}: Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated "
                           f"output size per channel: ({' x '.join(map(str, out))}). Output size is too small")
    n, _, din = x.shape[:3]
    planes = O.reshape(O.transpose(x, 1, 2), (n * din, x.shape[1]) + x.shape[3:])
    full_d = (din - 1) * s[0] + d[0] * (k[0] - 1) + 1 + op[0]
    acc = _wrap(np.zeros((n, full_d, cout) + tuple(out[1:]), dtype=x._data.dtype))
    for kd in range(k[0]):
        y = NO.conv_transpose2d(planes, O.select(w, 2, kd), None, s[1:], p[1:], d[1:], g, tuple(out[1:]))
        y = O.reshape(y, (n, din, cout) + tuple(out[1:]))
        pos = _wrap(np.arange(din) * s[0] + kd * d[0])
        acc = O.index_put(acc, (slice(None), pos), y, accumulate=True)
    res = O.transpose(NO.narrow(acc, 1, p[0], out[0]), 1, 2)
    if bias is not None:
        res = O.add(res, O.reshape(bias, (1, -1, 1, 1, 1)))
    return O.squeeze(res, 0) if unbatched else res


# -- window maxima -------------------------------------------------------------------------------------------------

def _window_max(x: Tensor, tables: list[np.ndarray], pads: list[int]) -> tuple[Tensor, np.ndarray]:
    """Max of (N, C, *S) ``x`` over windows: ``tables[a]`` (broadcastable to (N, C, O_a, K_a)) holds the window
    coordinates along spatial axis a in the input padded by ``pads[a]`` (-Inf). Returns the maxima
    (N, C, *O) and their 0-based flat positions in each unpadded input plane."""
    n, c = x.shape[:2]
    m = len(tables)
    if any(pads):
        x_p = NO.pad_constant(x, ((0, 0), (0, 0)) + tuple((q, q) for q in pads), -np.inf)
    else:
        x_p = x
    sizes = x_p.shape[2:]
    strides = [int(np.prod(sizes[a + 1:])) for a in range(m)]
    lin = np.zeros((1, 1), dtype=np.int64)
    coords = []
    for a, t in enumerate(tables):
        t = np.asarray(t, dtype=np.int64)
        t = t.reshape((1,) * (4 - t.ndim) + t.shape)
        shape = t.shape[:2] + (1, 1) * a + t.shape[2:] + (1, 1) * (m - a - 1)
        t = t.reshape(shape)
        coords.append(t)
        lin = lin.reshape(lin.shape + (1,) * (len(shape) - lin.ndim)) + t * strides[a]
    full = (n, c) + tuple(s for t in tables for s in np.asarray(t).shape[-2:])
    lin = np.broadcast_to(lin, full)
    flat = x_p._data.reshape(n, c, -1)
    vals = np.take_along_axis(flat, lin.reshape(n, c, -1), 2).reshape(full)
    outs = tuple(np.asarray(t).shape[-2] for t in tables)
    order = [0, 1] + [2 + 2 * a for a in range(m)] + [3 + 2 * a for a in range(m)]
    win = vals.transpose(order).reshape((n, c) + outs + (-1,))
    pick = np.nanargmax(np.where(np.isnan(win), np.inf, win), axis=-1)[..., None]
    chosen = np.take_along_axis(lin.transpose(order).reshape((n, c) + outs + (-1,)), pick, -1)[..., 0]
    y = O.reshape(O.gather(O.reshape(x_p, (n, c, -1)), 2, _wrap(np.ascontiguousarray(chosen.reshape(n, c, -1)))),
                  (n, c) + outs)
    # position in the unpadded plane
    rest = chosen.copy()
    pos = np.zeros_like(chosen)
    in_sizes = x.shape[2:]
    for a in range(m):
        ca = rest // strides[a]
        rest = rest % strides[a]
        pos = pos * in_sizes[a] + (ca - pads[a])
    return y, pos


def _unbatch(y: Tensor, idx: np.ndarray, unbatched: bool, return_indices: bool) -> Any:
    if unbatched:
        y = O.squeeze(y, 0)
        idx = idx[0]
    if return_indices:
        return [y, one_based(_wrap(idx.astype(np.int64)), "Indices1")]
    return y


def nnf_max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                   ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over sliding windows of (N, C, D, H, W); with ``return_indices`` also their 1-based flat positions.

    Example:
        >>> nnf_max_pool3d(torch_randn(1, 1, 4, 4, 4), 2).shape
        (1, 1, 2, 2, 2)
    """
    fn = "nnf_max_pool3d"
    x, unbatched = _batched(_t(input, fn), 3, fn)
    k, s, p, d, out = _pool_args(x, kernel_size, stride, padding, dilation, ceil_mode, 3, fn)
    tables = []
    pads = []
    for a in range(3):
        t = np.arange(out[a])[:, None] * s[a] + np.arange(k[a])[None, :] * d[a]
        room = x.shape[2 + a] + 2 * p[a]
        extra = max(int(t.max()) + 1 - room, 0)  # ceil-mode windows past the end read -Inf padding
        tables.append(t)
        pads.append(p[a] + extra)
    # the extra right padding shifts nothing: coordinates are measured from the left pad p[a]
    tables = [t + (q - pa) for t, q, pa in zip(tables, pads, p)]
    y, idx = _window_max(x, tables, pads)
    return _unbatch(y, idx, unbatched, return_indices)


def nnf_avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                   count_include_pad: bool = True, divisor_override: Any = None) -> Tensor:
    """Average over sliding windows of (N, C, D, H, W).

    Example:
        >>> nnf_avg_pool3d(torch_ones(1, 1, 4, 4, 4), 2).shape
        (1, 1, 2, 2, 2)
    """
    fn = "nnf_avg_pool3d"
    x, unbatched = _batched(_t(input, fn), 3, fn)
    _check_float(x, fn)
    k, s, p, _d, out = _pool_args(x, kernel_size, stride, padding, 1, ceil_mode, 3, fn)
    n, c = x.shape[:2]
    need = [(o - 1) * si + ki for o, si, ki in zip(out, s, k)]
    extra = [max(nd - (size + 2 * pi), 0) for nd, size, pi in zip(need, x.shape[2:], p)]
    xp = NO.pad_constant(x, ((0, 0), (0, 0)) + tuple((pi, pi + e) for pi, e in zip(p, extra)), 0.0)
    planes = O.reshape(xp, (n * c, 1) + xp.shape[2:])
    ones = _wrap(np.ones((1, 1) + k, dtype=x._data.dtype))
    sums = O.reshape(nnf_conv3d(planes, ones, None, s), (n, c) + out)
    if divisor_override is not None:
        div = float(to_int(divisor_override, f"{fn}: divisor_override"))
        if div == 0:
            raise RuntimeError(f"{fn}: divisor must be not zero")
        y = O.div(sums, div)
    else:
        cnt = [_avg_counts(size, o, ki, si, pi, bool(count_include_pad))
               for size, o, ki, si, pi in zip(x.shape[2:], out, k, s, p)]
        divisor = (cnt[0][:, None, None] * cnt[1][None, :, None] * cnt[2][None, None, :]).astype(x._data.dtype)
        y = O.div(sums, _wrap(divisor))
    return O.squeeze(y, 0) if unbatched else y


def _adaptive_ranges(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def nnf_adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling of (N, C, D, H, W) to ``output_size`` (libtorch's adaptive windows, per axis).

    Example:
        >>> nnf_adaptive_avg_pool3d(torch_randn(1, 2, 5, 6, 7), c(2, 3, 4)).shape
        (1, 2, 2, 3, 4)
    """
    fn = "nnf_adaptive_avg_pool3d"
    x, unbatched = _batched(_t(input, fn), 3, fn)
    _check_float(x, fn)
    out = _out_size(output_size, x, 3, fn)
    y = x
    for a in range(3):
        m = NO.adaptive_matrix(x.shape[2 + a], out[a], x._data.dtype)
        y = O.movedim_back(O.matmul(O.movedim_last(y, 2 + a), _wrap(np.ascontiguousarray(m.T))), 2 + a)
    return O.squeeze(y, 0) if unbatched else y


def _ragged_table(size: int, out: int) -> np.ndarray:
    start, end = _adaptive_ranges(size, out)
    k = int((end - start).max())
    t = start[:, None] + np.arange(k)[None, :]
    return np.minimum(t, (end - 1)[:, None])  # short windows repeat their last element (max unchanged)


def nnf_adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling of (N, C, D, H, W) to ``output_size``; with ``return_indices`` also 1-based flat indices.

    Example:
        >>> nnf_adaptive_max_pool3d(torch_randn(1, 2, 5, 6, 7), 2).shape
        (1, 2, 2, 2, 2)
    """
    fn = "nnf_adaptive_max_pool3d"
    x, unbatched = _batched(_t(input, fn), 3, fn)
    out = _out_size(output_size, x, 3, fn)
    tables = [_ragged_table(x.shape[2 + a], out[a]) for a in range(3)]
    y, idx = _window_max(x, tables, [0, 0, 0])
    return _unbatch(y, idx, unbatched, return_indices)


# -- power-average pools -------------------------------------------------------------------------------------------

def _lp_pool(input: Tensor, norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool, spatial: int,
             fn: str) -> Tensor:
    x = _t(input, fn)
    pw = float(norm_type)
    k = _ntuple(kernel_size, spatial, fn, "kernel_size")
    if spatial == 1:
        out = nnf_avg_pool1d(O.pow(x, pw), k, stride, 0, ceil_mode)
    else:
        out = nnf_avg_pool2d(O.pow(x, pw), k, stride, 0, ceil_mode)
    # libtorch: (sign(out) * relu(|out|)) * prod(kernel), then the 1 / p power
    out = O.mul(O.mul(O.sign(out), O.relu(O.abs(out))), float(np.prod(k)))
    return O.pow(out, 1.0 / pw)


def nnf_lp_pool1d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
                  ceil_mode: bool = False) -> Tensor:
    """Power-average pooling over (N, C, L): (sum of x^p over each window)^(1/p).

    Example:
        >>> nnf_lp_pool1d(torch_ones(1, 1, 4), 2, 2)._data.round(4).tolist()
        [[[1.4142, 1.4142]]]
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, "nnf_lp_pool1d")


def nnf_lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
                  ceil_mode: bool = False) -> Tensor:
    """Power-average pooling over (N, C, H, W).

    Example:
        >>> nnf_lp_pool2d(torch_ones(1, 1, 4, 4), 2, 2).shape
        (1, 1, 2, 2)
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, "nnf_lp_pool2d")


# -- unpooling -----------------------------------------------------------------------------------------------------

def _unpool(x: Tensor, indices: Tensor, kernel_size: Any, stride: Any, padding: Any, output_size: Any,
            spatial: int, fn: str) -> Tensor:
    x = _t(x, fn)
    batched = x.ndim == spatial + 2
    if not batched and x.ndim != spatial + 1:
        raise RuntimeError(f"{fn}: Expected {spatial + 1}D or {spatial + 2}D input, got {_shape_str(x.shape)}")
    if not batched:
        x = O.unsqueeze(x, 0)
        indices = O.unsqueeze(indices, 0)
    if indices.shape != x.shape:
        raise RuntimeError(f"{fn}: Expected shape of indices to be same as that of the input tensor "
                           f"({_shape_str(x.shape)}) but got indices tensor with shape: "
                           f"{_shape_str(indices.shape)}")
    k = _ntuple(kernel_size, spatial, fn, "kernel_size")
    s = k if stride is None else _ntuple(stride, spatial, fn, "stride")
    p = _ntuple(padding, spatial, fn, "padding")
    if output_size is None:
        size = tuple((m - 1) * si - 2 * pi + ki for m, si, pi, ki in zip(x.shape[2:], s, p, k))
    else:
        vals = list(np.asarray(output_size._data if isinstance(output_size, Tensor) else output_size).reshape(-1))
        size = tuple(int(v) for v in vals[-spatial:])
    n, c = x.shape[:2]
    plane = int(np.prod(size))
    idx = indices._data.reshape(n, c, -1)
    if idx.size and (idx.min() < 0 or idx.max() >= plane):
        raise RuntimeError(f"{fn}: Found an invalid max index: {int(idx.max()) + 1} (output volumes are of size "
                           f"{'x'.join(map(str, size))})")
    base = _wrap(np.zeros((n, c, plane), dtype=x._data.dtype))
    rows = np.arange(n)[:, None, None]
    chans = np.arange(c)[None, :, None]
    out = O.index_put(base, (_wrap(np.broadcast_to(rows, idx.shape).copy()),
                             _wrap(np.broadcast_to(chans, idx.shape).copy()), _wrap(idx)),
                      O.reshape(x, (n, c, -1)))
    out = O.reshape(out, (n, c) + size)
    return out if batched else O.squeeze(out, 0)


@r_api
def nnf_max_unpool1d(input: Tensor, indices: Index1, kernel_size: Any, stride: Any = None, padding: Any = 0,
                     output_size: Any = None) -> Tensor:
    """Inverse of max_pool1d: values placed at their (1-based) ``indices``, zeros elsewhere."""
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 1, "nnf_max_unpool1d")


@r_api
def nnf_max_unpool2d(input: Tensor, indices: Index1, kernel_size: Any, stride: Any = None, padding: Any = 0,
                     output_size: Any = None) -> Tensor:
    """Inverse of max_pool2d (``indices`` as it returns them, 1-based, flat over each plane).

    Example:
        >>> x = torch_randn(1, 1, 4, 4); r = nnf_max_pool2d(x, 2, return_indices=True)
        >>> nnf_max_unpool2d(r[0], r[1], 2).shape
        (1, 1, 4, 4)
    """
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 2, "nnf_max_unpool2d")


@r_api
def nnf_max_unpool3d(input: Tensor, indices: Index1, kernel_size: Any, stride: Any = None, padding: Any = 0,
                     output_size: Any = None) -> Tensor:
    """Inverse of max_pool3d."""
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 3, "nnf_max_unpool3d")


# -- fractional max pooling ----------------------------------------------------------------------------------------

def _fractional_table(samples: np.ndarray, size: int, out: int, k: int) -> np.ndarray:
    """libtorch's generate_intervals for every plane: window starts from one uniform draw per plane."""
    dt = samples.dtype
    starts = np.empty(samples.shape + (out,), dtype=np.int64)
    if out > 1:
        alpha = dt.type(size - k) / dt.type(out - 1)
        i = np.arange(out - 1, dtype=dt)
        starts[..., :-1] = ((i + samples[..., None]) * alpha).astype(np.int64) - \
            (samples[..., None] * alpha).astype(np.int64)
    starts[..., -1] = size - k
    return starts[..., :, None] + np.arange(k)


def _fractional(input: Tensor, kernel_size: Any, output_size: Any, output_ratio: Any, return_indices: bool,
                random_samples: Tensor | None, spatial: int, fn: str) -> Any:
    x, unbatched = _batched(_t(input, fn), spatial, fn)
    k = _ntuple(kernel_size, spatial, fn, "kernel_size")
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{fn}: fractional_max_pool{spatial}d requires specifying either an output_size or an "
                             "output_ratio")
        ratio = np.broadcast_to(np.asarray(output_ratio, dtype=float).reshape(-1), (spatial,))
        out = tuple(int(n * r) for n, r in zip(x.shape[2:], ratio))
    else:
        out = _ntuple(output_size, spatial, fn, "output_size")
    for n_in, o, ki in zip(x.shape[2:], out, k):
        if o + ki - 1 > n_in:
            raise RuntimeError(f"{fn}: fractional_max_pool{spatial}d_out(): pool size {ki} too large relative to "
                               f"input size {n_in} for output size {o}")
    n, c = x.shape[:2]
    if random_samples is None:
        # libtorch: input.new_empty({N, C, dims}).uniform_()
        samples = rng.default_generator.uniform((n, c, spatial), 0.0, 1.0, x._data.dtype)
    else:
        samples = _t(random_samples, fn, "random_samples")._data
        if samples.shape != (n, c, spatial):
            raise RuntimeError(f"{fn}: random_samples must be of shape {[n, c, spatial]}, got "
                               f"{list(samples.shape)}")
    # libtorch's sample order: 2-d takes sample 0 for the width, 1 for the height; 3-d takes them in order
    which = [1, 0] if spatial == 2 else [0, 1, 2]
    tables = [_fractional_table(samples[..., which[a]], x.shape[2 + a], out[a], k[a]) for a in range(spatial)]
    y, idx = _window_max(x, tables, [0] * spatial)
    return _unbatch(y, idx, unbatched, return_indices)


def nnf_fractional_max_pool2d(input: Tensor, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                              return_indices: bool = False, random_samples: Tensor | None = None) -> Any:
    """Fractional max pooling of (N, C, H, W) to ``output_size`` (or ``output_ratio`` of the input), with
    pseudo-random window starts drawn as libtorch draws them.

    Example:
        >>> nnf_fractional_max_pool2d(torch_randn(1, 1, 8, 8), 2, output_size=5).shape
        (1, 1, 5, 5)
    """
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices, random_samples, 2,
                       "nnf_fractional_max_pool2d")


def nnf_fractional_max_pool3d(input: Tensor, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                              return_indices: bool = False, random_samples: Tensor | None = None) -> Any:
    """Fractional max pooling of (N, C, D, H, W).

    Example:
        >>> nnf_fractional_max_pool3d(torch_randn(1, 1, 6, 6, 6), 2, output_size=4).shape
        (1, 1, 4, 4, 4)
    """
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices, random_samples, 3,
                       "nnf_fractional_max_pool3d")

