"""The tensor: a numpy array plus autograd state. This is the 0-based core; R-named methods (1-based dims)
are attached by the API layer (``rtorch_py/tensor_methods.py``)."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from . import autograd
from .autograd import Node, SavedOutput
from .dtype import dtype, from_numpy_dtype

__all__ = ["Tensor", "print_options"]


class print_options:  # noqa: N801
    """Printing settings. ``grad_suffix``: append libtorch's autograd suffix after the footer
    (``[ grad_fn = <MulBackward0> ]`` / ``[ requires_grad = TRUE ]``), as newer R torch does; off by default,
    as in the seed document (R: ``options(torch.print_grad = TRUE)``)."""

    grad_suffix = False


class Tensor:
    """An n-dimensional array with reverse-mode autograd, printed and named as R torch's ``torch_tensor``.

    Example:
        >>> x = torch_tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        torch_tensor
         2
         4
        [ CPUFloatType{2} ]
    """

    __slots__ = ("_data", "_requires_grad", "_grad", "_grad_fn", "_version", "_hooks", "_retains_grad",
                 "_is_param", "_base", "_base_fn", "_names", "__weakref__")
    __array_priority__ = 1000  # numpy scalars defer to Tensor's reflected operators

    # -- construction ----------------------------------------------------------------------------------
    # ``Tensor(data, dtype, requires_grad)`` converts with the API layer's rules (torch_tensor): the
    # constructor is installed with the rest of the public surface in rtorch_py/tensor_methods.py.

    @classmethod
    def _wrap(cls, data: np.ndarray, requires_grad: bool = False) -> Tensor:
        """A new leaf tensor owning ``data`` (an ndarray: 0-d results of numpy ufuncs are numpy scalars, so
        callers pass them through ``_array`` first)."""
        t = object.__new__(cls)
        t._data = data
        t._requires_grad = requires_grad
        t._grad = t._grad_fn = t._hooks = t._base = None  # _base: the tensor a view's storage belongs to
        t._names = None  # dim names (rtorch_py/named.py): a tuple of str/None per dim, or None
        t._version = [0]
        t._retains_grad = t._is_param = False
        return t

    @classmethod
    def _from_saved(cls, saved: SavedOutput, node: Node) -> Tensor:
        t = cls._wrap(saved.data)
        if autograd._GradMode.enabled:  # create_graph: the saved output keeps its place in the graph
            t._grad_fn = node
            t._requires_grad = True
        return t

    # -- fields ----------------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The size of each dim (a tuple; R's ``$shape``)."""
        return self._data.shape

    @property
    def dtype(self) -> dtype:
        """The element type (``torch_float()`` ...)."""
        return from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> str:
        """Always "cpu"."""
        return _CPU

    @property
    def ndim(self) -> int:
        """The number of dims."""
        return self._data.ndim

    @property
    def is_leaf(self) -> bool:
        """Whether no recorded op produced this tensor (its gradient accumulates in ``.grad``)."""
        if self._base is not None:
            self._sync_view()
        return self._grad_fn is None

    @property
    def grad_fn(self) -> Node | None:
        """The graph node that produced this tensor (NULL for leaves)."""
        if self._base is not None:
            self._sync_view()
        return self._grad_fn

    @property
    def requires_grad(self) -> bool:
        """Whether ops on this tensor are recorded for autograd."""
        if self._base is not None:
            self._sync_view()
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf (floating dtypes only); returns the tensor.

        Example:
            >>> torch_ones(2).requires_grad_().requires_grad
            True
        """
        if self._grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var$detach()."
            )
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by backward (NULL before the first); assignable."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or NULL but got {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: {list(value.shape)} vs {list(self.shape)}"
                )
        self._grad = value

    def data(self) -> Tensor:
        """The same storage, detached from the graph (R torch's ``x$data()``, a method there: libtorch's
        ``Tensor::data()``)."""
        return self.detach()

    # -- autograd --------------------------------------------------------------------------------------
    def _accumulate_grad(self, g: Tensor, create_graph: bool) -> None:
        grad = self._grad
        if grad is None:
            if create_graph:
                self._grad = g
            else:
                # Own the buffer: the incoming gradient may be shared with another leaf or be a read-only
                # broadcast view; later accumulations (and zero_grad) write into it in place.
                self._grad = Tensor._wrap(np.array(g._data, dtype=self._data.dtype, order="C"))
        elif create_graph or grad._requires_grad:
            self._grad = grad + g
        else:
            d = grad._data
            np.add(d, g._data, out=d, casting="unsafe")
            grad._version[0] += 1

    def backward(self, gradient: Tensor | None = None, retain_graph: builtins.bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Accumulate the gradient of this tensor into the graph's leaves (returns nothing, as in R); with
        ``inputs``, only into those tensors' ``.grad`` (leaves or not)."""
        grads = None if gradient is None else [gradient]
        if inputs is None:
            autograd.backward([self], grads, retain_graph, create_graph)
            return
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        found = autograd.grad([self], inputs, grads, retain_graph, create_graph, allow_unused=True)
        for t, g in zip(inputs, found):
            if g is not None:
                t._accumulate_grad(g, create_graph)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> TorchHook:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it. Returns a
        handle whose ``remove()`` (or a call) removes the hook."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            if self._grad_fn.pre_hooks is None:
                self._grad_fn.pre_hooks = []
            hooks = self._grad_fn.pre_hooks
        hooks.append(hook)
        return TorchHook(hooks, hook)

    def retain_grad(self) -> Tensor:
        """Keep the gradient of a non-leaf tensor in ``.grad`` after backward."""
        if self._grad_fn is None or self._retains_grad:
            return self
        import weakref  # noqa: PLC0415

        ref = weakref.ref(self)

        def keep(g: Tensor) -> None:
            t = ref()
            if t is not None:
                t._grad = g if t._grad is None else t._grad + g

        self._retains_grad = True
        self.register_hook(keep)
        return self

    def detach(self) -> Tensor:
        """A tensor sharing this one's storage (and version counter), outside the graph; a parameter's stays
        marked as one (R torch keeps the tensor's attributes, its class nn_parameter included)."""
        t = Tensor._wrap(self._data)
        t._version = self._version
        t._is_param = self._is_param
        return t

    def detach_(self) -> Tensor:
        """Detach this tensor from the graph in place (it becomes a leaf that does not require grad)."""
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    # -- in-place support --------------------------------------------------------------------------------
    def _check_inplace(self) -> bool:
        """Whether an in-place op on this tensor must be recorded; raises libtorch's error for leaves."""
        if not autograd._GradMode.enabled:
            return False
        if self._base is not None:
            self._sync_view()
        if self._requires_grad and self._grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        base = self._base
        if base is not None and base._requires_grad and base._grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        return True

    def _inplace(self, fn: Callable[..., Tensor], *args: Any, name: str = "", **kwargs: Any) -> Tensor:
        """THE in-place helper: ``fn(self, *args, **kwargs)`` computed out of place and written into ``self``.
        When autograd must see it, ``fn`` runs on a snapshot (so its node saves the values before the write)
        and ``self`` takes the result's place in the graph; otherwise it runs without recording. The result
        must keep ``self``'s shape and cast to its dtype (libtorch's errors, naming ``name``)."""
        if self._check_inplace() and (self._requires_grad or any(
                isinstance(a, Tensor) and a._requires_grad for a in (*args, *kwargs.values()))):
            result = fn(self._snapshot(), *args, **kwargs)
        else:
            mode = autograd._GradMode
            prev, mode.enabled = mode.enabled, False
            try:
                result = fn(self, *args, **kwargs)
            finally:
                mode.enabled = prev
        src, dst = result._data.dtype, self._data.dtype
        if src != dst and not np.can_cast(src, dst, "same_kind"):
            raise RuntimeError(f"{name}: result type {from_numpy_dtype(src).name} can't be cast to the desired "
                               f"output type {from_numpy_dtype(dst).name}")
        if result._data.shape != self._data.shape:
            raise RuntimeError(f"{name}: output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(result.shape)}")
        return self._assign_result(result)

    def _assign_result(self, result: Tensor) -> Tensor:
        """Finish an in-place op: write the result into this storage (views see it), bump the version and,
        when the result was recorded, take over its place in the graph (libtorch's rebase_history). For a view,
        its base takes a CopySlices node too, so gradients through the base see the write."""
        if result._data is not self._data:
            if not self._data.flags.writeable:
                raise RuntimeError(
                    "unsupported operation: more than one element of the written-to tensor refers to a single "
                    "memory location (an expanded view). Please clone() the tensor before performing the "
                    "operation."
                )
            np.copyto(self._data, result._data, casting="unsafe")
        self._version[0] += 1
        if result._grad_fn is not None:
            self._grad_fn = result._grad_fn
            self._requires_grad = True
            if self._base is not None:
                from .ops import copy_slices  # noqa: PLC0415

                copy_slices(self._base, self)
                self._base_fn = self._base._grad_fn  # this view is current with its base
        return self

    def _sync_view(self) -> None:
        """A view whose base has been changed in place since the view was made (base's grad_fn replaced by
        an in-place op or CopySlices) takes a fresh node reading from the base's current graph (libtorch
        regenerates it as AsStridedBackward0)."""
        base = self._base
        if base._grad_fn is self._base_fn:
            return
        self._base_fn = base._grad_fn
        if base._requires_grad:
            from .ops import view_from_base  # noqa: PLC0415

            view_from_base(base, self)

    def _snapshot(self) -> Tensor:
        """A copy of this tensor that keeps its place in the graph: in-place ops record their out-of-place
        form on it, so the values the node saves are the ones before the write."""
        t = Tensor._wrap(self._data.copy(), self._requires_grad)
        t._grad_fn = self._grad_fn
        if self._grad_fn is None and self._requires_grad:
            return self  # a leaf requiring grad never gets here (see _check_inplace)
        return t

    def _bump(self) -> Tensor:
        self._version[0] += 1
        return self

    def _to_np_dtype(self, npdtype: np.dtype) -> Tensor:
        from .ops import to_dtype  # noqa: PLC0415

        return to_dtype(self, npdtype)

    # -- copying and pickling (PyTorch's rules: only graph leaves; views stay views of their base) --------
    def _check_copy_leaf(self, what: str) -> None:
        if not self.is_leaf:
            raise RuntimeError(f"Only Tensors created explicitly by the user (graph leaves) support the {what} "
                               "protocol at the moment: call $detach() first")

    def __deepcopy__(self, memo: dict) -> Tensor:
        self._check_copy_leaf("deepcopy")
        import copy  # noqa: PLC0415

        if self._base is not None:
            # a view: copy the base once (memo), then the same window into the copy's storage
            base = copy.deepcopy(self._base, memo)
            start = (self._data.__array_interface__["data"][0]
                     - self._base._data.__array_interface__["data"][0])
            flat = base._data.reshape(-1)
            data = np.lib.stride_tricks.as_strided(flat[start // max(flat.itemsize, 1):], self._data.shape,
                                                   self._data.strides)
            out = type(self)._wrap(data, self._requires_grad)
            out._base, out._base_fn, out._version = base, base._grad_fn, base._version
        else:
            out = type(self)._wrap(self._data.copy(), self._requires_grad)
        memo[id(self)] = out
        out._is_param = self._is_param
        if self._grad is not None:
            out._grad = copy.deepcopy(self._grad, memo)
        return out

    def __reduce_ex__(self, protocol: int) -> tuple:
        self._check_copy_leaf("pickle")
        return (_unpickle_tensor, (np.array(self._data), self._requires_grad, self._is_param))

    # -- conversion ----------------------------------------------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The underlying numpy array (shared storage)."""
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor$detach() first.")
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self) -> int:
        if not self._data.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):  # noqa: ANN204
        for i in range(len(self)):
            yield self[i]

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def item(self) -> builtins.float | builtins.int | builtins.bool:  # builtins: Tensor has bool() etc.
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    __hash__ = object.__hash__

    # -- printing ------------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        from .printing import r_tensor_text  # noqa: PLC0415

        return r_tensor_text(self._data, suffix=self._grad_suffix()).rstrip("\n")

    def _grad_suffix(self) -> str:
        if not print_options.grad_suffix:
            return ""
        if self._grad_fn is not None:
            return f"[ grad_fn = <{self._grad_fn.name}> ]"
        return "[ requires_grad = TRUE ]" if self._requires_grad else ""

    __str__ = __repr__


class TorchHook:
    """The handle ``register_hook()`` returns (R torch's ``torch_hook``): ``remove()`` removes the hook."""

    __slots__ = ("_hooks", "_hook")
    __r_class__ = ("torch_hook", "py_object")

    def __init__(self, hooks: list, hook: Callable) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        """Remove the hook (again: nothing happens)."""
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    __call__ = remove

    def __repr__(self) -> str:
        return "<torch_hook>"

    def r_format(self) -> str:
        """What R torch prints: ``<torch_hook>``, without a newline (its ``cat("<torch_hook>")``)."""
        return "<torch_hook>"


_CPU = "cpu"


def _unpickle_tensor(data: np.ndarray, requires_grad: bool, is_param: bool) -> Tensor:
    """A pickled tensor (a leaf) back: its values, requires_grad and parameter flag."""
    t = Tensor._wrap(data, requires_grad)
    t._is_param = is_param
    return t
