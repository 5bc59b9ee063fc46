"""Datasets: R torch's ``dataset()`` / ``iterable_dataset()`` generators, ``tensor_dataset``, ``dataset_subset``.

Datasets are R6 classes of the one object model (:mod:`rtorch_py._r6`). A map-style dataset defines R torch's
methods under their R names, ``.getitem(i)`` (``i`` 1-based), ``.length()`` and optionally ``.getbatch(indices)``
(a vector of 1-based indices; the dataloader then skips collation). Python code may instead subclass
:class:`Dataset` with PyTorch's ``__getitem__`` (0-based) and ``__len__``. An iterable dataset defines ``.iter()``
returning a function that gives the next item or :data:`exhausted` (from R: ``coro::exhausted()``), or, in Python,
``__iter__``.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .._core import ops as _O
from .._core.tensor import Tensor
from .._r6 import R6, r6_class

__all__ = ["Dataset", "IterableDataset", "dataset", "iterable_dataset", "tensor_dataset", "dataset_subset",
           "is_dataset", "exhausted", "is_exhausted"]


# -- the end-of-iteration value -----------------------------------------------------------------------------------

class _Exhausted:
    """coro's ``exhausted()``: what an iterator function returns when it has nothing left."""

    __slots__ = ()
    __r_class__ = ("rt_exhausted",)  # the shim turns it into coro::exhausted()

    def __repr__(self) -> str:
        return "exhausted"

    def __reduce__(self) -> str:
        return "exhausted"


exhausted = _Exhausted()
"""The value iterator functions return when done (R: ``coro::exhausted()``)."""


def is_exhausted(x: Any) -> bool:
    """Whether ``x`` is :data:`exhausted` (or R's ``coro::exhausted()``, the symbol ``.__exhausted__.``).

    Example:
        >>> is_exhausted(exhausted), is_exhausted(0)
        (True, False)
    """
    if x is exhausted:
        return True
    # an R value that is a symbol: coro's exhausted() is the only symbol an R iterator returns
    return type(x).__name__ == "RObject" and getattr(x, "rtype", None) == "symbol"


# -- R classes ---------------------------------------------------------------------------------------------------

def _r_names(cls: type, stop: type) -> tuple[str, ...]:
    """R6's ``class(x)``: the named classes from ``cls`` up to ``stop`` (inclusive), then "R6"."""
    names: list[str] = []
    for c in cls.__mro__:
        name = c.__dict__.get("_r_class")
        if name and name not in names:
            names.append(name)
        if c is stop:
            break
    return (*names, "R6")


class _R6Family(R6):
    """Shared by datasets, samplers and dataloaders: the R class vector of instances and generators."""

    _r_class = None  # not an R class: R sees the family's own names
    _family_root: type | None = None
    _generator_class: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        root = cls._family_root or cls
        cls.__r_class__ = _r_names(cls, root)
        cls.__r_generator_class__ = cls._generator_class


# -- map-style datasets -------------------------------------------------------------------------------------------

class Dataset(_R6Family):
    """Base of map-style datasets (R torch's ``dataset``): define ``.getitem``/``.length`` (R names, 1-based)
    through :func:`dataset`, or subclass with ``__getitem__`` (0-based) and ``__len__``.

    Example:
        >>> class Squares(Dataset):
        ...     def __getitem__(self, i): return i * i
        ...     def __len__(self): return 4
        >>> ds = Squares(); len(ds), ds[3], ds.get_item(1)
        (4, 9, 0)
    """

    _r_class = "dataset"
    _generator_class = ("dataset_generator",)

    def __len__(self) -> int:
        f = getattr(self, ".length", None)
        if f is None:
            raise TypeError(f"dataset <{type(self)._classname}> defines no .length() method")
        return int(f())

    def __getitem__(self, i: int) -> Any:
        """PyTorch's 0-based ``ds[i]`` (R's ``ds[i]`` is 1-based: :meth:`get_item`)."""
        if getattr(self, ".getitem", None) is None:
            raise NotImplementedError(f"dataset <{type(self)._classname}> defines no .getitem() method")
        return self.get_item(int(i) + 1)

    def get_item(self, i: Any) -> Any:
        """The item at 1-based index ``i`` (``.getitem(i)``, or ``__getitem__(i - 1)`` of a Python subclass)."""
        g = getattr(self, ".getitem", None)
        if g is not None:
            return g(i)
        if type(self).__getitem__ is not Dataset.__getitem__:
            return self.__getitem__(int(i) - 1)
        raise NotImplementedError(f"dataset <{type(self)._classname}> defines no .getitem() method")

    def has_getbatch(self) -> bool:
        """Whether the dataset has a ``.getbatch`` method (the dataloader then skips collation)."""
        return getattr(self, ".getbatch", None) is not None

    def r_subset(self, index: Any) -> Any:
        """R's ``ds[index]``: ``.getbatch(index)`` when defined, else ``.getitem(index)`` (1-based)."""
        index = _as_int_index(index)
        g = getattr(self, ".getbatch", None)
        return g(index) if g is not None else self.get_item(index)

    def state_dict(self) -> dict[str, Tensor]:
        """R torch's default state of a dataset: its fields that hold a tensor, by name (flat: tensors inside
        lists are not looked for). ``torch_save()`` stores these, and the dataset's other fields beside them.

        Example:
            >>> Pairs = dataset("pairs", initialize=lambda self: setattr(self, "x", torch_ones(2)))
            >>> list(Pairs().state_dict())
            ['x']
        """
        return {k: v for k, v in vars(self).items() if isinstance(v, Tensor) and not k.startswith("_")}

    def load_state_dict(self, x: dict[str, Tensor], *args: Any, **kwargs: Any) -> Dataset:
        """Set the dataset's tensor fields from ``x`` (a named list of tensors): copies of them, or with R
        torch's ``.refer_to_state_dict = TRUE`` the given tensors themselves.

        Example:
            >>> Pairs = dataset("pairs", initialize=lambda self: setattr(self, "x", torch_ones(2)))
            >>> ds = Pairs().load_state_dict({"x": torch_zeros(2)}); ds.x.sum().item()
            0.0
        """
        refer = bool(kwargs.pop(".refer_to_state_dict", kwargs.pop("refer_to_state_dict", False)))
        if not isinstance(x, dict) or not all(isinstance(t, Tensor) for t in x.values()):
            raise TypeError(f"load_state_dict: `x` must be a named list of tensors, got {type(x).__name__}")
        for k, t in x.items():
            setattr(self, k, t if refer else Tensor._wrap(t._data.copy(), t.requires_grad))
        return self


Dataset._family_root = Dataset


def _as_int_index(index: Any) -> Any:
    """An R index as R's ``as.integer``: an int, or an int32 vector for several (what R passes)."""
    if isinstance(index, (list, tuple)):
        index = np.asarray(index)
    if isinstance(index, np.ndarray):
        if index.size == 1 and index.ndim <= 1:
            return int(index.reshape(-1)[0])
        return index.astype(np.int32, copy=False)
    if isinstance(index, (bool, np.bool_)):
        raise TypeError("dataset index: a logical index is not supported")
    return int(index)


def _check_members(fn: str, members: dict[str, Any]) -> None:
    for name, v in members.items():
        if name in (".getitem", ".length", ".getbatch", ".iter", "initialize") and not callable(v):
            raise TypeError(f"{fn}(): `{name}` must be a function, got {type(v).__name__}")


def dataset(name: str | None = None, inherit: type | None = None, *, private: dict | None = None,
            active: dict | None = None, parent_env: Any = None, **members: Any) -> type:
    """A dataset generator (R torch's ``dataset()``): a class whose instances are map-style datasets.

    Methods are given under R's names: ``initialize``, ``.getitem`` (1-based index), ``.length``, optional
    ``.getbatch``; they use ``self``, ``self.super``, ``self.private``. ``parent_env`` is R's and unused here.

    Example:
        >>> Squares = dataset("squares", initialize=lambda self, n: setattr(self, "n", n),
        ...                   **{".getitem": lambda self, i: i * i, ".length": lambda self: self.n})
        >>> ds = Squares(3); len(ds), ds.get_item(3), type(ds).__r_class__
        (3, 9, ('squares', 'dataset', 'R6'))
    """
    _check_members("dataset", members)
    if inherit is not None and not (isinstance(inherit, type) and issubclass(inherit, Dataset)):
        raise TypeError(f"dataset(): `inherit` must be a dataset generator, got {inherit!r}")
    return r6_class(name, inherit, Dataset, members, private, active)


# -- iterable datasets ---------------------------------------------------------------------------------------------

def r_iter(obj: Any, base: type, what: str) -> Iterator[Any]:
    """What an R-style ``.iter()`` yields (a collection, or a function giving the next value until
    ``exhausted()``), or a Python subclass's own ``__iter__`` when it overrides ``base``'s."""
    f = getattr(obj, ".iter", None)
    if f is None:
        if type(obj).__iter__ is not base.__iter__:
            return iter(obj)
        raise NotImplementedError(f"{what} <{type(obj)._classname}> defines no .iter() method")
    nxt = f()
    if not callable(nxt):
        return iter(nxt)
    return _drain(nxt)


class IterableDataset(_R6Family):
    """Base of iterable datasets (R torch's ``iterable_dataset``): ``.iter()`` returns a function giving the
    next item or :data:`exhausted`; Python subclasses may define ``__iter__`` instead. ``.length()`` is
    optional.

    Example:
        >>> class Count(IterableDataset):
        ...     def __iter__(self): return iter(range(3))
        >>> list(Count().items())
        [0, 1, 2]
    """

    _r_class = "iterable_dataset"
    _generator_class = ("iterable_dataset_generator", "dataset_generator")

    def items(self) -> Iterator[Any]:
        """The items, in order (from ``.iter()`` or ``__iter__``)."""
        return r_iter(self, IterableDataset, "iterable dataset")

    def __iter__(self) -> Iterator[Any]:
        return self.items()

    def length(self) -> int | None:
        """``.length()`` when defined, else None (R's NA)."""
        f = getattr(self, ".length", None)
        return None if f is None else int(f())

    def __len__(self) -> int:
        n = self.length()
        if n is None:
            raise TypeError(f"iterable dataset <{type(self)._classname}> has no length")
        return n


IterableDataset._family_root = IterableDataset


def _drain(nxt: Callable[[], Any]) -> Iterator[Any]:
    while True:
        v = nxt()
        if is_exhausted(v):
            return
        yield v


def iterable_dataset(name: str | None = None, inherit: type | None = None, *, private: dict | None = None,
                     active: dict | None = None, parent_env: Any = None, **members: Any) -> type:
    """An iterable dataset generator (R torch's ``iterable_dataset()``): define ``initialize`` and ``.iter``
    (returning a function that gives the next item, then :data:`exhausted`), optionally ``.length``.

    Example:
        >>> def it(self):
        ...     left = list(range(self.n))
        ...     return lambda: left.pop(0) if left else exhausted
        >>> Count = iterable_dataset("count", initialize=lambda self, n: setattr(self, "n", n), **{".iter": it})
        >>> list(Count(3).items())
        [0, 1, 2]
    """
    _check_members("iterable_dataset", members)
    if inherit is not None and not (isinstance(inherit, type) and issubclass(inherit, IterableDataset)):
        raise TypeError(f"iterable_dataset(): `inherit` must be an iterable dataset generator, got {inherit!r}")
    return r6_class(name, inherit, IterableDataset, members, private, active)


def is_dataset(x: Any) -> bool:
    """Whether ``x`` is a dataset (map-style or iterable).

    Example:
        >>> is_dataset(tensor_dataset(torch_zeros(2))), is_dataset(1)
        (True, False)
    """
    return isinstance(x, (Dataset, IterableDataset))


# -- tensor_dataset ------------------------------------------------------------------------------------------------

def _rows(t: Tensor, index: Any) -> Tensor:
    """``t[index, ..]`` with a 1-based R index: one row (dim dropped) or a vector of rows."""
    if isinstance(index, (list, tuple)):
        index = np.asarray(index)
    if isinstance(index, np.ndarray):
        idx = index.astype(np.int64, copy=False).reshape(-1) - 1
        n = t._data.shape[0]
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            bad = int(index.reshape(-1)[(idx < 0) | (idx >= n)][0])
            raise IndexError(f"index {bad} out of range for tensor of size {list(t.shape)} at dimension 1")
        if not t._requires_grad:  # the dataloader's hot path: one row gather, nothing to record
            return Tensor._wrap(np.take(t._data, idx, axis=0))
        return _O.index(t, idx)
    i = int(index)
    n = t._data.shape[0]
    if i < 1 or i > n:
        raise IndexError(f"index {i} out of range for tensor of size {list(t.shape)} at dimension 1")
    return _O.index(t, i - 1)


class _TensorDatasetBase(Dataset):
    """A dataset of tensors sharing their first dim: item ``i`` is ``lapply(tensors, function(x) x[i, ..])``."""

    _r_class = None  # the generated class below is "tensor_dataset"

    def initialize(self, *tensors: Tensor, **named: Tensor) -> None:
        if tensors and named:
            raise ValueError("tensor_dataset(): pass the tensors either all named or all unnamed")
        items = list(named.values()) if named else list(tensors)
        if not items:
            raise ValueError("tensor_dataset(): needs at least one tensor")
        for k, t in zip(named or range(1, len(items) + 1), items):
            if not isinstance(t, Tensor):
                raise TypeError(f"tensor_dataset(): argument {k!r} must be a tensor, got {type(t).__name__}")
            if t.ndim == 0:
                raise ValueError(f"tensor_dataset(): argument {k!r} is a 0-dim tensor; tensors need a first dim")
        lens = {t.shape[0] for t in items}
        if len(lens) > 1:
            # R torch accepts this (its own tests build such datasets): the length is the first tensor's
            warnings.warn("tensor_dataset(): the tensors should have the same size in the first dimension, got "
                          f"sizes {[t.shape[0] for t in items]}; items past the shortest can't be fetched",
                          UserWarning, stacklevel=3)
        self.tensors = dict(named) if named else items

    def _map(self, index: Any) -> Any:
        if isinstance(self.tensors, dict):
            return {k: _rows(t, index) for k, t in self.tensors.items()}
        return [_rows(t, index) for t in self.tensors]


def _td_getitem(self: Any, index: Any) -> Any:
    return self._map(index)


def _td_getbatch(self: Any, index: Any) -> Any:
    # through self's .getitem, as R torch's: a subclass overriding .getitem changes batches too
    return getattr(self, ".getitem")(index)


def _td_length(self: Any) -> int:
    ts = self.tensors.values() if isinstance(self.tensors, dict) else self.tensors
    return int(next(iter(ts)).shape[0])


TensorDataset = r6_class("tensor_dataset", _TensorDatasetBase, Dataset,
                         {".getitem": _td_getitem, ".getbatch": _td_getbatch, ".length": _td_length})


def tensor_dataset(*tensors: Tensor, **named: Tensor) -> Dataset:
    """A dataset wrapping tensors (named or not); item ``i`` is the list of their ``i``-th rows.

    Example:
        >>> ds = tensor_dataset(x=torch_ones(5, 2), y=torch_zeros(5))
        >>> len(ds), ds.get_item(2)["x"].shape, ds.r_subset([1, 2])["y"].shape
        (5, (2,), (2,))
    """
    return TensorDataset(*tensors, **named)


# -- dataset_subset ------------------------------------------------------------------------------------------------

class _SubsetBase(Dataset):
    _r_class = "dataset_subset"

    def initialize(self, dataset: Any, indices: Any) -> None:
        if not isinstance(dataset, Dataset):
            raise TypeError(f"dataset_subset(): `dataset` must be a map-style dataset, got {type(dataset).__name__}")
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(dataset)
        if idx.size and (idx.min() < 1 or idx.max() > n):
            raise IndexError(f"dataset_subset(): indices must be in 1..{n} (the dataset's length), got "
                             f"{idx.min()}..{idx.max()}")
        self.dataset = dataset
        self.indices = idx


def _sub_getitem(self: Any, idx: Any) -> Any:
    if isinstance(idx, (list, tuple, np.ndarray)):
        pos = np.asarray(idx, dtype=np.int64).reshape(-1) - 1
        return self.dataset.r_subset(self.indices[pos].astype(np.int32))
    return self.dataset.r_subset(int(self.indices[int(idx) - 1]))


def _sub_length(self: Any) -> int:
    return int(self.indices.size)


@functools.cache
def _subset_class(source: type, with_getbatch: bool) -> type:
    members: dict[str, Any] = {".getitem": _sub_getitem, ".length": _sub_length}
    if with_getbatch:
        members[".getbatch"] = _sub_getitem
    return r6_class(f"{source._classname}_subset", _SubsetBase, Dataset, members)


def dataset_subset(dataset: Dataset, indices: Any) -> Dataset:
    """The items of ``dataset`` at ``indices`` (1-based); R class ``c("<name>_subset", "dataset_subset", ...)``.

    Example:
        >>> sub = dataset_subset(tensor_dataset(torch_arange(1, 10)), indices=[2, 4])
        >>> len(sub), sub.get_item(2)[0].item()
        (2, 4)
    """
    cls = _subset_class(type(dataset), dataset.has_getbatch() if isinstance(dataset, Dataset) else False)
    return cls(dataset, indices)
