"""R torch's Fourier transforms (``torch_fft_*``), window functions and ``torch_stft``/``torch_istft``.

``dim`` is 1-based; ``n``/``s`` pad with zeros or crop before transforming; ``norm`` is "backward" (default:
no scaling forward, 1/n inverse), "forward" or "ortho". The transforms are the three primitives of
``_core/fft_ops.py`` (differentiable); everything else here is composed from them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._core import complex_ops as C  # noqa: N812
from ._core import fft_ops as F  # noqa: N812
from ._core import ops as O  # noqa: N812
from ._core.dtype import as_dtype, complex_of, get_default_dtype
from ._core.nn_ops import pad_constant
from ._core.tensor import Tensor
from ._r import Dim, Dims, r_api, to_int

__all__ = ["torch_fft_fft", "torch_fft_ifft", "torch_fft_rfft", "torch_fft_irfft", "torch_fft_fft2",
           "torch_fft_ifft2", "torch_fft_fftn", "torch_fft_ifftn", "torch_fft_rfftn", "torch_fft_irfftn",
           "torch_fft_hfft", "torch_fft_ihfft", "torch_fft_fftfreq", "torch_fft_rfftfreq", "torch_fft_fftshift",
           "torch_fft_ifftshift", "torch_hann_window", "torch_hamming_window", "torch_blackman_window",
           "torch_bartlett_window", "torch_kaiser_window", "torch_stft", "torch_istft"]

_wrap = Tensor._wrap


def _norm(norm: str | None, fn: str) -> str:
    if norm is None:
        return "backward"
    if norm not in F.NORMS:
        raise RuntimeError(f"Invalid normalization mode: \"{norm}\"")
    return norm


def _resize(x: Tensor, axes: tuple, sizes: tuple, fn: str) -> Tensor:
    """``x`` zero-padded or cropped to ``sizes`` along ``axes`` (differentiable)."""
    pads = [(0, 0)] * x.ndim
    changed = False
    for a, n in zip(axes, sizes):
        if n is None or n == -1:
            continue
        if n < 1:
            raise RuntimeError(f"{fn}: Invalid number of data points ({n}) specified")
        if n != x.shape[a]:
            pads[a] = (0, n - x.shape[a])
            changed = True
    return pad_constant(x, tuple(pads), 0.0) if changed else x


def _sizes(s: Any, k: int | None = None) -> tuple | None:
    if s is None:
        return None
    if isinstance(s, Tensor):
        s = s._data.reshape(-1).tolist()
    seq = list(s) if isinstance(s, (list, tuple, np.ndarray)) else [s]
    return tuple(to_int(v, "s") for v in seq)


def _axes_sizes(x: Tensor, s: Any, dim: tuple | None, fn: str) -> tuple[tuple, tuple]:
    sizes = _sizes(s)
    if dim is None:
        dim = tuple(range(x.ndim - len(sizes), x.ndim)) if sizes is not None else tuple(range(x.ndim))
    if sizes is None:
        sizes = tuple(x.shape[a] for a in dim)
    if len(sizes) != len(dim):
        raise RuntimeError(f"{fn}: When given, dim and shape arguments must have the same length")
    return tuple(dim), sizes


# -- complex-to-complex --------------------------------------------------------------------------------------

@r_api
def torch_fft_fft(self: Tensor, n: Any = None, dim: Dim = -1, norm: str | None = None) -> Tensor:
    """The one-dimensional DFT along ``dim`` (``n`` points).

    Example:
        >>> torch_fft_fft(torch_ones(4)).real[0].item()
        4.0
    """
    x = _resize(self, (dim,), (None if n is None else to_int(n, "n"),), "fft_fft")
    if x._data.dtype.kind != "c":  # real input: libtorch's two-sided r2c
        return F.r2c(x, dim, _norm(norm, "fft_fft"), onesided=False)
    return F.c2c(x, (dim,), _norm(norm, "fft_fft"), True)


@r_api
def torch_fft_ifft(self: Tensor, n: Any = None, dim: Dim = -1, norm: str | None = None) -> Tensor:
    """The one-dimensional inverse DFT along ``dim``.

    Example:
        >>> torch_fft_ifft(torch_fft_fft(torch_tensor([1.0, 2.0]))).real[1].item()
        2.0
    """
    x = _resize(self, (dim,), (None if n is None else to_int(n, "n"),), "fft_ifft")
    if x._data.dtype.kind != "c":  # real input: conj of the two-sided r2c with the dual scaling, as libtorch
        return C.conj(F.r2c(x, dim, F.DUAL[_norm(norm, "fft_ifft")], onesided=False))
    return F.c2c(x, (dim,), _norm(norm, "fft_ifft"), False)


@r_api
def torch_fft_fftn(self: Tensor, s: Any = None, dim: Dims = None, norm: str | None = None) -> Tensor:
    """The DFT over several dims (all by default; the last ``length(s)`` when only ``s`` is given).

    Example:
        >>> torch_fft_fftn(torch_ones(2, 2)).real[0, 0].item()
        4.0
    """
    axes, sizes = _axes_sizes(self, s, dim, "fft_fftn")
    return F.c2c(_resize(self, axes, sizes, "fft_fftn"), axes, _norm(norm, "fft_fftn"), True)


@r_api
def torch_fft_ifftn(self: Tensor, s: Any = None, dim: Dims = None, norm: str | None = None) -> Tensor:
    """The inverse DFT over several dims.

    Example:
        >>> torch_fft_ifftn(torch_ones(2, 2)).real[0, 0].item()
        1.0
    """
    axes, sizes = _axes_sizes(self, s, dim, "fft_ifftn")
    return F.c2c(_resize(self, axes, sizes, "fft_ifftn"), axes, _norm(norm, "fft_ifftn"), False)


@r_api
def torch_fft_fft2(self: Tensor, s: Any = None, dim: Dims = (-2, -1), norm: str | None = None) -> Tensor:
    """The two-dimensional DFT (over the last two dims by default).

    Example:
        >>> torch_fft_fft2(torch_ones(2, 2)).real[0, 0].item()
        4.0
    """
    return _fftn(self, s, dim, norm, True)


@r_api
def torch_fft_ifft2(self: Tensor, s: Any = None, dim: Dims = (-2, -1), norm: str | None = None) -> Tensor:
    """The two-dimensional inverse DFT.

    Example:
        >>> torch_fft_ifft2(torch_ones(2, 2)).real[0, 0].item()
        1.0
    """
    return _fftn(self, s, dim, norm, False)


def _fftn(x: Tensor, s: Any, dim: tuple, norm: str | None, forward: bool) -> Tensor:
    axes, sizes = _axes_sizes(x, s, dim, "fft_fft2")
    return F.c2c(_resize(x, axes, sizes, "fft_fft2"), axes, _norm(norm, "fft_fft2"), forward)


# -- real input / real output --------------------------------------------------------------------------------

@r_api
def torch_fft_rfft(self: Tensor, n: Any = None, dim: Dim = -1, norm: str | None = None) -> Tensor:
    """The DFT of a real input, one-sided: the ``n %/% 2 + 1`` non-redundant frequencies.

    Example:
        >>> torch_fft_rfft(torch_ones(4)).shape
        (3,)
    """
    x = _resize(self, (dim,), (None if n is None else to_int(n, "n"),), "fft_rfft")
    return F.r2c(x, dim, _norm(norm, "fft_rfft"))


@r_api
def torch_fft_irfft(self: Tensor, n: Any = None, dim: Dim = -1, norm: str | None = None) -> Tensor:
    """The inverse of :func:`torch_fft_rfft`: a real signal of ``n`` points (default ``2 * (m - 1)``).

    Example:
        >>> torch_fft_irfft(torch_fft_rfft(torch_tensor([1.0, 2.0, 3.0, 4.0])))[3].item()
        4.0
    """
    m = self.shape[dim]
    npts = 2 * (m - 1) if n is None else to_int(n, "n")
    if npts < 1:
        raise RuntimeError(f"fft_irfft: Invalid number of data points ({npts}) specified")
    x = _resize(self, (dim,), (npts // 2 + 1,), "fft_irfft")
    return F.c2r(x, dim, npts, _norm(norm, "fft_irfft"))


@r_api
def torch_fft_rfftn(self: Tensor, s: Any = None, dim: Dims = None, norm: str | None = None) -> Tensor:
    """The n-dimensional DFT of a real input, one-sided in the last transformed dim.

    Example:
        >>> torch_fft_rfftn(torch_ones(2, 4)).shape
        (2, 3)
    """
    axes, sizes = _axes_sizes(self, s, dim, "fft_rfftn")
    nm = _norm(norm, "fft_rfftn")
    y = F.r2c(_resize(self, axes, sizes, "fft_rfftn"), axes[-1], nm)
    return F.c2c(y, axes[:-1], nm, True) if len(axes) > 1 else y


@r_api
def torch_fft_irfftn(self: Tensor, s: Any = None, dim: Dims = None, norm: str | None = None) -> Tensor:
    """The inverse of :func:`torch_fft_rfftn` (the last dim's output size defaults to ``2 * (m - 1)``).

    Example:
        >>> torch_fft_irfftn(torch_fft_rfftn(torch_ones(2, 4))).shape
        (2, 4)
    """
    sizes = _sizes(s)
    if dim is None:
        dim = tuple(range(self.ndim - len(sizes), self.ndim)) if sizes is not None else tuple(range(self.ndim))
    axes = tuple(dim)
    if sizes is None:
        sizes = tuple(self.shape[a] for a in axes[:-1]) + (2 * (self.shape[axes[-1]] - 1),)
    nm = _norm(norm, "fft_irfftn")
    last = sizes[-1]
    x = _resize(self, axes, sizes[:-1] + (last // 2 + 1,), "fft_irfftn")
    if len(axes) > 1:
        x = F.c2c(x, axes[:-1], nm, False)
    return F.c2r(x, axes[-1], last, nm)


@r_api
def torch_fft_hfft(self: Tensor, n: Any = None, dim: Dim = -1, norm: str | None = None) -> Tensor:
    """The DFT of a Hermitian-symmetric signal given by its first half: a real output of ``n`` points.

    Example:
        >>> torch_fft_hfft(torch_tensor([1.0, 0.0, 0.0])).shape
        (4,)
    """
    m = self.shape[dim]
    npts = 2 * (m - 1) if n is None else to_int(n, "n")
    x = _resize(C.conj(_complex(self)), (dim,), (npts // 2 + 1,), "fft_hfft")
    return F.c2r(x, dim, npts, F.DUAL[_norm(norm, "fft_hfft")])


@r_api
def torch_fft_ihfft(self: Tensor, n: Any = None, dim: Dim = -1, norm: str | None = None) -> Tensor:
    """The inverse of :func:`torch_fft_hfft`: a real input's one-sided inverse DFT.

    Example:
        >>> torch_fft_ihfft(torch_ones(4)).shape
        (3,)
    """
    x = _resize(self, (dim,), (None if n is None else to_int(n, "n"),), "fft_ihfft")
    return C.conj(F.r2c(x, dim, F.DUAL[_norm(norm, "fft_ihfft")]))


def _complex(x: Tensor) -> Tensor:
    d = x._data
    if d.dtype.kind == "c":
        return x
    return O.to_dtype(x, complex_of(d.dtype if d.dtype.kind == "f" else get_default_dtype().np))


# -- frequencies and shifts ------------------------------------------------------------------------------------

def _float_dtype(dtype: Any) -> np.dtype:
    return get_default_dtype().np if dtype is None else as_dtype(dtype).np


def torch_fft_fftfreq(n: Any, d: float = 1.0, dtype: Any = None, layout: Any = None, device: Any = None,
                      requires_grad: bool = False) -> Tensor:
    """The sample frequencies of an ``n``-point DFT with sample spacing ``d``.

    Example:
        >>> torch_fft_fftfreq(4)._data.tolist()
        [0.0, 0.25, -0.5, -0.25]
    """
    t = _wrap(np.fft.fftfreq(to_int(n, "n"), float(d)).astype(_float_dtype(dtype)))
    return t.requires_grad_(True) if requires_grad else t


def torch_fft_rfftfreq(n: Any, d: float = 1.0, dtype: Any = None, layout: Any = None, device: Any = None,
                       requires_grad: bool = False) -> Tensor:
    """The sample frequencies of :func:`torch_fft_rfft` (non-negative only).

    Example:
        >>> torch_fft_rfftfreq(4)._data.tolist()
        [0.0, 0.25, 0.5]
    """
    t = _wrap(np.fft.rfftfreq(to_int(n, "n"), float(d)).astype(_float_dtype(dtype)))
    return t.requires_grad_(True) if requires_grad else t


@r_api
def torch_fft_fftshift(input: Tensor, dim: Dims = None) -> Tensor:  # noqa: A002
    """Moves the zero frequency to the centre (a roll by ``n %/% 2`` along ``dim``, all dims by default).

    Example:
        >>> torch_fft_fftshift(torch_fft_fftfreq(4))._data.tolist()
        [-0.5, -0.25, 0.0, 0.25]
    """
    axes = tuple(range(input.ndim)) if dim is None else dim
    return O.roll(input, [input.shape[a] // 2 for a in axes], axes)


@r_api
def torch_fft_ifftshift(input: Tensor, dim: Dims = None) -> Tensor:  # noqa: A002
    """The inverse of :func:`torch_fft_fftshift`.

    Example:
        >>> f = torch_fft_fftfreq(5)
        >>> torch_fft_ifftshift(torch_fft_fftshift(f))._data.tolist() == f._data.tolist()
        True
    """
    axes = tuple(range(input.ndim)) if dim is None else dim
    return O.roll(input, [-(input.shape[a] // 2) for a in axes], axes)


# -- windows -------------------------------------------------------------------------------------------------

def _window(name: str, window_length: Any, periodic: bool, dtype: Any, requires_grad: bool, fn: Any) -> Tensor:
    if window_length is None:
        raise ValueError(f"torch_{name}: argument 'window_length' must be a whole number, got NULL")
    n = to_int(window_length, "window_length")
    if n < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={n}")
    dt = _float_dtype(dtype)
    if dt.kind != "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got: {as_dtype(dtype).name}")
    if n <= 1:
        out = np.ones(n, dt)
    else:
        m = n + 1 if periodic else n  # periodic: the first n points of an (n + 1)-point symmetric window
        out = fn(np.arange(m, dtype=np.float64), m)[:n].astype(dt)
    t = _wrap(out)
    return t.requires_grad_(True) if requires_grad else t


def _cosine_sum(*a: float) -> Any:
    return lambda k, m: sum(c * (-1) ** i * np.cos(2 * math.pi * i * k / (m - 1)) for i, c in enumerate(a))


def torch_hann_window(window_length: Any, periodic: bool = True, dtype: Any = None, layout: Any = None,
                      device: Any = None, requires_grad: bool = False) -> Tensor:
    """The Hann window: ``0.5 - 0.5 cos(2 pi k / (N - 1))`` (periodic: N = length + 1).

    Example:
        >>> torch_hann_window(4)._data.tolist()
        [0.0, 0.5, 1.0, 0.5]
    """
    return _window("hann_window", window_length, periodic, dtype, requires_grad, _cosine_sum(0.5, 0.5))


def torch_hamming_window(window_length: Any, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46,
                         dtype: Any = None, layout: Any = None, device: Any = None,
                         requires_grad: bool = False) -> Tensor:
    """The Hamming window: ``alpha - beta cos(2 pi k / (N - 1))``.

    Example:
        >>> [round(v, 2) for v in torch_hamming_window(3, periodic = False)._data.tolist()]
        [0.08, 1.0, 0.08]
    """
    return _window("hamming_window", window_length, periodic, dtype, requires_grad,
                   _cosine_sum(float(alpha), float(beta)))


def torch_blackman_window(window_length: Any, periodic: bool = True, dtype: Any = None, layout: Any = None,
                          device: Any = None, requires_grad: bool = False) -> Tensor:
    """The Blackman window: ``0.42 - 0.5 cos(2 pi k / (N - 1)) + 0.08 cos(4 pi k / (N - 1))``.

    Example:
        >>> torch_blackman_window(3, periodic = False)._data.round(4).tolist()
        [-0.0, 1.0, -0.0]
    """
    return _window("blackman_window", window_length, periodic, dtype, requires_grad, _cosine_sum(0.42, 0.5, 0.08))


def torch_bartlett_window(window_length: Any, periodic: bool = True, dtype: Any = None, layout: Any = None,
                          device: Any = None, requires_grad: bool = False) -> Tensor:
    """The Bartlett (triangular) window: ``1 - |2 k / (N - 1) - 1|``.

    Example:
        >>> torch_bartlett_window(5, periodic = False)._data.tolist()
        [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad,
                   lambda k, m: 1 - np.abs(2 * k / (m - 1) - 1))


def torch_kaiser_window(window_length: Any, periodic: bool = True, beta: float = 12.0, dtype: Any = None,
                        layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """The Kaiser window: ``I0(beta sqrt(1 - (2 k / (N - 1) - 1)^2)) / I0(beta)``.

    Example:
        >>> torch_kaiser_window(3, periodic=False, dtype=torch_float64())._data.round(4).tolist()
        [0.0001, 1.0, 0.0001]
    """
    b = float(beta)
    return _window("kaiser_window", window_length, periodic, dtype, requires_grad,
                   lambda k, m: np.i0(b * np.sqrt(np.clip(1 - (2 * k / (m - 1) - 1) ** 2, 0, None))) / np.i0(b))


# -- short-time Fourier transform --------------------------------------------------------------------------------

def torch_stft(input: Tensor, n_fft: Any, hop_length: Any = None, win_length: Any = None,  # noqa: A002
               window: Tensor | None = None, center: bool = True, pad_mode: str = "reflect",
               normalized: bool = False, onesided: bool | None = None, return_complex: bool | None = None
               ) -> Tensor:
    """The short-time Fourier transform of a signal (``(L)`` or ``(B, L)``): ``(B?, freq, frames)`` complex,
    or with a last dim of 2 (real, imaginary) when ``return_complex = FALSE``. Frames are ``n_fft`` long,
    ``hop_length`` apart (default ``n_fft %/% 4``); ``center`` pads ``n_fft %/% 2`` on both sides first.

    Example:
        >>> torch_stft(torch_ones(16), n_fft = 8, return_complex=True).shape
        (5, 9)
    """
    n_fft = to_int(n_fft, "n_fft")
    hop = n_fft // 4 if hop_length is None else to_int(hop_length, "hop_length")
    win = n_fft if win_length is None else to_int(win_length, "win_length")
    if return_complex is None:
        raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                           "further require that return_complex=True in a future PyTorch release.")
    x = input
    if x.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {x.ndim}D")
    batched = x.ndim == 2
    if not batched:
        x = O.unsqueeze(x, 0)
    if center:
        p = n_fft // 2
        mode = {"reflect": "reflect", "constant": "constant", "replicate": "replicate",
                "circular": "circular"}.get(pad_mode)
        if mode is None:
            raise RuntimeError(f"stft: unsupported pad_mode '{pad_mode}'")
        from .nn.functional import nnf_pad  # noqa: PLC0415
        x = O.squeeze(nnf_pad(O.unsqueeze(x, 1), (p, p), mode=mode), 1)
    length = x.shape[-1]
    if not 0 < n_fft <= length:
        raise RuntimeError(f"stft: expected 0 < n_fft <= {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length={win}")
    frames = 1 + (length - n_fft) // hop
    idx = (np.arange(frames)[:, None] * hop + np.arange(n_fft)[None, :]).reshape(-1)
    seg = O.reshape(O.index(x, (slice(None), idx)), (x.shape[0], frames, n_fft))
    if window is not None:
        if window.ndim != 1 or window.shape[0] != win:
            raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length={win}, but got "
                               f"window with size {list(window.shape)}")
        w = window
        if win < n_fft:  # the window is centred in the frame
            left = (n_fft - win) // 2
            w = pad_constant(window, ((left, n_fft - win - left),), 0.0)
        seg = seg * w
    elif win < n_fft:
        w = np.zeros(n_fft, x._data.dtype)
        left = (n_fft - win) // 2
        w[left:left + win] = 1
        seg = seg * _wrap(w)
    complex_in = x._data.dtype.kind == "c"
    one = (not complex_in) if onesided is None else onesided
    norm = "ortho" if normalized else "backward"
    spec = F.r2c(seg, 2, norm) if one and not complex_in else F.c2c(seg, (2,), norm, True)
    spec = O.transpose(spec, 1, 2)
    if not batched:
        spec = O.squeeze(spec, 0)
    return spec if return_complex else C.view_as_real(spec)


def torch_istft(input: Tensor, n_fft: Any, hop_length: Any = None, win_length: Any = None,  # noqa: A002
                window: Tensor | None = None, center: bool = True, normalized: bool = False,
                onesided: bool | None = None, length: Any = None, return_complex: bool = False) -> Tensor:
    """The inverse of :func:`torch_stft` by weighted overlap-add (``input`` complex ``(B?, freq, frames)``).

    Example:
        >>> x = torch_arange(1, 16)
        >>> s = torch_stft(x, 8, window = torch_hann_window(8), return_complex=True)
        >>> bool((torch_istft(s, 8, window = torch_hann_window(8), length = 16) - x).abs().max().item() < 1e-5)
        True
    """
    n_fft = to_int(n_fft, "n_fft")
    hop = n_fft // 4 if hop_length is None else to_int(hop_length, "hop_length")
    win = n_fft if win_length is None else to_int(win_length, "win_length")
    spec = input if input._data.dtype.kind == "c" else C.view_as_complex(input)
    batched = spec.ndim == 3
    if not batched:
        spec = O.unsqueeze(spec, 0)
    one = spec.shape[1] != n_fft if onesided is None else onesided
    norm = "ortho" if normalized else "backward"
    frames_t = O.transpose(spec, 1, 2)  # (B, frames, freq)
    frames = C.real(F.c2c(frames_t, (2,), norm, False)) if not one and not return_complex else (
        F.c2c(frames_t, (2,), norm, False) if not one else F.c2r(frames_t, 2, n_fft, norm))
    dt = frames._data.real.dtype
    if window is None:
        w = np.zeros(n_fft, dt)
        left = (n_fft - win) // 2
        w[left:left + win] = 1
        wt = _wrap(w)
    else:
        left = (n_fft - win) // 2
        wt = pad_constant(window, ((left, n_fft - win - left),), 0.0) if win < n_fft else window
    frames = frames * wt
    nfr = frames.shape[1]
    total = n_fft + hop * (nfr - 1)
    idx = (np.arange(nfr)[:, None] * hop + np.arange(n_fft)[None, :]).reshape(-1)
    b = frames.shape[0]
    out = O.index_put(_wrap(np.zeros((b, total), frames._data.dtype)), (slice(None), _wrap(idx)),
                      O.reshape(frames, (b, -1)), accumulate=True)
    wsq = np.zeros(total, dt)
    np.add.at(wsq, idx, np.tile(wt._data.astype(dt) ** 2, nfr))
    start = n_fft // 2 if center else 0
    end = total - (n_fft // 2 if center else 0)
    if length is not None:
        end = start + to_int(length, "length")
    end = min(end, total)
    env = wsq[start:end]
    if np.any(np.abs(env) < 1e-11):
        raise RuntimeError("istft: window overlap add min: 0 (the window envelope has zeros)")
    out = O.index(out, (slice(None), slice(start, end))) / _wrap(env)
    if length is not None and out.shape[1] < to_int(length, "length"):
        out = pad_constant(out, ((0, 0), (0, to_int(length, "length") - out.shape[1])), 0.0)
    return out if batched else O.squeeze(out, 0)
