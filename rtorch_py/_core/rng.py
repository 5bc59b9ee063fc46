"""Random streams bit-for-bit identical to libtorch's CPU generator (x86-64 AVX2 kernels), in numpy.

R torch and PyTorch share libtorch's ``CPUGeneratorImpl``: after ``manual_seed(s)`` the same calls give the
same numbers. This module reproduces them without libtorch and returns plain numpy arrays (the tensor layer
wraps them). Every draw comes from one 32-bit MT19937 stream, held in ``np.random.MT19937`` put in the
``init_genrand`` state, so no twister is written here.

What each call consumes (``d32`` = one 32-bit draw, ``d64`` = two, high word first; n elements):

=====================  ===============================================================================
uniform float32/16     n d32: ``u = (d & 2**24-1) * 2**-24``, ``fma(u, hi - lo, lo)`` in float32
uniform float64        n d64: ``u = (d & 2**53-1) * 2**-53``, ``fma(u, hi - lo, lo)`` in float64
normal, n >= 16        float32: n d32, +16 if n % 16; float16: 16 per block (n rounded up to 16);
                       float64: n d64, +16 if n % 16. Never touches the cached value.
normal, n < 16         float64 Box-Muller, 2 d64 per pair; the odd second value is cached for the next
randint                n d32 while hi - lo < 2**28, else n d64: ``lo + d % (hi - lo)``
randperm(n)            n - 1 d32 (n < 214748364), else n d64
bernoulli              scalar or float64 p: n d64 (``u53 < p``); float32/float16 p: n d32 (``u24 < p``)
multinomial            without replacement or 1 sample: one d64 per probability (exponential keys);
                       with replacement: one d64 per sample
exponential/geometric  n d64
=====================  ===============================================================================

Scope: x86-64 builds (AVX2 kernels; AVX512 machines use the same normal kernel). PyTorch's MKL builds take
an MKL (VSL) stream for ``bernoulli_(scalar p)``, hence dropout, on Intel CPUs only; what is reproduced
here is the generator path that AMD, ARM and non-MKL builds take (and R torch on them).
"""

from __future__ import annotations

import math
import operator
import os
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from .fma import fma32, fma64, on_midpoint

Shape = int | Sequence[int]

__all__ = ["Generator", "default_generator"]

_N = 624  # MT19937 state words
_DEFAULT_SEED = 67280421310721  # c10::detail::default_rng_seed_val, what torch.Generator() starts from
_STATE_SIZE = 5056  # sizeof(at::detail::CPUGeneratorImplState)
_RANDPERM_SMALL = (2**32 - 1) // 20  # libtorch's randperm switches algorithm at uint32 max / 20

# torch.get_rng_state()'s byte layout (x86-64 struct CPUGeneratorImplState, padding zeroed), reused so
# that states move between torch and this module unchanged.
_STATE_DTYPE = np.dtype(
    {
        "names": ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y", "normal_rho",
                  "normal_is_valid", "float_normal", "float_normal_is_valid"],
        "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", _N), "<f8", "<f8", "<f8", "<i4", "<f4", "u1"],
        "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
        "itemsize": _STATE_SIZE,
    }
)

_M24 = np.uint64(2**24 - 1)
_M53 = np.uint64(2**53 - 1)
_SH32 = np.uint64(32)
_F32_2M24 = np.float32(2.0**-24)

# ---------------------------------------------------------------------------------------------------------
# Fused multiply-adds: rtorch_py/_core/fma.py, the one emulation (here always with one rounding, exact=True).
# ---------------------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------------------
# libm: libtorch's float64 paths call glibc's log/log1p/sin/cos. numpy calls the same functions unless it
# was built with its own SIMD versions for this CPU (AVX512 builds), which may differ in the last bit.
# ---------------------------------------------------------------------------------------------------------
_LIBM: dict[str, object] = {}


def _libm(name: str):
    """Return a vectorised float64 function equal to C's ``name`` (glibc), numpy's if it agrees."""
    fn = _LIBM.get(name)
    if fn is None:
        npf = getattr(np, name)
        ref = np.frompyfunc(getattr(math, name), 1, 1)
        probe = np.random.Generator(np.random.PCG64(12345)).random(4096)
        if name == "log1p":
            probe = -probe
        elif name in ("sin", "cos"):
            probe = probe * (2 * math.pi)
        else:
            probe = 1.0 - probe
        if np.array_equal(npf(probe), ref(probe).astype(np.float64)):
            fn = npf
        else:  # numpy's SIMD version differs from libm here: call libm per element (slower, exact)
            fn = lambda x, _r=ref: np.asarray(_r(x), dtype=np.float64)  # noqa: E731
        _LIBM[name] = fn
    return fn


# ---------------------------------------------------------------------------------------------------------
# Cephes log / sincos of PyTorch's avx_mathfun.h (log256_ps, sincos256_ps), with GCC's contractions
# ---------------------------------------------------------------------------------------------------------
_f = np.float32
_SQRTHF = _f(0.707106781186547524)
_LOG_P = [_f(v) for v in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                          1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                          3.3333331174e-1)]
_LOG_Q1 = _f(-2.12194440e-4)
_LOG_Q2 = _f(0.693359375)
_DP1 = _f(-0.78515625)
_DP2 = _f(-2.4187564849853515625e-4)
_DP3 = _f(-3.77489497744594108e-8)
_SINCOF = [_f(-1.9515295891e-4), _f(8.3321608736e-3), _f(-1.6666654611e-1)]
_COSCOF = [_f(2.443315711809948e-005), _f(-1.388731625493765e-003), _f(4.166664568298827e-002)]
_FOPI = _f(1.27323954473516)
_TWO_PI_F = _f(2.0 * math.pi)
_HALF = _f(0.5)
_ONE = _f(1.0)


# sincos256_ps's per-octant choices, indexed by j = (trunc(x * 4/pi) + 1) & ~1 (0..8 for x in [0, 2 pi)):
# the sign bits it xors in, as +-1 factors (exact), and whether the sine polynomial gives the sine.
_J = np.arange(10, dtype=np.int32)
_SIN_SIGN = np.where(_J & 4, _f(-1.0), _f(1.0))
_COS_SIGN = np.where(~(_J - 2) & 4, _f(-1.0), _f(1.0))
_SIN_POLY = (_J & 2) == 0


class _Fma32:
    """float32 fma for one Box-Muller batch.

    Fast mode keeps every float64 sum in one scratch array, so the rare float32 midpoints where
    round(round64(a*b + c)) differs from a true fma are detected by a single pass at the end
    (``clean()``); the caller then recomputes the batch in exact mode, which fixes each op (``fma32``).
    """

    __slots__ = ("buf", "i")

    def __init__(self, n_ops: int, shape: tuple[int, ...], exact: bool) -> None:
        self.buf = None if exact else np.empty((n_ops,) + shape)
        self.i = 0

    def __call__(self, a, b, c) -> np.ndarray:
        if self.buf is None:
            return fma32(a, b, c)
        s = self.buf[self.i]
        self.i += 1
        np.multiply(a, b, out=s, dtype=np.float64)  # exact product of two float32
        s += c
        return s.astype(np.float32)

    def suspect_rows(self) -> np.ndarray:
        """Rows where some float64 sum sits on a float32 midpoint (possibly a double-rounding error)."""
        used = self.buf[: self.i]
        return np.nonzero(np.any(on_midpoint(used), axis=(0, 2)))[0]


def _log256(x: np.ndarray, fma: _Fma32) -> np.ndarray:
    """log256_ps for float32 x in [2**-24, 1] (the only inputs Box-Muller gives it: no zero/denormal)."""
    bits = x.view(np.int32)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(np.float32)  # mantissa in [0.5, 1)
    mask = m < _SQRTHF
    # e = exponent + 1, minus 1 where m < SQRTHF; x = m - 1, or m + m - 1 there (all exact).
    e = ((bits >> 23) - (0x7F - 1) - mask).astype(np.float32)
    x = m - _ONE
    x += m * mask
    z = x * x
    y = fma(x, _LOG_P[0], _LOG_P[1])
    for p in _LOG_P[2:]:
        y = fma(y, x, p)
    y *= x
    y = fma(y, z, e * _LOG_Q1)  # GCC contracts y*z + e*q1 as fma(y, z, e*q1)
    y -= z * _HALF  # z*0.5 is exact: fused or not, the same
    x += y
    x += e * _LOG_Q2  # e*q2 is exact (small integer times a 9-bit constant)
    return x


def _sincos256(x: np.ndarray, fma: _Fma32) -> tuple[np.ndarray, np.ndarray]:
    """sincos256_ps for float32 x in [0, 2 pi) (Box-Muller's theta)."""
    j = (x * _FOPI).astype(np.int32)  # cvttps: truncation
    j += 1
    j &= ~1
    y = j.astype(np.float32)
    # Range reduction x += y*DP1; x += y*DP2; x += y*DP3, fused by GCC. The first is exact in float32
    # (y <= 8, DP1 has 8 bits, x - y*DP1 fits 24 bits); the float64 sums of the others are exact, so
    # rounding them once to float32 is the fma and needs no midpoint check.
    x = x + y * _DP1
    x = (np.multiply(y, _DP2, dtype=np.float64) + x).astype(np.float32)
    x = (np.multiply(y, _DP3, dtype=np.float64) + x).astype(np.float32)
    z = x * x
    yc = fma(z, _COSCOF[0], _COSCOF[1])
    yc = fma(yc, z, _COSCOF[2])
    yc *= z
    yc = fma(yc, z, -(z * _HALF))  # y*z - z*0.5 becomes fms(y, z, z*0.5)
    yc += _ONE
    ys = fma(z, _SINCOF[0], _SINCOF[1])
    ys = fma(ys, z, _SINCOF[2])
    ys *= z
    ys = fma(ys, x, x)
    poly = _SIN_POLY[j]
    s = np.where(poly, ys, yc)
    s *= _SIN_SIGN[j]
    c = np.where(poly, yc, ys)
    c *= _COS_SIGN[j]
    return s, c


def _normal_fill16_f32(d: np.ndarray, mean: np.float32, std: np.float32, exact: bool = False) -> np.ndarray:
    """NormalFill16<float> (AVX2) on rows of 16 uniforms: returns the transformed (k, 16) float32 array."""
    fma = _Fma32(16, (d.shape[0], 8), exact)
    radius = np.sqrt(_f(-2.0) * _log256(_ONE - d[:, :8], fma))
    s, c = _sincos256(_TWO_PI_F * d[:, 8:], fma)
    out = np.empty_like(d)
    if std == _ONE and mean == _f(0.0):  # fma(n, 1, 0) == n
        np.multiply(radius, c, out=out[:, :8])
        np.multiply(radius, s, out=out[:, 8:])
    else:
        # Exact ties are common here (mean adds few bits): fix them in place instead of redoing rows.
        out[:, :8] = fma32(radius * c, std, mean)
        out[:, 8:] = fma32(radius * s, std, mean)
    if not exact:
        rows = fma.suspect_rows()
        if rows.size:  # rows are independent: redo only those, fixing each fma exactly
            out[rows] = _normal_fill16_f32(d[rows], mean, std, exact=True)
    return out


def _normal_fill16_f64(d: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Generic NormalFill16<double>: glibc log/cos/sin and an explicit std::fma."""
    u1 = 1.0 - d[:, :8]
    u2 = d[:, 8:]
    radius = np.sqrt(-2.0 * _libm("log")(u1))
    theta = (2.0 * math.pi) * u2
    out = np.empty_like(d)
    out[:, :8] = radius * _libm("cos")(theta)
    out[:, 8:] = radius * _libm("sin")(theta)
    if not (std == 1.0 and mean == 0.0):
        out = fma64(out, std, mean)
    return out


# ---------------------------------------------------------------------------------------------------------
# Argument checking
# ---------------------------------------------------------------------------------------------------------
def _shape(shape: Shape, fn: str) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"{fn}(): 'shape' must be an int or a sequence of ints, got {shape!r}") from None
    if any(s < 0 for s in dims):
        raise ValueError(f"{fn}(): 'shape' must not have negative sizes, got {dims}")
    return dims


def _float_dtype(dtype, fn: str) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{fn}(): 'dtype' must be float16, float32 or float64, got {dtype!r}") from None
    if dt not in (np.float16, np.float32, np.float64):
        raise TypeError(f"{fn}(): 'dtype' must be float16, float32 or float64, got {dt}")
    return dt


def _real(x, fn: str, name: str) -> float:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}(): '{name}' must be a real number, got {x!r}")
    return float(x)


def _int(x, fn: str, name: str) -> int:
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{fn}(): '{name}' must be an int, got {x!r}")
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError(f"{fn}(): '{name}' must be an int, got {x!r}") from None


def _init_genrand(seed32: int) -> np.ndarray:
    """MT19937 init_genrand key (sequential recurrence, 624 steps: ~0.1 ms)."""
    key = [0] * _N
    x = key[0] = seed32
    for j in range(1, _N):
        x = (1812433253 * (x ^ (x >> 30)) + j) & 0xFFFFFFFF
        key[j] = x
    return np.array(key, dtype=np.uint32)


def _first_of_run(sorted_vals: np.ndarray) -> np.ndarray:
    start = np.ones(sorted_vals.shape, dtype=bool)
    start[1:] = sorted_vals[1:] != sorted_vals[:-1]
    return start


def _prev_same(vals: np.ndarray) -> np.ndarray:
    """For each i, the largest k < i with vals[k] == vals[i], or -1."""
    order = np.argsort(vals, kind="stable")
    prev = np.full(vals.shape, -1, dtype=np.int64)
    same = ~_first_of_run(vals[order])
    prev[order[same]] = order[np.nonzero(same)[0] - 1]
    return prev


def _resolve(parent: np.ndarray) -> np.ndarray:
    """Pointer jumping: follow parent links (parent[i] <= i, roots point to themselves) to the root."""
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            return parent
        parent = nxt


def _randperm_swaps(n: int, z: np.ndarray) -> np.ndarray:
    """Result of ``r = arange(n); for i < n-1: swap(r[i], r[i + z[i]])`` without the sequential loop.

    Position i is final after step i, and receives what position t_i = i + z[i] held at that time. What a
    position t holds at time t (g[t]) is what position k held at time k, for the last earlier step k that
    targeted t, or t itself: a forest resolved by pointer jumping. Likewise for t_i at time i.
    """
    if n <= 1:
        return np.arange(n, dtype=np.int64)
    steps = np.arange(n - 1, dtype=np.int64)
    target = steps + z
    last = np.full(n, -1, dtype=np.int64)  # last step k < t with target[k] == t
    moved = target != steps
    np.maximum.at(last, target[moved], steps[moved])
    g = _resolve(np.where(last >= 0, last, np.arange(n, dtype=np.int64)))
    prev = _prev_same(target)  # last step k < i with the same target as step i
    out = np.empty(n, dtype=np.int64)
    out[:-1] = np.where(prev >= 0, g[np.maximum(prev, 0)], target)
    out[-1] = g[n - 1]
    return out


def _randperm_inside_out(n: int, z: np.ndarray) -> np.ndarray:
    """Result of ``for i < n: r[i] = r[z[i]]; r[z[i]] = i`` (z[i] <= i) without the sequential loop.

    Position p ends with the last step i that had z[i] == p, if any; otherwise with what position z[p]
    held before step p: the last step i < p with the same z, or, failing that, what z[p] held before
    step z[p] (a chain towards smaller steps, resolved by pointer jumping).
    """
    steps = np.arange(n, dtype=np.int64)
    final = np.full(n, -1, dtype=np.int64)
    np.maximum.at(final, z, steps)
    prev = _prev_same(z)
    # h[p]: content of position z[p] just before step p, as a chain p -> z[p] ending where prev exists.
    has = prev >= 0
    parent = np.where(has, steps, z)
    root = _resolve(parent)
    h = prev[root]
    return np.where(final >= 0, final, h)


# ---------------------------------------------------------------------------------------------------------
# libtorch's topk (multinomial without replacement) orders equal keys as libstdc++'s std::nth_element,
# std::sort and std::partial_sort leave them. With distinct keys any sort agrees, so numpy is used; rows
# where equal keys reach the top k replay those algorithms (GCC's, comparator "greater") in Python.
# ---------------------------------------------------------------------------------------------------------
class _StlTopK:
    """libstdc++ introselect / introsort / heap algorithms on parallel lists (keys K, payload I)."""

    def __init__(self, keys: list, k: int) -> None:
        self.K = keys
        self.I = list(range(len(keys)))
        n = len(keys)
        if k * 64 <= n:  # topk_impl_loop's choice
            self.partial_sort(0, k, n)
        else:
            self.nth_element(0, k - 1, n)
            self.sort(0, k - 1)

    def swap(self, a: int, b: int) -> None:
        K, I = self.K, self.I
        K[a], K[b] = K[b], K[a]
        I[a], I[b] = I[b], I[a]

    def move_median_to_first(self, result: int, a: int, b: int, c: int) -> None:
        K = self.K
        if K[a] > K[b]:
            if K[b] > K[c]:
                self.swap(result, b)
            elif K[a] > K[c]:
                self.swap(result, c)
            else:
                self.swap(result, a)
        elif K[a] > K[c]:
            self.swap(result, a)
        elif K[b] > K[c]:
            self.swap(result, c)
        else:
            self.swap(result, b)

    def partition_pivot(self, first: int, last: int) -> int:
        K = self.K
        self.move_median_to_first(first, first + 1, first + (last - first) // 2, last - 1)
        pivot = K[first]
        lo, hi = first + 1, last
        while True:
            while K[lo] > pivot:
                lo += 1
            hi -= 1
            while pivot > K[hi]:
                hi -= 1
            if not lo < hi:
                return lo
            self.swap(lo, hi)
            lo += 1

    def linear_insert(self, last: int) -> None:
        K, I = self.K, self.I
        v, vi = K[last], I[last]
        nxt = last - 1
        while v > K[nxt]:
            K[last], I[last] = K[nxt], I[nxt]
            last = nxt
            nxt -= 1
        K[last], I[last] = v, vi

    def insertion_sort(self, first: int, last: int) -> None:
        K, I = self.K, self.I
        for i in range(first + 1, last):
            if K[i] > K[first]:
                v, vi = K[i], I[i]
                K[first + 1:i + 1] = K[first:i]
                I[first + 1:i + 1] = I[first:i]
                K[first], I[first] = v, vi
            else:
                self.linear_insert(i)

    def adjust_heap(self, first: int, hole: int, length: int, v: float, vi: int) -> None:
        K, I = self.K, self.I
        top = second = hole
        while second < (length - 1) // 2:
            second = 2 * (second + 1)
            if K[first + second] > K[first + second - 1]:
                second -= 1
            K[first + hole], I[first + hole] = K[first + second], I[first + second]
            hole = second
        if length % 2 == 0 and second == (length - 2) // 2:
            second = 2 * (second + 1)
            K[first + hole], I[first + hole] = K[first + second - 1], I[first + second - 1]
            hole = second - 1
        parent = (hole - 1) // 2
        while hole > top and K[first + parent] > v:
            K[first + hole], I[first + hole] = K[first + parent], I[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        K[first + hole], I[first + hole] = v, vi

    def pop_heap(self, first: int, last: int, result: int) -> None:
        K, I = self.K, self.I
        v, vi = K[result], I[result]
        K[result], I[result] = K[first], I[first]
        self.adjust_heap(first, 0, last - first, v, vi)

    def heap_select(self, first: int, middle: int, last: int) -> None:
        K, I = self.K, self.I
        length = middle - first
        if length >= 2:
            parent = (length - 2) // 2
            while True:
                self.adjust_heap(first, parent, length, K[first + parent], I[first + parent])
                if parent == 0:
                    break
                parent -= 1
        for i in range(middle, last):
            if K[i] > K[first]:
                self.pop_heap(first, middle, i)

    def partial_sort(self, first: int, middle: int, last: int) -> None:
        self.heap_select(first, middle, last)
        while middle - first > 1:
            middle -= 1
            self.pop_heap(first, middle, middle)

    def nth_element(self, first: int, nth: int, last: int) -> None:
        if first == last or nth == last:
            return
        depth = 2 * ((last - first).bit_length() - 1)
        while last - first > 3:
            if depth == 0:
                self.heap_select(first, nth + 1, last)
                self.swap(first, nth)
                return
            depth -= 1
            cut = self.partition_pivot(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self.insertion_sort(first, last)

    def sort(self, first: int, last: int) -> None:
        if last - first < 2:
            return
        self.introsort_loop(first, last, 2 * ((last - first).bit_length() - 1))
        if last - first > 16:
            self.insertion_sort(first, first + 16)
            for i in range(first + 16, last):
                self.linear_insert(i)
        else:
            self.insertion_sort(first, last)

    def introsort_loop(self, first: int, last: int, depth: int) -> None:
        while last - first > 16:
            if depth == 0:
                self.partial_sort(first, last, last)
                return
            depth -= 1
            cut = self.partition_pivot(first, last)
            self.introsort_loop(cut, last, depth)
            last = cut


def _order_keys(keys: np.ndarray) -> np.ndarray:
    """Non-negative float keys as int64 with the same order; NaN largest (topk puts NaN first)."""
    ik = keys.astype(np.float64).view(np.int64).copy()
    ik[np.isnan(keys)] = np.iinfo(np.int64).max
    return ik


def _topk_indices(keys: np.ndarray, k: int) -> np.ndarray:
    """libtorch CPU topk(keys, k, largest=True, sorted=True).indices along the last axis (2-D keys)."""
    ik = _order_keys(keys)
    order = np.argsort(-ik, axis=1, kind="stable")
    ranked = np.take_along_axis(ik, order[:, : k + 1], axis=1)
    out = order[:, :k].copy()
    tied = np.any(ranked[:, 1:] == ranked[:, :-1], axis=1)
    for r in np.nonzero(tied)[0]:  # rare: only rows whose top k holds equal keys
        out[r] = _StlTopK(ik[r].tolist(), k).I[:k]
    return out


# ---------------------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------------------
class Generator:
    """libtorch's CPU generator: MT19937 plus the cached second Box-Muller value of the scalar path.

    >>> g = Generator(1)  # torch_manual_seed(1); nn_linear(1, 1)$weight$item()
    >>> float(g.uniform((1, 1), -1.0, 1.0, np.float32)[0, 0])
    0.5152631998062134
    """

    __slots__ = ("_bg", "_seed", "_fresh", "_normal_cache", "_float_normal_cache")

    def __init__(self, seed: int | None = None) -> None:
        """Create a generator seeded like ``torch.Generator()`` (seed 67280421310721) unless ``seed``."""
        self._bg = np.random.MT19937(0)
        self.manual_seed(_DEFAULT_SEED if seed is None else seed)

    # -- seeding and state ------------------------------------------------------------------------------
    def manual_seed(self, seed: int) -> None:
        """Seed as ``torch.manual_seed``: the engine uses seed mod 2**32; the normal cache is cleared.

        ``seed`` may be any int in [-2**63, 2**64); ``initial_seed()`` returns it mod 2**64.
        """
        seed = _int(seed, "manual_seed", "seed")
        if not -(2**63) <= seed < 2**64:
            raise ValueError(f"manual_seed(): 'seed' must be in [-2**63, 2**64), got {seed}")
        self._seed = seed % 2**64
        self._bg.state = {"bit_generator": "MT19937",
                          "state": {"key": _init_genrand(seed % 2**32), "pos": _N}}
        self._fresh = True  # torch's engine says next = 0 until the first draw
        self._normal_cache: float | None = None
        self._float_normal_cache: float | None = None

    def initial_seed(self) -> int:
        """The seed last given to ``manual_seed`` (mod 2**64), as ``torch.initial_seed()``."""
        return self._seed

    def get_state(self) -> np.ndarray:
        """The state as 5056 uint8, byte-identical to ``torch.get_rng_state()`` (x86-64 layout).

        Layout (little-endian): u64 seed, i32 left, i32 seeded, u64 next, u64 state[624], f64 normal_x,
        f64 normal_y (cached normal), f64 normal_rho, i32 normal_is_valid, f32 float cache, u8 its flag.
        """
        st = self._bg.state["state"]
        pos = int(st["pos"])
        rec = np.zeros((), dtype=_STATE_DTYPE)
        rec["seed"] = self._seed
        rec["left"] = _N + 1 - pos
        rec["seeded"] = 1
        rec["next"] = 0 if (pos == _N and self._fresh) else pos
        rec["state"] = st["key"]
        if self._normal_cache is not None:
            rec["normal_is_valid"] = 1
            rec["normal_y"] = self._normal_cache
        if self._float_normal_cache is not None:
            rec["float_normal_is_valid"] = 1
            rec["float_normal"] = self._float_normal_cache
        return np.frombuffer(rec.tobytes(), dtype=np.uint8).copy()

    def set_state(self, state: np.ndarray) -> None:
        """Restore a state from ``get_state()`` or ``torch.get_rng_state().numpy()``."""
        if not isinstance(state, np.ndarray):
            raise TypeError(f"set_state(): 'state' must be a numpy uint8 array, got {type(state).__name__}")
        if state.dtype != np.uint8:
            raise TypeError(f"set_state(): 'state' must have dtype uint8, got {state.dtype}")
        if state.ndim != 1 or state.size != _STATE_SIZE:
            raise ValueError(f"set_state(): 'state' must be 1-D with {_STATE_SIZE} bytes, got shape {state.shape}")
        rec = np.frombuffer(np.ascontiguousarray(state).tobytes(), dtype=_STATE_DTYPE)[0]
        left, nxt = int(rec["left"]), int(rec["next"])
        if not rec["seeded"] or not 1 <= left <= _N or nxt > _N:
            raise ValueError(f"set_state(): 'state' is not a valid generator state (left={left}, next={nxt})")
        pos = _N + 1 - left
        if nxt != pos and not (left == 1 and nxt == 0):
            raise ValueError(f"set_state(): 'state' has inconsistent left={left} and next={nxt}")
        self._bg.state = {"bit_generator": "MT19937",
                          "state": {"key": (rec["state"] & 0xFFFFFFFF).astype(np.uint32), "pos": pos}}
        self._seed = int(rec["seed"])
        self._fresh = left == 1 and nxt == 0
        self._normal_cache = float(rec["normal_y"]) if rec["normal_is_valid"] else None
        self._float_normal_cache = float(rec["float_normal"]) if rec["float_normal_is_valid"] else None

    # -- raw draws --------------------------------------------------------------------------------------
    def _d32(self, n: int) -> np.ndarray:
        if n:
            self._fresh = False
        return self._bg.random_raw(n)  # uint64 array holding 32-bit values

    def _d64(self, n: int) -> np.ndarray:
        d = self._d32(2 * n)
        return (d[0::2] << _SH32) | d[1::2]

    def _u24(self, n: int) -> np.ndarray:
        """float32 uniforms in [0, 1): 24 low bits of one 32-bit draw each."""
        return (self._d32(n) & _M24).astype(np.float32) * _F32_2M24

    def _u53(self, n: int) -> np.ndarray:
        """float64 uniforms in [0, 1): 53 low bits of one 64-bit draw each."""
        return (self._d64(n) & _M53).astype(np.float64) * 2.0**-53

    def random32(self, n: int) -> np.ndarray:
        """``n`` raw 32-bit draws (``CPUGeneratorImpl::random``) as uint32."""
        n = _int(n, "random32", "n")
        if n < 0:
            raise ValueError(f"random32(): 'n' must be >= 0, got {n}")
        return self._d32(n).astype(np.uint32)

    def random64(self, n: int) -> np.ndarray:
        """``n`` 64-bit draws ``(first << 32) | second`` (``CPUGeneratorImpl::random64``) as uint64."""
        n = _int(n, "random64", "n")
        if n < 0:
            raise ValueError(f"random64(): 'n' must be >= 0, got {n}")
        return self._d64(n)

    # -- distributions ----------------------------------------------------------------------------------
    def uniform(self, shape: Shape, low: float = 0.0, high: float = 1.0, dtype: DTypeLike = np.float32) -> np.ndarray:
        """``torch.empty(shape, dtype).uniform_(low, high)`` (``rand`` for (0, 1)); one draw per element.

        float32/float16 use ``fma(u24, hi - lo, lo)`` in float32 (float16 then rounds; a value that
        rounds up to ``high`` becomes ``low``, as libtorch clamps); float64 ``fma(u53, hi - lo, lo)``.
        """
        shape = _shape(shape, "uniform")
        dt = _float_dtype(dtype, "uniform")
        low, high = _real(low, "uniform", "low"), _real(high, "uniform", "high")
        if not low <= high:
            raise ValueError(f"uniform(): expects 'low' <= 'high', got low={low}, high={high}")
        n = math.prod(shape)
        if dt == np.float64:
            if high - low > np.finfo(np.float64).max:
                raise ValueError(f"uniform(): 'high' - 'low' overflows float64 (low={low}, high={high})")
            u = self._u53(n)
            x = u if (low == 0.0 and high == 1.0) else fma64(u, high - low, low)
            x[x == high] = low
            return x.reshape(shape)
        lo, hi = np.float32(low), np.float32(high)
        if float(hi) - float(lo) > float(np.finfo(np.float32).max):
            raise ValueError(f"uniform(): 'high' - 'low' overflows float32 (low={low}, high={high})")
        u = self._u24(n)
        x = u if (lo == 0 and hi == 1) else fma32(u, hi - lo, lo)
        if dt == np.float16:
            x = x.astype(np.float16)
            lo, hi = lo.astype(np.float16), hi.astype(np.float16)
        x[x == hi] = lo
        return x.reshape(shape)

    def normal(self, shape: Shape, mean: float = 0.0, std: float = 1.0, dtype: DTypeLike = np.float32) -> np.ndarray:
        """``torch.empty(shape, dtype).normal_(mean, std)`` (``randn`` for (0, 1)).

        n >= 16 (contiguous, as here): the vectorised Box-Muller over blocks of 16 (float32 Cephes
        log/sincos with AVX2 fma; float64 via libm), with 16 fresh uniforms for a partial last block;
        it neither reads nor clears the cached value. n < 16: the scalar float64 path with the cache.
        """
        shape = _shape(shape, "normal")
        dt = _float_dtype(dtype, "normal")
        mean, std = _real(mean, "normal", "mean"), _real(std, "normal", "std")
        if not std >= 0.0:
            raise ValueError(f"normal(): expects 'std' >= 0, got {std}")
        n = math.prod(shape)
        if n < 16:
            vals = self._normal_scalar(n, mean, std)
            if dt != np.float64:  # static_cast<float> (Half goes through float)
                vals = vals.astype(np.float32).astype(dt)
            return vals.reshape(shape)
        full = n // 16 * 16
        tail = n != full
        if dt == np.float64:
            u = self._u53(n + 16 * tail)
            fill = _normal_fill16_f64
            args = (mean, std)
        elif dt == np.float32:
            u = self._u24(n + 16 * tail)
            fill = _normal_fill16_f32
            args = (np.float32(mean), np.float32(std))
        else:  # float16 fills a 16-float buffer per block: no up-front n draws, so u is just the blocks
            u = self._u24(full + 16 * tail)
            fill = _normal_fill16_f32
            args = (np.float32(mean), np.float32(std))
        blocks = u[:full]
        if tail:  # the extra block replaces the last 16 values: transform it with the others in one go
            blocks = np.concatenate([blocks, u[-16:]])
        out = fill(blocks.reshape(-1, 16), *args).reshape(-1)
        if tail:
            res = np.empty(n, dtype=out.dtype)
            res[: n - 16] = out[: n - 16]
            res[n - 16:] = out[full:]
            out = res
        return out.astype(dt, copy=False).reshape(shape)

    def _normal_scalar(self, n: int, mean: float, std: float) -> np.ndarray:
        """at::normal_distribution<double> n times: float64 Box-Muller, second value cached."""
        vals = np.empty(n, dtype=np.float64)
        i = 0
        if n and self._normal_cache is not None:
            vals[0] = self._normal_cache
            self._normal_cache = None
            i = 1
        pairs = (n - i + 1) // 2
        if pairs:
            u = self._u53(2 * pairs).reshape(pairs, 2)
            r = np.sqrt(-2.0 * _libm("log1p")(-u[:, 1]))
            theta = 2.0 * math.pi * u[:, 0]
            zz = np.empty((pairs, 2))
            zz[:, 0] = r * _libm("cos")(theta)
            zz[:, 1] = r * _libm("sin")(theta)
            zz = zz.reshape(-1)
            vals[i:] = zz[: n - i]
            if (n - i) % 2:
                self._normal_cache = float(zz[-1])
        if n and not (std == 1.0 and mean == 0.0):
            vals = fma64(vals, std, mean)  # val * std + mean, contracted by GCC
        return vals

    def randint(self, low: int, high: int, shape: Shape, dtype: DTypeLike = np.int64) -> np.ndarray:
        """``torch.randint(low, high, shape)``: ``low + draw % (high - low)``, no rejection.

        One 32-bit draw per element while ``high - low < 2**28``, else one 64-bit draw (libtorch's
        threshold; not 2**32).
        """
        low, high = _int(low, "randint", "low"), _int(high, "randint", "high")
        shape = _shape(shape, "randint")
        try:
            dt = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"randint(): 'dtype' must be a numpy numeric dtype, got {dtype!r}") from None
        if dt.kind not in "iufb":
            raise TypeError(f"randint(): 'dtype' must be a numpy numeric dtype, got {dt}")
        if not -(2**63) <= low < high <= 2**63:
            raise ValueError(f"randint(): expects -2**63 <= 'low' < 'high' <= 2**63, got low={low}, high={high}")
        rng = high - low
        n = math.prod(shape)
        d = self._d32(n) if rng < 2**28 else self._d64(n)
        x = ((d % np.uint64(rng)) + np.uint64(low % 2**64)).view(np.int64)
        return x.astype(dt, copy=False).reshape(shape)

    def randperm(self, n: int) -> np.ndarray:
        """``torch.randperm(n)`` (int64, 0-based).

        libtorch: ``r = arange(n)``, then for i < n-1 swap r[i] with r[i + d32 % (n - i)]; for
        n >= 214748364, the inside-out shuffle with d64 % (i + 1). The swaps are sequential in libtorch;
        here their outcome is computed with sorting and pointer jumping, without a Python loop.
        """
        n = _int(n, "randperm", "n")
        if n < 0:
            raise ValueError(f"randperm(): 'n' must be >= 0, got {n}")
        if n < _RANDPERM_SMALL:
            if n <= 1:
                return np.arange(n, dtype=np.int64)
            d = self._d32(n - 1)
            z = (d % np.arange(n, 1, -1, dtype=np.uint64)).astype(np.int64)
            return _randperm_swaps(n, z)
        d = self._d64(n)
        z = (d % np.arange(1, n + 1, dtype=np.uint64)).astype(np.int64)
        return _randperm_inside_out(n, z)

    def bernoulli(self, p: float | np.ndarray, shape: Shape | None = None, dtype: DTypeLike = None) -> np.ndarray:
        """``torch.empty(shape).bernoulli_(p)`` for scalar ``p``; ``torch.bernoulli(p)`` for an array ``p``.

        Scalar p: one 64-bit draw per element, ``u53 < p`` (``dtype`` default float32). Array p (float16,
        32 or 64, broadcast to ``shape`` if given): float64 p as scalar p, float32/float16 p one 32-bit draw
        each, ``u24 < float32(p)``; ``dtype`` defaults to p's.

        Dropout (``F.dropout(x, p, training=True)``, ``nnf_dropout``) on CPU is
        ``x * bernoulli(1 - p, x.shape, x.dtype) / (1 - p)``, the division in x's dtype; p == 0 or p == 1
        draws nothing. ``dropout2d``-style feature dropout draws ``bernoulli(1 - p, (N, C, 1, ...))``.
        """
        if np.ndim(p) == 0 and not isinstance(p, np.ndarray):
            pv = _real(p, "bernoulli", "p")
            if not 0.0 <= pv <= 1.0:
                raise ValueError(f"bernoulli(): expects 0 <= 'p' <= 1, got {pv}")
            if shape is None:
                raise ValueError("bernoulli(): 'shape' is required when 'p' is a scalar")
            shape = _shape(shape, "bernoulli")
            dt = np.dtype(np.float32 if dtype is None else dtype)
            # u53 < p  <=>  m < ceil(p * 2**53) for the integer m = u53 * 2**53 (scaling is exact)
            keep = (self._d64(math.prod(shape)) & _M53) < np.uint64(math.ceil(pv * 2.0**53))
            return keep.astype(dt).reshape(shape)
        pa = np.asarray(p)
        if pa.dtype not in (np.float16, np.float32, np.float64):
            raise TypeError(f"bernoulli(): 'p' must be a float16/32/64 array or a number, got {pa.dtype}")
        if pa.size and not (np.all(pa >= 0) and np.all(pa <= 1)):
            raise ValueError("bernoulli(): expects all elements of 'p' in [0, 1]")
        shape = pa.shape if shape is None else _shape(shape, "bernoulli")
        try:
            pb = np.broadcast_to(pa, shape)
        except ValueError:
            raise ValueError(f"bernoulli(): 'p' of shape {pa.shape} cannot broadcast to shape {shape}") from None
        dt = np.dtype(pa.dtype if dtype is None else dtype)
        n = math.prod(shape)
        # u < p as integer compares, as for scalar p (float16 p is widened to float, as libtorch does)
        if pa.dtype == np.float64:
            m, bits = self._d64(n) & _M53, 53
        else:
            m, bits = self._d32(n) & _M24, 24
        limit = np.ceil(pb.astype(np.float64) * 2.0**bits).astype(np.uint64)
        return (m.reshape(shape) < limit).astype(dt)

    def multinomial(self, probs: np.ndarray, num_samples: int, replacement: bool = False) -> np.ndarray:
        """``torch.multinomial(probs, num_samples, replacement)``: 0-based int64, probs 1-D or 2-D.

        Without replacement (or a single sample): keys ``probs / exponential(1)`` (one 64-bit draw per
        category, the exponential rounded to probs' dtype), then argmax / the top ``num_samples`` in
        descending order. With replacement: per row, the float cumulative sum normalised by its total,
        last bucket set to 1, and one 64-bit uniform per sample searched in it (first bucket >= u).
        """
        p = np.asarray(probs)
        if p.dtype not in (np.float32, np.float64):
            raise TypeError(f"multinomial(): 'probs' must be float32 or float64, got {p.dtype}")
        if p.ndim not in (1, 2):
            raise ValueError(f"multinomial(): 'probs' must be 1-D or 2-D, got {p.ndim}-D")
        k = _int(num_samples, "multinomial", "num_samples")
        ncat = p.shape[-1]
        if k <= 0:
            raise ValueError(f"multinomial(): 'num_samples' must be > 0, got {k}")
        if not replacement and k > ncat:
            raise ValueError(f"multinomial(): cannot draw {k} samples without replacement from {ncat} categories")
        if ncat > 2**24:
            raise ValueError(f"multinomial(): number of categories cannot exceed 2**24, got {ncat}")
        rows = p.reshape(-1, ncat)
        if rows.size and not (np.all(rows >= 0) and np.all(np.isfinite(rows))):
            raise ValueError("multinomial(): 'probs' must be finite and >= 0")
        if rows.shape[0] == 0:
            return np.empty(p.shape[:-1] + (k,), dtype=np.int64)
        if np.any(rows.sum(axis=1) == 0):
            raise ValueError("multinomial(): every row of 'probs' must have a positive sum")
        if not replacement or k == 1:
            q = self.exponential(rows.shape, 1.0, p.dtype)
            keys = rows / q
            if k == 1:
                out = np.argmax(keys, axis=1)[:, None]
            else:
                out = _topk_indices(keys, k)
        else:
            cum = np.cumsum(rows, axis=1, dtype=p.dtype)  # sequential sum in probs' dtype, as libtorch
            cum /= cum[:, -1:]
            cum[:, -1] = 1
            u = self._u53(rows.shape[0] * k).reshape(rows.shape[0], k)
            out = np.empty((rows.shape[0], k), dtype=np.int64)
            for i in range(rows.shape[0]):  # one vectorised search per distribution
                out[i] = np.searchsorted(cum[i].astype(np.float64), u[i], side="left")
        out = out.astype(np.int64, copy=False)
        return out.reshape(k) if p.ndim == 1 else out

    def exponential(self, shape: Shape, lambd: float = 1.0, dtype: DTypeLike = np.float32) -> np.ndarray:
        """``torch.empty(shape, dtype).exponential_(lambd)``: ``(-1 / lambd) * log1p(-u53)`` in float64."""
        shape = _shape(shape, "exponential")
        dt = _float_dtype(dtype, "exponential")
        lam = _real(lambd, "exponential", "lambd")
        if not lam > 0:
            raise ValueError(f"exponential(): expects 'lambd' > 0, got {lam}")
        u = self._u53(math.prod(shape))
        return ((-1.0 / lam) * _libm("log1p")(-u)).astype(dt).reshape(shape)

    def geometric(self, shape: Shape, p: float, dtype: DTypeLike = np.float32) -> np.ndarray:
        """``torch.empty(shape, dtype).geometric_(p)``: ``ceil(log(u53) / log1p(-p))``, 1-based."""
        shape = _shape(shape, "geometric")
        pv = _real(p, "geometric", "p")
        if not 0.0 < pv < 1.0:
            raise ValueError(f"geometric(): expects 0 < 'p' < 1, got {pv}")
        u = self._u53(math.prod(shape))
        with np.errstate(divide="ignore"):
            x = np.ceil(_libm("log")(u) / math.log1p(-pv))
        return x.astype(dtype).reshape(shape)


def _nondeterministic_seed() -> int:
    return int.from_bytes(os.urandom(8), "little")


default_generator: Generator = Generator(_nondeterministic_seed())
"""The module-wide generator, seeded from the OS like libtorch's default CPU generator."""

