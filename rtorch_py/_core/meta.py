"""Storage of meta tensors (``device = "meta"``): a shape and a dtype, no data.

A meta tensor's ``_data`` is a ``MetaArray``: a read-only, zero-strided broadcast of one zero (no memory in
the tensor's size), subclassed so that numpy itself keeps meta-ness. Views (reshape, transpose, indexing)
stay ``MetaArray``; elementwise ufuncs give a new ``MetaArray`` of the broadcast shape and numpy's result
dtype (libtorch's meta kernels infer shapes and dtypes the same way); anything that would read the values
(reductions, linear algebra, conversion to R or Python numbers, printing the values) raises
``no_data(...)``, one clear error, instead of computing with the placeholder zeros.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MetaArray", "meta_array", "is_meta", "no_data", "check_data"]

# numpy functions that only read or rearrange the shape: the default implementation keeps the subclass
_SHAPE_ONLY = frozenset({
    np.reshape, np.transpose, np.squeeze, np.expand_dims, np.moveaxis, np.swapaxes, np.broadcast_to,
    np.shape, np.ndim, np.size, np.result_type, np.can_cast, np.may_share_memory, np.shares_memory,
    np.atleast_1d, np.atleast_2d, np.atleast_3d, np.broadcast_arrays, np.flip,
})


def no_data(what: str) -> RuntimeError:
    """The error for reading a meta tensor's values."""
    return RuntimeError(
        f"{what}: not supported in rtorch_py on meta tensors: they have a shape and a dtype but no data "
        "(views and elementwise ops give meta tensors; create the tensor on the CPU to compute with it)")


class MetaArray(np.ndarray):
    """A shape and a dtype without data (see the module docstring)."""

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or ufunc.signature is not None or kwargs.get("out") is not None:
            raise no_data(f"{ufunc.__name__}{'' if method == '__call__' else '.' + method}")
        shape = np.broadcast_shapes(*(np.shape(i) for i in inputs))
        # the result dtype: the ufunc on 0-d zeros of the inputs' dtypes (Python scalars stay weak)
        probes = [np.zeros((), i.dtype) if isinstance(i, np.ndarray) else i for i in inputs]
        with np.errstate(all="ignore"):
            res = ufunc(*probes, **kwargs)
        if ufunc.nout > 1:
            return tuple(meta_array(shape, np.asarray(r).dtype) for r in res)
        return meta_array(shape, np.asarray(res).dtype)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func not in _SHAPE_ONLY:
            raise no_data(getattr(func, "__name__", "this operation"))
        return super().__array_function__(func, types, args, kwargs)

    def item(self, *args: Any) -> Any:  # noqa: D102 - ndarray's, refused
        raise no_data("item")

    def tolist(self) -> Any:  # noqa: D102
        raise no_data("tolist")


def meta_array(shape: tuple[int, ...], dtype: Any) -> MetaArray:
    """A ``MetaArray`` of ``shape`` and ``dtype`` (no memory in its size).

    >>> a = meta_array((1000, 1000), np.float32)
    >>> a.shape, a.dtype, a.nbytes == 4e6, (a + 1).shape
    ((1000, 1000), dtype('float32'), True, (1000, 1000))
    """
    return np.broadcast_to(np.zeros((), dtype), tuple(shape)).view(MetaArray)


def is_meta(arr: Any) -> bool:
    """Whether ``arr`` (a tensor's ``_data``) is meta storage."""
    return isinstance(arr, MetaArray)


def check_data(arr: Any, what: str) -> None:
    """Raise ``no_data(what)`` when ``arr`` is meta storage (before reading values)."""
    if isinstance(arr, MetaArray):
        raise no_data(what)
