"""R torch's data API: datasets, samplers, collation, dataloaders (with worker processes).

Example:
    >>> from rtorch_py import *
    >>> ds = tensor_dataset(torch_arange(1, 4), torch_zeros(4))
    >>> [b[0].shape for b in dataloader(ds, batch_size=3)]
    [(3,), (1,)]
"""

from . import dataset as _dataset
from ._workers import WorkerInfo, get_worker_info
from .collate import default_collate, default_convert
from .dataloader import DataLoader, DataLoaderIter, dataloader, dataloader_make_iter, dataloader_next, is_dataloader
from .dataset import (
           Dataset,
           IterableDataset,
           dataset,
           dataset_subset,
           exhausted,
           is_dataset,
           iterable_dataset,
           tensor_dataset,
)
from .progress import progress
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, sampler

is_exhausted = _dataset.is_exhausted  # rtorch_py.data.is_exhausted; not exported (coro's name in R)

__all__ = ["Dataset", "IterableDataset", "dataset", "iterable_dataset", "tensor_dataset", "dataset_subset",
           "is_dataset", "exhausted", "Sampler", "sampler", "SequentialSampler", "RandomSampler",
           "BatchSampler", "default_collate", "default_convert", "DataLoader", "DataLoaderIter", "dataloader",
           "dataloader_make_iter", "dataloader_next", "is_dataloader", "get_worker_info", "WorkerInfo", "progress"]
