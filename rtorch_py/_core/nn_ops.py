"""Primitive ops of the nn layers (0-based, 2-D spatial layout (N, C, H, W); 1-D layers add a unit H).

Convolutions are im2col: ``as_strided`` windows of the padded input copied once into columns and multiplied
with the weight (one batched matmul); their adjoints scatter columns back with one strided add per kernel
element (never a loop over pixels). Three ops make a closed family so every gradient of every order is again
one of them:

- ``conv2d(x, w)``: the convolution;
- ``conv_transpose2d(y, w)``: its adjoint in x (PyTorch's transposed convolution);
- ``conv2d_weight(x, gy)``: its adjoint in w.

Pooling gathers windows the same way; max pooling keeps the flat argmax of each window for its gradient.
Derivative rules are in ``derivatives.py`` (section "nn").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import autograd
from . import derivatives as D
from .ops import record
from .tensor import Tensor

_wrap = Tensor._wrap
_mode = autograd._GradMode

Pair = tuple[int, int]


# -- helpers ----------------------------------------------------------------------------------------------------

def conv_out_size(size: int, k: int, s: int, p: int, d: int) -> int:
    """Output length of a convolution or pooling window along one dim (floor mode)."""
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _windows(xp: np.ndarray, k: Pair, out: Pair, s: Pair, d: Pair) -> np.ndarray:
    """Read-only view (N, C, kh, kw, oh, ow) of the windows of a padded (N, C, Hp, Wp) array."""
    n, c = xp.shape[:2]
    s0, s1, s2, s3 = xp.strides
    return as_strided(xp, (n, c, k[0], k[1], out[0], out[1]),
                      (s0, s1, s2 * d[0], s3 * d[1], s2 * s[0], s3 * s[1]), writeable=False)


def _pad_hw(x: np.ndarray, p: Pair) -> np.ndarray:
    if not p[0] and not p[1]:
        return x
    n, c, h, w = x.shape
    out = np.zeros((n, c, h + 2 * p[0], w + 2 * p[1]), dtype=x.dtype)
    out[:, :, p[0]:p[0] + h, p[1]:p[1] + w] = x
    return out


def _cols(x: np.ndarray, k: Pair, out: Pair, s: Pair, p: Pair, d: Pair, groups: int) -> np.ndarray:
    """im2col: (N, groups, C/groups * kh * kw, oh * ow), one copy."""
    n, c = x.shape[:2]
    win = _windows(_pad_hw(x, p), k, out, s, d)
    return win.reshape(n, groups, (c // groups) * k[0] * k[1], out[0] * out[1])


def _conv_fwd(x: np.ndarray, w: np.ndarray, s: Pair, p: Pair, d: Pair, groups: int) -> np.ndarray:
    n = x.shape[0]
    o, _cg, kh, kw = w.shape
    oh = conv_out_size(x.shape[2], kh, s[0], p[0], d[0])
    ow = conv_out_size(x.shape[3], kw, s[1], p[1], d[1])
    cols = _cols(x, (kh, kw), (oh, ow), s, p, d, groups)
    wg = w.reshape(groups, o // groups, -1)
    out = np.matmul(wg, cols)  # (N, G, O/G, L)
    return out.reshape(n, o, oh, ow)


def _conv_adj_x(gy: np.ndarray, w: np.ndarray, s: Pair, p: Pair, d: Pair, groups: int, hw: Pair
                ) -> np.ndarray:
    """The adjoint of the convolution in x: columns w^T gy, added back into a (N, C, *hw) array."""
    n, o, oh, ow = gy.shape
    _o, cg, kh, kw = w.shape
    c = cg * groups
    wg = w.reshape(groups, o // groups, cg * kh * kw)
    cols = np.matmul(wg.transpose(0, 2, 1), gy.reshape(n, groups, o // groups, oh * ow))
    cols = cols.reshape(n, c, kh, kw, oh, ow)
    hp, wp = hw[0] + 2 * p[0], hw[1] + 2 * p[1]
    need_h, need_w = (oh - 1) * s[0] + d[0] * (kh - 1) + 1, (ow - 1) * s[1] + d[1] * (kw - 1) + 1
    xp = np.zeros((n, c, max(hp, need_h), max(wp, need_w)), dtype=gy.dtype)
    for i in range(kh):  # one strided add per kernel element
        hi = i * d[0]
        for j in range(kw):
            wj = j * d[1]
            xp[:, :, hi:hi + s[0] * (oh - 1) + 1:s[0], wj:wj + s[1] * (ow - 1) + 1:s[1]] += cols[:, :, i, j]
    if p[0] or p[1] or xp.shape[2] != hw[0] or xp.shape[3] != hw[1]:
        xp = np.ascontiguousarray(xp[:, :, p[0]:p[0] + hw[0], p[1]:p[1] + hw[1]])
    return xp


def _conv_adj_w(x: np.ndarray, gy: np.ndarray, k: Pair, s: Pair, p: Pair, d: Pair, groups: int) -> np.ndarray:
    """The adjoint of the convolution in w: sum over the batch of gy times the input columns."""
    n = x.shape[0]
    o, oh, ow = gy.shape[1], gy.shape[2], gy.shape[3]
    cols = _cols(x, k, (oh, ow), s, p, d, groups)  # (N, G, K, L)
    gyg = gy.reshape(n, groups, o // groups, oh * ow)
    gw = np.matmul(gyg, cols.transpose(0, 1, 3, 2)).sum(axis=0)  # (G, O/G, K)
    return gw.reshape(o, (x.shape[1] // groups), k[0], k[1])


# -- convolution family ------------------------------------------------------------------------------------------

def conv2d(x: Tensor, w: Tensor, b: Tensor | None, stride: Pair, padding: Pair, dilation: Pair,
           groups: int) -> Tensor:
    """2-D convolution of (N, C, H, W) with (O, C/groups, kh, kw), libtorch's ConvolutionBackward0."""
    out = _conv_fwd(x._data, w._data, stride, padding, dilation, groups)
    if b is not None:
        out += b._data.reshape(1, -1, 1, 1)
    return record(out, "ConvolutionBackward0", D.conv2d, (x, w, b),
                  (x, w, stride, padding, dilation, groups))


def conv_transpose2d(y: Tensor, w: Tensor, b: Tensor | None, stride: Pair, padding: Pair, dilation: Pair,
                     groups: int, out_hw: Pair) -> Tensor:
    """Transposed convolution of (N, Cin, h, w) with (Cin, Cout/groups, kh, kw) to (N, Cout, *out_hw)."""
    out = _conv_adj_x(y._data, w._data, stride, padding, dilation, groups, out_hw)
    if b is not None:
        out += b._data.reshape(1, -1, 1, 1)
    return record(out, "ConvolutionBackward0", D.conv_transpose2d, (y, w, b),
                  (y, w, stride, padding, dilation, groups))


def conv2d_weight(x: Tensor, gy: Tensor, k: Pair, stride: Pair, padding: Pair, dilation: Pair,
                  groups: int) -> Tensor:
    """The weight gradient of conv2d (bilinear in x and gy), itself differentiable."""
    out = _conv_adj_w(x._data, gy._data, k, stride, padding, dilation, groups)
    return record(out, "ConvolutionBackwardBackward0", D.conv2d_weight, (x, gy),
                  (x, gy, stride, padding, dilation, groups))


# -- padding and clamping ---------------------------------------------------------------------------------------

def pad_constant(x: Tensor, pads: Sequence[Pair], value: float = 0.0) -> Tensor:
    """Pad (positive) or crop (negative) each axis by (before, after); ``pads`` has one pair per axis."""
    d = x._data
    if any(a < 0 or b < 0 for a, b in pads):
        d = d[tuple(slice(max(-a, 0), d.shape[i] - max(-b, 0)) for i, (a, b) in enumerate(pads))]
    shape = tuple(n + max(a, 0) + max(b, 0) for n, (a, b) in zip(d.shape, pads))
    # A filled buffer and one slice assignment: np.pad's generality costs ~100 us per call.
    out = np.zeros(shape, dtype=d.dtype) if value == 0 else np.full(shape, value, dtype=d.dtype)
    out[tuple(slice(max(a, 0), max(a, 0) + n) for n, (a, _b) in zip(d.shape, pads))] = d
    return record(out, "ConstantPadNdBackward0", D.pad_constant, (x,), (tuple(pads),))


def narrow(x: Tensor, axis: int, start: int, length: int) -> Tensor:
    """A view of ``length`` entries along ``axis`` from ``start``; its gradient is a zero padding (one np.pad,
    cheaper than the general index rule's scatter when a recurrent cell slices its gates every step)."""
    d = x._data
    key = (slice(None),) * axis + (slice(start, start + length),)
    after = d.shape[axis] - start - length
    return record(d[key], "SliceBackward0", D.narrow, (x,), (axis, start, after, d.ndim), view_of=x)


def hardtanh(x: Tensor, lo: float, hi: float) -> Tensor:
    """clamp(x, lo, hi) whose gradient passes strictly inside (lo, hi), as libtorch's hardtanh."""
    d = x._data
    out = np.clip(d, np.asarray(lo, d.dtype), np.asarray(hi, d.dtype))
    return record(out, "HardtanhBackward0", D.hardtanh, (x,), (x, lo, hi))


# -- pooling ---------------------------------------------------------------------------------------------------------

def max_pool2d(x: Tensor, k: Pair, s: Pair, p: Pair, d: Pair, out: Pair) -> tuple[Tensor, np.ndarray]:
    """Max over windows (``out`` from the caller: ceil_mode adds windows); also the 0-based flat index
    (into H*W) of each maximum. One vectorised pass per kernel element, updating where the value is greater
    or NaN: libtorch's scan order, so ties go to the first maximum and NaN propagates as in libtorch."""
    xd = x._data
    n, c, h, w = xd.shape
    need_h, need_w = (out[0] - 1) * s[0] + d[0] * (k[0] - 1) + 1, (out[1] - 1) * s[1] + d[1] * (k[1] - 1) + 1
    if p[0] or p[1] or need_h > h or need_w > w:
        fill = -np.inf if xd.dtype.kind == "f" else np.iinfo(xd.dtype).min
        xp = np.full((n, c, max(need_h, h + 2 * p[0]), max(need_w, w + 2 * p[1])), fill, dtype=xd.dtype)
        xp[:, :, p[0]:p[0] + h, p[1]:p[1] + w] = xd
    else:
        xp = xd
    best = None
    kidx = np.zeros((n, c) + tuple(out), dtype=np.int64)
    floating = xd.dtype.kind == "f"
    for i in range(k[0]):
        for j in range(k[1]):
            sl = xp[:, :, i * d[0]:i * d[0] + s[0] * (out[0] - 1) + 1:s[0],
                    j * d[1]:j * d[1] + s[1] * (out[1] - 1) + 1:s[1]]
            if best is None:
                best = sl.copy()
                continue
            upd = sl > best
            if floating:
                upd |= np.isnan(sl)
            np.copyto(best, sl, where=upd)
            kidx[upd] = i * k[1] + j
    ki, kj = np.divmod(kidx, k[1])
    rows = np.arange(out[0]).reshape(-1, 1) * s[0] - p[0] + ki * d[0]
    cols = np.arange(out[1]) * s[1] - p[1] + kj * d[1]
    idx = rows * w + cols
    t = record(best, "MaxPool2DWithIndicesBackward0", D.pool_index, (x,), (xd.shape, idx))
    return t, idx


def adaptive_max_pool2d(x: Tensor, out: Pair) -> tuple[Tensor, np.ndarray]:
    """Max over libtorch's adaptive windows [floor(i*H/oh), ceil((i+1)*H/oh)); flat argmax kept."""
    xd = x._data
    n, c, h, w = xd.shape
    rows, vrow = _adaptive_ranges(h, out[0])
    cols, vcol = _adaptive_ranges(w, out[1])
    flat_idx = rows[:, None, :, None] * w + cols[None, :, None, :]  # (oh, ow, lh, lw)
    valid = vrow[:, None, :, None] & vcol[None, :, None, :]
    kk = flat_idx.shape[2] * flat_idx.shape[3]
    flat_idx = flat_idx.reshape(out[0], out[1], kk)
    valid = valid.reshape(out[0], out[1], kk)
    vals = xd.reshape(n, c, h * w)[:, :, flat_idx]  # (N, C, oh, ow, K)
    if not valid.all():
        fill = -np.inf if xd.dtype.kind == "f" else np.iinfo(xd.dtype).min
        vals = np.where(valid, vals, fill)
    am = np.argmax(vals, axis=-1)
    res = np.take_along_axis(vals, am[..., None], axis=-1)[..., 0]
    idx = flat_idx[np.arange(out[0])[:, None], np.arange(out[1])[None, :], am].astype(np.int64)
    t = record(np.ascontiguousarray(res), "AdaptiveMaxPool2DBackward0", D.pool_index, (x,), (xd.shape, idx))
    return t, idx


def _adaptive_ranges(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    longest = int((end - start).max())
    r = start[:, None] + np.arange(longest)
    valid = r < end[:, None]
    return np.minimum(r, size - 1), valid


def adaptive_matrix(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """(out, size) averaging matrix of the adaptive windows: adaptive average pooling is separable."""
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    j = np.arange(size)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


# -- embedding -----------------------------------------------------------------------------------------------------

def embedding(weight: Tensor, idx: np.ndarray, padding_idx: int | None, scale_grad_by_freq: bool) -> Tensor:
    """Rows of ``weight`` at the 0-based ``idx`` (any shape); the padding row gets no gradient."""
    out = np.take(weight._data, idx, axis=0)
    return record(out, "EmbeddingBackward0", D.embedding, (weight,),
                  (weight._data.shape[0], idx, padding_idx, scale_grad_by_freq))


# -- weight normalization ------------------------------------------------------------------------------------------

def norm_except_axis(v: np.ndarray, axis: int | None) -> np.ndarray:
    """The 2-norm of ``v`` over every axis but ``axis`` (kept, the others size 1); over all when None."""
    if axis is None:
        return np.sqrt(np.sum(v * v)).reshape((1,) * v.ndim)
    others = tuple(i for i in range(v.ndim) if i != axis)
    return np.sqrt(np.sum(v * v, axis=others, keepdims=True))


def weight_norm(v: Tensor, g: Tensor, axis: int | None) -> Tensor:
    """libtorch's _weight_norm: v * (g / ||v||), the norm over every axis but ``axis``."""
    vd = v._data
    out = vd * (g._data / norm_except_axis(vd, axis))
    return record(out.astype(vd.dtype, copy=False), "WeightNormInterfaceBackward0", D.weight_norm, (v, g),
                  (v, g, axis))
