"""DATALOADER workload: one shuffled epoch of a 60,000 x 784 float32 tensor dataset (+ 60,000 long labels),
batch_size 64, with rtorch_py's dataloader or PyTorch's DataLoader over the same values.

usage: python bench/data_loader.py rtorch|torch [repeats]   -> one JSON line (epoch times, batches per second)
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import numpy as np

N, D, BATCH = 60_000, 784, 64


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.standard_normal((N, D), dtype=np.float32), rng.integers(0, 10, N).astype(np.int64)


def epoch_rtorch(x: np.ndarray, y: np.ndarray):
    from rtorch_py import Tensor, torch_manual_seed
    from rtorch_py.data import dataloader, tensor_dataset

    torch_manual_seed(1)
    dl = dataloader(tensor_dataset(Tensor._wrap(x), Tensor._wrap(y)), batch_size=BATCH, shuffle=True)

    def run() -> int:
        n = 0
        for xb, _ in dl:
            n += xb.shape[0]
        return n

    return run


def epoch_torch(x: np.ndarray, y: np.ndarray):
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(1)
    dl = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=BATCH, shuffle=True)

    def run() -> int:
        n = 0
        for xb, _ in dl:
            n += xb.shape[0]
        return n

    return run


def main() -> None:
    impl = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    x, y = _data()
    run = {"rtorch": epoch_rtorch, "torch": epoch_torch}[impl](x, y)
    run()  # warm-up epoch
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        assert run() == N
        times.append(time.perf_counter() - t0)
    epoch = statistics.median(times)
    batches = -(-N // BATCH)
    print(json.dumps({"median_us": epoch * 1e6, "epoch_s": times, "batches_per_s": batches / epoch,
                      "batches": batches}))


if __name__ == "__main__":
    main()
