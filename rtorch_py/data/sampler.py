"""Samplers (R torch's ``sampler()``, SequentialSampler, RandomSampler, BatchSampler): which 1-based indices a
dataloader fetches, in which order.

A sampler's ``.iter()`` returns a function giving the next index (1-based) or :data:`exhausted`; ``.length()``
its count. Built-in samplers also have ``.iter_batch(batch_size)``, giving whole batches as int32 vectors at once
(R torch's fast path). The RandomSampler draws ``torch_randperm(n) + 1`` from torch's generator when its
iterator is made, as R torch does, so a seeded script shuffles exactly as under R torch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .. import creation as _C
from .._r import one_based
from .._r6 import r6_class
from .dataset import _R6Family, exhausted, r_iter

__all__ = ["Sampler", "sampler", "SequentialSampler", "RandomSampler", "BatchSampler"]


class Sampler(_R6Family):
    """Base of samplers (R torch's ``utils_sampler``). Subclasses define ``.iter`` and ``.length`` (R names),
    or, in Python, ``__iter__`` and ``__len__``.

    Example:
        >>> s = SequentialSampler(tensor_dataset(torch_zeros(3)))
        >>> list(s), len(s)
        ([1, 2, 3], 3)
    """

    _r_class = "utils_sampler"
    _generator_class = ("torch_sampler",)

    def initialize(self, data_source: Any = None) -> None:
        self.data_source = data_source

    def index_iter(self) -> Iterator[Any]:
        """The indices, as a Python iterator (from ``.iter()``, or ``__iter__`` of a Python subclass)."""
        return r_iter(self, Sampler, "sampler")

    def __iter__(self) -> Iterator[Any]:
        return self.index_iter()

    def __len__(self) -> int:
        f = getattr(self, ".length", None)
        if f is None:
            raise TypeError(f"sampler <{type(self)._classname}> defines no .length() method")
        return int(f())


Sampler._family_root = Sampler


def sampler(name: str | None = None, inherit: type | None = None, *, private: dict | None = None,
            active: dict | None = None, parent_env: Any = None, **members: Any) -> type:
    """A sampler generator (R torch's ``sampler()``): define ``initialize(data_source)``, ``.iter`` (returning
    a function that gives the next 1-based index, then :data:`exhausted`) and ``.length``.

    Example:
        >>> def it(self):
        ...     left = list(range(len(self.data_source), 0, -1))
        ...     return lambda: left.pop(0) if left else exhausted
        >>> Rev = sampler("reverse", **{".iter": it, ".length": lambda self: len(self.data_source)})
        >>> list(Rev(tensor_dataset(torch_zeros(3))))
        [3, 2, 1]
    """
    if inherit is not None and not (isinstance(inherit, type) and issubclass(inherit, Sampler)):
        raise TypeError(f"sampler(): `inherit` must be a sampler generator, got {inherit!r}")
    return r6_class(name, inherit, Sampler, members, private, active)


def _batches(order: np.ndarray, batch_size: int) -> Callable[[], Any]:
    """R torch's as_batch_iterator: consecutive slices of ``order``, then exhausted."""
    pos = [0]
    n = order.shape[0]

    def nxt() -> Any:
        i = pos[0]
        if i >= n:
            return exhausted
        pos[0] = i + batch_size
        return order[i:i + batch_size]

    return nxt


def _scalar_iter(batch_iter: Callable[[], Any]) -> Callable[[], Any]:
    def nxt() -> Any:
        v = batch_iter()
        return v if v is exhausted else int(v[0])

    return nxt


def _seq_init(self: Any, data_source: Any) -> None:
    self.data_source = data_source


def _seq_iter_batch(self: Any, batch_size: Any) -> Callable[[], Any]:
    return _batches(np.arange(1, len(self.data_source) + 1, dtype=np.int32), int(batch_size))


def _iter1(self: Any) -> Callable[[], Any]:
    return _scalar_iter(self.iter_batch(1))


def _len_source(self: Any) -> int:
    return len(self.data_source)


class _BuiltinSampler(Sampler):
    """Samplers with the ``iter_batch`` fast path (``.iter_batch`` in R)."""

    _r_class = None

    def iter_batch(self, batch_size: int) -> Callable[[], Any]:
        return getattr(self, ".iter_batch")(batch_size)


SequentialSampler = r6_class("utils_sampler_sequential", _BuiltinSampler, Sampler, {
    "initialize": _seq_init, ".iter_batch": _seq_iter_batch, ".iter": _iter1, ".length": _len_source})
SequentialSampler.__doc__ = "Indices 1..n in order (R torch's SequentialSampler)."


def _rand_init(self: Any, data_source: Any, replacement: bool = False, num_samples: Any = None,
               generator: Any = None) -> None:
    if not isinstance(replacement, (bool, np.bool_)):
        raise TypeError(f"RandomSampler: `replacement` should be a boolean value, but got replacement={replacement!r}")
    if num_samples is not None:
        n = int(num_samples)
        if n != num_samples or n <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples!r}")
    self.data_source = data_source
    self.replacement = bool(replacement)
    self._num_samples_arg = None if num_samples is None else int(num_samples)
    self.generator = generator


def _rand_num_samples(self: Any) -> int:
    return len(self.data_source) if self._num_samples_arg is None else self._num_samples_arg


def _rand_iter_batch(self: Any, batch_size: Any) -> Callable[[], Any]:
    n = len(self.data_source)
    if n == 0:
        raise ValueError("RandomSampler: the dataset has length 0; there is nothing to sample")
    if self.replacement:
        order = _C.torch_randint(1, n + 1, self.num_samples, generator=self.generator)._data
    else:
        # R torch: torch_randperm(n) + 1, drawn now (when the dataloader's iterator is made)
        order = one_based(_C.torch_randperm(n, generator=self.generator), "Indices1")._data
        if self._num_samples_arg is not None:
            order = order[:self._num_samples_arg]
    return _batches(order.astype(np.int32), int(batch_size))


RandomSampler = r6_class("utils_sampler_random", _BuiltinSampler, Sampler, {
    "initialize": _rand_init, ".iter_batch": _rand_iter_batch, ".iter": _iter1,
    ".length": lambda self: self.num_samples}, active={"num_samples": _rand_num_samples})
RandomSampler.__doc__ = ("Indices in random order: torch_randperm(n) + 1, or with replacement num_samples "
                         "draws of torch_randint(1, n + 1) (R torch's RandomSampler).")


def _batch_init(self: Any, sampler: Any, batch_size: Any, drop_last: bool = False) -> None:
    bs = _check_batch_size(batch_size)
    if not isinstance(drop_last, (bool, np.bool_)):
        raise TypeError(f"drop_last should be a boolean value, but got drop_last={drop_last!r}")
    self.sampler = sampler
    self.batch_size = bs
    self.drop_last = bool(drop_last)


def _check_batch_size(batch_size: Any) -> int:
    try:
        bs = int(batch_size)
        ok = bs == batch_size and bs > 0 and not isinstance(batch_size, (bool, np.bool_))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size!r}")
    return bs


def _batch_iter(self: Any) -> Callable[[], Any]:
    bs, drop = self.batch_size, self.drop_last
    inner = self.sampler
    if isinstance(inner, _BuiltinSampler):
        samp = inner.iter_batch(bs)

        def nxt() -> Any:
            b = samp()
            if b is exhausted or len(b) == bs or (len(b) > 0 and not drop):
                return b
            return exhausted

        return nxt
    it = inner.index_iter() if isinstance(inner, Sampler) else iter(inner)

    def nxt_items() -> Any:
        batch = []
        for i in it:
            batch.append(i)
            if len(batch) == bs:
                return batch
        return batch if batch and not drop else exhausted

    return nxt_items


def _batch_length(self: Any) -> int:
    n = len(self.sampler)
    return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size


BatchSampler = r6_class("utils_sampler_batch", None, Sampler, {
    "initialize": _batch_init, ".iter": _batch_iter, ".length": _batch_length})
BatchSampler.__doc__ = "Groups another sampler's indices into batches (R torch's BatchSampler)."
