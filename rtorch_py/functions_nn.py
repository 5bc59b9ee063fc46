"""R torch's ``torch_*`` forms of nn operations (``torch_nll_loss``, ``torch_adaptive_avg_pool2d``,
``torch_max_pool2d_with_indices``, ``torch_upsample_nearest2d``, ``torch_upsample_trilinear3d``,
``torch_scaled_dot_product_attention`` ...) and libtorch's ``*_out`` / ``_cast_*`` / ``*_backward`` entry
points that R torch's namespace carries. The nn ones delegate to the ``nnf_*`` implementations; upsampling is
written from differentiable index/lerp primitives (so the ``*_backward`` functions are its autograd)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._core import ops as O  # noqa: N812
from ._core.autograd import enable_grad
from ._core.dtype import as_dtype
from ._core.tensor import Tensor
from ._r import to_int

_wrap = Tensor._wrap

__all__ = [
    "torch_nll_loss", "torch_multi_margin_loss", "torch_adaptive_avg_pool2d", "torch_max_pool2d_with_indices",
    "torch_max_unpool2d", "torch_zero_", "torch__cast_Byte", "torch__cast_Char", "torch__cast_Double",
    "torch__cast_Float", "torch__cast_Half", "torch__cast_Int", "torch__cast_Long", "torch__cast_Short",
    "torch_zeros_out", "torch_addr_out", "torch_one_hot",
    "torch_empty_strided", "torch__adaptive_avg_pool2d_backward", "is_torch_device",
    "torch__batch_norm_impl_index", "torch__cdist_backward",
]


def torch_one_hot(self: Tensor, num_classes: int = -1) -> Tensor:
    """``nnf_one_hot``: 1-based class indices as one-hot rows (``num_classes`` = the largest by default).

    Example:
        >>> torch_one_hot(torch_tensor([2, 1]))._data.tolist()
        [[0, 1], [1, 0]]
    """
    return _nnf("nnf_one_hot")(self, num_classes)


def torch_empty_strided(size: Any, stride: Any, dtype: Any = None, layout: Any = None, device: Any = None,
                        requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A tensor of ``size`` whose elements lie ``stride`` elements apart (zero-filled storage of the needed
    length).

    Example:
        >>> torch_empty_strided([2, 2], [1, 2]).stride()
        [1.0, 2.0]
    """
    from .creation import _check_device, _meta
    on_meta = _check_device(device) == "meta"
    shape, steps = _sizes(size), _sizes(stride)
    if len(shape) != len(steps):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(steps)} and {len(shape)}")
    from ._core.dtype import get_default_dtype
    npd = as_dtype(dtype).np if dtype is not None else get_default_dtype().np
    if on_meta:
        return _meta(tuple(shape), npd, requires_grad)
    n = 1 + sum((k - 1) * st for k, st in zip(shape, steps)) if all(shape) else 0
    buf = np.zeros(max(n, 0), dtype=npd)
    arr = np.lib.stride_tricks.as_strided(buf, shape, [st * buf.itemsize for st in steps])
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _nnf(name: str) -> Any:
    from . import nn
    return getattr(nn, name)


_REDUCTION = {0: "none", 1: "mean", 2: "sum"}


def _reduction(r: Any) -> str:
    if isinstance(r, str):
        return r
    code = to_int(r, "reduction")
    if code not in _REDUCTION:
        raise ValueError(f"reduction must be 0 (none), 1 (mean) or 2 (sum), got {code}")
    return _REDUCTION[code]


def torch_nll_loss(self: Tensor, target: Tensor, weight: Tensor | None = None, reduction: Any = 1,
                   ignore_index: int = -100) -> Tensor:
    """``nnf_nll_loss`` with libtorch's integer ``reduction`` code (``torch_reduction_mean()`` ...); 1-based
    targets.

    Example:
        >>> torch_nll_loss(torch_tensor([[-1.0, -2.0, -3.0]]), torch_tensor([2])).item()
        2.0
    """
    if isinstance(target, Tensor) and target._data.size and (target._data == 0).any() and ignore_index != 0:
        raise IndexError("Indexing starts at 1 but found a 0.")
    return _nnf("nnf_nll_loss")(self, target, weight, ignore_index, _reduction(reduction))


def torch_multi_margin_loss(self: Tensor, target: Tensor, p: int = 1, margin: float = 1,
                            weight: Tensor | None = None, reduction: Any = 1) -> Tensor:
    """``nnf_multi_margin_loss`` with libtorch's integer ``reduction`` code; 1-based targets."""
    return _nnf("nnf_multi_margin_loss")(self, target, p, margin, weight, _reduction(reduction))


def torch_adaptive_avg_pool2d(self: Tensor, output_size: Any) -> Tensor:
    """``nnf_adaptive_avg_pool2d``."""
    return _nnf("nnf_adaptive_avg_pool2d")(self, output_size)


def torch__adaptive_avg_pool2d_backward(grad_output: Tensor, self: Tensor) -> Tensor:
    """The gradient of ``torch_adaptive_avg_pool2d(self, <the size of grad_output>)`` (its autograd)."""
    size = list(grad_output.shape[-2:])
    return _backward(lambda x: _nnf("nnf_adaptive_avg_pool2d")(x, size), grad_output, list(self.shape))


def torch__batch_norm_impl_index(input: Tensor, weight: Tensor | None, bias: Tensor | None,  # noqa: A002
                                 running_mean: Tensor | None, running_var: Tensor | None, training: bool,
                                 momentum: float, eps: float, cudnn_enabled: bool) -> list:
    """libtorch's internal batch norm entry: ``list(output, save_mean, save_invstd, reserve, 0)``, the native
    (CPU) implementation's results: ``nnf_batch_norm``'s output, the batch mean and 1 / sqrt(biased variance +
    eps) per channel when training (empty otherwise), an empty reserve, and implementation index 0.

    Example:
        >>> out = torch__batch_norm_impl_index(torch_tensor([[1.0], [3.0]]), None, None, None, None, True, 0.1,
        ...                                    0.0, True)
        >>> out[1].tolist(), out[2].tolist(), out[4]
        ([2.0], [1.0], 0)
    """
    out = _nnf("nnf_batch_norm")(input, running_mean, running_var, weight, bias, bool(training), momentum, eps)
    dt = input._data.dtype
    if training:
        axes = (0, *range(2, input.ndim))
        x = input._data.astype(np.float64)
        mean = x.mean(axis=axes)
        invstd = 1.0 / np.sqrt(x.var(axis=axes) + float(eps))
        save_mean, save_invstd = _wrap(mean.astype(dt)), _wrap(invstd.astype(dt))
    else:
        save_mean = save_invstd = _wrap(np.zeros(0, dtype=dt))
    return [out, save_mean, save_invstd, _wrap(np.zeros(0, dtype=dt)), 0]


def torch__cdist_backward(grad: Tensor, x1: Tensor, x2: Tensor, p: float, cdist: Tensor) -> Tensor:
    """libtorch's internal gradient of ``torch_cdist(x1, x2, p)`` with respect to ``x1``, given the upstream
    ``grad`` (.., P, R) and the forward result ``cdist``: sum over r of grad * d/dx1 ||x1_p - x2_r||_p, where
    the norm's derivative is written with ``cdist`` (entries with cdist 0 contribute 0, as libtorch).

    Example:
        >>> x1, x2 = torch_tensor([[0.0, 0.0]]), torch_tensor([[3.0, 4.0]])
        >>> torch__cdist_backward(torch_ones(1, 1), x1, x2, 2, torch_cdist(x1, x2)).tolist()
        [[-0.6000000238418579, -0.800000011920929]]
    """
    g, a, b, c = grad._data, x1._data, x2._data, cdist._data
    d = a[..., :, None, :] - b[..., None, :, :]  # (.., P, R, M)
    p = float(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0:
            term = np.zeros_like(d)
        elif p == 1:
            term = np.sign(d)
        elif p == 2:
            term = d / c[..., None]
        elif math.isinf(p):
            term = np.sign(d) * (np.abs(d) == c[..., None])
        else:
            term = d * np.abs(d) ** (p - 2) / c[..., None] ** (p - 1)
        term = np.where(c[..., None] == 0, 0, term)
    return _wrap((g[..., None] * term).sum(axis=-2).astype(a.dtype))


def torch_max_pool2d_with_indices(self: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                                  dilation: Any = 1, ceil_mode: bool = False) -> list:
    """``list(output, indices)`` of 2-d max pooling (indices 1-based, flat over H * W)."""
    return _nnf("nnf_max_pool2d")(self, kernel_size, stride if stride is not None else kernel_size, padding,
                                  dilation, ceil_mode, True)


def torch_max_unpool2d(self: Tensor, indices: Tensor, output_size: Any) -> Tensor:
    """The inverse of max pooling: each value of ``self`` placed at its 1-based flat index (over H * W of
    ``output_size``) in zeros.

    Example:
        >>> torch_max_unpool2d(torch_ones(1, 1, 1, 1), torch_tensor([[[[4]]]]), [2, 2])._data.tolist()
        [[[[0.0, 0.0], [0.0, 1.0]]]]
    """
    h, w = (to_int(s) for s in list(output_size)[-2:])
    i = indices._data.astype(np.int64)
    if i.size and (i.min() < 1 or i.max() > h * w):
        bad = int(i[(i < 1) | (i > h * w)].reshape(-1)[0])
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size {h}x{w}")
    lead = self.shape[:-2]
    flat = O.reshape(self, (-1, self.shape[-2] * self.shape[-1]))
    z = _wrap(np.zeros((flat.shape[0], h * w), dtype=self._data.dtype))
    out = O.scatter(z, 1, _wrap(i.reshape(flat.shape[0], -1) - 1), flat)
    return O.reshape(out, lead + (h, w))


def torch_zero_(self: Tensor) -> Tensor:
    """``self$zero_()``: every element set to 0 in place."""
    return self.zero_()


def _caster(name: str, dt: str) -> Any:
    def cast(self: Tensor, non_blocking: bool = False) -> Tensor:
        return O.to_dtype(self, as_dtype(dt).np)

    cast.__name__ = name
    cast.__doc__ = f"``self`` converted to {dt} (libtorch's ``_cast_*``)."
    return cast


torch__cast_Byte = _caster("torch__cast_Byte", "uint8")
torch__cast_Char = _caster("torch__cast_Char", "int8")
torch__cast_Double = _caster("torch__cast_Double", "float64")
torch__cast_Float = _caster("torch__cast_Float", "float32")
torch__cast_Half = _caster("torch__cast_Half", "float16")
torch__cast_Int = _caster("torch__cast_Int", "int32")
torch__cast_Long = _caster("torch__cast_Long", "int64")
torch__cast_Short = _caster("torch__cast_Short", "int16")


def _write_out(out: Tensor, result: Tensor) -> Tensor:
    """libtorch's ``*_out``: ``out`` resized to the result and overwritten; returned."""
    if out.shape != result.shape:
        out.resize_(list(result.shape))
    return out.copy_(result)


def torch_zeros_out(out: Tensor, size: Any) -> Tensor:
    """Zeros of ``size`` written into ``out`` (resized), which is returned."""
    from .creation import torch_zeros
    return _write_out(out, torch_zeros(size, dtype=out.dtype))


def torch_addr_out(out: Tensor, self: Tensor, vec1: Tensor, vec2: Tensor, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``torch_addr`` written into ``out``, which is returned."""
    from .functions_shape import torch_addr
    return _write_out(out, torch_addr(self, vec1, vec2, beta, alpha))


def _sizes(v: Any) -> list[int]:
    if isinstance(v, Tensor):
        v = v._data.reshape(-1).tolist()
    return [to_int(s) for s in (v if isinstance(v, (list, tuple, np.ndarray)) else [v])]


def _nearest(x: Tensor, output_size: Sequence[int]) -> Tensor:
    k = len(output_size)
    for j, o in enumerate(output_size):
        axis = x._data.ndim - k + j
        n = x.shape[axis]
        src = np.minimum(np.floor(np.arange(o) * (n / o)).astype(np.int64), n - 1)
        x = O.index_select(x, axis, _wrap(src))
    return x


def _linear(x: Tensor, output_size: Sequence[int], align_corners: bool) -> Tensor:
    k = len(output_size)
    for j, o in enumerate(output_size):
        axis = x._data.ndim - k + j
        n = x.shape[axis]
        if align_corners:
            src = np.arange(o) * ((n - 1) / (o - 1)) if o > 1 else np.zeros(o)
        else:
            src = np.maximum((np.arange(o) + 0.5) * (n / o) - 0.5, 0)
        lo = np.minimum(np.floor(src).astype(np.int64), n - 1)
        hi = np.minimum(lo + 1, n - 1)
        w = (src - lo).astype(x._data.dtype)
        view = [1] * x._data.ndim
        view[axis] = o
        x = O.lerp(O.index_select(x, axis, _wrap(lo)), O.index_select(x, axis, _wrap(hi)),
                   _wrap(w.reshape(view)))
    return x


def _backward(forward: Any, grad_output: Tensor, input_size: Any) -> Tensor:
    from .autograd_api import autograd_grad
    x = _wrap(np.zeros(_sizes(input_size), dtype=grad_output._data.dtype))
    x.requires_grad_(True)
    with enable_grad():
        y = forward(x)
    return autograd_grad([y], [x], [grad_output])[0]


def _make_upsample(kind: str, nd: int) -> None:
    name = f"torch_upsample_{kind}{nd}d"

    def forward(self: Tensor, output_size: Any = None, *args: Any, align_corners: bool = False,
                scales: Any = None, **kw: Any) -> Tensor:
        if output_size is None:
            raise RuntimeError(f"{name}: output_size is required in rtorch_py")
        size = _sizes(output_size)
        if len(size) != nd or self._data.ndim != nd + 2:
            raise RuntimeError(f"{name}: expected a {nd + 2}-d input and {nd} output sizes, got a "
                               f"{self._data.ndim}-d input and {len(size)} sizes")
        if kind == "nearest":
            return _nearest(self, size)
        if args and isinstance(args[0], (bool, np.bool_)):
            align_corners = bool(args[0])
        return _linear(self, size, bool(align_corners))

    def backward(grad_output: Tensor, output_size: Any, input_size: Any, *args: Any, **kw: Any) -> Tensor:
        return _backward(lambda x: forward(x, output_size, *args, **kw), grad_output, input_size)

    def out_fn(out: Tensor = None, self: Tensor = None, output_size: Any = None, *args: Any,  # noqa: RUF013
               **kw: Any) -> Tensor:
        return _write_out(out, forward(self, output_size, *args, **kw))

    def backward_out(grad_input: Tensor = None, grad_output: Tensor = None,  # noqa: RUF013
                     output_size: Any = None, input_size: Any = None, *args: Any, **kw: Any) -> Tensor:
        return _write_out(grad_input, backward(grad_output, output_size, input_size, *args, **kw))

    what = "nearest-neighbour" if kind == "nearest" else "trilinear"
    for fn, suffix, doc in ((forward, "", f"{what} upsampling of the last {nd} dims to ``output_size``"),
                            (backward, "_backward", f"the gradient of {what} upsampling (its autograd)"),
                            (out_fn, "_out", f"{what} upsampling written into ``out``"),
                            (backward_out, "_backward_out", f"the gradient of {what} upsampling written "
                                                            "into ``grad_input``")):
        fn.__name__ = name + suffix
        fn.__doc__ = f"libtorch's ``upsample_{kind}{nd}d{suffix}``: {doc}."
        globals()[name + suffix] = fn
        __all__.append(name + suffix)


for _nd in (1, 2, 3):
    _make_upsample("nearest", _nd)
_make_upsample("trilinear", 3)


def is_torch_device(x: Any) -> bool:
    """Whether ``x`` is a ``torch_device`` object.

    Example:
        >>> is_torch_device(torch_ones(1).device)
        True
    """
    from .creation import torch_device
    return isinstance(x, torch_device)
