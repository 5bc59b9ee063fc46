"""Vision functionals: ``nnf_unfold`` / ``nnf_fold`` (im2col and its adjoint), ``nnf_affine_grid`` and
``nnf_grid_sample`` (2-D and 3-D: bilinear / nearest, zeros / border / reflection padding, align_corners).

unfold is a grouped convolution with one-hot kernels (each output channel c*K + k copies input channel c at
kernel offset k), fold the matching transposed convolution, so both reuse the convolution primitives and their
rules. grid_sample gathers the 4 (2-D) or 8 (3-D) neighbours and blends them with weights computed from the grid
with tensor ops: gradients reach both the input and the grid.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import nn_ops as NO  # noqa: N812
from .._core import ops as O  # noqa: N812
from .._core.tensor import Tensor
from .._r import to_int
from .functional_conv import _ntuple
from .module import nn_Module

__all__ = ["nnf_unfold", "nnf_fold", "nn_unfold", "nn_fold", "nnf_affine_grid", "nnf_grid_sample"]


def _onehot_kernels(c: int, k: tuple[int, int], dt: np.dtype) -> Tensor:
    kk = k[0] * k[1]
    w = np.zeros((c * kk, 1, k[0], k[1]), dtype=dt)
    eye = np.eye(kk, dtype=dt).reshape(kk, k[0], k[1])
    w[:, 0] = np.tile(eye, (c, 1, 1))
    return Tensor._wrap(w)


def nnf_unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """Sliding local blocks of (N, C, H, W) input as columns: (N, C * kH * kW, L), L the number of blocks.

    Example:
        >>> nnf_unfold(torch_randn(2, 5, 3, 4), kernel_size=c(2, 3)).shape
        (2, 30, 4)
    """
    fn = "nnf_unfold"
    x = input
    if not isinstance(x, Tensor) or x.ndim not in (3, 4):
        raise RuntimeError(f"{fn}: Expected 3D or 4D (batch mode) tensor for input with possibly 0 batch size and "
                           f"non-zero dimensions for input, but got: {list(getattr(x, 'shape', ()))}")
    unbatched = x.ndim == 3
    if unbatched:
        x = O.unsqueeze(x, 0)
    k = _ntuple(kernel_size, 2, fn, "kernel_size")
    d, p, s = (_ntuple(v, 2, fn, a) for v, a in ((dilation, "dilation"), (padding, "padding"), (stride, "stride")))
    n, c = x.shape[:2]
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}: expected a floating point input, got {x.dtype.name}")
    out = [(sz + 2 * pi - di * (ki - 1) - 1) // si + 1 for sz, pi, di, ki, si in zip(x.shape[2:], p, d, k, s)]
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{fn}: Given input with spatial size {list(x.shape[2:])}, kernel_size={list(k)}, "
                           f"dilation={list(d)}, padding={list(p)}, calculated shape of the array of sliding "
                           f"blocks as {out}, but its components must be at least one.")
    y = NO.conv2d(x, _onehot_kernels(c, k, x._data.dtype), None, s, p, d, c)
    y = O.reshape(y, (n, c * k[0] * k[1], out[0] * out[1]))
    return O.squeeze(y, 0) if unbatched else y


def nnf_fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
             stride: Any = 1) -> Tensor:
    """Sum columns (N, C * kH * kW, L) of sliding blocks back into an (N, C, *output_size) tensor (the
    adjoint of ``nnf_unfold``).

    Example:
        >>> nnf_fold(torch_ones(1, 12, 4), output_size=c(3, 3), kernel_size=2).shape
        (1, 3, 3, 3)
    """
    fn = "nnf_fold"
    x = input
    if not isinstance(x, Tensor) or x.ndim not in (2, 3):
        raise RuntimeError(f"{fn}: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
                           f"non-zero dimensions for input, but got: {list(getattr(x, 'shape', ()))}")
    unbatched = x.ndim == 2
    if unbatched:
        x = O.unsqueeze(x, 0)
    size = _ntuple(output_size, 2, fn, "output_size")
    k = _ntuple(kernel_size, 2, fn, "kernel_size")
    d, p, s = (_ntuple(v, 2, fn, a) for v, a in ((dilation, "dilation"), (padding, "padding"), (stride, "stride")))
    n, ck, L = x.shape
    kk = k[0] * k[1]
    if ck % kk:
        raise RuntimeError(f"{fn}: Expected size of input's dimension 1 to be divisible by the product of "
                           f"kernel_size, but got input.size(1)={ck} and kernel_size={list(k)}")
    blocks = [(sz + 2 * pi - di * (ki - 1) - 1) // si + 1 for sz, pi, di, ki, si in zip(size, p, d, k, s)]
    if blocks[0] * blocks[1] != L:
        raise RuntimeError(f"{fn}: Given output_size={list(size)}, kernel_size={list(k)}, dilation={list(d)}, "
                           f"padding={list(p)}, stride={list(s)}, expected size of input's dimension 2 to match "
                           f"the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
                           f"{blocks[0] * blocks[1]}, but got input.size(2)={L}.")
    c = ck // kk
    y = O.reshape(x, (n, ck, blocks[0], blocks[1]))
    out = NO.conv_transpose2d(y, _onehot_kernels(c, k, x._data.dtype), None, s, p, d, c, tuple(size))
    return O.squeeze(out, 0) if unbatched else out


class nn_unfold(nn_Module):  # noqa: N801
    """Extracts sliding local blocks (see ``nnf_unfold``)."""

    def initialize(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> None:
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return nnf_unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)


class nn_fold(nn_Module):  # noqa: N801
    """Combines sliding local blocks into a tensor (see ``nnf_fold``)."""

    def initialize(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                   stride: Any = 1) -> None:
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return nnf_fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)


# -- spatial transformers ------------------------------------------------------------------------------------------

def _linspace(n: int, align_corners: bool, dt: np.dtype) -> np.ndarray:
    if n <= 1:
        return np.zeros(max(n, 0), dtype=dt)
    v = np.linspace(-1, 1, n, dtype=np.float64)
    if not align_corners:
        v = v * (n - 1) / n
    return v.astype(dt)


def nnf_affine_grid(theta: Tensor, size: Any, align_corners: bool = False) -> Tensor:
    """The sampling grid (N, H, W, 2) of 2-D affine maps ``theta`` (N, 2, 3) for an output of ``size``
    (N, C, H, W) (or (N, D, H, W, 3) from (N, 3, 4) and a 5-D size); use with ``nnf_grid_sample``.

    Example:
        >>> theta = torch_tensor([[[1, 0, 0], [0, 1, 0]]], dtype=torch_float())
        >>> nnf_affine_grid(theta, c(1, 1, 2, 3)).shape
        (1, 2, 3, 2)
    """
    fn = "nnf_affine_grid"
    if not isinstance(theta, Tensor) or theta._data.dtype.kind != "f":
        raise TypeError(f"{fn}: Expected `theta` to have floating point type, got "
                        f"{getattr(theta, 'dtype', type(theta).__name__)}")
    sz = [to_int(v, f"{fn}: size") for v in np.asarray(size._data if isinstance(size, Tensor) else size).tolist()]
    dt = theta._data.dtype
    if len(sz) == 4:
        n, _, h, w = sz
        if theta.shape != (n, 2, 3):
            raise ValueError(f"{fn}: Expected a batch of 2D affine matrices of shape Nx2x3 for size {sz}. Got "
                             f"{list(theta.shape)}.")
        xs, ys = _linspace(w, align_corners, dt), _linspace(h, align_corners, dt)
        base = np.stack([np.broadcast_to(xs[None, :], (h, w)), np.broadcast_to(ys[:, None], (h, w)),
                         np.ones((h, w), dtype=dt)], -1).reshape(1, h * w, 3)
        grid = O.matmul(Tensor._wrap(np.ascontiguousarray(base)), O.transpose(theta, 1, 2))
        return O.reshape(grid, (n, h, w, 2))
    if len(sz) == 5:
        n, _, d, h, w = sz
        if theta.shape != (n, 3, 4):
            raise ValueError(f"{fn}: Expected a batch of 3D affine matrices of shape Nx3x4 for size {sz}. Got "
                             f"{list(theta.shape)}.")
        xs, ys, zs = (_linspace(m, align_corners, dt) for m in (w, h, d))
        shape = (d, h, w)
        base = np.stack([np.broadcast_to(xs[None, None, :], shape), np.broadcast_to(ys[None, :, None], shape),
                         np.broadcast_to(zs[:, None, None], shape), np.ones(shape, dtype=dt)], -1)
        grid = O.matmul(Tensor._wrap(np.ascontiguousarray(base.reshape(1, d * h * w, 4))), O.transpose(theta, 1, 2))
        return O.reshape(grid, (n, d, h, w, 3))
    raise NotImplementedError(f"{fn}: affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                              f"respectively. Got size {sz}.")


def _unnormalize(g: Tensor, n: int, align_corners: bool) -> Tensor:
    if align_corners:
        return O.mul(O.div(O.add(g, 1.0), 2), n - 1)
    return O.div(O.sub(O.mul(O.add(g, 1.0), n), 1), 2)


def _reflect(x: Tensor, lo2: int, hi2: int) -> Tensor:
    # libtorch's reflect_coordinates (twice the bounds, so half-pixel borders stay integral)
    if lo2 == hi2:
        return O.mul(x, 0)
    mn = lo2 / 2
    span = (hi2 - lo2) / 2
    xa = O.abs(O.sub(x, mn))
    flips = np.floor(xa._data / span)
    extra = O.sub(xa, Tensor._wrap((flips * span).astype(xa._data.dtype)))
    even = Tensor._wrap(flips % 2 == 0)
    return O.where(even, O.add(extra, mn), O.sub(span + mn, extra))


def _source(g: Tensor, n: int, padding_mode: str, align_corners: bool) -> Tensor:
    x = _unnormalize(g, n, align_corners)
    # libtorch's clip_coordinates_set_grad: the gradient passes strictly inside (0, n - 1) only (hardtanh's)
    if padding_mode == "border":
        x = NO.hardtanh(x, 0, n - 1)
    elif padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (n - 1)) if align_corners else _reflect(x, -1, 2 * n - 1)
        x = NO.hardtanh(x, 0, n - 1)
    return x


def nnf_grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                    align_corners: bool | None = None) -> Tensor:
    """Sample (N, C, H, W) ``input`` at the normalised (x, y) locations of ``grid`` (N, H_out, W_out, 2), or
    (N, C, D, H, W) ``input`` at the (x, y, z) locations of ``grid`` (N, D_out, H_out, W_out, 3) (x indexes W,
    z indexes D), with "bilinear" (trilinear for 5-D input, as libtorch) or "nearest" ``mode`` and "zeros",
    "border" or "reflection" padding.

    Example:
        >>> theta = torch_tensor([[[1, 0, 0], [0, 1, 0]]], dtype=torch_float())
        >>> x = torch_randn(1, 1, 3, 3)
        >>> torch_allclose(nnf_grid_sample(x, nnf_affine_grid(theta, c(1, 1, 3, 3)), align_corners=False), x)
        True
    """
    fn = "nnf_grid_sample"
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"{fn}: nn.functional.grid_sample(): expected mode to be 'bilinear' or 'nearest', but "
                         f"got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"{fn}: nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if not isinstance(input, Tensor) or not isinstance(grid, Tensor) or input.ndim not in (4, 5) \
            or grid.ndim != input.ndim or grid.shape[-1] != input.ndim - 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"{fn}: expected 4-D input (N, C, H, W) with grid (N, H_out, W_out, 2), or 5-D input "
                           f"(N, C, D, H, W) with grid (N, D_out, H_out, W_out, 3), with the same N; got input "
                           f"{list(getattr(input, 'shape', ()))} and grid {list(getattr(grid, 'shape', ()))}")
    ac = bool(align_corners) if align_corners is not None else False
    k = input.ndim - 2
    n, c = input.shape[:2]
    sizes = input.shape[2:]
    out_sp = grid.shape[1:-1]
    m = int(np.prod(out_sp))
    # source coordinates per spatial dim (D, H, W order): grid component k-1-i indexes spatial dim i
    src = [_source(O.select(grid, k + 1, k - 1 - i), sizes[i], padding_mode, ac) for i in range(k)]
    flat = O.reshape(input, (n, c, int(np.prod(sizes))))
    one = input._data.dtype.type(1)

    def tap(idx: list[np.ndarray]) -> tuple[Tensor, np.ndarray]:
        ok = np.ones(idx[0].shape, dtype=bool)
        lin = np.zeros(idx[0].shape, dtype=np.int64)
        for i, ix in enumerate(idx):
            ok &= (ix >= 0) & (ix < sizes[i])
            lin = lin * sizes[i] + np.clip(ix, 0, sizes[i] - 1)
        lin = np.ascontiguousarray(np.broadcast_to(lin.reshape(n, 1, m), (n, c, m)))
        vals = O.gather(flat, 2, Tensor._wrap(lin))
        return O.reshape(vals, (n, c, *out_sp)), ok

    if mode == "nearest":
        vals, ok = tap([np.rint(g._data).astype(np.int64) for g in src])  # half to even, as nearbyint
        # the rounding keeps the grid in the graph with its zero derivative (the grid's gradient is 0, not absent)
        zero = O.round_(src[0])
        for g in src[1:]:
            zero = O.add(zero, O.round_(g))
        mask = O.add(Tensor._wrap(ok.astype(input._data.dtype)), O.mul(zero, 0.0))
        return O.mul(vals, O.unsqueeze(mask, 1))
    lo_i = [np.floor(g._data) for g in src]
    # libtorch's corner weights: the distance to the opposite corner along each dim, multiplied x first
    # (tnw = (x_bse - x)(y_bse - y)(z_bse - z)); corners summed z, then y, then x outermost first
    lo_w = [O.sub(g, Tensor._wrap(f)) for g, f in zip(src, lo_i, strict=True)]
    hi_w = [O.sub(Tensor._wrap(f + one), g) for g, f in zip(src, lo_i, strict=True)]
    base = [f.astype(np.int64) for f in lo_i]
    out = None
    for corner in np.ndindex(*(2,) * k):
        wgt = None
        for i in reversed(range(k)):
            wi = lo_w[i] if corner[i] else hi_w[i]
            wgt = wi if wgt is None else O.mul(wgt, wi)
        vals, ok = tap([b + d for b, d in zip(base, corner, strict=True)])
        wgt = O.mul(wgt, Tensor._wrap(ok.astype(input._data.dtype)))
        term = O.mul(vals, O.unsqueeze(wgt, 1))
        out = term if out is None else O.add(out, term)
    return out
