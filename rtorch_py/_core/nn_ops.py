"""Primitive ops of the nn layers (0-based, 2-D spatial layout (N, C, H, W); 1-D layers add a unit H).

Convolutions are im2col: ``as_strided`` windows of the padded input copied once into columns (batch inside
the columns) and multiplied with the weight (the forward: a few images per GEMM, straight into (N, O, L)); their
adjoints scatter columns back with one strided add per kernel element (never a loop over pixels). Three ops
make a closed family so every gradient of every order is again one of them:

- ``conv2d(x, w)``: the convolution;
- ``conv_transpose2d(y, w)``: its adjoint in x (PyTorch's transposed convolution);
- ``conv2d_weight(x, gy)``: its adjoint in w.

Pooling gathers windows the same way; max pooling keeps the flat argmax of each window for its gradient.
Derivative rules are in ``derivatives.py`` (section "nn").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import autograd, parallel
from . import derivatives as D
from . import ops as O
from .autocast import state as _autocast
from .fma import fma32
from .ops import record
from .tensor import Tensor
from .vecmath import expf_u10

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
    """im2col, batch inside the columns: (groups, C/groups * kh * kw, N * oh * ow), one copy. With the batch
    in the columns the input gradient (and a wide weight gradient) is one large matrix product per group; an
    image's columns are a strided view of them (the forward's per-image GEMMs)."""
    n, c = x.shape[:2]
    return _col_windows(x, k, out, s, p, d).reshape(groups, (c // groups) * k[0] * k[1], n * out[0] * out[1])


def _col_windows(x: np.ndarray, k: Pair, out: Pair, s: Pair, p: Pair, d: Pair) -> np.ndarray:
    """The view (C, kh, kw, N, oh, ow) of x's windows that _cols copies (the forward copies it by images)."""
    return _windows(_pad_hw(x, p), k, out, s, d).transpose(1, 2, 3, 0, 4, 5)


def _grouped_rows(gy: np.ndarray, groups: int) -> np.ndarray:
    """(N, O, oh, ow) -> (groups, O/groups, N * oh * ow): the output gradient as the GEMMs want it."""
    n, o = gy.shape[:2]
    t = gy.reshape(n, groups, o // groups, -1).transpose(1, 2, 0, 3)
    return np.ascontiguousarray(t).reshape(groups, o // groups, -1)


_OUT_CHUNK = 1 << 17  # output elements per GEMM of the im2col forward (512 KB of float32; measured 4-16 images
# of the CNN's conv1 alike, 1 image 10% slower)


def _conv_fwd(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, s: Pair, p: Pair, d: Pair, groups: int,
              keep: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """The convolution (bias added while the product is laid out as (N, O, oh, ow)) and its im2col columns
    (the weight gradient reuses them: no second im2col); on the Winograd path its transformed input (flat, 1-D)
    when ``keep`` asks for it, else None."""
    # (meta arrays keep im2col's path, and its error)
    if x.__class__ is np.ndarray and w.dtype == x.dtype and _winograd_ok(x.shape, w.shape, x.dtype, s, p, d, groups):
        return _wino_fwd(x, w, b, p, keep)
    n = x.shape[0]
    o, _cg, kh, kw = w.shape
    oh = conv_out_size(x.shape[2], kh, s[0], p[0], d[0])
    ow = conv_out_size(x.shape[3], kw, s[1], p[1], d[1])
    if x.__class__ is not np.ndarray:  # meta arrays: shapes only
        cols = _cols(x, (kh, kw), (oh, ow), s, p, d, groups)
        prod = np.matmul(w.reshape(groups, o // groups, -1), cols)
        return prod.reshape(o, n, oh, ow).transpose(1, 0, 2, 3), cols
    # Products straight into the (N, O, L) layout, a few images per GEMM (the columns of an image are a strided
    # view of the batch's), each chunk's bias added while it is in cache: the same dot products (the same bits)
    # as one GEMM over N * L columns without its transposing pass (measured, 1 thread: 0.7x on the CNN's conv1,
    # 0.6-0.95x on grouped, strided and 1x1 convolutions).
    l = oh * ow
    og, kg = o // groups, x.shape[1] // groups * kh * kw
    win = _col_windows(x, (kh, kw), (oh, ow), s, p, d)
    cols = np.empty((groups, kg, n * l), dtype=x.dtype)
    cw = cols.reshape(win.shape)
    wg = w.reshape(groups, og, kg)
    cn = cols.reshape(groups, kg, n, l).transpose(2, 0, 1, 3)  # (N, G, Cg*kh*kw, L)
    out = np.empty((n, groups, og, l), dtype=np.result_type(x, w))
    bg = None if b is None else b.reshape(groups, og, 1)
    step = max(1, _OUT_CHUNK // (o * l))

    def part(starts: list[int]) -> None:
        mine = slice(starts[0], starts[-1] + step)
        np.copyto(cw[:, :, :, mine], win[:, :, :, mine])  # this thread's images' columns (im2col)
        for i in starts:
            sl = slice(i, i + step)
            np.matmul(wg, cn[sl], out=out[sl])
            if bg is not None:
                np.add(out[sl], bg, out=out[sl])

    parallel.run_parallel(part, parallel.split(range(0, n, step)))
    return out.reshape(n, o, oh, ow), cols


def _conv_adj_x(gy: np.ndarray, w: np.ndarray, s: Pair, p: Pair, d: Pair, groups: int, hw: Pair
                ) -> np.ndarray:
    """The adjoint of the convolution in x: columns w^T gy (one GEMM per group), added back into a
    (N, C, *hw) array with one strided add per kernel element (never a loop over pixels)."""
    n, o, oh, ow = gy.shape
    _o, cg, kh, kw = w.shape
    c = cg * groups
    x_shape = (n, c) + tuple(hw)
    if _wino_adjoint_ok(gy, w.shape, x_shape, w.dtype, s, p, d, groups):
        return _wino_bwd(gy, None, w, x_shape, w.shape, p)[0]
    wg = w.reshape(groups, o // groups, cg * kh * kw)
    cols = parallel.matmul(wg.transpose(0, 2, 1), _grouped_rows(gy, groups))  # (G, Cg*kh*kw, N * L)
    cols = cols.reshape(c, kh, kw, n, oh, ow)
    hp, wp = hw[0] + 2 * p[0], hw[1] + 2 * p[1]
    need_h, need_w = (oh - 1) * s[0] + d[0] * (kh - 1) + 1, (ow - 1) * s[1] + d[1] * (kw - 1) + 1
    xp = np.zeros((n, c, max(hp, need_h), max(wp, need_w)), dtype=gy.dtype)
    xt = xp.transpose(1, 0, 2, 3)
    for i in range(kh):
        hi = i * d[0]
        for j in range(kw):
            wj = j * d[1]
            xt[:, :, hi:hi + s[0] * (oh - 1) + 1:s[0], wj:wj + s[1] * (ow - 1) + 1:s[1]] += cols[:, i, j]
    if p[0] or p[1] or xp.shape[2] != hw[0] or xp.shape[3] != hw[1]:
        xp = np.ascontiguousarray(xp[:, :, p[0]:p[0] + hw[0], p[1]:p[1] + hw[1]])
    return xp


_THIN_GW = 32  # weight gradients with fewer output rows or columns per group than this: per-image products
# (measured ties at 32 x 144 and 128 x 64 outputs)


def _conv_adj_w(x: np.ndarray, gy: np.ndarray, k: Pair, s: Pair, p: Pair, d: Pair, groups: int,
                cols: np.ndarray | None = None) -> np.ndarray:
    """The adjoint of the convolution in w: gy times the input columns, one GEMM per group summing over
    the batch and the pixels at once, or per-image products summed when the gradient is thin (``cols``: the
    forward's im2col of x, when it kept them)."""
    oh, ow = gy.shape[2], gy.shape[3]
    w_shape = (gy.shape[1], x.shape[1] // groups) + tuple(k)
    if _wino_adjoint_ok(gy, w_shape, x.shape, x.dtype, s, p, d, groups):
        return _wino_bwd(gy, x, None, x.shape, w_shape, p, _wino_v(cols))[1]
    if cols is None:
        cols = _cols(x, k, (oh, ow), s, p, d, groups)
    n, o = gy.shape[:2]
    og, kg = o // groups, cols.shape[1]
    if min(og, kg) < _THIN_GW and gy.__class__ is np.ndarray and cols.__class__ is np.ndarray:
        # A thin gradient (few output channels or few columns per output: the CNN's conv1 has 9): one GEMM
        # over the N * L contraction runs BLAS's narrow edge kernel and needs gy transposed into rows first;
        # per-image products (strided views, no copy) summed over the images are 2-4x faster (measured, 1
        # thread; 2x slower with 64 x 576 outputs over 3x3 pixels) and as accurate (their own summation order:
        # not the one GEMM's bits).
        cn = cols.reshape(groups, kg, n, oh * ow).transpose(2, 0, 3, 1)  # (N, G, L, Cg*kh*kw)
        gw = np.add.reduce(parallel.matmul(gy.reshape(n, groups, og, oh * ow), cn), axis=0)
    else:
        gw = parallel.matmul(_grouped_rows(gy, groups), cols.transpose(0, 2, 1))  # (G, O/G, Cg*kh*kw)
    return gw.reshape(o, x.shape[1] // groups, k[0], k[1])


# -- Winograd F(2x2, 3x3) ---------------------------------------------------------------------------------------
# 3x3 convolutions with stride 1, dilation 1, one group and enough channels are Lavin & Gray's F(2x2, 3x3): each 2x2
# output tile is A^T [(G w G^T) . (B^T d B)] A over its 4x4 input tile d (tiles every 2 pixels), so the channel
# contraction becomes 16 GEMMs (one per position of the 4x4 transformed tile) with 2.25x fewer multiplies than
# im2col's one. The constants are 0, +-1 and +-1/2: results stay at float32 rounding level (measured: max error /
# max |y| ~3e-7, im2col's ~8e-7). The adjoints are the exact transposes of the same bilinear form, sharing the
# transformed output gradient A gy A^T: the input gradient adds B [(A gy A^T) U^T] B^T over the overlapping tiles,
# the weight gradient is G^T [sum over tiles of V^T (A gy A^T)] G.
# Inside, arrays are spatial-major (rows, cols, N, C): every transform step is one whole-array op on slices of
# the outer axes with N * C contiguous inside (numpy runs those at memory speed; NCHW's stride-2 tile slices
# are ~3x slower), and the work goes by chunks of tile rows so that the transformed arrays stay in cache and
# no large temporary is allocated (page faults on fresh 40 MB arrays cost as much as the arithmetic).

_WINO_ROWS = 1024  # GEMM rows (tiles x batch) per chunk: chunks of 1-4 MB (measured best of 512-4096)
# Fewest input / output channels for Winograd: with fewer, its 16 GEMMs are too thin for the transforms to pay
# (measured, batch 64 at 26x26, forward + both gradients, 1 thread: Cin 8 loses to im2col by 3% at 8 outputs and
# up to 2x at 64; Cin 12 wins by 12-16%, Cin 16 by 30%, Cin 32 by 2x; 8 outputs suffice from Cin 16)
_WINO_MIN_CIN = 12
_WINO_MIN_COUT = 8


def _winograd_ok(x_shape: tuple, w_shape: tuple, dtype: np.dtype, s: Pair, p: Pair, d: Pair, groups: int
                 ) -> bool:
    """Whether the convolution of (N, C, H, W) by (O, C, kh, kw) takes the Winograd path (so do its adjoints:
    the forward and both gradients are then one computation's transposes)."""
    o, cg, kh, kw = w_shape
    return (kh == 3 and kw == 3 and s == (1, 1) and d == (1, 1) and groups == 1 and cg >= _WINO_MIN_CIN
            and o >= _WINO_MIN_COUT and x_shape[0] > 0 and x_shape[2] + 2 * p[0] >= 3
            and x_shape[3] + 2 * p[1] >= 3 and dtype in (np.float32, np.float64))


def _g_rows(a: np.ndarray, axis: int) -> np.ndarray:
    """G along ``axis`` (3 -> 4): g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2."""
    g0, g1, g2 = (np.take(a, i, axis=axis) for i in range(3))
    s, h = (g0 + g2) * 0.5, g1 * 0.5
    return np.stack([g0, s + h, s - h, g2], axis=axis)


def _gt_rows(a: np.ndarray, axis: int) -> np.ndarray:
    """G^T along ``axis`` (4 -> 3), the adjoint of _g_rows."""
    u0, u1, u2, u3 = (np.take(a, i, axis=axis) for i in range(4))
    s, h = (u1 + u2) * 0.5, (u1 - u2) * 0.5
    return np.stack([u0 + s, h, s + u3], axis=axis)


def _wino_filter(w: np.ndarray) -> np.ndarray:
    """(O, C, 3, 3) -> U = G w G^T as (16, C, O): the right-hand sides of the 16 GEMMs."""
    u = _g_rows(_g_rows(w, 2), 3)
    return np.ascontiguousarray(u.transpose(2, 3, 1, 0)).reshape(16, w.shape[1], w.shape[0])


def _wino_filter_adj(gu: np.ndarray, o: int, c: int) -> np.ndarray:
    """(16, C, O) -> (O, C, 3, 3): G^T gu G, the adjoint of _wino_filter."""
    u = gu.reshape(4, 4, c, o).transpose(3, 2, 0, 1)
    return np.ascontiguousarray(_gt_rows(_gt_rows(u, 2), 3))


def _wino_in(xs: np.ndarray, a: np.ndarray, v: np.ndarray) -> None:
    """B^T d B of the 4x4 tiles (every 2 pixels) of xs (2nt+2, 2tw+2, N, C) into v (4, 4, nt, tw, N, C);
    ``a`` (4, nt, 2tw+2, N, C) is scratch. Rows: d0 - d2, d1 + d2, d2 - d1, d1 - d3, then the same on columns."""
    nt, tw = v.shape[2], v.shape[3]
    e, o = xs[0::2], xs[1::2]
    np.subtract(e[:nt], e[1:], out=a[0])
    np.add(o[:nt], e[1:], out=a[1])
    np.subtract(e[1:], o[:nt], out=a[2])
    np.subtract(o[:nt], o[1:], out=a[3])
    e, o = a[:, :, 0::2], a[:, :, 1::2]
    np.subtract(e[:, :, :tw], e[:, :, 1:], out=v[:, 0])
    np.add(o[:, :, :tw], e[:, :, 1:], out=v[:, 1])
    np.subtract(e[:, :, 1:], o[:, :, :tw], out=v[:, 2])
    np.subtract(o[:, :, :tw], o[:, :, 1:], out=v[:, 3])


def _bt_adj(v: np.ndarray, dst: np.ndarray, axis: int, fresh: bool = False) -> None:
    """Adds (``fresh``: writes) the adjoint of B^T along ``axis`` of dst: v[k] is component k of the tiles
    starting every 2 entries of dst (tiles overlap by 2); tile t gives v0 to entry 2t, v1 - v2 + v3 to 2t+1,
    v1 + v2 - v0 to 2t+2 and -v3 to 2t+3."""
    t = v.shape[axis + 1]
    pre = (slice(None),) * axis
    ev, od = dst[pre + (slice(0, None, 2),)], dst[pre + (slice(1, None, 2),)]
    v0, v1, v2, v3 = v
    first, rest, last = pre + (slice(0, t),), pre + (slice(1, t + 1),), pre + (t,)
    s = v1 + v2
    s -= v0
    if fresh:
        np.copyto(ev[first], v0)
        ev[last] = 0
        np.subtract(v1, v2, out=od[first])
        od[first] += v3
        od[last] = 0
    else:
        ev[first] += v0
        d = np.subtract(v1, v2)
        d += v3
        od[first] += d
    ev[rest] += s
    od[rest] -= v3


def _wino_out(m: np.ndarray, z: np.ndarray, y: np.ndarray) -> None:
    """A^T m A: m (4, 4, nt, tw, N, O) into y (2, 2, nt, tw, N, O); ``z`` (2, 4, nt, tw, N, O) is scratch."""
    np.add(m[0], m[1], out=z[0])
    z[0] += m[2]
    np.subtract(m[1], m[2], out=z[1])
    z[1] -= m[3]
    np.add(z[:, 0], z[:, 1], out=y[:, 0])
    y[:, 0] += z[:, 2]
    np.subtract(z[:, 1], z[:, 2], out=y[:, 1])
    y[:, 1] -= z[:, 3]


def _wino_gy(gs: np.ndarray, a: np.ndarray, gt: np.ndarray) -> None:
    """A g A^T, the adjoint of _wino_out: gs (2nt, 2tw, N, O) into gt (4, 4, nt, tw, N, O); ``a``
    (4, nt, 2tw, N, O) is scratch. Rows: g0, g0 + g1, g0 - g1, -g1, then the same on columns."""
    e, o = gs[0::2], gs[1::2]
    np.copyto(a[0], e)
    np.add(e, o, out=a[1])
    np.subtract(e, o, out=a[2])
    np.negative(o, out=a[3])
    e, o = a[:, :, 0::2], a[:, :, 1::2]
    np.copyto(gt[:, 0], e)
    np.add(e, o, out=gt[:, 1])
    np.subtract(e, o, out=gt[:, 2])
    np.negative(o, out=gt[:, 3])


def _wino_adjoint_ok(gy: np.ndarray, w_shape: tuple, x_shape: tuple, dtype: np.dtype, s: Pair, p: Pair, d: Pair,
                     groups: int) -> bool:
    """Whether an adjoint (input or weight gradient) takes the Winograd path: the forward would, and gy has
    exactly the forward's output size (a transposed convolution's output_padding rows are not covered)."""
    return (gy.__class__ is np.ndarray and gy.dtype == dtype and _winograd_ok(x_shape, w_shape, dtype, s, p, d, groups)
            and gy.shape[2] == x_shape[2] + 2 * p[0] - 2 and gy.shape[3] == x_shape[3] + 2 * p[1] - 2)


_PLANES = 128  # planes per block of a layout copy: a block's rows stay within the TLB's reach


def _to_spatial(a: np.ndarray, rows: int, cols: int, p: Pair) -> np.ndarray:
    """(N, C, H, W) -> (rows, cols, N * C) with a at offset p and zeros around it. The copy goes by blocks of
    planes: one strided pass over all N * C planes touches too many pages at once (measured 3-4x slower)."""
    n, c, h, w = a.shape
    out = np.zeros((rows, cols, n * c), a.dtype) if p != (0, 0) or rows > h or cols > w else \
        np.empty((rows, cols, n * c), a.dtype)
    src, dst = a.reshape(n * c, h, w), out[p[0]:p[0] + h, p[1]:p[1] + w]

    def copy(starts: list[int]) -> None:
        for i in starts:
            np.copyto(dst[:, :, i:i + _PLANES], src[i:i + _PLANES].transpose(1, 2, 0))

    parallel.run_parallel(copy, parallel.split(range(0, n * c, _PLANES)))
    return out


def _from_spatial(s: np.ndarray, shape: tuple, p: Pair, bias: np.ndarray | None = None) -> np.ndarray:
    """The (N, C, H, W) array at offset p of a spatial-major (rows, cols, >= N * C) one, plus ``bias`` (C,).
    Callers pad the last axis past N * C so that the transposed read does not stride by a power of two."""
    n, c, h, w = shape
    out = np.empty(shape, s.dtype)
    src, dst = s[p[0]:p[0] + h, p[1]:p[1] + w, :n * c].transpose(2, 0, 1), out.reshape(n * c, h, w)
    b = None if bias is None else np.tile(bias, n).reshape(n * c, 1, 1)

    def copy(planes: list[int]) -> None:
        sl = slice(planes[0], planes[-1] + 1)
        if b is None:
            np.copyto(dst[sl], src[sl])
        else:
            np.add(src[sl], b[sl], out=dst[sl])

    parallel.run_parallel(copy, parallel.split(range(n * c)))
    return out


class _WinoPlan:
    """Sizes and chunk buffers of one Winograd convolution of (N, C, H, W) by (O, C, 3, 3) with padding p:
    output (oh, ow) in th x tw tiles, processed nt tile rows at a time. Buffers are flat and viewed per chunk
    (the last chunk may be shorter)."""

    def __init__(self, x_shape: tuple, o: int, p: Pair, dtype: np.dtype) -> None:
        self.n, self.c, self.h, self.w = x_shape
        self.o, self.p, self.dtype = o, p, dtype
        self.oh, self.ow = self.h + 2 * p[0] - 2, self.w + 2 * p[1] - 2
        self.th, self.tw = (self.oh + 1) // 2, (self.ow + 1) // 2
        self.nt = max(1, min(self.th, _WINO_ROWS // (self.tw * self.n)))

    def chunks(self) -> list[tuple[int, int]]:
        """(first tile row, tile rows) of each chunk."""
        return [(t0, min(self.nt, self.th - t0)) for t0 in range(0, self.th, self.nt)]

    def chunk(self, flat: np.ndarray, t0: int, k: int, c: int) -> np.ndarray:
        """The (4, 4, k, tw, N, c) transformed chunk of tile rows t0 .. t0+k-1 in a flat buffer whose chunks
        follow each other (t0 = 0: a one-chunk scratch buffer)."""
        size = 16 * self.tw * self.n * c
        return flat[t0 * size:(t0 + k) * size].reshape(4, 4, k, self.tw, self.n, c)

    def buf(self, *shape: int) -> np.ndarray:
        return np.empty(int(np.prod(shape)), self.dtype)

    def spatial_x(self, x: np.ndarray) -> np.ndarray:
        """x padded to the tiles' (2th + 2, 2tw + 2) input rows and columns, spatial-major (.., .., N, C)."""
        xs = _to_spatial(x, 2 * self.th + 2, 2 * self.tw + 2, self.p)
        return xs.reshape(xs.shape[0], xs.shape[1], self.n, self.c)


def _wino_v(cols: np.ndarray | None) -> np.ndarray | None:
    """A Winograd forward's kept transformed input (1-D; im2col's columns are 3-D), else None."""
    return cols if cols is not None and cols.ndim == 1 else None


def _wino_fwd(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, p: Pair, keep: bool = False
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """The convolution of x by the 3x3 w (stride 1, padding p) as F(2x2, 3x3), bias added on the way out; with
    ``keep`` also the transformed input of every chunk (flat), which the weight gradient then reuses. Chunks
    write disjoint output rows: the threads (parallel.py) take contiguous runs of them."""
    pl = _WinoPlan(x.shape, w.shape[0], p, x.dtype)
    n, c, o, nt, tw = pl.n, pl.c, pl.o, pl.nt, pl.tw
    no, cols = n * o, 2 * tw + 2
    u = _wino_filter(w)
    xs = pl.spatial_x(x)
    v_all = pl.buf(16, pl.th, tw, n, c) if keep else None
    ys = np.empty((pl.th, 2, tw, 2, no + 16), x.dtype)  # padded past N * O for _from_spatial

    def work(chunks: list[tuple[int, int]]) -> None:
        a_f, m_f, z_f = pl.buf(4, nt, cols, n, c), pl.buf(16, nt, tw, n, o), pl.buf(8, nt, tw, n, o)
        v_f = v_all if keep else pl.buf(16, nt, tw, n, c)
        for t0, k in chunks:
            v = pl.chunk(v_f, t0 if keep else 0, k, c)
            _wino_in(xs[2 * t0:2 * t0 + 2 * k + 2], a_f[:4 * k * cols * n * c].reshape(4, k, cols, n, c), v)
            m = m_f[:16 * k * tw * no].reshape(16, k * tw * n, o)
            np.matmul(v.reshape(16, k * tw * n, c), u, out=m)
            y = ys[t0:t0 + k, ..., :no].reshape(k, 2, tw, 2, n, o).transpose(1, 3, 0, 2, 4, 5)
            _wino_out(m.reshape(4, 4, k, tw, n, o), z_f[:8 * k * tw * no].reshape(2, 4, k, tw, n, o), y)

    parallel.run_parallel(work, parallel.split(pl.chunks()))
    return _from_spatial(ys.reshape(2 * pl.th, 2 * tw, no + 16), (n, o, pl.oh, pl.ow), (0, 0), b), v_all


def _wino_bwd(gy: np.ndarray, x: np.ndarray | None, w: np.ndarray | None, x_shape: tuple, w_shape: tuple,
              p: Pair, v_all: np.ndarray | None = None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The adjoints of _wino_fwd from one transform of gy: the input gradient when w is given (x_shape: its
    shape), the weight gradient when x is given (from ``v_all``, the forward's kept transform of x, if any).
    Neighbouring chunks add into two shared rows of the input gradient, so the threads take the even chunks,
    then the odd ones; the weight gradient sums per-chunk products in chunk order (the same bits on any
    number of threads)."""
    o, c = w_shape[0], w_shape[1]
    pl = _WinoPlan(x_shape, o, p, gy.dtype)
    n, nt, tw, th = pl.n, pl.nt, pl.tw, pl.th
    nc, cols = n * c, 2 * tw + 2
    gys = _to_spatial(gy, 2 * th, 2 * tw, (0, 0)).reshape(2 * th, 2 * tw, n, o)
    chunks = pl.chunks()
    if w is not None:
        ut = np.ascontiguousarray(_wino_filter(w).transpose(0, 2, 1))  # (16, O, C)
        gxs = np.zeros((2 * th + 2, cols, nc + 16), gy.dtype)  # padded past N * C for _from_spatial
    if x is not None:
        xs = pl.spatial_x(x) if v_all is None else None
        gu_parts = np.empty((len(chunks), 16, c, o), gy.dtype)

    def work(part: list[tuple[int, tuple[int, int]]]) -> None:
        ag_f, gt_f = pl.buf(4, nt, 2 * tw, n, o), pl.buf(16, nt, tw, n, o)
        if w is not None:
            gxt_f, b_f = pl.buf(16, nt, tw, n, c), pl.buf(4, nt, cols, n, c)
        if x is not None and v_all is None:
            a_f, v_f = pl.buf(4, nt, cols, n, c), pl.buf(16, nt, tw, n, c)
        for i, (t0, k) in part:
            gt = gt_f[:16 * k * tw * n * o].reshape(4, 4, k, tw, n, o)
            _wino_gy(gys[2 * t0:2 * t0 + 2 * k], ag_f[:8 * k * tw * n * o].reshape(4, k, 2 * tw, n, o), gt)
            g16 = gt.reshape(16, k * tw * n, o)
            if w is not None:
                gxt = gxt_f[:16 * k * tw * nc].reshape(16, k * tw * n, c)
                np.matmul(g16, ut, out=gxt)
                bb = b_f[:4 * k * cols * nc].reshape(4, k, cols, n, c)
                _bt_adj(gxt.reshape(4, 4, k, tw, n, c).transpose(1, 0, 2, 3, 4, 5), bb, 2, fresh=True)
                _bt_adj(bb, gxs[2 * t0:2 * t0 + 2 * k + 2, :, :nc].reshape(2 * k + 2, cols, n, c), 0)
            if x is not None:
                if v_all is None:
                    v = pl.chunk(v_f, 0, k, c)
                    _wino_in(xs[2 * t0:2 * t0 + 2 * k + 2], a_f[:4 * k * cols * nc].reshape(4, k, cols, n, c), v)
                else:
                    v = pl.chunk(v_all, t0, k, c)
                np.matmul(v.reshape(16, k * tw * n, c).transpose(0, 2, 1), g16, out=gu_parts[i])

    numbered = list(enumerate(chunks))
    for phase in (numbered[0::2], numbered[1::2]) if w is not None else (numbered,):
        parallel.run_parallel(work, parallel.split(phase))
    gx = None if w is None else _from_spatial(gxs, x_shape, p)
    gw = None if x is None else _wino_filter_adj(np.add.reduce(gu_parts, axis=0), o, c)
    return gx, gw


# -- convolution family ------------------------------------------------------------------------------------------

def conv2d(x: Tensor, w: Tensor, b: Tensor | None, stride: Pair, padding: Pair, dilation: Pair,
           groups: int) -> Tensor:
    """2-D convolution of (N, C, H, W) with (O, C/groups, kh, kw), libtorch's ConvolutionBackward0."""
    if _autocast.enabled:
        x, w, b = O.autocast_args(x, w, b)
    need = _mode.enabled and w._requires_grad
    out, cols = _conv_fwd(x._data, w._data, None if b is None else b._data, stride, padding, dilation, groups,
                          need)
    # The columns are kept for the weight gradient only when one will be asked for (the version check of x
    # keeps them in step with x).
    keep = cols if need else None
    return record(out, "ConvolutionBackward0", D.conv2d, (x, w, b),
                  (x, w, stride, padding, dilation, groups, keep))


def conv_transpose2d(y: Tensor, w: Tensor, b: Tensor | None, stride: Pair, padding: Pair, dilation: Pair,
                     groups: int, out_hw: Pair) -> Tensor:
    """Transposed convolution of (N, Cin, h, w) with (Cin, Cout/groups, kh, kw) to (N, Cout, *out_hw)."""
    if _autocast.enabled:
        y, w, b = O.autocast_args(y, w, b)
    out = _conv_adj_x(y._data, w._data, stride, padding, dilation, groups, out_hw)
    if b is not None:
        out += b._data.reshape(1, -1, 1, 1)
    return record(out, "ConvolutionBackward0", D.conv_transpose2d, (y, w, b),
                  (y, w, stride, padding, dilation, groups))


def conv2d_weight(x: Tensor, gy: Tensor, k: Pair, stride: Pair, padding: Pair, dilation: Pair,
                  groups: int, cols: np.ndarray | None = None) -> Tensor:
    """The weight gradient of conv2d (bilinear in x and gy), itself differentiable; ``cols``: x's im2col
    columns when the caller has them."""
    out = _conv_adj_w(x._data, gy._data, k, stride, padding, dilation, groups, cols)
    return record(out, "ConvolutionBackwardBackward0", D.conv2d_weight, (x, gy),
                  (x, gy, stride, padding, dilation, groups))


def conv2d_backward(g: Tensor, x: Tensor, w: Tensor, stride: Pair, padding: Pair, dilation: Pair, groups: int,
                    cols: np.ndarray | None = None) -> tuple[Tensor, Tensor]:
    """Both gradients of conv2d at first order (unrecorded): conv_transpose2d(g, w) and conv2d_weight(x, g)
    with the same bits, the Winograd path transforming g once for both."""
    gd, xd, wd = g._data, x._data, w._data
    if _wino_adjoint_ok(gd, wd.shape, xd.shape, xd.dtype, stride, padding, dilation, groups) and wd.dtype == xd.dtype:
        gx, gw = _wino_bwd(gd, xd, wd, xd.shape, wd.shape, padding, _wino_v(cols))
    else:
        gx = _conv_adj_x(gd, wd, stride, padding, dilation, groups, xd.shape[2:])
        gw = _conv_adj_w(xd, gd, wd.shape[2:], stride, padding, dilation, groups, cols)
    return _wrap(gx), _wrap(gw)


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


def hardsigmoid(x: Tensor) -> Tensor:
    """min(max(x + 3, 0), 6) / 6, libtorch's kernel; its gradient is libtorch's hardsigmoid_backward (1/6 strictly
    inside (-3, 3), else 0, NaN inputs included)."""
    d = x._data
    return record(np.clip(d + 3, 0, 6) / 6, "HardsigmoidBackward0", D.hardsigmoid, (x,), (x,))


def hardswish(x: Tensor) -> Tensor:
    """x * min(max(x + 3, 0), 6) / 6, libtorch's kernel; its gradient is libtorch's hardswish_backward (0 up to -3,
    x / 3 + 1/2 strictly between -3 and 3, 1 from 3 on)."""
    d = x._data
    return record(d * np.clip(d + 3, 0, 6) / 6, "HardswishBackward0", D.hardswish, (x,), (x,))


def silu(x: Tensor) -> Tensor:
    """x / (1 + exp(-x)), libtorch's silu kernel: float32 through its vectorised exp (``vecmath.expf_u10``),
    so results equal libtorch's bit for bit; other float types with numpy's exp (float16 computed in
    float32)."""
    d = x._data
    with np.errstate(over="ignore", invalid="ignore"):
        if d.dtype == np.float64:
            out = d / (1.0 + np.exp(-d))
        else:
            d32 = d.astype(np.float32, copy=False)
            out = (d32 / (np.float32(1) + expf_u10(-d32))).astype(d.dtype, copy=False)
    return record(out, "SiluBackward0", D.silu, (x,), (x,))


def silu_backward(g: Tensor, x: Tensor) -> Tensor:
    """libtorch's silu_backward kernel, g * s * (1 + x (1 - s)) with s = 1 / (1 + exp(-x)); in float32 with
    its vectorised exp and the fused multiply-add its AVX2 build makes of ``1 + x * (1 - s)``."""
    gd, d = g._data, x._data
    with np.errstate(over="ignore", invalid="ignore"):
        if d.dtype == np.float64:
            s = 1.0 / (1.0 + np.exp(-d))
            out = gd * s * (1.0 + d * (1.0 - s))
        else:
            one = np.float32(1)
            d32 = d.astype(np.float32, copy=False)
            s = one / (one + expf_u10(-d32))
            out = (gd.astype(np.float32, copy=False) * s * fma32(d32, one - s, one)).astype(d.dtype, copy=False)
    return _wrap(out)


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
    # A NaN anywhere (one reduction finds it) makes each step also look for NaNs.
    nan = xd.dtype.kind == "f" and xd.size > 0 and bool(np.isnan(xd.max()))
    disjoint = s[0] >= k[0] and s[1] >= k[1] and d == (1, 1)
    if not nan and s == k and k != (1, 1) and d == (1, 1) and xp is xd:
        best, kidx = _tiled_max(xd, k, out)
        return _max_pool_result(x, best, kidx, k, s, p, d, out, disjoint)
    best = None
    kidx = np.zeros((n, c) + tuple(out), dtype=np.intp)
    for i in range(k[0]):
        for j in range(k[1]):
            sl = xp[:, :, i * d[0]:i * d[0] + s[0] * (out[0] - 1) + 1:s[0],
                    j * d[1]:j * d[1] + s[1] * (out[1] - 1) + 1:s[1]]
            if best is None:
                best = sl.copy()
                continue
            upd = np.greater(sl, best)
            if nan:
                upd |= np.isnan(sl)
            np.copyto(best, sl, where=upd)
            np.copyto(kidx, i * k[1] + j, where=upd)
    return _max_pool_result(x, best, kidx, k, s, p, d, out, disjoint)


def _tiled_max(xd: np.ndarray, k: Pair, out: Pair) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling whose windows tile the input (stride = kernel, no padding or dilation, no NaN), as whole-array
    passes over the kh * kw strided candidate planes in libtorch's row-major scan order: the running maximum
    takes a candidate only when it is greater (``np.maximum(cand, best)`` returns its second operand on equal
    values, x86's max: so -0.0 and 0.0 keep the earlier one, as libtorch), then the window position of the
    first candidate equal to the maximum (the number of leading candidates that differ from it)."""
    (kh, kw), (oh, ow) = k, out
    kt = np.uint8 if kh * kw < 256 else np.intp
    best = np.empty(xd.shape[:2] + (oh, ow), xd.dtype)
    kidx = np.zeros(best.shape, kt)

    def part(s: slice) -> None:  # images s (parallel.py's threads take one slice each)
        x, b, ki = xd[s, :, :oh * kh, :ow * kw], best[s], kidx[s]
        cands = [x[:, :, i::kh, j::kw] for i in range(kh) for j in range(kw)]
        np.copyto(b, cands[0])
        for cand in cands[1:]:
            np.maximum(cand, b, out=b)
        miss = np.not_equal(cands[0], b)
        for cand in cands[1:-1]:
            ki += miss
            miss &= np.not_equal(cand, b)
        ki += miss

    parallel.for_slices(part, xd.shape[0], xd.size)
    return best, kidx


def _max_pool_result(x: Tensor, best: np.ndarray, kidx: np.ndarray, k: Pair, s: Pair, p: Pair, d: Pair,
                     out: Pair, disjoint: bool) -> tuple[Tensor, np.ndarray]:
    """The pooled tensor and the flat (H*W) index of each maximum from its position ``kidx`` in the window."""
    w = x._data.shape[3]
    start = (np.arange(out[0]).reshape(-1, 1) * s[0] - p[0]) * w + np.arange(out[1]) * s[1] - p[1]
    ki, kj = np.divmod(np.arange(k[0] * k[1]), k[1])
    idx = np.take(ki * d[0] * w + kj * d[1], kidx)
    idx += start
    t = record(best, "MaxPool2DWithIndicesBackward0", D.pool_index, (x,), (x._data.shape, idx, disjoint))
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


# -- normalization ----------------------------------------------------------------------------------------------

def _row_means(d: np.ndarray, k: int) -> np.ndarray:
    """The means over the last ``k`` dims (kept) of float32/float64 data: rows of up to 4096 elements as one
    BLAS matrix-vector product with ones, then divided by the count (numpy's reduce sums short rows one at a time,
    ~5x slower: layer norm's 64-wide rows). The BLAS's summation order, not numpy's pairwise one: the same sum
    within rounding. Other data: ``O._np_mean``."""
    n = math.prod(d.shape[d.ndim - k:])
    if d.dtype.metadata is not None or d.dtype not in (np.float32, np.float64) or not 0 < n <= 4096:
        return O._np_mean(d, tuple(range(d.ndim - k, d.ndim)), True)
    s = np.matmul(d.reshape(-1, n), np.ones(n, d.dtype))
    s /= n
    return s.reshape(d.shape[:d.ndim - k] + (1,) * k)


def layer_norm(x: Tensor, w: Tensor | None, b: Tensor | None, k: int, eps: float) -> Tensor:
    """Layer normalization over the last ``k`` dims as ONE node (libtorch's NativeLayerNormBackward0):
    ``(x - mean) / sqrt(var + eps) * w + b``, the means by ``_row_means`` (one matrix-vector product each);
    ``w`` / ``b``: None or of the normalized shape and x's dtype. The rule is the closed form (three
    reductions) at first order; higher orders differentiate ``layer_norm_reference``."""
    d = x._data
    # np.var's own steps (the mean, the centred values squared, their mean), and the centred values kept for xhat
    centred = d - _row_means(d, k)
    sq = centred * centred
    with np.errstate(divide="ignore", invalid="ignore"):
        var = _row_means(sq, k)
        rstd = 1 / np.sqrt(var + eps)
    # the squares' buffer takes xhat, and the centred values' (no longer needed) the scaled output: two
    # full-size temporaries fewer, the same values
    xhat = np.multiply(centred, rstd, out=sq) if sq.shape == d.shape else centred * rstd
    out = xhat
    if w is not None:
        out = np.multiply(xhat, w._data, out=centred) if np.broadcast_shapes(d.shape, w._data.shape) == d.shape \
            and centred.dtype == np.result_type(d, w._data) else out * w._data
    if b is not None:
        if out is xhat or out.shape != d.shape:
            out = out + b._data
        else:
            out += b._data  # out is this op's own (and of the result's shape): no new array
    if out is xhat and _mode.enabled and x._requires_grad:
        out = xhat.copy()  # xhat is saved for the rule: the output must not alias it
    return record(out, "NativeLayerNormBackward0", D.layer_norm, (x, w, b), (x, w, b, k, eps, xhat, rstd))


def layer_norm_reference(x: Tensor, w: Tensor | None, b: Tensor | None, k: int, eps: float) -> Tensor:
    """``layer_norm`` written with primitives (differentiable to any order)."""
    axes = tuple(range(x._data.ndim - k, x._data.ndim))
    out = O.mul(O.sub(x, O.mean(x, axes, keepdim=True)),
                O.rsqrt(O.add(O.var(x, axes, correction=0, keepdim=True), eps)))
    if w is not None:
        out = O.mul(out, w)
    if b is not None:
        out = O.add(out, b)
    return out


# -- attention -------------------------------------------------------------------------------------------------------

def safe_softmax(x: Tensor) -> Tensor:
    """libtorch's _safe_softmax over the last dim: rows that are -Inf everywhere give 0 rather than NaN."""
    # a row is -Inf everywhere exactly when its max is -Inf (a NaN makes the max NaN): one reduction, where
    # all(isneginf(...)) made three full passes and a fourth reduction
    d = x._data
    if d.size and d.dtype.kind == "f":
        m = O._max_keep(d, -1)
        full = np.equal(m, -np.inf)
        if not full.any():
            return O.softmax(x, -1, m)
    else:
        full = np.all(np.isneginf(d), axis=-1, keepdims=True)
        if not full.any():
            return O.softmax(x, -1)
    # fully masked rows: softmax of zeros (finite, so no NaN reaches the gradient), then zeroed
    rows = Tensor._wrap(np.broadcast_to(full, x.shape).copy())
    return O.masked_fill(O.softmax(O.masked_fill(x, rows, 0.0), -1), rows, 0.0)


def pairwise_sum0(a: np.ndarray) -> np.ndarray:
    """The sums over axis 0 in the order numpy's ``np.add.reduce`` sums a contiguous last axis (pairwise: 8
    running sums, then a tree; halves above 128 elements; added to a zero), vectorised over the other axes.

    Kept transposed, softmax's sums run as a few whole-array passes (numpy reduces a short last axis a row at a
    time, ~10x slower) and still equal ``O.softmax``'s bit for bit.

    Example:
        >>> a = np.arange(40.0).reshape(20, 2); pairwise_sum0(a).tolist()
        [380.0, 400.0]
    """
    out = _pairwise(a)
    out += 0  # numpy adds the row's sum to the identity, 0: a sum of -0s is +0
    return out


def _pairwise(a: np.ndarray) -> np.ndarray:
    n = a.shape[0]
    if n < 8:
        out = np.zeros(a.shape[1:], a.dtype)
        for i in range(n):
            out += a[i]
        return out
    if n > 128:
        h = n // 2
        h -= h % 8
        return _pairwise(a[:h]) + _pairwise(a[h:])
    m = n - n % 8
    r = np.add.reduce(a[:m].reshape(m // 8, 8, *a.shape[1:]), axis=0)  # r[j] = a[j] + a[j + 8] + ...
    r = r[0::2] + r[1::2]
    r = r[0::2] + r[1::2]
    out = r[0] + r[1]  # ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(m, n):
        out += a[i]
    return out


def _heads(a: np.ndarray, batch_first: bool = False) -> np.ndarray:
    """(X, N, H, Y) -> (N, H, X, Y), or (N, X, H, Y) -> (N, H, X, Y) with ``batch_first``: the per-head matrices
    of a packed layout, as a view (batch dims first)."""
    return a.transpose(0, 2, 1, 3) if batch_first else a.transpose(1, 2, 0, 3)


def _weights_buffer(length: int, batch: int, heads: int, dtype: np.dtype) -> np.ndarray:
    """A (S, N * H * L + pad) array for the transposed attention weights (or their gradient): each S row padded
    by a cache line of zeros. With N * H * L a multiple of 1024, unpadded rows 4 KiB multiples apart map all rows
    of a head's matrix to one L1 cache set (the products writing them ran ~1.3x slower); the elementwise passes
    run over the whole array (contiguous; the pad's values stay finite), the products on ``_weights_view``."""
    n = batch * heads * length
    buf = np.empty((length, n + 64 // dtype.itemsize), dtype)
    buf[:, n:] = 0
    return buf


def _weights_view(buf: np.ndarray, batch: int, heads: int) -> np.ndarray:
    """The (S, N, H, L) weights inside a ``_weights_buffer``."""
    length = buf.shape[0]
    return buf[:, :batch * heads * length].reshape(length, batch, heads, length)


def self_attention_packed(proj: Tensor, heads: int, scale: np.floating, batch_first: bool = False,
                          mask: np.ndarray | None = None) -> Tensor:
    """Multi-head self-attention from the packed in-projection ``proj`` (L, N, 3E) = [q | k | v] ((N, L, 3E)
    with ``batch_first``) as ONE node: per head softmax((q * scale) k^T + mask) v, the heads merged: (L, N, E)
    ((N, L, E)), the values of ``self_attention_packed_reference`` (the same numpy products and sums).
    ``mask``: None or an additive float mask of proj's dtype, (1 or N * H, 1 or L, S), heads batch-major.

    Nothing is copied into head order: the products read the heads of ``proj`` through strided views and write
    theirs in place; the attention weights are kept transposed, (S, N, H, L), so softmax's max, sum and
    division are whole-array passes over axis 0; the rule writes the three gradients into one buffer of
    ``proj``'s shape (split views gave three zero-filled ones, summed by the engine). Rows whose scores are all
    -Inf give zero weights (``safe_softmax``). Higher orders differentiate the reference.

    Example:
        >>> p = Tensor._wrap(np.ones((3, 2, 12), np.float32))
        >>> self_attention_packed(p, 2, np.float32(0.5))._data.shape
        (3, 2, 4)
    """
    p = proj._data
    a0, a1, e3 = p.shape
    length, batch = (a1, a0) if batch_first else (a0, a1)
    hd = e3 // 3 // heads
    p5 = p.reshape(a0, a1, 3, heads, hd)
    q = np.multiply(p5[:, :, 0], scale)  # O.mul(q, scale)'s values; a new contiguous array
    buf = _weights_buffer(length, batch, heads, p.dtype)  # the scores, then the weights, transposed
    parallel.matmul(_heads(p5[:, :, 1], batch_first), _heads(q, batch_first).swapaxes(-1, -2),
                    out=_heads(_weights_view(buf, batch, heads)))
    if mask is not None:  # (S, N|1, H|1, L|1): the mask's layout transposed as the scores'
        grouped = mask.shape[0] > 1
        view = _weights_view(buf, batch, heads)
        np.add(view, mask.reshape(batch if grouped else 1, heads if grouped else 1, *mask.shape[1:])
               .transpose(3, 0, 1, 2), out=view)
    m = np.maximum.reduce(buf, axis=0)  # the max is exact: any order gives O.softmax's shift
    full = np.equal(m, -np.inf)
    if full.any():  # all -Inf: a zero shift, so exp gives zeros and no NaN, and a sum of 1 (zero weights)
        m[full] = 0
    np.subtract(buf, m, out=buf)
    np.exp(buf, out=buf)
    s = pairwise_sum0(buf)
    if full.any():
        s[full] = 1
    buf /= s
    out = np.empty((a0, a1, heads, hd), p.dtype)
    parallel.matmul(_heads(_weights_view(buf, batch, heads)).swapaxes(-1, -2), _heads(p5[:, :, 2], batch_first),
                    out=_heads(out, batch_first))
    return record(out.reshape(a0, a1, e3 // 3), "SelfAttentionPackedBackward0", D.self_attention_packed, (proj,),
                  (proj, heads, scale, batch_first, mask, q, buf))


def self_attention_packed_reference(proj: Tensor, heads: int, scale: np.floating, batch_first: bool = False,
                                    mask: np.ndarray | None = None) -> Tensor:
    """``self_attention_packed`` written with primitives (differentiable to any order)."""
    if batch_first:
        return O.transpose(self_attention_packed_reference(O.transpose(proj, 0, 1), heads, scale, False, mask), 0, 1)
    length, batch, e3 = proj.shape
    e = e3 // 3

    def split_heads(t: Tensor) -> Tensor:  # (L, N, E) -> (N * H, L, hd)
        return O.transpose(O.reshape(t, (length, batch * heads, e // heads)), 0, 1)

    q, k, v = O.split(proj, 2, [e, e, e])
    scores = O.matmul(split_heads(O.mul(q, scale)), O.transpose(split_heads(k), 1, 2))
    if mask is not None:
        scores = O.add(Tensor._wrap(mask), scores)
    return O.reshape(O.transpose(O.matmul(safe_softmax(scores), split_heads(v)), 0, 1), (length, batch, e))


# -- recurrent layers ----------------------------------------------------------------------------------------------

# The fused layer keeps each step's gates gate-major, (4, B, H): every gate a contiguous block, so each numpy
# call per step runs on contiguous memory (row slices of a (B, 4H) array cost a strided loop per row). The
# sigmoid gates' pre-activations are computed NEGATED (their rows of the weights and the bias negated once:
# exact), so that a step takes u = 1 + exp(-x) in two in-place passes and its products divide by u instead of
# multiplying by the gate 1 / u (exp overflowing to inf gives the limit 0): not the six passes of ops._sigmoid's
# stable form and one pass per product. ``fac`` (7, T, B, H) holds step t's blocks at fac[:, t]:
#   0 u of o, 1 tanh(c), 2 u of f, 3 i g, 4 u of i, 5 f c_prev, 6 g
# the gates at stride 2 (one GEMM's output), the sigmoid gates (o, f, i) among them. When a gradient will be
# needed, every _LSTM_CHUNK steps the factors their backward steps multiply by replace them in place
# (_lstm_backward_factors: a few steps per numpy call, while they are in cache; first the gates 1 / u, then
# x' = x (1 - x) for a sigmoid gate; two passes each, from the products the step made, h = o tanh(c) among them):
#   0 (spent), 1 o (1 - tanh(c)^2) = o - h tanh(c), 2 f, 3 tanh(c) o' = h - h o,
#   4 g i' = i g - i g i, 5 c_prev f' = f c_prev (1 - f), 6 i (1 - g^2) = i - i g g
# The rule writes each step's gate gradients over the factors they come from: blocks 3:7 become the gradients
# of gates (o, i, f, g), gate-major over all steps, the weight gradients' left-hand side as they are.
_LSTM_FWD_GATES = (3, 1, 0, 2)  # libtorch's gate (i, f, g, o) of each forward gate (o, f, i, g)
_LSTM_GRAD_GATES = (3, 0, 1, 2)  # libtorch's gate of each gradient block 3:7 (o, i, f, g)
_LSTM_SAVED_BLOCKS = 7
# 5 steps' blocks (560 KB at batch 32, hidden 128) stay in L2: the factors take 0.45 ms of the training step so,
# 0.56 ms made for all 50 steps after the loop
_LSTM_CHUNK = 5


def _lstm_gate_major(w: np.ndarray, hs: int) -> np.ndarray:
    """(4H, ...) rows in libtorch's gate order -> (4, H, ...) in the forward order (o, f, i, g) (a copy)."""
    return w.reshape(4, hs, *w.shape[1:])[list(_LSTM_FWD_GATES)]


def _lstm_backward_factors(fac: np.ndarray, h: np.ndarray, one: np.ndarray, scratch: np.ndarray) -> None:
    """Steps' blocks (7, k, B, H) of ``fac`` from the forward's values to the backward's factors, in place (layout
    above); ``h`` (k, B, H) their hidden states, ``scratch`` (k, B, H)."""
    o, tc, f, ig, i, fc, g = fac
    np.divide(one, fac[0:5:2], out=fac[0:5:2])  # the sigmoid gates o, f, i
    np.multiply(h, tc, out=tc)
    np.subtract(o, tc, out=tc)
    np.multiply(ig, g, out=g)
    np.subtract(i, g, out=g)
    np.multiply(ig, i, out=i)
    np.subtract(ig, i, out=i)
    np.multiply(h, o, out=ig)
    np.subtract(h, ig, out=ig)
    np.subtract(one, f, out=scratch)
    np.multiply(fc, scratch, out=fc)


def _lstm_run(xd: np.ndarray, h0: np.ndarray, c0: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
              biases: list, reverse: bool, keep: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``lstm_layer``'s numpy: (its output, ``fac`` (above; the backward factors when ``keep``), the GEMMs' rows
    [h_prev | x | 1] (T, B, width)); ``biases`` the present ones of (b_ih, b_hh)."""
    steps, batch, n_in = xd.shape
    hs = w_hh.shape[1]
    dt = np.result_type(xd, w_ih, w_hh, *biases)
    width = hs + n_in + bool(biases)
    # One GEMM a step with the input projection and the bias inside it (~10% faster than the recurrent GEMM
    # plus its share of one projection GEMM over all steps plus a pass adding the two, and no (4, T, B, H)
    # array of projections); the weights' gate blocks transposed contiguous (~30% faster than through views).
    w = np.empty((4, width, hs), dtype=dt)
    w[:, :hs] = _lstm_gate_major(w_hh, hs).transpose(0, 2, 1)
    w[:, hs:hs + n_in] = _lstm_gate_major(w_ih, hs).transpose(0, 2, 1)
    if biases:
        w[:, -1] = _lstm_gate_major(biases[0] + biases[1] if len(biases) == 2 else biases[0], hs)
    np.negative(w[:3], out=w[:3])
    rows = np.empty((steps, batch, width), dtype=dt)
    rows[:, :, hs:hs + n_in] = xd
    if biases:
        rows[:, :, -1] = 1
    if steps:
        rows[-1 if reverse else 0, :, :hs] = h0
    after = -1 if reverse else 1  # the step that takes step t's h as its h_prev: t + after
    out = np.empty((steps, 2, batch, hs), dtype=dt)
    fac = np.empty((_LSTM_SAVED_BLOCKS, steps if keep else 1, batch, hs), dtype=dt)
    scratch = np.empty((_LSTM_CHUNK, batch, hs), dtype=dt) if keep else None
    one = np.ones((), dtype=dt)  # an array, not the number: ~0.5 us less per call (no scalar conversion)
    c = c0
    with np.errstate(over="ignore"):  # exp(-x) of a very negative pre-activation x: inf, and 1 / (1 + inf) = 0
        for n, t in enumerate(range(steps - 1, -1, -1) if reverse else range(steps), 1):
            a = fac[:, t if keep else 0]
            np.matmul(rows[t], w, out=a[0:7:2])
            u = a[0:5:2]
            np.exp(u, out=u)
            np.add(u, one, out=u)  # 1 + exp(-x) of o, f, i
            g = np.tanh(a[6], out=a[6])
            c = np.add(np.divide(c, a[2], out=a[5]), np.divide(g, a[4], out=a[3]), out=out[t, 1])
            h = np.divide(np.tanh(c, out=a[1]), a[0], out=out[t, 0])
            if n < steps:
                rows[t + after, :, :hs] = h
            if keep and (n % _LSTM_CHUNK == 0 or n == steps):
                k = (n - 1) % _LSTM_CHUNK + 1
                lo = t if reverse else t + 1 - k
                _lstm_backward_factors(fac[:, lo:lo + k], out[lo:lo + k, 0], one, scratch[:k])
    return out, fac, rows


def lstm_layer(x: Tensor, h0: Tensor, c0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
               b_hh: Tensor | None, reverse: bool = False) -> Tensor:
    """A whole LSTM layer over (T, B, in) as ONE node: (T, 2, B, H), step t's hidden and cell state.

    Each step's gates are ONE batched GEMM, [h_prev | x_t | 1] @ [W_hh; W_ih; b_ih + b_hh] per gate (the gates
    gate-major, see above; the weights the user sees keep libtorch's (i, f, g, o)), then numpy passes in
    preallocated buffers. Those rows [h_prev | x | 1] of every step are built as the steps run and saved: they
    are also the weight gradients' right-hand side. The sums are not those of ``lstm_layer_reference``
    (libtorch's cell, (x W_ih^T + b_ih) + (h W_hh^T + b_hh)) but the GEMM's, as oneDNN's LSTM (libtorch's CPU
    path) pre-sums the biases: the two agree to float rounding. The rule (``derivatives.lstm_layer``) runs back
    through time with the factors saved here and gets the weight gradients as one GEMM per gate over all steps;
    a gradient of a gradient recomputes the layer from primitives (``lstm_layer_reference``). ``reverse`` runs
    the steps from last to first (a bidirectional layer's backward direction).

    Example:
        >>> z = Tensor._wrap(np.zeros((2, 1, 3), np.float32))
        >>> w = Tensor._wrap(np.full((8, 3), 0.5, np.float32)); u = Tensor._wrap(np.zeros((8, 2), np.float32))
        >>> h = Tensor._wrap(np.zeros((1, 2), np.float32))
        >>> lstm_layer(z, h, h, w, u, None, None)._data.shape
        (2, 2, 1, 2)
    """
    # record()'s condition: whether the rule will run (then the backward factors are stored)
    keep = _mode.enabled and any(t is not None and t.requires_grad for t in (x, h0, c0, w_ih, w_hh, b_ih, b_hh))
    out, fac, rows = _lstm_run(x._data, h0._data, c0._data, w_ih._data, w_hh._data,
                               [b._data for b in (b_ih, b_hh) if b is not None], reverse, keep)
    # the factors in a list: the rule takes them out (its gradients overwrite them), see derivatives.lstm_layer
    return record(out, "LstmLayerBackward0", D.lstm_layer, (x, h0, c0, w_ih, w_hh, b_ih, b_hh),
                  (x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, [fac], rows))


def lstm_layer_reference(x: Tensor, h0: Tensor, c0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
                         b_hh: Tensor | None, reverse: bool = False) -> Tensor:
    """``lstm_layer`` written with primitives, step by step (differentiable to any order)."""
    hs = w_hh._data.shape[1]
    steps = x._data.shape[0]
    h, c = h0, c0
    outs: list = [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        gates = O.add(O.linear(O.index(x, t), w_ih, b_ih), O.linear(h, w_hh, b_hh))
        i = O.sigmoid(narrow(gates, 1, 0, hs))
        f = O.sigmoid(narrow(gates, 1, hs, hs))
        g = O.tanh(narrow(gates, 1, 2 * hs, hs))
        o = O.sigmoid(narrow(gates, 1, 3 * hs, hs))
        c = O.add(O.mul(f, c), O.mul(i, g))
        h = O.mul(o, O.tanh(c))
        outs[t] = O.stack([h, c], 0)
    return O.stack(outs, 0)


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
