"""``dataloader()``: batches from a dataset, in R torch's order, in the main process or in worker processes.

An iterator is made by ``dataloader_make_iter(dl)`` (R: ``dl$.iter()``; Python: ``iter(dl)``); making it draws
the shuffled order (RandomSampler: ``torch_randperm(n) + 1``) and, with ``num_workers > 0``, starts the workers.
``dataloader_next(iter, completed)`` gives the next batch or ``completed`` once done.
"""

from __future__ import annotations

import warnings
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .._core.tensor import Tensor
from ._workers import WorkerPool
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset, _R6Family, exhausted, is_exhausted
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _check_batch_size

__all__ = ["DataLoader", "dataloader", "dataloader_make_iter", "dataloader_next", "is_dataloader",
           "DataLoaderIter"]


def _name(ds: Any) -> str:
    return getattr(type(ds), "_classname", type(ds).__name__)


def _error_message(e: BaseException) -> str | None:
    """The message of a Python error; None for what must go on unchanged: interrupts and R's own errors and
    exits (the bridge's RUnwind), which R's handlers have already seen and R resumes, as under R torch, where
    an R ``.getitem`` error reaches the caller as it is. (A worker process reports an R error by its
    message: RUnwind's text is the R condition's message.)"""
    return str(e) if isinstance(e, Exception) else None


class _Fetcher:
    """Items of a map-style dataset for a batch of indices, merged by the collate function."""

    def __init__(self, dataset: Any, auto_collation: bool, has_getbatch: bool, collate_fn: Callable) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.has_getbatch = has_getbatch
        self.collate_fn = collate_fn

    def item(self, i: Any) -> Any:
        try:
            return self.dataset.get_item(i)
        except BaseException as e:  # noqa: BLE001 - Python and R errors re-raised naming the index and dataset
            msg = _error_message(e)
            if msg is None:
                raise  # KeyboardInterrupt, or an R exit that is not an error (R resumes it)
            raise RuntimeError(f"error in .getitem({i}) of dataset <{_name(self.dataset)}>: {msg}") from e

    def __call__(self, index: Any) -> Any:
        if self.has_getbatch:
            idx = np.asarray(index, dtype=np.int32).reshape(-1)
            try:
                data = getattr(self.dataset, ".getbatch")(idx)
            except BaseException as e:  # noqa: BLE001
                msg = _error_message(e)
                if msg is None:
                    raise
                shown = idx.tolist() if idx.size <= 8 else f"{idx[:8].tolist()[:-1]}..."
                raise RuntimeError(f"error in .getbatch({shown}) of dataset <{_name(self.dataset)}>: {msg}") \
                    from e
            return self.collate_fn(data)
        if self.auto_collation:
            items = [self.item(int(i)) for i in (index.tolist() if isinstance(index, np.ndarray) else index)]
            return self.collate_fn(items)
        return self.collate_fn(self.item(index if not isinstance(index, np.ndarray) else int(index[0])))


class DataLoader(_R6Family):
    """Combines a dataset and a sampler and iterates over batches (R torch's ``dataloader``): see
    :func:`dataloader`. ``for batch in dl`` iterates one epoch; ``len(dl)`` is the number of batches."""

    _r_class = "dataloader"

    def initialize(self, dataset: Any, batch_size: Any = 1, shuffle: bool = False, sampler: Any = None,
                   batch_sampler: Any = None, num_workers: Any = 0, collate_fn: Any = None,
                   pin_memory: bool = False, drop_last: bool = False, timeout: Any = -1,
                   worker_init_fn: Any = None, worker_globals: Any = None, worker_packages: Any = None,
                   generator: Any = None, worker_setup: Any = None, worker_seed: Any = None) -> None:
        if not isinstance(dataset, (Dataset, IterableDataset)):
            raise TypeError(f"dataloader(): `dataset` must be a dataset (made with dataset(), tensor_dataset(), "
                            f"iterable_dataset() ...), got {type(dataset).__name__}")
        nw = num_workers
        if isinstance(nw, (bool, np.bool_)) or not isinstance(nw, (int, float, np.integer, np.floating)) or \
                nw != int(nw) or nw < 0:
            raise ValueError(f"num_workers option should be non-negative; use num_workers = 0 to disable "
                             f"multiprocessing (got num_workers={nw!r})")
        iterable = isinstance(dataset, IterableDataset)
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is not None:
            batch_size = _check_batch_size(batch_size)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if iterable:
            if shuffle or sampler is not None or batch_sampler is not None:
                raise ValueError("dataloader(): an iterable dataset gives its items in its own order; shuffle, "
                                 "sampler and batch_sampler can't be used with it")
            if nw > 0:
                raise ValueError("dataloader(): num_workers > 0 is not supported for iterable datasets")
        else:
            n = len(dataset)
            if n == 0 and sampler is None and batch_sampler is None:
                raise ValueError(f"dataloader(): dataset <{_name(dataset)}> has length 0 (its .length() returned "
                                 "0); there is nothing to load")
            if sampler is None:
                sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
            if batch_size is not None and batch_sampler is None:
                batch_sampler = BatchSampler(sampler, batch_size, bool(drop_last))
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = bool(drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = int(nw)
        self.pin_memory = pin_memory
        self.timeout = -1 if timeout is None else float(timeout)
        self.worker_init_fn = worker_init_fn
        self.worker_globals = worker_globals
        self.worker_packages = worker_packages
        self.generator = generator
        self.worker_setup = worker_setup
        self.worker_seed = worker_seed
        self._iterable = iterable
        self._has_getbatch = (not iterable) and dataset.has_getbatch()
        auto = batch_size is not None or batch_sampler is not None
        self._auto_collation = auto and not self._has_getbatch
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        if self.num_workers > 0:
            _warn_tensor_fields(dataset)

    @property
    def index_sampler(self) -> Any:
        return self.batch_sampler if (self._auto_collation or self._has_getbatch) else self.sampler

    def length(self) -> int | None:
        """Number of batches (None, R's NA, for an iterable dataset without a length)."""
        if self._iterable:
            n = self.dataset.length()
            if n is None:
                return None
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.index_sampler)

    def __len__(self) -> int:
        n = self.length()
        if n is None:
            raise TypeError("the dataloader's iterable dataset has no length")
        return n

    def make_iter(self) -> DataLoaderIter:
        """A new iterator over one epoch (R: ``dl$.iter()``)."""
        if self._iterable:
            return _IterableIter(self)
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        return _MultiProcessIter(self)

    def __iter__(self) -> Iterator[Any]:
        return self.make_iter()


def _warn_tensor_fields(dataset: Any) -> None:
    names = [k for k, v in vars(dataset).items() if _holds_tensor(v)]
    if names:
        with warnings.catch_warnings():  # every dataloader warns, not only the first one from this line
            warnings.simplefilter("always")
            _warn_tensors(names)


def _warn_tensors(names: list[str]) -> None:
    warnings.warn(f"Datasets used with a parallel dataloader (num_workers > 0) shouldn't have fields "
                  f"containing tensors as they can't be correctly passed to the workers of R torch "
                  f"(fields: {', '.join(n.lstrip('_') for n in names)}); rtorch_py's forked workers share "
                  f"them, but code relying on it behaves differently under R torch", UserWarning, stacklevel=4)


def _holds_tensor(v: Any) -> bool:
    if isinstance(v, Tensor):
        return True
    if isinstance(v, dict):
        return any(_holds_tensor(x) for x in v.values())
    if isinstance(v, (list, tuple)):
        return any(_holds_tensor(x) for x in v)
    return False


class DataLoaderIter(_R6Family):
    """An iterator over a dataloader's batches: ``.next()`` (R: ``iter$.next()``) gives the next batch or
    :data:`exhausted`; Python's ``next(it)`` raises StopIteration instead."""

    _r_class = "dataloader_iter"

    def initialize(self, loader: DataLoader) -> None:
        self.loader = loader
        self.num_yielded = 0

    def next(self) -> Any:
        raise NotImplementedError

    def __iter__(self) -> DataLoaderIter:
        return self

    def __next__(self) -> Any:
        v = self.next()
        if v is exhausted:
            raise StopIteration
        return v

    def close(self) -> None:
        """Release what the iterator holds (worker processes)."""

    def length(self) -> int | None:
        return self.loader.length()


DataLoaderIter._family_root = DataLoaderIter


class _SingleProcessIter(DataLoaderIter):
    _r_class = None

    def initialize(self, loader: DataLoader) -> None:
        super().initialize(loader)
        self._indices = _index_iter(loader.index_sampler)
        self._fetch = _Fetcher(loader.dataset, loader._auto_collation, loader._has_getbatch, loader.collate_fn)

    def next(self) -> Any:
        index = self._indices()
        if is_exhausted(index):
            return exhausted
        data = self._fetch(index)
        self.num_yielded += 1
        return data


def _index_iter(s: Any) -> Callable[[], Any]:
    """A function giving the sampler's next index (batch) or exhausted: drawn now (R torch: when the
    dataloader's iterator is made)."""
    if isinstance(s, Sampler):
        f = getattr(s, ".iter", None)
        if f is not None:
            nxt = f()
            if callable(nxt):
                return nxt
            it = iter(nxt)
        else:
            it = s.index_iter()
    else:
        it = iter(s)
    return lambda: next(it, exhausted)


class _MultiProcessIter(DataLoaderIter):
    _r_class = None

    def initialize(self, loader: DataLoader) -> None:
        super().initialize(loader)
        self._indices = _index_iter(loader.index_sampler)
        fetch = _Fetcher(loader.dataset, loader._auto_collation, loader._has_getbatch, loader.collate_fn)
        n = loader.num_workers
        seeds = [int(loader.worker_seed()) if loader.worker_seed is not None else _draw_seed() for _ in range(n)]
        self._pool: WorkerPool | None = WorkerPool(n, fetch, seeds, loader.worker_setup, loader.worker_init_fn,
                                                   loader.worker_packages, loader.worker_globals, loader.timeout)
        self._sent = 0
        self._pending: deque[int] = deque()
        self._done = False
        self._prefetch = 2 * n

    def _fill(self) -> None:
        while not self._done and len(self._pending) < self._prefetch:
            index = self._indices()
            if is_exhausted(index):
                self._done = True
                break
            self._pool.submit(self._sent, index)
            self._pending.append(self._sent)
            self._sent += 1

    def next(self) -> Any:
        if self._pool is None:
            return exhausted
        self._fill()
        if not self._pending:
            self.close()
            return exhausted
        try:
            data = self._pool.result(self._pending.popleft())
        except BaseException:  # a worker's error, a timeout, Ctrl-C: the workers go, the epoch is over
            self.close()
            raise
        self.num_yielded += 1
        return data

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def __del__(self) -> None:
        self.close()


def _draw_seed() -> int:
    """A worker's seed in Python: drawn from torch's default generator (R draws with sample.int)."""
    from ..creation import torch_randint  # noqa: PLC0415

    return int(torch_randint(1, 1_000_001, 1).item())


class _IterableIter(DataLoaderIter):
    _r_class = None

    def initialize(self, loader: DataLoader) -> None:
        super().initialize(loader)
        self._items = loader.dataset.items()
        self._bs = loader.batch_size

    def next(self) -> Any:
        loader = self.loader
        if self._bs is None:
            item = next(self._items, exhausted)
            return item if item is exhausted else loader.collate_fn(item)
        batch = []
        for item in self._items:
            batch.append(item)
            if len(batch) == self._bs:
                break
        if not batch or (len(batch) < self._bs and loader.drop_last):
            return exhausted
        self.num_yielded += 1
        return loader.collate_fn(batch)


def dataloader(dataset: Any, batch_size: Any = 1, shuffle: bool = False, sampler: Any = None,
               batch_sampler: Any = None, num_workers: Any = 0, collate_fn: Any = None, pin_memory: bool = False,
               drop_last: bool = False, timeout: Any = -1, worker_init_fn: Any = None, worker_globals: Any = None,
               worker_packages: Any = None, *, generator: Any = None, worker_setup: Any = None,
               worker_seed: Any = None) -> DataLoader:
    """Data loader (R torch's ``dataloader()``): batches of ``batch_size`` items of ``dataset``.

    ``shuffle = TRUE`` draws ``torch_randperm(n) + 1`` when an iterator is made. ``num_workers > 0`` fetches
    batches in that many forked worker processes, each seeded (a seed per worker drawn when the iterator is
    made) before ``worker_init_fn(id)`` runs; ``timeout`` is in milliseconds (R torch's), -1 for none.
    ``worker_packages`` are imported and ``worker_globals`` (a dict) set in ``__main__`` in each worker.
    ``worker_setup(id, workers, seed)`` and ``worker_seed()`` are the R shim's hooks (R's set.seed, globals).

    Example:
        >>> torch_manual_seed(1)
        >>> dl = dataloader(tensor_dataset(torch_arange(1, 5)), batch_size=2, shuffle=True)
        >>> len(dl), [b[0].shape for b in dl]
        (3, [(2,), (2,), (1,)])
    """
    return DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn, pin_memory,
                      drop_last, timeout, worker_init_fn, worker_globals, worker_packages, generator, worker_setup,
                      worker_seed)


def dataloader_make_iter(dataloader: DataLoader) -> DataLoaderIter:
    """An iterator over one epoch of ``dataloader`` (the shuffled order is drawn now).

    Example:
        >>> it = dataloader_make_iter(dataloader(tensor_dataset(torch_zeros(3)), batch_size=2))
        >>> dataloader_next(it)[0].shape, dataloader_next(it)[0].shape, dataloader_next(it, "done")
        ((2,), (1,), 'done')
    """
    if not isinstance(dataloader, DataLoader):
        raise TypeError(f"dataloader_make_iter(): `dataloader` must be a dataloader, got {type(dataloader).__name__}")
    return dataloader.make_iter()


def dataloader_next(iter: DataLoaderIter, completed: Any = None) -> Any:  # noqa: A002 - R torch's name
    """The next batch of ``iter``, or ``completed`` when the epoch is over."""
    if not isinstance(iter, DataLoaderIter):
        raise TypeError(f"dataloader_next(): `iter` must be made by dataloader_make_iter(), got {type(iter).__name__}")
    v = iter.next()
    return completed if v is exhausted else v


def is_dataloader(x: Any) -> bool:
    """Whether ``x`` is a dataloader."""
    return isinstance(x, DataLoader)
