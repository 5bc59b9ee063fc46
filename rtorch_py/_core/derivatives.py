"""The derivative rules: one entry per primitive op in ``ops.py``.

``rule(grad, *saved) -> gradient per input`` (a tuple, or one tensor for one-input ops; None where an input
gets no gradient). Rules are written with tensor ops, so with ``create_graph=True`` they are themselves
recorded and higher-order gradients come for free. Gradients may keep a broadcast shape: the engine sums them
back to each input's shape (``ops.sum_to``) and casts them to its dtype.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import ops as O  # noqa: N812 - ops imports this module first; attributes resolve at call time

# ruff: noqa: E704


def _is_t(x: Any) -> bool:
    return x.__class__ is O.Tensor


def _zeros(shape: tuple, like: Any) -> Any:
    return O.Tensor._wrap(np.zeros(shape, dtype=like._data.dtype))


# -- elementwise ------------------------------------------------------------------------------------------

def identity(g): return g
def zero_grad1(g): return g * 0
def zero_grad2(g): return g * 0, g * 0
def add(g, alpha=1): return g, (g if alpha == 1 else g * alpha)
def sub(g, alpha): return g, (-g if alpha == 1 else g * -alpha)


def _cj(x):
    """conj(x) for complex tensors (PyTorch's convention: the gradient is d/d(re) + i d/d(im)), else x."""
    if x.__class__ is O.Tensor and x._data.dtype.kind == "c":
        return _cx().conj(x)
    return x.conjugate() if isinstance(x, complex) else x


def _cx():
    from . import complex_ops
    return complex_ops


def mul(g, a, b):
    return (g * _cj(b) if _is_t(a) else None), (g * _cj(a) if _is_t(b) else None)


def div(g, a, b):
    ga = g / _cj(b) if _is_t(a) else None
    gb = -g * _cj(a / (b * b)) if _is_t(b) else None
    return ga, gb


def pow(g, a, b, out):  # noqa: A001
    ga = gb = None
    if _is_t(a):
        if _is_t(b):  # libtorch: 0 where the exponent is 0 (no 0 * 0^-1 = nan)
            ga = O.where(O.eq(b, 0), 0.0, g * _cj(b * O.pow(a, b - 1)))
        elif b != 0:
            ga = g * _cj(b * O.pow(a, b - 1))
        else:
            ga = g * 0
    if _is_t(b):
        # d/db a^b = a^b log a, taken as 0 where a == 0 and b >= 0 (as libtorch) to avoid 0 * -inf.
        if _is_t(a):
            gb = g * _cj(out * O.where(O.logical_and(O.eq(a, 0), O.ge(b, 0)), 0.0, O.log(a)))
        elif a == 0:
            gb = g * O.where(O.ge(b, 0), 0.0, out * -math.inf)
        else:
            gb = g * _cj(out * math.log(a))
    return ga, gb


def lerp(g, a, b, w):
    gw = g * (b - a) if _is_t(w) else None
    return g * (1 - w), g * w, gw


def addcmul(g, t1, t2, value):
    gv = g if value == 1 else g * value
    return g, gv * t2, gv * t1


def addcdiv(g, t1, t2, value):
    gv = g if value == 1 else g * value
    return g, gv / t2, -gv * t1 / (t2 * t2)


def maximum(g, a, b):
    # Ties share the gradient equally (libtorch's rule).
    ga = O.where(O.eq(a, b), g / 2, O.where(O.gt(a, b), g, 0.0))
    return ga, g - ga


def minimum(g, a, b):
    ga = O.where(O.eq(a, b), g / 2, O.where(O.lt(a, b), g, 0.0))
    return ga, g - ga


def fmod(g, a, b): return g, (-g * O.trunc(O.div(a, b)) if _is_t(b) else None)
def remainder(g, a, b): return g, (-g * O.floor(O.div(a, b)) if _is_t(b) else None)


def atan2(g, a, b):
    d = a * a + b * b
    return g * b / d, -g * a / d


def clamp_tensor(g, x, lo, hi):
    """clamp with tensor bounds: out = min(max(x, lo), hi); each input gets the gradient where it is the
    result."""
    keep = None
    glo = ghi = None
    if lo is not None:
        keep = O.ge(x, lo)
    if hi is not None:
        below = O.le(x, hi)
        keep = below if keep is None else O.logical_and(keep, below)
    if _is_t(lo):
        lo_wins = O.lt(x, lo) if hi is None else O.logical_and(O.lt(x, lo), O.le(lo, hi))
        glo = O.where(lo_wins, g, 0.0)
    if _is_t(hi):
        hi_wins = O.gt(x, hi) if lo is None else O.gt(O.maximum(x, lo), hi)
        ghi = O.where(hi_wins, g, 0.0)
    return O.where(keep, g, 0.0), glo, ghi


def where(g, cond):
    gt = O.Tensor._wrap(cond)
    return O.where(gt, g, 0.0), O.where(gt, 0.0, g)


def neg(g): return -g
def abs(g, x): return g * O.sign(x)  # noqa: A001
def exp(g, out): return g * out
def log(g, x): return g / x
def log1p(g, x): return g / (x + 1)
def log2(g, x): return g / (x * math.log(2.0))
def log10(g, x): return g / (x * math.log(10.0))
def expm1(g, out): return g * (out + 1)
def sqrt(g, out): return g / (out * 2)
def rsqrt(g, out): return g * O.pow(out, 3) * -0.5
def sin(g, x): return g * O.cos(x)
def cos(g, x): return -g * O.sin(x)
def tan(g, out): return g * (out * out + 1)
def asin(g, x): return g / O.sqrt(1 - x * x)
def acos(g, x): return -g / O.sqrt(1 - x * x)
def atan(g, x): return g / (x * x + 1)
def asinh(g, x): return g / O.sqrt(x * x + 1)
def acosh(g, x): return g / O.sqrt(x * x - 1)
def atanh(g, x): return g / (1 - x * x)
def sinh(g, x): return g * O.cosh(x)
def cosh(g, x): return g * O.sinh(x)
def tanh(g, out): return g * (1 - out * out)
def sigmoid(g, out): return g * (1 - out) * out
def reciprocal(g, out): return -g * out * out
def erf(g, x): return g * O.exp(-x * x) * (2 / math.sqrt(math.pi))


def fill(g): return g * 0, O.sum(g)
def copy(g): return g * 0, g


def relu(g, out):
    # threshold_backward: the gradient stops where the output is <= 0 and passes elsewhere, NaN outputs included;
    # a relu output is never negative, so that is where it is not 0.
    if not O._mode.enabled:  # first order: the same numpy calls without two intermediate tensors
        gd, od = g._data, out._data
        if gd.dtype == od.dtype and od.ndim and od.dtype.metadata is None:  # (bfloat16: record() rounds)
            r = O.relu_grad(od, gd)
            if r is not None:
                return O.Tensor._wrap(r)
    return O.where(O.ne(out, 0), g, 0.0)


def clamp(g, x, lo, hi):
    mask = None
    if lo is not None:
        mask = O.ge(x, lo)
    if hi is not None:
        m2 = O.le(x, hi)
        mask = m2 if mask is None else O.logical_and(mask, m2)
    return O.where(mask, g, 0.0)


# -- reductions ------------------------------------------------------------------------------------------------

def _unreduce(g, shape, axes, keepdim):
    """Reshape a reduced gradient so it broadcasts against the input shape."""
    if axes is None:
        return O.reshape(g, (1,) * len(shape)) if shape else g
    if not keepdim:
        kept = list(g.shape)
        for a in sorted(a % len(shape) for a in axes):
            kept.insert(a, 1)
        return O.reshape(g, kept)
    return g


def sum(g, shape, axes, keepdim):  # noqa: A001
    return O.expand_to(_unreduce(g, shape, axes, keepdim), shape)


def mean(g, shape, axes, keepdim):
    n = int(np.prod(shape)) if axes is None else int(np.prod([shape[a] for a in axes]))
    return O.expand_to(_unreduce(g, shape, axes, keepdim) / n, shape)


def sum_to(g, shape):
    return O.expand_to(g, shape)


def prod(g, x, out, axis, keepdim):
    axes = None if axis is None else (axis,)
    gu = _unreduce(g, x.shape, axes, keepdim)
    ou = _unreduce(out, x.shape, axes, keepdim)
    if not np.any(x._data == 0):
        return gu * ou / x
    # With zeros, the product of the other elements: exclusive cumulative products from both ends.
    ax = -1 if axis is None else axis
    flat = O.reshape(x, (-1,)) if axis is None else x
    ones_shape = list(flat.shape)
    ones_shape[ax] = 1
    one = O.Tensor._wrap(np.ones(ones_shape, dtype=x._data.dtype))
    n = flat.shape[ax]
    left = O.cat([one, O.index(O.cumprod(flat, ax), _slice_along(ax, flat.ndim, 0, n - 1))], ax)
    right = O.flip(O.cat([one, O.index(O.cumprod(O.flip(flat, (ax,)), ax),
                                       _slice_along(ax, flat.ndim, 0, n - 1))], ax), (ax,))
    others = left * right
    if axis is None:
        others = O.reshape(others, x.shape)
    return gu * others


def _slice_along(ax, ndim, start, stop):
    key = [slice(None)] * ndim
    key[ax] = slice(start, stop)
    return tuple(key)


def amax(g, x, out, axes, keepdim):
    # Ties share the gradient evenly (libtorch's evenly_distribute_backward / amax rule).
    ou = _unreduce(out, x.shape, axes, keepdim)
    mask = O.eq(x, ou)
    count = O.sum(O.to_dtype(mask, x._data.dtype), axes, keepdim=True)
    return O.where(mask, _unreduce(g, x.shape, axes, keepdim) / count, 0.0)


def index_reduce(g, shape, axis, idx, keepdim):
    """max/min along a dim: the gradient goes to the selected index."""
    gu = g if keepdim else O.unsqueeze(g, axis)
    return O.scatter(_zeros(shape, g), axis, O.Tensor._wrap(idx), gu)


def _dof(x, axes, correction):
    """1 / (n - correction) as libtorch computes it (inf for no degrees of freedom, so the gradient is nan)."""
    n = x._data.size if axes is None else int(np.prod([x.shape[a] for a in axes]))
    with np.errstate(divide="ignore"):
        return float(np.float64(1.0) / np.float64(n - correction))


def var(g, x, axes, correction, keepdim):
    mu = O.mean(x, axes, keepdim=True)
    return _unreduce(g, x.shape, axes, keepdim) * (x - mu) * (2.0 * _dof(x, axes, correction))


def std(g, x, out, axes, correction, keepdim):
    mu = O.mean(x, axes, keepdim=True)
    gu = _unreduce(g / out, x.shape, axes, keepdim)
    return gu * (x - mu) * _dof(x, axes, correction)


def norm(g, x, out, p, axes, keepdim):
    ou = _unreduce(out, x.shape, axes, keepdim)
    gu = _unreduce(g, x.shape, axes, keepdim)
    if p == 2:
        return O.where(O.eq(ou, 0), 0.0, gu * x / ou)
    if p == 1:
        return gu * O.sign(x)
    if p in (np.inf, -np.inf):
        mask = O.eq(O.abs(x), ou)
        count = O.sum(O.to_dtype(mask, x._data.dtype), axes, keepdim=True)
        return O.where(mask, gu * O.sign(x) / count, 0.0)
    if p == 0:
        return gu * 0
    return O.where(O.eq(ou, 0), 0.0, gu * x * O.pow(O.abs(x), p - 2) / O.pow(ou, p - 1))


def logsumexp(g, x, out, axes, keepdim):
    return _unreduce(g, x.shape, axes, keepdim) * O.exp(x - _unreduce(out, x.shape, axes, keepdim))


def cumsum(g, axis):
    return O.flip(O.cumsum(O.flip(g, (axis,)), axis), (axis,))


def cumprod(g, x, out, axis):
    if not np.any(x._data == 0):
        return cumsum(g * out, axis) / x
    # With zeros: d out_j / d x_i = prod_{k <= j, k != i} x_k, the cumulative product of x with x_i set to 1.
    # Built as an (n x n) block along the axis (O(n^2), only when zeros occur), from differentiable ops.
    n = x.shape[axis]
    xm, gm = O.movedim_last(x, axis), O.movedim_last(g, axis)
    eye = O.Tensor._wrap(np.eye(n, dtype=bool))
    ones_i = O.where(eye, 1.0, O.unsqueeze(xm, -2))  # [..., i, k]: x with x_i replaced by 1
    later = O.Tensor._wrap(np.triu(np.ones((n, n), dtype=bool)))  # j >= i
    gi = O.sum(O.where(later, O.cumprod(ones_i, -1) * O.unsqueeze(gm, -2), 0.0), (-1,))
    return O.movedim_back(gi, axis)


def softmax(g, out, axis):
    gd, od = g._data, out._data
    if not O._mode.enabled and od.ndim and gd.shape == od.shape and gd.dtype == od.dtype \
            and od.dtype in (np.float32, np.float64) and od.dtype.metadata is None:
        # first order (every training step): the numpy calls of the general form below, in one buffer
        t = gd * od
        s = np.add.reduce(t, axis=axis, keepdims=True)
        np.subtract(gd, s, out=t)
        t *= od
        return O.Tensor._wrap(t)
    return out * (g - O.sum(g * out, (axis,), keepdim=True))


def log_softmax(g, out, axis):
    return g - O.exp(out) * O.sum(g, (axis,), keepdim=True)


# -- linear algebra ------------------------------------------------------------------------------------------

def _mT(x):  # noqa: N802
    return O.transpose(x, -1, -2)


def matmul(g, a, b):
    ad, bd, gd = a._data, b._data, g._data
    if not O._mode.enabled and ad.ndim == bd.ndim >= 2 and ad.shape[:-2] == bd.shape[:-2] \
            and ad.dtype == bd.dtype == gd.dtype and ad.dtype.kind == "f" and ad.dtype.metadata is None:
        # first order, no broadcast batch dims (attention's batched products): the products of the general
        # form below on the arrays (no transpose and product nodes), only the wanted ones
        wrap = O.Tensor._wrap
        return (wrap(O.parallel.matmul(gd, bd.swapaxes(-1, -2))) if a._requires_grad else None,
                wrap(O.parallel.matmul(ad.swapaxes(-1, -2), gd)) if b._requires_grad else None)
    if a.ndim == 1 and b.ndim == 1:  # dot
        return g * b, g * a
    a2 = O.unsqueeze(a, 0) if a.ndim == 1 else a
    b2 = O.unsqueeze(b, -1) if b.ndim == 1 else b
    if a.ndim == 1:
        g = O.unsqueeze(g, -2)
    if b.ndim == 1:
        g = O.unsqueeze(g, -1)
    ga = O.matmul(g, _cj(_mT(b2)))
    gb = O.matmul(_cj(_mT(a2)), g)
    if a.ndim == 1:
        ga = O.squeeze(ga, -2)
    if b.ndim == 1:
        gb = O.squeeze(gb, -1)
    return ga, gb


def addmm(g, a, b, beta=1, alpha=1):
    ga = g if alpha == 1 else g * alpha
    return (g if beta == 1 else g * beta), O.matmul(ga, _mT(b)), O.matmul(_mT(a), ga)


def linear(g, x, w, need_x, need_w, need_b):
    # x: (..., in), w: (out, in), g: (..., out). The bias gradient sums g over every leading dim.
    gd, xd, wd = g._data, x._data, w._data
    if not O._mode.enabled and gd.ndim > 1 and gd.dtype == wd.dtype == xd.dtype and \
            wd.dtype.metadata is None:  # bfloat16 (a tagged float32) takes the general form: record() rounds
        # first order (every training step): the numpy calls of the general form below, wrapped once each
        wrap = O.Tensor._wrap
        g2 = gd.reshape(-1, gd.shape[-1]) if gd.ndim > 2 else gd
        gx = wrap(O.mm2d(g2, wd).reshape(xd.shape) if gd.ndim > 2 else O.mm2d(gd, wd)) if need_x else None
        gw = wrap(O.parallel.matmul(g2.T, xd.reshape(-1, xd.shape[-1]) if xd.ndim > 2 else xd)) if need_w else None
        return gx, gw, wrap(np.add.reduce(g2, axis=(0,))) if need_b else None
    if g.ndim == 1:
        gx = O.matmul(g, w) if need_x else None
        return gx, O.matmul(O.unsqueeze(g, 1), O.unsqueeze(x, 0)) if need_w else None, g
    g2 = O.reshape(g, (-1, g.shape[-1])) if g.ndim > 2 else g
    x2 = O.reshape(x, (-1, x.shape[-1])) if x.ndim > 2 else x
    # one GEMM over all leading dims, not one per leading index
    gx = (O.reshape(O.matmul(g2, w), x.shape) if g.ndim > 2 else O.matmul(g, w)) if need_x else None
    gw = O.matmul(O.transpose(g2, 0, 1), x2) if need_w else None
    return gx, gw, O.sum(g2, (0,)) if need_b else None


def einsum(g, equation, *operands):
    """The equation is explicit (ops.einsum spelled out '...' and the output). The gradient of operand k is
    the einsum of the output gradient with the other operands into k's labels; labels summed in k alone are
    broadcast back, and a label repeated in k (a diagonal, 'ii->i') is written back through identity
    matrices."""
    lhs, _, out_sub = equation.partition("->")
    subs = lhs.split(",")
    spare = iter(c for c in O._EINSUM_LETTERS if c not in equation)
    grads = []
    for k, (sub_k, op_k) in enumerate(zip(subs, operands)):
        if not _is_t(op_k) or not op_k._requires_grad:
            grads.append(None)
            continue
        unique = "".join(dict.fromkeys(sub_k))
        size = {c: op_k.shape[sub_k.index(c)] for c in unique}
        others = [(s, o) for j, (s, o) in enumerate(zip(subs, operands)) if j != k]
        avail = set(out_sub).union(*[set(s) for s, _o in others])
        target = "".join(c for c in unique if c in avail)
        expr = ",".join([out_sub] + [s for s, _o in others]) + "->" + target
        gk = O.einsum(expr, g, *[o for _s, o in others])
        if target != unique:  # a label summed in this operand alone: its gradient is constant along it
            gk = O.reshape(gk, [gk.shape[target.index(c)] if c in target else 1 for c in unique])
            gk = O.expand_to(gk, tuple(max(gk.shape[i], size[c]) for i, c in enumerate(unique)))
        if len(unique) != len(sub_k):
            renamed, eyes, seen = "", [], set()
            for c in sub_k:
                if c in seen:
                    f = next(spare)
                    renamed += f
                    eyes.append((c + f, O.Tensor._wrap(np.eye(size[c], dtype=g._data.dtype))))
                else:
                    seen.add(c)
                    renamed += c
            gk = O.einsum(",".join([unique] + [e for e, _t in eyes]) + "->" + renamed, gk, *[t for _e, t in eyes])
        grads.append(gk)
    return tuple(grads)


# -- shape ----------------------------------------------------------------------------------------------------

def reshape(g, shape): return O.reshape(g, shape)
def permute(g, axes): return O.permute(g, tuple(np.argsort(axes)))
def transpose(g, a0, a1): return O.transpose(g, a0, a1)
def t(g): return O.t(g)
def flip(g, axes): return O.flip(g, axes)
def roll(g, shifts, axes): return O.roll(g, tuple(-s for s in shifts), axes)
def tril(g, k): return O.tril(g, k)
def triu(g, k): return O.triu(g, k)


def diagonal(g, shape, offset, a1, a2):
    # The boolean mask visits the diagonal in the order np.diagonal returns it when (a1, a2) are the last
    # two axes, the only layout the op accepts.
    mask = O.Tensor._wrap(_diag_mask(shape, offset, a1, a2))
    return O.index_put(_zeros(shape, g), mask, O.reshape(g, (-1,)))


def _diag_mask(shape, offset, a1, a2):
    idx = np.indices(shape, sparse=True)
    return (idx[a2] - idx[a1]) == offset


def repeat(g, shape, repeats):
    # Split every dim into (repeat, size) and sum over the repeat axes.
    split = []
    for r, s in zip(repeats, shape):
        split += [r, s]
    gs = O.reshape(g, split)
    return O.sum(gs, tuple(range(0, len(split), 2)))


def cat(g, axis, sizes):
    out, start = [], 0
    for n in sizes:
        if n is None:  # a skipped empty 1-d input
            out.append(O.Tensor._wrap(np.zeros((0,), dtype=g._data.dtype)))
            continue
        out.append(O.index(g, _slice_along(axis, g.ndim, start, start + n)))
        start += n
    return tuple(out)


def stack(g, axis, n):
    ax = axis % g.ndim
    return tuple(O.index(g, (slice(None),) * ax + (i,)) for i in range(n))


# -- indexing -------------------------------------------------------------------------------------------------

def index(g, shape, key):
    if not O._mode.enabled and O._is_basic(key):  # first order, a view: each element once, written in place
        out = np.zeros(shape, dtype=g._data.dtype)
        out[key] = g._data
        return O.Tensor._wrap(out)
    return O.index_put(_zeros(shape, g), _tensorize(key), g, accumulate=True)


def split(gs, shape, axis, sizes):
    """ops.split's one node: its outputs' gradients (None where one got none: zeros) side by side."""
    first = next(g for g in gs if g is not None)
    if not O._mode.enabled:  # first order: written into one buffer
        out = np.empty(shape, dtype=first._data.dtype)
        start = 0
        for g, n in zip(gs, sizes):
            key = (slice(None),) * axis + (slice(start, start + n),)
            out[key] = 0 if g is None else g._data
            start += n
        return (O.Tensor._wrap(out),)
    parts = []
    for g, n in zip(gs, sizes):
        parts.append(g if g is not None else _zeros(shape[:axis] + (n,) + shape[axis + 1:], first))
    return (O.cat(parts, axis),)


def _tensorize(key):
    if key.__class__ is tuple:
        return tuple(O.Tensor._wrap(k) if isinstance(k, np.ndarray) else k for k in key)
    return O.Tensor._wrap(key) if isinstance(key, np.ndarray) else key


def copy_slices(g, pos, shape):
    """The base after an in-place op on its view: the view's elements (flat positions ``pos``) came from the
    view's node, the others from the base's previous graph."""
    flat = O.reshape(g, (-1,))
    return O.reshape(O.index_put(flat, pos, 0.0), shape), O.index(flat, pos)


def as_strided(g, pos, shape):
    """A view regenerated from its base: its gradient goes to the base elements it reads (flat ``pos``)."""
    flat = _zeros((int(np.prod(shape)),), g)
    return O.reshape(O.index_put(flat, pos, O.reshape(g, (-1,)), accumulate=True), shape)


def index_put(g, key, vshape, accumulate):
    kt = _tensorize(key)
    gx = g if accumulate else O.index_put(g, kt, 0.0)
    return gx, O.index(g, kt)


def gather(g, shape, axis, idx):
    if not shape:  # a 0-d input: its one element was taken
        return g
    return O.scatter(_zeros(shape, g), axis, O.Tensor._wrap(idx), g, reduce="add")


def scatter(g, axis, idx):
    it = O.Tensor._wrap(idx)
    return O.scatter(g, axis, it, 0.0), O.gather(g, axis, it)


def scatter_add(g, axis, idx):
    return g, O.gather(g, axis, O.Tensor._wrap(idx))


def index_select(g, shape, axis, idx):
    if not shape:
        return O.sum(g)
    key = [slice(None)] * len(shape)
    key[axis] = O.Tensor._wrap(idx)
    return O.index_put(_zeros(shape, g), tuple(key), g, accumulate=True)


def masked_fill(g, mask):
    m = O.Tensor._wrap(mask)
    return O.where(m, 0.0, g), O.sum(O.where(m, g, 0.0))


def masked_select(g, shape, mask):
    return O.index_put(_zeros(shape, g), O.Tensor._wrap(mask), g)


def take_along(g, shape, axis, idx):
    """sort / topk values: each gradient goes back to where its value came from."""
    return O.scatter(_zeros(shape, g), axis, O.Tensor._wrap(np.asarray(idx, dtype=np.int64)), g)


# -- losses ---------------------------------------------------------------------------------------------------
# Rules of the primitives in loss_ops.py. Each matches libtorch's backward formula, so input gradients equal
# PyTorch's (the clamps in binary cross entropy included). ``need_y``: whether the target requires grad; the
# target's gradient is only formed then.

def _loss_scale(g, reduction, n):
    return g * (1.0 / n) if reduction == "mean" else g


def mse_loss(g, x, y, reduction, need_y, d):
    # d: the forward's x - y (an array)
    xd, yd, gd = x._data, y._data, g._data
    if not O._mode.enabled and xd.shape == yd.shape and xd.dtype == yd.dtype == gd.dtype and xd.dtype.metadata is None:
        # first order, no broadcasting: the general form's numpy calls without its intermediate tensors
        gs = gd * (2.0 / xd.size) if reduction == "mean" else gd * 2.0
        gx = np.multiply(d, gs)
        return O.Tensor._wrap(gx), (O.Tensor._wrap(-gx) if need_y else None)
    if reduction == "mean":
        xs, ys = x._data.shape, y._data.shape
        n = x._data.size if xs == ys else math.prod(np.broadcast_shapes(xs, ys))
        g = g * (2.0 / n)
    else:
        g = g * 2.0
    gx = (x - y) * g
    return gx, (-gx if need_y else None)


def nll_loss(g, shape, axis, idx, coef):
    # The gradient lands on each row's target class only: -weight (/ total weight for "mean") times g.
    src = O.unsqueeze(g * O.Tensor._wrap(coef), axis)
    return O.scatter(_zeros(shape, g), axis, O.Tensor._wrap(idx), src)


def binary_cross_entropy(g, x, y, weight, reduction, need_y):
    gs = _loss_scale(g, reduction, x._data.size)
    if weight is not None:
        gs = gs * weight
    gx = gs * (x - y) / O.clamp((1.0 - x) * x, 1e-12)  # libtorch's EPSILON keeps x in {0, 1} finite
    gy = -gs * O.log(x / (1.0 - x)) if need_y else None
    return gx, gy


def _log_sigmoid(x):
    return O.minimum(x, 0.0) - O.log1p(O.exp(-O.abs(x)))


def binary_cross_entropy_with_logits(g, x, y, weight, pos_weight, reduction, need_y):
    gs = _loss_scale(g, reduction, x._data.size)
    if weight is not None:
        gs = gs * weight
    if pos_weight is None:
        gx = (O.sigmoid(x) - y) * gs
        gy = -x * gs if need_y else None
    else:
        t = pos_weight * y
        gx = ((t + 1.0 - y) * O.sigmoid(x) - t) * gs
        gy = (_log_sigmoid(-x) - _log_sigmoid(x) * pos_weight) * gs if need_y else None
    return gx, gy


def ctc_loss(g, grad):
    # The forward computed libtorch's gradient per sample; it is not itself differentiable (as in libtorch).
    if O.autograd._GradMode.enabled:
        raise RuntimeError("the derivative for '_ctc_loss_backward' is not implemented.")
    return O.Tensor._wrap(grad * g._data[None, :, None])
# -- end losses --


# -- nn -----------------------------------------------------------------------------------------------------------
# Rules of the primitives in nn_ops.py. The convolution family is closed under differentiation (each adjoint is
# again conv2d / conv_transpose2d / conv2d_weight), so higher-order gradients work; gradients an input does not
# need are skipped (the first layer's input rarely requires grad, and its adjoint is the costly one).

def _nn():
    from . import nn_ops  # noqa: PLC0415 - nn_ops imports this module

    return nn_ops


def silu(g, x):
    # libtorch: its silu_backward kernel, or (create_graph) the same formula in differentiable ops
    if O.autograd._GradMode.enabled:
        s = O.sigmoid(x)
        return (g * s * (1 + x * (1 - s)),)
    return (_nn().silu_backward(g, x),)


def conv2d(g, x, w, stride, padding, dilation, groups, cols=None):
    NO = _nn()  # noqa: N806
    if not O._mode.enabled and x._requires_grad and w._requires_grad:
        # first order, both gradients: one pass (Winograd shares the transform of g between them; the same
        # numpy calls as the two separate ops below, so the same bits)
        gx, gw = NO.conv2d_backward(g, x, w, stride, padding, dilation, groups, cols)
        return gx, gw, O.sum(g, (0, 2, 3))
    gx = NO.conv_transpose2d(g, w, None, stride, padding, dilation, groups, x.shape[2:]) \
        if x._requires_grad else None
    gw = NO.conv2d_weight(x, g, w.shape[2:], stride, padding, dilation, groups, cols) \
        if w._requires_grad else None
    return gx, gw, O.sum(g, (0, 2, 3))


def conv_transpose2d(g, y, w, stride, padding, dilation, groups):
    NO = _nn()  # noqa: N806
    gy = NO.conv2d(g, w, None, stride, padding, dilation, groups) if y._requires_grad else None
    gw = NO.conv2d_weight(g, y, w.shape[2:], stride, padding, dilation, groups) if w._requires_grad else None
    return gy, gw, O.sum(g, (0, 2, 3))


def conv2d_weight(g, x, gy, stride, padding, dilation, groups):
    NO = _nn()  # noqa: N806
    gx = NO.conv_transpose2d(gy, g, None, stride, padding, dilation, groups, x.shape[2:]) \
        if x._requires_grad else None
    ggy = NO.conv2d(x, g, None, stride, padding, dilation, groups) if gy._requires_grad else None
    return gx, ggy


def pad_constant(g, pads):
    return _nn().pad_constant(g, tuple((-a, -b) for a, b in pads), 0.0)


def narrow(g, axis, before, after, ndim):
    pads = [(0, 0)] * ndim
    pads[axis] = (before, after)
    return _nn().pad_constant(g, tuple(pads), 0.0)


def hardtanh(g, x, lo, hi):
    return O.where(O.logical_and(O.gt(x, lo), O.lt(x, hi)), g, 0.0)


def hardsigmoid(g, x):
    # libtorch's hardsigmoid_backward: g / 6 strictly inside (-3, 3), 0 elsewhere (and at NaN): hardtanh's rule
    return hardtanh(O.div(g, 6), x, -3, 3)


def hardswish(g, x):
    # libtorch's hardswish_backward: 0 up to -3, g (x / 3 + 1/2) strictly between, g from 3 on
    return O.where(O.le(x, -3), 0.0, O.where(O.lt(x, 3), O.mul(g, O.add(O.div(x, 3), 0.5)), g))


def pool_index(g, shape, idx, unique=False):
    """Max pooling: each output's gradient goes to its argmax (0-based flat index into H*W per plane);
    ``unique``: no two outputs share an argmax (disjoint windows), so the gradients are written, not summed."""
    n, c, h, w = shape
    if not O._mode.enabled:  # first-order backward: one bincount instead of a recorded scatter
        planes = (np.arange(n * c, dtype=np.int64) * (h * w)).reshape(n, c, 1, 1)
        if unique:
            out, gd = np.zeros((n, c * h * w), dtype=g._data.dtype), g._data

            def part(s: slice) -> None:  # images s: their planes are out[s]
                out[s].reshape(-1)[(idx[s] + planes[:s.stop - s.start]).ravel()] = gd[s].ravel()

            O.parallel.for_slices(part, n, out.size)
            return O.Tensor._wrap(out.reshape(shape))
        acc = np.bincount((idx + planes).ravel(), weights=g._data.ravel(), minlength=n * c * h * w)
        return O.Tensor._wrap(acc.astype(g._data.dtype).reshape(shape))
    z = _zeros((n, c, h * w), g)
    gx = O.scatter(z, 2, O.Tensor._wrap(idx.reshape(n, c, -1)), O.reshape(g, (n, c, -1)), reduce="add")
    return O.reshape(gx, shape)


def embedding(g, num, idx, padding_idx, scale_grad_by_freq):
    dim = g.shape[-1]
    flat = idx.reshape(-1)
    g2 = O.reshape(g, (-1, dim))
    if scale_grad_by_freq:
        counts = np.bincount(flat, minlength=num)[flat].astype(g._data.dtype)
        g2 = g2 / O.Tensor._wrap(counts.reshape(-1, 1))
    if padding_idx is not None:
        keep = flat != padding_idx
        flat, g2 = flat[keep], O.index(g2, O.Tensor._wrap(keep))
    if not O._mode.enabled:
        out = np.zeros((num, dim), dtype=g._data.dtype)
        np.add.at(out, flat, g2._data)
        return O.Tensor._wrap(out)
    return O.index_put(_zeros((num, dim), g), (O.Tensor._wrap(flat),), g2, accumulate=True)

def layer_norm(g, x, w, b, k, eps, xhat, rstd):
    """nn_ops.layer_norm: with gh = g * w, dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)) over the
    normalized dims; dw = sum(g * xhat), db = sum(g) over the leading dims."""
    ins = (x, w, b)
    if O._mode.enabled:  # a gradient of a gradient: differentiate the layer written with primitives
        from .autograd import grad  # noqa: PLC0415

        need = [i for i, t in enumerate(ins) if t is not None and t._requires_grad]
        ref = _nn().layer_norm_reference(x, w, b, k, eps)
        got = grad([ref], [ins[i] for i in need], [g], create_graph=True, allow_unused=True)
        res = [None] * len(ins)
        for i, v in zip(need, got):
            res[i] = v
        return tuple(res)
    gd, wrap = g._data, O.Tensor._wrap
    lead = tuple(range(gd.ndim - k))
    t = gd * xhat if w is not None and w._requires_grad else None
    gw = wrap(np.add.reduce(t, axis=lead)) if t is not None else None
    gb = wrap(np.add.reduce(gd, axis=lead)) if b is not None and b._requires_grad else None
    gx = None
    if x._requires_grad:
        gh = gd * w._data if w is not None else gd
        nn = _nn()
        m1 = nn._row_means(gh, k)
        own = gh is not gd and gh.shape == gd.shape == xhat.shape and gh.dtype == xhat.dtype
        if own:  # gh and gw's product are this rule's own full-size arrays: reused, the same values
            t = np.multiply(gh, xhat, out=t) if t is not None and t.dtype == gh.dtype else gh * xhat
            m2 = nn._row_means(t, k)
            gx = np.subtract(gh, m1, out=gh)
            gx -= np.multiply(xhat, m2, out=t)
        else:
            gx = gh - m1
            gx -= xhat * nn._row_means(gh * xhat, k)
        gx *= rstd
        gx = wrap(gx)
    return gx, gw, gb


def self_attention_packed(g, proj, heads, scale, batch_first, mask, q, wt):
    """nn_ops.self_attention_packed: back through the merged heads, the weights' product, softmax (the numpy
    calls of ``softmax``'s first-order form, over axis 0 of the transposed weights ``wt``, a padded
    ``_weights_buffer``) and the scores' product (the mask is a constant), each head's gradients written into
    its place in one buffer of ``proj``'s shape."""
    if O._mode.enabled:  # a gradient of a gradient: differentiate the attention written with primitives
        from .autograd import grad  # noqa: PLC0415

        ref = _nn().self_attention_packed_reference(proj, heads, scale, batch_first, mask)
        return tuple(grad([ref], [proj], [g], create_graph=True))
    nn, pd = _nn(), proj._data
    a0, a1, e3 = pd.shape
    hd = e3 // 3 // heads
    batch = a0 if batch_first else a1

    def hv(a):  # (the layout's) per-head matrices
        return nn._heads(a, batch_first)

    def hw(buf):  # (N, H, S, L): per-head transposed weights (or gradients) of a padded buffer
        return nn._heads(nn._weights_view(buf, batch, heads))

    g4 = hv(g._data.reshape(a0, a1, heads, hd))
    p5 = pd.reshape(a0, a1, 3, heads, hd)
    gp = np.empty(pd.shape, pd.dtype)
    g5 = gp.reshape(p5.shape)  # (a view: gp is contiguous) [gq | gk | gv], each head in place
    mm = O.parallel.matmul
    mm(hw(wt), g4, out=hv(g5[:, :, 2]))
    t = nn._weights_buffer(wt.shape[0], batch, heads, wt.dtype)
    mm(hv(p5[:, :, 2]), g4.swapaxes(-1, -2), out=hw(t))  # the weights' gradient, transposed
    gs = t * wt
    np.subtract(t, nn.pairwise_sum0(gs), out=gs)
    gs *= wt  # the scores' gradient, transposed (its pad: zeros times finite weights)
    gs = hw(gs)
    gq = hv(g5[:, :, 0])
    mm(gs.swapaxes(-1, -2), hv(p5[:, :, 1]), out=gq)
    gq *= scale  # mul's rule: q was scaled
    mm(gs, hv(q), out=hv(g5[:, :, 1]))
    return (O.Tensor._wrap(gp),)


def lstm_layer(g, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, factors, rows):
    """A whole LSTM layer (nn_ops.lstm_layer): back through time with the factors the forward saved, ``fac``
    (7, T, B, H) (layout: nn_ops, above lstm_layer). Each step's gate gradients overwrite the factors they come
    from (no array of their own: ~4 MB less memory a training step at batch 32 x 50 steps, hidden 128): per step
    one broadcast multiply for (i, f, g), one for o with dh's term of dc, and dh = one batched GEMM over the gates
    summed. The weight gradients are one GEMM per gate over all steps, against the forward's GEMM rows ``rows``
    (T, B, [h_prev | x | 1])."""
    ins = (x, h0, c0, w_ih, w_hh, b_ih, b_hh)
    if O._mode.enabled:  # a gradient of a gradient: differentiate the layer written with primitives
        from .autograd import grad  # noqa: PLC0415

        need = [i for i, t in enumerate(ins) if t is not None and t._requires_grad]
        ref = _nn().lstm_layer_reference(*ins, reverse)
        got = grad([ref], [ins[i] for i in need], [g], create_graph=True, allow_unused=True)
        res = [None] * len(ins)
        for i, v in zip(need, got):
            res[i] = v
        return tuple(res)
    nn = _nn()
    biases = [b._data for b in (b_ih, b_hh) if b is not None]
    # Taken out: overwritten below. A second backward through a kept graph (retain_graph) finds none and
    # recomputes them (the forward again, its inputs version-checked by the engine).
    fac = factors.pop() if factors else \
        nn._lstm_run(x._data, h0._data, c0._data, w_ih._data, w_hh._data, biases, reverse, True)[1]
    gd = g._data
    steps, _, batch, hs = gd.shape
    dt = fac.dtype
    first = steps - 1 if reverse else 0
    order = list(nn._LSTM_GRAD_GATES)
    w4 = w_hh._data.reshape(4, hs, hs)[order]
    # (dh, dc) flowing back from the later step, and (dh_t, dc_t) with step t's own output gradient added: one
    # call each for both
    carry, total = np.zeros((2, batch, hs), dtype=dt), np.empty((2, batch, hs), dtype=dt)
    dh, dc, gh, dct = carry[0], carry[1], total[0], total[1]
    per_gate = np.empty((4, batch, hs), dtype=dt)
    for t in (range(steps) if reverse else range(steps - 1, -1, -1)):
        a = fac[:, t]
        np.add(gd[t], carry, out=total)
        np.multiply(gh, a[3:0:-2], out=a[3:0:-2])  # o's gradient, and dh_t's way into dc_t
        np.add(dct, a[1], out=dct)
        np.multiply(dct, a[4:7], out=a[4:7])  # i, f, g
        if t != first or h0._requires_grad:  # the first step's dh is h0's gradient only
            np.add.reduce(np.matmul(a[3:7], w4, out=per_gate), axis=0, out=dh)
        np.multiply(dct, a[2], out=dc)
    flat = fac[3:7].reshape(4, steps * batch, hs)  # gates (o, i, f, g)
    w = O.Tensor._wrap
    xd = x._data
    n_in = xd.shape[-1]
    gx = w(np.add.reduce(np.matmul(flat, w_ih._data.reshape(4, hs, n_in)[order]), axis=0).reshape(xd.shape)) \
        if x._requires_grad else None
    # The weight and bias gradients as ONE GEMM per gate over all steps: dgates^T @ [h_prev | x | 1], the rows
    # the forward's GEMMs took (one wider product is ~15% faster than three; the column of ones sums the bias
    # gradient), cut to the columns from the first to the last wanted; the gates back in libtorch's order.
    bias = b_ih is not None and b_ih._requires_grad or b_hh is not None and b_hh._requires_grad
    spans = [(lo, hi) for need, lo, hi in ((w_hh._requires_grad, 0, hs), (w_ih._requires_grad, hs, hs + n_in),
                                           (bias, hs + n_in, hs + n_in + 1)) if need]
    gw_ih = gw_hh = gb = None
    if spans:
        first_col = spans[0][0]
        right = rows.reshape(steps * batch, rows.shape[-1])[:, first_col:spans[-1][1]]
        prod = np.matmul(flat.transpose(0, 2, 1), right)
        back = np.argsort(order)  # libtorch's gate i, f, g, o at these gradient blocks
        if w_hh._requires_grad:
            gw_hh = w(prod[back, :, :hs].reshape(4 * hs, hs))
        if w_ih._requires_grad:
            gw_ih = w(prod[back, :, hs - first_col:hs + n_in - first_col].reshape(4 * hs, n_in))
        if bias:
            gb = w(prod[back, :, hs + n_in - first_col].reshape(4 * hs))
    return gx, w(dh) if h0._requires_grad else None, w(dc), gw_ih, gw_hh, gb, gb


def weight_norm(g, v, gain, axis):
    """w = v * gain / n, n = ||v|| over every axis but ``axis``: d/dv = gain / n * (g - v * <g, v> / n^2),
    d/dgain = <g, v> / n (the inner products over the normed axes)."""
    others = tuple(i for i in range(v.ndim) if i != axis) if axis is not None else tuple(range(v.ndim))
    n = O.sqrt(O.sum(O.mul(v, v), others, keepdim=True))
    gv = O.sum(O.mul(g, v), others, keepdim=True)
    grad_v = O.mul(O.div(gain, n), O.sub(g, O.mul(v, O.div(gv, O.mul(n, n)))))
    grad_g = O.div(gv, n)
    return grad_v, grad_g


# -- end nn --


# -- linear algebra (linalg_ops.py) ----------------------------------------------------------------------------
# Real inputs. Multi-output decompositions have one rule per output (the joint formula is linear in the output
# gradients); saved factors are detached, so these are first-order rules.

def _la():
    from . import linalg_ops
    return linalg_ops


def _narrow(x, axis, start, length):
    return O.narrow(x, axis % x.ndim, start, length)


def _eye_like(x, n):
    return O.Tensor._wrap(np.eye(n, dtype=x._data.dtype))


def _diag_embed(v):
    return O.unsqueeze(v, -1) * _eye_like(v, v.shape[-1])


def linalg_inv(g, out):
    oh = _mT(out)
    return -O.matmul(O.matmul(oh, g), oh)


def linalg_det(g, a, out):
    return O.unsqueeze(O.unsqueeze(g * out, -1), -1) * _mT(_la().inv(a))


def linalg_slogdet(g, a):
    return O.unsqueeze(O.unsqueeze(g, -1), -1) * _mT(_la().inv(a))


def linalg_solve(g, a, x, vector=False):
    gb = _la().solve(_mT(a), g, vector)
    if vector:  # the outer product of the batch of vectors
        return -O.unsqueeze(gb, -1) * O.unsqueeze(x, -2), gb
    return -O.matmul(gb, _mT(x)), gb


def linalg_cholesky(g, out, upper):
    # A = L L^T: gA = L^-T Phi(L^T gL) L^-1 symmetrised, Phi = the lower triangle with a halved diagonal; the
    # two products with L^-1 are triangular solves (no inverse is formed)
    la = _la()
    L, gL = (_mT(out), _mT(g)) if upper else (out, g)
    p = O.tril(O.matmul(_mT(L), gL))
    p = p - O.tril(O.triu(p)) * 0.5
    ga = la.solve_triangular(_mT(L), p, upper=True)
    ga = la.solve_triangular(L, ga, upper=False, left=False)
    return (ga + _mT(ga)) * 0.5


def linalg_solve_triangular(g, a, x, upper, left, unitriangular):
    la = _la()
    if left:
        gb = la.solve_triangular(_mT(a), g, upper=not upper, unitriangular=unitriangular)
        ga = -O.matmul(gb, _mT(x))
    else:
        gb = la.solve_triangular(_mT(a), g, upper=not upper, left=False, unitriangular=unitriangular)
        ga = -O.matmul(_mT(x), gb)
    ga = O.triu(ga, 1 if unitriangular else 0) if upper else O.tril(ga, -1 if unitriangular else 0)
    return ga, gb


def _eigh_backward(gw, gv, w, v):
    n = w.shape[-1]
    inner = O.Tensor._wrap(np.zeros(w.shape + (n,), dtype=w._data.dtype))
    if gv is not None:
        vtg = O.matmul(_mT(v), gv)
        e = O.unsqueeze(w, -2) - O.unsqueeze(w, -1)  # e[i, j] = w_j - w_i
        e = e + _eye_like(w, n)
        inner = inner + (vtg - _mT(vtg)) * 0.5 / e * (1 - _eye_like(w, n))
    if gw is not None:
        inner = inner + _diag_embed(gw)
    return O.matmul(O.matmul(v, inner), _mT(v))


def linalg_eigh_w(g, w, v): return _eigh_backward(g, None, w, v)
def linalg_eigh_v(g, w, v): return _eigh_backward(None, g, w, v)


def _svd_backward(gu, gs, gvh, u, s, vh):
    """PyTorch's svd_backward for real matrices (reduced factors: u (m,k), s (k), vh (k,n))."""
    m, n, k = u.shape[-2], vh.shape[-1], s.shape[-1]
    if gu is not None:
        gu = _narrow(gu, -1, 0, k) if gu.shape[-1] > k else gu
    if gvh is not None:
        gvh = _narrow(gvh, -2, 0, k) if gvh.shape[-2] > k else gvh
    if gu is None and gvh is None:
        return O.matmul(u * O.unsqueeze(gs, -2), vh)
    v = _mT(vh)
    gv = _mT(gvh) if gvh is not None else None
    s2 = s * s
    e = O.unsqueeze(s2, -2) - O.unsqueeze(s2, -1) + _eye_like(s, k)  # e[j, i] = s_i^2 - s_j^2
    off = 1 - _eye_like(s, k)
    inner = None
    if gu is not None:
        uhgu = O.matmul(_mT(u), gu)
        uhgu = uhgu - _mT(uhgu)
        inner = uhgu * O.unsqueeze(s, -2) / e * off
    if gv is not None:
        vhgv = O.matmul(_mT(v), gv)
        vhgv = vhgv - _mT(vhgv)
        t = O.unsqueeze(s, -1) * vhgv / e * off
        inner = t if inner is None else inner + t
    if gs is not None:
        inner = inner + _diag_embed(gs)
    if m > k and gu is not None:
        ga = O.matmul(u, inner)
        gus = gu / O.unsqueeze(s, -2)
        ga = ga + gus - O.matmul(u, O.matmul(_mT(u), gus))
        ga = O.matmul(ga, vh)
        if n > k and gv is not None:  # both thin (rank-deficient shapes): add the V-side projection too
            gvs = gv / O.unsqueeze(s, -2)
            ga = ga + O.matmul(u, _mT(gvs) - O.matmul(O.matmul(_mT(gvs), v), vh))
        return ga
    if n > k and gv is not None:
        ga = O.matmul(inner, vh)
        gvs = gv / O.unsqueeze(s, -2)
        ga = ga + _mT(gvs) - O.matmul(O.matmul(_mT(gvs), v), vh)
        return O.matmul(u, ga)
    return O.matmul(O.matmul(u, inner), vh)


def linalg_svd_u(g, u, s, vh): return _svd_backward(g, None, None, u, s, vh)
def linalg_svd_s(g, u, s, vh): return _svd_backward(None, g, None, u, s, vh)
def linalg_svd_vh(g, u, s, vh): return _svd_backward(None, None, g, u, s, vh)


def _qr_square_backward(gq, gr, q, r):
    # m >= n: gA = (gQ + Q copyltu(M)) R^-T with M = R gR^T - gQ^T Q.
    m_ = 0
    if gr is not None:
        m_ = O.matmul(r, _mT(gr))
    if gq is not None:
        m_ = m_ - O.matmul(_mT(gq), q)
    b = O.tril(m_, -1)
    copyltu = b + _mT(b) + _diag_embed(O.diagonal(m_, 0, -2, -1))
    b = O.matmul(q, copyltu)
    if gq is not None:
        b = b + gq
    return _mT(_la().solve(r, _mT(b)))  # B R^-T = (R^-1 B^T)^T


def _qr_backward(gq, gr, q, r):
    m, n = q.shape[-2], r.shape[-1]
    if m >= n:
        return _qr_square_backward(gq, gr, q, r)
    # wide: A = [X | Y], X = Q U square; Y = Q V contributes through Q.
    u, vv = _narrow(r, -1, 0, m), _narrow(r, -1, m, n - m)
    y = O.matmul(q, vv)
    gu = _narrow(gr, -1, 0, m) if gr is not None else None
    gv = _narrow(gr, -1, m, n - m) if gr is not None else None
    gq2 = gq
    if gv is not None:
        t = O.matmul(y, _mT(gv))
        gq2 = t if gq2 is None else gq2 + t
    gx = _qr_square_backward(gq2, gu, q, u)
    gy = O.matmul(q, gv) if gv is not None else _zeros(gx.shape[:-1] + (n - m,), gx)
    return O.cat([gx, gy], -1)


def linalg_qr_mode_r(g):
    raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                       "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")


def linalg_qr_complete(g):
    raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")


def linalg_qr_q(g, q, r): return _qr_backward(g, None, q, r)
def linalg_qr_r(g, q, r): return _qr_backward(None, g, q, r)


def _pinv_backward(g, p, a):
    m, n = a.shape[-2], a.shape[-1]
    ph, gh = _mT(p), _mT(g)
    if m <= n:
        k = O.matmul(gh, p)
        kph = O.matmul(k, ph)
        return (-_mT(O.matmul(p, k)) + kph - O.matmul(O.matmul(a, p), kph)
                + O.matmul(O.matmul(ph, p), gh - O.matmul(k, a)))
    k = O.matmul(p, gh)
    phk = O.matmul(ph, k)
    return (-_mT(O.matmul(k, p)) + O.matmul(O.matmul(gh - O.matmul(a, k), p), ph) + phk
            - O.matmul(O.matmul(phk, p), a))


def linalg_pinv(g, a, out):
    return _pinv_backward(g, out, a)


def linalg_lstsq(g, a, b):
    p = _la().pinv(a)
    return _pinv_backward(O.matmul(g, _mT(b)), p, a), O.matmul(_mT(p), g)


def linalg_matrix_exp(g, a):
    # d exp(A)[G] is the upper-right block of exp([[A^T, G], [0, A^T]]) (Mathias 1996).
    n = a.shape[-1]
    at = _mT(a)
    z = O.Tensor._wrap(np.zeros(np.broadcast_shapes(a.shape, g.shape), dtype=g._data.dtype))
    at = at + z
    top = O.cat([at, g + z], -1)
    bottom = O.cat([z, at], -1)
    big = _la().matrix_exp(O.cat([top, bottom], -2))
    return _narrow(_narrow(big, -2, 0, n), -1, n, n)
# -- end linear algebra --


# -- complex (complex_ops.py) ----------------------------------------------------------------------------------
# The gradient of a complex input is dL/d(re) + i dL/d(im) (PyTorch's convention for real losses).

def complex_(g):
    if g._data.dtype.kind != "c":
        return g, g * 0
    return _cx().real(g), _cx().imag(g)


def real(g): return g
def imag(g): return g * 1j
def conj(g): return _cx().conj(g)


def complex_abs(g, x, out):
    safe = O.where(O.eq(out, 0), 1.0, out)
    return O.where(O.eq(out, 0), 0.0, g) * x / safe


def complex_angle(g, x):
    r2 = _cx().abs_(x)
    r2 = r2 * r2
    return O.where(O.eq(r2, 0), 0.0, g / O.where(O.eq(r2, 0), 1.0, r2)) * x * 1j


def view_as_real(g): return _cx().view_as_complex(g)
def view_as_complex(g): return _cx().view_as_real(g)
# -- end complex --


# -- fft (fft_ops.py) ------------------------------------------------------------------------------------------
# Each transform's adjoint: the opposite direction with the dual normalisation.

def _fo():
    from . import fft_ops
    return fft_ops


def fft_c2c(g, axes, norm, forward):
    return _fo().c2c(g, axes, _fo().DUAL[norm], not forward)


def fft_r2c(g, axis, norm, n, onesided):
    if onesided:  # the dropped half of the spectrum had no gradient: zero-fill it
        pads = [(0, 0)] * g.ndim
        pads[axis] = (0, n - g.shape[axis])
        g = _nn().pad_constant(g, tuple(pads), 0.0)
    return _cx().real(_fo().c2c(g, (axis,), _fo().DUAL[norm], False))


def fft_c2r(g, axis, norm, n):
    gi = _fo().r2c(g, axis, _fo().DUAL[norm])
    double = n - gi.shape[axis]  # entries 1 .. double stand for two conjugate entries of the full spectrum
    if double > 0:
        scale = np.ones(gi.shape[axis], dtype=np.float64)
        scale[1:1 + double] = 2.0
        shape = [1] * gi.ndim
        shape[axis] = -1
        gi = gi * O.Tensor._wrap(scale.reshape(shape).astype(g._data.dtype))
    return gi
# -- end fft --


# -- distributions (distr_ops.py) ------------------------------------------------------------------------------

def _dist_ops() -> Any:
    from . import distr_ops  # noqa: PLC0415 - distr_ops imports this module

    return distr_ops


# lgamma, digamma, polygamma, erfinv: the special functions' section below


def xlogy(g, x, y):
    # log(y), but 0 where x and y are both 0 (as libtorch: d/dx xlogy(0, 2) is log 2)
    keep = O.logical_or(O.ne(x, 0), O.ne(y, 0))
    gx = g * _dist_ops().xlogy(O.to_dtype(keep, y._data.dtype), y) if _is_t(x) else None
    return gx, (g * x / y if _is_t(y) else None)


def gammainc(g, a, x):
    if _is_t(a) and a._requires_grad:
        raise RuntimeError("the derivative for 'self' (the first argument of igamma) is not implemented.")
    ops = _dist_ops()
    return None, g * O.exp((a - 1) * O.log(x) - x - ops.lgamma(a))


def standard_gamma(g, alpha, out): return g * _dist_ops().standard_gamma_grad(alpha, out)

# -- end distributions --


# -- special functions (special_ops.py) -------------------------------------------------------------------
def _special():
    from . import special_ops as S
    return S


def lgamma(g, x): return g * _special().digamma(x)
def digamma(g, x): return g * _special().polygamma(1, x)
def polygamma(g, n, x): return g * _special().polygamma(n + 1, x)
def erfc(g, x): return g * O.exp(-x * x) * (-2 / math.sqrt(math.pi))
def erfinv(g, out): return g * O.exp(out * out) * (math.sqrt(math.pi) / 2)
def i0(g, x): return g * _special().i1(x)


def i1(g, x):
    # i1'(x) = i0(x) - i1(x) / x, whose limit at 0 is 1/2
    S = _special()
    zero = O.eq(x, 0)
    safe = O.where(zero, 1.0, x)
    return g * O.where(zero, 0.5, S.i0(x) - S.i1(safe) / safe)
# -- end special functions --
