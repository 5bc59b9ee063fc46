"""Resampling: ``nnf_interpolate`` / ``nn_upsample`` (nearest, nearest-exact, linear, bilinear, bicubic,
trilinear, area) and ``nnf_pixel_shuffle`` / ``nnf_pixel_unshuffle``.

Every mode is separable: along each spatial axis the output is a fixed linear map of the input, built here
as a small (out, in) matrix with libtorch's source-index arithmetic (same scale rule, same float type, same
clamping, bicubic's A = -0.75 and border replication), applied with one batched matmul per axis; nearest modes
gather. Autograd flows through those ops, so no derivative rule is needed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import ops as O  # noqa: N812
from .._core.tensor import Tensor
from .._r import to_int
from .module import nn_Module

__all__ = ["nnf_interpolate", "nnf_upsample", "nn_upsample", "nnf_pixel_shuffle", "nnf_pixel_unshuffle",
           "nn_pixel_shuffle", "nn_pixel_unshuffle"]

_MODES = {"nearest": None, "nearest-exact": None, "area": None, "linear": 1, "bilinear": 2, "bicubic": 2,
          "trilinear": 3}


def _source_scale(n_in: int, n_out: int, align_corners: bool, scale: float | None, dt: Any) -> Any:
    # libtorch's area_pixel_compute_scale (in the op's accumulate type: float for float32 input)
    if align_corners:
        return dt.type(n_in - 1) / dt.type(n_out - 1) if n_out > 1 else dt.type(0)
    if scale is not None and scale > 0:
        return dt.type(1.0 / scale)
    return dt.type(n_in) / dt.type(n_out)


def _nearest_index(n_in: int, n_out: int, scale: float | None, exact: bool) -> np.ndarray:
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(n_in) / np.float32(n_out)
    dst = np.arange(n_out, dtype=np.float32)
    src = np.floor((dst + np.float32(0.5)) * s) if exact else np.floor(dst * s)
    return np.minimum(src.astype(np.int64), n_in - 1)


def _linear_matrix(n_in: int, n_out: int, align_corners: bool, scale: float | None, dt: Any) -> np.ndarray:
    s = _source_scale(n_in, n_out, align_corners, scale, dt)
    dst = np.arange(n_out).astype(dt)
    if align_corners:
        src = s * dst
    else:
        src = np.maximum(s * (dst + dt.type(0.5)) - dt.type(0.5), dt.type(0))
    i0 = src.astype(np.int64)
    i1 = i0 + (i0 < n_in - 1)
    l1 = (src - i0.astype(dt)).astype(dt)
    l0 = (dt.type(1) - l1).astype(dt)
    m = np.zeros((n_out, n_in), dtype=dt)
    rows = np.arange(n_out)
    np.add.at(m, (rows, i0), l0)
    np.add.at(m, (rows, i1), l1)
    return m


def _cubic_matrix(n_in: int, n_out: int, align_corners: bool, scale: float | None, dt: Any) -> np.ndarray:
    s = _source_scale(n_in, n_out, align_corners, scale, dt)
    dst = np.arange(n_out).astype(dt)
    src = s * dst if align_corners else s * (dst + dt.type(0.5)) - dt.type(0.5)
    fl = np.floor(src)
    t = (src - fl).astype(dt)
    i = fl.astype(np.int64)
    A = dt.type(-0.75)
    one = dt.type(1)

    def conv1(x: np.ndarray) -> np.ndarray:  # |x| <= 1
        return ((A + 2) * x - (A + 3)) * x * x + one

    def conv2(x: np.ndarray) -> np.ndarray:  # 1 < |x| < 2
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A

    ws = [conv2(t + one), conv1(t), conv1(one - t), conv2(dt.type(2) - t)]
    m = np.zeros((n_out, n_in), dtype=dt)
    rows = np.arange(n_out)
    for k, w in enumerate(ws):
        np.add.at(m, (rows, np.clip(i - 1 + k, 0, n_in - 1)), w.astype(dt))
    return m


def _area_matrix(n_in: int, n_out: int, dt: Any) -> np.ndarray:
    i = np.arange(n_out)
    start = (i * n_in) // n_out
    end = -((-(i + 1) * n_in) // n_out)
    cols = np.arange(n_in)
    inside = (cols[None, :] >= start[:, None]) & (cols[None, :] < end[:, None])
    return (inside / (end - start)[:, None]).astype(dt)


def _apply_axis(x: Tensor, axis: int, m: np.ndarray) -> Tensor:
    y = O.movedim_last(x, axis)
    y = O.matmul(y, Tensor._wrap(np.ascontiguousarray(m.T)))
    return O.movedim_back(y, axis)


def _sizes(x: Tensor, size: Any, scale_factor: Any, recompute: Any, fn: str) -> tuple[list[int], list]:
    dim = x.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError(f"{fn}: only one of size or scale_factor should be defined")
    if size is not None:
        sz = [to_int(v, f"{fn}: size") for v in np.atleast_1d(np.asarray(size._data if isinstance(size, Tensor)
                                                                           else size)).tolist()]
        if len(sz) == 1 and dim > 1:
            sz = sz * dim
        if len(sz) != dim:
            raise ValueError(f"{fn}: Input and output must have the same number of spatial dimensions, but got "
                             f"input with spatial dimensions of {list(x.shape[2:])} and output size of {sz}. "
                             "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                             "(o1, o2, ...,oK) format.")
        return sz, [None] * dim
    if scale_factor is None:
        raise ValueError(f"{fn}: either size or scale_factor should be defined")
    sc = [float(v) for v in np.atleast_1d(np.asarray(scale_factor, dtype=float)).tolist()]
    if len(sc) == 1 and dim > 1:
        sc = sc * dim
    if len(sc) != dim:
        raise ValueError(f"{fn}: Input and scale_factor must have the same number of spatial dimensions, but got "
                         f"input with spatial dimensions of {list(x.shape[2:])} and scale_factor of shape "
                         f"{sc}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
                         "(s1, s2, ...,sK) format.")
    out = [math.floor(float(n) * s) for n, s in zip(x.shape[2:], sc)]
    return out, ([None] * dim if recompute else sc)


def nnf_interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                    align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                    antialias: bool = False) -> Tensor:
    """Resize (N, C, *spatial) input to ``size`` or by ``scale_factor`` with ``mode`` ("nearest",
    "nearest-exact", "linear" (3-D input), "bilinear" / "bicubic" (4-D), "trilinear" (5-D), "area").

    Example:
        >>> nnf_interpolate(torch_ones(1, 1, 2, 2), scale_factor=2, mode="bilinear").shape
        (1, 1, 4, 4)
    """
    fn = "nnf_interpolate"
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}: `input` must be a tensor, got {type(input).__name__}")
    if mode not in _MODES:
        raise NotImplementedError(f"{fn}: Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | "
                                  f"trilinear | area | nearest-exact (got {mode})")
    if antialias:
        raise NotImplementedError(f"{fn}: antialias = TRUE is not supported")
    if input.ndim not in (3, 4, 5):
        raise NotImplementedError(f"{fn}: Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | "
                                  f"trilinear | area | nearest-exact (got {mode})")
    want = _MODES[mode]
    if want is not None and input.ndim - 2 != want:
        raise NotImplementedError(f"{fn}: Got {input.ndim}D input, but {mode} mode needs {want + 2}D input")
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners:
            raise ValueError(f"{fn}: align_corners option can only be set with the interpolating modes: linear | "
                             "bilinear | bicubic | trilinear")
        ac = False
    else:
        ac = bool(align_corners) if align_corners is not None else False
    out_size, scales = _sizes(input, size, scale_factor, recompute_scale_factor, fn)
    if any(n <= 0 for n in out_size):
        raise RuntimeError(f"{fn}: Input and output sizes should be greater than 0, but got input "
                           f"{list(input.shape[2:])} and output {out_size}")
    x = input
    if mode != "area" and x._data.dtype.kind != "f" and mode not in ("nearest", "nearest-exact"):
        raise RuntimeError(f"{fn}: \"upsample_{mode}\" not implemented for '{x.dtype.name}'")
    dt = x._data.dtype if x._data.dtype.kind == "f" else np.dtype(np.float32)
    for k, (n_in, n_out, sc) in enumerate(zip(x.shape[2:], out_size, scales)):
        axis = k + 2
        if mode in ("nearest", "nearest-exact"):
            if n_in == n_out:
                continue
            idx = _nearest_index(n_in, n_out, sc, mode == "nearest-exact")
            x = O.index(x, (slice(None),) * axis + (Tensor._wrap(idx),))
        elif mode == "area":
            if n_in != n_out:
                x = _apply_axis(x, axis, _area_matrix(n_in, n_out, dt))
        elif mode == "bicubic":
            x = _apply_axis(x, axis, _cubic_matrix(n_in, n_out, ac, sc, dt))
        else:
            x = _apply_axis(x, axis, _linear_matrix(n_in, n_out, ac, sc, dt))
    return x


def nnf_upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None) -> Tensor:
    """``nnf_interpolate`` under its older name."""
    return nnf_interpolate(input, size, scale_factor, mode, align_corners)


class nn_upsample(nn_Module):  # noqa: N801
    """Upsamples (N, C, *spatial) input to ``size`` or by ``scale_factor`` (see ``nnf_interpolate``).

    Example:
        >>> nn_upsample(scale_factor=2, mode="nearest")(torch_ones(1, 1, 2, 2)).shape
        (1, 1, 4, 4)
    """

    def initialize(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                   align_corners: bool | None = None) -> None:
        self.size = size
        self.scale_factor = scale_factor
        self.mode = mode
        self.align_corners = align_corners

    def forward(self, input: Tensor) -> Tensor:
        return nnf_interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners)


def nnf_pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r).

    Example:
        >>> nnf_pixel_shuffle(torch_randn(1, 8, 2, 3), 2).shape
        (1, 2, 4, 6)
    """
    fn = "nnf_pixel_shuffle"
    r = to_int(upscale_factor, f"{fn}: upscale_factor")
    x = input
    if not isinstance(x, Tensor) or x.ndim < 3:
        raise RuntimeError(f"{fn}: pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{getattr(x, 'ndim', 0)} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"{fn}: pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise RuntimeError(f"{fn}: pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
                           f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    n = len(lead)
    y = O.reshape(x, (*lead, c // (r * r), r, r, h, w))
    y = O.permute(y, [*range(n), n, n + 3, n + 1, n + 4, n + 2])
    return O.reshape(y, (*lead, c // (r * r), h * r, w * r))


def nnf_pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W), the inverse of ``nnf_pixel_shuffle``.

    Example:
        >>> nnf_pixel_unshuffle(torch_randn(1, 2, 4, 6), 2).shape
        (1, 8, 2, 3)
    """
    fn = "nnf_pixel_unshuffle"
    r = to_int(downscale_factor, f"{fn}: downscale_factor")
    x = input
    if not isinstance(x, Tensor) or x.ndim < 3:
        raise RuntimeError(f"{fn}: pixel_unshuffle expects input to have at least 3 dimensions, but got input "
                           f"with {getattr(x, 'ndim', 0)} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"{fn}: pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = x.shape
    if h % r or w % r:
        raise RuntimeError(f"{fn}: pixel_unshuffle expects height and width to be divisible by downscale_factor, "
                           f"but got height {h} and width {w} with downscale_factor {r}")
    n = len(lead)
    y = O.reshape(x, (*lead, c, h // r, r, w // r, r))
    y = O.permute(y, [*range(n), n, n + 2, n + 4, n + 1, n + 3])
    return O.reshape(y, (*lead, c * r * r, h // r, w // r))


class nn_pixel_shuffle(nn_Module):  # noqa: N801
    """Rearranges (*, C r^2, H, W) into (*, C, H r, W r)."""

    def initialize(self, upscale_factor: int) -> None:
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return nnf_pixel_shuffle(input, self.upscale_factor)


class nn_pixel_unshuffle(nn_Module):  # noqa: N801
    """Rearranges (*, C, H r, W r) into (*, C r^2, H, W)."""

    def initialize(self, downscale_factor: int) -> None:
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return nnf_pixel_unshuffle(input, self.downscale_factor)
